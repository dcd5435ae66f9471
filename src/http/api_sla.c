/*
 * api_sla.c - business calendars (with holidays), SLA policies and the
 * preview of due times, a ticket's SLA clocks, teams and members, my
 * notifications, follow-up outcomes.  The domain is desk/desk_config.c,
 * desk/sla_clock.c and desk/followup.c; each handler parses, calls,
 * renders.
 */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/tz.h"
#include "base/xalloc.h"
#include "desk/calendar_store.h"
#include "desk/desk_settings.h"
#include "desk/desk_store.h"
#include "desk/sla_policy.h"
#include "desk/team.h"
#include "desk/followup.h"
#include "desk/sla_clock.h"
#include "http/api.h"
#include "http/api_sla.h"

typedef int (*list_fn)(struct db *db, int64_t after, int limit, json_t **items, int64_t *last,
                       struct kf_error *err);
typedef int (*get_fn)(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
typedef int (*delete_fn)(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);

/* --- the generic resource shapes ------------------------------------------------- */

static int do_list(struct req *req, struct resp *resp, list_fn fn)
{
	struct kf_error err = KF_ERROR_INIT;
	int limit;
	int64_t after, last;
	json_t *items = NULL;
	if (req_page(req, resp, &limit, &after) < 0)
		return 0;
	if (fn(req->db, after, limit, &items, &last, &err) < 0) {
		json_decref(items);
		return reply_kf(resp, &err);
	}
	return reply_page(resp, items, limit, last);
}

static int render(struct req *req, struct resp *resp, get_fn fn, int64_t id, int status)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *out = NULL;
	int64_t version;
	if (fn(req->db, id, &out, &version, &err) < 0)
		return reply_kf(resp, &err);
	reply_etag(resp, version);
	return reply_json(resp, status, out);
}

static int do_get(struct req *req, struct resp *resp, get_fn fn)
{
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	return render(req, resp, fn, id, 200);
}

static int do_delete(struct req *req, struct resp *resp, delete_fn fn)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (fn(req->db, &a, req->now, id, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 204, NULL);
}

/* --- calendars: the request body, field by field as the API has always checked it --- */

static int hours_entry(json_t *h, struct calendar *c, struct kf_error *err)
{
	static const char *const keys[] = { "weekday", "start", "end", NULL };
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
	if (calendar_store_parse_hhmm(s, &sm) < 0 || calendar_store_parse_hhmm(e, &em) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "hours",
		               "start and end must be HH:MM (24:00 allowed)");
	return calendar_add_hours(c, (int)wd, sm, em, err);
}

/* A "hours" array into in->week; 0 or KF_EINVAL naming "hours". */
static int hours_parse(json_t *hours, struct calendar_input *in, struct kf_error *err)
{
	struct calendar *c = xcalloc(1, sizeof(*c));
	size_t i;
	json_t *h;
	int rc = json_is_array(hours)
	        ? 0
	        : kf_fail(err, KF_EINVAL, "type", "hours", "hours must be an array of {weekday, start, end}");
	json_array_foreach(hours, i, h)
	{
		if (rc < 0)
			break;
		rc = hours_entry(h, c, err);
	}
	memcpy(in->week, c->week, sizeof(in->week));
	free(c);
	for (int wd = 0; rc >= 0 && wd < 7; wd++)
		if (in->week[wd].n > 0)
			return 0;
	return rc < 0 ? rc
	              : kf_fail(err, KF_EINVAL, "no_business_hours", "hours",
	                        "a calendar needs at least one opening interval");
}

static int calendar_flag(int rc, unsigned bit, struct calendar_input *in)
{
	if (rc > 0)
		in->present |= bit;
	return rc;
}

