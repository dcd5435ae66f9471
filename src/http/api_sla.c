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
#include "desk/desk_config.h"
#include "desk/followup.h"
#include "desk/sla_clock.h"
#include "http/api.h"
#include "http/api_sla.h"

typedef int (*list_fn)(struct db *db, int64_t after, int limit, json_t **items, int64_t *last,
                       struct kf_error *err);
typedef int (*get_fn)(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
typedef int (*create_fn)(struct db *db, const struct actor *a, int64_t now, json_t *body, int64_t *id,
                         struct kf_error *err);
typedef int (*update_fn)(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                         json_t *body, struct kf_error *err);
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

static int do_create(struct req *req, struct resp *resp, create_fn fn, get_fn get)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	if (req_json(req, resp) < 0)
		return 0;
	if (fn(req->db, &a, req->now, req->json, &id, &err) < 0)
		return reply_kf(resp, &err);
	return render(req, resp, get, id, 201);
}

static int do_update(struct req *req, struct resp *resp, update_fn fn, get_fn get)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (fn(req->db, &a, req->now, id, version, req->json, &err) < 0)
		return reply_kf(resp, &err);
	return render(req, resp, get, id, 200);
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

/* --- calendars ------------------------------------------------------------------- */

int api_calendars_list(struct req *req, struct resp *resp)
{
	return do_list(req, resp, calendar_list);
}

int api_calendars_create(struct req *req, struct resp *resp)
{
	return do_create(req, resp, calendar_create, calendar_get);
}

int api_calendars_get(struct req *req, struct resp *resp)
{
	return do_get(req, resp, calendar_get);
}

int api_calendars_update(struct req *req, struct resp *resp)
{
	return do_update(req, resp, calendar_update, calendar_get);
}

int api_calendars_delete(struct req *req, struct resp *resp)
{
	return do_delete(req, resp, calendar_delete);
}

int api_calendar_holidays_add(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id, hid;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	if (calendar_holiday_add(req->db, &a, req->now, id, req->json, &hid, &err) < 0)
		return reply_kf(resp, &err);
	return render(req, resp, calendar_get, id, 201);
}

int api_calendar_holidays_delete(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id, hid;
	if (req_param_id(req, resp, "id", &id) < 0 || req_param_id(req, resp, "hid", &hid) < 0)
		return 0;
	if (calendar_holiday_delete(req->db, &a, req->now, id, hid, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 204, NULL);
}

/* --- policies and clocks ------------------------------------------------------------ */

int api_sla_policies_list(struct req *req, struct resp *resp)
{
	return do_list(req, resp, policy_list);
}

int api_sla_policies_create(struct req *req, struct resp *resp)
{
	return do_create(req, resp, policy_create, policy_get);
}

int api_sla_policies_get(struct req *req, struct resp *resp)
{
	return do_get(req, resp, policy_get);
}

int api_sla_policies_update(struct req *req, struct resp *resp)
{
	return do_update(req, resp, policy_update, policy_get);
}

int api_sla_policies_delete(struct req *req, struct resp *resp)
{
	return do_delete(req, resp, policy_delete);
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
	return cal_parse_iso(s, at);
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

/* --- teams -------------------------------------------------------------------------- */

int api_teams_list(struct req *req, struct resp *resp)
{
	return do_list(req, resp, team_list);
}

int api_teams_create(struct req *req, struct resp *resp)
{
	return do_create(req, resp, team_create, team_get);
}

int api_teams_get(struct req *req, struct resp *resp)
{
	return do_get(req, resp, team_get);
}

int api_teams_update(struct req *req, struct resp *resp)
{
	return do_update(req, resp, team_update, team_get);
}

int api_teams_delete(struct req *req, struct resp *resp)
{
	return do_delete(req, resp, team_delete);
}

int api_settings_get(struct req *req, struct resp *resp)
{
	return reply_json(resp, 200, desk_settings_json(req->db));
}

int api_settings_put(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	if (req_json(req, resp) < 0)
		return 0;
	if (desk_settings_put(req->db, &a, req->now, req->json, &err) < 0)
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
	if (team_member_put(req->db, &a, req->now, id, uid, req->json, &err) < 0)
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
