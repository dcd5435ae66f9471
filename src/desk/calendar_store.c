/*
 * calendar_store.c - see calendar_store.h.
 */
#include "desk/calendar_store.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/textlen.h"
#include "base/tz.h"
#include "base/xalloc.h"
#include "desk/desk_settings.h"
#include "desk/desk_store.h"
#include "desk/sla_clock.h"
#include "store/db.h"

static struct db_sql q_cal_row = DB_SQL("SELECT name, time_zone, version FROM calendars WHERE id = $1");
static struct db_sql q_cal_hours = DB_SQL(
        "SELECT weekday, start_min, end_min FROM calendar_hours WHERE calendar_id = $1 ORDER BY weekday, start_min");
static struct db_sql q_cal_dates = DB_SQL(
        "SELECT id, date, kind, name FROM calendar_holidays WHERE calendar_id = $1 ORDER BY date");
static struct db_sql q_cal_list = DB_SQL(
        "SELECT id, name, time_zone, version FROM calendars WHERE id > $1 ORDER BY id LIMIT $2");
static struct db_sql q_cal_insert = DB_SQL(
        "INSERT INTO calendars (name, time_zone, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id");
static struct db_sql q_cal_update = DB_SQL(
        "UPDATE calendars SET name = COALESCE($3, name), time_zone = COALESCE($4, time_zone), updated_at = $5,"
        " version = version + 1 WHERE id = $1 AND version = $2");
static struct db_sql q_cal_bump = DB_SQL(
        "UPDATE calendars SET version = version + 1, updated_at = $2 WHERE id = $1");
static struct db_sql q_cal_exists = DB_SQL("SELECT id FROM calendars WHERE id = $1");
static struct db_sql q_cal_used = DB_SQL("SELECT COUNT(*) FROM sla_policies WHERE calendar_id = $1");
static struct db_sql q_cal_used_team = DB_SQL("SELECT COUNT(*) FROM teams WHERE calendar_id = $1");
/* ticket_sla has no index on calendar_id: an existence scan, acceptable for a rare admin delete. */
static struct db_sql q_cal_used_clock = DB_SQL(
        "SELECT COUNT(*) FROM (SELECT 1 FROM ticket_sla WHERE calendar_id = $1 LIMIT 1) x");
static struct db_sql q_cal_delete = DB_SQL("DELETE FROM calendars WHERE id = $1");
static struct db_sql q_hours_clear = DB_SQL("DELETE FROM calendar_hours WHERE calendar_id = $1");
static struct db_sql q_dates_clear = DB_SQL("DELETE FROM calendar_holidays WHERE calendar_id = $1");
static struct db_sql q_hours_insert = DB_SQL(
        "INSERT INTO calendar_hours (calendar_id, weekday, start_min, end_min) VALUES ($1, $2, $3, $4)");
static struct db_sql q_date_count = DB_SQL("SELECT COUNT(*) FROM calendar_holidays WHERE calendar_id = $1");
static struct db_sql q_date_insert = DB_SQL(
        "INSERT INTO calendar_holidays (calendar_id, date, kind, name) VALUES ($1, $2, $3, $4) RETURNING id");
static struct db_sql q_date_delete = DB_SQL("DELETE FROM calendar_holidays WHERE id = $1 AND calendar_id = $2");

int calendar_store_parse_hhmm(const char *s, int *out)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*out = h * 60 + m;
	return 0;
}

/* The opening hours of in into c->week (cleared first), checked as calendar_add_hours does. */
static int hours_check(const struct calendar_input *in, struct calendar *c, struct kf_error *err)
{
	memset(c->week, 0, sizeof(c->week));
	for (int wd = 0; wd < 7; wd++) {
		if (in->week[wd].n < 0 || in->week[wd].n > CALENDAR_MAX_INTERVALS)
			return kf_fail(err, KF_EINVAL, "invalid", "hours",
			               "too many opening intervals in a day");
		for (int i = 0; i < in->week[wd].n; i++) {
			int rc = calendar_add_hours(c, wd, in->week[wd].iv[i].start_min,
			                            in->week[wd].iv[i].end_min, err);
			if (rc < 0)
				return rc;
		}
	}
	for (int wd = 0; wd < 7; wd++)
		if (c->week[wd].n > 0)
			return 0;
	return kf_fail(err, KF_EINVAL, "no_business_hours", "hours",
	               "a calendar needs at least one opening interval");
}

