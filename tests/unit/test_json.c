/*
 * test_json.c - base/json.c (request bodies and the field getters) and
 * base/buf.c (the capped buffer and JSON string escaping).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/banned.h"

/* Parse text (a C string); the caller frees *out. */
static int parse(const char *text, json_t **out, struct kf_error *err)
{
	return json_parse_object(text, strlen(text), out, err);
}

/* Parse text that must be a valid object. */
static json_t *obj(const char *text)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *j = NULL;
	assert_int_equal(parse(text, &j, &err), 0);
	assert_non_null(j);
	return j;
}

/* Assert a refusal with key and field as given. */
static void assert_fail(int rc, const struct kf_error *err, const char *key, const char *field)
{
	assert_int_equal(rc, KF_EINVAL);
	assert_int_equal(err->code, KF_EINVAL);
	assert_string_equal(err->key, key);
	assert_string_equal(err->field, field);
	assert_true(err->message[0] != '\0');
}

/* A body nested depth levels deep: {"a": [[...]]}. */
static void nested(struct buf *b, int depth)
{
	buf_reset(b);
	assert_int_equal(buf_adds(b, "{\"a\":"), 0);
	for (int i = 1; i < depth; i++)
		assert_int_equal(buf_addch(b, '['), 0);
	for (int i = 1; i < depth; i++)
		assert_int_equal(buf_addch(b, ']'), 0);
	assert_int_equal(buf_addch(b, '}'), 0);
}

/* --- json_parse_object ---------------------------------------------------- */

static void test_parse_ok(void **state)
{
	(void)state;
	json_t *j = obj("{\"a\": 1, \"b\": \"x\", \"c\": [1, 2, {\"d\": null}]}");
	assert_int_equal(json_object_size(j), 3);
	json_decref(j);
}

static void test_parse_empty(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	json_t *j = (json_t *)&err; /* must be reset to NULL */
	assert_int_equal(json_parse_object("", 0, &j, &err), KF_EINVAL);
	assert_null(j);
	assert_string_equal(err.key, "bad_json");
	assert_non_null(strstr(err.message, "empty"));
	struct kf_error err2 = KF_ERROR_INIT;
	assert_int_equal(json_parse_object(NULL, 0, &j, &err2), KF_EINVAL);
	assert_string_equal(err2.key, "bad_json");
}

static void test_parse_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = { "{\"a\":}", "{", "{\"a\" 1}", "   ", "{\"a\":1,}", "nul" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		json_t *j = NULL;
		assert_int_equal(parse(bad[i], &j, &err), KF_EINVAL);
		assert_null(j);
		assert_string_equal(err.key, "bad_json");
		assert_string_equal(err.field, "");
		assert_non_null(strstr(err.message, "line 1, column"));
		assert_non_null(strstr(err.message, "byte"));
	}
}

/* Issue 12 item 11: the reason is in plain words, never jansson's own text. */
static void test_parse_plain_words(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *says;
	} cases[] = {
		{ "{\"a\": \"x\\u0000y\"}", "NUL character" },
		{ "{\"a\": \"\xff\xfe\"}", "not valid UTF-8" },
		{ "{\"a\": [1, 2", "ends too early" },
		{ "{\"a\": 1} x", "more text after" },
		{ "{\"a\": 1, \"a\": 2}", "same member twice" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		json_t *j = NULL;
		assert_int_equal(parse(cases[i].text, &j, &err), KF_EINVAL);
		assert_non_null(strstr(err.message, cases[i].says));
		assert_null(strstr(err.message, "JSON_"));
		assert_null(strstr(err.message, "near '"));
	}
}

static void test_parse_non_object(void **state)
{
	(void)state;
	static const char *const bad[] = { "[1, 2]", "[]", "\"text\"", "42", "true", "null" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		json_t *j = NULL;
		assert_int_equal(parse(bad[i], &j, &err), KF_EINVAL);
		assert_null(j);
		assert_string_equal(err.key, "bad_json");
	}
	struct kf_error err = KF_ERROR_INIT;
	json_t *j = NULL;
	assert_int_equal(parse("[1]", &j, &err), KF_EINVAL);
	assert_non_null(strstr(err.message, "object"));
}

static void test_parse_duplicate_keys(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	json_t *j = NULL;
	assert_int_equal(parse("{\"a\": 1, \"a\": 2}", &j, &err), KF_EINVAL);
	assert_null(j);
	assert_string_equal(err.key, "bad_json");
	struct kf_error err2 = KF_ERROR_INIT;
	assert_int_equal(parse("{\"o\": {\"k\": 1, \"k\": 1}}", &j, &err2), KF_EINVAL);
	assert_null(j);
}

