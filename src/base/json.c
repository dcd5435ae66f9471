/*
 * json.c - see json.h.
 */
#include "base/json.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"

#include "base/limits.h"
#include "base/textlen.h"

/* Deepest nesting of [ and { outside strings; stops counting past cap. */
static int json_depth(const char *s, size_t n, int cap)
{
	int depth = 0, max = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
			if (max > cap)
				return max;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return max;
}

/*
 * What went wrong, in a reader's words: jansson's own text names its
 * flags and internals ("without JSON_ALLOW_NUL"), so it never reaches a
 * user (issue 12 item 11).
 */
static const char *parse_problem(const json_error_t *je)
{
	switch (json_error_code(je)) {
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return "it contains \\u0000 (a NUL character), which is not accepted";
	case json_error_invalid_utf8:
		return "it is not valid UTF-8 text";
	case json_error_premature_end_of_input:
		return "it ends too early: a bracket, brace or quote is not closed";
	case json_error_end_of_input_expected:
		return "there is more text after the JSON object";
	case json_error_duplicate_key:
		return "an object names the same member twice";
	case json_error_numeric_overflow:
		return "a number is too large";
	case json_error_stack_overflow:
		return "it is nested too deeply";
	default:
		return "it is not well-formed JSON";
	}
}

/* Refuse a body whose byte at is not UTF-8, naming its line and column. */
static int utf8_fail(const char *data, size_t at, struct kf_error *err)
{
	long line = 1, col = 1;
	for (size_t i = 0; i < at; i++) {
		if (data[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)data[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	int rc = kf_fail(err, KF_EINVAL, "not_utf8", NULL,
	                 "the request body is not valid UTF-8 text: line %ld, column %ld (byte %zu)", line,
	                 col, at);
	kf_detail_int(err, "line", line);
	kf_detail_int(err, "column", col);
	return rc;
}

int json_parse_object(const char *data, size_t len, json_t **out, struct kf_error *err)
{
	*out = NULL;
	if (!data || len == 0)
		return kf_fail(err, KF_EINVAL, "bad_json", NULL,
		               "the request body is empty; a JSON object is required");
	if (json_depth(data, len, KF_MAX_JSON_DEPTH) > KF_MAX_JSON_DEPTH)
		return kf_fail(err, KF_EINVAL, "bad_json", NULL, "JSON nested deeper than %d levels",
		               KF_MAX_JSON_DEPTH);
	long bad = json_utf8_bad(data, len);
	if (bad >= 0)
		return utf8_fail(data, (size_t)bad, err);
	json_error_t je;
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return kf_fail(err, KF_EINVAL, "bad_json", NULL,
		               "the request body is not valid JSON at line %d, column %d (byte %d): %s",
		               je.line, je.column, je.position, parse_problem(&je));
	if (!json_is_object(j)) {
		json_decref(j);
		return kf_fail(err, KF_EINVAL, "bad_json", NULL, "the request body must be a JSON object");
	}
	*out = j;
	return 0;
}

static int all_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/*
 * The member key of obj: 1 and *v when present (not null), 0 when absent
 * and optional, KF_EINVAL naming the key when absent and required.
 */
static int json_member(json_t *obj, const char *key, int required, json_t **v, struct kf_error *err)
{
	*v = json_object_get(obj, key);
	if (*v && !json_is_null(*v))
		return 1;
	if (required)
		return kf_fail(err, KF_EINVAL, "required", key, "%s is required", key);
	return 0;
}

int json_get_str(json_t *obj, const char *key, int required, size_t maxlen, const char **out,
                 struct kf_error *err)
{
	json_t *v;
	int rc = json_member(obj, key, required, &v, err);
	if (rc <= 0)
		return rc;
	if (!json_is_string(v))
		return kf_fail(err, KF_EINVAL, "type", key, "%s must be a string", key);
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (strlen(s) != n)
		return kf_fail(err, KF_EINVAL, "invalid", key, "%s must not contain NUL characters", key);
	if (n > maxlen)
		return kf_fail(err, KF_EINVAL, "too_long", key, "%s is longer than %zu bytes", key, maxlen);
	if (required && all_blank(s))
		return kf_fail(err, KF_EINVAL, "required", key, "%s must not be blank", key);
	*out = s;
	return 1;
}

int json_get_text(json_t *obj, const char *key, int required, size_t max_chars, const char **out,
                  struct kf_error *err)
{
	const char *s = NULL;
	int rc = json_get_str(obj, key, required, SIZE_MAX, &s, err); /* the body cap bounds the bytes */
	if (rc == 1 && textlen_chars(s) > max_chars) {
		kf_fail(err, KF_EINVAL, "too_long", key, "%s is longer than %zu characters", key, max_chars);
		kf_detail_int(err, "max", (long long)max_chars);
		return KF_EINVAL;
	}
	if (rc == 1)
		*out = s;
	return rc;
}

int json_get_int(json_t *obj, const char *key, int required, int64_t min, int64_t max, int64_t *out,
                 struct kf_error *err)
{
	json_t *v;
	int rc = json_member(obj, key, required, &v, err);
	if (rc <= 0)
		return rc;
	if (!json_is_integer(v))
		return kf_fail(err, KF_EINVAL, "type", key, "%s must be a whole number", key);
	json_int_t i = json_integer_value(v);
	if (i < min || i > max)
		return kf_fail(err, KF_EINVAL, "range", key, "%s must be between %lld and %lld", key,
		               (long long)min, (long long)max);
	*out = (int64_t)i;
	return 1;
}

int json_get_bool(json_t *obj, const char *key, int required, int *out, struct kf_error *err)
{
	json_t *v;
	int rc = json_member(obj, key, required, &v, err);
	if (rc <= 0)
		return rc;
	if (!json_is_boolean(v))
		return kf_fail(err, KF_EINVAL, "type", key, "%s must be true or false", key);
	*out = json_is_true(v);
	return 1;
}

int json_require(json_t *obj, const char *const *keys, struct kf_error *err)
{
	char list[KF_ERR_DETAIL_VALUE_MAX] = "";
	const char *first = NULL;
	size_t used = 0;
	int n = 0;
	for (const char *const *k = keys; *k; k++) {
		json_t *v = json_object_get(obj, *k);
		if (v && !json_is_null(v) && !(json_is_string(v) && all_blank(json_string_value(v))))
			continue;
		first = first ? first : *k;
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", n++ ? "," : "", *k);
		if (w > 0 && (size_t)w < sizeof(list) - used)
			used += (size_t)w;
	}
	if (!first)
		return 0;
	int rc = n == 1 ? kf_fail(err, KF_EINVAL, "required", first, "%s is required", first)
	                : kf_fail(err, KF_EINVAL, "required", first, "missing: %s", list);
	kf_detail_list(err, "fields", list);
	return rc;
}

int json_only_keys(json_t *obj, const char *const *keys, struct kf_error *err)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		int known = 0;
		for (const char *const *p = keys; *p && !known; p++)
			known = strcmp(*p, k) == 0;
		if (!known)
			return kf_fail(err, KF_EINVAL, "unknown_field", k, "unknown field %s", k);
	}
	return 0;
}

json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *json_pick(json_t *obj, const char *const *keys)
{
	json_t *out = json_object();
	for (; *keys; keys++) {
		json_t *v = json_object_get(obj, *keys);
		if (v)
			json_object_set(out, *keys, v);
	}
	return out;
}

/* Length of the well-formed UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len = c < 0x80            ? 1
	        : c >= 0xC2 && c <= 0xDF ? 2
	        : c >= 0xE0 && c <= 0xEF ? 3
	        : c >= 0xF0 && c <= 0xF4 ? 4
	                                 : 0;
	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F) || (c == 0xF0 && p[1] < 0x90) ||
	    (c == 0xF4 && p[1] > 0x8F))
		return 0; /* overlong, a surrogate, or above U+10FFFF */
	return len;
}

long json_utf8_bad(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq(p + i, n - i);
		if (len == 0)
			return (long)i;
		i += len;
	}
	return -1;
}

json_t *json_text(const char *s)
{
	if (!s)
		return json_null();
	size_t n = strlen(s);
	if (json_utf8_bad(s, n) < 0)
		return json_stringn(s, n);
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq(p + i, n - i);
		if (len == 0) {
			buf_adds(&b, "\xEF\xBF\xBD");
			i++;
		} else {
			buf_add(&b, s + i, len);
			i += len;
		}
	}
	json_t *j = json_stringn(buf_cstr(&b), b.len);
	buf_release(&b);
	return j ? j : json_string("");
}
