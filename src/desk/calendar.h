/*
 * calendar.h - business calendars: when a team works.
 *
 * A calendar is a week of opening hours (several intervals a day allowed,
 * e.g. 09:00-12:00 and 13:30-18:00), a list of dated exceptions (public
 * holidays, and 调休 make-up workdays on which a weekend day is worked) and
 * an IANA time zone.  Hours are wall-clock local time, so a 09:00-17:00
 * day stays 09:00-17:00 across daylight-saving changes.  A make-up workday
 * uses the hours of the first weekday, Monday through Friday, that has any.
 *
 * Every function here is pure: plain structs in, plain results out.  All
 * instants are UTC seconds; "business seconds" count only seconds inside
 * opening hours.
 */
#ifndef KF_CALENDAR_H
#define KF_CALENDAR_H

#include <stdint.h>

#include "base/err.h"

struct tz;

#define CALENDAR_MAX_INTERVALS 4 /* opening intervals in one day */
#define CALENDAR_MAX_HOLIDAYS 512 /* dated exceptions in one calendar */
#define CALENDAR_HORIZON_DAYS 800 /* searches give up after this many days without business time */

struct calendar_interval {
	int start_min; /* minutes after local midnight, 0..1439 */
	int end_min; /* exclusive, start_min < end_min <= 1440 */
};

struct calendar_day {
	int n; /* intervals in use */
	struct calendar_interval iv[CALENDAR_MAX_INTERVALS]; /* ascending, not overlapping */
};

enum calendar_exception { CALENDAR_HOLIDAY = 1, CALENDAR_WORKDAY = 2 };

struct calendar_date {
	int64_t day; /* days since 1970-01-01 of the local date */
	enum calendar_exception kind; /* closed all day, or worked with weekday hours */
};

struct calendar {
	const struct tz *tz; /* borrowed (tz_load's cache) */
	struct calendar_day week[7]; /* 0 = Sunday ... 6 = Saturday */
	int ndates; /* exceptions in use */
	struct calendar_date dates[CALENDAR_MAX_HOLIDAYS]; /* any order */
};

/* Add an opening interval to weekday wd (0 = Sunday); KF_EINVAL if out of range or overlapping. */
int calendar_add_hours(struct calendar *c, int wd, int start_min, int end_min, struct kf_error *err);
/* Add a dated exception "YYYY-MM-DD"; KF_EINVAL for a bad date or too many. */
int calendar_add_date(struct calendar *c, const char *date, enum calendar_exception kind, struct kf_error *err);
/* Parse "YYYY-MM-DD" into a day number; 0 or KF_EINVAL (field "date"). */
int calendar_parse_date(const char *s, int64_t *day, struct kf_error *err);
/* "YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM)" to UTC seconds; -1 when s is not that. */
int calendar_parse_iso(const char *s, int64_t *out);

/* The local day number of the instant t. */
int64_t calendar_local_day(const struct calendar *c, int64_t t);
/* The opening hours of local day d (holidays empty, make-up days worked). */
const struct calendar_day *calendar_hours(const struct calendar *c, int64_t day);

/* 1 when t is inside opening hours. */
int calendar_is_business_time(const struct calendar *c, int64_t t);
/*
 * The instant at which secs business seconds have passed after start
 * (secs 0 gives start itself).  A target that ends exactly at closing is
 * due at closing, not at the next opening.  KF_EINVAL when the calendar has
 * no business time within CALENDAR_HORIZON_DAYS.
 */
int calendar_add_business_seconds(const struct calendar *c, int64_t start, int64_t secs, int64_t *due,
                                  struct kf_error *err);
/* Business seconds in [a, b); negative when b < a. */
int64_t calendar_business_seconds_between(const struct calendar *c, int64_t a, int64_t b);
/*
 * The sunset (沃尔玛日落原则): the close of the business day on which t
 * falls, when t is before that close; otherwise (after hours, a weekend, a
 * holiday) the close of the next business day.
 */
int calendar_end_of_business_day(const struct calendar *c, int64_t t, int64_t *due, struct kf_error *err);
/* The close of the first business day after t's local day. */
int calendar_next_business_day_end(const struct calendar *c, int64_t t, int64_t *due, struct kf_error *err);
/* The opening of the n-th business day after t's local day (n >= 1): when a follow-up is due. */
int calendar_add_business_days(const struct calendar *c, int64_t t, int n, int64_t *at, struct kf_error *err);

#endif
