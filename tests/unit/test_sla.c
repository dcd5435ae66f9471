/*
 * test_sla.c - desk/sla.c: the policy choice (type x priority x tier,
 * tier A tighter), due times with the sunset rule, 80 % warnings, pauses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/tz.h"
#include "desk/calendar.h"
#include "desk/sla.h"
#include "base/banned.h"

static struct calendar cal;

static int64_t at(int m, int d, int h, int mi)
{
	return tz_from_local(cal.tz, tz_days_from_civil(2026, m, d) * 86400 + h * 3600 + mi * 60);
}

static int setup(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	memset(&cal, 0, sizeof(cal));
	assert_int_equal(tz_load("Asia/Shanghai", &cal.tz, &err), 0);
	for (int wd = 1; wd <= 5; wd++)
		assert_int_equal(calendar_add_hours(&cal, wd, 9 * 60, 18 * 60, &err), 0);
	assert_int_equal(calendar_add_date(&cal, "2026-12-25", CALENDAR_HOLIDAY, &err), 0);
	return 0;
}

#define H 3600

static const struct sla_policy policies[] = {
	{ 1, "", "", "", 0, 0, 5 * 9 * H, 1, 1, 100 }, /* the default sunset policy */
	{ 2, "complaint", "", "", 2 * H, 4 * H, 3 * 9 * H, 0, 1, 10 }, /* complaints */
	{ 3, "complaint", "urgent", "", 1 * H, 2 * H, 9 * H, 0, 1, 10 },
	{ 4, "", "", "B", 4 * H, 8 * H, 4 * 9 * H, 0, 1, 10 }, /* tier B */
	{ 5, "", "high", "", 3 * H, 6 * H, 2 * 9 * H, 0, 1, 10 },
	{ 6, "", "high", "", 3 * H, 6 * H, 2 * 9 * H, 0, 1, 5 }, /* same as 5, lower rank */
};

static void test_choose(void **state)
{
	(void)state;
	static const struct {
		const char *type, *priority, *tier;
		int64_t want; /* policy id, 0 = none */
	} cases[] = {
		{ "question", "normal", "C", 1 },
		{ NULL, NULL, NULL, 1 },
		{ "complaint", "normal", "C", 2 },
		{ "complaint", "urgent", "C", 3 },
		{ "question", "normal", "B", 4 },
		{ "complaint", "urgent", "B", 3 }, /* 2 = 2: rank, then id */
		{ "question", "high", "C", 6 }, /* equal specificity: lower rank */
		/* tier A: the tightest matching policy, whatever its specificity */
		{ "question", "normal", "A", 1 },
		{ "complaint", "normal", "A", 2 },
		{ "question", "high", "A", 6 },
		{ "complaint", "urgent", "A", 3 },
		{ "complaint", "high", "A", 6 }, /* 2 days beats 3 days */
	};
	int n = (int)(sizeof(policies) / sizeof(policies[0]));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int k = sla_choose(policies, n, cases[i].type, cases[i].priority, cases[i].tier);
		assert_true(k >= 0);
		if (policies[k].id != cases[i].want)
			fail_msg("case %zu: policy %lld, want %lld", i, (long long)policies[k].id,
			         (long long)cases[i].want);
	}
	assert_int_equal(sla_choose(policies + 1, 1, "question", "normal", "C"), -1);
	assert_int_equal(sla_choose(policies, 0, "question", "normal", "C"), -1);
}

