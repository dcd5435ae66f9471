/*
 * cmd_report.c - kefu report list | kefu report NAME: the reports of
 * GET /api/v1/reports from the command line, with the same period rules
 * (report_parse_period), options and renderers.  The report goes to
 * stdout (an aligned table, CSV or JSON); a progress bar goes to stderr
 * only when stderr is a terminal, so stdout stays clean for pipes.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analytics/report.h"
#include "base/buf.h"
#include "base/tz.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "store/db.h"

#define OPT_ARGS_MAX 64 /* --opt flags read before the limit check */

struct report_args {
	const char *from, *to, *by, *tz; /* NULL = the defaults */
	const char *format; /* table (default), csv, json */
	const char *lang; /* zh or en; default from LANG */
	const char *header; /* labels (default) or keys */
	int nopt;
	char *opt[OPT_ARGS_MAX]; /* "k=v", owned copies */
};

static void args_release(struct report_args *ra)
{
	for (int i = 0; i < ra->nopt; i++)
		free(ra->opt[i]);
	ra->nopt = 0;
}

/*
 * Take the repeatable --opt k=v (or --opt=k=v) out of argv into ra->opt;
 * the rest goes to out (for cli_parse).  Returns the new argc, or -1 for
 * a --opt without a value or too many.
 */
static int take_opts(int argc, char **argv, struct report_args *ra, char **out)
{
	int n = 0;
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		if (strcmp(argv[i], "--opt") == 0) {
			if (i + 1 >= argc)
				return -1;
			v = argv[++i];
		} else if (strncmp(argv[i], "--opt=", 6) == 0) {
			v = argv[i] + 6;
		} else {
			out[n++] = argv[i];
			continue;
		}
		if (ra->nopt == OPT_ARGS_MAX || !strchr(v, '=') || v[0] == '=')
			return -1;
		ra->opt[ra->nopt++] = xstrdup(v);
	}
	out[n] = NULL;
	return n;
}

static void list_reports(void)
{
	for (const struct report_def *const *d = report_all(); *d; d++) {
		printf("%-20s %s / %s\n", (*d)->name, (*d)->title_en, (*d)->title_zh);
		if ((*d)->by_allowed) {
			printf("%-20s by:", "");
			for (const char *const *b = (*d)->by_allowed; *b; b++)
				printf(" %s%s", *b, b == (*d)->by_allowed ? " (default)" : "");
			printf("\n");
		}
	}
}

static void progress_bar(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	if (!total)
		return;
	int pct = (int)(done * 100 / total), fill = pct / 5;
	fprintf(stderr, "\r[%.*s%.*s] %3d%%", fill, "####################", 20 - fill, "--------------------",
	        pct > 100 ? 100 : pct);
	fflush(stderr);
}

static int check_usage(const struct report_args *ra)
{
	const char *f = ra->format;
	if (f && strcmp(f, "table") && strcmp(f, "csv") && strcmp(f, "json"))
		fprintf(stderr, "kefu report: --format must be table, csv or json\n");
	else if (ra->lang && strcmp(ra->lang, "zh") && strcmp(ra->lang, "en"))
		fprintf(stderr, "kefu report: --lang must be zh or en\n");
	else if (ra->header && strcmp(ra->header, "labels") && strcmp(ra->header, "keys"))
		fprintf(stderr, "kefu report: --header must be labels or keys\n");
	else
		return EXIT_OK;
	return EXIT_USAGE;
}

/* The report's parameters from the flags; KF_EINVAL naming the flag at fault. */
static int build_params(struct db *db, const struct report_def *def, struct report_args *ra,
                        struct report_params *p, struct kf_error *err)
{
	char desk_tz[TZ_NAME_MAX] = "UTC";
	if (!ra->tz)
		report_desk_tz(db, desk_tz, sizeof(desk_tz));
	p->now = cli_now();
	p->by = ra->by ? ra->by : report_default_by(def);
	if (isatty(STDERR_FILENO))
		p->progress = progress_bar;
	int rc = report_parse_period(ra->from, ra->to, ra->tz, desk_tz, p->now, p, err);
	for (int i = 0; rc == 0 && i < ra->nopt; i++) {
		char *eq = strchr(ra->opt[i], '=');
		*eq = '\0';
		rc = report_add_opt(p, ra->opt[i], eq + 1, err);
	}
	return rc < 0 ? rc : report_check_params(def, p, err);
}