static void test_parse_depth(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct kf_error err = KF_ERROR_INIT;
	json_t *j = NULL;
	nested(&b, KF_MAX_JSON_DEPTH);
	assert_int_equal(json_parse_object(b.p, b.len, &j, &err), 0);
	assert_non_null(j);
	json_decref(j);
	nested(&b, KF_MAX_JSON_DEPTH + 1);
	assert_int_equal(json_parse_object(b.p, b.len, &j, &err), KF_EINVAL);
	assert_null(j);
	assert_string_equal(err.key, "bad_json");
	assert_non_null(strstr(err.message, "32"));
	/* Brackets inside strings do not count. */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "{\"s\":\""), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf_adds(&b, "[{\\\""), 0);
	assert_int_equal(buf_adds(&b, "\"}"), 0);
	assert_int_equal(json_parse_object(b.p, b.len, &j, &err), 0);
	json_decref(j);
	buf_release(&b);
}

static void test_parse_bad_utf8(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"{\"a\": \"\xff\"}", /* never valid */
		"{\"a\": \"\xc3\"}", /* truncated sequence */
		"{\"a\": \"\xc0\xaf\"}", /* overlong '/' */
		"{\"\xed\xa0\x80\": 1}", /* a surrogate, as a key */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		json_t *j = NULL;
		assert_int_equal(parse(bad[i], &j, &err), KF_EINVAL);
		assert_null(j);
		assert_string_equal(err.key, "not_utf8");
		assert_non_null(strstr(err.message, "line 1, column"));
	}
	json_t *j = obj("{\"name\": \"客服 \xf0\x9f\x98\x80\"}");
	assert_string_equal(json_string_value(json_object_get(j, "name")), "客服 \xf0\x9f\x98\x80");
	json_decref(j);
}

static void test_utf8_bad(void **state)
{
	(void)state;
	assert_int_equal(json_utf8_bad("abc 客服 \xf0\x9f\x98\x80", 15), -1);
	assert_int_equal(json_utf8_bad("ab\xff\xfe", 4), 2);
	assert_int_equal(json_utf8_bad("\xc3\x28", 2), 0);
	assert_int_equal(json_utf8_bad("x\xe5\xae", 3), 1); /* cut short */
	assert_int_equal(json_utf8_bad("\xed\xa0\x80", 3), 0); /* surrogate */
	assert_int_equal(json_utf8_bad("\xf4\x90\x80\x80", 4), 0); /* above U+10FFFF */
}

/* json_text never drops a value: invalid bytes become U+FFFD. */
static void test_json_text(void **state)
{
	(void)state;
	json_t *j = json_text("SO-\xff\xfe-1");
	assert_non_null(j);
	assert_string_equal(json_string_value(j), "SO-\xef\xbf\xbd\xef\xbf\xbd-1");
	json_decref(j);
	j = json_text("订单 1");
	assert_string_equal(json_string_value(j), "订单 1");
	json_decref(j);
	j = json_text(NULL);
	assert_true(json_is_null(j));
	json_decref(j);
}

static void test_parse_embedded_nul(void **state)
{
	(void)state;
	static const char text[] = "{\"a\": 1}\0garbage";
	struct kf_error err = KF_ERROR_INIT;
	json_t *j = NULL;
	assert_int_equal(json_parse_object(text, sizeof(text) - 1, &j, &err), KF_EINVAL);
	assert_null(j);
	struct kf_error err2 = KF_ERROR_INIT;
	assert_int_equal(parse("{\"a\": \"x\\u0000y\"}", &j, &err2), KF_EINVAL);
	assert_null(j);
	assert_string_equal(err2.key, "bad_json");
}

/* --- getters -------------------------------------------------------------- */

