/*
 * test_loyalty.c - analytics/loyalty.c and analytics/lifecycle.c: Tucker's
 * three consecutive purchases (the last three, the gap rule, fewer than
 * three), the share of wallet (metrics-and-methods.md 6: 3,000 / 12,000 =
 * 25 %), the attitude bands, the Dick & Basu 2 x 2 (every cell), and every
 * rule of the lifecycle stage in its order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analytics/lifecycle.h"
#include "analytics/loyalty.h"
#include "base/banned.h"

#define DAY 86400

static void test_tucker(void **state)
{
	(void)state;
	const int64_t gap = LOYALTY_TUCKER_GAP_DAYS * (int64_t)DAY;
	const int64_t three[3] = { 0, 100 * DAY, 200 * DAY };
	assert_int_equal(loyalty_tucker(three, 3, gap), 1);
	assert_int_equal(loyalty_tucker(three, 2, gap), 0); /* two purchases are not three */
	assert_int_equal(loyalty_tucker(three, 0, gap), 0);
	assert_int_equal(loyalty_tucker(three, 3, 100 * DAY), 1); /* a gap of exactly max_gap is kept */
	assert_int_equal(loyalty_tucker(three, 3, 100 * DAY - 1), 0);
	/* an old run of three, then a long break, then two: not loyal now */
	const int64_t broken[5] = { 0, 10 * DAY, 20 * DAY, 500 * DAY, 510 * DAY };
	assert_int_equal(loyalty_tucker(broken, 5, gap), 0);
	assert_int_equal(loyalty_tucker(broken, 3, gap), 1); /* the same history cut after the run */
	/* the break before the last three does not matter */
	const int64_t back[4] = { 0, 600 * DAY, 610 * DAY, 620 * DAY };
	assert_int_equal(loyalty_tucker(back, 4, gap), 1);
	/* no limit: three purchases suffice */
	assert_int_equal(loyalty_tucker(broken, 5, 0), 1);
	/* the same day counts (two orders, minutes apart) */
	const int64_t sameday[3] = { 1000, 1060, 1120 };
	assert_int_equal(loyalty_tucker(sameday, 3, gap), 1);
}

static void test_share(void **state)
{
	(void)state;
	assert_float_equal(loyalty_share(300000, 1200000), 0.25, 1e-12); /* the reference's 25 % */
	assert_float_equal(loyalty_share(0, 1200000), 0.0, 0);
	assert_float_equal(loyalty_share(-5, 1200000), 0.0, 0); /* refunds beyond sales */
	assert_float_equal(loyalty_share(1500000, 1200000), 1.0, 0); /* stated spend too low: capped */
	assert_float_equal(loyalty_share(300000, 0), -1.0, 0); /* unknown */
	assert_float_equal(loyalty_share(300000, -1), -1.0, 0);
}

