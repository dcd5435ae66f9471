/*
 * dispatch.c - the gate every API request passes, in this order:
 * route (404/405), authenticate (401), authorise against the permission
 * table (403), check CSRF on cookie-authenticated writes (403), then run
 * the handler -- inside an idempotency record when a POST carries an
 * Idempotency-Key.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "auth/ratelimit.h"
#include "auth/rbac.h"
#include "auth/session.h"
#include "auth/token.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "http/api.h"
#include "http/cache.h"
#include "http/router.h"
#include "http/server.h"
#include "store/db.h"
#include "store/idempotency.h"

static int is_write(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
}

/* Bearer token first (integrations), then the cookie for this kind of route. */
static int authenticate(struct req *req, int customer, struct kf_error *err)
{
	const char *auth = req_header(req, "Authorization");
	struct session_limits lim = { req->app->opt.session_ttl_s, req->app->opt.session_max_s };
	if (auth && strncmp(auth, "Bearer ", 7) == 0 && !customer)
		return apitoken_resolve(req->db, auth + 7, req->now, &req->who, &req->user, err);
	const char *cookie = req_cookie(req, customer ? PORTAL_COOKIE : SESSION_COOKIE);
	if (!cookie)
		return kf_fail(err, KF_EAUTH, "unauthenticated", NULL, "sign in first");
	if (customer)
		return session_resolve_customer(req->db, cookie, req->now, &lim, &req->who, err);
	return session_resolve_staff(req->db, cookie, req->now, &lim, &req->who, &req->user, err);
}

static int csrf_ok(struct req *req)
{
	const char *sent = req_header(req, "X-CSRF-Token");
	if (req->who.via_token)
		return 1;
	return sent && req->who.csrf[0] && strcmp(sent, req->who.csrf) == 0;
}

/* A ROUTE_LIMITED route: 429 with Retry-After when this address used up its bucket. */
static int rate_ok(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t wait_ms = req->app ? ratelimit_take(req->app->public_limit, req->addr, req->now_ms) : 0;
	if (wait_ms <= 0)
		return 0;
	int wait_s = (int)((wait_ms + 999) / 1000);
	char w[16];
	snprintf(w, sizeof(w), "%d", wait_s);
	kf_fail(&err, KF_ELIMIT, "rate_limited", NULL,
	        "too many requests from your address; try again in %d seconds", wait_s);
	kf_detail_int(&err, "retry_after", wait_s);
	reply_kf(resp, &err);
	reply_header(resp, "Retry-After", w);
	return -1;
}

/* Rate limit, authentication, permission and CSRF; 0 to go on, -1 with resp filled. */
static int gate(struct req *req, struct resp *resp)
{
	const struct route *rt = req->route;
	struct kf_error err = KF_ERROR_INIT;
	if ((rt->flags & ROUTE_LIMITED) && rate_ok(req, resp) < 0)
		return -1;
	if (rt->flags & ROUTE_PUBLIC)
		return 0;
	if (!req->db)
		return reply_error(resp, 503, "busy", NULL, "the database is not available"), -1;
	int customer = (rt->flags & ROUTE_CUSTOMER) != 0;
	if (authenticate(req, customer, &err) < 0)
		return reply_kf(resp, &err), -1;
	if (!customer && !rbac_allows((enum role)req->who.role, (enum perm)rt->perm))
		return reply_error(resp, 403, "forbidden", NULL, "your role (%s) lacks the %s permission",
		                   role_name((enum role)req->who.role), perm_name((enum perm)rt->perm)),
		       -1;
	if (is_write(req->method) && !(rt->flags & ROUTE_NO_CSRF) && !csrf_ok(req))
		return reply_error(resp, 403, "csrf", "X-CSRF-Token",
		                   "missing or wrong X-CSRF-Token header; reload the page"),
		       -1;
	return 0;
}

static void principal_key(const struct principal *who, char *out, size_t n)
{
	snprintf(out, n, "%c%lld", who->kind == PRINCIPAL_CUSTOMER ? 'c' : 's', (long long)who->id);
}

static void replay(struct resp *resp, const struct idem *i)
{
	json_t *body = i->response ? json_loads(i->response, 0, NULL) : NULL;
	reply_json(resp, i->status, body);
	reply_header(resp, "Idempotent-Replayed", "true");
}

/*
 * The answer as stored for replays: secrets shown once (a generated
 * password, a new API token) are left out, so they never rest in the
 * database; a replay says so with "redacted".
 */
