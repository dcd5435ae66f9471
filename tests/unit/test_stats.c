/*
 * test_stats.c - descriptive statistics (analytics/stats.c) and the
 * report table builders (analytics/report_table.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "analytics/report.h"
#include "analytics/stats.h"

/* metrics-and-methods.md §1: order cycle times 3, 7, 4, 2 days: mean 4.0,
 * sample sd 2.160, CV 0.54. */
static void test_oct_example(void **state)
{
	(void)state;
	struct stats_acc a = STATS_ACC_INIT;
	double v[] = { 3, 7, 4, 2 }, m, sd, cv;
	assert_int_equal(stats_mean(&a, &m), 0);
	for (size_t i = 0; i < 4; i++)
		stats_add(&a, v[i]);
	assert_int_equal(stats_mean(&a, &m), 1);
	assert_float_equal(m, 4.0, 1e-12);
	assert_int_equal(stats_sd(&a, &sd), 1);
	assert_float_equal(sd, 2.1602, 1e-4);
	assert_int_equal(stats_cv(&a, &cv), 1);
	assert_float_equal(cv, 0.54, 1e-3);
	assert_float_equal(a.min, 2, 0);
	assert_float_equal(a.max, 7, 0);
}

static void test_small_n_and_zero_mean(void **state)
{
	(void)state;
	struct stats_acc a = STATS_ACC_INIT;
	double out = 42;
	stats_add(&a, 5);
	assert_int_equal(stats_sd(&a, &out), 0); /* one value: no sample sd */
	assert_float_equal(out, 42, 0);
	struct stats_acc z = STATS_ACC_INIT;
	stats_add(&z, -1);
	stats_add(&z, 1);
	assert_int_equal(stats_cv(&z, &out), 0); /* mean 0: no CV */
}

static void test_merge_equals_sequential(void **state)
{
	(void)state;
	struct stats_acc all = STATS_ACC_INIT, a = STATS_ACC_INIT, b = STATS_ACC_INIT, empty = STATS_ACC_INIT;
	for (int i = 0; i < 1000; i++) {
		double x = 1e9 + (i * 7919 % 1000) * 0.5; /* large offset: Welford stays exact enough */
		stats_add(&all, x);
		stats_add(i < 300 ? &a : &b, x);
	}
	stats_merge(&a, &b);
	stats_merge(&a, &empty);
	double s1, s2, m1, m2;
	assert_int_equal(a.n, 1000);
	stats_mean(&all, &m1);
	stats_mean(&a, &m2);
	assert_float_equal(m1, m2, 1e-6);
	stats_sd(&all, &s1);
	stats_sd(&a, &s2);
	assert_float_equal(s1, s2, 1e-6);
	assert_float_equal(s1, 144.40972, 1e-4); /* sd of 0, 0.5, ..., 499.5 (n-1) */
	stats_merge(&empty, &a);
	assert_int_equal(empty.n, 1000);
}

/* Type 7 (numpy default): [1, 2, 3, 4] p50 = 2.5, p90 = 3.7, p95 = 3.85. */
static void test_percentiles(void **state)
{
	(void)state;
	double v[] = { 4, 1, 3, 2 }, out = -1;
	stats_sort(v, 4);
	assert_float_equal(v[0], 1, 0);
	assert_float_equal(v[3], 4, 0);
	assert_int_equal(stats_percentile_sorted(v, 4, 0.5, &out), 1);
	assert_float_equal(out, 2.5, 1e-12);
	stats_percentile_sorted(v, 4, 0.9, &out);
	assert_float_equal(out, 3.7, 1e-12);
	stats_percentile_sorted(v, 4, 0.95, &out);
	assert_float_equal(out, 3.85, 1e-12);
	stats_percentile_sorted(v, 4, 0, &out);
	assert_float_equal(out, 1, 0);
	stats_percentile_sorted(v, 4, 1, &out);
	assert_float_equal(out, 4, 0);
	double one[] = { 7 };
	stats_percentile_sorted(one, 1, 0.9, &out);
	assert_float_equal(out, 7, 0);
	assert_int_equal(stats_percentile_sorted(v, 0, 0.5, &out), 0);
	assert_int_equal(stats_percentile_sorted(v, 4, 1.5, &out), 0);
	assert_int_equal(stats_percentile_sorted(v, 4, NAN, &out), 0);
}

