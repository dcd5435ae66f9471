/*
 * report_render.c - one report table, three faces (report.h): JSON for the
 * API and the web UI, CSV for spreadsheets, an aligned text table for the
 * CLI.
 *
 * How each type is written:
 *   type     JSON                CSV                  text
 *   text     string              field (quoted)       as is
 *   int      integer             integer              integer
 *   num      number              up to 4 decimals     up to 4 decimals
 *   rate     number 0..1         decimal, 6 places    percentage, 1 place
 *   money    integer minor units major units, 2 dp.   major units, 2 dp.
 *   seconds  integer             integer seconds      "3h 05m", "2d 04h"
 * A null cell is JSON null, an empty CSV field, "-" in the text table.
 *
 * CSV follows RFC 4180: CRLF line ends; a field holding a comma, quote,
 * CR or LF is quoted with inner quotes doubled.  Text cells go through
 * csv_write_field, which puts a quote in front of one that would start a
 * formula (= + - @); numbers are written by us and stay numbers.  Text
 * cells are in the reader's language (report_labels.h): codes as words,
 * "中文 / English" names as one half; the "group" column keeps the row's
 * key when a "name" column says it for people.  By default the file starts with a
 * UTF-8 byte order mark, because Excel opens BOM-less CSV in the system
 * code page (GBK on Chinese Windows) and garbles Chinese labels; LibreOffice,
 * pandas (encoding="utf-8-sig") and csv readers that strip it are fine.
 * bom=0 leaves it out.
 */
#include "analytics/report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/report_labels.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/tz.h"
#include "base/xalloc.h"

#define CELL_MAX 128 /* bytes of one formatted number cell */
#define TEXT_MAX 512 /* bytes of one half of a bilingual text cell */

static const char *const type_names[] = {
	[RT_TEXT] = "text", [RT_INT] = "int",     [RT_NUM] = "num",
	[RT_RATE] = "rate", [RT_MONEY] = "money", [RT_SECONDS] = "seconds",
};

static int lang_zh(const struct report_render_opts *o)
{
	return o && o->lang && strncmp(o->lang, "zh", 2) == 0;
}

static const char *col_label(const struct report_col *c, int zh)
{
	return zh ? c->label_zh : c->label_en;
}

/*
 * The people's text of text cell (r, c) in language zh: codes and
 * bilingual labels through report_label; the "group" column stays the
 * row's key when a "name" column says it for people.  Returns the cell,
 * a label or out.
 */
static const char *text_of(const struct report_table *t, size_t r, size_t c, int zh, char *out, size_t n)
{
	const struct report_cell *cell = report_cell(t, r, c);
	const char *key = t->cols[c].key, *s = cell->s ? cell->s : "";
	if (strcmp(key, "group") == 0 && report_col_index(t, "name") >= 0)
		return s;
	return report_label(key, s, zh, out, n);
}

/* "2024-03-01T00:00:00Z" for UTC seconds t. */
static void iso_utc(int64_t t, char *out, size_t n)
{
	int64_t days = tz_floordiv(t, 86400), y;
	int64_t s = t - days * 86400;
	int m, d;
	tz_civil_from_days(days, &y, &m, &d);
	snprintf(out, n, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d, (int)(s / 3600),
	         (int)(s / 60 % 60), (int)(s % 60));
}

/* "%.*f" without trailing zeros (and without a bare trailing point). */
static void fmt_decimal(double v, int places, char *out, size_t n)
{
	snprintf(out, n, "%.*f", places, v);
	if (!strchr(out, '.'))
		return;
	size_t len = strlen(out);
	while (len > 0 && out[len - 1] == '0')
		out[--len] = '\0';
	if (len > 0 && out[len - 1] == '.')
		out[--len] = '\0';
	if (strcmp(out, "-0") == 0)
		snprintf(out, n, "0");
}

/* Minor units as major units with two decimals: -1234 -> "-12.34". */
static void fmt_money(int64_t v, char *out, size_t n)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	snprintf(out, n, "%s%llu.%02llu", v < 0 ? "-" : "", (unsigned long long)(a / 100),
	         (unsigned long long)(a % 100));
}

