/*
 * calendar.c - see calendar.h.  Every search walks local days forward from
 * the day of the start instant, turning each opening interval into a UTC
 * range with the zone's rules; a day's hours never cross midnight, so an
 * instant belongs to exactly one local day.
 */
#include "desk/calendar.h"

#include <stdlib.h>
#include <string.h>

#include "base/tz.h"

static const struct calendar_day closed_day = { 0, { { 0, 0 } } };

int calendar_add_hours(struct calendar *c, int wd, int start_min, int end_min, struct kf_error *err)
{
	if (wd < 0 || wd > 6)
		return kf_fail(err, KF_EINVAL, "invalid", "weekday",
		               "weekday must be 0 (Sunday) to 6 (Saturday)");
	if (start_min < 0 || end_min > 1440 || start_min >= end_min)
		return kf_fail(err, KF_EINVAL, "invalid", "hours",
		               "hours must be HH:MM-HH:MM within one day, start before end");
	struct calendar_day *d = &c->week[wd];
	if (d->n >= CALENDAR_MAX_INTERVALS)
		return kf_fail(err, KF_EINVAL, "too_many", "hours", "at most %d intervals a day",
		               CALENDAR_MAX_INTERVALS);
	int at = 0;
	while (at < d->n && d->iv[at].start_min < start_min)
		at++;
	if ((at > 0 && d->iv[at - 1].end_min > start_min) || (at < d->n && d->iv[at].start_min < end_min))
		return kf_fail(err, KF_EINVAL, "overlap", "hours",
		               "opening intervals of one day must not overlap");
	memmove(&d->iv[at + 1], &d->iv[at], sizeof(d->iv[0]) * (size_t)(d->n - at));
	d->iv[at].start_min = start_min;
	d->iv[at].end_min = end_min;
	d->n++;
	return 0;
}

static int two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

int calendar_parse_date(const char *s, int64_t *day, struct kf_error *err)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		goto bad;
	int y1 = two_digits(s), y2 = two_digits(s + 2), m = two_digits(s + 5), d = two_digits(s + 8);
	if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1)
		goto bad;
	int64_t y = y1 * 100 + y2;
	int64_t n = tz_days_from_civil(y, m, d);
	int64_t yy;
	int mm, dd;
	tz_civil_from_days(n, &yy, &mm, &dd);
	if (yy != y || mm != m || dd != d)
		goto bad;
	*day = n;
	return 0;
bad:
	return kf_fail(err, KF_EINVAL, "invalid", "date", "date must be a real date written YYYY-MM-DD");
}

int calendar_add_date(struct calendar *c, const char *date, enum calendar_exception kind, struct kf_error *err)
{
	int64_t day;
	if (calendar_parse_date(date, &day, err) < 0)
		return KF_EINVAL;
	if (c->ndates >= CALENDAR_MAX_HOLIDAYS)
		return kf_fail(err, KF_EINVAL, "too_many", "date", "at most %d dated exceptions",
		               CALENDAR_MAX_HOLIDAYS);
	c->dates[c->ndates].day = day;
	c->dates[c->ndates].kind = kind;
	c->ndates++;
	return 0;
}

int64_t calendar_local_day(const struct calendar *c, int64_t t)
{
	return tz_floordiv(tz_to_local(c->tz, t), 86400);
}

static const struct calendar_day *workday_hours(const struct calendar *c)
{
	for (int wd = 1; wd <= 5; wd++)
		if (c->week[wd].n > 0)
			return &c->week[wd];
	return &closed_day;
}

const struct calendar_day *calendar_hours(const struct calendar *c, int64_t day)
{
	for (int i = 0; i < c->ndates; i++) {
		if (c->dates[i].day != day)
			continue;
		return c->dates[i].kind == CALENDAR_HOLIDAY ? &closed_day : workday_hours(c);
	}
	return &c->week[tz_weekday(day)];
}

/* Interval i of local day d as a UTC range [*s, *e). */
static void interval_utc(const struct calendar *c, int64_t day, const struct calendar_interval *iv,
                         int64_t *s, int64_t *e)
{
	*s = tz_from_local(c->tz, day * 86400 + iv->start_min * 60);
	*e = tz_from_local(c->tz, day * 86400 + iv->end_min * 60);
}

int calendar_is_business_time(const struct calendar *c, int64_t t)
{
	int64_t day = calendar_local_day(c, t);
	const struct calendar_day *d = calendar_hours(c, day);
	for (int i = 0; i < d->n; i++) {
		int64_t s, e;
		interval_utc(c, day, &d->iv[i], &s, &e);
		if (t >= s && t < e)
			return 1;
	}
	return 0;
}

