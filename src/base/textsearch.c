/*
 * textsearch.c - see textsearch.h.
 */
#include "base/textsearch.h"

#include <stdint.h>
#include <string.h>

/* Decode one UTF-8 sequence at s (n bytes left); *len its length. Invalid bytes give U+FFFD, length 1. */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t c = s[0];
	size_t want = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	*len = 1;
	if (want == 1)
		return c;
	if (want == 0 || want > n)
		return 0xFFFD;
	c &= 0x3F >> (want - 1);
	for (size_t i = 1; i < want; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0xFFFD;
		c = (c << 6) | (s[i] & 0x3F);
	}
	*len = want;
	return c;
}

/* Han ideographs (with extension A and compatibility), kana and hangul: indexed as bigrams. */
static int is_cjk(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
	        (c >= 0x3040 && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x20000 && c <= 0x2FA1F);
}

static int is_word(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	        (c >= 0xC0 && c < 0x3000 && c != 0xD7 && c != 0xF7);
}

enum run_kind { RUN_NONE, RUN_WORD, RUN_CJK };

struct tok {
	const unsigned char *s; /* the text */
	size_t n, i; /* length, position */
};

/*
 * The next run of one kind: [*start, *end) in bytes; RUN_NONE at the end.
 * Characters that are neither word nor CJK separate runs.
 */
static enum run_kind next_run(struct tok *t, size_t *start, size_t *end)
{
	size_t len;
	while (t->i < t->n) {
		uint32_t c = utf8_next(t->s + t->i, t->n - t->i, &len);
		enum run_kind k = is_cjk(c) ? RUN_CJK : is_word(c) ? RUN_WORD : RUN_NONE;
		if (k == RUN_NONE) {
			t->i += len;
			continue;
		}
		*start = t->i;
		while (t->i < t->n) {
			uint32_t d = utf8_next(t->s + t->i, t->n - t->i, &len);
			if ((is_cjk(d) ? RUN_CJK : is_word(d) ? RUN_WORD : RUN_NONE) != k)
				break;
			t->i += len;
		}
		*end = t->i;
		return k;
	}
	return RUN_NONE;
}

/* Append a word lower-cased (ASCII letters; other letters as they are). */
static int add_word(struct buf *out, const unsigned char *s, size_t n)
{
	int rc = out->len ? buf_addch(out, ' ') : 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = buf_addch(out, (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]));
	return rc;
}

/* Append the bigrams of a CJK run (the character itself for a run of one). */
static int add_bigrams(struct buf *out, const unsigned char *s, size_t n)
{
	size_t a = 0, la, lb;
	utf8_next(s, n, &la);
	if (la >= n)
		return add_word(out, s, n);
	int rc = 0;
	while (rc == 0 && a + la < n) {
		utf8_next(s + a + la, n - a - la, &lb);
		rc = add_word(out, s + a, la + lb);
		a += la;
		la = lb;
	}
	return rc;
}

/*
 * The index terms of a CJK run: its bigrams, then each character of a
 * longer run on its own, so that a one-character query (鑫, 碎) matches
 * inside a word too.
 */
static int add_cjk(struct buf *out, const unsigned char *s, size_t n)
{
	size_t a = 0, len;
	int rc = add_bigrams(out, s, n);
	utf8_next(s, n, &len);
	if (len >= n)
		return rc;
	for (; rc == 0 && a < n; a += len) {
		utf8_next(s + a, n - a, &len);
		rc = add_word(out, s + a, len);
	}
	return rc;
}

int textsearch_terms(const char *text, size_t n, struct buf *out)
{
	struct tok t = { (const unsigned char *)text, n, 0 };
	size_t a, b;
	enum run_kind k;
	int rc = 0;
	while (rc == 0 && (k = next_run(&t, &a, &b)) != RUN_NONE)
		rc = k == RUN_CJK ? add_cjk(out, t.s + a, b - a) : add_word(out, t.s + a, b - a);
	return rc;
}

void textsearch_query_parse(const char *q, struct textsearch_query *out)
{
	struct buf terms = BUF_INIT;
	struct tok t = { (const unsigned char *)q, strlen(q), 0 };
	size_t a, b;
	enum run_kind k;
	memset(out, 0, sizeof(*out));
	while ((k = next_run(&t, &a, &b)) != RUN_NONE) {
		buf_reset(&terms);
		if (k == RUN_CJK)
			add_bigrams(&terms, t.s + a, b - a);
		else
			add_word(&terms, t.s + a, b - a);
		const char *p = buf_cstr(&terms);
		while (*p && out->nterms < TEXTSEARCH_MAX_TERMS) {
			size_t len = strcspn(p, " ");
			if (len < TEXTSEARCH_TERM_MAX) {
				memcpy(out->terms[out->nterms], p, len);
				out->terms[out->nterms][len] = '\0';
				out->prefix[out->nterms++] = k == RUN_WORD;
			}
			p += len + (p[len] == ' ');
		}
	}
	buf_release(&terms);
}
