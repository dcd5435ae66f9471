/*
 * test_openapi.c - docs/openapi.json against the route table
 * (http/routes.c): every route is documented with a summary, responses,
 * its path parameters and the right security; idempotent POSTs take
 * Idempotency-Key and PATCHes If-Match; and every operation in the
 * document is a route.  Failures are collected and listed together, one
 * line per route.  Tests run from the repository root.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "base/buf.h"
#include "http/api.h"
#include "http/router.h"
#include "base/banned.h"

#define OPENAPI_PATH "docs/openapi.json"

static json_t *doc;

static int setup(void **state)
{
	(void)state;
	json_error_t je;
	doc = json_load_file(OPENAPI_PATH, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		print_error("%s:%d:%d: %s\n", OPENAPI_PATH, je.line, je.column, je.text);
	return doc ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(doc);
	return 0;
}

/* The operation for a route, or NULL. */
static json_t *operation(const struct route *r)
{
	char path[256], method[16];
	size_t i = 0;
	if (router_openapi_path(r->pattern, path, sizeof(path)) < 0)
		return NULL;
	for (; r->method[i] && i < sizeof(method) - 1; i++)
		method[i] = (char)tolower((unsigned char)r->method[i]);
	method[i] = '\0';
	return json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
}

/* Follow a local "$ref" ("#/components/parameters/Id") once. */
static json_t *deref(json_t *j)
{
	const char *ref = json_string_value(json_object_get(j, "$ref"));
	if (!ref || strncmp(ref, "#/", 2) != 0)
		return j;
	char part[128];
	json_t *at = doc;
	for (const char *p = ref + 2; at && *p;) {
		size_t n = strcspn(p, "/");
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		at = json_object_get(at, part);
		p += n + (p[n] == '/');
	}
	return at;
}

/* Whether op declares parameter name in place ("path", "header", "query"). */
static int has_param(json_t *op, const char *in, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(op, "parameters"), i, p)
	{
		json_t *d = deref(p);
		const char *pin = json_string_value(json_object_get(d, "in"));
		const char *pname = json_string_value(json_object_get(d, "name"));
		if (pin && pname && strcmp(pin, in) == 0 && strcasecmp(pname, name) == 0)
			return 1;
	}
	return 0;
}

/* Whether the operation's security lists scheme (and the scheme is defined). */
static int has_scheme(json_t *op, const char *scheme)
{
	size_t i;
	json_t *req;
	json_t *schemes = json_object_get(json_object_get(doc, "components"), "securitySchemes");
	if (!json_object_get(schemes, scheme))
		return 0;
	json_array_foreach(json_object_get(op, "security"), i, req) if (json_object_get(req, scheme)) return 1;
	return 0;
}

/* Each ":name" of the pattern is a declared path parameter. */
static void check_path_params(const struct route *r, json_t *op, struct buf *why)
{
	for (const char *p = strchr(r->pattern, ':'); p; p = strchr(p + 1, ':')) {
		char name[64];
		size_t n = strcspn(p + 1, "/");
		snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
		if (!has_param(op, "path", name))
			buf_addf(why, " path parameter %s not declared;", name);
	}
}

static void check_security(const struct route *r, json_t *op, struct buf *why)
{
	json_t *sec = json_object_get(op, "security");
	if (!json_is_array(sec)) {
		buf_adds(why, " no security (public routes need security: []);");
	} else if (r->flags & ROUTE_PUBLIC) {
		if (json_array_size(sec) != 0)
			buf_adds(why, " public route must have security: [];");
	} else if (json_array_size(sec) == 0) {
		buf_adds(why, " protected route declares no security;");
	} else if (r->flags & ROUTE_CUSTOMER) {
		if (!has_scheme(op, "portalCookie"))
			buf_adds(why, " customer route must use portalCookie;");
	} else if (!has_scheme(op, "cookieAuth") || !has_scheme(op, "bearerAuth")) {
		buf_adds(why, " staff route must allow cookieAuth and bearerAuth;");
	}
}

/* Everything wrong with one route's operation, appended to why. */
static void check_route(const struct route *r, json_t *op, struct buf *why)
{
	const char *summary = json_string_value(json_object_get(op, "summary"));
	json_t *responses = json_object_get(op, "responses");
	if (!summary || !*summary)
		buf_adds(why, " no summary;");
	if (!json_is_object(responses) || json_object_size(responses) == 0)
		buf_adds(why, " no responses;");
	if (!json_string_value(json_object_get(op, "operationId")))
		buf_adds(why, " no operationId;");
	if (!json_is_array(json_object_get(op, "tags")) || json_array_size(json_object_get(op, "tags")) == 0)
		buf_adds(why, " no tags;");
	check_path_params(r, op, why);
	check_security(r, op, why);
	if ((r->flags & ROUTE_IDEMPOTENT) && !has_param(op, "header", "Idempotency-Key"))
		buf_adds(why, " idempotent route must take the Idempotency-Key header;");
	if (strcmp(r->method, "PATCH") == 0 && !has_param(op, "header", "If-Match"))
		buf_adds(why, " PATCH must take the If-Match header;");
}

