/*
 * test_router.c - http/router.c: literal and ":param" patterns, HEAD as
 * GET, 404 against 405 with the Allow list, the order of the table, the
 * OpenAPI form of a pattern.  ASan checks that route_match_release frees
 * every parameter copy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/router.h"
#include "base/banned.h"

static int h_any(struct req *req, struct resp *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

/* A small table in the shape of routes.c; the index is what router_match returns. */
static const struct route table[] = {
	/* method   pattern                  handler perm flags summary */
	{ "GET", "/", h_any, 0, 0, "root" }, /* 0 */
	{ "GET", "/api/v1/users", h_any, 0, 0, "list" }, /* 1 */
	{ "POST", "/api/v1/users", h_any, 0, 0, "create" }, /* 2 */
	{ "GET", "/api/v1/users/me", h_any, 0, 0, "literal first" }, /* 3 */
	{ "GET", "/api/v1/users/:id", h_any, 0, 0, "one" }, /* 4 */
	{ "PATCH", "/api/v1/users/:id", h_any, 0, 0, "change" }, /* 5 */
	{ "GET", "/a/:id/b/:x", h_any, 0, 0, "two params" }, /* 6 */
	{ "DELETE", "/a/:id/b/:x", h_any, 0, 0, "two params" }, /* 7 */
	{ "GET", "/t/:tid/c/:cid/r/:rid", h_any, 0, 0, "three" }, /* 8 */
	{ "GET", "/x/:any", h_any, 0, 0, "param first" }, /* 9 */
	{ "GET", "/x/literal", h_any, 0, 0, "shadowed literal" }, /* 10 */
};
#define NROUTES (sizeof(table) / sizeof(table[0]))

static int match(const char *method, const char *path, struct route_match *m)
{
	return router_match(table, NROUTES, method, path, m);
}

/* The value of parameter name, or NULL. */
static const char *param(const struct route_match *m, const char *name)
{
	for (int i = 0; i < m->nparams; i++)
		if (m->name_lens[i] == strlen(name) && memcmp(m->names[i], name, m->name_lens[i]) == 0)
			return m->values[i];
	return NULL;
}

static void test_literal(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(match("GET", "/api/v1/users", &m), 1);
	assert_int_equal(m.nparams, 0);
	route_match_release(&m);
	assert_int_equal(match("POST", "/api/v1/users", &m), 2);
	route_match_release(&m);
	assert_int_equal(match("GET", "/", &m), 0);
	route_match_release(&m);
}

static void test_param(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(match("GET", "/api/v1/users/42", &m), 4);
	assert_int_equal(m.nparams, 1);
	assert_string_equal(param(&m, "id"), "42");
	route_match_release(&m);
	assert_int_equal(m.nparams, 0);
	assert_null(m.values[0]);
	assert_int_equal(match("PATCH", "/api/v1/users/abc", &m), 5);
	assert_string_equal(param(&m, "id"), "abc");
	route_match_release(&m);
}

static void test_head_is_get(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(match("HEAD", "/api/v1/users", &m), 1);
	route_match_release(&m);
	assert_int_equal(match("HEAD", "/api/v1/users/7", &m), 4);
	assert_string_equal(param(&m, "id"), "7");
	route_match_release(&m);
}

static void test_not_found(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(match("GET", "/api/v1/nothing", &m), ROUTER_NOT_FOUND);
	assert_int_equal(m.nparams, 0);
	route_match_release(&m);
	assert_int_equal(match("GET", "/api/v1", &m), ROUTER_NOT_FOUND);
	route_match_release(&m);
	assert_int_equal(match("GET", "/api/v1/users/1/extra", &m), ROUTER_NOT_FOUND);
	route_match_release(&m);
	assert_int_equal(match("GET", "", &m), ROUTER_NOT_FOUND);
	route_match_release(&m);
	assert_int_equal(match("GET", "api/v1/users", &m), ROUTER_NOT_FOUND);
	route_match_release(&m);
}

