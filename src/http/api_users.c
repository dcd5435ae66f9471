/*
 * api_users.c - staff accounts: list, create, read, change (If-Match),
 * set a password.  The domain (auth/user.c) audits every change.
 */
#include <string.h>

#include "auth/password.h"
#include "auth/user.h"
#include "base/json.h"
#include "http/api.h"

int api_users_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int limit;
	int64_t after, last;
	json_t *items = NULL;
	if (req_page(req, resp, &limit, &after) < 0)
		return 0;
	if (user_list(req->db, after, limit, &items, &last, &err) < 0)
		return reply_kf(resp, &err);
	return reply_page(resp, items, limit, last);
}

static int parse_role(json_t *obj, int required, enum role *out, struct kf_error *err)
{
	const char *name = NULL;
	int rc = json_get_str(obj, "role", required, 16, &name, err);
	if (rc <= 0)
		return rc;
	*out = role_parse(name);
	if (*out == ROLE_NONE)
		return kf_fail(err, KF_EINVAL, "invalid", "role",
		               "role must be one of admin, manager, agent, crm, analyst");
	return 1;
}

int api_users_create(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "username", "display_name", "role", "password", NULL };
	struct kf_error err = KF_ERROR_INIT;
	const char *name = NULL, *display = NULL, *pw = NULL;
	char generated[17] = "";
	enum role role = ROLE_NONE;
	struct user u;
	struct actor a = api_actor(req);
	if (req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json, (const char *const[]){ "username", "role", NULL }, &err);
	if (rc == 0)
		rc = json_get_str(req->json, "username", 1, 64, &name, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "display_name", 0, 128, &display, &err);
	if (rc >= 0)
		rc = parse_role(req->json, 1, &role, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "password", 0, KF_MAX_PASSWORD_BYTES, &pw, &err);
	if (rc >= 0 && !pw) {
		password_generate(generated);
		pw = generated;
	}
	if (rc >= 0)
		rc = user_create(req->db, &a, req->now, name, display, role, pw, &u, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	json_t *j = user_to_json(&u);
	if (generated[0])
		json_object_set_new(j, "password", json_string(generated));
	reply_etag(resp, u.version);
	return reply_json(resp, 201, j);
}

int api_users_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct user u;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (user_get(req->db, id, &u, &err) < 0)
		return reply_kf(resp, &err);
	reply_etag(resp, u.version);
	return reply_json(resp, 200, user_to_json(&u));
}

static int read_patch(json_t *obj, struct user_patch *p, struct kf_error *err)
{
	static const char *const keys[] = { "display_name", "email",     "role", "disabled",
		                            "locale",       "time_zone", NULL };
	int rc = json_only_keys(obj, keys, err);
	if (rc == 0)
		rc = json_get_text(obj, "display_name", 0, 128, &p->display_name, err);
	if (rc >= 0)
		rc = json_get_str(obj, "email", 0, 128, &p->email, err);
	if (rc >= 0)
		rc = parse_role(obj, 0, &p->role, err);
	if (rc >= 0)
		rc = json_get_bool(obj, "disabled", 0, &p->disabled, err);
	if (rc >= 0)
		rc = json_get_str(obj, "locale", 0, 16, &p->locale, err);
	if (rc >= 0)
		rc = json_get_str(obj, "time_zone", 0, 63, &p->time_zone, err);
	return rc < 0 ? rc : 0;
}

int api_users_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct user_patch p = USER_PATCH_INIT;
	struct user u;
	struct actor a = api_actor(req);
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (read_patch(req->json, &p, &err) < 0 ||
	    user_update(req->db, &a, req->now, id, version, &p, &u, &err) < 0)
		return reply_kf(resp, &err);
	reply_etag(resp, u.version);
	return reply_json(resp, 200, user_to_json(&u));
}

int api_users_password(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "password", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *pw = NULL;
	char generated[17] = "";
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (req->body_len && req_json(req, resp) < 0)
		return 0;
	int rc = req->json ? json_only_keys(req->json, keys, &err) : 0;
	if (rc == 0 && req->json)
		rc = json_get_str(req->json, "password", 0, KF_MAX_PASSWORD_BYTES, &pw, &err);
	if (rc >= 0 && !pw) {
		password_generate(generated);
		pw = generated;
	}
	if (rc >= 0)
		rc = user_set_password(req->db, &a, req->now, id, pw,
		                       id == req->who.id ? req->who.session_id : 0, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	json_t *j = json_pack("{s:b}", "ok", 1);
	if (generated[0])
		json_object_set_new(j, "password", json_string(generated));
	return reply_json(resp, 200, j);
}
