/*
 * test_survey_score.c - analytics/survey_score.c on the worked examples of
 * shared/reference/metrics-and-methods.md §6 (CSAT 150 of 200 = 75 %;
 * NPS 110/50/40 = +35; CES {7,6,6,5,3,2,7,6} = 5.25 and 75 % agree;
 * SERVQUAL weighted gap -0.52), the scale edges (4 vs 3, 9 vs 8, 7 vs 6,
 * 5 vs 4), out-of-scale answers, and empty tallies giving null, never NaN.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "quality/survey_score.h"
#include "base/banned.h"

#define EPS 1e-9

static void assert_score(struct survey_score s, double want)
{
	if (s.null)
		fail_msg("score is null, want %g", want);
	if (fabs(s.v - want) > 1e-6)
		fail_msg("score %.9g, want %.9g", s.v, want);
}

static void test_csat_example(void **state)
{
	(void)state;
	struct survey_tally t = { 0 };
	survey_tally_add(&t, 5, SURVEY_SKIPPED, SURVEY_SKIPPED, 90);
	survey_tally_add(&t, 4, SURVEY_SKIPPED, SURVEY_SKIPPED, 60);
	survey_tally_add(&t, 3, SURVEY_SKIPPED, SURVEY_SKIPPED, 30);
	survey_tally_add(&t, 1, SURVEY_SKIPPED, SURVEY_SKIPPED, 20);
	assert_int_equal(t.csat_n, 200);
	assert_score(survey_csat(&t), 0.75); /* 150 of 200 */
	assert_true(survey_nps(&t).null); /* nobody answered NPS */
	assert_true(survey_ces_mean(&t).null);
}

static void test_nps_example(void **state)
{
	(void)state;
	struct survey_tally t = { 0 };
	survey_tally_add(&t, SURVEY_SKIPPED, 10, SURVEY_SKIPPED, 60);
	survey_tally_add(&t, SURVEY_SKIPPED, 9, SURVEY_SKIPPED, 50); /* 110 promoters */
	survey_tally_add(&t, SURVEY_SKIPPED, 8, SURVEY_SKIPPED, 25);
	survey_tally_add(&t, SURVEY_SKIPPED, 7, SURVEY_SKIPPED, 25); /* 50 passives */
	survey_tally_add(&t, SURVEY_SKIPPED, 6, SURVEY_SKIPPED, 20);
	survey_tally_add(&t, SURVEY_SKIPPED, 0, SURVEY_SKIPPED, 20); /* 40 detractors */
	assert_int_equal(t.promoters, 110);
	assert_int_equal(t.passives, 50);
	assert_int_equal(t.detractors, 40);
	assert_score(survey_nps(&t), 35.0); /* 55 % - 20 % */
	assert_true(survey_csat(&t).null);
}

static void test_nps_range(void **state)
{
	(void)state;
	struct survey_tally all_promoters = { 0 }, all_detractors = { 0 }, passives = { 0 };
	survey_tally_add(&all_promoters, SURVEY_SKIPPED, 9, SURVEY_SKIPPED, 3);
	survey_tally_add(&all_detractors, SURVEY_SKIPPED, 6, SURVEY_SKIPPED, 3);
	survey_tally_add(&passives, SURVEY_SKIPPED, 7, SURVEY_SKIPPED, 1);
	survey_tally_add(&passives, SURVEY_SKIPPED, 8, SURVEY_SKIPPED, 1);
	assert_score(survey_nps(&all_promoters), 100.0);
	assert_score(survey_nps(&all_detractors), -100.0);
	assert_score(survey_nps(&passives), 0.0); /* passives count, but on neither side */
}

static void test_ces_example(void **state)
{
	(void)state;
	static const int scores[] = { 7, 6, 6, 5, 3, 2, 7, 6 };
	struct survey_tally t = { 0 };
	for (size_t i = 0; i < sizeof(scores) / sizeof(scores[0]); i++)
		survey_tally_add(&t, SURVEY_SKIPPED, SURVEY_SKIPPED, scores[i], 1);
	assert_score(survey_ces_mean(&t), 5.25);
	assert_score(survey_ces_agree(&t), 0.75); /* 6 of 8 are 5-7 */
}

static void test_edges_and_out_of_scale(void **state)
{
	(void)state;
	struct survey_tally t = { 0 };
	survey_tally_add(&t, 4, 8, 5, 1); /* satisfied, passive, agree */
	survey_tally_add(&t, 3, 6, 4, 1); /* not satisfied, detractor, not agree */
	survey_tally_add(&t, 0, 11, 8, 1); /* all out of scale: skipped */
	survey_tally_add(&t, 6, -2, 0, 1);
	assert_int_equal(t.csat_n, 2);
	assert_int_equal(t.nps_n, 2);
	assert_int_equal(t.ces_n, 2);
	assert_score(survey_csat(&t), 0.5);
	assert_score(survey_nps(&t), -50.0);
	assert_score(survey_ces_agree(&t), 0.5);
	assert_score(survey_ces_mean(&t), 4.5);
}

