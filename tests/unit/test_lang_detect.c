/*
 * test_lang_detect.c - desk/lang_detect.c: the language of a ticket from
 * its subject and first message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "desk/lang_detect.h"
#include "base/banned.h"

struct lang_case {
	const char *subject, *body;
	const char *want; /* "zh", "en" or "default" */
};

static const struct lang_case cases[] = {
	{ "快递三天没动了", NULL, "zh" },
	{ "Where is my parcel?", NULL, "en" },
	{ "Refund not received", "I returned the teapot two weeks ago and still have no refund.", "en" },
	{ "退款", "我两周前退了茶壶，还没收到退款。", "zh" },
	{ "我的 iPhone 15 Pro Max 没收到", NULL, "zh" }, /* a product name inside Chinese */
	{ "Hi, I am 王芳, where is my parcel?", NULL, "en" }, /* a Chinese name inside English */
	{ "Order SO-2026-001", "订单还没发货，请尽快处理", "zh" }, /* an English subject, a Chinese body */
	{ "Café crème brûlée order", NULL, "en" }, /* Latin-1 letters count as Latin */
	{ "", NULL, "default" },
	{ NULL, NULL, "default" },
	{ "12345 / 67890 !!!", NULL, "default" }, /* no letters at all */
	{ "a", NULL, "default" }, /* too little to tell */
	{ "okay 好", NULL, "default" }, /* 4 letters against one Han character (weight 4): neither dominates */
	{ "😀😀😀", NULL, "default" }, /* other scripts do not count */
	{ "\xff\xfe abc", NULL, "en" }, /* stray bytes are skipped */
};

static void detects_each_case(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = lang_detect(cases[i].subject, cases[i].body, "default");
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu (%s): got %s, want %s", i,
			         cases[i].subject ? cases[i].subject : "(null)", got, cases[i].want);
	}
}

static void fallback_is_returned_as_given(void **state)
{
	(void)state;
	assert_string_equal(lang_detect("", "", "en"), "en");
	assert_string_equal(lang_detect("", "", "zh"), "zh");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(detects_each_case),
		cmocka_unit_test(fallback_is_returned_as_given),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
