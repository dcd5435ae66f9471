/*
 * ratelimit.h - a per-client-address token bucket in memory, for public
 * routes that anyone may call without signing in (tracking lookups).
 *
 * Each address has a bucket of burst tokens that refills at rate_per_min
 * tokens a minute; a request takes one token or is refused with the time
 * until the next token.  IPv6 addresses share the bucket of their /64,
 * since one host usually holds a whole /64.  The table has a fixed number
 * of slots: a new address takes the slot of the least recently seen one
 * of its set, so memory stays bounded whatever the number of addresses
 * (a forgotten address starts again with a full bucket).  The state is
 * per process: several kefu nodes each apply the limit.
 */
#ifndef KF_RATELIMIT_H
#define KF_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

/* A limiter; rate_per_min <= 0 gives NULL (no limit).  Free with ratelimit_free. */
struct ratelimit *ratelimit_new(int rate_per_min, int burst);
void ratelimit_free(struct ratelimit *rl);
/*
 * Take one token for addr at now_ms: 0 when allowed (also when rl is
 * NULL), else the milliseconds until a token is available.  Thread-safe.
 */
int64_t ratelimit_take(struct ratelimit *rl, const char *addr, int64_t now_ms);

/* Pure: one bucket. tokens are thousandths of a token. */
struct bucket {
	int64_t millitokens; /* tokens x 1000 at last_ms */
	int64_t last_ms; /* when millitokens was computed */
};
int64_t bucket_take(struct bucket *b, int rate_per_min, int burst, int64_t now_ms);

#endif