static void test_get_str(void **state)
{
	(void)state;
	json_t *j = obj("{\"name\": \"Li Lei\", \"n\": 5, \"null\": null, \"blank\": \" \\t \","
	                " \"empty\": \"\", \"long\": \"abcdef\", \"zh\": \"王芳\"}");
	struct kf_error err = KF_ERROR_INIT;
	const char *s = "untouched";
	/* Bodies cannot carry \u0000 (json_parse_object refuses it), but built objects can. */
	json_object_set_new(j, "nul", json_stringn("a\0b", 3));

	assert_int_equal(json_get_str(j, "name", 1, 64, &s, &err), 1);
	assert_string_equal(s, "Li Lei");
	assert_int_equal(err.code, 0);

	s = "untouched";
	assert_int_equal(json_get_str(j, "missing", 0, 64, &s, &err), 0);
	assert_string_equal(s, "untouched");
	assert_int_equal(json_get_str(j, "null", 0, 64, &s, &err), 0);
	assert_string_equal(s, "untouched");
	assert_int_equal(err.code, 0);

	struct kf_error e1 = KF_ERROR_INIT;
	assert_fail(json_get_str(j, "missing", 1, 64, &s, &e1), &e1, "required", "missing");
	struct kf_error e2 = KF_ERROR_INIT;
	assert_fail(json_get_str(j, "null", 1, 64, &s, &e2), &e2, "required", "null");
	struct kf_error e3 = KF_ERROR_INIT;
	assert_fail(json_get_str(j, "n", 0, 64, &s, &e3), &e3, "type", "n");
	struct kf_error e4 = KF_ERROR_INIT;
	assert_fail(json_get_str(j, "long", 0, 5, &s, &e4), &e4, "too_long", "long");
	assert_non_null(strstr(e4.message, "5"));
	struct kf_error e5 = KF_ERROR_INIT;
	assert_fail(json_get_str(j, "blank", 1, 64, &s, &e5), &e5, "required", "blank");
	struct kf_error e6 = KF_ERROR_INIT;
	assert_fail(json_get_str(j, "empty", 1, 64, &s, &e6), &e6, "required", "empty");
	struct kf_error e7 = KF_ERROR_INIT;
	assert_fail(json_get_str(j, "nul", 0, 64, &s, &e7), &e7, "invalid", "nul");
	assert_string_equal(s, "untouched");

	/* At the cap exactly is fine; the cap counts bytes, not characters. */
	assert_int_equal(json_get_str(j, "long", 0, 6, &s, &err), 1);
	assert_string_equal(s, "abcdef");
	assert_int_equal(json_get_str(j, "zh", 1, 6, &s, &err), 1);
	struct kf_error e8 = KF_ERROR_INIT;
	assert_fail(json_get_str(j, "zh", 1, 5, &s, &e8), &e8, "too_long", "zh");
	/* An optional empty string is a value ("" clears e-mail in a PATCH). */
	assert_int_equal(json_get_str(j, "empty", 0, 64, &s, &err), 1);
	assert_string_equal(s, "");
	json_decref(j);
}

static void test_get_int(void **state)
{
	(void)state;
	json_t *j = obj("{\"n\": 7, \"neg\": -3, \"s\": \"7\", \"r\": 7.0, \"b\": true, \"null\": null,"
	                " \"big\": 9223372036854775807}");
	struct kf_error err = KF_ERROR_INIT;
	int64_t v = -99;
	assert_int_equal(json_get_int(j, "n", 1, 1, 10, &v, &err), 1);
	assert_int_equal(v, 7);
	assert_int_equal(json_get_int(j, "n", 1, 7, 7, &v, &err), 1);
	assert_int_equal(json_get_int(j, "neg", 1, -3, 0, &v, &err), 1);
	assert_int_equal(v, -3);
	assert_int_equal(json_get_int(j, "big", 1, INT64_MIN, INT64_MAX, &v, &err), 1);
	assert_true(v == INT64_MAX);
	assert_int_equal(err.code, 0);

	v = -99;
	assert_int_equal(json_get_int(j, "missing", 0, 0, 10, &v, &err), 0);
	assert_int_equal(json_get_int(j, "null", 0, 0, 10, &v, &err), 0);
	assert_int_equal(v, -99);

	struct kf_error e1 = KF_ERROR_INIT;
	assert_fail(json_get_int(j, "missing", 1, 0, 10, &v, &e1), &e1, "required", "missing");
	struct kf_error e2 = KF_ERROR_INIT;
	assert_fail(json_get_int(j, "s", 1, 0, 10, &v, &e2), &e2, "type", "s");
	struct kf_error e3 = KF_ERROR_INIT;
	assert_fail(json_get_int(j, "r", 1, 0, 10, &v, &e3), &e3, "type", "r");
	struct kf_error e4 = KF_ERROR_INIT;
	assert_fail(json_get_int(j, "b", 1, 0, 10, &v, &e4), &e4, "type", "b");
	struct kf_error e5 = KF_ERROR_INIT;
	assert_fail(json_get_int(j, "n", 1, 8, 10, &v, &e5), &e5, "range", "n");
	assert_non_null(strstr(e5.message, "8"));
	assert_non_null(strstr(e5.message, "10"));
	struct kf_error e6 = KF_ERROR_INIT;
	assert_fail(json_get_int(j, "n", 1, 1, 6, &v, &e6), &e6, "range", "n");
	struct kf_error e7 = KF_ERROR_INIT;
	assert_fail(json_get_int(j, "neg", 0, 0, 10, &v, &e7), &e7, "range", "neg");
	assert_int_equal(v, -99);
	json_decref(j);
}

