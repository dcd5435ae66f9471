/*
 * api_auth.c - signing in and out (staff and portal), the signed-in
 * user, one's own password.  Sign-in is throttled per account and per
 * address; every sign-in and failed sign-in is audited.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/portal.h"
#include "auth/rbac.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "auth/user.h"
#include "base/clock.h"
#include "base/json.h"
#include "http/api.h"
#include "http/server.h"
#include "store/db.h"

struct actor api_actor(const struct req *req)
{
	static const char *const kinds[] = { "anonymous", "staff", "customer" };
	struct actor a = { kinds[req->who.kind], req->who.id, req->who.name, req->addr, req->rid };
	return a;
}

static void set_cookie(struct req *req, struct resp *resp, const char *name, const char *value, int max_age)
{
	char c[256];
	snprintf(c, sizeof(c), "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", name, value, max_age,
	         req->app->opt.secure_cookies ? "; Secure" : "");
	reply_header(resp, "Set-Cookie", c);
}

struct credentials {
	const char *login;
	const char *password;
};

static int read_credentials(struct req *req, struct resp *resp, const char *login_key, struct credentials *c)
{
	static const char *const keys_user[] = { "username", "password", NULL };
	static const char *const keys_portal[] = { "login", "password", NULL };
	struct kf_error err = KF_ERROR_INIT;
	if (req_json(req, resp) < 0)
		return -1;
	int rc = json_only_keys(req->json, strcmp(login_key, "login") ? keys_user : keys_portal, &err);
	if (rc == 0)
		rc = json_get_str(req->json, login_key, 1, KF_MAX_NAME_BYTES, &c->login, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "password", 1, KF_MAX_PASSWORD_BYTES, &c->password, &err);
	if (rc < 0)
		return reply_kf(resp, &err), -1;
	return 0;
}

static struct login_limits limits_of(const struct req *req)
{
	const struct server_options *o = &req->app->opt;
	struct login_limits l = { o->login_max_per_account, o->login_max_per_addr, o->login_max_account_wide,
		                  o->login_window_s, o->login_max_delay_s };
	return l;
}

/* The throttle key of a sign-in: staff and portal logins are apart. */
static void throttle_key(const char *kind, const char *login, char *out, size_t n)
{
	snprintf(out, n, "%s:%s", kind, login);
}

/*
 * Before the password is checked: 429 with Retry-After when this account
 * (from this address), this address or this account must still wait;
 * otherwise the attempt is recorded as a failure until it succeeds.
 */
static int throttled(struct req *req, struct resp *resp, const char *kind, const char *login, int64_t *pending)
{
	struct kf_error err = KF_ERROR_INIT;
	struct login_limits lim = limits_of(req);
	char key[KF_MAX_NAME_BYTES + 16];
	int64_t wait_ms = 0;
	throttle_key(kind, login, key, sizeof(key));
	if (throttle_login_begin(req->db, key, req->addr, req->now_ms, &lim, &wait_ms, pending, &err) < 0)
		return reply_kf(resp, &err), -1;
	if (wait_ms == 0)
		return 0;
	int wait_s = (int)((wait_ms + 999) / 1000);
	char w[16];
	snprintf(w, sizeof(w), "%d", wait_s);
	kf_fail(&err, KF_ELIMIT, "rate_limited", NULL, "too many failed sign-ins; try again in %d seconds",
	        wait_s);
	kf_detail_int(&err, "retry_after", wait_s);
	reply_kf(resp, &err);
	reply_header(resp, "Retry-After", w);
	return -1;
}

/*
 * Audit a failed sign-in and answer 401.  The throttle recorded the
 * failure before the password check; it is dated now, after the check, so
 * the delay is not eaten by the check's own time.
 */
static int login_failed(struct req *req, struct resp *resp, const char *login, int64_t pending,
                        const struct kf_error *why)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = { "anonymous", 0, login, req->addr, req->rid };
	json_t *detail = json_pack("{s:s}", "reason", why->key);
	int rc = throttle_login_failed(req->db, pending, clock_now_ms(), &err);
	if (rc == 0)
		rc = audit_record(req->db, &a, req->now, "login.failed", "session", 0, NULL, detail, &err);
	json_decref(detail);
	return rc < 0 ? reply_kf(resp, &err) : reply_kf(resp, why);
}

