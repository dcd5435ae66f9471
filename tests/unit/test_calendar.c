/*
 * test_calendar.c - desk/calendar.c: business time on weekly hours,
 * holidays and 调休 make-up workdays, after-hours arrivals, arrival exactly
 * at opening and closing, lunch breaks, DST days in New York, the sunset.
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
#include "base/banned.h"

static struct calendar cal;

/* Local wall-clock time in cal's zone -> UTC. */
static int64_t at(int m, int d, int h, int mi)
{
	return tz_from_local(cal.tz, tz_days_from_civil(2026, m, d) * 86400 + h * 3600 + mi * 60);
}

/* Mon-Fri with the given intervals per day, in zone; plus the 2026 National Day holidays. */
static void setup_cal(const char *zone, const int (*iv)[2], int niv, int every_day)
{
	struct kf_error err = KF_ERROR_INIT;
	memset(&cal, 0, sizeof(cal));
	assert_int_equal(tz_load(zone, &cal.tz, &err), 0);
	for (int wd = every_day ? 0 : 1; wd <= (every_day ? 6 : 5); wd++)
		for (int i = 0; i < niv; i++)
			assert_int_equal(calendar_add_hours(&cal, wd, iv[i][0], iv[i][1], &err), 0);
	static const char *const hol[] = { "2026-10-01", "2026-10-02", "2026-10-05",
		                           "2026-10-06", "2026-10-07", NULL };
	for (int i = 0; hol[i]; i++)
		assert_int_equal(calendar_add_date(&cal, hol[i], CALENDAR_HOLIDAY, &err), 0);
	assert_int_equal(calendar_add_date(&cal, "2026-10-10", CALENDAR_WORKDAY, &err), 0); /* Saturday worked */
}

static const int nine_six[][2] = { { 9 * 60, 18 * 60 } };
static const int lunch[][2] = { { 9 * 60, 12 * 60 }, { 13 * 60 + 30, 18 * 60 } };
static const int nine_five[][2] = { { 9 * 60, 17 * 60 } };
static const int all_day[][2] = { { 0, 1440 } };

struct add_case {
	int m, d, h, mi; /* start, local */
	int64_t secs;
	int dm, dd, dh, dmi; /* due, local */
};

static void run_add(const struct add_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct kf_error err = KF_ERROR_INIT;
		int64_t due = 0, start = at(c[i].m, c[i].d, c[i].h, c[i].mi);
		assert_int_equal(calendar_add_business_seconds(&cal, start, c[i].secs, &due, &err), 0);
		if (due != at(c[i].dm, c[i].dd, c[i].dh, c[i].dmi))
			fail_msg("case %zu: due %lld, want %lld", i, (long long)due,
			         (long long)at(c[i].dm, c[i].dd, c[i].dh, c[i].dmi));
		assert_int_equal(calendar_business_seconds_between(&cal, start, due), c[i].secs);
	}
}

static void test_add_shanghai(void **state)
{
	(void)state;
	setup_cal("Asia/Shanghai", nine_six, 1, 0);
	static const struct add_case cases[] = {
		{ 11, 24, 10, 0, 8 * 3600, 11, 24, 18, 0 }, /* Tue: ends exactly at closing */
		{ 11, 24, 10, 0, 9 * 3600, 11, 25, 10, 0 }, /* rolls to Wed */
		{ 11, 24, 19, 30, 3600, 11, 25, 10, 0 }, /* after hours */
		{ 11, 24, 7, 0, 3600, 11, 24, 10, 0 }, /* before opening */
		{ 11, 24, 9, 0, 0, 11, 24, 9, 0 }, /* zero */
		{ 11, 27, 17, 0, 2 * 3600, 11, 30, 10, 0 }, /* Fri -> Mon */
		{ 11, 28, 10, 0, 3600, 11, 30, 10, 0 }, /* Saturday arrival */
		{ 11, 24, 18, 0, 60, 11, 25, 9, 1 }, /* exactly at closing */
		{ 9, 30, 17, 0, 2 * 3600, 10, 8, 10, 0 }, /* over the holidays and a weekend */
		{ 10, 9, 17, 0, 2 * 3600, 10, 10, 10, 0 }, /* onto the make-up Saturday */
		{ 11, 23, 9, 0, 5 * 9 * 3600, 11, 27, 18, 0 }, /* a whole week */
		{ 11, 23, 9, 0, 10 * 9 * 3600, 12, 4, 18, 0 }, /* two weeks */
	};
	run_add(cases, sizeof(cases) / sizeof(cases[0]));
	struct kf_error err = KF_ERROR_INIT;
	int64_t due;
	/* exactly at opening */
	assert_int_equal(calendar_add_business_seconds(&cal, at(11, 24, 9, 0), 1, &due, &err), 0);
	assert_int_equal(due, at(11, 24, 9, 0) + 1);
}