static void test_version(void **state)
{
	(void)state;
	const char *v = json_string_value(json_object_get(doc, "openapi"));
	assert_non_null(v);
	assert_int_equal(strncmp(v, "3.", 2), 0);
	assert_non_null(json_string_value(json_object_get(json_object_get(doc, "info"), "title")));
	assert_non_null(json_string_value(json_object_get(json_object_get(doc, "info"), "version")));
	assert_true(json_is_object(json_object_get(doc, "paths")));
}

static void test_every_route_documented(void **state)
{
	(void)state;
	struct buf report = BUF_INIT;
	int bad = 0;
	assert_true(api_routes_count > 0);
	for (size_t i = 0; i < api_routes_count; i++) {
		const struct route *r = &api_routes[i];
		struct buf why = BUF_INIT;
		json_t *op = operation(r);
		if (!op)
			buf_adds(&why, " missing from " OPENAPI_PATH ";");
		else
			check_route(r, op, &why);
		if (why.len) {
			buf_addf(&report, "\n  %s %s:%s", r->method, r->pattern, buf_cstr(&why));
			bad++;
		}
		buf_release(&why);
	}
	if (bad) {
		print_error("%d route(s) badly documented:%s\n", bad, buf_cstr(&report));
		buf_release(&report);
		fail_msg("%d route(s) badly documented in %s", bad, OPENAPI_PATH);
	}
	buf_release(&report);
}

/* Whether method+path (OpenAPI form) is a route. */
static int is_route(const char *method, const char *path)
{
	for (size_t i = 0; i < api_routes_count; i++) {
		char p[256];
		if (router_openapi_path(api_routes[i].pattern, p, sizeof(p)) == 0 && strcmp(p, path) == 0 &&
		    strcasecmp(api_routes[i].method, method) == 0)
			return 1;
	}
	return 0;
}

static int is_http_method(const char *k)
{
	static const char *const methods[] = { "get",  "put",   "post",  "delete", "options",
		                               "head", "patch", "trace", NULL };
	for (const char *const *m = methods; *m; m++)
		if (strcmp(*m, k) == 0)
			return 1;
	return 0;
}

static void test_every_operation_is_a_route(void **state)
{
	(void)state;
	struct buf report = BUF_INIT;
	int bad = 0;
	const char *path, *method;
	json_t *item, *op;
	json_object_foreach(json_object_get(doc, "paths"), path, item)
	{
		json_object_foreach(item, method, op)
		{
			if (!is_http_method(method) || is_route(method, path))
				continue;
			buf_addf(&report, "\n  %s %s", method, path);
			bad++;
		}
	}
	if (bad) {
		print_error("%d operation(s) in %s are not routes:%s\n", bad, OPENAPI_PATH, buf_cstr(&report));
		buf_release(&report);
		fail_msg("%d operation(s) in the document are not in api_routes", bad);
	}
	buf_release(&report);
}

static void test_operation_ids_unique(void **state)
{
	(void)state;
	json_t *seen = json_object();
	const char *path, *method;
	json_t *item, *op;
	int dup = 0;
	json_object_foreach(json_object_get(doc, "paths"), path, item)
	{
		json_object_foreach(item, method, op)
		{
			const char *id = json_string_value(json_object_get(op, "operationId"));
			if (!id)
				continue;
			if (json_object_get(seen, id)) {
				print_error("operationId %s used twice (%s %s)\n", id, method, path);
				dup++;
			}
			json_object_set_new(seen, id, json_true());
		}
	}
	json_decref(seen);
	assert_int_equal(dup, 0);
}

/* Every "$ref" in the document points at something. */
static int count_bad_refs(json_t *j)
{
	int bad = 0;
	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v)
		{
			if (strcmp(k, "$ref") == 0 && json_is_string(v) && !deref(j)) {
				print_error("dangling $ref %s\n", json_string_value(v));
				bad++;
			}
			bad += count_bad_refs(v);
		}
	} else if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) bad += count_bad_refs(v);
	}
	return bad;
}

static void test_refs_resolve(void **state)
{
	(void)state;
	assert_int_equal(count_bad_refs(doc), 0);
	/* The one error shape is what the document says errors look like. */
	json_t *ref = json_pack("{s:s}", "$ref", "#/components/schemas/Error");
	json_t *err = deref(ref);
	json_decref(ref);
	assert_non_null(err);
}

static void test_error_schema(void **state)
{
	(void)state;
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	json_t *e = json_object_get(json_object_get(json_object_get(schemas, "Error"), "properties"), "error");
	json_t *props = json_object_get(e, "properties");
	assert_non_null(props);
	assert_int_equal(json_object_size(props), 4);
	assert_non_null(json_object_get(props, "details")); /* optional: structured facts */
	assert_non_null(json_object_get(props, "code"));
	assert_non_null(json_object_get(props, "message"));
	assert_non_null(json_object_get(props, "field"));
	assert_true(json_is_true(json_object_get(json_object_get(props, "field"), "nullable")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_every_route_documented),
		cmocka_unit_test(test_every_operation_is_a_route),
		cmocka_unit_test(test_operation_ids_unique),
		cmocka_unit_test(test_refs_resolve),
		cmocka_unit_test(test_error_schema),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