static int calendar_parse(json_t *body, int create, struct calendar_input *in, struct kf_error *err)
{
	static const char *const keys[] = { "name", "time_zone", "hours", NULL };
	const struct tz *z;
	*in = (struct calendar_input){ 0 };
	int rc = json_only_keys(body, keys, err);
	if (rc == 0 && create)
		rc = json_require(body, (const char *const[]){ "name", "time_zone", NULL }, err);
	if (rc == 0)
		rc = calendar_flag(json_get_text(body, "name", create, DESK_NAME_MAX_CHARS, &in->name, err),
		                   CALENDAR_HAS_NAME, in);
	if (rc >= 0)
		rc = calendar_flag(json_get_str(body, "time_zone", create, TZ_NAME_MAX - 1, &in->time_zone, err),
		                   CALENDAR_HAS_TIME_ZONE, in);
	if (rc >= 0 && in->time_zone)
		rc = tz_load(in->time_zone, &z, err);
	if (rc < 0)
		return rc;
	json_t *h = json_object_get(body, "hours");
	if (!h || json_is_null(h))
		return 0;
	in->present |= CALENDAR_HAS_HOURS;
	return hours_parse(h, in, err);
}

int api_calendars_list(struct req *req, struct resp *resp)
{
	return do_list(req, resp, calendar_store_list);
}

int api_calendars_create(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct calendar_input in;
	int64_t id;
	if (req_json(req, resp) < 0)
		return 0;
	if (calendar_parse(req->json, 1, &in, &err) < 0 ||
	    calendar_store_create(req->db, &a, req->now, &in, &id, &err) < 0)
		return reply_kf(resp, &err);
	return render(req, resp, calendar_store_get, id, 201);
}

int api_calendars_get(struct req *req, struct resp *resp)
{
	return do_get(req, resp, calendar_store_get);
}

int api_calendars_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct calendar_input in;
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (calendar_parse(req->json, 0, &in, &err) < 0 ||
	    calendar_store_update(req->db, &a, req->now, id, version, &in, &err) < 0)
		return reply_kf(resp, &err);
	return render(req, resp, calendar_store_get, id, 200);
}

int api_calendars_delete(struct req *req, struct resp *resp)
{
	return do_delete(req, resp, calendar_store_delete);
}

/* The request body of a holiday, field by field as the API has always checked it. */
static int holiday_parse(json_t *body, struct calendar_holiday_input *in, struct kf_error *err)
{
	static const char *const keys[] = { "date", "kind", "name", NULL };
	*in = (struct calendar_holiday_input){ 0 };
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = json_get_str(body, "date", 1, 10, &in->date, err);
	if (rc >= 0)
		rc = json_get_str(body, "kind", 0, 16, &in->kind, err);
	if (rc >= 0)
		rc = json_get_text(body, "name", 0, DESK_NAME_MAX_CHARS, &in->name, err);
	return rc < 0 ? rc : 0;
}

int api_calendar_holidays_add(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id, hid;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	struct calendar_holiday_input in;
	if (holiday_parse(req->json, &in, &err) < 0 ||
	    calendar_store_holiday_add(req->db, &a, req->now, id, &in, &hid, &err) < 0)
		return reply_kf(resp, &err);
	return render(req, resp, calendar_store_get, id, 201);
}

