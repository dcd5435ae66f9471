/*
 * xalloc.h - allocation wrappers that abort on exhaustion or size overflow
 * (after tmux/OpenBSD xmalloc).  Out of memory is not an error kefu
 * recovers from; every caller can assume a non-NULL result.
 */
#ifndef KF_XALLOC_H
#define KF_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of count elements of size bytes each; aborts on overflow. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
