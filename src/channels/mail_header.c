/*
 * mail_header.c - see mail_header.h.
 *
 * An encoded word is "=?charset?E?text?=" (RFC 2047 section 2; the charset
 * may carry a "*lang" suffix, RFC 2231 section 5); E is B (base64) or Q (a
 * quoted-printable variant with "_" for space).  Between two adjacent
 * encoded words, white space is not part of the text (section 6.2), which
 * is why the halves of a split character can be joined.
 */
#include "channels/mail_header.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "channels/mail_charset.h"

#define CHARSET_MAX 64 /* bytes of a charset name in an encoded word */
#define WORD_TEXT_MAX 1024 /* bytes of encoded text in one word (RFC 2047 says 75; clients overshoot) */

/* One encoded word found in a value. */
struct word {
	size_t start, end; /* its span in the value, "=?" to "?=" inclusive */
	char charset[CHARSET_MAX]; /* lower-case, "*lang" cut; "" when missing */
	struct buf bytes; /* the decoded octets */
};

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Lenient base64: characters outside the alphabet are skipped, "=" ends it. */
static void b64_decode(const char *s, size_t n, struct buf *out)
{
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n && s[i] != '='; i++) {
		int v = b64_value((unsigned char)s[i]);
		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(out, (char)((acc >> bits) & 0xFF));
		}
	}
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The Q encoding: "_" is a space, "=XX" a byte; a bad escape is kept as it is. */
static void q_decode(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = i + 2 < n && s[i] == '=' ? hex_value((unsigned char)s[i + 1]) : -1;
		int lo = hi >= 0 ? hex_value((unsigned char)s[i + 2]) : -1;
		if (lo >= 0) {
			buf_addch(out, (char)(hi * 16 + lo));
			i += 2;
		} else
			buf_addch(out, s[i] == '_' ? ' ' : s[i]);
	}
}

/* Whether s[0, n) holds one of the characters of set (bounded, unlike strcspn). */
static bool has_any(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (strchr(set, s[i]))
			return true;
	return false;
}

/*
 * Where the encoding letter of the encoded word at v[i] ("=?") is, and the
 * charset length in *cn; NULL when it is not an encoded word.  "=?B?text?="
 * (no charset at all, as some clients write) has cn 0.
 */
static const char *word_enc(const char *v, size_t i, size_t *cn)
{
	const char *cs = v + i + 2;
	const char *q1 = memchr(cs, '?', strnlen(cs, CHARSET_MAX + 1));
	if (!q1)
		return NULL;
	if (q1 == cs + 1 && strchr("BbQq", *cs) && !(q1[1] && q1[2] == '?')) {
		*cn = 0;
		return cs;
	}
	*cn = (size_t)(q1 - cs);
	if (*cn >= CHARSET_MAX || has_any(cs, *cn, " \t\r\n\""))
		return NULL;
	return q1 + 1;
}

/*
 * Read the encoded word starting at v[i] ("=?") into *w.  Returns false
 * when there is none there.  The text may not hold "?=" nor white space.
 */
static bool word_read(const char *v, size_t i, struct word *w)
{
	size_t cn = 0;
	const char *e = word_enc(v, i, &cn);
	if (!e)
		return false;
	char enc = (char)toupper((unsigned char)e[0]);
	if ((enc != 'B' && enc != 'Q') || e[1] != '?')
		return false;
	const char *text = e + 2;
	size_t window = strnlen(text, WORD_TEXT_MAX);
	const char *endq = memmem(text, window, "?=", 2); /* bounded: no quadratic scan of a long header */
	if (!endq || has_any(text, (size_t)(endq - text), " \t\r\n"))
		return false;
	memcpy(w->charset, v + i + 2, cn);
	w->charset[cn] = '\0';
	w->charset[strcspn(w->charset, "*")] = '\0';
	for (char *p = w->charset; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	w->start = i;
	w->end = (size_t)(endq - v) + 2;
	buf_reset(&w->bytes);
	if (enc == 'B')
		b64_decode(text, (size_t)(endq - text), &w->bytes);
	else
		q_decode(text, (size_t)(endq - text), &w->bytes);
	return true;
}

/* Append the UTF-8 text as one B-encoded word. */
static void word_emit(struct buf *out, const char *utf8)
{
	size_t n = strlen(utf8);
	if (n == 0)
		return;
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = xmalloc(cap);
	sodium_bin2base64(b64, cap, (const unsigned char *)utf8, n, sodium_base64_VARIANT_ORIGINAL);
	buf_addf(out, "=?UTF-8?B?%s?=", b64);
	free(b64);
}

/* Decode the joined bytes of one charset group and emit them as one word. */
static void group_flush(struct buf *out, struct buf *bytes, const char *charset, bool *emitted)
{
	if (bytes->len == 0)
		return;
	char *t = mail_charset_to_utf8(bytes->p, bytes->len, charset);
	if (*emitted)
		buf_addch(out, ' ');
	word_emit(out, t);
	*emitted = true;
	free(t);
	buf_reset(bytes);
}

/*
 * Rewrite the run of adjacent encoded words beginning at v[i]; returns the
 * offset just past the run.
 */
static size_t run_rewrite(const char *v, size_t i, struct buf *out)
{
	struct word w = { .bytes = BUF_INIT };
	struct buf group = BUF_INIT;
	char charset[CHARSET_MAX] = "";
	bool emitted = false;
	size_t end = i;
	while (word_read(v, i, &w)) {
		if (group.len > 0 && strcmp(charset, w.charset) != 0)
			group_flush(out, &group, charset, &emitted);
		memcpy(charset, w.charset, sizeof(charset));
		if (w.bytes.len > 0)
			buf_add(&group, w.bytes.p, w.bytes.len);
		end = w.end;
		i = end + strspn(v + end, " \t\r\n");
		if (strncmp(v + i, "=?", 2) != 0)
			break;
	}
	group_flush(out, &group, charset, &emitted);
	buf_release(&group);
	buf_release(&w.bytes);
	return end;
}

char *mail_header_normalise(const char *raw)
{
	if (!raw)
		raw = "";
	/* Unfold (RFC 5322 section 2.2.3), then make 8-bit text UTF-8. */
	struct buf unfolded = BUF_INIT;
	unfolded.max = (size_t)-1 / 4;
	for (const char *p = raw; *p; p++)
		if (*p != '\r' && *p != '\n')
			buf_addch(&unfolded, *p);
	char *v = mail_charset_to_utf8(buf_cstr(&unfolded), unfolded.len, NULL);
	buf_release(&unfolded);
	struct buf out = BUF_INIT;
	out.max = (size_t)-1 / 4;
	size_t len = strlen(v);
	size_t i = 0;
	while (i < len) {
		const char *next = memmem(v + i, len - i, "=?", 2);
		size_t at = next ? (size_t)(next - v) : len;
		buf_add(&out, v + i, at - i);
		i = at;
		if (!next)
			break;
		size_t end = run_rewrite(v, i, &out);
		if (end == i) {
			buf_add(&out, "=?", 2);
			end = i + 2;
		}
		i = end;
	}
	free(v);
	if (!out.p)
		return xstrdup("");
	return buf_detach(&out, NULL);
}