int api_calendar_holidays_delete(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id, hid;
	if (req_param_id(req, resp, "id", &id) < 0 || req_param_id(req, resp, "hid", &hid) < 0)
		return 0;
	if (calendar_store_holiday_delete(req->db, &a, req->now, id, hid, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 204, NULL);
}

/* --- SLA policies: the request body, field by field as the API has always checked it --- */

static int policy_flag(int rc, unsigned bit, struct sla_policy_input *in)
{
	if (rc > 0)
		in->present |= bit;
	return rc;
}

static int policy_target(json_t *body, const char *key, unsigned bit, int64_t *v, struct sla_policy_input *in,
                         struct kf_error *err)
{
	return policy_flag(json_get_int(body, key, 0, 0, 366LL * 86400, v, err), bit, in);
}

static int policy_choices(json_t *body, struct sla_policy_input *in, char buf[3][SLA_FIELD_MAX],
                          struct kf_error *err)
{
	static const char *const types[] = { "inquiry",    "complaint", "return", "claim",
		                             "suggestion", "follow_up", "care",   NULL };
	static const char *const prios[] = { "low", "normal", "high", "urgent", NULL };
	static const char *const tiers[] = { "A", "B", "C", NULL };
	int rc = policy_flag(desk_store_get_choice(body, "ticket_type", types, buf[0], SLA_FIELD_MAX, err),
	                     SLA_POLICY_HAS_TICKET_TYPE, in);
	if (rc >= 0)
		rc = policy_flag(desk_store_get_choice(body, "priority", prios, buf[1], SLA_FIELD_MAX, err),
		                 SLA_POLICY_HAS_PRIORITY, in);
	if (rc >= 0)
		rc = policy_flag(desk_store_get_choice(body, "customer_tier", tiers, buf[2], 2, err),
		                 SLA_POLICY_HAS_CUSTOMER_TIER, in);
	in->ticket_type = buf[0];
	in->priority = buf[1];
	in->customer_tier = buf[2];
	return rc;
}

static int policy_parse(json_t *body, int create, struct sla_policy_input *in, char buf[3][SLA_FIELD_MAX],
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
	*in = (struct sla_policy_input){ 0 };
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = policy_flag(json_get_text(body, "name", create, DESK_NAME_MAX_CHARS, &in->name, err),
		                 SLA_POLICY_HAS_NAME, in);
	if (rc >= 0)
		rc = policy_choices(body, in, buf, err);
	if (rc >= 0)
		rc = policy_target(body, "first_response_s", SLA_POLICY_HAS_FIRST_RESPONSE,
		                   &in->first_response_s, in, err);
	if (rc >= 0)
		rc = policy_target(body, "next_response_s", SLA_POLICY_HAS_NEXT_RESPONSE,
		                   &in->next_response_s, in, err);
	if (rc >= 0)
		rc = policy_target(body, "resolution_s", SLA_POLICY_HAS_RESOLUTION, &in->resolution_s, in, err);
	if (rc >= 0)
		rc = policy_flag(json_get_bool(body, "sunset", 0, &in->sunset, err), SLA_POLICY_HAS_SUNSET, in);
	if (rc >= 0)
		rc = policy_flag(json_get_int(body, "calendar_id", 0, 1, INT64_MAX, &in->calendar_id, err),
		                 SLA_POLICY_HAS_CALENDAR, in);
	if (rc >= 0)
		rc = policy_flag(json_get_int(body, "rank", 0, 0, 1000000, &in->rank, err),
		                 SLA_POLICY_HAS_RANK, in);
	return rc < 0 ? rc : 0;
}

/* --- policies and clocks ------------------------------------------------------------ */

int api_sla_policies_list(struct req *req, struct resp *resp)
{
	return do_list(req, resp, sla_policy_list);
}

int api_sla_policies_create(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct sla_policy_input in;
	char buf[3][SLA_FIELD_MAX] = { "" };
	int64_t id;
	if (req_json(req, resp) < 0)
		return 0;
	if (policy_parse(req->json, 1, &in, buf, &err) < 0 ||
	    sla_policy_create(req->db, &a, req->now, &in, &id, &err) < 0)
		return reply_kf(resp, &err);
	return render(req, resp, sla_policy_get, id, 201);
}

int api_sla_policies_get(struct req *req, struct resp *resp)
{
	return do_get(req, resp, sla_policy_get);
}

int api_sla_policies_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct sla_policy_input in;
	char buf[3][SLA_FIELD_MAX] = { "" };
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (policy_parse(req->json, 0, &in, buf, &err) < 0 ||
	    sla_policy_update(req->db, &a, req->now, id, version, &in, &err) < 0)
		return reply_kf(resp, &err);
	return render(req, resp, sla_policy_get, id, 200);
}

int api_sla_policies_delete(struct req *req, struct resp *resp)
{
	return do_delete(req, resp, sla_policy_delete);
}

/* "at" as UTC seconds (too many digits read as the largest) or ISO 8601; -1 for anything else. */
static int parse_at(const char *s, int64_t *at)
{
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (*end == '\0' && v >= 0) {
		*at = v;
		return 0;
	}
	return calendar_parse_iso(s, at);
}

/* ?at=, now when absent; a 400 (field "at") when unreadable or outside tz_time_check's range. */
static int query_at(struct req *req, struct resp *resp, int64_t *at)
{
	struct kf_error err = KF_ERROR_INIT;
	const char *s = req_query(req, "at");
	*at = req->now;
	if (!s || !*s)
		return 0;
	if (parse_at(s, at) < 0)
		return reply_error(
		               resp, 400, "invalid", "at",
		               "at must be UTC seconds or an ISO 8601 time such as 2026-11-24T10:00:00+08:00"),
		       -1;
	if (tz_time_check(*at, "at", &err) < 0)
		return reply_kf(resp, &err), -1;
	return 0;
}