static int no_hours(struct kf_error *err)
{
	return kf_fail(err, KF_EINVAL, "no_business_hours", "calendar_id",
	               "the calendar has no business hours within %d days", CALENDAR_HORIZON_DAYS);
}

int calendar_add_business_seconds(const struct calendar *c, int64_t start, int64_t secs, int64_t *due,
                                  struct kf_error *err)
{
	if (secs <= 0) {
		*due = start;
		return 0;
	}
	int64_t day = calendar_local_day(c, start);
	for (int k = 0; k < CALENDAR_HORIZON_DAYS; k++, day++) {
		const struct calendar_day *d = calendar_hours(c, day);
		for (int i = 0; i < d->n; i++) {
			int64_t s, e;
			interval_utc(c, day, &d->iv[i], &s, &e);
			if (s < start)
				s = start;
			if (e <= s)
				continue;
			if (secs <= e - s) {
				*due = s + secs;
				return 0;
			}
			secs -= e - s;
		}
	}
	return no_hours(err);
}

static int64_t between(const struct calendar *c, int64_t a, int64_t b)
{
	int64_t sum = 0;
	int64_t last = calendar_local_day(c, b);
	for (int64_t day = calendar_local_day(c, a); day <= last; day++) {
		const struct calendar_day *d = calendar_hours(c, day);
		for (int i = 0; i < d->n; i++) {
			int64_t s, e;
			interval_utc(c, day, &d->iv[i], &s, &e);
			s = s < a ? a : s;
			e = e > b ? b : e;
			if (e > s)
				sum += e - s;
		}
	}
	return sum;
}

int64_t calendar_business_seconds_between(const struct calendar *c, int64_t a, int64_t b)
{
	return b >= a ? between(c, a, b) : -between(c, b, a);
}

/* The close of local day `day` (its last interval's end), or 0 when closed. */
static int64_t day_close(const struct calendar *c, int64_t day)
{
	const struct calendar_day *d = calendar_hours(c, day);
	if (d->n == 0)
		return 0;
	int64_t s, e;
	interval_utc(c, day, &d->iv[d->n - 1], &s, &e);
	return e;
}

int calendar_next_business_day_end(const struct calendar *c, int64_t t, int64_t *due, struct kf_error *err)
{
	int64_t day = calendar_local_day(c, t);
	for (int k = 1; k <= CALENDAR_HORIZON_DAYS; k++) {
		int64_t e = day_close(c, day + k);
		if (e) {
			*due = e;
			return 0;
		}
	}
	return no_hours(err);
}

int calendar_end_of_business_day(const struct calendar *c, int64_t t, int64_t *due, struct kf_error *err)
{
	int64_t e = day_close(c, calendar_local_day(c, t));
	if (e && t < e) {
		*due = e;
		return 0;
	}
	return calendar_next_business_day_end(c, t, due, err);
}

int calendar_add_business_days(const struct calendar *c, int64_t t, int n, int64_t *at, struct kf_error *err)
{
	int64_t day = calendar_local_day(c, t);
	for (int k = 1; k <= CALENDAR_HORIZON_DAYS; k++) {
		const struct calendar_day *d = calendar_hours(c, day + k);
		if (d->n == 0 || --n > 0)
			continue;
		*at = tz_from_local(c->tz, (day + k) * 86400 + d->iv[0].start_min * 60);
		return 0;
	}
	return no_hours(err);
}

int calendar_parse_iso(const char *s, int64_t *out)
{
	struct kf_error err = KF_ERROR_INIT;
	char date[11];
	int64_t day;
	int h, m, sec = 0, oh = 0, om = 0;
	size_t n = strlen(s);
	if (n < 17 || s[10] != 'T' || s[13] != ':')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (calendar_parse_date(date, &day, &err) < 0)
		return -1;
	h = two_digits(s + 11);
	m = two_digits(s + 14);
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	const char *p = s + 16;
	if (*p == ':' && ((sec = two_digits(p + 1)) < 0 || sec > 59))
		return -1;
	p += *p == ':' ? 3 : 0;
	int sign = *p == '-' ? -1 : 1;
	if (*p == 'Z' && p[1] == '\0')
		p = "";
	else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' && (oh = two_digits(p + 1)) >= 0 &&
	         (om = two_digits(p + 4)) >= 0)
		p = "";
	if (*p)
		return -1;
	*out = day * 86400 + h * 3600 + m * 60 + sec - sign * (oh * 3600 + om * 60);
	return 0;
}
