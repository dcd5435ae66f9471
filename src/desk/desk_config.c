/*
 * desk_config.c - see desk_config.h.
 */
#include "desk/desk_config.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/textlen.h"
#include "base/tz.h"
#include "base/xalloc.h"
#include "desk/sla_clock.h"
#include "store/db.h"

#define NAME_MAX_CHARS 128 /* characters of a calendar, holiday, policy or team name */

/* --- SQL ------------------------------------------------------------------- */

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

static struct db_sql q_pol_all = DB_SQL(
        "SELECT id, name, ticket_type, priority, customer_tier, first_response_s, next_response_s, resolution_s,"
        " sunset, calendar_id, rank, version FROM sla_policies WHERE id > $1 ORDER BY id LIMIT $2");
static struct db_sql q_pol_one = DB_SQL(
        "SELECT id, name, ticket_type, priority, customer_tier, first_response_s, next_response_s, resolution_s,"
        " sunset, calendar_id, rank, version FROM sla_policies WHERE id = $1");
static struct db_sql q_pol_insert = DB_SQL(
        "INSERT INTO sla_policies (name, ticket_type, priority, customer_tier, first_response_s, next_response_s,"
        " resolution_s, sunset, calendar_id, rank, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id");
static struct db_sql q_pol_update = DB_SQL(
        "UPDATE sla_policies SET name = $3, ticket_type = $4, priority = $5, customer_tier = $6,"
        " first_response_s = $7, next_response_s = $8, resolution_s = $9, sunset = $10, calendar_id = $11,"
        " rank = $12, updated_at = $13, version = version + 1 WHERE id = $1 AND version = $2");
static struct db_sql q_pol_delete = DB_SQL("DELETE FROM sla_policies WHERE id = $1");
static struct db_sql q_pol_count = DB_SQL("SELECT COUNT(*) FROM sla_policies");

static struct db_sql q_team_one = DB_SQL(
        "SELECT id, name, manager_id, calendar_id, mode, version FROM teams WHERE id = $1");
static struct db_sql q_team_list = DB_SQL(
        "SELECT id, name, manager_id, calendar_id, mode, version FROM teams WHERE id > $1 ORDER BY id LIMIT $2");
static struct db_sql q_team_members = DB_SQL(
        "SELECT m.user_id, u.username, m.languages, m.category_ids, m.active FROM team_members m"
        " JOIN users u ON u.id = m.user_id WHERE m.team_id = $1 ORDER BY m.user_id");
static struct db_sql q_team_insert = DB_SQL(
        "INSERT INTO teams (name, manager_id, calendar_id, mode, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id");
static struct db_sql q_team_update = DB_SQL(
        "UPDATE teams SET name = $3, manager_id = $4, calendar_id = $5, mode = $6, updated_at = $7,"
        " version = version + 1 WHERE id = $1 AND version = $2");
static struct db_sql q_team_bump = DB_SQL(
        "UPDATE teams SET version = version + 1, updated_at = $2 WHERE id = $1");
static struct db_sql q_team_delete = DB_SQL("DELETE FROM teams WHERE id = $1");
static struct db_sql q_team_exists = DB_SQL("SELECT id FROM teams WHERE id = $1");
/* tickets_team (team_id, state, updated_at, id) answers this at once. */
static struct db_sql q_team_used = DB_SQL(
        "SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE team_id = $1 LIMIT 1) x");
static struct db_sql q_members_clear = DB_SQL("DELETE FROM team_members WHERE team_id = $1");
static struct db_sql q_routing_clear = DB_SQL("DELETE FROM routing_state WHERE team_id = $1");
static struct db_sql q_member_put = DB_SQL(
        "INSERT INTO team_members (team_id, user_id, languages, category_ids, active) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (team_id, user_id) DO UPDATE SET languages = excluded.languages,"
        " category_ids = excluded.category_ids, active = excluded.active");
static struct db_sql q_member_delete = DB_SQL("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2");
static struct db_sql q_user_exists = DB_SQL("SELECT id FROM users WHERE id = $1");

static struct db_sql q_setting = DB_SQL("SELECT value FROM desk_settings WHERE key = $1");
static struct db_sql q_setting_put = DB_SQL(
        "INSERT INTO desk_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");

/* --- helpers ---------------------------------------------------------------- */

static int tx_end(struct db *db, int rc, struct kf_error *err)
{
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

static int not_found(struct kf_error *err, const char *what)
{
	return kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "no such %s", what);
}

