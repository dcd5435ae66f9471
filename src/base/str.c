/*
 * str.c - see str.h.
 */
#include "base/str.h"

#include <assert.h>
#include <string.h>

bool str_copy(char *dst, size_t cap, const char *src)
{
	assert(dst && cap > 0);
	size_t n = src ? strlen(src) : 0;
	bool cut = n >= cap;
	if (cut)
		n = cap - 1;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
	return cut;
}
