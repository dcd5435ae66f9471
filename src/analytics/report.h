/*
 * report.h - the shape every kefu report takes (PRODUCT.md Q7).
 *
 * A report is a named, pure-ish function of the database and a few
 * parameters (a period [from, to), a "by" dimension, report options) that
 * fills a report_table: typed columns with English and Chinese labels, and
 * rows of cells.  Every row may carry a drill-down: the API path (with its
 * query) that lists the tickets, orders or customers behind that row.
 * One table is rendered three ways (report_render.c): JSON for the API and
 * the web UI, CSV for export, an aligned text table for the CLI.
 *
 * Reports never write.  Time is UTC seconds; a period is half-open.
 * The arithmetic lives in pure functions elsewhere in src/analytics/ (with
 * their definitions in docs/metrics.md); a report only gathers rows and
 * calls them.
 */
#ifndef KF_REPORT_H
#define KF_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;

enum report_type {
	RT_TEXT, /* a label or key */
	RT_INT, /* a count */
	RT_NUM, /* a plain number (mean, score, parameter) */
	RT_RATE, /* a ratio in [0, 1]; shown as a percentage */
	RT_MONEY, /* integer minor units (cents, fen) */
	RT_SECONDS, /* a duration in seconds */
};

struct report_col {
	const char *key; /* stable machine name, e.g. "fill_rate_unit" */
	const char *label_en;
	const char *label_zh;
	enum report_type type;
};

struct report_cell {
	int null; /* no value (a rate with a zero denominator, say) */
	int64_t i; /* RT_INT, RT_MONEY, RT_SECONDS */
	double d; /* RT_NUM, RT_RATE */
	char *s; /* RT_TEXT; owned by the table */
};

struct report_table {
	const struct report_col *cols; /* static, borrowed */
	size_t ncols;
	struct report_cell *cells; /* nrows * ncols, row-major */
	char **drill; /* per row: API path + query, or NULL; owned */
	size_t nrows, cap;
	char *note; /* optional remark shown under the table ("3 rows cut"), English; owned */
	char *note_zh; /* the same remark in Chinese (NULL: none); owned */
};

/* What a caller asks for.  by is "" when the report has no dimension;
 * opts are "key=value" pairs from the query string or the CLI
 * (e.g. "a=0.80", "b=0.15"); a report reads them with report_opt_*. */
#define REPORT_OPTS_MAX 16
struct report_params {
	int64_t from, to; /* [from, to) UTC seconds; 0 = open end */
	int64_t now; /* the instant the report is made (for recency, P(alive)) */
	const char *by; /* a dimension the report lists in by_allowed, or "" */
	const char *tz; /* IANA zone for day/week/month buckets, e.g. "Asia/Shanghai" */
	size_t nopts;
	const char *opt_key[REPORT_OPTS_MAX];
	const char *opt_val[REPORT_OPTS_MAX];
	/* Called now and then by long reports with done/total (CLI progress
	 * bar); may be NULL. */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
};

struct report_def {
	const char *name; /* "service-level", "rfm", ... */
	const char *title_en;
	const char *title_zh;
	const char *const *by_allowed; /* NULL-terminated; NULL = no dimension */
	const char *perm; /* the permission a caller needs, e.g. "reports.read" */
	int (*run)(struct db *db, const struct report_params *p, struct report_table *t, struct kf_error *err);
};

