/*
 * test_cache.c - the short-lived answer cache of public GET routes (http/cache.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "http/cache.h"

static int get(const char *key, int64_t now, const char *want)
{
	struct buf b = BUF_INIT;
	int found = cache_get(key, now, &b);
	if (found && want)
		assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
	return found;
}

static void test_fresh_and_ttl(void **state)
{
	(void)state;
	cache_clear();
	assert_int_equal(get("/a", 1000, NULL), 0);
	cache_put("/a", cache_generation(), 1000, "{\"a\":1}", 7);
	assert_int_equal(get("/a", 1000, "{\"a\":1}"), 1);
	assert_int_equal(get("/a", 1000 + CACHE_TTL_MS - 1, "{\"a\":1}"), 1);
	assert_int_equal(get("/a", 1000 + CACHE_TTL_MS, NULL), 0);
	assert_int_equal(get("/a", 999, NULL), 0); /* the clock went back: not trusted */
	assert_int_equal(get("/b", 1000, NULL), 0);
}

static void test_writes_invalidate(void **state)
{
	(void)state;
	cache_clear();
	uint64_t g = cache_generation();
	cache_put("/t/1", g, 5000, "old", 3);
	assert_int_equal(get("/t/1", 5001, "old"), 1);
	cache_bump();
	assert_int_equal(get("/t/1", 5001, NULL), 0);
	/* an answer computed before a write is not kept after it */
	cache_put("/t/1", g, 5002, "computed before the write", 25);
	assert_int_equal(get("/t/1", 5003, NULL), 0);
	cache_put("/t/1", cache_generation(), 5004, "new", 3);
	assert_int_equal(get("/t/1", 5005, "new"), 1);
}

static void test_limits(void **state)
{
	(void)state;
	char key[400];
	static char big[70 * 1024];
	cache_clear();
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	cache_put(key, cache_generation(), 1, "x", 1);
	assert_int_equal(get(key, 1, NULL), 0);
	memset(big, 'b', sizeof(big));
	cache_put("/big", cache_generation(), 1, big, sizeof(big));
	assert_int_equal(get("/big", 1, NULL), 0);
	/* many keys: each reads back its own answer or nothing, never another's */
	char k[32], v[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "/k/%d", i);
		snprintf(v, sizeof(v), "v%d", i);
		cache_put(k, cache_generation(), 10, v, strlen(v));
	}
	int found = 0;
	for (int i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "/k/%d", i);
		snprintf(v, sizeof(v), "v%d", i);
		found += get(k, 10, v);
	}
	assert_true(found > 0 && found <= 1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_and_ttl),
		cmocka_unit_test(test_writes_invalidate),
		cmocka_unit_test(test_limits),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cache_clear();
	return rc;
}
