/*
 * textlen.h - lengths of UTF-8 text in characters (Unicode code points),
 * the unit every documented text limit uses (OpenAPI maxLength counts
 * characters, so a 500-character subject is 500 characters in any script:
 * 500 bytes of ASCII or up to 1500 bytes of Chinese).
 *
 * The functions assume valid UTF-8 (jansson and the store hand out nothing
 * else); on other bytes they still never read past the terminator and
 * never split a sequence they cut.  Pure: no allocation, no globals.
 */
#ifndef KF_TEXTLEN_H
#define KF_TEXTLEN_H

#include <stddef.h>

/* The bytes a buffer needs for chars characters of UTF-8 plus the terminator. */
#define TEXTLEN_BYTES(chars) (4 * (size_t)(chars) + 1)

/* The number of characters (code points) in the NUL-terminated UTF-8 string s (NULL = 0). */
size_t textlen_chars(const char *s);

/*
 * The byte length of the longest prefix of s that holds at most max_chars
 * characters and at most max_bytes bytes, ending on a character boundary
 * (a cut never leaves half a character).
 */
size_t textlen_prefix(const char *s, size_t max_chars, size_t max_bytes);

#endif
