/*
 * cmd_import.c - kefu import customers|orders|shipments|events FILE:
 * stream a CSV file (the header row names the fields, --map renames
 * columns) or JSON lines (one object per line) through the import
 * framework (logistics/import.h).  All-or-nothing by default: any bad
 * row and nothing is imported (exit 1, every error listed up to a cap);
 * with --skip-bad the good rows are imported and the bad ones listed
 * (exit 0).  Errors are "FILE:LINE: field: message" on stderr; a
 * progress line is drawn on stderr only when it is a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/csv.h"
#include "base/xalloc.h"
#include "base/json.h"
#include "base/limits.h"
#include "cli/cli.h"
#include "logistics/import.h"
#include "store/db.h"

#define MAP_MAX 64

struct import_args {
	const char *format; /* "csv" or "jsonl"; NULL = by the file name */
	const char *map; /* "Source Col=field,..." */
	int skip_bad;
	const char *file;
	int nmap;
	char *map_buf; /* owned copy of map, cut into pairs */
	const char *map_from[MAP_MAX];
	const char *map_to[MAP_MAX];
};

struct progress {
	int on; /* stderr is a terminal */
	uint64_t total; /* file size, 0 = unknown */
	struct timespec start, last;
};

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_show(struct progress *p, int64_t rows, uint64_t bytes, int final)
{
	struct timespec now;
	if (!p->on || (!final && (rows & 1023) != 0))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && since(&p->last, &now) < 0.2)
		return;
	p->last = now;
	double secs = since(&p->start, &now);
	double pct = p->total ? 100.0 * (double)bytes / (double)p->total : 0.0;
	fprintf(stderr, "\r%12lld rows  %10.0f rows/s  %5.1f%%%s", (long long)rows,
	        secs > 0 ? (double)rows / secs : 0.0, pct, final ? "\n" : "");
}

/* Cut "A=x,B=y" into pairs. */
static int map_parse(struct import_args *ia, struct kf_error *err)
{
	if (!ia->map)
		return 0;
	size_t n = strlen(ia->map);
	ia->map_buf = xmalloc(n + 1);
	memcpy(ia->map_buf, ia->map, n + 1);
	for (char *p = ia->map_buf; p && *p;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		char *eq = strchr(p, '=');
		if (!eq || eq == p || ia->nmap == MAP_MAX)
			return kf_fail(err, KF_EINVAL, "usage", "map",
			               "--map wants \"Source Column=field,...\" (at most %d)", MAP_MAX);
		*eq = '\0';
		ia->map_from[ia->nmap] = p;
		ia->map_to[ia->nmap++] = eq + 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* The field name for a source column: mapped, ignored ("") or itself. */
static const char *map_name(const struct import_args *ia, const char *col)
{
	if (!ia->map)
		return col;
	for (int i = 0; i < ia->nmap; i++)
		if (strcmp(ia->map_from[i], col) == 0)
			return ia->map_to[i];
	return "";
}

static int csv_header(struct import *im, struct csv *c, const struct import_args *ia, struct kf_error *err)
{
	const char *names[256];
	int rc = csv_next(c, err);
	if (rc == 0)
		return kf_fail(err, KF_EINVAL, "empty", NULL, "%s: no header row", ia->file);
	if (rc < 0)
		return rc;
	if (c->nfields > 256)
		return kf_fail(err, KF_EINVAL, "too_many_columns", NULL, "%s: more than 256 columns", ia->file);
	for (int m = 0; m < ia->nmap; m++) {
		int found = 0;
		for (int i = 0; i < c->nfields; i++)
			found |= strcmp(csv_field(c, i, NULL), ia->map_from[m]) == 0;
		if (!found)
			return kf_fail(err, KF_EINVAL, "usage", "map",
			               "--map names column '%s', which %s has not", ia->map_from[m], ia->file);
	}
	for (int i = 0; i < c->nfields; i++)
		names[i] = map_name(ia, csv_field(c, i, NULL));
	return import_columns(im, names, c->nfields, err);
}

static int run_csv(struct import *im, struct csv *c, const struct import_args *ia, struct progress *p,
                   struct kf_error *err)
{
	const char *vals[256];
	int rc = csv_header(im, c, ia, err);
	while (rc == 0) {
		rc = csv_next(c, err);
		if (rc == 0)
			break;
		if (rc == KF_ETOOBIG || rc == KF_EINVAL) {
			im->rows++;
			import_bad(im, c->line, "", err->message);
			rc = c->failed ? KF_EINVAL : 0;
			continue;
		}
		if (rc < 0)
			break;
		int n = c->nfields < 256 ? c->nfields : 256;
		for (int i = 0; i < n; i++)
			vals[i] = csv_field(c, i, NULL);
		rc = import_values(im, c->line, vals, c->nfields, err);
		progress_show(p, im->rows, c->bytes, 0);
	}
	return rc == KF_EINVAL && c->failed ? 0 : rc;
}

/* With --map, a JSON line's keys are renamed and unmapped ones dropped. */
static json_t *json_mapped(json_t *obj, const struct import_args *ia)
{
	const char *key;
	json_t *v;
	if (!ia->map || !json_is_object(obj))
		return json_incref(obj);
	json_t *out = json_object();
	json_object_foreach(obj, key, v)
	{
		const char *to = map_name(ia, key);
		if (*to)
			json_object_set(out, to, v);
	}
	return out;
}

static int run_jsonl(struct import *im, struct csv *c, const struct import_args *ia, struct progress *p,
                     struct kf_error *err)
{
	const char *line;
	size_t len;
	int rc;
	while ((rc = csv_next_line(c, &line, &len, err)) != 0) {
		if (rc == KF_ETOOBIG) {
			im->rows++;
			import_bad(im, c->line, "", err->message);
			continue;
		}
		if (rc < 0)
			return rc;
		long bad = json_utf8_bad(line, len);
		if (bad >= 0) {
			char msg[KF_ERR_MSG_MAX];
			snprintf(msg, sizeof(msg), "line %lld: the line is not valid UTF-8 (byte %ld)",
			         (long long)c->line, bad + 1);
			im->rows++;
			import_bad(im, c->line, "", msg);
			continue;
		}
		json_error_t je;
		json_t *obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
		if (!obj) {
			char msg[KF_ERR_MSG_MAX];
			snprintf(msg, sizeof(msg), "not JSON at column %d: %s", je.column, je.text);
			im->rows++;
			import_bad(im, c->line, "", msg);
			continue;
		}
		json_t *m = json_mapped(obj, ia);
		rc = import_object(im, c->line, m, err);
		json_decref(m);
		json_decref(obj);
		if (rc < 0)
			return rc;
		progress_show(p, im->rows, c->bytes, 0);
	}
	return 0;
}

/* Errors in the language of LANG (zh_CN.UTF-8 and the like: Chinese where there is a wording). */
static void print_errors(const struct import *im, const char *file)
{
	const char *lang = getenv("LANG");
	for (int i = 0; i < im->nerrors; i++) {
		const struct import_error *e = &im->errors[i];
		const char *msg = import_error_message(e, lang);
		if (e->field[0])
			fprintf(stderr, "%s:%lld: %s: %s\n", file, (long long)e->row, e->field, msg);
		else
			fprintf(stderr, "%s:%lld: %s\n", file, (long long)e->row, msg);
	}
	if (im->bad > im->nerrors)
		fprintf(stderr, "%s: ... and %lld more bad rows\n", file, (long long)(im->bad - im->nerrors));
}

static int is_jsonl(const struct import_args *ia)
{
	if (ia->format)
		return strcmp(ia->format, "jsonl") == 0;
	size_t n = strlen(ia->file);
	return (n > 6 && strcmp(ia->file + n - 6, ".jsonl") == 0) ||
	        (n > 7 && strcmp(ia->file + n - 7, ".ndjson") == 0);
}

static int import_file(struct db *db, enum import_kind kind, struct import_args *ia, FILE *f,
                       struct kf_error *err)
{
	struct import im;
	struct csv c;
	struct progress p = { isatty(2), 0, { 0, 0 }, { 0, 0 } };
	struct stat sb;
	struct actor a = cli_actor();
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode))
		p.total = (uint64_t)sb.st_size;
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	p.last = p.start;
	csv_init_file(&c, f);
	int rc = import_begin(&im, db, &a, cli_now(), kind, ia->skip_bad, err);
	if (rc == 0)
		rc = is_jsonl(ia) ? run_jsonl(&im, &c, ia, &p, err) : run_csv(&im, &c, ia, &p, err);
	progress_show(&p, im.rows, c.bytes, 1);
	if (rc == 0)
		rc = import_end(&im, err);
	print_errors(&im, ia->file);
	if (rc == 0)
		printf("imported %lld of %lld %s rows from %s%s\n", (long long)im.imported, (long long)im.rows,
		       import_kind_name(kind), ia->file, im.bad ? " (bad rows skipped, listed on stderr)" : "");
	import_release(&im);
	csv_release(&c);
	return rc;
}

