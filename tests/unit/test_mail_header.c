/*
 * test_mail_header.c - channels/mail_header.c: broken encoded words and raw
 * 8-bit header text rewritten so that GMime decodes them right.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "channels/mail_header.h"
#include "base/banned.h"

static void check(const char *raw, const char *want)
{
	char *r = mail_header_normalise(raw);
	if (strcmp(r, want) != 0)
		print_error("raw [%s]\n", raw);
	assert_string_equal(r, want);
	free(r);
}

static void words_split_inside_a_character_join(void **state)
{
	(void)state;
	/* 你好世界 in UTF-8 cut after its fourth byte. */
	check(" =?utf-8?B?5L2g5Q==?= =?UTF-8?B?pb3kuJbnlYw=?=", " =?UTF-8?B?5L2g5aW95LiW55WM?=");
	/* 订单 in GB2312 cut after its first byte, folded between the words. */
	check("=?gb2312?B?tg==?=\r\n =?gb2312?B?qbWl?= <y@kefu.test>", "=?UTF-8?B?6K6i5Y2V?= <y@kefu.test>");
	/* Q encoding, split the same way. */
	check("=?utf-8?Q?=E4=BD?= =?utf-8?Q?=A0?=", "=?UTF-8?B?5L2g?=");
}

static void words_in_different_charsets_stay_apart(void **state)
{
	(void)state;
	check("=?gb2312?B?tqm1pQ==?= =?utf-8?B?5L2g?=", "=?UTF-8?B?6K6i5Y2V?= =?UTF-8?B?5L2g?=");
}

static void missing_or_odd_charsets(void **state)
{
	(void)state;
	check("=?B?5byg?= <z@kefu.test>", "=?UTF-8?B?5byg?= <z@kefu.test>");
	check("=?"
	      "?B?5byg?=",
	      "=?UTF-8?B?5byg?="); /* split: "??=" is a trigraph */
	check("=?utf-8*zh?B?5byg?=", "=?UTF-8?B?5byg?=");
	check("=?x-unknown?B?tqm1pQ==?=", "=?UTF-8?B?6K6i5Y2V?="); /* guessed: GB18030 */
}

static void raw_eight_bit_text_becomes_utf8(void **state)
{
	(void)state;
	check("\xb9\xd8\xd3\xda\xb6\xa9\xb5\xa5", "关于订单"); /* GBK */
	check("\xcd\xf5\xd0\xa1\xc3\xf7 <wang@customer.test>", "王小明 <wang@customer.test>");
	check("caf\xe9", "café");
	check("已经是 UTF-8", "已经是 UTF-8");
}

static void other_text_is_left_alone(void **state)
{
	(void)state;
	check("plain subject", "plain subject");
	check("a =? b ?= c", "a =? b ?= c");
	check("=?utf-8?X?abc?=", "=?utf-8?X?abc?=");
	check("=?utf-8?B?unterminated", "=?utf-8?B?unterminated");
	check("\"Li, Si\" <li@x.test>, b@x.test", "\"Li, Si\" <li@x.test>, b@x.test");
	check(NULL, "");
	check("=?utf-8?B?"
	      "?=",
	      "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words_split_inside_a_character_join),
		cmocka_unit_test(words_in_different_charsets_stay_apart),
		cmocka_unit_test(missing_or_odd_charsets),
		cmocka_unit_test(raw_eight_bit_text_becomes_utf8),
		cmocka_unit_test(other_text_is_left_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