static void test_get_bool(void **state)
{
	(void)state;
	json_t *j = obj("{\"t\": true, \"f\": false, \"one\": 1, \"s\": \"true\", \"null\": null}");
	struct kf_error err = KF_ERROR_INIT;
	int v = -1;
	assert_int_equal(json_get_bool(j, "t", 1, &v, &err), 1);
	assert_int_equal(v, 1);
	assert_int_equal(json_get_bool(j, "f", 1, &v, &err), 1);
	assert_int_equal(v, 0);
	v = -1;
	assert_int_equal(json_get_bool(j, "missing", 0, &v, &err), 0);
	assert_int_equal(json_get_bool(j, "null", 0, &v, &err), 0);
	assert_int_equal(v, -1);
	assert_int_equal(err.code, 0);
	struct kf_error e1 = KF_ERROR_INIT;
	assert_fail(json_get_bool(j, "missing", 1, &v, &e1), &e1, "required", "missing");
	struct kf_error e2 = KF_ERROR_INIT;
	assert_fail(json_get_bool(j, "one", 0, &v, &e2), &e2, "type", "one");
	struct kf_error e3 = KF_ERROR_INIT;
	assert_fail(json_get_bool(j, "s", 0, &v, &e3), &e3, "type", "s");
	assert_int_equal(v, -1);
	json_decref(j);
}

static void test_only_keys(void **state)
{
	(void)state;
	static const char *const keys[] = { "username", "password", NULL };
	static const char *const none[] = { NULL };
	struct kf_error err = KF_ERROR_INIT;
	json_t *ok = obj("{\"username\": \"a\", \"password\": \"b\"}");
	assert_int_equal(json_only_keys(ok, keys, &err), 0);
	assert_int_equal(err.code, 0);
	json_t *empty = obj("{}");
	assert_int_equal(json_only_keys(empty, none, &err), 0);
	json_t *bad = obj("{\"username\": \"a\", \"is_admin\": true}");
	assert_fail(json_only_keys(bad, keys, &err), &err, "unknown_field", "is_admin");
	assert_non_null(strstr(err.message, "is_admin"));
	struct kf_error e2 = KF_ERROR_INIT;
	assert_fail(json_only_keys(ok, none, &e2), &e2, "unknown_field", e2.field);
	assert_true(strcmp(e2.field, "username") == 0 || strcmp(e2.field, "password") == 0);
	json_decref(ok);
	json_decref(empty);
	json_decref(bad);
}

static void test_str_or_null(void **state)
{
	(void)state;
	json_t *a = json_str_or_null(NULL), *b = json_str_or_null("x");
	assert_true(json_is_null(a));
	assert_string_equal(json_string_value(b), "x");
	json_decref(a);
	json_decref(b);
}

/* --- buf ------------------------------------------------------------------ */

static void test_buf_basic(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(buf_adds(&b, "ab"), 0);
	assert_int_equal(buf_addch(&b, 'c'), 0);
	assert_int_equal(buf_add(&b, "d\0e", 3), 0);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.p, "abcd\0e", 7);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(buf_addf(&b, "%d-%s", 42, "x"), 0);
	assert_string_equal(buf_cstr(&b), "42-x");
	size_t n = 0;
	char *p = buf_detach(&b, &n);
	assert_string_equal(p, "42-x");
	assert_int_equal(n, 4);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	free(p);
	p = buf_detach(&b, &n);
	assert_string_equal(p, "");
	assert_int_equal(n, 0);
	free(p);
	buf_release(&b);
}

static void test_buf_cap(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	b.max = 8;
	assert_int_equal(buf_adds(&b, "12345678"), 0);
	assert_int_equal(buf_addch(&b, 'x'), KF_ETOOBIG);
	assert_int_equal(buf_adds(&b, "xy"), KF_ETOOBIG);
	assert_int_equal(buf_addf(&b, "%s", "z"), KF_ETOOBIG);
	assert_int_equal(buf_addf(&b, "%300s", "z"), KF_ETOOBIG);
	assert_int_equal(buf_add(&b, "q", SIZE_MAX), KF_ETOOBIG);
	assert_int_equal(b.len, 8);
	assert_string_equal(buf_cstr(&b), "12345678");
	/* Adding nothing at the cap is fine. */
	assert_int_equal(buf_add(&b, "", 0), 0);
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "1234"), 0);
	assert_int_equal(buf_adds(&b, "56789"), KF_ETOOBIG);
	assert_string_equal(buf_cstr(&b), "1234");
	assert_int_equal(buf_adds(&b, "5678"), 0);
	assert_string_equal(buf_cstr(&b), "12345678");
	buf_release(&b);
	assert_int_equal(b.max, 8);
}

