/*
 * demo_rng.h - the demo generator's random numbers: splitmix64 (Steele,
 * Lea and Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014), seeded from --seed.  Small, fast and the same on every
 * platform, so one seed always gives the same data set.  Each customer
 * draws from its own stream (demo_rng_fork), so changing how much one
 * customer draws never shifts the next customer's data.  PURE.
 */
#ifndef KF_DEMO_RNG_H
#define KF_DEMO_RNG_H

#include <stdint.h>

struct demo_rng {
	uint64_t s; /* the state; any value is valid */
};

static inline uint64_t demo_rng_next(struct demo_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A stream of its own for item n of the stream seeded with seed. */
static inline struct demo_rng demo_rng_fork(uint64_t seed, uint64_t n)
{
	struct demo_rng r = { seed ^ (n * 0xd1342543de82ef95ULL) };
	r.s = demo_rng_next(&r);
	return r;
}

/* Uniform in [0, n); 0 when n is 0.  (The modulo bias is irrelevant for demo data.) */
static inline uint64_t demo_rng_below(struct demo_rng *r, uint64_t n)
{
	return n ? demo_rng_next(r) % n : 0;
}

/* Uniform in [lo, hi]. */
static inline int64_t demo_rng_range(struct demo_rng *r, int64_t lo, int64_t hi)
{
	return hi <= lo ? lo : lo + (int64_t)demo_rng_below(r, (uint64_t)(hi - lo) + 1);
}

/* 1 with probability percent / 100. */
static inline int demo_rng_chance(struct demo_rng *r, int percent)
{
	return (int)demo_rng_below(r, 100) < percent;
}

#endif
