/*
 * test_service_level.c - analytics/service_level.c: the worked example of
 * metrics-and-methods.md §1 (four orders), each variant choice, and an
 * aggregate that takes facts out again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "analytics/service_level.h"

#define DAY 86400

static double rate(const struct sl_agg *a, enum sl_metric m)
{
	int64_t num, den;
	sl_ratio(a, m, &num, &den);
	return den ? (double)num / (double)den : -1;
}

/* O1..O4 of the worked example: placed on day 0, promised / delivered on day N. */
static void example(struct sl_agg *a, struct sl_fact f[4])
{
	static const struct sl_line o1[] = { { 10, 10, 10, 0 }, { 5, 5, 5, 0 } };
	static const struct sl_line o2[] = { { 20, 20, 20, 0 }, { 10, 8, 8, 2 } };
	static const struct sl_line o3[] = { { 4, 0, 0, 4 }, { 6, 6, 6, 0 } };
	static const struct sl_line o4[] = { { 50, 50, 50, 0 } };
	const struct sl_order h[4] = {
		{ 0, 3 * DAY, 3 * DAY, 0, 0, 1 },
		{ 0, 5 * DAY, 7 * DAY, 0, 0, 1 },
		{ 0, 4 * DAY, 4 * DAY, 0, 0, 1 },
		{ 0, 2 * DAY, 2 * DAY, 0, 0, 0 }, /* invoice error */
	};
	const struct sl_line *l[4] = { o1, o2, o3, o4 };
	const size_t n[4] = { 2, 2, 2, 1 };
	sl_agg_init(a);
	for (int i = 0; i < 4; i++) {
		sl_eval(&h[i], l[i], n[i], &f[i]);
		sl_agg_add(a, &f[i], 1);
	}
}

static void test_worked_example(void **state)
{
	(void)state;
	static struct sl_agg a;
	struct sl_fact f[4];
	example(&a, f);
	assert_float_equal(rate(&a, SL_FILL_UNIT), 99.0 / 105, 1e-12); /* 94.29 % */
	assert_float_equal(rate(&a, SL_FILL_LINE), 5.0 / 7, 1e-12); /* 71.43 % */
	assert_float_equal(rate(&a, SL_FILL_ORDER), 0.5, 1e-12);
	assert_float_equal(rate(&a, SL_STOCKOUT), 2.0 / 7, 1e-12); /* 28.6 % */
	assert_float_equal(rate(&a, SL_OTD), 0.75, 1e-12);
	assert_float_equal(rate(&a, SL_OTIF_RATE), 0.5, 1e-12);
	assert_float_equal(rate(&a, SL_PERFECT_RATE), 0.25, 1e-12);
	assert_float_equal(rate(&a, SL_COMPLETION), 0.5, 1e-12);
	assert_float_equal(rate(&a, SL_DAMAGE_RATE), 0, 0);
	assert_float_equal(rate(&a, SL_CLAIM_RATE), 0, 0);
	struct sl_cycle c;
	sl_cycle(&a, &c);
	assert_int_equal(c.n, 4);
	assert_true(c.has_mean && c.has_sd && c.has_cv && c.has_pct);
	assert_float_equal(c.mean / DAY, 4.0, 1e-12);
	assert_float_equal(c.sd / DAY, 2.1602, 1e-4);
	assert_float_equal(c.cv, 0.54, 1e-3);
	/* Type 7 of 2, 3, 4, 7 days is 3.5 / 6.1 / 6.55 days; the histogram is within an hour. */
	assert_true(c.p50 >= 3.5 * DAY - 3600 && c.p50 <= 3.5 * DAY + 3600);
	assert_true(c.p90 >= 6.1 * DAY - 3600 && c.p90 <= 6.1 * DAY + 3600);
	assert_true(c.p95 >= 6.55 * DAY - 3600 && c.p95 <= 6.55 * DAY + 3600);
	/* The flags order by order. */
	assert_int_equal(f[0].flags & (SL_OTIF | SL_PERFECT), SL_OTIF | SL_PERFECT);
	assert_false(f[1].flags & SL_ON_TIME);
	assert_true(f[1].flags & SL_DUE);
	assert_int_equal(f[1].lines_stockout, 1);
	assert_true(f[2].flags & SL_ON_TIME);
	assert_false(f[2].flags & SL_IN_FULL);
	assert_int_equal(f[3].flags & (SL_OTIF | SL_PERFECT), SL_OTIF);
}