static char *stored_answer(json_t *body)
{
	static const char *const secrets[] = { "password", "token", NULL };
	if (!body)
		return NULL;
	json_t *copy = json_deep_copy(body);
	for (const char *const *s = secrets; json_is_object(copy) && *s; s++)
		if (json_object_del(copy, *s) == 0)
			json_object_set_new(copy, "redacted", json_true());
	char *text = json_dumps(copy, JSON_COMPACT);
	json_decref(copy);
	return text;
}

/* Store a successful answer with the key, in the handler's transaction. */
static void finish_new(struct req *req, struct resp *resp, const struct idem *i)
{
	struct kf_error err = KF_ERROR_INIT;
	char *body = stored_answer(resp->json);
	int rc = idem_finish(req->db, i->id, resp->status, body, &err);
	free(body);
	if (rc == 0)
		rc = db_commit(req->db, &err);
	else
		db_rollback(req->db);
	if (rc < 0) {
		resp_release(resp);
		reply_kf(resp, &err);
	}
}

static void run_idempotent(struct req *req, struct resp *resp, const char *key)
{
	struct kf_error err = KF_ERROR_INIT;
	struct idem i = IDEM_INIT;
	char who[32], hash[TOKEN_HASH_HEX];
	if (strlen(key) > KF_MAX_IDEMPOTENCY_KEY || !*key) {
		reply_error(resp, 400, "invalid", "Idempotency-Key",
		            "Idempotency-Key must be 1 to %d characters", KF_MAX_IDEMPOTENCY_KEY);
		return;
	}
	principal_key(&req->who, who, sizeof(who));
	digest_hex(req->body ? req->body : "", req->body_len, hash);
	int rc = db_begin(req->db, &err);
	if (rc == 0)
		rc = idem_begin(req->db, who, key, req->method, req->path, hash, req->now, &i, &err);
	if (rc < 0) {
		db_rollback(req->db);
		reply_kf(resp, &err);
	} else if (i.state == IDEM_NEW) {
		req->route->fn(req, resp);
		if (resp->status >= 200 && resp->status < 400)
			finish_new(req, resp, &i);
		else
			db_rollback(req->db);
	} else {
		db_rollback(req->db);
		if (i.state == IDEM_REPLAY)
			replay(resp, &i);
		else if (i.state == IDEM_MISMATCH)
			reply_error(resp, 422, "idempotency_mismatch", "Idempotency-Key",
			            "this Idempotency-Key was used for a different request");
		else
			reply_error(resp, 409, "idempotency_in_progress", "Idempotency-Key",
			            "a request with this Idempotency-Key is still running");
	}
	idem_release(&i);
}

static void run_handler(struct req *req, struct resp *resp)
{
	const struct route *rt = req->route;
	const char *key = req_header(req, "Idempotency-Key");
	if (key && (rt->flags & ROUTE_IDEMPOTENT) && strcmp(req->method, "POST") == 0)
		run_idempotent(req, resp, key);
	else
		rt->fn(req, resp);
	if (resp->status == 0)
		reply_error(resp, 500, "internal", NULL, "the handler gave no answer");
}

void http_run_deferred(struct req *req, struct resp *resp)
{
	req->deferred = 0;
	run_handler(req, resp);
	reply_localise(req, resp);
}

/* A ROUTE_CACHED GET: the cached answer, or the handler's, kept for the next one. */
static void run_cached(struct req *req, struct resp *resp)
{
	const char *data, *ctype;
	size_t len;
	if (cache_get(req->path, req->now_ms, &resp->body)) {
		resp->status = 200;
		reply_header(resp, "X-Cache", "hit");
		return;
	}
	uint64_t gen = cache_generation();
	run_handler(req, resp);
	if (resp->status != 200 || !resp->json || resp_body(resp, &data, &len, &ctype) < 0)
		return;
	cache_put(req->path, gen, req->now_ms, data, len);
	json_decref(resp->json); /* the body is serialised already */
	resp->json = NULL;
}

static void run(struct req *req, struct resp *resp)
{
	if (gate(req, resp) < 0)
		return;
	if ((req->route->flags & ROUTE_CACHED) && strcmp(req->method, "GET") == 0) {
		run_cached(req, resp);
		return;
	}
	if ((req->route->flags & ROUTE_BATCH) && req->app && req->app->batch) {
		req->deferred = 1;
		return;
	}
	run_handler(req, resp);
}

/* Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF) without NUL. */
static int text_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t len = c < 0x80        ? 1
		        : (c & 0xE0) == 0xC0 ? 2
		        : (c & 0xF0) == 0xE0 ? 3
		        : (c & 0xF8) == 0xF0 ? 4
		                             : 0;
		if (c == 0 || len == 0 || i + len > n || (len == 2 && c < 0xC2))
			return 0;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
		if ((len == 3 && c == 0xE0 && s[i + 1] < 0xA0) ||
		    (len == 3 && c == 0xED && s[i + 1] >= 0xA0) || (len == 4 && c == 0xF0 && s[i + 1] < 0x90) ||
		    (len == 4 && (c > 0xF4 || (c == 0xF4 && s[i + 1] >= 0x90))))
			return 0;
		i += len;
	}
	return 1;
}

/* What find_bad_arg found: the first query argument that is not text (a %00, or bytes not UTF-8). */
struct bad_arg {
	char name[64]; /* its name, cut to fit */
	int found; /* one was found */
};

static enum MHD_Result find_bad_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                    const char *value, size_t value_size)
{
	struct bad_arg *b = cls;
	(void)kind;
	if (text_ok((const unsigned char *)key, key_size) &&
	    (!value || text_ok((const unsigned char *)value, value_size)))
		return MHD_YES;
	b->found = 1;
	str_copy(b->name, sizeof(b->name), text_ok((const unsigned char *)key, key_size) ? key : "query");
	return MHD_NO;
}

/*
 * Every query argument must decode to text: "?cursor=%00%ff" would
 * otherwise read as an empty cursor (the first page) because the C string
 * ends at the NUL.  0, or -1 with a 400 naming the argument.
 */
static int query_is_text(struct req *req, struct resp *resp)
{
	struct bad_arg b = { .found = 0 };
	if (req->conn)
		MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, find_bad_arg, &b);
	if (!b.found)
		return 0;
	reply_error(resp, 400, "invalid", b.name,
	            "%s is not valid text (it decodes to a NUL byte or to bytes that are not UTF-8)", b.name);
	return -1;
}

/* The first query parameter whose name or value is not UTF-8 (after %-decoding). */
static enum MHD_Result first_not_utf8(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	const char **bad = cls;
	(void)kind;
	if (key &&
	    (json_utf8_bad(key, strlen(key)) >= 0 || (value && json_utf8_bad(value, strlen(value)) >= 0))) {
		*bad = json_utf8_bad(key, strlen(key)) >= 0 ? "(name not UTF-8)" : key;
		return MHD_NO;
	}
	return MHD_YES;
}

/* Refuse a path or query parameter that is not UTF-8 text (400 "not_utf8" naming it); -1 then. */
static int query_utf8(struct req *req, struct resp *resp)
{
	const char *bad = NULL;
	if (json_utf8_bad(req->path, strlen(req->path)) >= 0)
		return reply_error(resp, 400, "not_utf8", "path", "the address is not valid UTF-8 text"), -1;
	if (req->conn)
		MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, first_not_utf8, &bad);
	if (bad)
		return reply_error(resp, 400, "not_utf8", bad, "the query parameter %s is not valid UTF-8 text",
		                   json_utf8_bad(bad, strlen(bad)) >= 0 ? "?" : bad),
		       -1;
	return 0;
}

void http_dispatch(struct req *req, struct resp *resp)
{
	if (query_utf8(req, resp) < 0) {
		reply_localise(req, resp);
		return;
	}
	struct route_match m;
	int i = router_match(api_routes, api_routes_count, req->method, req->path, &m);
	if (i >= 0 && (api_routes[i].flags & ROUTE_TEST) && !(req->app && req->app->opt.test_clock))
		i = ROUTER_NOT_FOUND; /* the test endpoints do not exist on a normal server */
	if (i == ROUTER_NOT_FOUND) {
		reply_error(resp, 404, "not_found", NULL, "no such resource: %s", req->path);
	} else if (i == ROUTER_BAD_METHOD) {
		reply_error(resp, 405, "method_not_allowed", NULL, "%s is not allowed here", req->method);
		reply_header(resp, "Allow", m.allow);
	} else if (query_is_text(req, resp) == 0) {
		req->route = &api_routes[i];
		req->nparams = m.nparams;
		for (int p = 0; p < m.nparams; p++) {
			req->param_names[p] = m.names[p];
			req->param_name_lens[p] = m.name_lens[p];
			req->param_values[p] = m.values[p];
		}
		run(req, resp);
		if (req->deferred)
			return;
	}
	reply_localise(req, resp);
}
