/*
 * report_table.c - building a report table and reading report options.
 */
#include "analytics/report.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"

void report_table_init(struct report_table *t, const struct report_col *cols, size_t ncols)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->ncols = ncols;
}

void report_table_free(struct report_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->cells[r * t->ncols + c].s);
		free(t->drill[r]);
	}
	free(t->cells);
	free(t->drill);
	free(t->note);
	free(t->note_zh);
	memset(t, 0, sizeof *t);
}

size_t report_row(struct report_table *t)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		t->cells = xreallocarray(t->cells, cap * t->ncols, sizeof *t->cells);
		t->drill = xreallocarray(t->drill, cap, sizeof *t->drill);
		t->cap = cap;
	}
	size_t row = t->nrows++;
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[row * t->ncols + c] = (struct report_cell){ .null = 1 };
	t->drill[row] = NULL;
	return row;
}

static struct report_cell *cell(struct report_table *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		KF_BUG("report cell out of range");
	return &t->cells[row * t->ncols + col];
}

void report_set_text(struct report_table *t, size_t row, size_t col, const char *s)
{
	struct report_cell *c = cell(t, row, col);
	free(c->s);
	c->s = xstrdup(s ? s : "");
	c->null = 0;
}

void report_set_int(struct report_table *t, size_t row, size_t col, int64_t v)
{
	struct report_cell *c = cell(t, row, col);
	c->i = v;
	c->d = (double)v;
	c->null = 0;
}

void report_set_num(struct report_table *t, size_t row, size_t col, double v)
{
	struct report_cell *c = cell(t, row, col);
	if (!isfinite(v)) {
		c->null = 1;
		return;
	}
	c->d = v;
	c->i = (int64_t)llround(v);
	c->null = 0;
}

void report_set_rate(struct report_table *t, size_t row, size_t col, int64_t num, int64_t den)
{
	if (den == 0) {
		cell(t, row, col)->null = 1;
		return;
	}
	report_set_num(t, row, col, (double)num / (double)den);
}

void report_set_drill(struct report_table *t, size_t row, const char *fmt, ...)
{
	if (row >= t->nrows)
		KF_BUG("report drill out of range");
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	free(t->drill[row]);
	t->drill[row] = buf_detach(&b, NULL);
}

void report_period_query(const struct report_params *p, const char *from_key, const char *to_key, char *out,
                         size_t n)
{
	int k = 0;
	out[0] = '\0';
	if (p->from > 0)
		k = snprintf(out, n, "&%s=%lld", from_key, (long long)p->from);
	if (p->to > 0 && k >= 0 && (size_t)k < n)
		snprintf(out + k, n - (size_t)k, "&%s=%lld", to_key, (long long)p->to);
}

/* Replace *dst with the formatted text. */
static void note_set(char **dst, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	buf_vaddf(&b, fmt, ap);
	free(*dst);
	*dst = buf_detach(&b, NULL);
}

void report_set_note(struct report_table *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	note_set(&t->note, fmt, ap);
	va_end(ap);
}

void report_set_note_zh(struct report_table *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	note_set(&t->note_zh, fmt, ap);
	va_end(ap);
}

const struct report_cell *report_cell(const struct report_table *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		KF_BUG("report cell out of range");
	return &t->cells[row * t->ncols + col];
}

int report_col_index(const struct report_table *t, const char *key)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->cols[c].key, key) == 0)
			return (int)c;
	return -1;
}

const char *report_opt(const struct report_params *p, const char *key)
{
	for (size_t i = 0; i < p->nopts; i++)
		if (strcmp(p->opt_key[i], key) == 0)
			return p->opt_val[i];
	return NULL;
}

int report_opt_num(const struct report_params *p, const char *key, double def, double lo, double hi,
                   double *out, struct kf_error *err)
{
	const char *v = report_opt(p, key);
	if (!v || !*v) {
		*out = def;
		return 0;
	}
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || *end || !isfinite(d))
		return kf_fail(err, KF_EINVAL, "invalid", key, "%s must be a number", key);
	if (d < lo || d > hi)
		return kf_fail(err, KF_EINVAL, "out_of_range", key, "%s must be between %g and %g", key, lo,
		               hi);
	*out = d;
	return 0;
}

int report_check_params(const struct report_def *def, const struct report_params *p, struct kf_error *err)
{
	if (p->from && p->to && p->from >= p->to)
		return kf_fail(err, KF_EINVAL, "invalid", "to", "to must be after from");
	const char *by = p->by ? p->by : "";
	if (!*by)
		return 0;
	if (def->by_allowed)
		for (const char *const *b = def->by_allowed; *b; b++)
			if (strcmp(*b, by) == 0)
				return 0;
	return kf_fail(err, KF_EINVAL, "invalid", "by", "report %s cannot be broken down by %s", def->name, by);
}