static void test_attitude(void **state)
{
	(void)state;
	struct {
		int nps, csat;
		enum loyalty_attitude want;
	} cases[] = {
		{ 9, -1, LOYALTY_ATT_HIGH }, /* promoter */
		{ 10, 1, LOYALTY_ATT_HIGH }, /* either is enough */
		{ 8, -1, LOYALTY_ATT_LOW }, /* passive */
		{ 0, -1, LOYALTY_ATT_LOW }, /* detractor */
		{ -1, 4, LOYALTY_ATT_HIGH }, /* satisfied */
		{ -1, 5, LOYALTY_ATT_HIGH }, { -1, 3, LOYALTY_ATT_LOW },      { 6, 4, LOYALTY_ATT_HIGH },
		{ 7, 3, LOYALTY_ATT_LOW },   { -1, -1, LOYALTY_ATT_UNKNOWN }, /* no answer */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (loyalty_attitude_of(cases[i].nps, cases[i].csat) != cases[i].want)
			fail_msg("nps %d csat %d", cases[i].nps, cases[i].csat);
}

static void test_dick_basu(void **state)
{
	(void)state;
	assert_int_equal(loyalty_patronage_high(4, 0), 1);
	assert_int_equal(loyalty_patronage_high(5, 0), 1);
	assert_int_equal(loyalty_patronage_high(3, 0), 0);
	assert_int_equal(loyalty_patronage_high(0, 0), 0); /* no purchases */
	assert_int_equal(loyalty_patronage_high(2, 1), 1); /* Tucker-loyal */
	assert_int_equal(loyalty_cell_of(LOYALTY_ATT_HIGH, 1), LOYALTY_TRUE);
	assert_int_equal(loyalty_cell_of(LOYALTY_ATT_HIGH, 0), LOYALTY_LATENT);
	assert_int_equal(loyalty_cell_of(LOYALTY_ATT_LOW, 1), LOYALTY_SPURIOUS);
	assert_int_equal(loyalty_cell_of(LOYALTY_ATT_LOW, 0), LOYALTY_NONE);
	assert_int_equal(loyalty_cell_of(LOYALTY_ATT_UNKNOWN, 1), LOYALTY_UNKNOWN);
	assert_int_equal(loyalty_cell_of(LOYALTY_ATT_UNKNOWN, 0), LOYALTY_UNKNOWN);
	const char *names[LOYALTY_CELLS] = { "unknown", "true", "latent", "spurious", "none" };
	for (int c = 0; c < LOYALTY_CELLS; c++) {
		assert_string_equal(loyalty_cell_name((enum loyalty_cell)c), names[c]);
		assert_int_equal(loyalty_cell_find(names[c]), c);
	}
	assert_int_equal(loyalty_cell_find("loyal"), -1);
	assert_int_equal(loyalty_cell_find(NULL), -1);
}

/* Each rule of lifecycle.h, and that an earlier rule wins over a later one. */
static void test_lifecycle(void **state)
{
	(void)state;
	const struct lifecycle_rules rules = LIFECYCLE_RULES_DEFAULT;
	struct {
		struct lifecycle_in in;
		const char *want;
		const char *why;
	} cases[] = {
		{ { 0, 0, 0, 0, 0, 0 }, "potential", "1: never bought" },
		{ { 0, 0, 5, 1, 0, 0 }, "potential", "1: before everything else" },
		{ { 9, 366, 5, 0, 1, 5 }, "lapsed", "2: over a year" },
		{ { 9, 366, 5, 2, 1, 5 }, "lapsed", "2: lapsed wins over a complaint" },
		{ { 9, 365, 5, 0, 3, 5 }, "at_risk", "2: exactly a year is not lapsed (5: past 180 days)" },
		{ { 9, 10, 5, 1, 5, 5 }, "at_risk", "3: an open complaint" },
		{ { 9, 10, 2, 0, 5, 5 }, "at_risk", "4: CSAT 2" },
		{ { 1, 10, 1, 0, 5, 1 }, "at_risk", "4: CSAT 1" },
		{ { 2, 181, 0, 0, 3, 2 }, "at_risk", "5: 181 days of silence" },
		{ { 2, 180, 0, 0, 3, 2 }, "satisfied", "5: 180 days is not yet" },
		{ { 5, 60, 0, 0, 2, 3 }, "at_risk", "6: RFM at_risk cell" },
		{ { 9, 60, 0, 0, 1, 5 }, "at_risk", "6: RFM cant_loose cell" },
		{ { 1, 60, 0, 0, 2, 2 }, "new", "6: R 2 F 2 is hibernating, not at risk" },
		{ { 3, 5, 0, 0, 5, 4 }, "loyal", "7: three purchases, F 4, no survey" },
		{ { 3, 5, 4, 0, 5, 5 }, "loyal", "7: with a good CSAT" },
		{ { 3, 5, 3, 0, 5, 5 }, "satisfied", "7: CSAT 3 is not loyal" },
		{ { 3, 5, 0, 0, 5, 3 }, "satisfied", "7: F 3 is not loyal" },
		{ { 2, 5, 0, 0, 5, 5 }, "satisfied", "7: two purchases are not loyal; 8: a repeat" },
		{ { 1, 5, 4, 0, 5, 1 }, "satisfied", "8: one purchase and CSAT 4" },
		{ { 1, 5, 0, 0, 5, 1 }, "new", "9: one purchase, no answer" },
		{ { 1, 5, 3, 0, 5, 1 }, "new", "9: one purchase, CSAT 3" },
		{ { 4, 5, 0, 0, 0, 0 }, "satisfied", "unscored RFM cannot be loyal" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = lifecycle_stage_name(lifecycle_stage_of(&cases[i].in, &rules));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu (%s): %s, want %s", i, cases[i].why, got, cases[i].want);
	}
	const char *names[LIFECYCLE_STAGES] = { "potential", "new", "satisfied", "loyal", "at_risk", "lapsed" };
	for (int s = 0; s < LIFECYCLE_STAGES; s++) {
		assert_string_equal(lifecycle_stage_name((enum lifecycle_stage)s), names[s]);
		assert_int_equal(lifecycle_stage_find(names[s]), s);
	}
	assert_int_equal(lifecycle_stage_find("vip"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tucker),    cmocka_unit_test(test_share),
		cmocka_unit_test(test_attitude),  cmocka_unit_test(test_dick_basu),
		cmocka_unit_test(test_lifecycle),
	};
	return cmocka_run_group_tests_name("loyalty", tests, NULL, NULL);
}