/* Taking every fact out leaves an empty aggregate; out and in again is the same. */
static void test_add_subtract(void **state)
{
	(void)state;
	static struct sl_agg a, b;
	struct sl_fact f[4];
	example(&a, f);
	b = a;
	sl_agg_add(&b, &f[1], -1);
	sl_agg_add(&b, &f[1], 1);
	assert_memory_equal(&a, &b, sizeof a);
	for (int i = 0; i < 4; i++)
		sl_agg_add(&b, &f[i], -1);
	assert_true(sl_agg_empty(&b));
	sl_agg_merge(&b, &a, 1);
	sl_agg_merge(&b, &a, 1);
	sl_agg_merge(&b, &a, -1);
	assert_memory_equal(&a, &b, sizeof a);
	assert_true(sl_fact_equal(&f[0], &f[0]));
	assert_false(sl_fact_equal(&f[0], &f[1]));
	struct sl_cycle c;
	sl_agg_init(&b);
	sl_cycle(&b, &c);
	assert_false(c.has_mean || c.has_sd || c.has_pct);
	assert_float_equal(rate(&b, SL_OTD), -1, 0); /* no denominator */
}

/* Variant choices: early is on time; no promise = not due; nothing shipped = not processed. */
static void test_variants(void **state)
{
	(void)state;
	struct sl_fact f;
	const struct sl_line full[] = { { 3, 3, 3, 0 } };
	struct sl_order early = { 100, 10 * DAY, 2 * DAY, 0, 0, 1 };
	sl_eval(&early, full, 1, &f);
	assert_true(f.flags & SL_ON_TIME);
	assert_true(f.flags & SL_PERFECT);
	assert_int_equal(f.cycle_s, 2 * DAY - 100);
	struct sl_order late_by_1s = { 0, DAY, DAY + 1, 0, 0, 1 };
	sl_eval(&late_by_1s, full, 1, &f);
	assert_false(f.flags & SL_ON_TIME);
	struct sl_order no_promise = { 0, 0, DAY, 0, 0, 1 };
	sl_eval(&no_promise, full, 1, &f);
	assert_int_equal(f.flags & (SL_DELIVERED | SL_DUE | SL_ON_TIME), SL_DELIVERED);
	const struct sl_line waiting[] = { { 3, 0, 0, 0 } };
	struct sl_order open = { 0, DAY, 0, 0, 0, 1 };
	sl_eval(&open, waiting, 1, &f);
	assert_int_equal(f.flags, 0);
	assert_int_equal(f.lines, 0);
	assert_int_equal(f.cycle_s, -1);
	/* Back-ordered then shipped complete: a stockout event, yet a complete line. */
	const struct sl_line refilled[] = { { 3, 3, 0, 1 } };
	sl_eval(&open, refilled, 1, &f);
	assert_int_equal(f.lines_complete, 1);
	assert_int_equal(f.lines_stockout, 1);
	assert_true(f.flags & SL_COMPLETE);
	assert_false(f.flags & SL_IN_FULL);
	/* Over-shipped lines fill at most their quantity; damage and claims spoil perfection. */
	const struct sl_line over[] = { { 2, 5, 5, 0 } };
	struct sl_order damaged = { 0, DAY, DAY, 1, 1, 1 };
	sl_eval(&damaged, over, 1, &f);
	assert_int_equal(f.units_shipped, 2);
	assert_int_equal(f.flags & (SL_OTIF | SL_PERFECT | SL_DAMAGED | SL_CLAIMED),
	                 SL_OTIF | SL_DAMAGED | SL_CLAIMED);
	/* Delivered before it was placed (bad clock): cycle 0, not negative. */
	struct sl_order odd = { 5 * DAY, 0, DAY, 0, 0, 1 };
	sl_eval(&odd, full, 1, &f);
	assert_int_equal(f.cycle_s, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_add_subtract),
		cmocka_unit_test(test_variants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