/* Open a session, audit it, set the cookie; body is the caller's answer. */
static int login_ok(struct req *req, struct resp *resp, const char *kind, int64_t id, const char *login,
                    json_t *body)
{
	struct kf_error err = KF_ERROR_INIT;
	char token[TOKEN_TEXT_MAX], csrf[48], key[KF_MAX_NAME_BYTES + 16];
	int64_t sid = 0;
	struct session_limits lim = { req->app->opt.session_ttl_s, req->app->opt.session_max_s };
	struct actor a = { kind, id, login, req->addr, req->rid };
	throttle_key(kind, login, key, sizeof(key));
	int rc = db_begin(req->db, &err);
	if (rc == 0)
		rc = throttle_login_ok(req->db, key, req->addr, req->now, &err);
	if (rc == 0)
		rc = session_create(req->db, kind, id, req->addr, req->now, &lim, token, csrf, &sid, &err);
	if (rc == 0)
		rc = audit_record(req->db, &a, req->now, "login", "session", sid, NULL, NULL, &err);
	if (rc == 0)
		rc = db_commit(req->db, &err);
	else
		db_rollback(req->db);
	if (rc < 0) {
		json_decref(body);
		return reply_kf(resp, &err);
	}
	json_object_set_new(body, "csrf_token", json_string(csrf));
	/* The browser keeps the cookie for the whole lifetime; the server enforces the idle timeout. */
	set_cookie(req, resp, strcmp(kind, "staff") == 0 ? SESSION_COOKIE : PORTAL_COOKIE, token, lim.max_s);
	return reply_json(resp, 200, body);
}

static json_t *permissions_of(enum role role)
{
	size_t n;
	const struct perm_info *t = rbac_table(&n);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		if (rbac_allows(role, t[i].perm))
			json_array_append_new(a, json_string(t[i].name));
	return a;
}

static json_t *me_body(const struct user *u)
{
	json_t *j = user_to_json(u);
	json_object_set_new(j, "permissions", permissions_of(u->role));
	return j;
}

int api_login(struct req *req, struct resp *resp)
{
	struct credentials c;
	struct kf_error err = KF_ERROR_INIT;
	struct user u;
	int64_t pending = 0;
	if (read_credentials(req, resp, "username", &c) < 0 ||
	    throttled(req, resp, "staff", c.login, &pending) < 0)
		return 0;
	if (user_authenticate(req->db, c.login, c.password, &u, &err) < 0)
		return err.code == KF_EAUTH ? login_failed(req, resp, c.login, pending, &err)
		                            : reply_kf(resp, &err);
	return login_ok(req, resp, "staff", u.id, u.username, json_pack("{s:o}", "user", me_body(&u)));
}

static int logout(struct req *req, struct resp *resp, const char *cookie)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *token = req_cookie(req, cookie);
	int rc = db_begin(req->db, &err);
	if (rc == 0 && token)
		rc = session_end(req->db, token, &err);
	if (rc == 0)
		rc = audit_record(req->db, &a, req->now, "logout", "session", req->who.session_id, NULL, NULL,
		                  &err);
	if (rc == 0)
		rc = db_commit(req->db, &err);
	else
		db_rollback(req->db);
	if (rc < 0)
		return reply_kf(resp, &err);
	set_cookie(req, resp, cookie, "", 0);
	return reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

int api_logout(struct req *req, struct resp *resp)
{
	return logout(req, resp, SESSION_COOKIE);
}

int api_me(struct req *req, struct resp *resp)
{
	json_t *j = me_body(&req->user);
	json_object_set_new(j, "csrf_token", json_string(req->who.csrf));
	reply_etag(resp, req->user.version);
	return reply_json(resp, 200, j);
}

int api_me_password(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "current_password", "new_password", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct user u;
	const char *cur = NULL, *next = NULL;
	struct actor a = api_actor(req);
	if (req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json,
		                  (const char *const[]){ "current_password", "new_password", NULL }, &err);
	if (rc == 0)
		rc = json_get_str(req->json, "current_password", 1, KF_MAX_PASSWORD_BYTES, &cur, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "new_password", 1, KF_MAX_PASSWORD_BYTES, &next, &err);
	if (rc >= 0 && user_authenticate(req->db, req->who.name, cur, &u, &err) < 0)
		rc = kf_fail(&err, KF_EINVAL, "bad_credentials", "current_password",
		             "the current password is wrong");
	if (rc >= 0)
		rc = user_set_password(req->db, &a, req->now, req->who.id, next, req->who.session_id, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

int api_portal_login(struct req *req, struct resp *resp)
{
	struct credentials c;
	struct kf_error err = KF_ERROR_INIT;
	int64_t id = 0;
	json_t *acct = NULL;
	int64_t pending = 0;
	if (read_credentials(req, resp, "login", &c) < 0 ||
	    throttled(req, resp, "customer", c.login, &pending) < 0)
		return 0;
	if (portal_authenticate(req->db, c.login, c.password, &id, &err) < 0)
		return err.code == KF_EAUTH ? login_failed(req, resp, c.login, pending, &err)
		                            : reply_kf(resp, &err);
	if (portal_account_get(req->db, id, &acct, &err) < 0)
		return reply_kf(resp, &err);
	return login_ok(req, resp, "customer", id, c.login, json_pack("{s:o}", "account", acct));
}

int api_portal_logout(struct req *req, struct resp *resp)
{
	return logout(req, resp, PORTAL_COOKIE);
}

int api_portal_me(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *acct = NULL;
	if (portal_account_get(req->db, req->who.id, &acct, &err) < 0)
		return reply_kf(resp, &err);
	json_object_set_new(acct, "csrf_token", json_string(req->who.csrf));
	return reply_json(resp, 200, acct);
}