int api_sla_preview(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *out = NULL;
	int64_t at;
	if (query_at(req, resp, &at) < 0)
		return 0;
	if (sla_preview(req->db, req_query(req, "type"), req_query(req, "priority"), req_query(req, "tier"),
	                at, &out, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, out);
}

int api_ticket_sla(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *out = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (sla_clock_json(req->db, id, req->now, &out, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, out);
}

/* --- teams: the request bodies, field by field as the API has always checked them --- */

static int team_parse(json_t *body, int create, struct team_input *in, char mode[16], struct kf_error *err)
{
	static const char *const keys[] = { "name", "manager_id", "calendar_id", "mode", NULL };
	static const char *const modes[] = { "round_robin", "least_loaded", NULL };
	*in = (struct team_input){ 0 };
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = json_get_text(body, "name", create, DESK_NAME_MAX_CHARS, &in->name, err);
	in->present |= rc > 0 ? TEAM_HAS_NAME : 0;
	if (rc >= 0)
		rc = json_get_int(body, "manager_id", 0, 0, INT64_MAX, &in->manager_id, err);
	in->present |= rc > 0 ? TEAM_HAS_MANAGER : 0;
	if (rc >= 0)
		rc = json_get_int(body, "calendar_id", 0, 0, INT64_MAX, &in->calendar_id, err);
	in->present |= rc > 0 ? TEAM_HAS_CALENDAR : 0;
	if (rc >= 0)
		rc = desk_store_get_choice(body, "mode", modes, mode, 16, err);
	in->present |= rc > 0 ? TEAM_HAS_MODE : 0;
	in->mode = mode;
	return rc < 0 ? rc : 0;
}

static int member_parse(json_t *body, struct team_member_input *in, struct kf_error *err)
{
	static const char *const keys[] = { "languages", "category_ids", "active", NULL };
	*in = (struct team_member_input){ .languages = "", .category_ids = "", .active = 1 };
	if (!body)
		return 0;
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = json_get_str(body, "languages", 0, 64, &in->languages, err);
	if (rc >= 0)
		rc = json_get_str(body, "category_ids", 0, 512, &in->category_ids, err);
	if (rc >= 0)
		rc = json_get_bool(body, "active", 0, &in->active, err);
	return rc < 0 ? rc : 0;
}

/* --- teams -------------------------------------------------------------------------- */

int api_teams_list(struct req *req, struct resp *resp)
{
	return do_list(req, resp, team_list);
}

int api_teams_create(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct team_input in;
	char mode[16] = "";
	int64_t id;
	if (req_json(req, resp) < 0)
		return 0;
	if (team_parse(req->json, 1, &in, mode, &err) < 0 ||
	    team_create(req->db, &a, req->now, &in, &id, &err) < 0)
		return reply_kf(resp, &err);
	return render(req, resp, team_get, id, 201);
}

int api_teams_get(struct req *req, struct resp *resp)
{
	return do_get(req, resp, team_get);
}

int api_teams_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct team_input in;
	char mode[16] = "";
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (team_parse(req->json, 0, &in, mode, &err) < 0 ||
	    team_update(req->db, &a, req->now, id, version, &in, &err) < 0)
		return reply_kf(resp, &err);
	return render(req, resp, team_get, id, 200);
}

int api_teams_delete(struct req *req, struct resp *resp)
{
	return do_delete(req, resp, team_delete);
}

int api_settings_get(struct req *req, struct resp *resp)
{
	return reply_json(resp, 200, desk_settings_json(req->db));
}

static int settings_flag(int rc, unsigned bit, struct desk_settings_input *in)
{
	if (rc > 0)
		in->present |= bit;
	return rc;
}

/* The settings body: every key an integer in its range (the calendar is checked by the domain). */
static int settings_parse(json_t *body, struct desk_settings_input *in, struct kf_error *err)
{
	static const char *const keys[] = { "followup_days", "winback_days", "default_calendar_id", NULL };
	*in = (struct desk_settings_input){ 0 };
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = settings_flag(json_get_int(body, "followup_days", 0, DESK_SETTINGS_FOLLOWUP_MIN,
		                                DESK_SETTINGS_FOLLOWUP_MAX, &in->followup_days, err),
		                   DESK_SETTINGS_HAS_FOLLOWUP, in);
	if (rc >= 0)
		rc = settings_flag(json_get_int(body, "winback_days", 0, DESK_SETTINGS_WINBACK_MIN,
		                                DESK_SETTINGS_WINBACK_MAX, &in->winback_days, err),
		                   DESK_SETTINGS_HAS_WINBACK, in);
	if (rc >= 0)
		rc = settings_flag(json_get_int(body, "default_calendar_id", 0, 1, INT64_MAX,
		                                &in->default_calendar_id, err),
		                   DESK_SETTINGS_HAS_CALENDAR, in);
	return rc < 0 ? rc : 0;
}

int api_settings_put(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct desk_settings_input in;
	if (req_json(req, resp) < 0)
		return 0;
	if (settings_parse(req->json, &in, &err) < 0 || desk_settings_put(req->db, &a, req->now, &in, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, desk_settings_json(req->db));
}

int api_team_members_put(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id, uid;
	if (req_param_id(req, resp, "id", &id) < 0 || req_param_id(req, resp, "uid", &uid) < 0)
		return 0;
	if (req->body_len && req_json(req, resp) < 0)
		return 0;
	struct team_member_input in;
	if (member_parse(req->json, &in, &err) < 0 ||
	    team_member_put(req->db, &a, req->now, id, uid, &in, &err) < 0)
		return reply_kf(resp, &err);
	return render(req, resp, team_get, id, 200);
}

int api_team_members_delete(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id, uid;
	if (req_param_id(req, resp, "id", &id) < 0 || req_param_id(req, resp, "uid", &uid) < 0)
		return 0;
	if (team_member_delete(req->db, &a, req->now, id, uid, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 204, NULL);
}

/* --- notifications and follow-ups ------------------------------------------------------ */

int api_notifications_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	const char *unread = req_query(req, "unread");
	int limit;
	int64_t before, last;
	json_t *items = NULL;
	if (req_page(req, resp, &limit, &before) < 0)
		return 0;
	if (notification_list(req->db, req->user.id, unread && strcmp(unread, "true") == 0, before, limit,
	                      &items, &last, &err) < 0) {
		json_decref(items);
		return reply_kf(resp, &err);
	}
	return reply_page(resp, items, limit, last);
}

int api_notifications_read(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (notification_read(req->db, req->user.id, id, req->now, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

/* ?name= as a positive id (0 when absent); 400 into resp otherwise. */
static int query_pos_id(struct req *req, struct resp *resp, const char *name, int64_t *out)
{
	const char *s = req_query(req, name);
	char *end = NULL;
	*out = 0;
	if (!s)
		return 0;
	long long v = strtoll(s, &end, 10);
	if (*s >= '0' && *s <= '9' && end && *end == '\0' && v > 0) {
		*out = v;
		return 0;
	}
	return reply_error(resp, 400, "invalid", name, "%s must be a positive id", name), -1;
}

int api_followups_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct followup_filter f = { FU_ANY, 0, 0 };
	const char *status = req_query(req, "status");
	int limit;
	int64_t after, last;
	json_t *items = NULL;
	if (req_page(req, resp, &limit, &after) < 0 ||
	    query_pos_id(req, resp, "customer_id", &f.customer_id) < 0 ||
	    query_pos_id(req, resp, "ticket_id", &f.ticket_id) < 0)
		return 0;
	if (status && followup_status_parse(status, &f.status) < 0)
		return reply_error(resp, 400, "invalid", "status", "status must be scheduled, due or done");
	if (followup_list(req->db, &f, after, limit, &items, &last, &err) < 0) {
		json_decref(items);
		return reply_kf(resp, &err);
	}
	return reply_page(resp, items, limit, last);
}

int api_followup_outcome(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "outcome", "note", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *outcome = NULL, *note = NULL;
	json_t *out = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_get_str(req->json, "outcome", 1, 16, &outcome, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "note", 0, KF_MAX_TEXT_CHARS, &note, &err);
	if (rc >= 0)
		rc = followup_outcome(req->db, &a, req->now, id, outcome, note, &out, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, out);
}