/* ---- building a table (report_table.c) ---- */
void report_table_init(struct report_table *t, const struct report_col *cols, size_t ncols);
void report_table_free(struct report_table *t);
/* Append an empty row (every cell null) and return its index. */
size_t report_row(struct report_table *t);
void report_set_text(struct report_table *t, size_t row, size_t col, const char *s);
void report_set_int(struct report_table *t, size_t row, size_t col, int64_t v);
void report_set_num(struct report_table *t, size_t row, size_t col, double v); /* RT_NUM and RT_RATE */
/* num/den as a rate; a zero denominator leaves the cell null. */
void report_set_rate(struct report_table *t, size_t row, size_t col, int64_t num, int64_t den);
void report_set_drill(struct report_table *t, size_t row, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void report_set_note(struct report_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The note's Chinese wording (set after report_set_note; the page shows the one of its language). */
void report_set_note_zh(struct report_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * "&<from_key>=<from>&<to_key>=<to>" (UTC seconds, to exclusive) for p's
 * period into out, an open end left out: what a drill-down appends so the
 * list it opens holds the report's period, not all time.
 */
void report_period_query(const struct report_params *p, const char *from_key, const char *to_key, char *out,
                         size_t n);
const struct report_cell *report_cell(const struct report_table *t, size_t row, size_t col);
/* The index of the column named key, or -1. */
int report_col_index(const struct report_table *t, const char *key);

/* ---- parameters ---- */
/* The option's value, or NULL. */
const char *report_opt(const struct report_params *p, const char *key);
/* A number option in [lo, hi]; missing = def; malformed or out of range =
 * KF_EINVAL naming the option as the field. */
int report_opt_num(const struct report_params *p, const char *key, double def, double lo, double hi,
                   double *out, struct kf_error *err);

/* ---- the registry (report_list.c) ---- */
const struct report_def *report_find(const char *name);
/* All reports, NULL-terminated. */
const struct report_def *const *report_all(void);
/* Check p->by against def (KF_EINVAL field "by") and p->from < p->to. */
int report_check_params(const struct report_def *def, const struct report_params *p, struct kf_error *err);

/* ---- asking for a report (report_request.c) ---- */
/* The default dimension of def: the first of by_allowed, or "" (borrowed). */
const char *report_default_by(const struct report_def *def);
/*
 * Fill p->from, p->to and p->tz from request text.  from and to are
 * "YYYY-MM-DD" (a local date in the zone: from = that day's start, to =
 * the end of that day, so both days are included) or an ISO 8601 instant
 * "YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM)" (to exclusive).  Missing from/to give
 * the last 30 local days ending with today (the day of now).  tz is an
 * IANA name; NULL or "" = dflt_tz.  KF_EINVAL with field "from", "to" or
 * "tz".  p->tz then points to the loaded zone's name (lives forever).
 */
int report_parse_period(const char *from, const char *to, const char *tz, const char *dflt_tz, int64_t now,
                        struct report_params *p, struct kf_error *err);
/* The zone of the desk's default business calendar into out, or "UTC". */
void report_desk_tz(struct db *db, char *out, size_t outsz);
/* Add option key=value to p (both borrowed); KF_EINVAL field key past REPORT_OPTS_MAX. */
int report_add_opt(struct report_params *p, const char *key, const char *value, struct kf_error *err);
/* 1 when name is a request parameter of every report (from, to, by, tz, format, lang, header, bom). */
int report_param_reserved(const char *name);

/* ---- rendering (report_render.c) ---- */
struct json_t;
struct buf;

struct report_render_opts {
	const char *lang; /* "zh" or "en": labels of the CSV header and the text table */
	int header_keys; /* CSV: the header row is the column keys, not labels */
	int bom; /* CSV: start with a UTF-8 byte order mark (for Excel) */
};

/*
 * The JSON form: {report, title_en, title_zh, from, to, tz, by, columns,
 * rows, drill, note, note_zh}: note is English, note_zh Chinese (each
 * null when there is none).  from/to are ISO 8601 UTC instants (null when open),
 * cells are JSON numbers (rates 0..1, money in minor units, seconds) or
 * strings, null cells null.  A new reference.
 */
struct json_t *report_to_json(const struct report_def *def, const struct report_params *p,
                              const struct report_table *t);
/* RFC 4180 CSV (CRLF line ends, quotes doubled) into out; KF_ETOOBIG past the buffer cap. */
int report_to_csv(const struct report_table *t, const struct report_render_opts *o, struct buf *out);
/* An aligned text table for a terminal (CJK characters count two columns), then the note. */
int report_to_text(const struct report_def *def, const struct report_params *p, const struct report_table *t,
                   const struct report_render_opts *o, struct buf *out);
/* Terminal columns taken by UTF-8 text s: East Asian wide characters 2, combining marks 0. */
size_t report_text_width(const char *s);

#endif