static void test_buf_cap_json_str(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	b.max = 8;
	assert_int_equal(buf_adds(&b, "ab"), 0);
	/* "\"0123456\"" needs 9 bytes: refused, and the buffer is as it was. */
	int rc = buf_add_json_str(&b, "0123456", 7);
	char after[16];
	snprintf(after, sizeof(after), "%s", buf_cstr(&b));
	buf_release(&b);
	assert_int_equal(rc, KF_ETOOBIG);
	assert_string_equal(after, "ab");
}

static void test_buf_addf_long(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	char big[1001];
	memset(big, 'x', 1000);
	big[1000] = '\0';
	assert_int_equal(buf_adds(&b, "<"), 0);
	assert_int_equal(buf_addf(&b, "%s|%d|%s", big, 12345, big), 0);
	assert_int_equal(b.len, 1 + 1000 + 1 + 5 + 1 + 1000);
	assert_int_equal(strlen(b.p), b.len);
	assert_int_equal(b.p[0], '<');
	assert_memory_equal(b.p + 1001, "|12345|", 7);
	assert_int_equal(b.p[b.len - 1], 'x');
	/* Exactly 255 and 256 bytes: on either side of the small buffer. */
	buf_reset(&b);
	assert_int_equal(buf_addf(&b, "%255s", "y"), 0);
	assert_int_equal(b.len, 255);
	assert_int_equal(buf_addf(&b, "%256s", "z"), 0);
	assert_int_equal(b.len, 511);
	assert_int_equal(b.p[254], 'y');
	assert_int_equal(b.p[510], 'z');
	assert_int_equal(b.p[511], '\0');
	buf_release(&b);
}

static void test_buf_json_str(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	static const char in[] = "say \"hi\" \\ back\n\t\x01\x1f end";
	assert_int_equal(buf_add_json_str(&b, in, sizeof(in) - 1), 0);
	assert_string_equal(buf_cstr(&b), "\"say \\\"hi\\\" \\\\ back\\u000a\\u0009\\u0001\\u001f end\"");
	/* The result is a JSON string that decodes back to the input. */
	json_error_t je;
	json_t *j = json_loadb(b.p, b.len, JSON_DECODE_ANY, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(j), in);
	json_decref(j);

	buf_reset(&b);
	static const char zh[] = "客服\xf0\x9f\x98\x80/é\x7f";
	assert_int_equal(buf_add_json_str(&b, zh, sizeof(zh) - 1), 0);
	assert_string_equal(buf_cstr(&b), "\"客服\xf0\x9f\x98\x80/é\x7f\"");

	buf_reset(&b);
	assert_int_equal(buf_add_json_str(&b, "a\0b", 3), 0);
	assert_string_equal(buf_cstr(&b), "\"a\\u0000b\"");
	assert_int_equal(b.len, 10);

	buf_reset(&b);
	assert_int_equal(buf_add_json_str(&b, "", 0), 0);
	assert_string_equal(buf_cstr(&b), "\"\"");
	buf_release(&b);
}

static void test_pick(void **state)
{
	(void)state;
	static const char *const keys[] = { "a", "c", "missing", NULL };
	json_t *src = json_pack("{s:i,s:s,s:n}", "a", 1, "b", "secret", "c");
	json_t *out = json_pick(src, keys);
	char *text = json_dumps(out, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(text, "{\"a\":1,\"c\":null}");
	free(text);
	json_decref(out);
	out = json_pick(src, keys + 3); /* no keys */
	assert_int_equal(json_object_size(out), 0);
	json_decref(out);
	json_decref(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_plain_words),
		cmocka_unit_test(test_parse_non_object),
		cmocka_unit_test(test_parse_duplicate_keys),
		cmocka_unit_test(test_parse_depth),
		cmocka_unit_test(test_parse_bad_utf8),
		cmocka_unit_test(test_parse_embedded_nul),
		cmocka_unit_test(test_get_str),
		cmocka_unit_test(test_get_int),
		cmocka_unit_test(test_get_bool),
		cmocka_unit_test(test_only_keys),
		cmocka_unit_test(test_str_or_null),
		cmocka_unit_test(test_utf8_bad),
		cmocka_unit_test(test_json_text),
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_cap_json_str),
		cmocka_unit_test(test_buf_addf_long),
		cmocka_unit_test(test_buf_json_str),
		cmocka_unit_test(test_pick),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
