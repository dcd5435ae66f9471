/*
 * tz.h - IANA time zones read from the system's TZif files
 * (/usr/share/zoneinfo, Debian package tzdata).
 *
 * tz_load parses a TZif v2+ file (the 64-bit section) into a sorted list
 * of transitions and the UTC offset in force after each, plus the POSIX
 * TZ footer ("EST5EDT,M3.2.0,M11.1.0") that governs times after the last
 * transition.  Loaded zones are cached for the life of the process and
 * never freed, so a struct tz pointer is valid forever and every function
 * below is pure: no I/O, no clock, no globals.
 *
 * Local time is written as "local seconds": the seconds since 1970-01-01
 * 00:00 on the wall clock of the zone (as if the zone were UTC).  Converting
 * a local time that does not exist (the spring-forward gap) or exists twice
 * (the fall-back overlap) is deterministic: a time in the gap is read with
 * the offset in force before the gap (02:30 on the New York spring-forward
 * day becomes 03:30 EDT), and a time in the overlap is the earlier of its
 * two instants (01:30 on the fall-back day is 01:30 EDT).
 */
#ifndef KF_TZ_H
#define KF_TZ_H

#include <stdint.h>

#include "base/err.h"

#define TZ_NAME_MAX 64
#define TZ_TIME_MIN (-INT64_C(62167219200)) /* 0000-01-01T00:00:00Z: earliest supported instant */
#define TZ_TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z: latest supported instant */

struct tz_rule {
	int kind; /* 0 = none, 'M' = Mm.w.d, 'J' = Jn (1..365, no Feb 29), 'N' = n (0..365) */
	int month, week, wday, day; /* M: month 1-12, week 1-5 (5 = last), wday 0-6; J/N: day */
	int32_t time_s; /* local time of day of the change, seconds (may be negative or > 24 h) */
};

struct tz {
	char name[TZ_NAME_MAX]; /* "Asia/Shanghai" */
	int n; /* transitions */
	int64_t *at; /* n transition instants, UTC seconds, ascending */
	int32_t *off; /* n offsets (seconds east of UTC) in force from at[i] */
	int32_t off0; /* offset before the first transition */
	int has_footer; /* the POSIX rule below is known */
	int32_t std_off, dst_off; /* footer: standard and daylight offsets, seconds east */
	struct tz_rule start, end; /* footer: daylight starts / ends (kind 0: no daylight) */
};

/*
 * The zone named name ("Asia/Shanghai", "UTC"), loaded once and cached;
 * *out is borrowed for the life of the process.  KF_EINVAL (field "time_zone")
 * for a name that is not a plain IANA name or has no readable TZif v2+ file.
 * Thread-safe.
 */
int tz_load(const char *name, const struct tz **out, struct kf_error *err);

/* Parse TZif bytes (v2+) into *z (name set by the caller); 0 or KF_EINVAL.  Release with tz_release. */
int tz_parse(const unsigned char *data, size_t len, struct tz *z, struct kf_error *err);
void tz_release(struct tz *z);

/*
 * The range of times.  Every time read from a user (an API parameter or
 * body, a CLI option, an import) must lie in [TZ_TIME_MIN, TZ_TIME_MAX];
 * tz_time_check says so: 0, or KF_EINVAL (key "range") naming field.
 * The conversions below accept any int64 and never overflow: a time
 * outside the range is first clamped to it, so their result is only
 * meaningful inside it (issue 12, item 10).
 */
int tz_time_check(int64_t t, const char *field, struct kf_error *err);

/* The offset (seconds east of UTC) in force at the UTC instant t. */
int32_t tz_offset(const struct tz *z, int64_t t);
/* UTC instant -> local seconds. */
int64_t tz_to_local(const struct tz *z, int64_t t);
/* Local seconds -> UTC instant; gaps and overlaps as described above. */
int64_t tz_from_local(const struct tz *z, int64_t local);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12; |y| clamped to 10^6). */
int64_t tz_days_from_civil(int64_t y, int m, int d);
/* The inverse of tz_days_from_civil (|days| clamped to 3.65e8, about 10^6 years). */
void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* Weekday of a day number: 0 = Sunday ... 6 = Saturday. */
int tz_weekday(int64_t days);
/* Floor division of a by b (b > 0). */
int64_t tz_floordiv(int64_t a, int64_t b);

#endif
