/*
 * clock.h - the one "now" of kefu's domain decisions: the HTTP request's
 * arrival time (sessions, the sign-in throttle, SLA clocks, surveys) and
 * the scheduler's passes read it here.
 *
 * Normally it is the real UTC clock.  A server started with test_clock on
 * lets the tests move it (POST /api/v1/test/clock): the clock then runs
 * from a set point or from the real clock plus an offset, still ticking
 * in real time.  Log lines, metrics and timeouts keep the real clock.
 */
#ifndef KF_CLOCK_H
#define KF_CLOCK_H

#include <stdint.h>

/* Now, UTC milliseconds: the real clock plus the test offset (0 unless a test moved it). */
int64_t clock_now_ms(void);
/* Now, UTC seconds. */
int64_t clock_now(void);
/* Make now equal to utc_ms (tests). */
void clock_set_ms(int64_t utc_ms);
/* Move now forward (or back) by delta_ms (tests). */
void clock_advance_ms(int64_t delta_ms);
/* Back to the real clock. */
void clock_reset(void);

#endif