/* A duration for people: "45s", "12m 05s", "3h 04m", "2d 03h". */
static void fmt_duration(int64_t s, char *out, size_t n)
{
	const char *sign = s < 0 ? "-" : "";
	uint64_t a = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
	if (a < 60)
		snprintf(out, n, "%s%llus", sign, (unsigned long long)a);
	else if (a < 3600)
		snprintf(out, n, "%s%llum %02llus", sign, (unsigned long long)(a / 60),
		         (unsigned long long)(a % 60));
	else if (a < 86400)
		snprintf(out, n, "%s%lluh %02llum", sign, (unsigned long long)(a / 3600),
		         (unsigned long long)(a / 60 % 60));
	else
		snprintf(out, n, "%s%llud %02lluh", sign, (unsigned long long)(a / 86400),
		         (unsigned long long)(a / 3600 % 24));
}

/* A non-text, non-null cell as CSV (csv = 1) or text-table (csv = 0) text. */
static void fmt_cell(enum report_type type, const struct report_cell *c, int csv, char *out, size_t n)
{
	switch (type) {
	case RT_INT:
		snprintf(out, n, "%lld", (long long)c->i);
		break;
	case RT_NUM:
		fmt_decimal(c->d, 4, out, n);
		break;
	case RT_RATE:
		if (csv)
			fmt_decimal(c->d, 6, out, n);
		else
			snprintf(out, n, "%.1f%%", c->d * 100.0);
		break;
	case RT_MONEY:
		fmt_money(c->i, out, n);
		break;
	case RT_SECONDS:
		if (csv)
			snprintf(out, n, "%lld", (long long)c->i);
		else
			fmt_duration(c->i, out, n);
		break;
	case RT_TEXT:
		KF_BUG("fmt_cell on a text column");
	}
}

/* ---- JSON ---- */

static json_t *json_cell(enum report_type type, const struct report_cell *c)
{
	if (c->null)
		return json_null();
	switch (type) {
	case RT_TEXT: {
		json_t *s = json_string(c->s ? c->s : "");
		return s ? s : json_string("?"); /* text that is not UTF-8 */
	}
	case RT_INT:
	case RT_MONEY:
	case RT_SECONDS:
		return json_integer(c->i);
	case RT_NUM:
	case RT_RATE:
		return json_real(c->d);
	}
	KF_BUG("unknown report column type");
}

static json_t *json_columns(const struct report_table *t)
{
	json_t *cols = json_array();
	for (size_t i = 0; i < t->ncols; i++) {
		const struct report_col *c = &t->cols[i];
		json_array_append_new(cols,
		                      json_pack("{s:s,s:s,s:s,s:s}", "key", c->key, "label_en", c->label_en,
		                                "label_zh", c->label_zh, "type", type_names[c->type]));
	}
	return cols;
}

static json_t *json_instant(int64_t t)
{
	char iso[40];
	if (!t)
		return json_null();
	iso_utc(t, iso, sizeof(iso));
	return json_string(iso);
}

struct json_t *report_to_json(const struct report_def *def, const struct report_params *p,
                              const struct report_table *t)
{
	json_t *rows = json_array(), *drill = json_array();
	for (size_t r = 0; r < t->nrows; r++) {
		json_t *row = json_array();
		for (size_t c = 0; c < t->ncols; c++)
			json_array_append_new(row, json_cell(t->cols[c].type, report_cell(t, r, c)));
		json_array_append_new(rows, row);
		json_array_append_new(drill, t->drill[r] ? json_string(t->drill[r]) : json_null());
	}
	json_t *note = t->note ? json_string(t->note) : NULL,
	       *note_zh = t->note_zh ? json_string(t->note_zh) : NULL;
	if (!note)
		note = json_null();
	if (!note_zh)
		note_zh = json_null();
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "report", def->name, "title_en",
	                 def->title_en, "title_zh", def->title_zh, "from", json_instant(p->from), "to",
	                 json_instant(p->to), "tz", p->tz ? p->tz : "UTC", "by", p->by ? p->by : "", "columns",
	                 json_columns(t), "rows", rows, "drill", drill, "note", note, "note_zh", note_zh);
}

/* ---- CSV ---- */