/* After an UPDATE ... AND version = $2 changed nothing: gone, or changed by someone else. */
static int stale_or_missing(struct db *db, struct db_sql *exists, int64_t id, const char *what,
                            struct kf_error *err)
{
	int64_t v;
	int rc = db_query_int(db, exists, DB_ARGS(db_int(id)), &v, err);
	if (rc == KF_ENOTFOUND)
		return not_found(err, what);
	if (rc < 0)
		return rc;
	return kf_fail(err, KF_ESTALE, "stale", NULL,
	               "the %s was changed by someone else; reload and try again", what);
}

static int exists(struct db *db, struct db_sql *q, int64_t id, const char *field, const char *what,
                  struct kf_error *err)
{
	int64_t v;
	int rc = db_query_int(db, q, DB_ARGS(db_int(id)), &v, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_EINVAL, "unknown", field, "%s names no %s", field, what);
	return rc < 0 ? rc : 0;
}

static int audit(struct db *db, const struct actor *a, int64_t now, const char *action, const char *type,
                 int64_t id, json_t *after, struct kf_error *err)
{
	int rc = audit_record(db, a, now, action, type, id, NULL, after, err);
	json_decref(after);
	return rc;
}

int64_t desk_setting(struct db *db, const char *key, int64_t def)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t v;
	return db_query_int(db, &q_setting, DB_ARGS(db_text(key)), &v, &err) == 0 ? v : def;
}

/* --- calendars ----------------------------------------------------------------- */

static int parse_hhmm(const char *s, int *out)
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

int calendar_parse_hours(json_t *hours, struct calendar *c, struct kf_error *err)
{
	static const char *const keys[] = { "weekday", "start", "end", NULL };
	memset(c->week, 0, sizeof(c->week));
	if (!json_is_array(hours))
		return kf_fail(err, KF_EINVAL, "type", "hours",
		               "hours must be an array of {weekday, start, end}");
	size_t i;
	json_t *h;
	json_array_foreach(hours, i, h)
	{
		int64_t wd;
		const char *s = NULL, *e = NULL;
		int sm, em;
		if (!json_is_object(h))
			return kf_fail(err, KF_EINVAL, "type", "hours",
			               "hours must be an array of {weekday, start, end}");
		int rc = json_only_keys(h, keys, err);
		if (rc == 0)
			rc = json_get_int(h, "weekday", 1, 0, 6, &wd, err);
		if (rc >= 0)
			rc = json_get_str(h, "start", 1, 5, &s, err);
		if (rc >= 0)
			rc = json_get_str(h, "end", 1, 5, &e, err);
		if (rc < 0)
			return rc;
		if (parse_hhmm(s, &sm) < 0 || parse_hhmm(e, &em) < 0)
			return kf_fail(err, KF_EINVAL, "invalid", "hours",
			               "start and end must be HH:MM (24:00 allowed)");
		rc = cal_add_hours(c, (int)wd, sm, em, err);
		if (rc < 0)
			return rc;
	}
	for (int wd = 0; wd < 7; wd++)
		if (c->week[wd].n > 0)
			return 0;
	return kf_fail(err, KF_EINVAL, "no_business_hours", "hours",
	               "a calendar needs at least one opening interval");
}