int calendar_store_load(struct db *db, int64_t id, struct calendar *c, struct kf_error *err)
{
	struct db_rows *r = NULL;
	memset(c, 0, sizeof(*c));
	if (id == 0)
		id = desk_settings_get(db, "default_calendar_id", 1);
	int rc = db_query(db, &q_cal_row, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 0)
		rc = desk_store_not_found(err, "calendar");
	if (rc > 0)
		rc = tz_load(db_col_text(r, 1), &c->tz, err);
	db_done(r);
	r = NULL;
	if (rc >= 0)
		rc = db_query(db, &q_cal_hours, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		rc = calendar_add_hours(c, (int)db_col_int(r, 0), (int)db_col_int(r, 1),
		                        (int)db_col_int(r, 2), err);
	db_done(r);
	r = NULL;
	if (rc >= 0)
		rc = db_query(db, &q_cal_dates, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		rc = calendar_add_date(
		        c, db_col_text(r, 1),
		        strcmp(db_col_text(r, 2), "workday") == 0 ? CALENDAR_WORKDAY : CALENDAR_HOLIDAY, err);
	db_done(r);
	return rc < 0 ? rc : 0;
}

static char *hhmm(int min, char buf[16])
{
	snprintf(buf, 16, "%02d:%02d", min / 60, min % 60);
	return buf;
}

static int calendar_details(struct db *db, int64_t id, json_t *out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *hours = json_array(), *dates = json_array();
	json_object_set_new(out, "hours", hours);
	json_object_set_new(out, "holidays", dates);
	int rc = db_query(db, &q_cal_hours, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		char a[16], b[16];
		json_array_append_new(hours,
		                      json_pack("{s:I,s:s,s:s}", "weekday", (json_int_t)db_col_int(r, 0),
		                                "start", hhmm((int)db_col_int(r, 1), a), "end",
		                                hhmm((int)db_col_int(r, 2), b)));
	}
	db_done(r);
	r = NULL;
	if (rc >= 0)
		rc = db_query(db, &q_cal_dates, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_array_append_new(dates,
		                      json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)db_col_int(r, 0),
		                                "date", db_col_text(r, 1), "kind", db_col_text(r, 2), "name",
		                                db_col_text(r, 3)));
	db_done(r);
	return rc < 0 ? rc : 0;
}

int calendar_store_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*out = NULL;
	int rc = db_query(db, &q_cal_row, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 0)
		rc = desk_store_not_found(err, "calendar");
	if (rc > 0) {
		*version = db_col_int(r, 2);
		*out = json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)id, "name", db_col_text(r, 0),
		                 "time_zone", db_col_text(r, 1), "version", (json_int_t)*version);
	}
	db_done(r);
	if (rc > 0)
		rc = calendar_details(db, id, *out, err);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc < 0 ? rc : 0;
}

int calendar_store_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last,
                        struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	*last = 0;
	int rc = db_query(db, &q_cal_list, DB_ARGS(db_int(after), db_int(limit)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last = db_col_int(r, 0);
		json_array_append_new(*items,
		                      json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)*last, "name",
		                                db_col_text(r, 1), "time_zone", db_col_text(r, 2), "version",
		                                (json_int_t)db_col_int(r, 3)));
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static int write_hours(struct db *db, int64_t id, const struct calendar *c, struct kf_error *err)
{
	int rc = db_exec(db, &q_hours_clear, DB_ARGS(db_int(id)), err);
	for (int wd = 0; rc >= 0 && wd < 7; wd++)
		for (int i = 0; rc >= 0 && i < c->week[wd].n; i++)
			rc = db_exec(db, &q_hours_insert,
			             DB_ARGS(db_int(id), db_int(wd), db_int(c->week[wd].iv[i].start_min),
			                     db_int(c->week[wd].iv[i].end_min)),
			             err);
	return rc < 0 ? rc : 0;
}

