/*
 * str.h - the one bounded string copy.
 */
#ifndef KF_STR_H
#define KF_STR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Copy the C string src (NULL counts as "") into dst, which holds cap bytes
 * (cap > 0), always NUL-terminated.  Returns true when src did not fit and
 * was cut at cap - 1 bytes.  Use it instead of strncpy (banned) and of
 * snprintf(dst, cap, "%s", src).
 */
bool str_copy(char *dst, size_t cap, const char *src);

#endif
