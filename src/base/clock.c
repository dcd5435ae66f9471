/*
 * clock.c - see clock.h.  The test offset is one atomic: reading it costs
 * one relaxed load.
 */
#include "base/clock.h"

#include <stdatomic.h>
#include <time.h>

#include "base/banned.h"

static _Atomic int64_t offset_ms; /* added to the real clock; 0 = the real clock */

static int64_t clock_real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_now_ms(void)
{
	return clock_real_ms() + atomic_load_explicit(&offset_ms, memory_order_relaxed);
}

int64_t clock_now(void)
{
	return clock_now_ms() / 1000;
}

void clock_set_ms(int64_t utc_ms)
{
	atomic_store(&offset_ms, utc_ms - clock_real_ms());
}

void clock_advance_ms(int64_t delta_ms)
{
	atomic_fetch_add(&offset_ms, delta_ms);
}

void clock_reset(void)
{
	atomic_store(&offset_ms, 0);
}
