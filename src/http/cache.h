/*
 * cache.h - answers of public GET routes (ROUTE_CACHED, e.g. the parcel
 * tracking lookup) kept in memory for a short time.
 *
 * A cached answer is served while it is younger than CACHE_TTL_MS and no
 * write has been answered since it was made: every successful write
 * request answered by this process (after its commit) bumps a generation
 * counter, and an entry of an older generation is never served.  Writers
 * outside this process (kefu import, a second server on the same
 * PostgreSQL) are seen within the TTL.  Only 200 answers are kept; the
 * table has a fixed number of slots, a new answer replaces the old one in
 * its slot.
 */
#ifndef KF_CACHE_H
#define KF_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define CACHE_TTL_MS 1000

/* Copy the answer for key into out (appended) if fresh; 1 if found, else 0. */
int cache_get(const char *key, int64_t now_ms, struct buf *out);
/*
 * Keep body as the answer for key.  gen: cache_generation() read BEFORE
 * the answer was computed; a write answered since then makes it stale.
 */
void cache_put(const char *key, uint64_t gen, int64_t now_ms, const char *body, size_t len);
uint64_t cache_generation(void);
/* A write was committed and answered: nothing cached before it is served again. */
void cache_bump(void);
/* Forget everything (tests). */
void cache_clear(void);

#endif
