/*
 * test_mail_thread.c - channels/mail_thread.c: the subject tag, the subject
 * without prefixes, own addresses, the threading order with the hijack
 * rule, the reopen window and the kind of a mail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "channels/mail_parse.h"
#include "channels/mail_thread.h"

static void finds_the_tag(void **state)
{
	(void)state;
	static const struct {
		const char *subject;
		int64_t id;
	} cases[] = {
		{ "Re: 订单没收到 [#000123]", 123 },
		{ "[#42] where is my parcel", 42 },
		{ "RE: [# 7] x", 7 },
		{ "回复：［＃000055］快递丢了", 55 },
		{ "two tags [#1] [#2]", 1 },
		{ "no tag here", 0 },
		{ "[#] empty", 0 },
		{ "[#abc] letters", 0 },
		{ "[#12 no close", 0 },
		{ "[#0000000] zero", 0 },
		{ "[#1234567890123] thirteen digits", 0 },
		{ "#123 bare", 0 },
		{ "[ticket #5]", 0 },
		{ "", 0 },
		{ NULL, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(mail_thread_subject_tag(cases[i].subject), cases[i].id);
}

static void cleans_the_subject(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "Re: 订单没收到 [#000123]", "订单没收到" },
		{ "RE: RE: Fwd: where is it", "where is it" },
		{ "Re[2]: hello", "hello" },
		{ "Re(3): hello", "hello" },
		{ "FW: Fw: Fwd: x", "x" },
		{ "AW: WG: SV: x", "x" },
		{ "回复：答复: 转发：快递丢了", "快递丢了" },
		{ "回覆: 轉寄：包裹", "包裹" },
		{ "re : spaced colon", "spaced colon" },
		{ "[#000123] Re: tag first", "tag first" },
		{ "Re: [#12] Fwd: mixed", "mixed" },
		{ "my order [#000001] is late", "my order is late" },
		{ "Report: monthly", "Report: monthly" },
		{ "Regarding: x", "Regarding: x" },
		{ "Fwd x", "Fwd x" },
		{ "   padded   ", "padded" },
		{ "Re: ", "" },
		{ "[#5]", "" },
		{ "", "" },
		{ "\xe3\x80\x80回复：全角空格\xe3\x80\x80", "全角空格" },
	};
	char out[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mail_thread_clean_subject(cases[i].in, out, sizeof(out));
		assert_string_equal(out, cases[i].out);
	}
	mail_thread_clean_subject(NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

static void cuts_between_characters(void **state)
{
	(void)state;
	char out[8];
	mail_thread_clean_subject("订单没收到", out, sizeof(out)); /* 15 bytes into 7 */
	assert_string_equal(out, "订单");
	mail_thread_clean_subject("abcdefghij", out, sizeof(out));
	assert_string_equal(out, "abcdefg");
}

static void compares_addresses(void **state)
{
	(void)state;
	assert_true(mail_thread_addr_eq("Wang@Example.COM", "wang@example.com"));
	assert_false(mail_thread_addr_eq("wang@example.com", "wang@example.org"));
	assert_false(mail_thread_addr_eq("", ""));
	assert_false(mail_thread_addr_eq(NULL, "a@b"));
}

static void knows_its_own_addresses(void **state)
{
	(void)state;
	const char *extra[] = { "imapbox@kefu.test" };
	const char *s = "support@kefu.test";
	assert_true(mail_thread_is_own(s, NULL, 0, "support@kefu.test"));
	assert_true(mail_thread_is_own(s, NULL, 0, "SUPPORT@KEFU.TEST"));
	assert_true(mail_thread_is_own(s, NULL, 0, "support+abcdefghijkm@kefu.test"));
	assert_true(mail_thread_is_own(s, extra, 1, "imapbox@kefu.test"));
	assert_false(mail_thread_is_own(s, extra, 1, "supporter@kefu.test"));
	assert_false(mail_thread_is_own(s, NULL, 0, "support+@kefu.test"));
	assert_false(mail_thread_is_own(s, NULL, 0, "support@other.test"));
	assert_false(mail_thread_is_own(s, NULL, 0, "wang@kefu.test"));
	assert_false(mail_thread_is_own("", NULL, 0, "support@kefu.test"));
	assert_false(mail_thread_is_own(s, NULL, 0, ""));
}