static int csv_header(const struct report_table *t, const struct report_render_opts *o, struct buf *out)
{
	int rc = 0;
	for (size_t c = 0; rc == 0 && c < t->ncols; c++) {
		if (c)
			rc = buf_addch(out, ',');
		const char *name = o->header_keys ? t->cols[c].key : col_label(&t->cols[c], lang_zh(o));
		rc = rc ? rc : csv_write_field(out, name);
	}
	return rc ? rc : buf_adds(out, "\r\n");
}

static int csv_row(const struct report_table *t, size_t r, int zh, struct buf *out)
{
	int rc = 0;
	char num[CELL_MAX], text[TEXT_MAX];
	for (size_t c = 0; rc == 0 && c < t->ncols; c++) {
		const struct report_cell *cell = report_cell(t, r, c);
		if (c)
			rc = buf_addch(out, ',');
		if (rc || cell->null)
			continue;
		if (t->cols[c].type == RT_TEXT) {
			rc = csv_write_field(out, text_of(t, r, c, zh, text, sizeof(text)));
		} else {
			fmt_cell(t->cols[c].type, cell, 1, num, sizeof(num));
			rc = buf_adds(out, num);
		}
	}
	return rc ? rc : buf_adds(out, "\r\n");
}

int report_to_csv(const struct report_table *t, const struct report_render_opts *o, struct buf *out)
{
	int rc = o->bom ? buf_adds(out, "\xEF\xBB\xBF") : 0;
	rc = rc ? rc : csv_header(t, o, out);
	for (size_t r = 0; rc == 0 && r < t->nrows; r++)
		rc = csv_row(t, r, lang_zh(o), out);
	return rc;
}

/* ---- text ---- */

/* The next code point of UTF-8 text at *s (advanced); U+FFFD for a bad byte. */
static uint32_t utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	int len = p[0] < 0x80           ? 1
	        : (p[0] & 0xE0) == 0xC0 ? 2
	        : (p[0] & 0xF0) == 0xE0 ? 3
	        : (p[0] & 0xF8) == 0xF0 ? 4
	                                : 0;
	if (len == 0) {
		*s = p + 1;
		return 0xFFFD;
	}
	uint32_t cp = len == 1 ? p[0] : p[0] & (0x7F >> len);
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*s = p + i;
			return 0xFFFD;
		}
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	*s = p + len;
	return cp;
}

/* East Asian Wide and Fullwidth ranges (Unicode UAX #11), plus the common emoji blocks. */
static int cp_wide(uint32_t cp)
{
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115F },   { 0x2E80, 0x303E },   { 0x3041, 0x33FF },   { 0x3400, 0x4DBF },
		{ 0x4E00, 0x9FFF },   { 0xA000, 0xA4CF },   { 0xAC00, 0xD7A3 },   { 0xF900, 0xFAFF },
		{ 0xFE30, 0xFE4F },   { 0xFF00, 0xFF60 },   { 0xFFE0, 0xFFE6 },   { 0x1F300, 0x1F64F },
		{ 0x1F900, 0x1F9FF }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
	};
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 1;
	return 0;
}

/* Combining marks and zero-width characters take no column. */
static int cp_zero(uint32_t cp)
{
	return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
	        (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
}

size_t report_text_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp = utf8_next(&p);
		w += cp_zero(cp) ? 0 : cp_wide(cp) ? 2 : 1;
	}
	return w;
}

/* Every cell as display text, row-major, header first: (nrows + 1) * ncols strings. */
static char **text_cells(const struct report_table *t, int zh)
{
	char **s = xcalloc((t->nrows + 1) * t->ncols, sizeof *s);
	char num[CELL_MAX], text[TEXT_MAX];
	for (size_t c = 0; c < t->ncols; c++)
		s[c] = xstrdup(col_label(&t->cols[c], zh));
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const struct report_cell *cell = report_cell(t, r, c);
			if (cell->null) {
				snprintf(num, sizeof(num), "-");
			} else if (t->cols[c].type == RT_TEXT) {
				s[(r + 1) * t->ncols + c] = xstrdup(text_of(t, r, c, zh, text, sizeof(text)));
				continue;
			} else {
				fmt_cell(t->cols[c].type, cell, 0, num, sizeof(num));
			}
			s[(r + 1) * t->ncols + c] = xstrdup(num);
		}
	return s;
}

