/*
 * test_str.c - base/str.c: str_copy always terminates, never writes past
 * cap, and says when it cut.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/str.h"

static void copies_what_fits(void **state)
{
	(void)state;
	char d[8];
	assert_false(str_copy(d, sizeof d, "abc"));
	assert_string_equal(d, "abc");
	assert_false(str_copy(d, sizeof d, "1234567")); /* exactly cap - 1 */
	assert_string_equal(d, "1234567");
	assert_false(str_copy(d, sizeof d, NULL));
	assert_string_equal(d, "");
}

static void cuts_and_says_so(void **state)
{
	(void)state;
	char d[10];
	memset(d, 'x', sizeof d);
	assert_true(str_copy(d, 5, "abcdefgh"));
	assert_string_equal(d, "abcd");
	assert_int_equal(d[5], 'x'); /* nothing written past cap */
	assert_true(str_copy(d, 1, "a"));
	assert_string_equal(d, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copies_what_fits),
		cmocka_unit_test(cuts_and_says_so),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
