/*
 * test_mail_quote.c - channels/mail_quote.c: where quoted history and
 * signatures begin, for the shapes Chinese and English clients write.  Each
 * case gives the text and the part an agent should see (text[0, at)).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "channels/mail_quote.h"
#include "base/banned.h"

struct qcase {
	const char *name; /* the client or shape */
	const char *text;
	const char *visible; /* text[0, at) */
};

static const struct qcase cases[] = {
	{ "no quote", "你好，订单还没到。\n谢谢\n", "你好，订单还没到。\n谢谢\n" },
	{ "empty", "", "" },
	{ "QQ Mail zh",
	  "好的，谢谢。\n\n------------------ 原始邮件 ------------------\n发件人: \"客服\"<support@kefu.test>;\n发送时间: 2026年12月1日(星期二) 上午10:00\n收件人: \"张三\"<z@qq.test>;\n主题: 回复：订单\n\n您好\n",
	  "好的，谢谢。\n\n" },
	{ "QQ Mail with NBSP",
	  "好的\n------------------\xc2\xa0原始邮件\xc2\xa0------------------\n发件人: a\n", "好的\n" },
	{ "Netease/Outlook zh separator",
	  "收到\n-----原始邮件-----\n发件人: support@kefu.test\n发送时间: 2026年12月1日 10:00\n", "收到\n" },
	{ "Foxmail",
	  "已经退货了。\n\n\n------------------ Original ------------------\nFrom:  \"客服\"<support@kefu.test>;\nDate:  Tue, Dec 1, 2026 10:00 AM\n",
	  "已经退货了。\n\n\n" },
	{ "Outlook en separator",
	  "Thanks.\n\n-----Original Message-----\nFrom: Support <support@kefu.test>\nSent: Tuesday, December 1, 2026 10:00 AM\n",
	  "Thanks.\n\n" },
	{ "Outlook zh block with underscores",
	  "请尽快处理\n\n________________________________\n发件人: 客服 <support@kefu.test>\n发送时间: 2026年12月1日 10:00\n收件人: 张三\n主题: 订单\n",
	  "请尽快处理\n\n" },
	{ "Outlook zh block full-width colon",
	  "请尽快处理\n发件人：客服 <support@kefu.test>\n发送时间：2026年12月1日 10:00\n", "请尽快处理\n" },
	{ "Outlook en block",
	  "Please hurry.\n\nFrom: Support <support@kefu.test>\nSent: Tuesday, December 1, 2026 10:00\nTo: Zhang\nSubject: RE: order\n",
	  "Please hurry.\n\n" },
	{ "Apple Mail block (From/Date)",
	  "ok\n\nFrom: Support <support@kefu.test>\nDate: 1 December 2026 at 10:00:00 GMT+8\nTo: z@x.test\n",
	  "ok\n\n" },
	{ "From: without Sent is not a header", "From: the shop I ordered two boxes\nnothing came\n",
	  "From: the shop I ordered two boxes\nnothing came\n" },
	{ "QQ 在 … 写道", "好的\n\n在 2026年12月1日 星期二 10:00，客服 <support@kefu.test> 写道：\n> 您好\n",
	  "好的\n\n" },
	{ "写道 wrapped over two lines",
	  "好的\n在 2026年12月1日 星期二 上午10:00，\"客服中心\" <support@kefu.test>\n写道：\n> 您好\n",
	  "好的\n" },
	{ "Gmail zh 于 … 写道",
	  "谢谢\n\n客服 <support@kefu.test> 于2026年12月1日周二 10:00写道：\n\n> 您好\n", "谢谢\n\n" },
	{ "写道 with ASCII colon", "嗯\n在 2026-12-01，support@kefu.test 写道:\n>x\n", "嗯\n" },
	{ "Gmail en",
	  "Thanks!\n\nOn Tue, Dec 1, 2026 at 10:00 AM Support <support@kefu.test> wrote:\n\n> Hello\n",
	  "Thanks!\n\n" },
	{ "Gmail en wrapped",
	  "Thanks!\n\nOn Tue, Dec 1, 2026 at 10:00 AM Customer Support Team <\nsupport@kefu.test> wrote:\n> Hello\n",
	  "Thanks!\n\n" },
	{ "Apple en", "Sure\n\n> On 1 Dec 2026, at 10:00, Support <support@kefu.test> wrote:\n> \n> Hello\n",
	  "Sure\n\n" },
	{ "wrote: in ordinary text", "My friend wrote: this shop is slow\nis it?\n",
	  "My friend wrote: this shop is slow\nis it?\n" },
	{ "trailing > block", "Yes please\n\n> Do you want a refund?\n> Or a new one?\n", "Yes please\n\n" },
	{ "trailing > block with blank lines", "Yes\n> a\n\n> b\n\n", "Yes\n" },
	{ "inline answers stay", "> Do you want a refund?\nYes\n> Which address?\nThe old one\n",
	  "> Do you want a refund?\nYes\n> Which address?\nThe old one\n" },
	{ "signature delimiter", "Best\n-- \nZhang San\nACME Ltd\n", "Best\n" },
	{ "signature delimiter without space", "Best\n--\nZhang San\n", "Best\n" },
	{ "dashes in text are not a signature", "a --- b\n---\nc\n", "a --- b\n---\nc\n" },
	{ "iPhone zh", "收到了\n\n发自我的iPhone\n\n------------------ 原始邮件 ------------------\n",
	  "收到了\n\n" },
	{ "iPhone en", "Got it\n\nSent from my iPhone\n", "Got it\n\n" },
	{ "iPhone then quote",
	  "ok\n\nSent from my iPhone\n\n> On 1 Dec 2026, at 10:00, S <s@k.test> wrote:\n", "ok\n\n" },
	{ "quote header on the first line", "On Tue, Dec 1, 2026 at 10:00 AM S <s@kefu.test> wrote:\n> x\n",
	  "" },
	{ "forwarded headers stay",
	  "please see below\n\n---------- Forwarded message ---------\nFrom: Carrier <c@carrier.test>\nDate: Tue, Dec 1, 2026\nSubject: lost\n\nparcel lost\n",
	  "please see below\n\n---------- Forwarded message ---------\nFrom: Carrier <c@carrier.test>\nDate: Tue, Dec 1, 2026\nSubject: lost\n\nparcel lost\n" },
	{ "earliest marker wins", "a\n-- \nsig\n-----Original Message-----\nb\n", "a\n" },
	{ "CRLF line ends", "hi\r\n-----Original Message-----\r\nx\r\n", "hi\r\n" },
	{ "no trailing newline", "hi\nSent from my iPhone", "hi\n" },
};

static void quote_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t at = mail_quote_start(cases[i].text);
		size_t want = strlen(cases[i].visible);
		assert_true(strncmp(cases[i].text, cases[i].visible, want) == 0); /* the case itself is sound */
		if (at != want)
			print_error("case \"%s\": at %zu, want %zu (visible: [%.*s])\n", cases[i].name, at,
			            want, (int)at, cases[i].text);
		assert_int_equal(at, want);
	}
}

static void null_and_long_text(void **state)
{
	(void)state;
	assert_int_equal(mail_quote_start(NULL), 0);
	size_t n = 200000;
	char *big = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 80 == 79 ? '\n' : (i % 80 == 0 ? '>' : 'x');
	big[n] = '\0';
	assert_int_equal(mail_quote_start(big), 0);
	big[0] = 'y';
	assert_int_equal(mail_quote_start(big), 80);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quote_cases),
		cmocka_unit_test(null_and_long_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
