/*
 * test_tz.c - base/tz.c: TZif reading, offsets, local <-> UTC with DST
 * gaps and overlaps, the POSIX footer after the last transition, the
 * civil-date arithmetic.
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
#include "base/banned.h"

static int64_t utc(int64_t y, int m, int d, int h, int mi)
{
	return tz_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60;
}

static const struct tz *zone(const char *name)
{
	struct kf_error err = KF_ERROR_INIT;
	const struct tz *z = NULL;
	assert_int_equal(tz_load(name, &z, &err), 0);
	assert_non_null(z);
	return z;
}

static void test_civil(void **state)
{
	(void)state;
	static const struct {
		int64_t y;
		int m, d;
		int64_t days;
		int wday;
	} cases[] = {
		{ 1970, 1, 1, 0, 4 },       { 2000, 2, 29, 11016, 2 }, { 1969, 12, 31, -1, 3 },
		{ 2026, 11, 24, 20781, 2 }, { 2024, 3, 1, 19783, 5 },  { 2100, 3, 1, 47541, 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t y;
		int m, d;
		assert_int_equal(tz_days_from_civil(cases[i].y, cases[i].m, cases[i].d), cases[i].days);
		tz_civil_from_days(cases[i].days, &y, &m, &d);
		assert_int_equal(y, cases[i].y);
		assert_int_equal(m, cases[i].m);
		assert_int_equal(d, cases[i].d);
		assert_int_equal(tz_weekday(cases[i].days), cases[i].wday);
	}
	for (int64_t n = -800000; n < 800000; n += 97) {
		int64_t y;
		int m, d;
		tz_civil_from_days(n, &y, &m, &d);
		assert_int_equal(tz_days_from_civil(y, m, d), n);
	}
	assert_int_equal(tz_floordiv(-1, 86400), -1);
	assert_int_equal(tz_floordiv(86399, 86400), 0);
}

static void test_offsets(void **state)
{
	(void)state;
	const struct tz *sh = zone("Asia/Shanghai"), *ny = zone("America/New_York"), *u = zone("UTC");
	static const struct {
		const char *zone;
		int64_t y;
		int m, d, h, mi;
		int32_t off;
	} cases[] = {
		{ "sh", 2026, 1, 15, 0, 0, 8 * 3600 },
		{ "sh", 2026, 7, 15, 0, 0, 8 * 3600 },
		{ "ny", 2026, 1, 15, 12, 0, -5 * 3600 },
		{ "ny", 2026, 7, 15, 12, 0, -4 * 3600 },
		{ "ny", 2026, 3, 8, 6, 59, -5 * 3600 },
		{ "ny", 2026, 3, 8, 7, 0, -4 * 3600 },
		{ "ny", 2026, 11, 1, 5, 59, -4 * 3600 },
		{ "ny", 2026, 11, 1, 6, 0, -5 * 3600 },
		/* after the last transition in the file: the POSIX footer decides */
		{ "ny", 2045, 7, 1, 12, 0, -4 * 3600 },
		{ "ny", 2045, 12, 1, 12, 0, -5 * 3600 },
		{ "ny", 2045, 3, 12, 7, 0, -4 * 3600 },
		{ "ny", 2045, 3, 12, 6, 59, -5 * 3600 },
		{ "ny", 1880, 1, 1, 0, 0, -17762 },
		{ "u", 2026, 6, 1, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tz *z = cases[i].zone[0] == 's' ? sh : cases[i].zone[0] == 'n' ? ny : u;
		int64_t t = utc(cases[i].y, cases[i].m, cases[i].d, cases[i].h, cases[i].mi);
		assert_int_equal(tz_offset(z, t), cases[i].off);
	}
	assert_ptr_equal(zone("Asia/Shanghai"), sh); /* cached */
}

