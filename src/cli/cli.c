/*
 * cli.c - the parser and helpers the subcommands share (see cli.h).
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/json.h"

extern char **environ;

static void print_help(const struct cli_cmd *cmd, const struct cli_flag *flags)
{
	printf("usage: %s\n\n%s\n\n", cmd->usage, cmd->about);
	if (flags && flags[0].name) {
		printf("options:\n");
		for (const struct cli_flag *f = flags; f->name; f++)
			printf("  --%-22s %s\n", f->has_value ? f->name : f->name, f->help);
		printf("\n");
	}
	printf("settings (config file key = value, KEFU_<KEY> variable, or --key flag):\n");
	printf("  --%-22s %s\n", "config FILE", "read settings from FILE (also KEFU_CONFIG)");
	config_print_help(stdout);
}

static const struct cli_flag *flag_find(const struct cli_flag *flags, const char *name, size_t n)
{
	for (const struct cli_flag *f = flags; f && f->name; f++)
		if (strlen(f->name) == n && strncmp(f->name, name, n) == 0)
			return f;
	return NULL;
}

/* Find --config first: the file is applied before the environment and the flags. */
static int load_config_file(int argc, char **argv, struct kf_config *cfg, struct kf_error *err)
{
	const char *path = getenv("KEFU_CONFIG");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			path = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			path = argv[i] + 9;
	}
	return path && *path ? config_load_file(cfg, path, err) : 0;
}

static int usage_error(const struct cli_cmd *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "kefu %s: ", cmd->name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: %s (see --help)\n", cmd->usage);
	return EXIT_USAGE;
}

/* One --name[=value] argument at argv[*i]. */
static int parse_flag(int argc, char **argv, int *i, const struct cli_cmd *cmd, const struct cli_flag *flags,
                      struct kf_config *cfg)
{
	struct kf_error err = KF_ERROR_INIT;
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	char name[64];
	if (n >= sizeof(name))
		return usage_error(cmd, "unknown flag --%s", arg);
	snprintf(name, sizeof(name), "%.*s", (int)n, arg);
	const struct cli_flag *f = flag_find(flags, name, n);
	int wants = f ? f->has_value : (strcmp(name, "config") == 0 || config_is_key(name));
	if (!f && !wants)
		return usage_error(cmd, "unknown flag --%s", name);
	const char *value = eq ? eq + 1 : NULL;
	if (wants && !value) {
		if (*i + 1 >= argc)
			return usage_error(cmd, "flag --%s needs a value", name);
		value = argv[++*i];
	}
	if (!wants && value)
		return usage_error(cmd, "flag --%s takes no value", name);
	if (f && f->has_value)
		*f->value = value;
	else if (f)
		*f->set = 1;
	else if (strcmp(name, "config") != 0 && config_set(cfg, name, value, "flag", &err) < 0)
		return usage_error(cmd, "%s", err.message);
	return EXIT_OK;
}

int cli_parse(int argc, char **argv, const struct cli_cmd *cmd, const struct cli_flag *flags,
              struct kf_config *cfg, const char **pos, int maxpos, int *npos)
{
	struct kf_error err = KF_ERROR_INIT;
	*npos = 0;
	config_defaults(cfg);
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return print_help(cmd, flags), -1;
	if (load_config_file(argc, argv, cfg, &err) < 0 || config_load_env(cfg, environ, &err) < 0) {
		fprintf(stderr, "kefu %s: %s\n", cmd->name, err.message);
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++)
		if (json_utf8_bad(argv[i], strlen(argv[i])) >= 0) {
			fprintf(stderr, "kefu %s: argument %d is not valid UTF-8 text; nothing was done\n",
			        cmd->name, i);
			return EXIT_USAGE;
		}
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0 && argv[i][2]) {
			int rc = parse_flag(argc, argv, &i, cmd, flags, cfg);
			if (rc != EXIT_OK)
				return rc;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error(cmd, "unknown flag %s", argv[i]);
		} else if (*npos == maxpos) {
			return usage_error(cmd, "unexpected argument '%s'", argv[i]);
		} else {
			pos[(*npos)++] = argv[i];
		}
	}
	return EXIT_OK;
}

int cli_fail(const struct kf_error *err)
{
	fprintf(stderr, "kefu: %s\n", err->message[0] ? err->message : kf_code_key(err->code));
	return EXIT_FAIL;
}

struct actor cli_actor(void)
{
	const char *who = getenv("USER");
	struct actor a = { "cli", 0, who && *who ? who : "cli", NULL, NULL };
	return a;
}

int cli_read_line(char *out, size_t n)
{
	if (!fgets(out, (int)n, stdin))
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

int64_t cli_now(void)
{
	return (int64_t)time(NULL);
}

const struct cli_cmd *cli_cmd_find(const char *name)
{
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	KF_BUG("unknown command in cli_cmd_find");
}

int64_t cli_parse_id(const char *s)
{
	int64_t v = 0;
	if (!s || !*s || *s == '0' || strlen(s) > 18)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}
