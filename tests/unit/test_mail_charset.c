/*
 * test_mail_charset.c - channels/mail_charset.c: declared charsets read by
 * their supersets, undeclared ones guessed, bad bytes and NUL replaced, and
 * the output always valid UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "channels/mail_charset.h"
#include "base/banned.h"

static void check(const char *in, size_t len, const char *charset, const char *want)
{
	char *r = mail_charset_to_utf8(in, len, charset);
	assert_true(mail_charset_valid(r, strlen(r)));
	if (strcmp(r, want) != 0)
		print_error("charset %s: got [%s]\n", charset ? charset : "(none)", r);
	assert_string_equal(r, want);
	free(r);
}

#define CHECK(lit, cs, want) check(lit, sizeof(lit) - 1, cs, want)

static void declared_charsets_read_by_superset(void **state)
{
	(void)state;
	/* 堃 and 镕 are GBK, not GB2312: a "gb2312" label still gets them. */
	CHECK("\x88\xd2\xe9\x46", "gb2312", "堃镕");
	CHECK("\x88\xd2\xe9\x46", "GBK", "堃镕");
	CHECK("\xc4\xe3\xba\xc3", "GB18030", "你好");
	CHECK("\xa2\xe3", "gb2312", "€");
	CHECK("\xb1\x7a\xa6\x6e", "big5", "您好");
	CHECK("\x9d\xef", "big5", "嘅"); /* an HKSCS character */
	CHECK("\x1b\x24\x42\x24\x33\x24\x73\x24\x4b\x24\x41\x24\x4f\x1b\x28\x42", "iso-2022-jp", "こんにちは");
	CHECK("caf\xe9", "iso-8859-1", "café");
	CHECK("\x93quoted\x94", "us-ascii", "“quoted”"); /* windows-1252 under an ascii label */
	CHECK("plain", "utf-8", "plain");
	CHECK("\xe4\xbd\xa0", "UTF8", "你");
}

static void undeclared_charsets_are_guessed(void **state)
{
	(void)state;
	CHECK("\xe4\xbd\xa0\xe5\xa5\xbd", NULL, "你好");
	CHECK("\xc4\xe3\xba\xc3\xa3\xac\xce\xd2\xb5\xc4\xb6\xa9\xb5\xa5\xbb\xb9\xc3\xbb\xd3\xd0\xb5\xbd\xa1\xa3",
	      NULL, "你好，我的订单还没有到。");
	CHECK("\xb1\x7a\xa6\x6e\xa1\x41\xa7\xda\xaa\xba\xad\x71\xb3\xe6\xc1\xd9\xa8\x53\xa6\xb3\xa8\xec\xa1\x43",
	      "", "您好，我的訂單還沒有到。");
	CHECK("J'ai command\xe9 un caf\xe9 tr\xe8s cher.", NULL, "J'ai commandé un café très cher.");
	CHECK("ascii only", NULL, "ascii only");
	CHECK("", NULL, "");
	/* An unknown label: the bytes decide. */
	CHECK("\xc4\xe3\xba\xc3\xa3\xac\xce\xd2", "x-unknown-charset", "你好，我");
}

static void mislabelled_text_is_read_as_what_it_is(void **state)
{
	(void)state;
	/* UTF-8 under a GB2312 label (three characters and more). */
	CHECK("\xe4\xbd\xa0\xe5\xa5\xbd\xe5\x95\x8a", "gb2312", "你好啊");
	/* UTF-8 under a Latin-1 label. */
	CHECK("caf\xc3\xa9", "iso-8859-1", "café");
	/* GBK under a UTF-8 label. */
	CHECK("\xc4\xe3\xba\xc3\xa3\xac\xce\xd2\xb5\xc4\xb6\xa9\xb5\xa5", "utf-8", "你好，我的订单");
}

static void bad_bytes_become_replacement_characters(void **state)
{
	(void)state;
	CHECK("a\xc3 b", "utf-8", "a\xef\xbf\xbd b");
	CHECK("a\0b", "utf-8",
	      "a\xef\xbf\xbd"
	      "b");
	CHECK("\xed\xa0\x80", "utf-8", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* a surrogate */
	CHECK("\xc0\xaf", "utf-8", "\xef\xbf\xbd\xef\xbf\xbd"); /* an overlong "/" */
	CHECK("\xc4\xe3\xff\xba\xc3", "gb2312", "你\xef\xbf\xbd好");
	CHECK("\xc4\xe3\xba", "gbk", "你\xef\xbf\xbd"); /* cut in the middle of a character */
	char *r = mail_charset_to_utf8(NULL, 5, "utf-8");
	assert_string_equal(r, "");
	free(r);
}

static void repair_and_validate(void **state)
{
	(void)state;
	assert_true(mail_charset_valid("", 0));
	assert_true(mail_charset_valid("\xf0\x9f\x98\x80", 4));
	assert_false(mail_charset_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(mail_charset_valid("a\0", 2));
	assert_false(mail_charset_valid("\xe4\xbd", 2));
	char *r = mail_charset_repair("ok\xe4\xbd", 4);
	assert_string_equal(r, "ok\xef\xbf\xbd\xef\xbf\xbd");
	free(r);
	r = mail_charset_repair(NULL, 3);
	assert_string_equal(r, "");
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(declared_charsets_read_by_superset),
		cmocka_unit_test(undeclared_charsets_are_guessed),
		cmocka_unit_test(mislabelled_text_is_read_as_what_it_is),
		cmocka_unit_test(bad_bytes_become_replacement_characters),
		cmocka_unit_test(repair_and_validate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