static void test_compute(void **state)
{
	(void)state;
	static const struct {
		int policy; /* index */
		int m, d, h, mi; /* created */
		int fm, fd, fh, fmi; /* first response due */
		int wm, wd, wh, wmi; /* its warning */
		int rm, rd, rh, rmi; /* resolution due */
	} cases[] = {
		/* sunset: Tue 10:00 -> 18:00 Tue, warning at 80 % of 8 h = 16:24 */
		{ 0, 11, 24, 10, 0, 11, 24, 18, 0, 11, 24, 16, 24, 12, 1, 10, 0 },
		/* sunset: Tue 19:30 -> 18:00 Wed; 9 business hours, warning 16:12 Wed */
		{ 0, 11, 24, 19, 30, 11, 25, 18, 0, 11, 25, 16, 12, 12, 1, 18, 0 },
		/* sunset: Fri 20:00 -> Mon 18:00 */
		{ 0, 11, 27, 20, 0, 11, 30, 18, 0, 11, 30, 16, 12, 12, 4, 18, 0 },
		/* sunset before the Christmas holiday (Thu 24th evening) -> Mon 28th */
		{ 0, 12, 24, 19, 0, 12, 28, 18, 0, 12, 28, 16, 12, 12, 32, 18, 0 }, /* 12-32 = 2027-01-01 */
		/* complaint: 2 business hours from 17:00 -> 10:00 next day; warn at 96 min = 09:36 */
		{ 1, 11, 24, 17, 0, 11, 25, 10, 0, 11, 25, 9, 36, 11, 27, 17, 0 },
		/* complaint, urgent, created at opening */
		{ 2, 11, 24, 9, 0, 11, 24, 10, 0, 11, 24, 9, 48, 11, 24, 18, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		struct sla_due due;
		int64_t created = at(cases[i].m, cases[i].d, cases[i].h, cases[i].mi);
		assert_int_equal(sla_compute(&policies[cases[i].policy], &cal, created, &due, &err), 0);
		if (due.first_due_at != at(cases[i].fm, cases[i].fd, cases[i].fh, cases[i].fmi))
			fail_msg("case %zu: first due", i);
		if (due.first_warn_at != at(cases[i].wm, cases[i].wd, cases[i].wh, cases[i].wmi))
			fail_msg("case %zu: first warn", i);
		if (due.resolve_due_at != at(cases[i].rm, cases[i].rd, cases[i].rh, cases[i].rmi))
			fail_msg("case %zu: resolve due", i);
		assert_true(due.resolve_warn_at > created && due.resolve_warn_at < due.resolve_due_at);
	}
}

static void test_no_targets(void **state)
{
	(void)state;
	struct sla_policy p = { 9, "", "", "", 0, 0, 0, 0, 1, 0 };
	struct sla_due due;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(sla_compute(&p, &cal, at(11, 24, 10, 0), &due, &err), 0);
	assert_int_equal(due.first_due_at, 0);
	assert_int_equal(due.first_warn_at, 0);
	assert_int_equal(due.resolve_due_at, 0);
	int64_t d;
	assert_int_equal(sla_response_due(&p, &cal, at(11, 24, 10, 0), 0, &d, &err), 0);
	assert_int_equal(d, 0);
	assert_int_equal(sla_response_due(&policies[0], &cal, at(11, 24, 10, 0), 0, &d, &err), 0);
	assert_int_equal(d, at(11, 24, 18, 0)); /* a sunset policy answers every contact by sunset */
}

static void test_pause(void **state)
{
	(void)state;
	static const struct {
		int dm, dd, dh, dmi; /* due before the pause */
		int fm, fd, fh, fmi; /* pause from */
		int tm, td, th, tmi; /* pause to */
		int nm, nd, nh, nmi; /* due after */
	} cases[] = {
		{ 11, 24, 18, 0, 11, 24, 10, 0, 11, 24, 14, 0, 11, 25, 13, 0 }, /* 4 business hours */
		{ 11, 24, 18, 0, 11, 24, 19, 0, 11, 25, 8, 0, 11, 24, 18, 0 }, /* paused only after hours */
		{ 11, 30, 12, 0, 11, 27, 17, 0, 11, 30, 10, 0, 11, 30, 14, 0 }, /* over a weekend: 2 h */
		{ 11, 24, 18, 0, 11, 24, 10, 0, 11, 24, 10, 0, 11, 24, 18, 0 }, /* empty pause */
		{ 12, 24, 17, 0, 12, 24, 9, 0, 12, 24, 11, 0, 12, 28, 10, 0 }, /* across the holiday */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		int64_t out;
		assert_int_equal(sla_extend(&cal, at(cases[i].dm, cases[i].dd, cases[i].dh, cases[i].dmi),
		                            at(cases[i].fm, cases[i].fd, cases[i].fh, cases[i].fmi),
		                            at(cases[i].tm, cases[i].td, cases[i].th, cases[i].tmi), &out, &err),
		                 0);
		if (out != at(cases[i].nm, cases[i].nd, cases[i].nh, cases[i].nmi))
			fail_msg("pause case %zu", i);
	}
	struct kf_error err = KF_ERROR_INIT;
	int64_t out;
	assert_int_equal(sla_extend(&cal, 0, at(11, 24, 10, 0), at(11, 24, 12, 0), &out, &err), 0);
	assert_int_equal(out, 0); /* no target stays no target */
}

static void test_warn(void **state)
{
	(void)state;
	static const struct {
		int sh, smi, dh, dmi, wh, wmi; /* Tue 2026-11-24, or Wed for the due when dh < sh */
	} cases[] = {
		{ 9, 0, 19, 0, 17, 0 }, /* 10 h: beyond closing counts nothing -> 9 h * 0.8 = 16:12 */
		{ 9, 0, 14, 0, 13, 0 },
		{ 10, 0, 11, 0, 10, 48 },
		{ 17, 0, 18, 0, 17, 48 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		int64_t w;
		int64_t s = at(11, 24, cases[i].sh, cases[i].smi), d = at(11, 24, cases[i].dh, cases[i].dmi);
		assert_int_equal(sla_warn_at(&cal, s, d, &w, &err), 0);
		if (i == 0)
			assert_int_equal(w, at(11, 24, 16, 12));
		else
			assert_int_equal(w, at(11, 24, cases[i].wh, cases[i].wmi));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose),     cmocka_unit_test(test_compute),
		cmocka_unit_test(test_no_targets), cmocka_unit_test(test_pause),
		cmocka_unit_test(test_warn),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