static void finds_the_token(void **state)
{
	(void)state;
	char tok[MAIL_TOKEN_MAX];
	assert_true(mail_thread_token("support+abcdefghijkm@kefu.test", tok));
	assert_string_equal(tok, "abcdefghijkm");
	assert_true(mail_thread_token("Support+ABCDEFGHIJKM@Kefu.Test", tok));
	assert_string_equal(tok, "abcdefghijkm");
	assert_true(mail_thread_token("a+b+23456789abcd@x.test", tok)); /* the last '+' */
	assert_string_equal(tok, "23456789abcd");
	assert_false(mail_thread_token("support@kefu.test", tok));
	assert_false(mail_thread_token("support+abc@kefu.test", tok)); /* too short */
	assert_false(mail_thread_token("support+abcdefghijkmn@kefu.test", tok)); /* too long */
	assert_false(mail_thread_token("support+abcdefghijk1@kefu.test", tok)); /* 1 is not in the alphabet */
	assert_false(mail_thread_token("+abcdefghijkm@kefu.test", tok));
	assert_false(mail_thread_token("support+abcdefghijkm", tok));
	assert_false(mail_thread_token(NULL, tok));
}

static void chooses_in_order(void **state)
{
	(void)state;
	static const struct {
		struct mail_thread_cand c;
		int64_t id;
		enum mail_thread_via via;
	} cases[] = {
		{ { 1, 2, 3, 4, 1 }, 1, MAIL_THREAD_TOKEN },
		{ { 0, 2, 3, 4, 1 }, 2, MAIL_THREAD_IN_REPLY_TO },
		{ { 0, 0, 3, 4, 1 }, 3, MAIL_THREAD_REFERENCES },
		{ { 0, 0, 0, 4, 1 }, 4, MAIL_THREAD_TAG },
		{ { 0, 0, 0, 4, 0 }, 0, MAIL_THREAD_NEW }, /* a stranger naming a ticket: no hijack */
		{ { 0, 0, 0, 0, 1 }, 0, MAIL_THREAD_NEW },
		{ { 0, 0, 0, 0, 0 }, 0, MAIL_THREAD_NEW },
		{ { 9, 0, 0, 4, 0 }, 9, MAIL_THREAD_TOKEN }, /* the token needs no sender check */
		{ { 0, 5, 0, 4, 0 }, 5, MAIL_THREAD_IN_REPLY_TO }, /* nor In-Reply-To (a Cc'd person replying) */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum mail_thread_via via = MAIL_THREAD_TAG;
		assert_int_equal(mail_thread_choose(&cases[i].c, &via), cases[i].id);
		assert_int_equal(via, cases[i].via);
	}
	assert_string_equal(mail_thread_via_name(MAIL_THREAD_NEW), "new");
	assert_string_equal(mail_thread_via_name(MAIL_THREAD_TOKEN), "token");
	assert_string_equal(mail_thread_via_name(MAIL_THREAD_IN_REPLY_TO), "in_reply_to");
	assert_string_equal(mail_thread_via_name(MAIL_THREAD_REFERENCES), "references");
	assert_string_equal(mail_thread_via_name(MAIL_THREAD_TAG), "tag");
}

static void reopens_within_the_window(void **state)
{
	(void)state;
	int64_t closed = 1000000;
	assert_true(mail_thread_may_reopen(0, 14, closed)); /* not closed */
	assert_true(mail_thread_may_reopen(closed, 14, closed));
	assert_true(mail_thread_may_reopen(closed, 14, closed + 14 * 86400)); /* the last second */
	assert_false(mail_thread_may_reopen(closed, 14, closed + 14 * 86400 + 1));
	assert_true(mail_thread_may_reopen(closed, 0, closed));
	assert_false(mail_thread_may_reopen(closed, 0, closed + 1));
	assert_true(mail_thread_may_reopen(closed, 3650, closed + 3650LL * 86400));
}

static void tells_the_kind(void **state)
{
	(void)state;
	assert_string_equal(mail_thread_kind(0), "message");
	assert_string_equal(mail_thread_kind(MAIL_AUTO_SUBMITTED), "auto_reply");
	assert_string_equal(mail_thread_kind(MAIL_AUTO_REPLY), "auto_reply");
	assert_string_equal(mail_thread_kind(MAIL_AUTO_NULL_SENDER), "auto_reply");
	assert_string_equal(mail_thread_kind(MAIL_AUTO_BULK), "bulk");
	assert_string_equal(mail_thread_kind(MAIL_AUTO_BULK | MAIL_AUTO_SUBMITTED), "bulk");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_the_tag),           cmocka_unit_test(cleans_the_subject),
		cmocka_unit_test(cuts_between_characters), cmocka_unit_test(compares_addresses),
		cmocka_unit_test(knows_its_own_addresses), cmocka_unit_test(finds_the_token),
		cmocka_unit_test(chooses_in_order),        cmocka_unit_test(reopens_within_the_window),
		cmocka_unit_test(tells_the_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
