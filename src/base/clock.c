/*
 * clock.c - see clock.h.  The test offset is one atomic: reading it costs
 * one relaxed load.
 */
#include "base/clock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t offset_ms; /* added to the real clock; 0 = the real clock */
static _Atomic int64_t fixed_ms; /* > 0: now stands still here (clock_set_ms) */

static int64_t clock_real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_now_ms(void)
{
	int64_t fixed = atomic_load_explicit(&fixed_ms, memory_order_relaxed);
	if (fixed > 0)
		return fixed;
	return clock_real_ms() + atomic_load_explicit(&offset_ms, memory_order_relaxed);
}

int64_t clock_now(void)
{
	return clock_now_ms() / 1000;
}

void clock_set_ms(int64_t utc_ms)
{
	atomic_store(&fixed_ms, utc_ms > 0 ? utc_ms : 1);
}

void clock_advance_ms(int64_t delta_ms)
{
	if (atomic_load(&fixed_ms) > 0)
		atomic_fetch_add(&fixed_ms, delta_ms);
	else
		atomic_fetch_add(&offset_ms, delta_ms);
}

int clock_stopped(void)
{
	return atomic_load_explicit(&fixed_ms, memory_order_relaxed) > 0;
}

void clock_reset(void)
{
	atomic_store(&fixed_ms, 0);
	atomic_store(&offset_ms, 0);
}
