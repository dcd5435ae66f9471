/*
 * test_event_view.c - http/event_view.c: which role sees which event, the
 * ?types= parser, and the masking of personal values in payloads (the
 * event stream's faces must never hand a phone number or an e-mail
 * address to a role without pii.read).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth/rbac.h"
#include "events/outbox.h"
#include "http/event_view.h"

static void test_allowed(void **state)
{
	(void)state;
	struct event t = { .type = "ticket.created", .entity = "ticket" };
	struct event s = { .type = "survey.answered", .entity = "survey" };
	struct event x = { .type = "ticket.created", .entity = "planet" };
	assert_true(event_view_allowed(ROLE_ANALYST, &t));
	assert_true(event_view_allowed(ROLE_AGENT, &t));
	assert_false(event_view_allowed(ROLE_NONE, &t));
	assert_false(event_view_allowed(ROLE_AGENT, &s)); /* surveys need report.read */
	assert_true(event_view_allowed(ROLE_ANALYST, &s));
	assert_false(event_view_allowed(ROLE_ADMIN, &x)); /* an entity not listed: nobody */
	assert_false(event_view_unmasked(ROLE_ANALYST));
	assert_true(event_view_unmasked(ROLE_AGENT));
}

static void test_types(void **state)
{
	(void)state;
	char buf[256];
	const char *types[EVENT_VIEW_MAX_TYPES + 1];
	int all = 0;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(event_view_types(NULL, buf, sizeof(buf), types, &all, &err), 0);
	assert_true(all);
	assert_int_equal(
	        event_view_types("ticket.created,ticket.replied", buf, sizeof(buf), types, &all, &err), 0);
	assert_false(all);
	assert_string_equal(types[0], "ticket.created");
	assert_string_equal(types[1], "ticket.replied");
	assert_null(types[2]);
	assert_int_equal(event_view_types("ticket.created,nope", buf, sizeof(buf), types, &all, &err),
	                 KF_EINVAL);
	assert_string_equal(err.field, "types");
	struct kf_error e2 = KF_ERROR_INIT;
	assert_int_equal(event_view_types("ticket.created,", buf, sizeof(buf), types, &all, &e2), KF_EINVAL);
}

static void test_mask(void **state)
{
	(void)state;
	json_t *p = json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:s},s:[{s:s,s:s}],s:s,s:s}", "phone", "13812345678",
	                      "email", "zhang@example.com", "name", "John Smith", "address", "recipient",
	                      "John Smith", "phone", "13900001111", "line", "文三路 1 号", "identities", "kind",
	                      "phone", "value", "13700002222", "birthday", "1990-05-17", "subject", "kept");
	event_view_mask(p);
	char *s = json_dumps(p, JSON_COMPACT);
	assert_null(strstr(s, "13812345678"));
	assert_null(strstr(s, "zhang@example.com"));
	assert_null(strstr(s, "13900001111"));
	assert_null(strstr(s, "13700002222"));
	assert_null(strstr(s, "1990-05-17"));
	assert_null(strstr(s, "文三路"));
	assert_string_equal(json_string_value(json_object_get(p, "phone")), "138****5678");
	assert_string_equal(json_string_value(json_object_get(p, "name")),
	                    "John Smith"); /* as the REST customer */
	assert_string_equal(json_string_value(json_object_get(json_object_get(p, "address"), "recipient")),
	                    "J*** S****");
	assert_string_equal(json_string_value(json_object_get(p, "subject")), "kept");
	free(s);
	json_decref(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