static int import_run(struct kf_config *cfg, enum import_kind kind, struct import_args *ia, struct kf_error *err)
{
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	FILE *f = strcmp(ia->file, "-") == 0 ? stdin : fopen(ia->file, "rb");
	if (!f)
		return kf_fail(err, KF_EIO, "io", NULL, "cannot open %s", ia->file);
	o.sync_full = cfg->sync_full;
	o.migrate = 0;
	int rc = store_open(cfg->db, &o, &st, err);
	struct db *db = rc == 0 ? store_db(st, err) : NULL;
	/* every SQLite connection keeps statement journals in memory (temp_store, store/sqlite.c) */
	rc = db ? import_file(db, kind, ia, f, err) : -1;
	store_close(st);
	if (f != stdin)
		fclose(f);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	struct import_args ia = { 0 };
	const struct cli_flag flags[] = {
		{ "skip-bad", 0, NULL, &ia.skip_bad, "import the good rows and list the bad ones (exit 0)" },
		{ "format", 1, &ia.format, NULL, "csv or jsonl (default: by the file name; csv)" },
		{ "map", 1, &ia.map, NULL, "rename columns: \"Source Column=field,...\"; others are ignored" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	const char *pos[2];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("import"), flags, &cfg, pos, 2, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	int kind = npos == 2 ? import_kind_parse(pos[0]) : -1;
	if (kind < 0 || (ia.format && strcmp(ia.format, "csv") != 0 && strcmp(ia.format, "jsonl") != 0)) {
		fprintf(stderr,
		        "usage: kefu import customers|orders|shipments|events FILE [--skip-bad]"
		        " [--format csv|jsonl] [--map \"Col=field,...\"]\n");
		return EXIT_USAGE;
	}
	ia.file = pos[1];
	rc = map_parse(&ia, &err);
	if (rc == 0)
		rc = import_run(&cfg, (enum import_kind)kind, &ia, &err);
	free(ia.map_buf);
	if (rc < 0 && strcmp(err.key, "usage") == 0) {
		fprintf(stderr, "kefu import: %s\n", err.message);
		return EXIT_USAGE;
	}
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}