/* A given string that is blank or not there: "required" naming key, as the API says it. */
static int input_required(unsigned present, unsigned bit, const char *v, const char *key, struct kf_error *err)
{
	if (!(present & bit) || !v)
		return kf_fail(err, KF_EINVAL, "required", key, "%s is required", key);
	if (v[strspn(v, " \t\r\n")] == '\0')
		return kf_fail(err, KF_EINVAL, "required", key, "%s must not be blank", key);
	return 0;
}

/* The fields of in, checked; hours default to Monday-Friday 09:00-18:00 on create. */
static int input_check(const struct calendar_input *in, int create, struct calendar *c, struct kf_error *err)
{
	const struct tz *z;
	int rc = 0;
	if (create)
		rc = input_required(in->present, CALENDAR_HAS_NAME, in->name, "name", err);
	if (rc == 0 && create)
		rc = input_required(in->present, CALENDAR_HAS_TIME_ZONE, in->time_zone, "time_zone", err);
	if (rc == 0 && (in->present & CALENDAR_HAS_NAME) && in->name)
		rc = desk_store_check_text("name", in->name, DESK_NAME_MAX_CHARS, err);
	if (rc == 0 && (in->present & CALENDAR_HAS_TIME_ZONE) && in->time_zone &&
	    strlen(in->time_zone) > TZ_NAME_MAX - 1)
		rc = kf_fail(err, KF_EINVAL, "too_long", "time_zone", "time_zone is longer than %d bytes",
		             TZ_NAME_MAX - 1);
	if (rc == 0 && (in->present & CALENDAR_HAS_TIME_ZONE) && in->time_zone)
		rc = tz_load(in->time_zone, &z, err);
	if (rc < 0)
		return rc;
	if (in->present & CALENDAR_HAS_HOURS)
		return hours_check(in, c, err);
	memset(c->week, 0, sizeof(c->week));
	for (int wd = 1; create && wd <= 5; wd++)
		calendar_add_hours(c, wd, 9 * 60, 18 * 60, err);
	return 0;
}

/* The name or zone of in, NULL when not given (the stored value stays). */
static const char *input_name(const struct calendar_input *in)
{
	return (in->present & CALENDAR_HAS_NAME) ? in->name : NULL;
}

static const char *input_zone(const struct calendar_input *in)
{
	return (in->present & CALENDAR_HAS_TIME_ZONE) ? in->time_zone : NULL;
}

/* The audit record names what was given, the hours as they are stored. */
static json_t *input_audit(const struct calendar_input *in, int has_hours, const struct calendar *c)
{
	json_t *o = json_object();
	if (input_name(in))
		json_object_set_new(o, "name", json_string(in->name));
	if (input_zone(in))
		json_object_set_new(o, "time_zone", json_string(in->time_zone));
	if (!has_hours)
		return o;
	json_t *hours = json_array();
	for (int wd = 0; wd < 7; wd++)
		for (int i = 0; i < c->week[wd].n; i++) {
			char a[16], b[16];
			json_array_append_new(hours,
			                      json_pack("{s:i,s:s,s:s}", "weekday", wd, "start",
			                                hhmm(c->week[wd].iv[i].start_min, a), "end",
			                                hhmm(c->week[wd].iv[i].end_min, b)));
		}
	json_object_set_new(o, "hours", hours);
	return o;
}

