/*
 * test_rfm.c - analytics/rfm.c against the worked examples of
 * metrics-and-methods.md 5.1: the R x F grid over all 25 cells (and the
 * three named examples), the quintile edges and bins as pandas' qcut
 * computes them (checked by hand below), frequency ties broken in input
 * order like rank(method="first"), recency and monetary ties sharing a
 * score, and the small-n cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analytics/rfm.h"
#include "base/banned.h"

/* Every cell of the grid, as the recipe's regex map reads. */
static void test_grid(void **state)
{
	(void)state;
	static const char *const want[5][5] = {
		/* R = 1: [1-2][1-2] hibernating, [1-2][3-4] at_risk, [1-2]5 cant_loose */
		{ "hibernating", "hibernating", "at_risk", "at_risk", "cant_loose" },
		/* R = 2 */
		{ "hibernating", "hibernating", "at_risk", "at_risk", "cant_loose" },
		/* R = 3: 3[1-2] about_to_sleep, 33 need_attention, [3-4][4-5] loyal_customers */
		{ "about_to_sleep", "about_to_sleep", "need_attention", "loyal_customers", "loyal_customers" },
		/* R = 4: 41 promising, [4-5][2-3] potential_loyalists */
		{ "promising", "potential_loyalists", "potential_loyalists", "loyal_customers",
		  "loyal_customers" },
		/* R = 5: 51 new_customers, 5[4-5] champions */
		{ "new_customers", "potential_loyalists", "potential_loyalists", "champions", "champions" },
	};
	int seen[RFM_SEGMENTS] = { 0 };
	for (int r = 1; r <= 5; r++)
		for (int f = 1; f <= 5; f++) {
			enum rfm_segment s = rfm_segment_of(r, f);
			if (strcmp(rfm_segment_name(s), want[r - 1][f - 1]) != 0)
				fail_msg("R%d F%d = %s, want %s", r, f, rfm_segment_name(s),
				         want[r - 1][f - 1]);
			seen[s]++;
		}
	for (int s = 0; s < RFM_SEGMENTS; s++)
		assert_true(seen[s] > 0); /* every segment is reachable */
	/* the reference's examples */
	assert_string_equal(rfm_segment_name(rfm_segment_of(5, 4)), "champions");
	assert_string_equal(rfm_segment_name(rfm_segment_of(2, 5)), "cant_loose");
	assert_string_equal(rfm_segment_name(rfm_segment_of(3, 3)), "need_attention");
}

static void test_segment_find(void **state)
{
	(void)state;
	for (int s = 0; s < RFM_SEGMENTS; s++)
		assert_int_equal(rfm_segment_find(rfm_segment_name((enum rfm_segment)s)), s);
	assert_int_equal(rfm_segment_find("Champions"), -1);
	assert_int_equal(rfm_segment_find(""), -1);
	assert_int_equal(rfm_segment_find(NULL), -1);
}

static void test_recency_days(void **state)
{
	(void)state;
	int64_t now = 1700000000;
	assert_int_equal(rfm_recency_days(now, now), 0);
	assert_int_equal(rfm_recency_days(now - 86399, now), 0); /* not yet a whole day */
	assert_int_equal(rfm_recency_days(now - 86400, now), 1);
	assert_int_equal(rfm_recency_days(now - 10 * 86400 - 5, now), 10);
	assert_int_equal(rfm_recency_days(now + 3600, now), 0); /* a purchase after now counts as today */
}

/* pandas: qcut(range(1, 11), 5) gives edges 1, 2.8, 4.6, 6.4, 8.2, 10 and bins 1 1 2 2 3 3 4 4 5 5. */
static void test_edges_and_bins(void **state)
{
	(void)state;
	double v[10], e[6];
	for (int i = 0; i < 10; i++)
		v[i] = i + 1;
	rfm_edges(v, 10, e);
	const double want[6] = { 1, 2.8, 4.6, 6.4, 8.2, 10 };
	for (int k = 0; k < 6; k++)
		assert_float_equal(e[k], want[k], 1e-9);
	const int bins[10] = { 1, 1, 2, 2, 3, 3, 4, 4, 5, 5 };
	for (int i = 0; i < 10; i++)
		assert_int_equal(rfm_bin(v[i], e), bins[i]);
	/* an edge value belongs to the lower bin (right-closed intervals) */
	assert_int_equal(rfm_bin(2.8, e), 1);
	assert_int_equal(rfm_bin(2.81, e), 2);
	/* three values: 1, 1.4, 1.8, 2.2, 2.6, 3 */
	double three[3] = { 1, 2, 3 };
	rfm_edges(three, 3, e);
	assert_float_equal(e[1], 1.4, 1e-9);
	assert_float_equal(e[3], 2.2, 1e-9);
	assert_int_equal(rfm_bin(1, e), 1);
	assert_int_equal(rfm_bin(2, e), 3);
	assert_int_equal(rfm_bin(3, e), 5);
	/* one value: every edge is it */
	double one[1] = { 7 };
	rfm_edges(one, 1, e);
	for (int k = 0; k < 6; k++)
		assert_float_equal(e[k], 7, 0);
	assert_int_equal(rfm_bin(7, e), 1);
}

