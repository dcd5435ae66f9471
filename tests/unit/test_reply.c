/*
 * test_reply.c - http/reply.c (status mapping, the one error shape,
 * bodies, pages, ETags and the request helpers) and http/i18n_errors.c.
 *
 * The request helpers read headers and query arguments through the
 * req_* accessors, which server.c implements over libmicrohttpd (and
 * which return NULL when req->conn is NULL).  To drive req_if_match,
 * req_page and req_json with real input, this file supplies its own
 * req_header/req_query/req_cookie/req_param: a link-time seam.  The
 * test's definitions satisfy reply.o's references, so the linker never
 * pulls server.o out of libkefu.a; should reply.c ever need something
 * else from server.c, the link fails loudly with duplicate symbols
 * rather than silently testing the wrong accessor.  req->conn points at
 * a struct fake_conn holding the headers and query arguments; with
 * conn == NULL the fakes return NULL just as server.c does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "base/json.h"
#include "base/limits.h"
#include "http/http.h"
#include "http/i18n_errors.h"
#include "base/banned.h"

/* --- the seam ------------------------------------------------------------- */

struct fake_conn {
	const char *headers[8][2]; /* name, value; a NULL name ends the list */
	const char *query[8][2]; /* name, value; a NULL name ends the list */
};

static const char *lookup(const char *const (*kv)[2], const char *name, int nocase)
{
	for (int i = 0; i < 8 && kv[i][0]; i++)
		if (nocase ? strcasecmp(kv[i][0], name) == 0 : strcmp(kv[i][0], name) == 0)
			return kv[i][1];
	return NULL;
}

const char *req_header(struct req *req, const char *name)
{
	const struct fake_conn *f = req ? (const struct fake_conn *)req->conn : NULL;
	return f ? lookup(f->headers, name, 1) : NULL;
}

const char *req_query(struct req *req, const char *name)
{
	const struct fake_conn *f = req ? (const struct fake_conn *)req->conn : NULL;
	return f ? lookup(f->query, name, 0) : NULL;
}

const char *req_cookie(struct req *req, const char *name)
{
	(void)req;
	(void)name;
	return NULL;
}

const char *req_param(const struct req *req, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; req && i < req->nparams; i++)
		if (req->param_name_lens[i] == n && memcmp(req->param_names[i], name, n) == 0)
			return req->param_values[i];
	return NULL;
}

/* A request over fake connection f (may be NULL). */
static struct req make_req(struct fake_conn *f)
{
	struct req r;
	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.path = "/api/v1/test";
	r.conn = (struct MHD_Connection *)f;
	return r;
}

/* --- helpers -------------------------------------------------------------- */

/* The error object of resp, checking the exact shape on the way. */
static json_t *error_of(const struct resp *resp)
{
	assert_non_null(resp->json);
	assert_int_equal(json_object_size(resp->json), 1);
	json_t *e = json_object_get(resp->json, "error");
	assert_true(json_is_object(e));
	assert_int_equal(json_object_size(e), 3);
	assert_true(json_is_string(json_object_get(e, "code")));
	assert_true(json_is_string(json_object_get(e, "message")));
	json_t *f = json_object_get(e, "field");
	assert_true(json_is_string(f) || json_is_null(f));
	return e;
}

static const char *code_of(const struct resp *resp)
{
	return json_string_value(json_object_get(error_of(resp), "code"));
}

static const char *message_of(const struct resp *resp)
{
	return json_string_value(json_object_get(error_of(resp), "message"));
}

/* The field as text, or NULL for JSON null. */
static const char *field_of(const struct resp *resp)
{
	return json_string_value(json_object_get(error_of(resp), "field"));
}

/* The body resp_body gives, as a C string (resp keeps it). */
static const char *body_of(struct resp *resp)
{
	const char *data = NULL, *type = NULL;
	size_t len = 0;
	assert_int_equal(resp_body(resp, &data, &len, &type), 0);
	assert_int_equal(strlen(data), len);
	return data;
}

/* --- status mapping ------------------------------------------------------- */