int calendar_store_create(struct db *db, const struct actor *a, int64_t now, const struct calendar_input *in,
                          int64_t *id, struct kf_error *err)
{
	struct calendar c;
	int rc = input_check(in, 1, &c, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_query_int(db, &q_cal_insert, DB_ARGS(db_text(in->name), db_text(in->time_zone), db_int(now)),
	                  id, err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "name", "a calendar with this name already exists");
	if (rc == 0)
		rc = write_hours(db, *id, &c, err);
	if (rc == 0)
		rc = desk_store_audit(db, a, now, "calendar.create", "calendar", *id, input_audit(in, 1, &c),
		                      err);
	return desk_store_tx_end(db, rc, err);
}

/*
 * The rules of calendar id as they are before a change (*old, owned: free it), so that the change
 * can recompute the running SLA clocks on it (sla_clock_recompute).  KF_ENOTFOUND for no calendar.
 */
static int rules_before(struct db *db, int64_t id, struct calendar **old, struct kf_error *err)
{
	*old = xcalloc(1, sizeof(**old));
	return calendar_store_load(db, id, *old, err);
}

/* After the change: the running clocks follow the calendar's new rules. */
static int rules_changed(struct db *db, int64_t id, struct calendar *old, int64_t now, struct kf_error *err)
{
	int rc = sla_clock_recompute(db, id, old, now, err);
	free(old);
	return rc;
}

int calendar_store_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                          const struct calendar_input *in, struct kf_error *err)
{
	struct calendar *old = NULL;
	const char *name = input_name(in), *zone = input_zone(in);
	struct calendar c;
	int has_hours = (in->present & CALENDAR_HAS_HOURS) != 0;
	int rc = input_check(in, 0, &c, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = rules_before(db, id, &old, err);
	if (rc == KF_ENOTFOUND)
		rc = 0; /* stale_or_missing below says which */
	if (rc == 0)
		rc = db_exec(db, &q_cal_update,
		             DB_ARGS(db_int(id), db_int(version), db_text(name), db_text(zone), db_int(now)),
		             err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "name", "a calendar with this name already exists");
	if (rc == 0)
		rc = desk_store_stale_or_missing(db, &q_cal_exists, id, "calendar", err);
	if (rc > 0 && has_hours)
		rc = write_hours(db, id, &c, err);
	if (rc >= 0 && (has_hours || zone))
		rc = rules_changed(db, id, old, now, err);
	else
		free(old);
	if (rc >= 0)
		rc = desk_store_audit(db, a, now, "calendar.update", "calendar", id,
		                      input_audit(in, has_hours, &c), err);
	return desk_store_tx_end(db, rc, err);
}

/*
 * KF_ECONFLICT "in_use" with the first reason calendar id cannot go: the
 * default calendar, a policy's, a team's, or the SLA clocks of tickets
 * (which keep computing on it).
 */
static int calendar_in_use(struct db *db, int64_t id, struct kf_error *err)
{
	static struct {
		struct db_sql *q;
		const char *why;
	} const uses[] = {
		{ &q_cal_used, "an SLA policy uses the calendar; point the policy at another calendar first" },
		{ &q_cal_used_team, "a team uses the calendar; change the team's calendar first" },
		{ &q_cal_used_clock, "the SLA clocks of tickets run on the calendar" },
	};
	if (id == desk_settings_get(db, "default_calendar_id", 1))
		return kf_fail(
		        err, KF_ECONFLICT, "in_use", NULL,
		        "the calendar is the default calendar; choose another default in the settings first");
	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++) {
		int64_t n = 0;
		int rc = db_query_int(db, uses[i].q, DB_ARGS(db_int(id)), &n, err);
		if (rc < 0)
			return rc;
		if (n > 0)
			return kf_fail(err, KF_ECONFLICT, "in_use", NULL, "%s", uses[i].why);
	}
	return 0;
}

int calendar_store_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = calendar_store_exists(db, id, "id", err);
	if (rc == KF_EINVAL)
		rc = desk_store_not_found(err, "calendar");
	if (rc == 0)
		rc = calendar_in_use(db, id, err);
	if (rc == 0)
		rc = db_exec(db, &q_hours_clear, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_dates_clear, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_cal_delete, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = desk_store_audit(db, a, now, "calendar.delete", "calendar", id, NULL, err);
	return desk_store_tx_end(db, rc, err);
}

