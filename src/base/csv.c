/*
 * csv.c - see csv.h.  A byte-at-a-time state machine over an input
 * window; the row buffer is allocated once at the cap, so appending a
 * byte is a store and a compare.
 */
#include "base/csv.h"

#include "base/buf.h"

#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/xalloc.h"

enum csv_state {
	ST_START, /* at the start of a field */
	ST_PLAIN, /* inside an unquoted field */
	ST_QUOTED, /* inside a quoted field */
	ST_QUOTE, /* just after a quote inside a quoted field */
};

static void csv_init(struct csv *c)
{
	memset(c, 0, sizeof(*c));
	c->row = xmalloc(KF_MAX_IMPORT_ROW + 1);
	c->offs_cap = 16;
	c->offs = xcalloc((size_t)c->offs_cap, sizeof(*c->offs));
	c->next_line = 1;
}

void csv_init_file(struct csv *c, FILE *f)
{
	csv_init(c);
	c->f = f;
}

void csv_init_mem(struct csv *c, const char *p, size_t n)
{
	csv_init(c);
	c->mem = p;
	c->mem_len = n;
}

void csv_release(struct csv *c)
{
	free(c->row);
	free(c->offs);
	c->row = NULL;
	c->offs = NULL;
}

/* Refill the window; 1 = bytes ready, 0 = end, KF_EIO. */
static int fill(struct csv *c, struct kf_error *err)
{
	if (c->win_pos < c->win_len)
		return 1;
	if (c->eof)
		return 0;
	c->win_pos = 0;
	if (c->f) {
		c->win_len = fread(c->win, 1, sizeof(c->win), c->f);
		if (c->win_len == 0 && ferror(c->f))
			return kf_fail(err, KF_EIO, "io", NULL, "read error at byte %llu",
			               (unsigned long long)c->bytes);
	} else {
		size_t n = c->mem_len - c->mem_pos;
		c->win_len = n < sizeof(c->win) ? n : sizeof(c->win);
		memcpy(c->win, c->mem + c->mem_pos, c->win_len);
		c->mem_pos += c->win_len;
	}
	if (c->win_len == 0)
		c->eof = 1;
	return c->win_len > 0;
}

/* The next byte in *ch: 1, 0 at the end, or KF_EIO.  Skips a leading BOM. */
static int next_byte(struct csv *c, int *ch, struct kf_error *err)
{
	int rc = fill(c, err);
	if (rc <= 0)
		return rc;
	if (!c->started) {
		c->started = 1;
		if (c->win_len - c->win_pos >= 3 && memcmp(c->win + c->win_pos, "\xEF\xBB\xBF", 3) == 0) {
			c->win_pos += 3;
			c->bytes += 3;
			return next_byte(c, ch, err);
		}
	}
	*ch = (unsigned char)c->win[c->win_pos++];
	c->bytes++;
	if (*ch == '\n')
		c->next_line++;
	return 1;
}

/* Put the last byte back (only ever one, and only one just read). */
static void unread_byte(struct csv *c, int ch)
{
	c->win_pos--;
	c->bytes--;
	if (ch == '\n')
		c->next_line--;
}

/* Append one byte to the row; 0, or 1 when the row is over the cap. */
static int put(struct csv *c, int ch)
{
	if (c->row_len >= KF_MAX_IMPORT_ROW)
		return 1;
	c->row[c->row_len++] = (char)ch;
	return 0;
}

/* End the current field; 1 when the row is over the cap. */
static int end_field(struct csv *c)
{
	if (put(c, '\0'))
		return 1;
	if (c->nfields + 1 >= c->offs_cap) {
		c->offs_cap *= 2;
		c->offs = xrealloc(c->offs, (size_t)c->offs_cap * sizeof(*c->offs));
	}
	c->nfields++;
	c->offs[c->nfields] = c->row_len;
	return 0;
}

static void row_reset(struct csv *c)
{
	c->row_len = 0;
	c->nfields = 0;
	c->offs[0] = 0;
	c->line = c->next_line;
}

/* After CR: swallow the LF of a CRLF. */
static int eat_lf(struct csv *c, struct kf_error *err)
{
	int ch = 0;
	int rc = next_byte(c, &ch, err);
	if (rc == 1 && ch != '\n')
		unread_byte(c, ch);
	return rc < 0 ? rc : 0;
}

/*
 * One step of the machine for byte ch.  Returns 0 to go on, 1 at the end
 * of the row, 2 when the row went over the cap, or KF_EINVAL.
 */
static int step(struct csv *c, enum csv_state *st, int ch, struct kf_error *err)
{
	switch (*st) {
	case ST_START:
		if (ch == '"') {
			*st = ST_QUOTED;
			return 0;
		}
		*st = ST_PLAIN;
		/* fallthrough */
	case ST_PLAIN:
		if (ch == ',') {
			*st = ST_START;
			return end_field(c) ? 2 : 0;
		}
		if (ch == '\n' || ch == '\r')
			return end_field(c) ? 2 : 1;
		return put(c, ch) ? 2 : 0;
	case ST_QUOTED:
		if (ch == '"') {
			*st = ST_QUOTE;
			return 0;
		}
		return put(c, ch) ? 2 : 0;
	case ST_QUOTE:
		if (ch == '"') {
			*st = ST_QUOTED;
			return put(c, ch) ? 2 : 0;
		}
		*st = ST_PLAIN;
		if (ch == ',' || ch == '\n' || ch == '\r')
			return step(c, st, ch, err);
		return kf_fail(err, KF_EINVAL, "csv_quote", NULL, "line %lld: text after a closing quote",
		               (long long)c->next_line);
	}
	return 0;
}

