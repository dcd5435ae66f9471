/*
 * lang_detect.c - see lang_detect.h.  Decodes UTF-8 by hand (valid input
 * from jansson; a stray byte is skipped) and counts two classes of code
 * points.
 */
#include "desk/lang_detect.h"

#include <stddef.h>
#include <stdint.h>

/* Weighted counts of one text. */
struct lang_counts {
	long cjk; /* Han characters */
	long latin; /* Latin letters */
};

/* The code point at *p, advancing *p past it; a byte that starts no sequence is returned as is. */
static uint32_t next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	int n = s[0] < 0x80 ? 0 : s[0] >= 0xF0 ? 3 : s[0] >= 0xE0 ? 2 : s[0] >= 0xC0 ? 1 : 0;
	uint32_t cp = n == 0 ? s[0] : (uint32_t)(s[0] & (0x3F >> n));
	int i = 1;
	for (; i <= n && (s[i] & 0xC0) == 0x80; i++)
		cp = (cp << 6) | (s[i] & 0x3F);
	*p = s + (i <= n ? 1 : i); /* a cut sequence: skip its lead byte only */
	return i <= n ? 0xFFFD : cp;
}

static int is_han(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF);
}

static int is_latin(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
		return 1;
	return c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7; /* Latin-1 letters, Extended-A/B */
}

static void count(const char *text, struct lang_counts *c)
{
	const unsigned char *p = (const unsigned char *)text;
	if (!text)
		return;
	while (*p) {
		uint32_t cp = next_cp(&p);
		c->cjk += is_han(cp);
		c->latin += is_latin(cp);
	}
}

const char *lang_detect(const char *a, const char *b, const char *fallback)
{
	struct lang_counts c = { 0, 0 };
	count(a, &c);
	count(b, &c);
	double cjk = (double)c.cjk * LANG_DETECT_CJK_WEIGHT;
	double total = cjk + (double)c.latin;
	if (total < LANG_DETECT_MIN_WEIGHT)
		return fallback;
	if (cjk / total >= LANG_DETECT_ZH_SHARE)
		return "zh";
	if (cjk / total <= 1.0 - LANG_DETECT_ZH_SHARE)
		return "en";
	return fallback;
}
