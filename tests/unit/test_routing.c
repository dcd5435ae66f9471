/*
 * test_routing.c - desk/routing.c: the pure choice of a member
 * (round-robin, least-loaded, skills by language and category).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "desk/routing.h"
#include "base/banned.h"

/* user ids 10, 20, 30, 40: 20 speaks only English, 30 handles logistics (5) only, 40 is on leave */
static const struct routing_member team[] = {
	{ 10, "", "", 1, 3 },
	{ 20, "en", "", 1, 1 },
	{ 30, "zh,en", "5,8", 1, 0 },
	{ 40, "", "", 0, 0 },
};
#define N ((int)(sizeof(team) / sizeof(team[0])))

static void test_list_has(void **state)
{
	(void)state;
	assert_true(routing_list_has("zh,en", "en"));
	assert_true(routing_list_has("zh,en", "zh"));
	assert_false(routing_list_has("zh,en", "e"));
	assert_false(routing_list_has("zh,en", "zh,"));
	assert_false(routing_list_has("15,8", "5"));
	assert_true(routing_list_has("15,8", "8"));
	assert_false(routing_list_has("", "zh"));
	assert_false(routing_list_has("zh", ""));
}

static void test_eligible(void **state)
{
	(void)state;
	static const struct {
		int member;
		const char *lang;
		int64_t cat, parent;
		int want;
	} cases[] = {
		{ 0, "zh", 15, 0, 1 }, { 1, "zh", 0, 0, 0 },
		{ 1, "en", 15, 0, 1 }, { 2, "zh", 6, 5, 1 }, /* child of 5 */
		{ 2, "zh", 15, 0, 0 }, { 2, "en", 8, 0, 1 },
		{ 2, "zh", 0, 0, 1 },  { 3, "zh", 0, 0, 0 }, /* on leave */
		{ 1, NULL, 0, 0, 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (routing_eligible(&team[cases[i].member], cases[i].lang, cases[i].cat, cases[i].parent) !=
		    cases[i].want)
			fail_msg("case %zu", i);
}

static void test_round_robin(void **state)
{
	(void)state;
	static const struct {
		int64_t last;
		const char *lang;
		int64_t cat, parent;
		int64_t want; /* user id, 0 = nobody */
	} cases[] = {
		{ 0, "en", 0, 0, 10 },  { 10, "en", 0, 0, 20 }, { 20, "en", 0, 0, 30 },
		{ 30, "en", 0, 0, 10 }, /* 40 is away */
		{ 40, "en", 0, 0, 10 }, { 10, "zh", 0, 0, 30 }, /* 20 speaks no Chinese */
		{ 30, "zh", 0, 0, 10 }, { 99, "zh", 0, 0, 10 }, { 10, "zh", 6, 5, 30 },
		{ 30, "zh", 6, 5, 10 }, { 10, "ja", 0, 0, 10 }, /* nobody lists Japanese: only the member with no language list */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int k = routing_choose(team, N, ROUTING_ROUND_ROBIN, cases[i].last, cases[i].lang,
		                       cases[i].cat, cases[i].parent);
		int64_t got = k < 0 ? 0 : team[k].user_id;
		if (got != cases[i].want)
			fail_msg("case %zu: %lld, want %lld", i, (long long)got, (long long)cases[i].want);
	}
}

static void test_least_loaded(void **state)
{
	(void)state;
	struct routing_member m[N];
	memcpy(m, team, sizeof(m));
	assert_int_equal(m[routing_choose(m, N, ROUTING_LEAST_LOADED, 0, "en", 0, 0)].user_id, 30);
	assert_int_equal(m[routing_choose(m, N, ROUTING_LEAST_LOADED, 0, "en", 15, 0)].user_id, 20);
	m[1].open_tickets = 3; /* 10 and 20 tie at 3: round-robin order after the last */
	assert_int_equal(m[routing_choose(m, N, ROUTING_LEAST_LOADED, 10, "en", 15, 0)].user_id, 20);
	assert_int_equal(m[routing_choose(m, N, ROUTING_LEAST_LOADED, 20, "en", 15, 0)].user_id, 10);
	assert_int_equal(routing_choose(m, 0, ROUTING_LEAST_LOADED, 0, "zh", 0, 0), -1);
	m[0].active = 0;
	assert_int_equal(routing_choose(m, N, ROUTING_ROUND_ROBIN, 0, "zh", 15, 0), -1); /* nobody fits */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_has),
		cmocka_unit_test(test_eligible),
		cmocka_unit_test(test_round_robin),
		cmocka_unit_test(test_least_loaded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
