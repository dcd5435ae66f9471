/*
 * api_surveys.c - see api_surveys.h.
 *
 * The public routes answer 404 for an unknown token, 409 survey_used for
 * an answered one and 410 survey_expired past its expiry.  They are
 * throttled per client address like sign-in (auth/throttle.h): every
 * unknown token counts as a failure of the address, and an address with
 * login_max_per_addr failures inside login_window gets 429 until the
 * oldest leaves the window, so nobody can walk the token space (which at
 * 256 bits is hopeless anyway) or hammer the database with guesses.
 */
#include "http/api_surveys.h"

#include <stdio.h>
#include <string.h>

#include "auth/throttle.h"
#include "desk/calendar.h"
#include "http/api.h"
#include "http/server.h"
#include "quality/survey.h"
#include "store/db.h"

/* The throttling key of failed survey look-ups (never a user name: it has a space). */
#define SURVEY_THROTTLE_KEY "survey token"

static struct throttle_limits limits_of(const struct req *req)
{
	const struct server_options *o = &req->app->opt;
	struct throttle_limits l = { 0, o->login_max_per_addr, o->login_window_s };
	return l;
}

/* 429 with Retry-After when this address has failed too often; -1 then. */
static int throttled(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct throttle_limits lim = limits_of(req);
	int wait_s = 0;
	if (!req->db)
		return reply_error(resp, 503, "busy", NULL, "the database is not available"), -1;
	if (throttle_check(req->db, SURVEY_THROTTLE_KEY, req->addr, req->now, &lim, &wait_s, &err) < 0)
		return reply_kf(resp, &err), -1;
	if (wait_s == 0)
		return 0;
	char w[16];
	snprintf(w, sizeof(w), "%d", wait_s);
	reply_error(resp, 429, "rate_limited", NULL, "too many unknown survey links; try again in %d seconds",
	            wait_s);
	reply_header(resp, "Retry-After", w);
	return -1;
}

/*
 * The answer for a survey error: 410 for an expired link (the one place
 * this status is chosen), the usual mapping otherwise; an unknown token is
 * recorded against the address.
 */
static int survey_error(struct req *req, struct resp *resp, const struct kf_error *err)
{
	if (err->code == KF_ENOTFOUND) {
		struct kf_error terr = KF_ERROR_INIT;
		struct throttle_limits lim = limits_of(req);
		throttle_fail(req->db, SURVEY_THROTTLE_KEY, req->addr, req->now, &lim, &terr);
	}
	if (err->code == KF_ECONFLICT && strcmp(err->key, "survey_expired") == 0)
		return reply_error(resp, 410, err->key, err->field[0] ? err->field : NULL, "%s", err->message);
	return reply_kf(resp, err);
}

int api_survey_form(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *form = NULL;
	if (throttled(req, resp) < 0)
		return 0;
	if (survey_form(req->db, req_param(req, "token"), req->now, &form, &err) < 0)
		return survey_error(req, resp, &err);
	reply_header(resp, "Cache-Control", "no-store");
	return reply_json(resp, 200, form);
}

int api_survey_answer(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *out = NULL;
	if (throttled(req, resp) < 0 || req_json(req, resp) < 0)
		return 0;
	if (survey_submit(req->db, req_param(req, "token"), req->json, req->now, &out, &err) < 0)
		return survey_error(req, resp, &err);
	return reply_json(resp, 201, out);
}

/* Digits (at most 15) as a number into *out; -1 when s is not that. */
static int digits(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 15 || strspn(s, "0123456789") != n)
		return -1;
	*out = 0;
	for (const char *p = s; *p; p++)
		*out = *out * 10 + (*p - '0');
	return 0;
}

/* ?name= as UTC seconds: digits, or a YYYY-MM-DD day (its UTC midnight); absent = 0. */
static int time_arg(struct req *req, struct resp *resp, const char *name, int64_t *out)
{
	struct kf_error err = KF_ERROR_INIT;
	const char *s = req_query(req, name);
	int64_t day = 0;
	*out = 0;
	if (!s || !*s || digits(s, out) == 0)
		return 0;
	if (calendar_parse_date(s, &day, &err) < 0)
		return reply_error(resp, 400, "invalid", name, "%s must be YYYY-MM-DD or UTC seconds", name),
		       -1;
	*out = day * 86400;
	return 0;
}

/* ?name= as an id; absent = 0. */
static int id_arg(struct req *req, struct resp *resp, const char *name, int64_t *out)
{
	const char *s = req_query(req, name);
	*out = 0;
	if (!s || !*s || digits(s, out) == 0)
		return 0;
	return reply_error(resp, 400, "invalid", name, "%s must be a number", name), -1;
}

int api_surveys_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct survey_filter f = { 0, 0, req_query(req, "kind"), 0, 0 };
	json_t *items = NULL;
	int64_t before = 0, last = 0;
	int limit;
	if (req_page(req, resp, &limit, &before) < 0 || time_arg(req, resp, "from", &f.from) < 0 ||
	    time_arg(req, resp, "to", &f.to) < 0 || id_arg(req, resp, "agent_id", &f.agent_id) < 0 ||
	    id_arg(req, resp, "team_id", &f.team_id) < 0)
		return 0;
	if (f.kind && *f.kind && strcmp(f.kind, "resolution") != 0 && strcmp(f.kind, "delivery") != 0)
		return reply_error(resp, 400, "invalid", "kind", "kind must be resolution or delivery");
	if (survey_list(req->db, &f, before, limit, &items, &last, &err) < 0)
		return reply_kf(resp, &err);
	return reply_page(resp, items, limit, last);
}

int api_portal_surveys(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	if (req->who.customer_id <= 0)
		return reply_error(resp, 403, "no_customer", NULL,
		                   "this portal account is not linked to a customer record yet");
	if (survey_portal_list(req->db, req->who.customer_id, req->now, &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

int api_portal_survey_link(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	char token[TOKEN_TEXT_MAX], url[TOKEN_TEXT_MAX + 16];
	int64_t id = 0, expires_at = 0;
	if (req->who.customer_id <= 0)
		return reply_error(resp, 403, "no_customer", NULL,
		                   "this portal account is not linked to a customer record yet");
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (survey_relink(req->db, req->who.customer_id, id, req->now, token, &expires_at, &err) < 0)
		return err.code == KF_ECONFLICT && strcmp(err.key, "survey_expired") == 0
		        ? reply_error(resp, 410, err.key, NULL, "%s", err.message)
		        : reply_kf(resp, &err);
	snprintf(url, sizeof(url), "/survey/%s", token);
	reply_header(resp, "Cache-Control", "no-store");
	return reply_json(resp, 200,
	                  json_pack("{s:I,s:s,s:I}", "id", (json_int_t)id, "url", url, "expires_at",
	                            (json_int_t)expires_at));
}
