/*
 * fuzz_request.c - libFuzzer harness for what a request meets before a
 * handler runs: routing, the JSON body, the field getters, the error
 * reply, and (on the same bytes) config key = value parsing.
 *
 * Input layout: one selector byte, then the path up to the first '\n',
 * then the body.  The selector's low 3 bits pick the method; the body is
 * parsed as a JSON object and, when it is one, read with the getters the
 * handlers use.  The path doubles as a config line ("key=value") and as
 * a KEFU_* environment entry.  Beyond ASan/UBSan, the harness aborts when
 * an invariant the callers rely on breaks (a matched route with the wrong
 * method, an empty parameter, an Allow list without the route's method).
 *
 * Seeds: tests/fuzz/corpus/fuzz_request/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/json.h"
#include "base/limits.h"
#include "http/api.h"
#include "http/i18n_errors.h"
#include "http/router.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW" };

/* The key lists the handlers pass to json_only_keys. */
static const char *const keys_login[] = { "username", "password", NULL };
static const char *const keys_portal[] = { "login", "password", NULL };
static const char *const keys_user[] = { "username", "display_name", "role", "password", NULL };
static const char *const keys_patch[] = { "display_name", "email",     "role", "disabled",
	                                  "locale",       "time_zone", NULL };
static const char *const keys_token[] = { "name", NULL };
static const char *const keys_none[] = { NULL };
static const char *const *const key_lists[] = { keys_login, keys_portal, keys_user,
	                                        keys_patch, keys_token,  keys_none };

static void check(int ok)
{
	if (!ok)
		abort();
}

/* An error answer as dispatch.c and the handlers make it, serialised and freed. */
static void render_error(const struct kf_error *err, const char *path)
{
	struct resp resp = { 0 };
	const char *body = NULL, *type = NULL;
	size_t len = 0;
	char zh[KF_ERR_MSG_MAX];
	reply_kf(&resp, err);
	check(resp.status >= 400);
	resp_body(&resp, &body, &len, &type);
	check(body != NULL && type != NULL);
	reply_error(&resp, 404, "not_found", NULL, "no such resource: %s", path);
	resp_body(&resp, &body, &len, &type);
	resp_release(&resp);
	i18n_error_zh(err->key, err->field, zh, sizeof(zh));
}

/* Route the path under method; check what dispatch.c relies on. */
static void fuzz_route(const char *method, const char *path)
{
	struct route_match m;
	char oa[128];
	int i = router_match(api_routes, api_routes_count, method, path, &m);
	if (i >= 0) {
		const struct route *r = &api_routes[i];
		check((size_t)i < api_routes_count);
		check(strcmp(r->method, method) == 0 ||
		      (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0));
		check(m.nparams >= 0 && m.nparams <= KF_MAX_PATH_PARAMS);
		for (int p = 0; p < m.nparams; p++)
			check(m.values[p] && m.values[p][0] && !strchr(m.values[p], '/') && m.name_lens[p] > 0);
	} else if (i == ROUTER_BAD_METHOD) {
		check(m.allow[0] != '\0' && m.nparams == 0);
	} else {
		check(i == ROUTER_NOT_FOUND && m.nparams == 0);
	}
	route_match_release(&m);
	check(m.nparams == 0);
	router_openapi_path(path, oa, sizeof(oa));
}

/* Read every field of obj with every getter, as a handler might. */
static void fuzz_getters(json_t *obj, const char *path)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		struct kf_error err = KF_ERROR_INIT;
		const char *s = NULL;
		int64_t n = 0;
		int b = 0;
		if (json_get_str(obj, k, 1, KF_MAX_NAME_BYTES, &s, &err) < 0)
			render_error(&err, path);
		else
			check(s != NULL && strlen(s) <= KF_MAX_NAME_BYTES);
		json_get_str(obj, k, 0, KF_MAX_TEXT_CHARS, &s, &err);
		json_get_int(obj, k, 1, 1, KF_MAX_PAGE_SIZE, &n, &err);
		json_get_int(obj, k, 0, INT64_MIN, INT64_MAX, &n, &err);
		json_get_bool(obj, k, 0, &b, &err);
	}
	for (size_t i = 0; i < sizeof(key_lists) / sizeof(key_lists[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		if (json_only_keys(obj, key_lists[i], &err) < 0) {
			check(err.code == KF_EINVAL);
			render_error(&err, path);
		}
	}
}

static void fuzz_body(const char *body, size_t len, const char *path)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *obj = NULL;
	if (json_parse_object(body, len, &obj, &err) < 0) {
		check(obj == NULL && err.code == KF_EINVAL);
		render_error(&err, path);
		return;
	}
	check(json_is_object(obj));
	fuzz_getters(obj, path);
	struct resp resp = { 0 };
	const char *out = NULL, *type = NULL;
	size_t n = 0;
	reply_json(&resp, 200, obj);
	resp_body(&resp, &out, &n, &type);
	resp_release(&resp);
}

/* The path as "key=value" through config_set, and as a KEFU_ variable. */
static void fuzz_config(const char *line)
{
	struct kf_config c;
	struct kf_error err = KF_ERROR_INIT;
	char key[KF_MAX_CONFIG_LINE + 1], env[KF_MAX_CONFIG_LINE + 8];
	const char *eq = strchr(line, '=');
	size_t kl = eq ? (size_t)(eq - line) : strlen(line);
	if (kl > KF_MAX_CONFIG_LINE)
		return;
	memcpy(key, line, kl);
	key[kl] = '\0';
	config_defaults(&c);
	if (config_set(&c, key, eq ? eq + 1 : "", "fuzz", &err) < 0)
		check(err.code == KF_EINVAL && err.message[0] != '\0');
	check(memchr(c.db, '\0', sizeof(c.db)) && memchr(c.log_level, '\0', sizeof(c.log_level)));
	snprintf(env, sizeof(env), "KEFU_%s", line);
	char *envp[] = { env, NULL };
	config_load_env(&c, envp, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > KF_MAX_BODY_BYTES)
		return 0;
	const char *method = methods[data[0] & 7];
	const char *rest = (const char *)data + 1;
	size_t n = size - 1;
	const char *nl = memchr(rest, '\n', n);
	size_t plen = nl ? (size_t)(nl - rest) : n;
	if (plen > KF_MAX_URL_BYTES)
		return 0;
	/* NUL-terminated copies, as server.c hands them over. */
	char *path = malloc(plen + 1);
	size_t blen = nl ? n - plen - 1 : 0;
	char *body = malloc(blen + 1);
	if (!path || !body)
		abort();
	memcpy(path, rest, plen);
	path[plen] = '\0';
	if (blen)
		memcpy(body, nl + 1, blen);
	body[blen] = '\0';

	fuzz_route(method, path);
	fuzz_body(body, blen, path);
	if (data[0] & 0x80)
		fuzz_config(path);

	free(path);
	free(body);
	return 0;
}
