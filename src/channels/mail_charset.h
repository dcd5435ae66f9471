/*
 * mail_charset.h - bytes of a mail in some charset into valid UTF-8.
 *
 * Mail declares its charset badly: GB2312 when the text is GBK, none at
 * all, "us-ascii" over 8-bit bytes.  The declared name is widened to its
 * superset (GB2312/GBK -> GB18030, Big5 -> Big5-HKSCS, ISO-8859-1 and
 * us-ascii -> windows-1252); a missing or unknown charset is guessed from
 * the bytes (UTF-8, then GB18030 or Big5, then windows-1252).  Bytes that
 * do not decode become U+FFFD, and so does NUL: every string returned is
 * valid UTF-8 with no NUL inside.  Pure (iconv only); thread-safe.
 */
#ifndef KF_MAIL_CHARSET_H
#define KF_MAIL_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0, len) is valid UTF-8 (shortest forms, no surrogates) without NUL. */
bool mail_charset_valid(const char *s, size_t len);

/* A valid UTF-8 copy of s[0, len): bad sequences and NUL become U+FFFD.  Owned (free()). */
char *mail_charset_repair(const char *s, size_t len);

/* s[0, len) in charset (NULL or "" = unknown: guessed) as UTF-8.  Owned (free()), never NULL. */
char *mail_charset_to_utf8(const char *s, size_t len, const char *charset);

#endif