int calendar_load(struct db *db, int64_t id, struct calendar *c, struct kf_error *err)
{
	struct db_rows *r = NULL;
	memset(c, 0, sizeof(*c));
	if (id == 0)
		id = desk_setting(db, "default_calendar_id", 1);
	int rc = db_query(db, &q_cal_row, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 0)
		rc = not_found(err, "calendar");
	if (rc > 0)
		rc = tz_load(db_col_text(r, 1), &c->tz, err);
	db_done(r);
	r = NULL;
	if (rc >= 0)
		rc = db_query(db, &q_cal_hours, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		rc = cal_add_hours(c, (int)db_col_int(r, 0), (int)db_col_int(r, 1), (int)db_col_int(r, 2), err);
	db_done(r);
	r = NULL;
	if (rc >= 0)
		rc = db_query(db, &q_cal_dates, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		rc = cal_add_date(c, db_col_text(r, 1),
		                  strcmp(db_col_text(r, 2), "workday") == 0 ? CAL_WORKDAY : CAL_HOLIDAY, err);
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

int calendar_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*out = NULL;
	int rc = db_query(db, &q_cal_row, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 0)
		rc = not_found(err, "calendar");
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

int calendar_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last, struct kf_error *err)
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

/* The fields of a calendar body; hours default to Monday-Friday 09:00-18:00 on create. */
static int read_calendar(json_t *body, int create, const char **name, const char **zone, struct calendar *c,
                         int *has_hours, struct kf_error *err)
{
	static const char *const keys[] = { "name", "time_zone", "hours", NULL };
	const struct tz *z;
	int rc = json_only_keys(body, keys, err);
	if (rc == 0 && create)
		rc = json_require(body, (const char *const[]){ "name", "time_zone", NULL }, err);
	if (rc == 0)
		rc = json_get_text(body, "name", create, NAME_MAX_CHARS, name, err);
	if (rc >= 0)
		rc = json_get_str(body, "time_zone", create, TZ_NAME_MAX - 1, zone, err);
	if (rc >= 0 && *zone)
		rc = tz_load(*zone, &z, err);
	if (rc < 0)
		return rc;
	json_t *h = json_object_get(body, "hours");
	*has_hours = h && !json_is_null(h);
	if (*has_hours)
		return calendar_parse_hours(h, c, err);
	memset(c->week, 0, sizeof(c->week));
	for (int wd = 1; create && wd <= 5; wd++)
		cal_add_hours(c, wd, 9 * 60, 18 * 60, err);
	*has_hours = create;
	return 0;
}

int calendar_create(struct db *db, const struct actor *a, int64_t now, json_t *body, int64_t *id,
                    struct kf_error *err)
{
	const char *name = NULL, *zone = NULL;
	struct calendar c;
	int has_hours;
	int rc = read_calendar(body, 1, &name, &zone, &c, &has_hours, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_query_int(db, &q_cal_insert, DB_ARGS(db_text(name), db_text(zone), db_int(now)), id, err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "name", "a calendar with this name already exists");
	if (rc == 0)
		rc = write_hours(db, *id, &c, err);
	if (rc == 0)
		rc = audit(db, a, now, "calendar.create", "calendar", *id, json_deep_copy(body), err);
	return tx_end(db, rc, err);
}

/*
 * The rules of calendar id as they are before a change (*old, owned: free it), so that the change
 * can recompute the running SLA clocks on it (sla_clock_recompute).  KF_ENOTFOUND for no calendar.
 */
static int rules_before(struct db *db, int64_t id, struct calendar **old, struct kf_error *err)
{
	*old = xcalloc(1, sizeof(**old));
	return calendar_load(db, id, *old, err);
}

/* After the change: the running clocks follow the calendar's new rules. */
static int rules_changed(struct db *db, int64_t id, struct calendar *old, int64_t now, struct kf_error *err)
{
	int rc = sla_clock_recompute(db, id, old, now, err);
	free(old);
	return rc;
}

int calendar_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                    json_t *body, struct kf_error *err)
{
	struct calendar *old = NULL;
	const char *name = NULL, *zone = NULL;
	struct calendar c;
	int has_hours;
	int rc = read_calendar(body, 0, &name, &zone, &c, &has_hours, err);
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
		rc = stale_or_missing(db, &q_cal_exists, id, "calendar", err);
	if (rc > 0 && has_hours)
		rc = write_hours(db, id, &c, err);
	if (rc >= 0 && (has_hours || zone))
		rc = rules_changed(db, id, old, now, err);
	else
		free(old);
	if (rc >= 0)
		rc = audit(db, a, now, "calendar.update", "calendar", id, json_deep_copy(body), err);
	return tx_end(db, rc, err);
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
	if (id == desk_setting(db, "default_calendar_id", 1))
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

int calendar_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = exists(db, &q_cal_exists, id, "id", "calendar", err);
	if (rc == KF_EINVAL)
		rc = not_found(err, "calendar");
	if (rc == 0)
		rc = calendar_in_use(db, id, err);
	if (rc == 0)
		rc = db_exec(db, &q_hours_clear, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_dates_clear, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_cal_delete, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = audit(db, a, now, "calendar.delete", "calendar", id, NULL, err);
	return tx_end(db, rc, err);
}

int calendar_holiday_add(struct db *db, const struct actor *a, int64_t now, int64_t cal_id, json_t *body,
                         int64_t *id, struct kf_error *err)
{
	static const char *const keys[] = { "date", "kind", "name", NULL };
	const char *date = NULL, *kind = "holiday", *name = "";
	int64_t day, n = 0;
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = json_get_str(body, "date", 1, 10, &date, err);
	if (rc >= 0)
		rc = json_get_str(body, "kind", 0, 16, &kind, err);
	if (rc >= 0)
		rc = json_get_text(body, "name", 0, NAME_MAX_CHARS, &name, err);
	if (rc >= 0)
		rc = cal_parse_date(date, &day, err);
	if (rc >= 0 && strcmp(kind, "holiday") != 0 && strcmp(kind, "workday") != 0)
		rc = kf_fail(err, KF_EINVAL, "invalid", "kind", "kind must be holiday or workday");
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
		rc = not_found(err, "calendar");
	if (rc > 0)
		rc = db_query_int(db, &q_date_count, DB_ARGS(db_int(cal_id)), &n, err);
	if (rc == 0 && n >= CAL_MAX_HOLIDAYS)
		rc = kf_fail(err, KF_ECONFLICT, "too_many", "date", "a calendar holds at most %d dates",
		             CAL_MAX_HOLIDAYS);
	if (rc == 0)
		rc = db_query_int(db, &q_date_insert,
		                  DB_ARGS(db_int(cal_id), db_text(date), db_text(kind), db_text(name)), id,
		                  err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "date", "the calendar already has this date");
	if (rc == 0) {
		rc = rules_changed(db, cal_id, old, now, err);
		old = NULL;
	}
	free(old);
	if (rc == 0)
		rc = audit(db, a, now, "calendar.holiday_add", "calendar", cal_id, json_deep_copy(body), err);
	return tx_end(db, rc, err);
}

int calendar_holiday_delete(struct db *db, const struct actor *a, int64_t now, int64_t cal_id, int64_t id,
                            struct kf_error *err)
{
	struct calendar *old = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = rules_before(db, cal_id, &old, err);
	if (rc == KF_ENOTFOUND)
		rc = not_found(err, "holiday");
	if (rc == 0)
		rc = db_exec(db, &q_date_delete, DB_ARGS(db_int(id), db_int(cal_id)), err);
	if (rc == 0)
		rc = not_found(err, "holiday");
	if (rc > 0)
		rc = db_exec(db, &q_cal_bump, DB_ARGS(db_int(cal_id), db_int(now)), err);
	if (rc >= 0) {
		rc = rules_changed(db, cal_id, old, now, err);
		old = NULL;
	}
	free(old);
	if (rc >= 0)
		rc = audit(db, a, now, "calendar.holiday_delete", "calendar", cal_id,
		           json_pack("{s:I}", "holiday_id", (json_int_t)id), err);
	return tx_end(db, rc, err);
}

/* --- policies ---------------------------------------------------------------- */

static void copy_col(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static void policy_row(struct db_rows *r, struct sla_policy *p, char *name, size_t name_n, int64_t *version)
{
	memset(p, 0, sizeof(*p));
	p->id = db_col_int(r, 0);
	if (name)
		copy_col(name, name_n, db_col_text(r, 1));
	copy_col(p->ticket_type, sizeof(p->ticket_type), db_col_text(r, 2));
	copy_col(p->priority, sizeof(p->priority), db_col_text(r, 3));
	copy_col(p->customer_tier, sizeof(p->customer_tier), db_col_text(r, 4));
	p->first_response_s = db_col_int(r, 5);
	p->next_response_s = db_col_int(r, 6);
	p->resolution_s = db_col_int(r, 7);
	p->sunset = (int)db_col_int(r, 8);
	p->calendar_id = db_col_int(r, 9);
	p->rank = (int)db_col_int(r, 10);
	if (version)
		*version = db_col_int(r, 11);
}

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

json_t *policy_to_json(const struct sla_policy *p, const char *name)
{
	return json_pack("{s:I,s:s,s:o,s:o,s:o,s:I,s:I,s:I,s:b,s:I,s:i}", "id", (json_int_t)p->id, "name",
	                 name, "ticket_type", str_or_null(p->ticket_type), "priority",
	                 str_or_null(p->priority), "customer_tier", str_or_null(p->customer_tier),
	                 "first_response_s", (json_int_t)p->first_response_s, "next_response_s",
	                 (json_int_t)p->next_response_s, "resolution_s", (json_int_t)p->resolution_s,
	                 "sunset", p->sunset, "calendar_id", (json_int_t)p->calendar_id, "rank", p->rank);
}

int policy_load_all(struct db *db, struct sla_policy *out, int max, int *n, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*n = 0;
	int rc = db_query(db, &q_pol_all, DB_ARGS(db_int(0), db_int(max)), &r, err);
	while (rc >= 0 && *n < max && (rc = db_next(r, err)) == 1)
		policy_row(r, &out[(*n)++], NULL, 0, NULL);
	db_done(r);
	return rc < 0 ? rc : 0;
}

int policy_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	*last = 0;
	int rc = db_query(db, &q_pol_all, DB_ARGS(db_int(after), db_int(limit)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		struct sla_policy p;
		char name[TEXTLEN_BYTES(NAME_MAX_CHARS)];
		int64_t v;
		policy_row(r, &p, name, sizeof(name), &v);
		json_t *j = policy_to_json(&p, name);
		json_object_set_new(j, "version", json_integer(v));
		json_array_append_new(*items, j);
		*last = p.id;
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static int policy_read(struct db *db, int64_t id, struct sla_policy *p, char *name, int64_t *version,
                       struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_pol_one, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 0)
		rc = not_found(err, "SLA policy");
	if (rc > 0)
		policy_row(r, p, name, TEXTLEN_BYTES(NAME_MAX_CHARS), version);
	db_done(r);
	return rc < 0 ? rc : 0;
}

int policy_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err)
{
	struct sla_policy p;
	char name[TEXTLEN_BYTES(NAME_MAX_CHARS)];
	int rc = policy_read(db, id, &p, name, version, err);
	if (rc < 0)
		return rc;
	*out = policy_to_json(&p, name);
	json_object_set_new(*out, "version", json_integer(*version));
	return 0;
}

static int one_of(const char *s, const char *const *allowed)
{
	if (s[0] == '\0')
		return 1;
	for (int i = 0; allowed[i]; i++)
		if (strcmp(s, allowed[i]) == 0)
			return 1;
	return 0;
}

static int get_choice(json_t *body, const char *key, const char *const *allowed, char *dst, size_t n,
                      struct kf_error *err)
{
	const char *s = NULL;
	int rc = json_get_str(body, key, 0, n - 1, &s, err);
	if (rc <= 0)
		return rc;
	if (!one_of(s, allowed))
		return kf_fail(err, KF_EINVAL, "invalid", key, "%s has a value that is not allowed", key);
	snprintf(dst, n, "%s", s);
	return 1;
}

static int get_target(json_t *body, const char *key, int64_t *v, struct kf_error *err)
{
	return json_get_int(body, key, 0, 0, 366LL * 86400, v, err);
}

/* Apply a policy body onto p (defaults on create). */
static int read_policy(struct db *db, json_t *body, int create, struct sla_policy *p, char *name,
                       struct kf_error *err)
{
	static const char *const keys[] = { "name",
		                            "ticket_type",
		                            "priority",
		                            "customer_tier",
		                            "first_response_s",
		                            "next_response_s",
		                            "resolution_s",
		                            "sunset",
		                            "calendar_id",
		                            "rank",
		                            NULL };
	static const char *const types[] = { "inquiry",    "complaint", "return", "claim",
		                             "suggestion", "follow_up", "care",   NULL };
	static const char *const prios[] = { "low", "normal", "high", "urgent", NULL };
	static const char *const tiers[] = { "A", "B", "C", NULL };
	const char *nm = NULL;
	int64_t cal = p->calendar_id, rank = p->rank;
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = json_get_text(body, "name", create, NAME_MAX_CHARS, &nm, err);
	if (rc > 0)
		snprintf(name, TEXTLEN_BYTES(NAME_MAX_CHARS), "%s", nm);
	if (rc >= 0)
		rc = get_choice(body, "ticket_type", types, p->ticket_type, sizeof(p->ticket_type), err);
	if (rc >= 0)
		rc = get_choice(body, "priority", prios, p->priority, sizeof(p->priority), err);
	if (rc >= 0)
		rc = get_choice(body, "customer_tier", tiers, p->customer_tier, sizeof(p->customer_tier), err);
	if (rc >= 0)
		rc = get_target(body, "first_response_s", &p->first_response_s, err);
	if (rc >= 0)
		rc = get_target(body, "next_response_s", &p->next_response_s, err);
	if (rc >= 0)
		rc = get_target(body, "resolution_s", &p->resolution_s, err);
	if (rc >= 0)
		rc = json_get_bool(body, "sunset", 0, &p->sunset, err);
	if (rc >= 0)
		rc = json_get_int(body, "calendar_id", 0, 1, INT64_MAX, &cal, err);
	if (rc >= 0)
		rc = json_get_int(body, "rank", 0, 0, 1000000, &rank, err);
	if (rc < 0)
		return rc;
	p->calendar_id = cal ? cal : desk_setting(db, "default_calendar_id", 1);
	p->rank = (int)rank;
	if (!p->sunset && p->first_response_s == 0 && p->resolution_s == 0)
		return kf_fail(err, KF_EINVAL, "no_target", "first_response_s",
		               "a policy needs a first-response or resolution target, or sunset");
	return exists(db, &q_cal_exists, p->calendar_id, "calendar_id", "calendar", err);
}

static struct db_arg opt_text(const char *s)
{
	return s[0] ? db_text(s) : db_null();
}

int policy_create(struct db *db, const struct actor *a, int64_t now, json_t *body, int64_t *id,
                  struct kf_error *err)
{
	struct sla_policy p;
	char name[TEXTLEN_BYTES(NAME_MAX_CHARS)] = "";
	memset(&p, 0, sizeof(p));
	p.rank = 100;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = read_policy(db, body, 1, &p, name, err);
	if (rc == 0)
		rc = db_query_int(db, &q_pol_insert,
		                  DB_ARGS(db_text(name), opt_text(p.ticket_type), opt_text(p.priority),
		                          opt_text(p.customer_tier), db_int(p.first_response_s),
		                          db_int(p.next_response_s), db_int(p.resolution_s), db_int(p.sunset),
		                          db_int(p.calendar_id), db_int(p.rank), db_int(now)),
		                  id, err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "name", "a policy with this name already exists");
	if (rc == 0) {
		p.id = *id;
		rc = audit(db, a, now, "sla_policy.create", "sla_policy", *id, policy_to_json(&p, name), err);
	}
	return tx_end(db, rc, err);
}

int policy_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                  json_t *body, struct kf_error *err)
{
	struct sla_policy p;
	char name[TEXTLEN_BYTES(NAME_MAX_CHARS)];
	int64_t stored;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = policy_read(db, id, &p, name, &stored, err);
	if (rc == 0 && stored != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the SLA policy was changed by someone else; reload and try again");
	if (rc == 0)
		rc = read_policy(db, body, 0, &p, name, err);
	if (rc == 0)
		rc = db_exec(db, &q_pol_update,
		             DB_ARGS(db_int(id), db_int(version), db_text(name), opt_text(p.ticket_type),
		                     opt_text(p.priority), opt_text(p.customer_tier), db_int(p.first_response_s),
		                     db_int(p.next_response_s), db_int(p.resolution_s), db_int(p.sunset),
		                     db_int(p.calendar_id), db_int(p.rank), db_int(now)),
		             err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "name", "a policy with this name already exists");
	if (rc == 0)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the SLA policy was changed by someone else; reload and try again");
	if (rc > 0)
		rc = audit(db, a, now, "sla_policy.update", "sla_policy", id, policy_to_json(&p, name), err);
	return tx_end(db, rc, err);
}

int policy_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	int64_t n = 0;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_query_int(db, &q_pol_count, DB_NOARGS, &n, err);
	if (rc == 0 && n <= 1)
		rc = kf_fail(err, KF_ECONFLICT, "last_policy", NULL, "the last SLA policy cannot be deleted");
	if (rc == 0)
		rc = db_exec(db, &q_pol_delete, DB_ARGS(db_int(id)), err);
	if (rc == 0)
		rc = not_found(err, "SLA policy");
	if (rc > 0)
		rc = audit(db, a, now, "sla_policy.delete", "sla_policy", id, NULL, err);
	return tx_end(db, rc, err);
}

/* --- teams ------------------------------------------------------------------- */

struct team_row {
	int64_t id, manager_id, calendar_id, version;
	char name[TEXTLEN_BYTES(NAME_MAX_CHARS)];
	char mode[16];
};

static void team_from_row(struct db_rows *r, struct team_row *t)
{
	t->id = db_col_int(r, 0);
	copy_col(t->name, sizeof(t->name), db_col_text(r, 1));
	t->manager_id = db_col_isnull(r, 2) ? 0 : db_col_int(r, 2);
	t->calendar_id = db_col_isnull(r, 3) ? 0 : db_col_int(r, 3);
	copy_col(t->mode, sizeof(t->mode), db_col_text(r, 4));
	t->version = db_col_int(r, 5);
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *team_to_json(const struct team_row *t)
{
	return json_pack("{s:I,s:s,s:o,s:o,s:s,s:I}", "id", (json_int_t)t->id, "name", t->name, "manager_id",
	                 id_or_null(t->manager_id), "calendar_id", id_or_null(t->calendar_id), "mode",
	                 t->mode, "version", (json_int_t)t->version);
}

static int team_read(struct db *db, int64_t id, struct team_row *t, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_team_one, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 0)
		rc = not_found(err, "team");
	if (rc > 0)
		team_from_row(r, t);
	db_done(r);
	return rc < 0 ? rc : 0;
}

int team_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	*last = 0;
	int rc = db_query(db, &q_team_list, DB_ARGS(db_int(after), db_int(limit)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		struct team_row t;
		team_from_row(r, &t);
		json_array_append_new(*items, team_to_json(&t));
		*last = t.id;
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

int team_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err)
{
	struct team_row t;
	struct db_rows *r = NULL;
	int rc = team_read(db, id, &t, err);
	if (rc < 0)
		return rc;
	*version = t.version;
	*out = team_to_json(&t);
	json_t *members = json_array();
	json_object_set_new(*out, "members", members);
	rc = db_query(db, &q_team_members, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_array_append_new(members,
		                      json_pack("{s:I,s:s,s:s,s:s,s:b}", "user_id",
		                                (json_int_t)db_col_int(r, 0), "username", db_col_text(r, 1),
		                                "languages", db_col_text(r, 2), "category_ids",
		                                db_col_text(r, 3), "active", (int)db_col_int(r, 4)));
	db_done(r);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc < 0 ? rc : 0;
}

static int read_team(struct db *db, json_t *body, int create, struct team_row *t, struct kf_error *err)
{
	static const char *const keys[] = { "name", "manager_id", "calendar_id", "mode", NULL };
	static const char *const modes[] = { "round_robin", "least_loaded", NULL };
	const char *nm = NULL;
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = json_get_text(body, "name", create, NAME_MAX_CHARS, &nm, err);
	if (rc > 0)
		snprintf(t->name, sizeof(t->name), "%s", nm);
	if (rc >= 0)
		rc = json_get_int(body, "manager_id", 0, 0, INT64_MAX, &t->manager_id, err);
	if (rc >= 0)
		rc = json_get_int(body, "calendar_id", 0, 0, INT64_MAX, &t->calendar_id, err);
	if (rc >= 0)
		rc = get_choice(body, "mode", modes, t->mode, sizeof(t->mode), err);
	if (rc >= 0 && t->mode[0] == '\0')
		snprintf(t->mode, sizeof(t->mode), "round_robin");
	if (rc >= 0 && t->manager_id)
		rc = exists(db, &q_user_exists, t->manager_id, "manager_id", "user", err);
	if (rc >= 0 && t->calendar_id)
		rc = exists(db, &q_cal_exists, t->calendar_id, "calendar_id", "calendar", err);
	return rc < 0 ? rc : 0;
}

static struct db_arg opt_id(int64_t id)
{
	return id ? db_int(id) : db_null();
}

int team_create(struct db *db, const struct actor *a, int64_t now, json_t *body, int64_t *id,
                struct kf_error *err)
{
	struct team_row t;
	memset(&t, 0, sizeof(t));
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = read_team(db, body, 1, &t, err);
	if (rc == 0)
		rc = db_query_int(db, &q_team_insert,
		                  DB_ARGS(db_text(t.name), opt_id(t.manager_id), opt_id(t.calendar_id),
		                          db_text(t.mode), db_int(now)),
		                  id, err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "name", "a team with this name already exists");
	if (rc == 0) {
		t.id = *id;
		t.version = 1;
		rc = audit(db, a, now, "team.create", "team", *id, team_to_json(&t), err);
	}
	return tx_end(db, rc, err);
}

int team_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version, json_t *body,
                struct kf_error *err)
{
	struct team_row t;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = team_read(db, id, &t, err);
	if (rc == 0 && t.version != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the team was changed by someone else; reload and try again");
	if (rc == 0)
		rc = read_team(db, body, 0, &t, err);
	if (rc == 0)
		rc = db_exec(db, &q_team_update,
		             DB_ARGS(db_int(id), db_int(version), db_text(t.name), opt_id(t.manager_id),
		                     opt_id(t.calendar_id), db_text(t.mode), db_int(now)),
		             err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "name", "a team with this name already exists");
	if (rc == 0)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the team was changed by someone else; reload and try again");
	if (rc > 0)
		rc = audit(db, a, now, "team.update", "team", id, team_to_json(&t), err);
	return tx_end(db, rc, err);
}

int team_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	int64_t used = 0;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = exists(db, &q_team_exists, id, "id", "team", err);
	if (rc == KF_EINVAL)
		rc = not_found(err, "team");
	if (rc == 0)
		rc = db_query_int(db, &q_team_used, DB_ARGS(db_int(id)), &used, err);
	if (rc == 0 && used > 0)
		rc = kf_fail(err, KF_ECONFLICT, "has_tickets", NULL,
		             "tickets belong to the team; move them to another team first");
	if (rc == 0)
		rc = db_exec(db, &q_members_clear, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_routing_clear, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_team_delete, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = audit(db, a, now, "team.delete", "team", id, NULL, err);
	return tx_end(db, rc, err);
}

/* "zh,en" or "1,5": comma-separated tokens of [a-z0-9]. */
static int skill_list_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == ','))
			return 0;
	return 1;
}

int team_member_put(struct db *db, const struct actor *a, int64_t now, int64_t team_id, int64_t user_id,
                    json_t *body, struct kf_error *err)
{
	static const char *const keys[] = { "languages", "category_ids", "active", NULL };
	const char *langs = "", *cats = "";
	int active = 1;
	int rc = body ? json_only_keys(body, keys, err) : 0;
	if (rc == 0 && body)
		rc = json_get_str(body, "languages", 0, 64, &langs, err);
	if (rc >= 0 && body)
		rc = json_get_str(body, "category_ids", 0, 512, &cats, err);
	if (rc >= 0 && body)
		rc = json_get_bool(body, "active", 0, &active, err);
	if (rc >= 0 && !skill_list_ok(langs))
		rc = kf_fail(err, KF_EINVAL, "invalid", "languages", "languages must look like zh,en");
	if (rc >= 0 && !skill_list_ok(cats))
		rc = kf_fail(err, KF_EINVAL, "invalid", "category_ids", "category_ids must look like 1,5");
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = exists(db, &q_user_exists, user_id, "user_id", "user", err);
	if (rc == KF_EINVAL)
		rc = not_found(err, "user");
	if (rc == 0)
		rc = db_exec(db, &q_team_bump, DB_ARGS(db_int(team_id), db_int(now)), err);
	if (rc == 0)
		rc = not_found(err, "team");
	if (rc > 0)
		rc = db_exec(db, &q_member_put,
		             DB_ARGS(db_int(team_id), db_int(user_id), db_text(langs), db_text(cats),
		                     db_int(active)),
		             err);
	if (rc >= 0)
		rc = audit(db, a, now, "team.member_put", "team", team_id,
		           json_pack("{s:I,s:s,s:s,s:b}", "user_id", (json_int_t)user_id, "languages", langs,
		                     "category_ids", cats, "active", active),
		           err);
	return tx_end(db, rc, err);
}

int team_member_delete(struct db *db, const struct actor *a, int64_t now, int64_t team_id, int64_t user_id,
                       struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_member_delete, DB_ARGS(db_int(team_id), db_int(user_id)), err);
	if (rc == 0)
		rc = not_found(err, "team member");
	if (rc > 0)
		rc = db_exec(db, &q_team_bump, DB_ARGS(db_int(team_id), db_int(now)), err);
	if (rc >= 0)
		rc = audit(db, a, now, "team.member_delete", "team", team_id,
		           json_pack("{s:I}", "user_id", (json_int_t)user_id), err);
	return tx_end(db, rc, err);
}

/* --- settings ------------------------------------------------------------------ */

/* The desk settings: key, default, range; is_calendar = the value names a calendar. */
static const struct {
	const char *key;
	int64_t def, min, max;
	int is_calendar;
} settings[] = {
	{ "followup_days", 2, 1, 60, 0 }, /* business days from a complaint's resolution to its follow-up */
	{ "winback_days", 90, 1, 3650, 0 }, /* days without an order before the win-back care ticket */
	{ "default_calendar_id", 1, 1, INT64_MAX, 1 }, /* policies without a calendar, and new teams */
};
#define SETTINGS_N (sizeof(settings) / sizeof(settings[0]))

json_t *desk_settings_json(struct db *db)
{
	json_t *out = json_object();
	for (size_t i = 0; i < SETTINGS_N; i++)
		json_object_set_new(out, settings[i].key,
		                    json_integer(desk_setting(db, settings[i].key, settings[i].def)));
	return out;
}

/* Check every given value before writing any: the whole change applies or nothing. */
static int settings_read(struct db *db, json_t *body, int64_t values[], struct kf_error *err)
{
	const char *keys[SETTINGS_N + 1];
	for (size_t i = 0; i < SETTINGS_N; i++)
		keys[i] = settings[i].key;
	keys[SETTINGS_N] = NULL;
	int rc = json_only_keys(body, keys, err);
	for (size_t i = 0; rc >= 0 && i < SETTINGS_N; i++) {
		values[i] = -1;
		rc = json_get_int(body, settings[i].key, 0, settings[i].min, settings[i].max, &values[i], err);
		if (rc > 0 && settings[i].is_calendar)
			rc = exists(db, &q_cal_exists, values[i], settings[i].key, "calendar", err);
	}
	return rc < 0 ? rc : 0;
}

int desk_settings_put(struct db *db, const struct actor *a, int64_t now, json_t *body, struct kf_error *err)
{
	int64_t values[SETTINGS_N];
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = settings_read(db, body, values, err);
	for (size_t i = 0; rc >= 0 && i < SETTINGS_N; i++)
		if (values[i] >= 0)
			rc = db_exec(db, &q_setting_put, DB_ARGS(db_text(settings[i].key), db_int(values[i])),
			             err);
	if (rc >= 0)
		rc = audit(db, a, now, "settings.update", "settings", 0, json_deep_copy(body), err);
	return tx_end(db, rc, err);
}