static void test_bad_method_allow(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(match("DELETE", "/api/v1/users", &m), ROUTER_BAD_METHOD);
	assert_string_equal(m.allow, "GET, POST");
	assert_int_equal(m.nparams, 0);
	route_match_release(&m);
	assert_int_equal(match("PUT", "/api/v1/users/9", &m), ROUTER_BAD_METHOD);
	assert_string_equal(m.allow, "GET, PATCH");
	assert_int_equal(m.nparams, 0);
	route_match_release(&m);
	assert_int_equal(match("POST", "/a/1/b/2", &m), ROUTER_BAD_METHOD);
	assert_string_equal(m.allow, "GET, DELETE");
	route_match_release(&m);
}

static void test_trailing_slash_and_empty_segment(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(match("GET", "/api/v1/users/", &m), ROUTER_NOT_FOUND);
	route_match_release(&m);
	assert_int_equal(match("GET", "/api/v1//users", &m), ROUTER_NOT_FOUND);
	route_match_release(&m);
	assert_int_equal(match("GET", "/a//b/2", &m), ROUTER_NOT_FOUND);
	route_match_release(&m);
	assert_int_equal(match("GET", "/a/1/b/", &m), ROUTER_NOT_FOUND);
	route_match_release(&m);
	assert_int_equal(match("GET", "/a/1/b/2/", &m), ROUTER_NOT_FOUND);
	route_match_release(&m);
	assert_int_equal(match("GET", "//", &m), ROUTER_NOT_FOUND);
	route_match_release(&m);
}

static void test_several_params(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(match("GET", "/a/11/b/xyz", &m), 6);
	assert_int_equal(m.nparams, 2);
	assert_string_equal(param(&m, "id"), "11");
	assert_string_equal(param(&m, "x"), "xyz");
	route_match_release(&m);
	assert_int_equal(match("GET", "/t/1/c/22/r/333", &m), 8);
	assert_int_equal(m.nparams, 3);
	assert_string_equal(param(&m, "tid"), "1");
	assert_string_equal(param(&m, "cid"), "22");
	assert_string_equal(param(&m, "rid"), "333");
	assert_null(param(&m, "nope"));
	route_match_release(&m);
}

static void test_table_order(void **state)
{
	(void)state;
	struct route_match m;
	/* A literal listed before the parameter route wins... */
	assert_int_equal(match("GET", "/api/v1/users/me", &m), 3);
	assert_int_equal(m.nparams, 0);
	route_match_release(&m);
	/* ...and a parameter route listed first shadows the literal after it. */
	assert_int_equal(match("GET", "/x/literal", &m), 9);
	assert_string_equal(param(&m, "any"), "literal");
	route_match_release(&m);
}

static void test_openapi_path(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(router_openapi_path("/a/:id/b/:x", out, sizeof(out)), 0);
	assert_string_equal(out, "/a/{id}/b/{x}");
	assert_int_equal(router_openapi_path("/api/v1/users/:id/password", out, sizeof(out)), 0);
	assert_string_equal(out, "/api/v1/users/{id}/password");
	assert_int_equal(router_openapi_path("/healthz", out, sizeof(out)), 0);
	assert_string_equal(out, "/healthz");
	/* Too small a buffer is an error, never an overflow. */
	char tiny[8];
	assert_true(router_openapi_path("/a/:id/b/:x", tiny, sizeof(tiny)) < 0);
	assert_true(router_openapi_path("/abcdefg", tiny, sizeof(tiny)) < 0);
	assert_int_equal(router_openapi_path("/abcdef", tiny, sizeof(tiny)), 0);
	assert_string_equal(tiny, "/abcdef");
}

static void test_release_zeroed(void **state)
{
	(void)state;
	struct route_match m;
	memset(&m, 0, sizeof(m));
	route_match_release(&m);
	route_match_release(&m);
	assert_int_equal(m.nparams, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_param),
		cmocka_unit_test(test_head_is_get),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_bad_method_allow),
		cmocka_unit_test(test_trailing_slash_and_empty_segment),
		cmocka_unit_test(test_several_params),
		cmocka_unit_test(test_table_order),
		cmocka_unit_test(test_openapi_path),
		cmocka_unit_test(test_release_zeroed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
