/*
 * test_textlen.c - base/textlen.c: text limits count characters (code
 * points), not bytes, and a cut never splits a character.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/textlen.h"
#include "base/banned.h"

static void chars_count_code_points(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t chars;
	} cases[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "报告", 2 }, /* 6 bytes */
		{ "报告.pdf", 6 },
		{ "café", 4 }, /* é is 2 bytes */
		{ "😀x", 2 }, /* a 4-byte character */
		{ "Ünïcödé 测试", 10 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(textlen_chars(cases[i].s), cases[i].chars);
	assert_int_equal(textlen_chars(NULL), 0);
}

static void a_167_character_chinese_subject_fits_500(void **state)
{
	(void)state;
	char s[TEXTLEN_BYTES(500)] = "";
	for (int i = 0; i < 167; i++)
		memcpy(s + 3 * i, "测", 4); /* 3 bytes and the terminator */
	assert_int_equal(strlen(s), 501); /* over 500 bytes ... */
	assert_int_equal(textlen_chars(s), 167); /* ... but 167 characters */
	for (int i = 167; i < 500; i++)
		memcpy(s + 3 * i, "测", 4);
	assert_int_equal(textlen_chars(s), 500);
	assert_int_equal(strlen(s), 1500);
	assert_true(strlen(s) < TEXTLEN_BYTES(500));
}

static void prefix_cuts_on_boundaries(void **state)
{
	(void)state;
	assert_int_equal(textlen_prefix("报告", 10, 100), 6); /* all of it: the last character stays */
	assert_int_equal(textlen_prefix("报告", 1, 100), 3);
	assert_int_equal(textlen_prefix("报告", 2, 5), 3); /* 5 bytes hold one character, not one and a half */
	assert_int_equal(textlen_prefix("abc", 2, 100), 2);
	assert_int_equal(textlen_prefix("abc", 0, 100), 0);
	assert_int_equal(textlen_prefix("a😀b", 2, 100), 5);
	assert_int_equal(textlen_prefix("a😀b", 3, 4), 1);
	assert_int_equal(textlen_prefix("", 5, 5), 0);
	assert_int_equal(textlen_prefix(NULL, 5, 5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chars_count_code_points),
		cmocka_unit_test(a_167_character_chinese_subject_fits_500),
		cmocka_unit_test(prefix_cuts_on_boundaries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
