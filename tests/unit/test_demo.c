/*
 * test_demo.c - the demo generator's pure parts (demo/demo_rng.h,
 * demo_names.c, demo_text.c): the same seed gives the same names,
 * contacts and texts; phones, e-mails and tracking numbers have valid
 * shapes and never collide; every ticket type has scripts in Chinese
 * and English and every placeholder is filled; the "create" event's JSON
 * (demo_ticket_json) is the object ticket_to_json makes, byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include "app/wiring.h"
#include "base/buf.h"
#include "demo/demo_int.h"
#include "demo/demo_names.h"
#include "demo/demo_rng.h"
#include "demo/demo_text.h"
#include "desk/ticket.h"
#include "base/banned.h"

static const char *const types[] = { "inquiry",    "complaint", "return", "claim",
	                             "suggestion", "follow_up", "care" };

/* A run of generated values from seed, concatenated into out. */
static void sample(uint64_t seed, char *out, size_t n)
{
	struct demo_person p;
	char phone[DEMO_CONTACT_MAX], mail[DEMO_CONTACT_MAX], text[DEMO_TEXT_MAX];
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < 20 && used < n; i++) {
		struct demo_rng r = demo_rng_fork(seed, (uint64_t)i);
		demo_person(&r, i % 5 == 0, &p);
		demo_phone(&r, i, phone);
		demo_email(&r, p.latin, i, mail);
		const struct demo_script *s = demo_script(&r, types[i % 7], i % 3 ? "zh" : "en");
		struct demo_vars v = { "DD2025", "SF1", "杯子", "顺丰", p.name, "王芳" };
		demo_expand(s->opening, &v, text, sizeof(text));
		used += (size_t)snprintf(out + used, n - used, "%s|%s|%s|%s\n", p.name, phone, mail, text);
	}
}

