/*
 * banned.h - functions kefu never calls (after git's banned.h).
 *
 * The Makefile force-includes it before every file under src/ (-include
 * base/banned.h), so no file can skip it; a use is a compile error.  The
 * system headers that declare the banned names are included first, so their
 * declarations are seen before the macros exist and a later #include of them
 * is a no-op (include guards).
 *
 * Raw allocation (malloc, calloc, realloc, strdup, strndup) is banned too:
 * base/xalloc.c is the one file under src/ that may call it (the Makefile
 * compiles it, and the unit tests, with -DKF_ALLOW_RAW_ALLOC), and every
 * other file uses xmalloc and friends, which abort on out-of-memory.
 */
#ifndef KF_BANNED_H
#define KF_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* <time.h> is not included here: a later declaration of gmtime etc. turns
 * into a harmless extern object declaration, and including it would put
 * clock() and time() in scope of files that name their own. */
#if defined(__has_include)
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
#endif

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef gets
#define gets(x) BANNED(gets)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)
#undef ctime
#define ctime(x) BANNED(ctime)
#undef asctime
#define asctime(x) BANNED(asctime)

#ifndef KF_ALLOW_RAW_ALLOC
#undef malloc
#define malloc(n) BANNED(malloc)
#undef calloc
#define calloc(n, m) BANNED(calloc)
#undef realloc
#define realloc(p, n) BANNED(realloc)
#undef strdup
#define strdup(s) BANNED(strdup)
#undef strndup
#define strndup(s, n) BANNED(strndup)
#endif

#endif
