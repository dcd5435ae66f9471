/*
 * test_ticket_state.c - desk/ticket_state.c: all 36 (from, to) pairs
 * against the table written out here by hand, names, and targets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "desk/ticket_state.h"
#include "base/banned.h"

/* expected[from][to]: 1 = allowed.  Order: new open pc pi resolved closed. */
static const int expected[TS_COUNT][TS_COUNT] = {
	/* new */ { 0, 1, 1, 1, 1, 1 },
	/* open */ { 0, 0, 1, 1, 1, 0 },
	/* pending_customer */ { 0, 1, 0, 1, 1, 0 },
	/* pending_internal */ { 0, 1, 1, 0, 1, 0 },
	/* resolved */ { 0, 1, 0, 0, 0, 1 },
	/* closed */ { 0, 1, 0, 0, 0, 0 },
};

static void test_all_pairs(void **state)
{
	(void)state;
	int allowed = 0;
	for (int f = 0; f < TS_COUNT; f++)
		for (int t = 0; t < TS_COUNT; t++) {
			int got = ticket_state_allowed((enum ticket_state)f, (enum ticket_state)t);
			if (got != expected[f][t])
				fail_msg("%s -> %s: got %d want %d", ticket_state_name((enum ticket_state)f),
				         ticket_state_name((enum ticket_state)t), got, expected[f][t]);
			allowed += got;
		}
	assert_int_equal(allowed, 17);
}

static void test_targets_match_pairs(void **state)
{
	(void)state;
	enum ticket_state out[TS_COUNT];
	for (int f = 0; f < TS_COUNT; f++) {
		size_t n = ticket_state_targets((enum ticket_state)f, out);
		size_t want = 0;
		for (int t = 0; t < TS_COUNT; t++)
			want += (size_t)expected[f][t];
		assert_int_equal(n, want);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(expected[f][out[i]], 1);
			if (i)
				assert_true(out[i - 1] < out[i]);
		}
	}
}

static void test_names_round_trip(void **state)
{
	(void)state;
	for (int s = 0; s < TS_COUNT; s++)
		assert_int_equal(ticket_state_parse(ticket_state_name((enum ticket_state)s)), s);
	assert_int_equal(ticket_state_parse("pending"), TS_NONE);
	assert_int_equal(ticket_state_parse(""), TS_NONE);
	assert_int_equal(ticket_state_parse(NULL), TS_NONE);
	assert_string_equal(ticket_state_name(TS_NONE), "");
	assert_string_equal(ticket_state_name(TS_PENDING_CUSTOMER), "pending_customer");
}

static void test_out_of_range_and_reopen(void **state)
{
	(void)state;
	assert_int_equal(ticket_state_allowed(TS_NONE, TS_OPEN), 0);
	assert_int_equal(ticket_state_allowed(TS_OPEN, TS_NONE), 0);
	assert_int_equal(ticket_state_allowed(TS_OPEN, TS_COUNT), 0);
	assert_int_equal(ticket_state_is_reopen(TS_RESOLVED, TS_OPEN), 1);
	assert_int_equal(ticket_state_is_reopen(TS_CLOSED, TS_OPEN), 1);
	assert_int_equal(ticket_state_is_reopen(TS_PENDING_CUSTOMER, TS_OPEN), 0);
	assert_int_equal(ticket_state_is_reopen(TS_RESOLVED, TS_CLOSED), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_pairs),
		cmocka_unit_test(test_targets_match_pairs),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_out_of_range_and_reopen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