static void test_deterministic(void **state)
{
	(void)state;
	char *a = malloc(65536), *b = malloc(65536), *c = malloc(65536);
	sample(7, a, 65536);
	sample(7, b, 65536);
	sample(8, c, 65536);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	free(a);
	free(b);
	free(c);
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void test_phone_shape(void **state)
{
	(void)state;
	char phone[DEMO_CONTACT_MAX];
	struct demo_rng r = demo_rng_fork(1, 0);
	for (int64_t i = 0; i < 5000; i++) {
		demo_phone(&r, i, phone);
		assert_int_equal(strlen(phone), 11);
		assert_true(all_digits(phone, 11));
		assert_int_equal(phone[0], '1');
		assert_true(phone[1] >= '3' && phone[1] <= '9');
	}
}

static void test_email_shape(void **state)
{
	(void)state;
	char mail[DEMO_CONTACT_MAX];
	struct demo_person p;
	for (int i = 0; i < 2000; i++) {
		struct demo_rng r = demo_rng_fork(3, (uint64_t)i);
		demo_person(&r, i % 2, &p);
		demo_email(&r, p.latin, i, mail);
		const char *at = strchr(mail, '@');
		assert_non_null(at);
		assert_true(at > mail);
		assert_null(strchr(at + 1, '@'));
		assert_non_null(strchr(at, '.'));
		for (const char *s = mail; *s; s++)
			assert_true((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' ||
			            *s == '@');
	}
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The scramble is a bijection: 100000 serials give 100000 different values. */
static void test_scramble_unique(void **state)
{
	(void)state;
	enum { N = 100000 };
	int64_t *v = malloc(N * sizeof(*v));
	for (int d = 8; d <= 12; d += 4) {
		for (int64_t i = 0; i < N; i++)
			v[i] = demo_scramble(i, d);
		qsort(v, N, sizeof(*v), cmp);
		for (int i = 1; i < N; i++)
			assert_true(v[i] != v[i - 1]);
	}
	free(v);
}

static void test_tracking_numbers(void **state)
{
	(void)state;
	char a[DEMO_CONTACT_MAX], b[DEMO_CONTACT_MAX];
	struct demo_rng r = demo_rng_fork(5, 0);
	for (int i = 0; i < 200; i++) {
		const struct demo_carrier *c = demo_carrier(&r);
		demo_tracking_number(c, i, a);
		demo_tracking_number(c, i + 1, b);
		assert_string_not_equal(a, b);
		assert_true(strlen(a) >= 12 && strlen(a) < 20);
		assert_true(strncmp(a, c->prefix, strlen(c->prefix)) == 0);
	}
}

static void test_scripts(void **state)
{
	(void)state;
	struct demo_vars v = { "DD20250101", "SF123", "陶瓷马克杯", "顺丰速运", "王芳", "李华" };
	char out[DEMO_TEXT_MAX];
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_true(demo_script_count(types[i], "zh") > 0);
		assert_true(demo_script_count(types[i], "en") > 0);
		for (int k = 0; k < 20; k++) {
			struct demo_rng r = demo_rng_fork(9, (uint64_t)k);
			const struct demo_script *s = demo_script(&r, types[i], k % 2 ? "en" : "zh");
			assert_string_equal(s->type, types[i]);
			const char *texts[] = { s->subject,  s->opening, s->reply,
				                s->followup, s->closing, s->note };
			for (size_t t = 0; t < 6; t++) {
				demo_expand(texts[t], &v, out, sizeof(out));
				assert_null(strchr(out, '{'));
				assert_true(out[0] != '\0');
			}
		}
	}
}

static void test_expand(void **state)
{
	(void)state;
	struct demo_vars v = { "DD1", "SF9", NULL, NULL, "王芳", NULL };
	char out[64], tiny[8];
	demo_expand("{name}您好，订单{order}运单{track}{unknown}", &v, out, sizeof(out));
	assert_string_equal(out, "王芳您好，订单DD1运单SF9{unknown}");
	demo_expand("我的快递", &v, tiny, sizeof(tiny)); /* cut at a character boundary */
	assert_string_equal(tiny, "我的");
}

/* The win-back call the demo records for lapsed customers is a care script in each language. */
static void test_winback_script(void **state)
{
	(void)state;
	const struct demo_script *zh = demo_winback_script("zh"), *en = demo_winback_script("en");
	assert_string_equal(zh->type, "care");
	assert_string_equal(zh->lang, "zh");
	assert_non_null(strstr(zh->subject, "回访"));
	assert_string_equal(en->type, "care");
	assert_string_equal(en->lang, "en");
	assert_non_null(strstr(en->subject, "Win-back"));
}

static void test_rca(void **state)
{
	(void)state;
	const struct demo_rca *r = demo_rca(9);
	assert_int_equal(r->category_id, 9);
	assert_non_null(strstr(r->department, "仓储"));
	assert_non_null(demo_rca(12345)->solution);
}

/* demo_ticket_json(t) is json_dumps(ticket_to_json(t), JSON_COMPACT | JSON_SORT_KEYS). */
static void json_is_tickets(const struct ticket *t)
{
	struct buf b = BUF_INIT;
	json_t *j = ticket_to_json(t);
	char *want = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	demo_ticket_json(t, &b);
	assert_string_equal(buf_cstr(&b), want);
	free(want);
	json_decref(j);
	buf_release(&b);
}

static void test_ticket_json(void **state)
{
	struct ticket t;
	(void)state;
	memset(&t, 0, sizeof(t));
	t.id = 7;
	snprintf(t.type, sizeof(t.type), "complaint");
	snprintf(t.priority, sizeof(t.priority), "high");
	snprintf(t.channel, sizeof(t.channel), "email");
	snprintf(t.subject, sizeof(t.subject), "快递破损 \"杯子\" \\ 退款");
	snprintf(t.language, sizeof(t.language), "zh");
	snprintf(t.created_by_kind, sizeof(t.created_by_kind), "system");
	t.created_at = t.updated_at = 1700000000;
	t.version = 1;
	json_is_tickets(&t); /* every optional id unset: nulls */
	t.state = TS_CLOSED;
	t.category_id = 12;
	t.customer_id = 3;
	t.order_id = 1234567;
	t.shipment_id = 99;
	t.team_id = 2;
	t.assignee_id = 5;
	t.created_by_id = 5;
	t.first_response_at = 1700000100;
	t.resolved_at = 1700000200;
	t.closed_at = 1700000300;
	t.merged_into_id = 8;
	t.version = 6;
	json_is_tickets(&t); /* every one set */
}

int main(void)
{
	wiring_install(); /* listeners and job kinds, as every entry point */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),    cmocka_unit_test(test_phone_shape),
		cmocka_unit_test(test_email_shape),      cmocka_unit_test(test_scramble_unique),
		cmocka_unit_test(test_tracking_numbers), cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_expand),           cmocka_unit_test(test_rca),
		cmocka_unit_test(test_winback_script),   cmocka_unit_test(test_ticket_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
