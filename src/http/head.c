/*
 * head.c - the first request head of a connection, checked line by line
 * (see head.h).  Each complete line is checked as soon as it is in, so a
 * malformed line is refused without waiting for the rest; the size caps
 * are checked on what is in so far.
 */
#include "http/head.h"

#include <string.h>
#include <strings.h>

#define CL_MAX_DIGITS 18 /* fits an int64 */

/* What the header lines so far said about framing. */
struct framing {
	int content_length; /* Content-Length lines */
	int chunked; /* Transfer-Encoding lines */
};

static int fail(struct head_result *r, int status, const char *message)
{
	r->message = message;
	return status;
}

/* RFC 9110 tchar. */
static int is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_token(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 0;
	return n > 0;
}

/* Field content: visible ASCII, SP, HTAB and bytes >= 0x80. */
static int is_field_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != '\t' && (c < 0x20 || c == 0x7f))
			return 0;
	}
	return 1;
}

static int check_version(const char *v, size_t n, struct head_result *r)
{
	if (n == 8 && (memcmp(v, "HTTP/1.1", 8) == 0 || memcmp(v, "HTTP/1.0", 8) == 0))
		return 0;
	if (n == 8 && memcmp(v, "HTTP/", 5) == 0 && v[5] >= '0' && v[5] <= '9' && v[6] == '.' &&
	    v[7] >= '0' && v[7] <= '9')
		return fail(r, 505, "only HTTP/1.0 and HTTP/1.1 are supported");
	return fail(r, 400, "the request line is malformed: it must be METHOD TARGET HTTP/1.1");
}

/* METHOD SP TARGET SP VERSION, without its line end. */
static int check_request_line(const char *s, size_t n, struct head_result *r)
{
	const char *sp1 = memchr(s, ' ', n);
	const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - s)) : NULL;
	static const char bad[] = "the request line is malformed: it must be METHOD TARGET HTTP/1.1";
	if (!sp1 || !sp2 || !is_token(s, (size_t)(sp1 - s)) || sp2 == sp1 + 1)
		return fail(r, 400, bad);
	for (const char *p = sp1 + 1; p < sp2; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return fail(r, 400, "the request target contains a space or a control character");
	return check_version(sp2 + 1, n - (size_t)(sp2 + 1 - s), r);
}

static void trim(const char **v, size_t *n)
{
	while (*n && (**v == ' ' || **v == '\t'))
		(*v)++, (*n)--;
	while (*n && ((*v)[*n - 1] == ' ' || (*v)[*n - 1] == '\t'))
		(*n)--;
}

static int check_content_length(const char *v, size_t n, struct head_result *r)
{
	if (n == 0)
		return fail(r, 400, "Content-Length must be a number of bytes");
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return fail(r, 400, "Content-Length must be a number of bytes");
	if (n > CL_MAX_DIGITS)
		return fail(r, 413, "the request body is too large");
	return 0;
}

/* Framing headers: Content-Length digits only and once; Transfer-Encoding chunked only, never both. */
static int check_framing(const char *name, size_t nn, const char *v, size_t vn, struct framing *f,
                         struct head_result *r)
{
	if (nn == 14 && strncasecmp(name, "Content-Length", 14) == 0) {
		if (++f->content_length > 1)
			return fail(r, 400, "Content-Length is given more than once");
		int rc = check_content_length(v, vn, r);
		if (rc)
			return rc;
	} else if (nn == 17 && strncasecmp(name, "Transfer-Encoding", 17) == 0) {
		if (vn != 7 || strncasecmp(v, "chunked", 7) != 0 || ++f->chunked > 1)
			return fail(r, 400, "Transfer-Encoding must be chunked, once");
	}
	if (f->content_length && f->chunked)
		return fail(r, 400, "Content-Length and Transfer-Encoding must not be given together");
	return 0;
}

/* Name: value, without its line end. */
static int check_header_line(const char *s, size_t n, struct framing *f, struct head_result *r)
{
	if (s[0] == ' ' || s[0] == '\t')
		return fail(r, 400, "a header line starts with a space (folded headers are not accepted)");
	const char *colon = memchr(s, ':', n);
	if (!colon)
		return fail(r, 400, "a header line has no colon: it must be Name: value");
	size_t nn = (size_t)(colon - s);
	if (!is_token(s, nn))
		return fail(r, 400, "a header name is empty or contains a character not allowed in it");
	const char *v = colon + 1;
	size_t vn = n - nn - 1;
	if (!is_field_text(v, vn))
		return fail(r, 400, "a header value contains a control character");
	trim(&v, &vn);
	return check_framing(s, nn, v, vn, f, r);
}

/* The length of the line at s (without its end) or -1 when no LF yet; *end gets the end's length. */
static long line_at(const char *s, size_t n, size_t *end)
{
	const char *lf = memchr(s, '\n', n);
	if (!lf)
		return -1;
	size_t len = (size_t)(lf - s);
	*end = 1;
	if (len && s[len - 1] == '\r') {
		len--;
		*end = 2;
	}
	return (long)len;
}

/* Checks a bare CR anywhere in a line: only allowed right before its LF. */
static int has_cr(const char *s, size_t n)
{
	return memchr(s, '\r', n) != NULL;
}

int head_check(const char *buf, size_t n, struct head_result *r)
{
	struct framing f = { 0, 0 };
	size_t pos = 0, end = 0;
	int seen_request = 0;
	r->len = 0;
	r->message = NULL;
	while (pos < n) {
		long len = line_at(buf + pos, n - pos, &end);
		if (len < 0)
			break;
		const char *s = buf + pos;
		size_t ln = (size_t)len;
		pos += ln + end;
		if (has_cr(s, ln))
			return fail(r, 400, "a line of the request head contains a stray carriage return");
		if (!seen_request) {
			if (ln == 0)
				continue; /* empty lines before the request line are ignored (RFC 9112 2.2) */
			if (ln > HEAD_MAX_LINE)
				return fail(r, 414, "the request target is too long");
			int rc = check_request_line(s, ln, r);
			if (rc)
				return rc;
			seen_request = 1;
		} else if (ln == 0) {
			if (pos > HEAD_MAX_BYTES)
				return fail(r, 431, "the request headers are too large");
			r->len = pos;
			return 1;
		} else {
			int rc = check_header_line(s, ln, &f, r);
			if (rc)
				return rc;
		}
		if (pos > HEAD_MAX_BYTES)
			return fail(r, 431, "the request headers are too large");
	}
	if (!seen_request && n - pos > HEAD_MAX_LINE)
		return fail(r, 414, "the request target is too long");
	if (n > HEAD_MAX_BYTES)
		return fail(r, 431, "the request headers are too large");
	return 0;
}