static int render(const struct report_def *def, const struct report_params *p, const struct report_table *t,
                  const struct report_args *ra)
{
	const char *lang = getenv("LANG");
	struct report_render_opts ro = { ra->lang                                      ? ra->lang
		                                 : lang && strncmp(lang, "zh", 2) == 0 ? "zh"
		                                                                       : "en",
		                         ra->header && strcmp(ra->header, "keys") == 0, 0 };
	struct buf out = BUF_INIT;
	int rc = 0;
	if (ra->format && strcmp(ra->format, "json") == 0) {
		json_t *j = report_to_json(def, p, t);
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		rc = ra->format && strcmp(ra->format, "csv") == 0 ? report_to_csv(t, &ro, &out)
		                                                  : report_to_text(def, p, t, &ro, &out);
		fwrite(buf_cstr(&out), 1, out.len, stdout);
	}
	buf_release(&out);
	return rc;
}

static int run_report(struct db *db, const struct report_def *def, struct report_args *ra, struct kf_error *err)
{
	struct report_params p = { 0 };
	struct report_table t = { 0 };
	int rc = build_params(db, def, ra, &p, err);
	if (rc == 0)
		rc = def->run(db, &p, &t, err);
	if (p.progress)
		fprintf(stderr, "\r%30s\r", "");
	if (rc == 0)
		rc = render(def, &p, &t, ra);
	report_table_free(&t);
	return rc;
}

static int open_and_run(const struct kf_config *cfg, const struct report_def *def, struct report_args *ra)
{
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	o.sync_full = cfg->sync_full;
	o.migrate = 0;
	int rc = store_open(cfg->db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? run_report(db, def, ra, &err) : -1;
	store_close(st);
	if (rc == KF_EINVAL) {
		fprintf(stderr, "kefu report: %s%s%s\n", err.field[0] ? err.field : "",
		        err.field[0] ? ": " : "", err.message);
		return EXIT_USAGE;
	}
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	struct report_args ra = { 0 };
	const char *opt_seen = NULL; /* --opt is taken out of argv before cli_parse; listed for --help */
	const struct cli_flag flags[] = {
		{ "from", 1, &ra.from, NULL,
		  "first day YYYY-MM-DD (or an ISO 8601 instant); default 30 days ago" },
		{ "to", 1, &ra.to, NULL,
		  "last day YYYY-MM-DD, included (or an ISO instant, excluded); default today" },
		{ "by", 1, &ra.by, NULL, "the dimension (see kefu report list)" },
		{ "tz", 1, &ra.tz, NULL, "IANA time zone of the dates; default the desk calendar's" },
		{ "opt", 1, &opt_seen, NULL, "KEY=VALUE a report option (repeatable)" },
		{ "format", 1, &ra.format, NULL, "table (default), csv or json" },
		{ "lang", 1, &ra.lang, NULL, "zh or en labels (default from LANG)" },
		{ "header", 1, &ra.header, NULL, "CSV header: labels (default) or keys" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	char **av = xcalloc((size_t)argc + 1, sizeof *av);
	const char *pos[1];
	int npos = 0, ac = take_opts(argc, argv, &ra, av), rc = EXIT_USAGE;
	if (ac < 0)
		fprintf(stderr, "kefu report: --opt needs KEY=VALUE (at most %d)\n", OPT_ARGS_MAX);
	else
		rc = cli_parse(ac, av, cli_cmd_find("report"), flags, &cfg, pos, 1, &npos);
	if (rc == EXIT_OK)
		rc = check_usage(&ra);
	const struct report_def *def = rc == EXIT_OK && npos == 1 ? report_find(pos[0]) : NULL;
	if (rc == EXIT_OK && npos == 1 && strcmp(pos[0], "list") == 0) {
		list_reports();
	} else if (rc == EXIT_OK && !def) {
		fprintf(stderr, "kefu report: %s (see kefu report list)\n",
		        npos ? "no such report" : "needs a report name");
		rc = EXIT_USAGE;
	} else if (rc == EXIT_OK) {
		rc = open_and_run(&cfg, def, &ra);
	}
	args_release(&ra);
	free(av);
	return rc < 0 ? EXIT_OK : rc;
}
