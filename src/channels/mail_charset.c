/*
 * mail_charset.c - see mail_charset.h.
 *
 * iconv does the decoding; this file chooses the charset and repairs what
 * iconv refuses: an invalid byte becomes U+FFFD and decoding goes on with
 * the next byte, so one bad byte never loses the rest of a message.
 */
#include "channels/mail_charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xalloc.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the valid UTF-8 sequence at s[0, len), 0 when it is invalid or NUL. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned c = s[0];
	if (c >= 0x01 && c <= 0x7F)
		return 1;
	size_t n;
	unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		lo = c == 0xE0 ? 0xA0 : 0x80;
		hi = c == 0xED ? 0x9F : 0xBF;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF;
	} else
		return 0;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

bool mail_charset_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(u + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* Append s[0, len) to b, bad sequences and NUL replaced. */
static void repair_into(struct buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		size_t start = i;
		for (;;) {
			while (i < len && u[i] >= 0x01 && u[i] < 0x80)
				i++; /* ASCII, the common case, without the full check */
			size_t n = i < len ? utf8_seq(u + i, len - i) : 0;
			if (n == 0)
				break;
			i += n;
		}
		buf_add(b, s + start, i - start);
		if (i < len) {
			buf_adds(b, replacement);
			i++;
		}
	}
}

char *mail_charset_repair(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	b.max = (size_t)-1 / 4;
	repair_into(&b, s ? s : "", s ? len : 0);
	if (!b.p)
		return xstrdup("");
	return buf_detach(&b, NULL);
}

/* The superset kefu decodes a declared charset with, or the name itself. */
static const char *charset_widen(const char *cs)
{
	static const struct {
		const char *name; /* as declared, case-insensitive */
		const char *iconv; /* what iconv decodes it with */
	} table[] = {
		{ "gb2312", "GB18030" },
		{ "gbk", "GB18030" },
		{ "x-gbk", "GB18030" },
		{ "cp936", "GB18030" },
		{ "ms936", "GB18030" },
		{ "windows-936", "GB18030" },
		{ "euc-cn", "GB18030" },
		{ "x-euc-cn", "GB18030" },
		{ "csgb2312", "GB18030" },
		{ "gb_2312-80", "GB18030" },
		{ "chinese", "GB18030" },
		{ "big5", "BIG5-HKSCS" },
		{ "big-5", "BIG5-HKSCS" },
		{ "x-big5", "BIG5-HKSCS" },
		{ "cn-big5", "BIG5-HKSCS" },
		{ "cp950", "BIG5-HKSCS" },
		{ "us-ascii", "WINDOWS-1252" },
		{ "ascii", "WINDOWS-1252" },
		{ "iso-8859-1", "WINDOWS-1252" },
		{ "iso8859-1", "WINDOWS-1252" },
		{ "latin1", "WINDOWS-1252" },
		{ "ks_c_5601-1987", "CP949" },
		{ "euc-kr", "CP949" },
		{ "shift_jis", "CP932" },
		{ "shift-jis", "CP932" },
		{ "sjis", "CP932" },
		{ "x-sjis", "CP932" },
		{ "iso-2022-jp", "ISO-2022-JP-2" },
		{ "utf8", "UTF-8" },
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcasecmp(cs, table[i].name) == 0)
			return table[i].iconv;
	return cs;
}

/*
 * Decode s[0, len) with cd into b.  Returns the number of bytes iconv
 * refused (each became U+FFFD).
 */