static void test_empty_is_null(void **state)
{
	(void)state;
	struct survey_tally t = { 0 }, u = { 0 };
	assert_true(survey_csat(&t).null);
	assert_true(survey_nps(&t).null);
	assert_true(survey_ces_mean(&t).null);
	assert_true(survey_ces_agree(&t).null);
	assert_true(survey_response_rate(0, 0).null);
	assert_score(survey_response_rate(0, 4), 0.0);
	assert_score(survey_response_rate(3, 4), 0.75);
	survey_tally_add(&u, 5, 10, 7, 2);
	survey_tally_merge(&t, &u);
	survey_tally_merge(&t, &u);
	assert_int_equal(t.csat_n, 4);
	assert_int_equal(t.promoters, 4);
	assert_score(survey_ces_mean(&t), 7.0);
}

static void test_servqual_gaps(void **state)
{
	(void)state;
	struct servqual_tally t = { 0 };
	servqual_add(&t, SQ_RELIABILITY, 7, 6, 1);
	servqual_add(&t, SQ_RELIABILITY, 6, 4, 1); /* E 6.5, P 5, gap -1.5 */
	servqual_add(&t, SQ_TANGIBLES, 4, 5, 3); /* gap +1 */
	servqual_add(&t, SQ_EMPATHY, 0, 5, 1); /* out of scale: ignored */
	servqual_add(&t, SQ_EMPATHY, 5, 8, 1);
	assert_score(servqual_expectation(&t, SQ_RELIABILITY), 6.5);
	assert_score(servqual_perception(&t, SQ_RELIABILITY), 5.0);
	assert_score(servqual_gap(&t, SQ_RELIABILITY), -1.5);
	assert_score(servqual_gap(&t, SQ_TANGIBLES), 1.0);
	assert_true(servqual_gap(&t, SQ_EMPATHY).null);
	assert_true(servqual_expectation(&t, SQ_ASSURANCE).null);
	struct survey_score gap[SQ_DIMS];
	for (int d = 0; d < SQ_DIMS; d++)
		gap[d] = servqual_gap(&t, (enum servqual_dim)d);
	assert_score(servqual_weighted_gap(gap, NULL), -0.25); /* mean of -1.5 and +1 */
}

/* The reference's example: R30 Resp25 A20 E15 T10, gaps -0.9 -0.6 -0.3 -0.4 +0.2 -> -0.52. */
static void test_servqual_weighted_example(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	double w[SQ_DIMS];
	struct survey_score gap[SQ_DIMS] = {
		[SQ_TANGIBLES] = { 0, 0.2 },       [SQ_RELIABILITY] = { 0, -0.9 },
		[SQ_RESPONSIVENESS] = { 0, -0.6 }, [SQ_ASSURANCE] = { 0, -0.3 },
		[SQ_EMPATHY] = { 0, -0.4 },
	};
	assert_int_equal(servqual_weights_parse("10,30,25,20,15", "weights", w, &err), 0);
	assert_score(servqual_weighted_gap(gap, w), -0.52);
	assert_score(servqual_weighted_gap(gap, NULL), -0.4); /* (0.2-0.9-0.6-0.3-0.4)/5 */
	/* Points need not sum to 100: 2,6,5,4,3 is the same split. */
	assert_int_equal(servqual_weights_parse("2,6,5,4,3", "weights", w, &err), 0);
	assert_score(servqual_weighted_gap(gap, w), -0.52);
	/* A dimension without answers drops out with its weight. */
	gap[SQ_TANGIBLES].null = 1;
	assert_int_equal(servqual_weights_parse("10,30,25,20,15", "weights", w, &err), 0);
	assert_score(servqual_weighted_gap(gap, w), -54.0 / 90.0);
	struct survey_score empty[SQ_DIMS] = { { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 } };
	assert_true(servqual_weighted_gap(empty, NULL).null);
}

static void test_weights_refused(void **state)
{
	(void)state;
	static const char *const bad[] = { "",           "1,2,3,4",   "1,2,3,4,5,6",
		                           "1,2,-3,4,5", "0,0,0,0,0", "a,b,c,d,e",
		                           "1,2,3,4,5,", "1,,3,4,5",  "nan,1,1,1,1",
		                           "inf,1,1,1,1" };
	double w[SQ_DIMS];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		if (servqual_weights_parse(bad[i], "weights", w, &err) != KF_EINVAL)
			fail_msg("weights \"%s\" accepted", bad[i]);
		assert_string_equal(err.field, "weights");
	}
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(servqual_weights_parse(NULL, "weights", w, &err), KF_EINVAL);
	assert_int_equal(servqual_weights_parse("0,1,0,0,0.5", "weights", w, &err), 0);
	assert_true(fabs(w[4] - 0.5) < EPS);
}

static void test_dim_names(void **state)
{
	(void)state;
	for (int d = 0; d < SQ_DIMS; d++)
		assert_int_equal(servqual_dim_parse(servqual_dim_name((enum servqual_dim)d)), d);
	assert_int_equal(servqual_dim_parse("Tangibles"), -1);
	assert_int_equal(servqual_dim_parse(NULL), -1);
	assert_string_equal(servqual_dim_name(SQ_EMPATHY), "empathy");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csat_example),
		cmocka_unit_test(test_nps_example),
		cmocka_unit_test(test_nps_range),
		cmocka_unit_test(test_ces_example),
		cmocka_unit_test(test_edges_and_out_of_scale),
		cmocka_unit_test(test_empty_is_null),
		cmocka_unit_test(test_servqual_gaps),
		cmocka_unit_test(test_servqual_weighted_example),
		cmocka_unit_test(test_weights_refused),
		cmocka_unit_test(test_dim_names),
	};
	return cmocka_run_group_tests_name("survey_score", tests, NULL, NULL);
}