/* Ten customers: recency 0..9 days, monetary with ties at zero, frequency with ties. */
static void test_score_ten(void **state)
{
	(void)state;
	struct rfm_customer c[10];
	const int64_t freq[10] = { 1, 1, 1, 1, 1, 1, 2, 2, 3, 5 };
	const int64_t money[10] = { 0, 0, 0, 0, 0, 0, 1000, 2000, 3000, 4000 };
	for (int i = 0; i < 10; i++)
		c[i] = (struct rfm_customer){ .recency_days = i,
			                      .frequency = freq[i],
			                      .monetary_minor = money[i] };
	rfm_score(c, 10);
	/* R reversed: the two most recent score 5 */
	const int want_r[10] = { 5, 5, 4, 4, 3, 3, 2, 2, 1, 1 };
	/* F on ranks 1..10 in input order: the six single buyers spread over bins 1-3 */
	const int want_f[10] = { 1, 1, 2, 2, 3, 3, 4, 4, 5, 5 };
	/* M edges 0, 0, 0, 400, 2200, 4000: all zeros score 1, bins 2 and 3 stay empty */
	const int want_m[10] = { 1, 1, 1, 1, 1, 1, 4, 4, 5, 5 };
	for (int i = 0; i < 10; i++) {
		assert_int_equal(c[i].r, want_r[i]);
		assert_int_equal(c[i].f, want_f[i]);
		assert_int_equal(c[i].m, want_m[i]);
	}
}

/* The rank is by frequency first; input order only breaks ties. */
static void test_frequency_rank(void **state)
{
	(void)state;
	struct rfm_customer c[5];
	const int64_t freq[5] = { 9, 1, 4, 1, 2 };
	for (int i = 0; i < 5; i++)
		c[i] = (struct rfm_customer){ .recency_days = 3, .frequency = freq[i], .monetary_minor = 100 };
	rfm_score(c, 5);
	/* ranks: c1 1, c3 2, c4 3, c2 4, c0 5; edges of 1..5: 1, 1.8, 2.6, 3.4, 4.2, 5 */
	assert_int_equal(c[1].f, 1);
	assert_int_equal(c[3].f, 2);
	assert_int_equal(c[4].f, 3);
	assert_int_equal(c[2].f, 4);
	assert_int_equal(c[0].f, 5);
	for (int i = 0; i < 5; i++) { /* all tied: everyone in the first bin */
		assert_int_equal(c[i].r, 5);
		assert_int_equal(c[i].m, 1);
	}
}

static void test_small_n(void **state)
{
	(void)state;
	struct rfm_customer one = { .recency_days = 30, .frequency = 4, .monetary_minor = 5000 };
	rfm_score(&one, 1);
	assert_int_equal(one.r, 5);
	assert_int_equal(one.f, 1);
	assert_int_equal(one.m, 1);
	struct rfm_customer two[2] = {
		{ .recency_days = 100, .frequency = 1, .monetary_minor = 900 },
		{ .recency_days = 2, .frequency = 1, .monetary_minor = 100 },
	};
	rfm_score(two, 2);
	assert_int_equal(two[0].r, 1);
	assert_int_equal(two[1].r, 5);
	assert_int_equal(two[0].f, 1); /* tie: the first in order ranks lower */
	assert_int_equal(two[1].f, 5);
	assert_int_equal(two[0].m, 5);
	assert_int_equal(two[1].m, 1);
	rfm_score(NULL, 0); /* nothing to do, nothing touched */
}

/* Scores partition n distinct customers into five near-equal groups. */
static void test_quintile_sizes(void **state)
{
	(void)state;
	enum { N = 1000 };
	static struct rfm_customer c[N];
	int nr[6] = { 0 }, nf[6] = { 0 }, nm[6] = { 0 };
	for (int i = 0; i < N; i++)
		c[i] = (struct rfm_customer){ .recency_days = (i * 7919) % N,
			                      .frequency = 1 + i % 3,
			                      .monetary_minor = (int64_t)((i * 104729) % N) * 100 };
	rfm_score(c, N);
	for (int i = 0; i < N; i++) {
		nr[c[i].r]++;
		nf[c[i].f]++;
		nm[c[i].m]++;
	}
	for (int s = 1; s <= 5; s++) {
		assert_int_equal(nr[s], 200);
		assert_int_equal(nf[s], 200);
		assert_int_equal(nm[s], 200);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid),         cmocka_unit_test(test_segment_find),
		cmocka_unit_test(test_recency_days), cmocka_unit_test(test_edges_and_bins),
		cmocka_unit_test(test_score_ten),    cmocka_unit_test(test_frequency_rank),
		cmocka_unit_test(test_small_n),      cmocka_unit_test(test_quintile_sizes),
	};
	return cmocka_run_group_tests_name("rfm", tests, NULL, NULL);
}
