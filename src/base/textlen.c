/*
 * textlen.c - see textlen.h.  A UTF-8 character is one lead byte (not
 * 10xxxxxx) followed by its continuation bytes (10xxxxxx), so counting
 * characters is counting the bytes that are not continuation bytes.
 */
#include "base/textlen.h"

static int is_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

size_t textlen_chars(const char *s)
{
	size_t n = 0;
	if (!s)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += !is_continuation(*p);
	return n;
}

size_t textlen_prefix(const char *s, size_t max_chars, size_t max_bytes)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t end = 0, chars = 0;
	if (!s)
		return 0;
	while (p[end] && chars < max_chars) {
		size_t next = end + 1;
		while (p[next] && is_continuation(p[next]))
			next++;
		if (next > max_bytes)
			break;
		end = next;
		chars++;
	}
	return end;
}