static size_t iconv_into(iconv_t cd, struct buf *b, const char *s, size_t len)
{
	size_t bad = 0;
	char tmp[4096];
	char *in = (char *)s;
	size_t inleft = len;
	for (;;) {
		char *out = tmp;
		size_t outleft = sizeof(tmp);
		size_t r = inleft ? iconv(cd, &in, &inleft, &out, &outleft)
		                  : iconv(cd, NULL, NULL, &out, &outleft);
		int e = errno;
		repair_into(b, tmp, (size_t)(out - tmp));
		if (r != (size_t)-1) {
			if (inleft == 0)
				break;
			continue;
		}
		if (e == E2BIG)
			continue;
		bad++;
		buf_adds(b, replacement);
		if (e != EILSEQ || inleft == 0)
			break; /* EINVAL: a sequence cut at the end */
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	return bad;
}

/* Decode with the iconv charset name; -1 when iconv does not know it, else the bad byte count. */
static long decode(const char *s, size_t len, const char *name, struct buf *b)
{
	iconv_t cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return -1;
	size_t bad = iconv_into(cd, b, s, len);
	iconv_close(cd);
	return (long)bad;
}

/*
 * Guess the legacy charset of bytes that are not UTF-8.  In GB2312 text a
 * lead byte is always followed by a byte >= 0xA1; in Big5 about a third of
 * the trail bytes are 0x40-0x7E; in Latin text a high byte is mostly
 * followed by ASCII.  So the share of low trail bytes tells them apart.
 */
static const char *guess_legacy(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t hi = 0, lo = 0;
	for (size_t i = 0; i < len; i++) {
		if (u[i] < 0x81 || u[i] == 0xFF)
			continue;
		if (i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0xFE)
			hi++;
		else
			lo++;
		i++;
	}
	if (hi + lo == 0)
		return "WINDOWS-1252";
	if (lo * 20 <= hi + lo)
		return "GB18030";
	if (lo * 10 <= (hi + lo) * 7)
		return "BIG5-HKSCS";
	return "WINDOWS-1252";
}

/* Decode with the first of the guessed charsets that decodes cleanly, else the first guess. */
static void decode_guess(const char *s, size_t len, struct buf *b)
{
	const char *first = guess_legacy(s, len);
	const char *order[] = { first, "GB18030", "BIG5-HKSCS" };
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (i > 0 && strcmp(order[i], first) == 0)
			continue;
		buf_reset(b);
		if (decode(s, len, order[i], b) == 0)
			return;
	}
	buf_reset(b);
	decode(s, len, first, b);
}

/*
 * How many multibyte sequences s[0, len) holds when it is valid UTF-8 (NUL
 * allowed: repaired later), -1 when it is not UTF-8.
 */
static long utf8_multibyte(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	long multi = 0;
	for (size_t i = 0; i < len;) {
		size_t n = u[i] == 0 ? 1 : utf8_seq(u + i, len - i);
		if (n == 0)
			return -1;
		multi += n > 1;
		i += n;
	}
	return multi;
}

/*
 * Whether bytes declared in the legacy charset name are really UTF-8: a
 * client that sends UTF-8 under its old default label.  Legacy CJK text is
 * valid UTF-8 by accident for a character or two, never for three; Latin
 * text almost never is.
 */
static bool utf8_mislabelled(const char *name, long multi)
{
	if (multi <= 0)
		return false;
	if (strcmp(name, "WINDOWS-1252") == 0)
		return true;
	return multi >= 3;
}

/*
 * Bytes declared UTF-8 that are not: a legacy CJK text under the wrong
 * label when it decodes cleanly as one and is long enough to tell (three
 * characters), else UTF-8 with a few bad bytes (repaired one by one).
 */
static void decode_bad_utf8(const char *s, size_t len, struct buf *b)
{
	size_t high = 0;
	for (size_t i = 0; i < len; i++)
		high += (unsigned char)s[i] >= 0x80;
	const char *g = guess_legacy(s, len);
	if (high >= 6 && strcmp(g, "WINDOWS-1252") != 0 && decode(s, len, g, b) == 0)
		return;
	buf_reset(b);
	repair_into(b, s, len);
}

char *mail_charset_to_utf8(const char *s, size_t len, const char *charset)
{
	struct buf b = BUF_INIT;
	b.max = (size_t)-1 / 4;
	if (!s)
		len = 0;
	long multi = utf8_multibyte(s, len);
	const char *name = charset && *charset ? charset_widen(charset) : NULL;
	if (name && strcasecmp(name, "UTF-8") == 0) {
		if (multi >= 0)
			repair_into(&b, s, len);
		else
			decode_bad_utf8(s, len, &b);
		goto out;
	}
	if (name && utf8_mislabelled(name, multi))
		name = NULL;
	long bad = name ? decode(s, len, name, &b) : -1;
	if (bad < 0 || (bad > 0 && multi >= 0)) {
		/* No, unknown or wrong charset: UTF-8 if it is, else a guess. */
		buf_reset(&b);
		if (multi >= 0)
			repair_into(&b, s, len);
		else
			decode_guess(s, len, &b);
	}
out:
	if (!b.p)
		return xstrdup("");
	return buf_detach(&b, NULL);
}
