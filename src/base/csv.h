/*
 * csv.h - a streaming RFC 4180 CSV reader (and a line reader for JSON
 * lines) with a hard cap on the size of one row.
 *
 * The reader pulls bytes through a small input window from a FILE or a
 * memory block; it never holds more than one row.  It understands quoted
 * fields with doubled quotes, CRLF and LF line ends, newlines inside
 * quoted fields, and a UTF-8 byte order mark at the very start.  A stray
 * quote inside an unquoted field is kept as a character; text after a
 * closing quote, and end of input inside quotes, are errors.  Blank lines
 * are skipped.  A row larger than KF_MAX_IMPORT_ROW bytes is refused with
 * KF_ETOOBIG and skipped, so the next call reads the next row; any other
 * error ends the input.
 */
#ifndef KF_CSV_H
#define KF_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

#define CSV_WINDOW 65536

struct csv {
	FILE *f; /* source, or NULL for memory */
	const char *mem; /* memory source */
	size_t mem_len, mem_pos;
	char win[CSV_WINDOW]; /* input window */
	size_t win_len, win_pos;
	int eof; /* the source is exhausted */
	int failed; /* a fatal error was returned */
	int started; /* the BOM check was done */
	char *row; /* fields of the current row, each NUL-terminated (owned) */
	size_t row_len; /* bytes used in row */
	size_t *offs; /* start of each field in row (owned) */
	int nfields; /* fields in the current row */
	int offs_cap;
	int64_t line; /* line number where the current row starts (1-based) */
	int64_t next_line; /* line number of the next unread byte */
	uint64_t bytes; /* bytes consumed so far (for progress) */
};

/* Read from f (borrowed; not closed). */
void csv_init_file(struct csv *c, FILE *f);
/* Read from p[0..n) (borrowed until csv_release). */
void csv_init_mem(struct csv *c, const char *p, size_t n);
void csv_release(struct csv *c);

/*
 * The next row: 1 = a row (csv_field / c->nfields / c->line), 0 = end of
 * input, < 0 = error with err naming the line: KF_ETOOBIG (the row was
 * skipped; reading may go on), KF_EINVAL (bad quoting) or KF_EIO (fatal).
 */
int csv_next(struct csv *c, struct kf_error *err);
/* Field i of the current row (NUL-terminated; borrowed until the next call); its length in *len. */
const char *csv_field(const struct csv *c, int i, size_t *len);

/*
 * The next non-blank line without its line end, for JSON lines: 1 = a
 * line in *line and *len (borrowed until the next call; c->line is its
 * number), 0 = end, < 0 as csv_next.
 */
int csv_next_line(struct csv *c, const char **line, size_t *len, struct kf_error *err);

/*
 * Append s to out as one RFC 4180 field: as is, or quoted (inner quotes
 * doubled) when it holds a comma, a quote, CR or LF.  0 or buf_add's error.
 *
 * Formula injection (OWASP "CSV Injection"): a text cell that starts with
 * '=', '+', '-', '@', TAB or CR is written with a single quote in front,
 * so a spreadsheet shows it as text instead of running it as a formula.
 * A cell that is a plain decimal number ("-5", "+3.25") is left alone:
 * numbers stay numbers.
 */
struct buf;
int csv_write_field(struct buf *out, const char *s);

/* Whether csv_write_field would put a quote in front of s (leading quotes are looked through). */
int csv_needs_neutralising(const char *s);

/*
 * Undo csv_write_field's neutralising quote: s without the leading "'"
 * when what follows it would have been neutralised, else s; so a field
 * reads back exactly as it was written.  For readers of files kefu itself
 * wrote (the rate-card round trip).
 */
const char *csv_unneutralise(const char *s);

#endif
