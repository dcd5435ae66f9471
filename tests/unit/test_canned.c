/*
 * test_canned.c - desk/canned.c canned_render: variables, spaces inside
 * braces, missing values, unknown variables and unterminated braces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "desk/canned.h"
#include "base/banned.h"

static const struct canned_vars full = {
	.customer_name = "王芳",
	.ticket_number = "#000042",
	.ticket_subject = "包裹破损",
	.agent_name = "李华",
	.order_number = "SO-1001",
	.tracking_number = "SF123456789CN",
};

static const struct {
	const char *tmpl; /* the template */
	int partial; /* 1: render with only the agent name set */
	int rc; /* expected return */
	const char *want; /* expected text, or the error key when rc < 0 */
} cases[] = {
	{ "plain text", 0, 0, "plain text" },
	{ "", 0, 0, "" },
	{ "{{customer.name}}您好", 0, 0, "王芳您好" },
	{ "工单 {{ ticket.number }}：{{ticket.subject}}", 0, 0, "工单 #000042：包裹破损" },
	{ "订单{{order.number}}运单{{shipment.tracking_number}}", 0, 0, "订单SO-1001运单SF123456789CN" },
	{ "— {{agent.name}}", 0, 0, "— 李华" },
	{ "Dear {{customer.name}}, order {{order.number}}.", 1, 0, "Dear , order ." },
	{ "{{agent.name}}{{agent.name}}", 1, 0, "李华李华" },
	{ "a { b } c {x}", 0, 0, "a { b } c {x}" },
	{ "Hi {{customer.nam}}", 0, KF_EINVAL, "unknown_variable" },
	{ "Hi {{}}", 0, KF_EINVAL, "unknown_variable" },
	{ "Hi {{customer.name", 0, KF_EINVAL, "invalid" },
};

static void test_cases(void **state)
{
	(void)state;
	const struct canned_vars partial = { .agent_name = "李华" };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		struct buf b = BUF_INIT;
		int rc = canned_render(cases[i].tmpl, cases[i].partial ? &partial : &full, &b, &err);
		if (rc != cases[i].rc)
			fail_msg("case %zu (%s): rc %d want %d (%s)", i, cases[i].tmpl, rc, cases[i].rc,
			         err.message);
		if (rc == 0)
			assert_string_equal(buf_cstr(&b), cases[i].want);
		else
			assert_string_equal(err.key, cases[i].want);
		buf_release(&b);
	}
}

static void test_unknown_names_variable(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	struct buf b = BUF_INIT;
	assert_int_equal(canned_render("x {{ order.total }} y", &full, &b, &err), KF_EINVAL);
	assert_non_null(strstr(err.message, "order.total"));
	assert_string_equal(err.field, "body");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_unknown_names_variable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