static int holiday_check(const struct calendar_holiday_input *in, int64_t *day, struct kf_error *err)
{
	const char *kind = in->kind ? in->kind : "holiday";
	if (!in->date)
		return kf_fail(err, KF_EINVAL, "required", "date", "date is required");
	int rc = in->name ? desk_store_check_text("name", in->name, DESK_NAME_MAX_CHARS, err) : 0;
	if (rc >= 0)
		rc = calendar_parse_date(in->date, day, err);
	if (rc >= 0 && strcmp(kind, "holiday") != 0 && strcmp(kind, "workday") != 0)
		rc = kf_fail(err, KF_EINVAL, "invalid", "kind", "kind must be holiday or workday");
	return rc < 0 ? rc : 0;
}

/* The audit record names what was given, as the request did. */
static json_t *holiday_audit(const struct calendar_holiday_input *in)
{
	json_t *o = json_pack("{s:s}", "date", in->date);
	if (in->kind)
		json_object_set_new(o, "kind", json_string(in->kind));
	if (in->name)
		json_object_set_new(o, "name", json_string(in->name));
	return o;
}

static int holiday_insert(struct db *db, int64_t cal_id, const struct calendar_holiday_input *in, int64_t *id,
                          struct kf_error *err)
{
	int64_t n = 0;
	int rc = db_query_int(db, &q_date_count, DB_ARGS(db_int(cal_id)), &n, err);
	if (rc == 0 && n >= CALENDAR_MAX_HOLIDAYS)
		rc = kf_fail(err, KF_ECONFLICT, "too_many", "date", "a calendar holds at most %d dates",
		             CALENDAR_MAX_HOLIDAYS);
	if (rc == 0)
		rc = db_query_int(db, &q_date_insert,
		                  DB_ARGS(db_int(cal_id), db_text(in->date),
		                          db_text(in->kind ? in->kind : "holiday"),
		                          db_text(in->name ? in->name : "")),
		                  id, err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "date", "the calendar already has this date");
	return rc;
}

int calendar_store_holiday_add(struct db *db, const struct actor *a, int64_t now, int64_t cal_id,
                               const struct calendar_holiday_input *in, int64_t *id, struct kf_error *err)
{
	int64_t day;
	int rc = holiday_check(in, &day, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	struct calendar *old = NULL;
	rc = rules_before(db, cal_id, &old, err);
	if (rc == 0)
		rc = db_exec(db, &q_cal_bump, DB_ARGS(db_int(cal_id), db_int(now)), err);
	if (rc == 0)
		rc = desk_store_not_found(err, "calendar");
	if (rc > 0)
		rc = holiday_insert(db, cal_id, in, id, err);
	if (rc == 0) {
		rc = rules_changed(db, cal_id, old, now, err);
		old = NULL;
	}
	free(old);
	if (rc == 0)
		rc = desk_store_audit(db, a, now, "calendar.holiday_add", "calendar", cal_id,
		                      holiday_audit(in), err);
	return desk_store_tx_end(db, rc, err);
}

int calendar_store_holiday_delete(struct db *db, const struct actor *a, int64_t now, int64_t cal_id,
                                  int64_t id, struct kf_error *err)
{
	struct calendar *old = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = rules_before(db, cal_id, &old, err);
	if (rc == KF_ENOTFOUND)
		rc = desk_store_not_found(err, "holiday");
	if (rc == 0)
		rc = db_exec(db, &q_date_delete, DB_ARGS(db_int(id), db_int(cal_id)), err);
	if (rc == 0)
		rc = desk_store_not_found(err, "holiday");
	if (rc > 0)
		rc = db_exec(db, &q_cal_bump, DB_ARGS(db_int(cal_id), db_int(now)), err);
	if (rc >= 0) {
		rc = rules_changed(db, cal_id, old, now, err);
		old = NULL;
	}
	free(old);
	if (rc >= 0)
		rc = desk_store_audit(db, a, now, "calendar.holiday_delete", "calendar", cal_id,
		                      json_pack("{s:I}", "holiday_id", (json_int_t)id), err);
	return desk_store_tx_end(db, rc, err);
}

int calendar_store_exists(struct db *db, int64_t id, const char *field, struct kf_error *err)
{
	return desk_store_exists(db, &q_cal_exists, id, field, "calendar", err);
}
