/*
 * head.h - a strict check of the first request head of a connection,
 * before libmicrohttpd sees it (server.c peeks the bytes, this decides).
 *
 * libmicrohttpd 0.9.75 answers the errors it finds in a request head
 * itself, with a fixed HTML body and no X-Request-Id (and for an
 * unparsable Content-Length it writes the status line twice).  A head
 * that passes head_check() holds none of them, so libmicrohttpd reaches
 * our callbacks; one that fails is answered by server.c in kefu's JSON
 * shape.  Pure: no I/O, no clock, no allocation.
 *
 * Accepted: optional empty lines, then METHOD SP TARGET SP HTTP/1.0|1.1,
 * then header lines "Name: value" (Name a token, value without control
 * characters other than HTAB), then an empty line; lines end in CRLF or
 * LF.  Content-Length at most once and only digits (at most 18);
 * Transfer-Encoding only "chunked" and never with Content-Length.
 */
#ifndef KF_HEAD_H
#define KF_HEAD_H

#include <stddef.h>

#define HEAD_MAX_LINE (4096u + 256u) /* longest request line (414 above) */
#define HEAD_MAX_BYTES (HEAD_MAX_LINE + 16384u + 4096u) /* longest head (431 above) */

struct head_result {
	size_t len; /* bytes of the head with its empty line, when complete and valid */
	const char *message; /* why it was refused (static English text), else NULL */
};

/*
 * Look at the first `n` bytes received on a connection.  Returns 0 when
 * they are a valid but incomplete head (wait for more), 1 when they hold
 * a complete valid head (r->len set), or the HTTP status to refuse it with:
 * 400 (malformed), 413 (Content-Length too large to represent), 414
 * (request line too long), 431 (head too long), 505 (HTTP version other
 * than 1.0 and 1.1); r->message says why.  An error is reported as soon
 * as the bytes show it, before the head is complete.
 */
int head_check(const char *buf, size_t n, struct head_result *r);

#endif