static void test_from_local(void **state)
{
	(void)state;
	const struct tz *ny = zone("America/New_York"), *sh = zone("Asia/Shanghai");
	static const struct {
		int m, d, h, mi; /* New York wall clock, 2026 */
		int64_t uh, umi; /* expected UTC hour:minute the same day */
	} cases[] = {
		{ 3, 8, 1, 30, 6, 30 }, /* before the gap: EST */
		{ 3, 8, 2, 30, 7, 30 }, /* in the gap: read as EST = 03:30 EDT */
		{ 3, 8, 3, 0, 7, 0 }, /* after the gap: EDT */
		{ 11, 1, 0, 30, 4, 30 }, { 11, 1, 1, 30, 5, 30 }, /* the overlap: the earlier instant (EDT) */
		{ 11, 1, 2, 0, 7, 0 },   { 7, 4, 9, 0, 13, 0 },   { 12, 24, 9, 0, 14, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t local = utc(2026, cases[i].m, cases[i].d, cases[i].h, cases[i].mi);
		int64_t want = utc(2026, cases[i].m, cases[i].d, (int)cases[i].uh, (int)cases[i].umi);
		assert_int_equal(tz_from_local(ny, local), want);
	}
	for (int64_t t = utc(2025, 1, 1, 0, 0); t < utc(2027, 1, 1, 0, 0); t += 3607) {
		assert_int_equal(tz_from_local(sh, tz_to_local(sh, t)), t);
		int64_t back = tz_from_local(ny, tz_to_local(ny, t));
		assert_true(back == t || back == t - 3600); /* only the overlap hour maps to its earlier twin */
	}
}

static void test_bad(void **state)
{
	(void)state;
	static const char *const names[] = {
		"",  "../etc/passwd", "/etc/passwd", "Nowhere/Atlantis", "Asia/Shang hai", "Asia/../../etc",
		NULL
	};
	for (int i = 0; names[i]; i++) {
		struct kf_error err = KF_ERROR_INIT;
		const struct tz *z = NULL;
		assert_int_equal(tz_load(names[i], &z, &err), KF_EINVAL);
		assert_string_equal(err.field, "time_zone");
	}
	static const unsigned char junk[] = "TZif2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\xff\xff\xff\xff";
	struct tz z;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(tz_parse(junk, sizeof(junk), &z, &err), KF_EINVAL);
	assert_int_equal(tz_parse((const unsigned char *)"TZ", 2, &z, &err), KF_EINVAL);
}

/* Issue 12 item 10: no int64 input may overflow (UBSan aborts the suite if one does). */
static void test_extremes(void **state)
{
	(void)state;
	static const int64_t ts[] = {
		INT64_MIN,     INT64_MIN + 1, -INT64_C(62167219201), INT64_C(253402300800),
		INT64_MAX - 1, INT64_MAX
	};
	const char *const names[] = { "UTC", "Asia/Shanghai", "America/New_York", NULL };
	for (int n = 0; names[n]; n++) {
		const struct tz *z = zone(names[n]);
		for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
			int64_t local = tz_to_local(z, ts[i]);
			int64_t back = tz_from_local(z, ts[i]);
			int32_t off = tz_offset(z, ts[i]);
			assert_true(off > -86400 && off < 86400);
			assert_true(local >= TZ_TIME_MIN - 86400 && local <= TZ_TIME_MAX + 86400);
			assert_true(back >= TZ_TIME_MIN - 86400 && back <= TZ_TIME_MAX + 86400);
		}
	}
	int64_t y;
	int m, d;
	tz_civil_from_days(INT64_MAX, &y, &m, &d);
	assert_true(y <= 1100000 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
	tz_civil_from_days(INT64_MIN, &y, &m, &d);
	assert_true(y >= -1100000 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
	assert_true(tz_days_from_civil(INT64_MAX, 12, 31) <= INT64_C(366) * 1000000);
	assert_true(tz_days_from_civil(INT64_MIN, 1, 1) >= -INT64_C(366) * 1000000);
	assert_int_equal(tz_weekday(INT64_MIN) >= 0, 1);
	assert_int_equal(tz_floordiv(INT64_MIN, 86400) < 0, 1);
}

/* tz_time_check: the range every time read from a user must lie in. */
static void test_time_check(void **state)
{
	(void)state;
	static const struct {
		int64_t t;
		int ok;
	} cases[] = {
		{ 0, 1 },           { 1795000000, 1 },      { TZ_TIME_MIN, 1 },
		{ TZ_TIME_MAX, 1 }, { TZ_TIME_MIN - 1, 0 }, { TZ_TIME_MAX + 1, 0 },
		{ INT64_MAX, 0 },   { INT64_MIN, 0 },
	};
	assert_int_equal(TZ_TIME_MAX, utc(9999, 12, 31, 23, 59) + 59);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		int rc = tz_time_check(cases[i].t, "at", &err);
		assert_int_equal(rc, cases[i].ok ? 0 : KF_EINVAL);
		if (!cases[i].ok)
			assert_string_equal(err.field, "at");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil),      cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_from_local), cmocka_unit_test(test_bad),
		cmocka_unit_test(test_extremes),   cmocka_unit_test(test_time_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