static void test_lunch(void **state)
{
	(void)state;
	setup_cal("Asia/Shanghai", lunch, 2, 0);
	static const struct add_case cases[] = {
		{ 11, 24, 11, 0, 2 * 3600, 11, 24, 14, 30 },
		{ 11, 24, 12, 30, 3600, 11, 24, 14, 30 }, /* during lunch */
		{ 11, 24, 11, 0, 3600, 11, 24, 12, 0 }, /* ends exactly at the break */
		{ 11, 24, 17, 0, 2 * 3600, 11, 25, 10, 0 },
		{ 11, 24, 9, 0, 7 * 3600 + 1800, 11, 24, 18, 0 },
	};
	run_add(cases, sizeof(cases) / sizeof(cases[0]));
	assert_false(calendar_is_business_time(&cal, at(11, 24, 12, 0)));
	assert_false(calendar_is_business_time(&cal, at(11, 24, 13, 29)));
	assert_true(calendar_is_business_time(&cal, at(11, 24, 13, 30)));
	assert_true(calendar_is_business_time(&cal, at(11, 24, 11, 59)));
}

static void test_is_business_time(void **state)
{
	(void)state;
	setup_cal("Asia/Shanghai", nine_six, 1, 0);
	static const struct {
		int m, d, h, mi, want;
	} cases[] = {
		{ 11, 24, 9, 0, 1 },  { 11, 24, 8, 59, 0 }, { 11, 24, 17, 59, 1 }, { 11, 24, 18, 0, 0 },
		{ 11, 28, 10, 0, 0 }, { 11, 29, 10, 0, 0 }, { 10, 1, 10, 0, 0 },   { 10, 10, 10, 0, 1 },
		{ 10, 8, 10, 0, 1 },  { 10, 11, 10, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(
		        calendar_is_business_time(&cal, at(cases[i].m, cases[i].d, cases[i].h, cases[i].mi)),
		        cases[i].want);
}

static void test_sunset(void **state)
{
	(void)state;
	setup_cal("Asia/Shanghai", nine_six, 1, 0);
	static const struct {
		int m, d, h, mi; /* arrival */
		int dm, dd; /* due at 18:00 that day */
	} cases[] = {
		{ 11, 24, 10, 0, 11, 24 }, /* Tue 10:00 -> Tue 18:00 */
		{ 11, 24, 19, 30, 11, 25 }, /* Tue 19:30 -> Wed */
		{ 11, 27, 20, 0, 11, 30 }, /* Fri 20:00 -> Mon */
		{ 11, 28, 10, 0, 11, 30 }, /* Saturday -> Mon */
		{ 11, 24, 7, 0, 11, 24 }, /* before opening: the same day */
		{ 11, 24, 9, 0, 11, 24 }, /* exactly at opening */
		{ 11, 24, 17, 59, 11, 24 }, /* a minute before closing */
		{ 11, 24, 18, 0, 11, 25 }, /* exactly at closing: next day */
		{ 9, 30, 19, 0, 10, 8 }, /* before the National Day holidays -> after them */
		{ 10, 3, 10, 0, 10, 8 }, /* a weekend inside the holidays */
		{ 10, 9, 20, 0, 10, 10 }, /* onto the make-up Saturday */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		int64_t due = 0;
		assert_int_equal(calendar_end_of_business_day(
		                         &cal, at(cases[i].m, cases[i].d, cases[i].h, cases[i].mi), &due, &err),
		                 0);
		if (due != at(cases[i].dm, cases[i].dd, 18, 0))
			fail_msg("sunset case %zu", i);
	}
	struct kf_error err = KF_ERROR_INIT;
	int64_t due;
	assert_int_equal(calendar_next_business_day_end(&cal, at(11, 24, 10, 0), &due, &err), 0);
	assert_int_equal(due, at(11, 25, 18, 0));
	assert_int_equal(calendar_add_business_days(&cal, at(11, 26, 15, 0), 2, &due, &err), 0); /* Thu + 2 */
	assert_int_equal(due, at(11, 30, 9, 0));
	assert_int_equal(calendar_add_business_days(&cal, at(9, 30, 15, 0), 1, &due, &err), 0);
	assert_int_equal(due, at(10, 8, 9, 0));
}

static void test_dst_new_york(void **state)
{
	(void)state;
	setup_cal("America/New_York", nine_five, 1, 0);
	static const struct add_case cases[] = {
		{ 3, 6, 16, 0, 2 * 3600, 3, 9, 10, 0 }, /* Fri EST -> Mon EDT over spring-forward */
		{ 10, 30, 16, 0, 2 * 3600, 11, 2, 10, 0 }, /* Fri EDT -> Mon EST over fall-back */
		{ 3, 9, 9, 0, 8 * 3600, 3, 9, 17, 0 },
		{ 11, 2, 9, 0, 8 * 3600, 11, 2, 17, 0 },
	};
	run_add(cases, sizeof(cases) / sizeof(cases[0]));
	/* 09:00 Monday after spring-forward is 13:00 UTC, before it 14:00 UTC */
	assert_int_equal(at(3, 9, 9, 0) % 86400, 13 * 3600);
	assert_int_equal(at(3, 6, 9, 0) % 86400, 14 * 3600);
	struct kf_error err = KF_ERROR_INIT;
	int64_t due;
	assert_int_equal(calendar_end_of_business_day(&cal, at(3, 7, 12, 0), &due, &err), 0);
	assert_int_equal(due, at(3, 9, 17, 0));

	setup_cal("America/New_York", nine_five, 1, 1); /* every day, DST days included */
	static const struct add_case every[] = {
		{ 3, 8, 8, 0, 3600, 3, 8, 10, 0 }, /* the spring-forward Sunday */
		{ 11, 1, 16, 30, 3600, 11, 2, 9, 30 }, /* the fall-back Sunday */
		{ 3, 7, 16, 0, 9 * 3600, 3, 8, 17, 0 },
	};
	run_add(every, sizeof(every) / sizeof(every[0]));

	setup_cal("America/New_York", all_day, 1, 1); /* round the clock: days are 23 h and 25 h long */
	assert_int_equal(calendar_business_seconds_between(&cal, at(3, 8, 0, 0), at(3, 9, 0, 0)), 23 * 3600);
	assert_int_equal(calendar_business_seconds_between(&cal, at(11, 1, 0, 0), at(11, 2, 0, 0)), 25 * 3600);
	assert_int_equal(calendar_business_seconds_between(&cal, at(11, 2, 0, 0), at(11, 1, 0, 0)), -25 * 3600);
	assert_int_equal(calendar_add_business_seconds(&cal, at(3, 8, 0, 0), 3 * 3600, &due, &err), 0);
	assert_int_equal(due, at(3, 8, 4, 0)); /* 02:00-03:00 does not exist */
}

static void test_bad_input(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	int64_t day, due;
	memset(&cal, 0, sizeof(cal));
	assert_int_equal(tz_load("Asia/Shanghai", &cal.tz, &err), 0);
	static const char *const dates[] = { "2026-02-29", "2026-13-01", "2026-1-01",
		                             "26-01-01",   "2026-00-10", "abcd-ef-gh",
		                             "2026-04-31", "",           NULL };
	for (int i = 0; dates[i]; i++)
		assert_int_equal(calendar_parse_date(dates[i], &day, &err), KF_EINVAL);
	assert_int_equal(calendar_parse_date("2024-02-29", &day, &err), 0);
	assert_int_equal(calendar_add_hours(&cal, 7, 0, 60, &err), KF_EINVAL);
	assert_int_equal(calendar_add_hours(&cal, 1, 600, 540, &err), KF_EINVAL);
	assert_int_equal(calendar_add_hours(&cal, 1, 0, 1441, &err), KF_EINVAL);
	assert_int_equal(calendar_add_hours(&cal, 1, 540, 720, &err), 0);
	assert_int_equal(calendar_add_hours(&cal, 1, 700, 800, &err), KF_EINVAL);
	assert_string_equal(err.key, "overlap");
	memset(&cal.week, 0, sizeof(cal.week)); /* no hours at all */
	assert_int_equal(calendar_add_business_seconds(&cal, 0, 60, &due, &err), KF_EINVAL);
	assert_int_equal(calendar_end_of_business_day(&cal, 0, &due, &err), KF_EINVAL);
}

static void test_parse_iso(void **state)
{
	(void)state;
	int64_t t = -1;
	assert_int_equal(calendar_parse_iso("2026-03-02T09:30Z", &t), 0);
	assert_int_equal(t, 1772443800);
	assert_int_equal(calendar_parse_iso("2026-03-02T09:30:15Z", &t), 0);
	assert_int_equal(t, 1772443815);
	assert_int_equal(calendar_parse_iso("2026-03-02T17:30:15+08:00", &t), 0);
	assert_int_equal(t, 1772443815);
	assert_int_equal(calendar_parse_iso("2026-03-02T04:00:15-05:30", &t), 0);
	assert_int_equal(t, 1772443815);
	static const char *const bad[] = { "2026-03-02",
		                           "2026-03-02T24:00Z",
		                           "2026-03-02T09:60Z",
		                           "2026-03-02T09:30:61Z",
		                           "2026-02-30T09:30Z",
		                           "2026-03-02T09:30+8",
		                           "2026-03-02T09:30Zx",
		                           "2026-03-02 09:30Z",
		                           "2026-03-02T9:30Z",
		                           "",
		                           NULL };
	for (int i = 0; bad[i]; i++) {
		t = 7;
		assert_int_equal(calendar_parse_iso(bad[i], &t), -1);
		assert_int_equal(t, 7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_shanghai),     cmocka_unit_test(test_lunch),
		cmocka_unit_test(test_is_business_time), cmocka_unit_test(test_sunset),
		cmocka_unit_test(test_dst_new_york),     cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_parse_iso),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