/* Skip the rest of an oversized row: up to a line end outside quotes. */
static int skip_row(struct csv *c, enum csv_state st, struct kf_error *err)
{
	int ch = 0, rc;
	int quoted = st == ST_QUOTED;
	while ((rc = next_byte(c, &ch, err)) == 1) {
		if (ch == '"')
			quoted = !quoted;
		else if (!quoted && ch == '\n')
			break;
	}
	return rc < 0 ? rc : 0;
}

static int too_big(struct csv *c, enum csv_state st, struct kf_error *err)
{
	int64_t line = c->line;
	int rc = skip_row(c, st, err);
	if (rc < 0)
		return rc;
	return kf_fail(err, KF_ETOOBIG, "row_too_big", NULL, "line %lld: row is longer than %u bytes",
	               (long long)line, KF_MAX_IMPORT_ROW);
}

/* Read one row (maybe blank); 1 row, 0 end, < 0 error. */
static int read_row(struct csv *c, struct kf_error *err)
{
	enum csv_state st = ST_START;
	int ch = 0, rc, any = 0;
	row_reset(c);
	while ((rc = next_byte(c, &ch, err)) == 1) {
		any = 1;
		int s = step(c, &st, ch, err);
		if (s < 0)
			return s;
		if (s == 2)
			return too_big(c, st, err);
		if (s == 1 && ch == '\r')
			return eat_lf(c, err) < 0 ? KF_EIO : 1;
		if (s == 1)
			return 1;
	}
	if (rc < 0)
		return rc;
	if (st == ST_QUOTED)
		return kf_fail(err, KF_EINVAL, "csv_unterminated", NULL,
		               "line %lld: quoted field not closed before the end", (long long)c->line);
	if (!any)
		return 0;
	if (end_field(c))
		return too_big(c, st, err);
	return 1;
}

int csv_next(struct csv *c, struct kf_error *err)
{
	if (c->failed)
		return kf_fail(err, KF_EIO, "csv_failed", NULL, "the input could not be read further");
	for (;;) {
		int rc = read_row(c, err);
		if (rc < 0 && rc != KF_ETOOBIG)
			c->failed = 1;
		if (rc != 1)
			return rc;
		if (c->nfields == 1 && c->row_len == 1)
			continue; /* a blank line */
		return 1;
	}
}

const char *csv_field(const struct csv *c, int i, size_t *len)
{
	if (i < 0 || i >= c->nfields) {
		if (len)
			*len = 0;
		return "";
	}
	if (len)
		*len = c->offs[i + 1] - c->offs[i] - 1;
	return c->row + c->offs[i];
}

/* Whether the line is only spaces and tabs. */
static int blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

/* One physical line into row; 1, 0 at the end, < 0. */
static int read_line(struct csv *c, struct kf_error *err)
{
	int ch = 0, rc, any = 0, over = 0;
	c->row_len = 0;
	c->line = c->next_line;
	while ((rc = next_byte(c, &ch, err)) == 1) {
		any = 1;
		if (ch == '\n')
			break;
		if (!over && put(c, ch))
			over = 1;
	}
	if (rc < 0)
		return rc;
	if (over)
		return kf_fail(err, KF_ETOOBIG, "row_too_big", NULL, "line %lld: line is longer than %u bytes",
		               (long long)c->line, KF_MAX_IMPORT_ROW);
	if (c->row_len && c->row[c->row_len - 1] == '\r')
		c->row_len--;
	c->row[c->row_len] = '\0';
	return any;
}

int csv_next_line(struct csv *c, const char **line, size_t *len, struct kf_error *err)
{
	if (c->failed)
		return kf_fail(err, KF_EIO, "csv_failed", NULL, "the input could not be read further");
	for (;;) {
		int rc = read_line(c, err);
		if (rc < 0 && rc != KF_ETOOBIG)
			c->failed = 1;
		if (rc != 1)
			return rc;
		if (blank(c->row, c->row_len))
			continue;
		*line = c->row;
		*len = c->row_len;
		return 1;
	}
}

/* A plain decimal number: optional sign, digits, at most one point, a digit somewhere. */
static int csv_is_number(const char *s)
{
	int digits = 0, points = 0;
	if (*s == '+' || *s == '-')
		s++;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s == '.' && points++ == 0)
			continue;
		else
			return 0;
	}
	return digits > 0;
}

static int csv_formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/*
 * Leading quotes are looked through ("'=x" gets one more), so that
 * csv_unneutralise(write(s)) == s for every s.
 */
int csv_needs_neutralising(const char *s)
{
	while (*s == '\'')
		s++;
	return csv_formula_start(*s) && !csv_is_number(s);
}

const char *csv_unneutralise(const char *s)
{
	return s[0] == '\'' && csv_needs_neutralising(s + 1) ? s + 1 : s;
}

int csv_write_field(struct buf *out, const char *s)
{
	const char *lead = csv_needs_neutralising(s) ? "'" : "";
	if (!strpbrk(s, ",\"\r\n")) {
		int rc = buf_adds(out, lead);
		return rc ? rc : buf_adds(out, s);
	}
	int rc = buf_addch(out, '"');
	rc = rc ? rc : buf_adds(out, lead);
	for (const char *p = s; rc == 0 && *p; p++)
		rc = *p == '"' ? buf_adds(out, "\"\"") : buf_addch(out, *p);
	return rc == 0 ? buf_addch(out, '"') : rc;
}
