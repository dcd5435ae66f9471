/*
 * clock.h - the one "now" of kefu's domain decisions: the HTTP request's
 * arrival time (sessions, the sign-in throttle, SLA clocks, surveys) and
 * the scheduler's passes read it here.
 *
 * Normally it is the real UTC clock.  A server started with test_clock on
 * lets the tests move it (POST /api/v1/test/clock): advancing a running
 * clock adds an offset (it keeps ticking); setting it stops it at that
 * time, and from then on only advancing moves it, so a test's "5 s later"
 * is exact however slow the machine.  Log lines, metrics and timeouts keep
 * the real clock.
 */
#ifndef KF_CLOCK_H
#define KF_CLOCK_H

#include <stdint.h>

/* Now, UTC milliseconds: the real clock plus the test offset (0 unless a test moved it). */
int64_t clock_now_ms(void);
/* Now, UTC seconds. */
int64_t clock_now(void);
/* Stop the clock at utc_ms (tests); only clock_advance_ms moves it then. */
void clock_set_ms(int64_t utc_ms);
/* Move now forward (or back) by delta_ms (tests): the stopped time, or the running clock's offset. */
void clock_advance_ms(int64_t delta_ms);
/* Whether a test stopped the clock (clock_set_ms): the scheduler thread then leaves the passes to the test. */
int clock_stopped(void);
/* Back to the real clock. */
void clock_reset(void);

#endif
