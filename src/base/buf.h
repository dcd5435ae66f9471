/*
 * buf.h - a growable byte buffer with a hard size cap (after git's strbuf
 * and curl's dynbuf).
 *
 * The contents are always NUL-terminated once anything was added, so
 * b.p can be used as a C string.  A buffer with max == 0 is capped at
 * KF_MAX_BUF_BYTES.  Adding past the cap fails with KF_ETOOBIG and leaves
 * the buffer as it was.  Ownership of the bytes leaves only through
 * buf_detach().
 */
#ifndef KF_BUF_H
#define KF_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *p; /* bytes, NUL-terminated; NULL until the first add */
	size_t len; /* bytes used, not counting the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* hard cap on len; 0 = KF_MAX_BUF_BYTES */
};

#define BUF_INIT \
	{ \
		NULL, 0, 0, 0 \
	}

int buf_add(struct buf *b, const void *data, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Append s as a JSON string literal, quotes included. */
int buf_add_json_str(struct buf *b, const char *s, size_t n);
/* The contents as a C string; "" for an empty buffer.  Borrowed. */
const char *buf_cstr(const struct buf *b);
/* Forget the contents, keep the memory. */
void buf_reset(struct buf *b);
/* Free the memory; the buffer is BUF_INIT again (max is kept). */
void buf_release(struct buf *b);
/* Hand the bytes to the caller (free() them); the buffer is emptied. */
char *buf_detach(struct buf *b, size_t *len);

#endif