static void test_status_for(void **state)
{
	(void)state;
	static const struct {
		int code; /* enum kf_code */
		int status; /* HTTP */
	} cases[] = {
		{ KF_EINVAL, 400 },   { KF_ENOTFOUND, 404 },    { KF_ECONFLICT, 409 }, { KF_ESTALE, 412 },
		{ KF_EPERM, 403 },    { KF_EAUTH, 401 },        { KF_EDB, 500 },       { KF_ETOOBIG, 413 },
		{ KF_ELIMIT, 429 },   { KF_EEXIST, 409 },       { KF_EIO, 500 },       { KF_EBUSY, 503 },
		{ KF_EPRECOND, 428 }, { KF_EUNSUPPORTED, 415 }, { KF_EFOREIGN, 500 },  { -99, 500 },
		{ 12, 500 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (reply_status_for(cases[i].code) != cases[i].status)
			fail_msg("code %d gave %d, want %d", cases[i].code, reply_status_for(cases[i].code),
			         cases[i].status);
}

/* --- the error shape ------------------------------------------------------ */

static void test_reply_error_shape(void **state)
{
	(void)state;
	struct resp resp = { 0 };
	reply_error(&resp, 404, "not_found", "id", "no such %s: %d", "user", 7);
	assert_int_equal(resp.status, 404);
	assert_string_equal(code_of(&resp), "not_found");
	assert_string_equal(message_of(&resp), "no such user: 7");
	assert_string_equal(field_of(&resp), "id");
	assert_string_equal(
	        body_of(&resp),
	        "{\"error\":{\"code\":\"not_found\",\"message\":\"no such user: 7\",\"field\":\"id\"}}\n");
	/* Replacing an answer frees the first body (ASan would see a leak). */
	reply_error(&resp, 400, "invalid", NULL, "plain");
	assert_int_equal(resp.status, 400);
	assert_null(field_of(&resp));
	assert_true(json_is_null(json_object_get(error_of(&resp), "field")));
	reply_error(&resp, 400, "invalid", "", "empty field");
	assert_null(field_of(&resp));
	resp_release(&resp);
	assert_null(resp.json);
}

static void test_reply_error_long_message(void **state)
{
	(void)state;
	struct resp resp = { 0 };
	char big[1000];
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	reply_error(&resp, 400, "invalid", "f", "%s", big);
	assert_int_equal(strlen(message_of(&resp)), KF_ERR_MSG_MAX - 1);
	resp_release(&resp);
}

/*
 * kf_error keeps the field in 64 bytes and the message in 320; a key of
 * non-ASCII characters that json_only_keys names can be cut in the middle
 * of a character.  The answer must still be the error shape.
 */
static void test_reply_kf_truncated_utf8(void **state)
{
	(void)state;
	char key[256] = "x";
	for (int i = 0; i < 40; i++)
		memcpy(key + 1 + 3 * i, "字", 4);
	static const char *const none[] = { NULL };
	json_t *obj = json_pack("{s:i}", key, 1);
	assert_non_null(obj);
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(json_only_keys(obj, none, &err), KF_EINVAL);
	json_decref(obj);
	struct resp resp = { 0 };
	reply_kf(&resp, &err);
	int status = resp.status, has_body = resp.json != NULL;
	const char *code = has_body ? code_of(&resp) : NULL;
	int code_ok = code && strcmp(code, "unknown_field") == 0;
	resp_release(&resp);
	assert_int_equal(status, 400);
	assert_true(has_body);
	assert_true(code_ok);
}

static void test_reply_kf(void **state)
{
	(void)state;
	struct resp resp = { 0 };
	struct kf_error err = KF_ERROR_INIT;
	kf_fail(&err, KF_EINVAL, "required", "subject", "subject is required");
	reply_kf(&resp, &err);
	assert_int_equal(resp.status, 400);
	assert_string_equal(code_of(&resp), "required");
	assert_string_equal(field_of(&resp), "subject");
	assert_string_equal(message_of(&resp), "subject is required");

	struct kf_error e2 = KF_ERROR_INIT;
	kf_fail(&e2, KF_ENOTFOUND, NULL, NULL, "nothing here");
	reply_kf(&resp, &e2);
	assert_int_equal(resp.status, 404);
	assert_string_equal(code_of(&resp), "not_found");
	assert_null(field_of(&resp));

	/* A hand-made error with no key gets the code's default key. */
	struct kf_error e3 = KF_ERROR_INIT;
	e3.code = KF_EEXIST;
	reply_kf(&resp, &e3);
	assert_int_equal(resp.status, 409);
	assert_string_equal(code_of(&resp), "exists");
	resp_release(&resp);
}

static void test_reply_kf_internal_hides_message(void **state)
{
	(void)state;
	static const int codes[] = { KF_EDB, KF_EIO, KF_EFOREIGN, -42 };
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		struct resp resp = { 0 };
		struct kf_error err = KF_ERROR_INIT;
		kf_fail(&err, codes[i], "secret_key", "password_hash",
		        "sqlite: no such table users (SELECT password_hash FROM users)");
		reply_kf(&resp, &err);
		assert_int_equal(resp.status, 500);
		assert_string_equal(code_of(&resp), "internal");
		assert_null(field_of(&resp));
		const char *body = body_of(&resp);
		assert_null(strstr(body, "sqlite"));
		assert_null(strstr(body, "password_hash"));
		assert_null(strstr(body, "secret_key"));
		resp_release(&resp);
	}
}

/* --- bodies --------------------------------------------------------------- */

static void test_resp_body(void **state)
{
	(void)state;
	struct resp resp = { 0 };
	const char *data = NULL, *type = NULL;
	size_t len = 0;
	reply_json(&resp, 201, json_pack("{s:i,s:s}", "id", 5, "name", "王芳"));
	assert_int_equal(resp.status, 201);
	assert_int_equal(resp_body(&resp, &data, &len, &type), 0);
	assert_string_equal(data, "{\"id\":5,\"name\":\"王芳\"}\n");
	assert_int_equal(len, strlen(data));
	assert_int_equal(data[len - 1], '\n');
	assert_string_equal(type, "application/json; charset=utf-8");
	/* Serialising twice gives the same bytes, not twice the bytes. */
	assert_int_equal(resp_body(&resp, &data, &len, &type), 0);
	assert_string_equal(data, "{\"id\":5,\"name\":\"王芳\"}\n");
	resp_release(&resp);

	/* A raw body is sent as it is, with its own type. */
	struct resp raw = { 0 };
	raw.status = 200;
	raw.content_type = "text/plain; charset=utf-8";
	assert_int_equal(buf_adds(&raw.body, "ok"), 0);
	assert_int_equal(resp_body(&raw, &data, &len, &type), 0);
	assert_string_equal(data, "ok");
	assert_int_equal(len, 2);
	assert_string_equal(type, "text/plain; charset=utf-8");
	resp_release(&raw);

	/* No body at all. */
	struct resp empty = { 0 };
	assert_int_equal(resp_body(&empty, &data, &len, &type), 0);
	assert_string_equal(data, "");
	assert_int_equal(len, 0);
	resp_release(&empty);
}

static void test_headers_and_etag(void **state)
{
	(void)state;
	struct resp resp = { 0 };
	reply_etag(&resp, 3);
	reply_header(&resp, "Retry-After", "12");
	assert_int_equal(resp.nheaders, 2);
	assert_string_equal(resp.header_names[0], "ETag");
	assert_string_equal(resp.header_values[0], "\"v3\"");
	assert_string_equal(resp.header_names[1], "Retry-After");
	assert_string_equal(resp.header_values[1], "12");
	resp_release(&resp);
	assert_int_equal(resp.nheaders, 0);
}

static void test_reply_page(void **state)
{
	(void)state;
	struct resp resp = { 0 };
	json_t *items = json_pack("[i,i]", 1, 2);
	reply_page(&resp, items, 2, 17);
	assert_int_equal(resp.status, 200);
	assert_int_equal(json_object_size(resp.json), 2);
	assert_int_equal(json_array_size(json_object_get(resp.json, "items")), 2);
	assert_string_equal(json_string_value(json_object_get(resp.json, "next_cursor")), "c17");
	/* A short page is the last one. */
	reply_page(&resp, json_pack("[i]", 1), 2, 17);
	assert_true(json_is_null(json_object_get(resp.json, "next_cursor")));
	reply_page(&resp, json_array(), 50, 0);
	assert_true(json_is_null(json_object_get(resp.json, "next_cursor")));
	resp_release(&resp);
}

/* --- request helpers ------------------------------------------------------ */

static void test_if_match(void **state)
{
	(void)state;
	static const struct {
		const char *header; /* If-Match, NULL = absent */
		int ok; /* 0 = accepted */
		int64_t version; /* when accepted */
		int status; /* when refused */
	} cases[] = {
		{ "\"v3\"", 1, 3, 0 },
		{ "W/\"v3\"", 1, 3, 0 },
		{ "\"v123456789012345678\"", 1, 123456789012345678, 0 },
		{ NULL, 0, 0, 428 },
		{ "garbage", 0, 0, 412 },
		{ "", 0, 0, 412 },
		{ "\"v\"", 0, 0, 412 },
		{ "\"3\"", 0, 0, 412 },
		{ "v3", 0, 0, 412 },
		{ "\"v0\"", 0, 0, 412 },
		{ "\"v03\"", 0, 0, 412 },
		{ "\"v-3\"", 0, 0, 412 },
		{ "\"v3", 0, 0, 412 },
		{ "\"v3x\"", 0, 0, 412 },
		{ "*", 0, 0, 412 },
		{ "W/", 0, 0, 412 },
		{ "\"v1234567890123456789\"", 0, 0, 412 },
		{ "\"v12345678901234567890123456789\"", 0, 0, 412 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_conn f = { .headers = { { "if-match", cases[i].header } } };
		struct req req = make_req(cases[i].header ? &f : NULL);
		struct resp resp = { 0 };
		int64_t v = -1;
		int rc = req_if_match(&req, &resp, &v);
		if (cases[i].ok) {
			if (rc != 0 || v != cases[i].version || resp.status != 0)
				fail_msg("If-Match %s: rc %d version %lld", cases[i].header, rc, (long long)v);
		} else {
			if (rc != -1 || resp.status != cases[i].status)
				fail_msg("If-Match %s: rc %d status %d, want %d",
				         cases[i].header ? cases[i].header : "(none)", rc, resp.status,
				         cases[i].status);
			assert_string_equal(code_of(&resp),
			                    cases[i].status == 428 ? "precondition_required" : "stale");
			assert_string_equal(field_of(&resp), "If-Match");
		}
		resp_release(&resp);
	}
}

static void test_etag_round_trip(void **state)
{
	(void)state;
	struct resp out = { 0 };
	reply_etag(&out, 41);
	struct fake_conn f = { .headers = { { "If-Match", out.header_values[0] } } };
	struct req req = make_req(&f);
	struct resp resp = { 0 };
	int64_t v = 0;
	assert_int_equal(req_if_match(&req, &resp, &v), 0);
	assert_int_equal(v, 41);
	resp_release(&out);
	resp_release(&resp);
}

static void test_page(void **state)
{
	(void)state;
	static const struct {
		const char *limit; /* ?limit=, NULL = absent */
		const char *cursor; /* ?cursor=, NULL = absent */
		int ok;
		int want_limit;
		int64_t want_after;
		const char *field; /* when refused */
	} cases[] = {
		{ NULL, NULL, 1, KF_DEFAULT_PAGE_SIZE, 0, NULL },
		{ "1", NULL, 1, 1, 0, NULL },
		{ "200", NULL, 1, KF_MAX_PAGE_SIZE, 0, NULL },
		{ NULL, "c123", 1, KF_DEFAULT_PAGE_SIZE, 123, NULL },
		{ "10", "c9", 1, 10, 9, NULL },
		{ NULL, "", 1, KF_DEFAULT_PAGE_SIZE, 0, NULL },
		{ "0", NULL, 0, 0, 0, "limit" },
		{ "201", NULL, 0, 0, 0, "limit" },
		{ "-1", NULL, 0, 0, 0, "limit" },
		{ "abc", NULL, 0, 0, 0, "limit" },
		{ "", NULL, 0, 0, 0, "limit" },
		{ "10x", NULL, 0, 0, 0, "limit" },
		{ "99999999999999999999", NULL, 0, 0, 0, "limit" },
		{ NULL, "123", 0, 0, 0, "cursor" },
		{ NULL, "c", 0, 0, 0, "cursor" },
		{ NULL, "c0", 0, 0, 0, "cursor" },
		{ NULL, "c-5", 0, 0, 0, "cursor" },
		{ NULL, "cabc", 0, 0, 0, "cursor" },
		{ NULL, "x123", 0, 0, 0, "cursor" },
		{ NULL, "c99999999999999999999", 0, 0, 0, "cursor" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_conn f = { .query = { { "limit", cases[i].limit }, { "cursor", cases[i].cursor } } };
		if (!cases[i].limit) {
			f.query[0][0] = "cursor";
			f.query[0][1] = cases[i].cursor;
			f.query[1][0] = NULL;
		}
		struct req req = make_req(&f);
		struct resp resp = { 0 };
		int limit = -1;
		int64_t after = -1;
		int rc = req_page(&req, &resp, &limit, &after);
		if (cases[i].ok) {
			if (rc != 0 || limit != cases[i].want_limit || after != cases[i].want_after ||
			    resp.status)
				fail_msg("case %zu: rc %d limit %d after %lld", i, rc, limit, (long long)after);
		} else {
			if (rc != -1 || resp.status != 400)
				fail_msg("case %zu: rc %d status %d, want 400", i, rc, resp.status);
			assert_string_equal(field_of(&resp), cases[i].field);
		}
		resp_release(&resp);
	}
	/* No connection at all (conn == NULL): the defaults. */
	struct req bare = make_req(NULL);
	struct resp resp = { 0 };
	int limit = 0;
	int64_t after = -1;
	assert_int_equal(req_page(&bare, &resp, &limit, &after), 0);
	assert_int_equal(limit, KF_DEFAULT_PAGE_SIZE);
	assert_int_equal(after, 0);
	resp_release(&resp);
}

static void test_param_id(void **state)
{
	(void)state;
	static const struct {
		const char *value; /* the :id segment */
		int ok;
		int64_t want;
	} cases[] = {
		{ "1", 1, 1 },
		{ "42", 1, 42 },
		{ "999999999999999999", 1, 999999999999999999 },
		{ "0", 0, 0 },
		{ "01", 0, 0 },
		{ "-1", 0, 0 },
		{ "1a", 0, 0 },
		{ "", 0, 0 },
		{ " 1", 0, 0 },
		{ "1000000000000000000", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char value[32];
		snprintf(value, sizeof(value), "%s", cases[i].value);
		struct req req = make_req(NULL);
		req.nparams = 1;
		req.param_names[0] = "id/rest";
		req.param_name_lens[0] = 2;
		req.param_values[0] = value;
		struct resp resp = { 0 };
		int64_t id = -1;
		int rc = req_param_id(&req, &resp, "id", &id);
		if (cases[i].ok ? rc != 0 || id != cases[i].want : rc != -1 || resp.status != 404)
			fail_msg("id '%s': rc %d id %lld status %d", cases[i].value, rc, (long long)id,
			         resp.status);
		resp_release(&resp);
	}
	/* A parameter that is not there is a 404, not a crash. */
	struct req req = make_req(NULL);
	struct resp resp = { 0 };
	int64_t id = 0;
	assert_int_equal(req_param_id(&req, &resp, "id", &id), -1);
	assert_int_equal(resp.status, 404);
	resp_release(&resp);
}

static void test_req_json(void **state)
{
	(void)state;
	static const char body[] = "{\"name\": \"x\"}";
	struct fake_conn json_ct = { .headers = { { "Content-Type", "application/json; charset=utf-8" } } };
	struct req req = make_req(&json_ct);
	struct resp resp = { 0 };
	req.body = body;
	req.body_len = sizeof(body) - 1;
	assert_int_equal(req_json(&req, &resp), 0);
	assert_string_equal(json_string_value(json_object_get(req.json, "name")), "x");
	assert_int_equal(resp.status, 0);
	/* Called again, the old object is freed, not leaked. */
	assert_int_equal(req_json(&req, &resp), 0);
	json_decref(req.json);

	/* No Content-Type is taken as JSON. */
	struct req bare = make_req(NULL);
	bare.body = body;
	bare.body_len = sizeof(body) - 1;
	assert_int_equal(req_json(&bare, &resp), 0);
	json_decref(bare.json);

	struct fake_conn text_ct = { .headers = { { "content-type", "text/plain" } } };
	struct req text = make_req(&text_ct);
	text.body = body;
	text.body_len = sizeof(body) - 1;
	assert_int_equal(req_json(&text, &resp), -1);
	assert_int_equal(resp.status, 415);
	assert_string_equal(code_of(&resp), "unsupported_media_type");
	assert_null(text.json);

	struct req empty = make_req(&json_ct);
	assert_int_equal(req_json(&empty, &resp), -1);
	assert_int_equal(resp.status, 400);
	assert_string_equal(code_of(&resp), "bad_json");
	assert_null(empty.json);

	struct req bad = make_req(&json_ct);
	bad.body = "{\"a\":";
	bad.body_len = 5;
	assert_int_equal(req_json(&bad, &resp), -1);
	assert_int_equal(resp.status, 400);
	assert_non_null(strstr(message_of(&resp), "line 1, column"));
	resp_release(&resp);
}

/* --- localisation --------------------------------------------------------- */

/* Every error code the API sends (reply_error codes and kf_fail keys in src/http, src/auth). */
static const char *const api_codes[] = {
	"invalid",
	"required",
	"type",
	"range",
	"too_long",
	"unknown_field",
	"bad_json",
	"not_utf8",
	"not_found",
	"method_not_allowed",
	"unauthenticated",
	"bad_credentials",
	"forbidden",
	"csrf",
	"conflict",
	"exists",
	"stale",
	"precondition_required",
	"too_large",
	"headers_too_large",
	"uri_too_long",
	"timeout",
	"unsupported_media_type",
	"rate_limited",
	"idempotency_mismatch",
	"idempotency_in_progress",
	"busy",
	"internal",
	"too_many_arguments",
	"disabled",
	"weak_password",
	"last_admin",
};

static void test_i18n_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(api_codes) / sizeof(api_codes[0]); i++) {
		char out[KF_ERR_MSG_MAX];
		if (!i18n_error_known(api_codes[i]))
			fail_msg("error code %s has no Chinese message", api_codes[i]);
		assert_int_equal(i18n_error_zh(api_codes[i], "f", out, sizeof(out)), 0);
		assert_true(out[0] != '\0');
		assert_null(strstr(out, "%s"));
	}
	char out[64] = "untouched";
	assert_false(i18n_error_known("no_such_code"));
	assert_false(i18n_error_known(""));
	assert_int_equal(i18n_error_zh("no_such_code", "f", out, sizeof(out)), -1);
	assert_string_equal(out, "untouched");
}

static void test_i18n_field(void **state)
{
	(void)state;
	char out[KF_ERR_MSG_MAX];
	assert_int_equal(i18n_error_zh("required", "subject", out, sizeof(out)), 0);
	assert_string_equal(out, "请填写：subject");
	assert_int_equal(i18n_error_zh("exists", "username", out, sizeof(out)), 0);
	assert_string_equal(out, "“username”已存在");
	assert_int_equal(i18n_error_zh("required", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "请填写：");
	assert_int_equal(i18n_error_zh("not_found", "id", out, sizeof(out)), 0);
	assert_string_equal(out, "未找到请求的资源");
	/* A small buffer is truncated, never overrun. */
	char tiny[8];
	assert_int_equal(i18n_error_zh("required", "subject", tiny, sizeof(tiny)), 0);
	assert_true(strlen(tiny) <= sizeof(tiny) - 1);
	assert_int_equal(json_utf8_bad(tiny, strlen(tiny)), -1); /* no character cut in half */
	/* Field labels: the reader's words, the last part of a nested name, else the name. */
	assert_string_equal(i18n_field_label("category_id", 0), "category");
	assert_string_equal(i18n_field_label("category_id", 1), "类别");
	assert_string_equal(i18n_field_label("window_override_reason", 1), "超期退货的理由");
	assert_string_equal(i18n_field_label("addresses[0].line", 1), "详细地址");
	assert_string_equal(i18n_field_label("no_such_field", 1), "no_such_field");
	i18n_fields_join("subject,category_id", 1, out, sizeof(out));
	assert_string_equal(out, "主题、类别");
	i18n_fields_join("subject,category_id", 0, out, sizeof(out));
	assert_string_equal(out, "subject, category");
	/* English messages: the error's field at the start and snake_case field names anywhere. */
	i18n_relabel_en("category_id must be a whole number", "category_id", out, sizeof(out));
	assert_string_equal(out, "category must be a whole number");
	i18n_relabel_en("by must be one of day, week", "by", out, sizeof(out));
	assert_string_equal(out, "grouping must be one of day, week");
	i18n_relabel_en("needs root_cause and responsible_department", "investigation_notes", out, sizeof(out));
	assert_string_equal(out, "needs root cause and responsible department");
	/* Paths, quoted values, unknown names and ordinary words stay. */
	i18n_relabel_en("addresses[0].line is required", "addresses[0].line", out, sizeof(out));
	assert_string_equal(out, "addresses[0].line is required");
	i18n_relabel_en("no such state 'customer_id' or no_such_field at 客户", NULL, out, sizeof(out));
	assert_string_equal(out, "no such state 'customer_id' or no_such_field at 客户");
	i18n_relabel_en("value must be at most 5", "at", out, sizeof(out));
	assert_string_equal(out, "value must be at most 5");
}

static void test_localise(void **state)
{
	(void)state;
	struct fake_conn zh = { .headers = { { "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8" } } };
	struct fake_conn en = { .headers = { { "Accept-Language", "en-US" } } };
	struct req rzh = make_req(&zh), ren = make_req(&en), rnone = make_req(NULL);
	struct resp resp = { 0 };
	reply_error(&resp, 400, "type", "category_id", "category_id must be a whole number");
	reply_localise(&ren, &resp);
	assert_string_equal(message_of(&resp), "category must be a whole number");
	assert_string_equal(field_of(&resp), "category_id");
	reply_error(&resp, 400, "required", "subject", "subject is required");
	reply_localise(&ren, &resp);
	assert_string_equal(message_of(&resp), "Please fill in: subject");
	reply_localise(&rnone, &resp);
	assert_string_equal(message_of(&resp), "Please fill in: subject");
	reply_localise(&rzh, &resp);
	assert_string_equal(message_of(&resp), "请填写：主题");
	assert_string_equal(code_of(&resp), "required");
	assert_string_equal(field_of(&resp), "subject");
	/* Unknown codes keep the English text; successes are left alone. */
	reply_error(&resp, 400, "no_such_code", NULL, "english");
	reply_localise(&rzh, &resp);
	assert_string_equal(message_of(&resp), "english");
	reply_json(&resp, 200, json_pack("{s:s}", "message", "hello"));
	reply_localise(&rzh, &resp);
	assert_string_equal(json_string_value(json_object_get(resp.json, "message")), "hello");
	resp_release(&resp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_for),
		cmocka_unit_test(test_reply_error_shape),
		cmocka_unit_test(test_reply_error_long_message),
		cmocka_unit_test(test_reply_kf_truncated_utf8),
		cmocka_unit_test(test_reply_kf),
		cmocka_unit_test(test_reply_kf_internal_hides_message),
		cmocka_unit_test(test_resp_body),
		cmocka_unit_test(test_headers_and_etag),
		cmocka_unit_test(test_reply_page),
		cmocka_unit_test(test_if_match),
		cmocka_unit_test(test_etag_round_trip),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_param_id),
		cmocka_unit_test(test_req_json),
		cmocka_unit_test(test_i18n_known),
		cmocka_unit_test(test_i18n_field),
		cmocka_unit_test(test_localise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