static const struct report_col cols[] = {
	{ "name", "Name", "名称", RT_TEXT },
	{ "n", "Count", "数量", RT_INT },
	{ "rate", "Rate", "比率", RT_RATE },
};

static void test_report_table(void **state)
{
	(void)state;
	struct report_table t;
	report_table_init(&t, cols, 3);
	for (int i = 0; i < 40; i++) { /* grows past the first allocation */
		size_t r = report_row(&t);
		assert_int_equal(r, (size_t)i);
		report_set_text(&t, r, 0, "x");
		report_set_int(&t, r, 1, i);
		report_set_rate(&t, r, 2, i, i % 4); /* den 0 on every fourth row */
	}
	report_set_drill(&t, 3, "/api/v1/tickets?team_id=%d", 7);
	report_set_note(&t, "%d rows", 40);
	assert_int_equal(t.nrows, 40);
	assert_true(report_cell(&t, 4, 2)->null);
	assert_false(report_cell(&t, 5, 2)->null);
	assert_float_equal(report_cell(&t, 5, 2)->d, 5.0, 1e-12);
	assert_int_equal(report_cell(&t, 39, 1)->i, 39);
	assert_string_equal(t.drill[3], "/api/v1/tickets?team_id=7");
	assert_null(t.drill[2]);
	assert_string_equal(t.note, "40 rows");
	assert_int_equal(report_col_index(&t, "rate"), 2);
	assert_int_equal(report_col_index(&t, "nope"), -1);
	report_set_num(&t, 0, 2, NAN);
	assert_true(report_cell(&t, 0, 2)->null);
	report_table_free(&t);
}

static void test_report_opts(void **state)
{
	(void)state;
	struct report_params p = { 0 };
	struct kf_error err = KF_ERROR_INIT;
	double d = 0;
	p.opt_key[0] = "a";
	p.opt_val[0] = "0.7";
	p.opt_key[1] = "b";
	p.opt_val[1] = "x";
	p.opt_key[2] = "c";
	p.opt_val[2] = "5";
	p.nopts = 3;
	assert_int_equal(report_opt_num(&p, "a", 0.8, 0, 1, &d, &err), 0);
	assert_float_equal(d, 0.7, 1e-12);
	assert_int_equal(report_opt_num(&p, "z", 0.8, 0, 1, &d, &err), 0);
	assert_float_equal(d, 0.8, 1e-12);
	assert_int_equal(report_opt_num(&p, "b", 0.8, 0, 1, &d, &err), KF_EINVAL);
	assert_string_equal(err.field, "b");
	assert_int_equal(report_opt_num(&p, "c", 0.8, 0, 1, &d, &err), KF_EINVAL);
	assert_string_equal(err.field, "c");
	static const char *const bys[] = { "team", NULL };
	struct report_def def = { .name = "t", .by_allowed = bys };
	p.by = "team";
	assert_int_equal(report_check_params(&def, &p, &err), 0);
	p.by = "agent";
	assert_int_equal(report_check_params(&def, &p, &err), KF_EINVAL);
	assert_string_equal(err.field, "by");
	p.by = "";
	p.from = 10;
	p.to = 5;
	assert_int_equal(report_check_params(&def, &p, &err), KF_EINVAL);
	assert_string_equal(err.field, "to");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oct_example),
		cmocka_unit_test(test_small_n_and_zero_mean),
		cmocka_unit_test(test_merge_equals_sequential),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_report_table),
		cmocka_unit_test(test_report_opts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
