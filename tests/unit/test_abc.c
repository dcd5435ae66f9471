/*
 * test_abc.c - analytics/abc.c: the ten-SKU worked example of
 * metrics-and-methods.md 5.2 (A = SKU 1-2, B = 3-5, C = 6-10), the "<="
 * boundary rule exactly on a threshold, ties sharing a class, zero and
 * negative values, the largest item always A, other thresholds, input
 * order not mattering, and a naive re-computation on random data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analytics/abc.h"
#include "base/banned.h"

static const struct abc_thresholds def = ABC_THRESHOLDS_DEFAULT;

static void classify(const int64_t *v, size_t n, const struct abc_thresholds *t, char *out)
{
	struct abc_item it[64];
	for (size_t i = 0; i < n; i++)
		it[i] = (struct abc_item){ .value = v[i] };
	abc_classify(it, n, t);
	for (size_t i = 0; i < n; i++)
		out[i] = it[i].cls;
	out[n] = '\0';
}

/* 50k 25k 10k 5k 3k 2.5k 2k 1.5k 0.6k 0.4k: cumulative 50 75 85 90 93 95.5 97.5 99 99.6 100 %. */
static void test_worked_example(void **state)
{
	(void)state;
	const int64_t v[10] = { 5000000, 2500000, 1000000, 500000, 300000,
		                250000,  200000,  150000,  60000,  40000 };
	char out[11];
	classify(v, 10, &def, out);
	assert_string_equal(out, "AABBBCCCCC");
	/* value shares: A 75 %, B 18 %, C 7 % */
	int64_t sum[3] = { 0, 0, 0 };
	for (int i = 0; i < 10; i++)
		sum[out[i] - 'A'] += v[i];
	assert_int_equal(sum[0], 7500000);
	assert_int_equal(sum[1], 1800000);
	assert_int_equal(sum[2], 700000);
	/* the order of the input does not matter */
	const int64_t shuffled[10] = { 200000, 5000000, 40000, 300000, 1000000,
		                       150000, 2500000, 60000, 500000, 250000 };
	classify(shuffled, 10, &def, out);
	assert_string_equal(out, "CACBBCACBC");
}

/* Exactly on the boundary is inside the class ("<="). */
static void test_boundary(void **state)
{
	(void)state;
	const int64_t v[4] = { 60, 20, 15, 5 }; /* cumulative 60 80 95 100 */
	char out[5];
	classify(v, 4, &def, out);
	assert_string_equal(out, "AABC");
	const int64_t w[4] = { 60, 21, 14, 5 }; /* 60 81 95 100 */
	classify(w, 4, &def, out);
	assert_string_equal(out, "ABBC");
}

static void test_ties(void **state)
{
	(void)state;
	/* 40 40 10 10: the first pair ends at 80 % -> A; the second at 100 % -> C together */
	const int64_t v[4] = { 40, 10, 40, 10 };
	char out[7];
	classify(v, 4, &def, out);
	assert_string_equal(out, "ACAC");
	/* three tens straddle 80 % (cumulative 75, 85, 95): the run ends at 95 % -> B together */
	const int64_t w[6] = { 50, 10, 10, 10, 15, 5 }; /* sorted 50 15 10 10 10 5: 50 65 [95] 100 */
	classify(w, 6, &def, out);
	assert_string_equal(out, "ABBBAC");
}

static void test_zero_and_negative(void **state)
{
	(void)state;
	const int64_t v[5] = { 0, 100, -50, 0, 0 };
	char out[6];
	classify(v, 5, &def, out);
	assert_string_equal(out, "CACCC"); /* the one buyer is A; no revenue is C */
	const int64_t none[3] = { 0, 0, -1 };
	classify(none, 3, &def, out);
	assert_string_equal(out, "CCC");
	classify(v, 0, &def, out);
	assert_string_equal(out, "");
}

/* One customer holding 90 %: A, not B. */
static void test_largest_is_a(void **state)
{
	(void)state;
	const int64_t v[3] = { 5, 90, 5 };
	char out[4];
	classify(v, 3, &def, out);
	assert_string_equal(out, "CAC"); /* 90 -> A (first), 5 5 tie ends at 100 % -> C */
	const int64_t w[2] = { 97, 3 };
	classify(w, 2, &def, out);
	assert_string_equal(out, "AC");
	const int64_t x[2] = { 50, 50 }; /* tied with the largest: A together */
	classify(x, 2, &def, out);
	assert_string_equal(out, "AA");
}

static void test_thresholds(void **state)
{
	(void)state;
	const int64_t v[10] = { 5000000, 2500000, 1000000, 500000, 300000,
		                250000,  200000,  150000,  60000,  40000 };
	char out[11];
	struct abc_thresholds t70 = { 0.70, 0.20 }; /* A <= 70 %, B <= 90 % */
	classify(v, 10, &t70, out);
	assert_string_equal(out, "ABBBCCCCCC");
	struct abc_thresholds all_a = { 1.0, 0.0 };
	classify(v, 10, &all_a, out);
	assert_string_equal(out, "AAAAAAAAAA");
	assert_true(abc_thresholds_valid(&def));
	assert_true(abc_thresholds_valid(&t70));
	assert_true(abc_thresholds_valid(&all_a));
	assert_false(abc_thresholds_valid(&(struct abc_thresholds){ 0.0, 0.5 }));
	assert_false(abc_thresholds_valid(&(struct abc_thresholds){ 0.9, 0.2 }));
	assert_false(abc_thresholds_valid(&(struct abc_thresholds){ 0.8, -0.1 }));
	assert_false(abc_thresholds_valid(&(struct abc_thresholds){ 1.2, 0.0 }));
}

/* A naive second computation: sort distinct values, walk cumulatively. */
static int cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x < y) - (x > y);
}

static char naive_class(int64_t value, const int64_t *sorted, size_t n, int64_t total)
{
	int64_t cum = 0;
	if (value <= 0)
		return 'C';
	for (size_t i = 0; i < n && sorted[i] >= value; i++)
		cum += sorted[i];
	if (value == sorted[0] || cum * 100 <= total * 80)
		return 'A';
	return cum * 100 <= total * 95 ? 'B' : 'C';
}

static void test_random_against_naive(void **state)
{
	(void)state;
	enum { N = 500 };
	struct abc_item it[N];
	int64_t sorted[N], total = 0;
	srand(7);
	for (int i = 0; i < N; i++) {
		int64_t v = (rand() % 4 == 0) ? 0 : (int64_t)(rand() % 50) * (rand() % 50) * 100;
		it[i] = (struct abc_item){ .value = v };
		sorted[i] = v;
		total += v;
	}
	qsort(sorted, N, sizeof(sorted[0]), cmp_desc);
	abc_classify(it, N, &def);
	int n[3] = { 0, 0, 0 };
	for (int i = 0; i < N; i++) {
		if (it[i].cls != naive_class(it[i].value, sorted, N, total))
			fail_msg("item %d value %lld: %c", i, (long long)it[i].value, it[i].cls);
		n[it[i].cls - 'A']++;
	}
	assert_true(n[0] > 0 && n[1] > 0 && n[2] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_zero_and_negative),
		cmocka_unit_test(test_largest_is_a),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_random_against_naive),
	};
	return cmocka_run_group_tests_name("abc", tests, NULL, NULL);
}
