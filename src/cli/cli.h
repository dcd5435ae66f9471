/*
 * cli.h - the command line: one table of subcommands (main.c), each a
 * cmd_<name>.c with a run function, and the parser they share for the
 * configuration (file, KEFU_* environment, flags) and their own flags.
 * Exit codes: 0 done, 1 failed, 2 usage error.
 */
#ifndef KF_CLI_H
#define KF_CLI_H

#include <stdint.h>

#include "auth/audit.h"
#include "base/config.h"
#include "base/err.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli_flag {
	const char *name; /* without the dashes */
	int has_value; /* takes a value */
	const char **value; /* where the value goes (has_value) */
	int *set; /* set to 1 when given (!has_value) */
	const char *help; /* one line */
};

struct cli_cmd {
	const char *name; /* the subcommand */
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand */
	const char *usage; /* "kefu init [options]" */
	const char *about; /* one line */
};

/*
 * Parse argv (after the subcommand): --config FILE first, then the file,
 * the environment, then flags.  Command flags come from flags (may be
 * NULL).  Positional arguments are collected into pos (up to maxpos).
 * Returns EXIT_OK, EXIT_USAGE (message printed), or -1 when --help was
 * shown (the caller exits 0).
 */
int cli_parse(int argc, char **argv, const struct cli_cmd *cmd, const struct cli_flag *flags,
              struct kf_config *cfg, const char **pos, int maxpos, int *npos);
/* Print "kefu: <message>" for an error and return EXIT_FAIL (or EXIT_USAGE for KF_EINVAL from config). */
int cli_fail(const struct kf_error *err);
/* The actor for CLI changes: kind "cli", named after the OS user. */
struct actor cli_actor(void);
/* Read one line (a password) from stdin without the newline. */
int cli_read_line(char *out, size_t n);
int64_t cli_now(void);
/* A positive decimal id; 0 when s is not one. */
int64_t cli_parse_id(const char *s);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_portal(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_permissions(int argc, char **argv);
int cmd_customer(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_ticket(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_order(int argc, char **argv);
int cmd_track(int argc, char **argv);
int cmd_sla(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_complaint(int argc, char **argv);
int cmd_return(int argc, char **argv);
int cmd_claim(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_quote(int argc, char **argv);
int cmd_ratecard(int argc, char **argv);
int cmd_analytics(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_mail(int argc, char **argv);

extern const struct cli_cmd cli_commands[];
/* The command named name (it must exist). */
const struct cli_cmd *cli_cmd_find(const char *name);

#endif