static int pad(struct buf *out, size_t n)
{
	int rc = 0;
	while (rc == 0 && n-- > 0)
		rc = buf_addch(out, ' ');
	return rc;
}

/* One line of the table: text left-aligned, numbers right-aligned, two spaces between. */
static int text_line(const struct report_table *t, char **cells, const size_t *width, struct buf *out)
{
	int rc = 0;
	for (size_t c = 0; rc == 0 && c < t->ncols; c++) {
		size_t w = report_text_width(cells[c]), gap = width[c] > w ? width[c] - w : 0;
		int right = t->cols[c].type != RT_TEXT, last = c + 1 == t->ncols;
		if (c)
			rc = buf_adds(out, "  ");
		if (rc == 0 && right)
			rc = pad(out, gap);
		if (rc == 0)
			rc = buf_adds(out, cells[c]);
		if (rc == 0 && !right && !last)
			rc = pad(out, gap);
	}
	return rc ? rc : buf_addch(out, '\n');
}

static int text_rule(const struct report_table *t, const size_t *width, struct buf *out)
{
	int rc = 0;
	for (size_t c = 0; rc == 0 && c < t->ncols; c++) {
		rc = c ? buf_adds(out, "  ") : 0;
		for (size_t i = 0; rc == 0 && i < width[c]; i++)
			rc = buf_addch(out, '-');
	}
	return rc ? rc : buf_addch(out, '\n');
}

/* "2024-03-01" for the local date of UTC instant t in zone z (UTC when z is NULL). */
static void local_date(const struct tz *z, int64_t t, char *out, size_t n)
{
	int64_t y;
	int m, d;
	tz_civil_from_days(tz_floordiv(z ? tz_to_local(z, t) : t, 86400), &y, &m, &d);
	snprintf(out, n, "%04lld-%02d-%02d", (long long)y, m, d);
}

/* "Title  2024-03-01 .. 2024-03-31 (Asia/Shanghai), by team": the period with both days included. */
static int text_title(const struct report_def *def, const struct report_params *p, int zh, struct buf *out)
{
	const struct tz *z = NULL;
	char from[16] = "…", to[16] = "…";
	if (tz_load(p->tz && *p->tz ? p->tz : "UTC", &z, NULL) < 0)
		z = NULL;
	if (p->from)
		local_date(z, p->from, from, sizeof(from));
	if (p->to)
		local_date(z, p->to - 1, to, sizeof(to));
	int rc = buf_addf(out, "%s  %s .. %s (%s)", zh ? def->title_zh : def->title_en, from, to,
	                  z ? z->name : "UTC");
	if (rc == 0 && p->by && *p->by)
		rc = buf_addf(out, zh ? "，按 %s" : ", by %s", p->by);
	return rc ? rc : buf_adds(out, "\n\n");
}

int report_to_text(const struct report_def *def, const struct report_params *p, const struct report_table *t,
                   const struct report_render_opts *o, struct buf *out)
{
	size_t n = (t->nrows + 1) * t->ncols;
	char **cells = text_cells(t, lang_zh(o));
	size_t *width = xcalloc(t->ncols ? t->ncols : 1, sizeof *width);
	for (size_t i = 0; i < n; i++) {
		size_t w = report_text_width(cells[i]);
		if (w > width[i % t->ncols])
			width[i % t->ncols] = w;
	}
	int rc = text_title(def, p, lang_zh(o), out);
	rc = rc ? rc : text_line(t, cells, width, out);
	rc = rc ? rc : text_rule(t, width, out);
	for (size_t r = 0; rc == 0 && r < t->nrows; r++)
		rc = text_line(t, cells + (r + 1) * t->ncols, width, out);
	if (rc == 0 && t->nrows == 0)
		rc = buf_adds(out, lang_zh(o) ? "（无数据）\n" : "(no rows)\n");
	const char *note = lang_zh(o) && t->note_zh ? t->note_zh : t->note;
	if (rc == 0 && note)
		rc = buf_addf(out, "\n%s\n", note);
	for (size_t i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
	free(width);
	return rc;
}
