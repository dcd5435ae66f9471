/*
 * test_crm.c - the pure parts of the customer module (crm/privacy.c,
 * crm/customer.c): masking of phones, e-mails and names (ASCII, Chinese,
 * empty, short, plus-prefixed, malformed, truncation at character
 * boundaries), normalisation of identities, and the tier, stage, kind,
 * birthday and consent-purpose checks.  Table-driven.  And, on a fresh
 * SQLite database, customer_import_row: create, update by external_id,
 * identity conflicts, and erased customers never coming back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "app/wiring.h"
#include "crm/customer.h"
#include "crm/customer_import.h"
#include "crm/privacy.h"
#include "store/db.h"
#include "base/banned.h"

struct mask_case {
	const char *in;
	const char *want;
};

static void check_mask(void (*fn)(const char *, char *, size_t), const struct mask_case *cases, size_t n)
{
	char out[128];
	for (size_t i = 0; i < n; i++) {
		memset(out, 'x', sizeof(out));
		fn(cases[i].in, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("mask(\"%s\") = \"%s\", want \"%s\"", cases[i].in, out, cases[i].want);
	}
}

static void test_mask_phone(void **state)
{
	(void)state;
	static const struct mask_case cases[] = {
		{ "13812345678", "138****5678" }, /* the seed's mobile */
		{ "+8613812345678", "+861******5678" }, /* plus kept, 3 + 4 digits kept */
		{ "138-1234-5678", "138-****-5678" }, /* separators kept */
		{ "12345678", "123*5678" }, /* 8 digits: 3 + 4 */
		{ "1234567", "1*****7" }, /* short: first and last */
		{ "110", "1*0" },
		{ "12", "**" },
		{ "1", "*" },
		{ "", "" },
		{ "+", "+" },
		{ "ext. 12345", "ext. 1***5" },
	};
	check_mask(privacy_mask_phone, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_mask_email(void **state)
{
	(void)state;
	static const struct mask_case cases[] = {
		{ "zhang.san@example.com", "z***@example.com" },
		{ "a@b.cn", "a***@b.cn" },
		{ "张三@例子.中国", "张***@例子.中国" }, /* the first character whole, not a byte */
		{ "x@y@example.com", "x***@example.com" }, /* the last @ splits */
		{ "@example.com", "@***********" }, /* no local part: masked as text */
		{ "zhang@", "z*****" }, /* no domain: masked as text */
		{ "no-at-sign", "n*********" },
		{ "", "" },
	};
	check_mask(privacy_mask_email, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_mask_text(void **state)
{
	(void)state;
	static const struct mask_case cases[] = {
		{ "张三", "张*" },
		{ "欧阳娜娜", "欧***" },
		{ "张", "*" },
		{ "John Smith", "J*** S****" },
		{ "J. R. Smith", "J* R* S****" },
		{ "A", "*" },
		{ "  Li  Si ", "  L*  S* " },
		{ "", "" },
		{ "ÅŞ", "Å*" },
	};
	check_mask(privacy_mask_text, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_mask_identity(void **state)
{
	(void)state;
	char out[64];
	privacy_mask_identity("phone", "13812345678", out, sizeof(out));
	assert_string_equal(out, "138****5678");
	privacy_mask_identity("qq", "123456789", out, sizeof(out));
	assert_string_equal(out, "123**6789");
	privacy_mask_identity("email", "li@qq.com", out, sizeof(out));
	assert_string_equal(out, "l***@qq.com");
	privacy_mask_identity("wechat", "wxid_abc", out, sizeof(out));
	assert_string_equal(out, "w*******");
}

/* Output that does not fit stops at a character boundary and stays NUL-terminated. */
static void test_mask_truncates(void **state)
{
	(void)state;
	char out[5];
	privacy_mask_text("欧阳娜娜", out, sizeof(out)); /* "欧" is 3 bytes, then one '*' fits */
	assert_string_equal(out, "欧*");
	privacy_mask_email("zhang.san@example.com", out, sizeof(out));
	assert_string_equal(out, "z***");
	privacy_mask_phone("13812345678", out, sizeof(out));
	assert_string_equal(out, "138*");
	char one[1] = { 'x' };
	privacy_mask_phone("138", one, sizeof(one));
	assert_int_equal(one[0], '\0');
	privacy_mask_phone(NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

struct norm_case {
	const char *kind;
	const char *in;
	const char *want; /* NULL = invalid */
};

static void test_identity_normalise(void **state)
{
	(void)state;
	static const struct norm_case cases[] = {
		{ "email", "  Zhang.San@Example.COM ", "zhang.san@example.com" },
		{ "email", "a@b", "a@b" },
		{ "email", "no-at", NULL },
		{ "email", "@example.com", NULL },
		{ "email", "a@", NULL },
		{ "email", "a@b@c", NULL },
		{ "email", "a b@c.com", NULL },
		{ "email", "", NULL },
		{ "phone", "138 1234 5678", "13812345678" },
		{ "phone", "+86 (138) 1234-5678", "+8613812345678" },
		{ "phone", " +86.138.1234.5678", "+8613812345678" },
		{ "phone", "138+1234", NULL },
		{ "phone", "12", NULL },
		{ "phone", "123456789012345678901", NULL },
		{ "phone", "1380013800a", NULL },
		{ "phone", "", NULL },
		{ "qq", " 12345 ", "12345" },
		{ "qq", "1234", NULL },
		{ "qq", "01234", NULL },
		{ "qq", "12345x", NULL },
		{ "wechat", "  wxid_abc ", "wxid_abc" },
		{ "wechat", "   ", NULL },
		{ "other", "工号 42", "工号 42" },
		{ "fax", "123456", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct norm_case *c = &cases[i];
		char out[CUSTOMER_VALUE_MAX + 1];
		struct kf_error err = KF_ERROR_INIT;
		int rc = customer_identity_normalise(c->kind, c->in, "value", out, sizeof(out), &err);
		if (c->want && (rc != 0 || strcmp(out, c->want) != 0))
			fail_msg("%s \"%s\": rc %d out \"%s\", want \"%s\"", c->kind, c->in, rc,
			         rc ? "" : out, c->want);
		if (!c->want && rc != KF_EINVAL)
			fail_msg("%s \"%s\": rc %d, want KF_EINVAL", c->kind, c->in, rc);
		if (!c->want)
			assert_string_equal(err.field, "value");
	}
}

/* A value that normalises to more than the output holds is refused, not cut. */
static void test_identity_too_long(void **state)
{
	(void)state;
	char out[8];
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(
	        customer_identity_normalise("email", "abcdef@example.com", "email", out, sizeof(out), &err),
	        KF_EINVAL);
	assert_string_equal(err.field, "email");
}

struct check_case {
	int (*fn)(const char *, const char *, struct kf_error *);
	const char *in;
	int ok;
};

static void test_checks(void **state)
{
	(void)state;
	static const struct check_case cases[] = {
		{ customer_tier_valid, "A", 1 },
		{ customer_tier_valid, "C", 1 },
		{ customer_tier_valid, "D", 0 },
		{ customer_tier_valid, "a", 0 },
		{ customer_tier_valid, "", 0 },
		{ customer_tier_valid, NULL, 0 },
		{ customer_stage_valid, "potential", 1 },
		{ customer_stage_valid, "new", 1 },
		{ customer_stage_valid, "satisfied", 1 },
		{ customer_stage_valid, "loyal", 1 },
		{ customer_stage_valid, "at_risk", 1 },
		{ customer_stage_valid, "lapsed", 1 },
		{ customer_stage_valid, "Loyal", 0 },
		{ customer_stage_valid, "churned", 0 },
		{ customer_kind_valid, "person", 1 },
		{ customer_kind_valid, "company", 1 },
		{ customer_kind_valid, "robot", 0 },
		{ customer_birthday_valid, "1990-05-17", 1 },
		{ customer_birthday_valid, "2000-02-29", 1 }, /* divisible by 400: leap */
		{ customer_birthday_valid, "1900-02-29", 0 }, /* divisible by 100: not */
		{ customer_birthday_valid, "2024-02-29", 1 },
		{ customer_birthday_valid, "2023-02-29", 0 },
		{ customer_birthday_valid, "1990-04-31", 0 },
		{ customer_birthday_valid, "1990-13-01", 0 },
		{ customer_birthday_valid, "1990-00-10", 0 },
		{ customer_birthday_valid, "1990-1-1", 0 },
		{ customer_birthday_valid, "1899-12-31", 0 },
		{ customer_birthday_valid, "19900517", 0 },
		{ customer_birthday_valid, "1990-05-1x", 0 },
		{ customer_purpose_valid, "marketing_sms", 1 },
		{ customer_purpose_valid, "data_processing", 1 },
		{ customer_purpose_valid, "spam", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kf_error err = KF_ERROR_INIT;
		int rc = cases[i].fn(cases[i].in, "f", &err);
		if ((rc == 0) != cases[i].ok)
			fail_msg("case %zu \"%s\": rc %d, want %s", i, cases[i].in ? cases[i].in : "(null)",
			         rc, cases[i].ok ? "ok" : "invalid");
		if (!cases[i].ok)
			assert_string_equal(err.field, "f");
	}
}

/* Reading an address: field names carry the prefix; phones are normalised; line is required. */
static void test_address_read(void **state)
{
	(void)state;
	struct customer_address ad;
	struct kf_error err = KF_ERROR_INIT;
	unsigned given = 0;
	json_t *ok = json_pack("{s:s,s:s,s:b}", "line", "世纪大道 100 号", "phone", "138-1234-5678",
	                       "is_default", 1);
	memset(&ad, 0, sizeof(ad));
	assert_int_equal(customer_address_read(ok, "", 1, &ad, &given, &err), 0);
	assert_string_equal(ad.phone, "13812345678");
	assert_int_equal(ad.is_default, 1);
	assert_int_equal(given, ADDR_LINE | ADDR_PHONE | ADDR_DEFAULT);
	json_t *noline = json_pack("{s:s}", "city", "北京");
	assert_int_equal(customer_address_read(noline, "addresses[2].", 1, &ad, &given, &err), KF_EINVAL);
	assert_string_equal(err.field, "addresses[2].line");
	json_t *badphone = json_pack("{s:s,s:s}", "line", "x", "phone", "call me");
	assert_int_equal(customer_address_read(badphone, "addresses[0].", 1, &ad, &given, &err), KF_EINVAL);
	assert_string_equal(err.field, "addresses[0].phone");
	json_t *unknown = json_pack("{s:s,s:s}", "line", "x", "floor", "3");
	assert_int_equal(customer_address_read(unknown, "", 1, &ad, &given, &err), KF_EINVAL);
	json_decref(ok);
	json_decref(noline);
	json_decref(badphone);
	json_decref(unknown);
}

static void test_profile_json_masks_birthday(void **state)
{
	(void)state;
	struct customer c;
	memset(&c, 0, sizeof(c));
	c.id = 7;
	snprintf(c.kind, sizeof(c.kind), "person");
	snprintf(c.name, sizeof(c.name), "张三");
	snprintf(c.tier, sizeof(c.tier), "A");
	snprintf(c.stage, sizeof(c.stage), "new");
	snprintf(c.birthday, sizeof(c.birthday), "1990-05-17");
	json_t *m = customer_profile_json(&c, 1), *u = customer_profile_json(&c, 0);
	assert_string_equal(json_string_value(json_object_get(m, "birthday")), PRIVACY_MASKED_DATE);
	assert_string_equal(json_string_value(json_object_get(u, "birthday")), "1990-05-17");
	assert_true(json_is_null(json_object_get(u, "company_id")));
	json_decref(m);
	json_decref(u);
}

static json_t *row(const char *ext, const char *name, const char *phone, const char *tags)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "external_id", ext, "name", name, "phone", phone,
	                 "tags", tags, "tier", "B", "province", "上海市", "address", "世纪大道 100 号");
}

static void test_import_row(void **state)
{
	(void)state;
	char dir[] = "/tmp/kefu-test-crm.XXXXXX", url[128];
	struct db_options opt = DB_OPTIONS_INIT;
	struct store *st = NULL;
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = { "system", 0, "test", NULL, NULL };
	struct customer c;
	int64_t id = 0, id2 = 0, found = 0;
	assert_non_null(mkdtemp(dir));
	snprintf(url, sizeof(url), "%s/crm.db", dir);
	opt.create = 1;
	assert_int_equal(store_open(url, &opt, &st, &err), 0);
	struct db *db = store_db(st, &err);
	assert_non_null(db);

	json_t *r1 = row("E1", "王芳", "138 0000 1111", "vip; 老客户;");
	assert_int_equal(customer_import_row(db, &a, r1, 1000, &id, &err), 0);
	assert_int_equal(customer_by_external_id(db, "E1", &found, &err), 0);
	assert_int_equal(found, id);
	assert_int_equal(customer_get(db, id, &c, &err), 0);
	assert_string_equal(c.name, "王芳");
	assert_string_equal(c.tier, "B");
	json_t *j = NULL;
	assert_int_equal(customer_json(db, id, 0, &j, &err), 0);
	assert_int_equal(json_array_size(json_object_get(j, "tags")), 2);
	assert_int_equal(json_array_size(json_object_get(j, "addresses")), 1);
	json_decref(j);

	/* The same row again updates (name), keeps one address and one phone. */
	json_t *r2 = row("E1", "王芳芳", "13800001111", "vip");
	assert_int_equal(customer_import_row(db, &a, r2, 1001, &id2, &err), 0);
	assert_int_equal(id2, id);
	assert_int_equal(customer_json(db, id, 0, &j, &err), 0);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "王芳芳");
	assert_int_equal(json_array_size(json_object_get(j, "identities")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "addresses")), 1);
	json_decref(j);

	/* Another customer with that phone: identity_exists naming the column, nothing created. */
	json_t *r3 = row("E2", "李雷", "13800001111", "");
	assert_int_equal(customer_import_row(db, &a, r3, 1002, &id2, &err), KF_EEXIST);
	assert_string_equal(err.key, "identity_exists");
	assert_string_equal(err.field, "phone");
	assert_int_equal(customer_by_external_id(db, "E2", &found, &err), KF_ENOTFOUND);

	/* Bad values name their column. */
	json_t *r4 = json_pack("{s:s,s:s,s:s}", "external_id", "E3", "name", "x", "birthday", "1990-02-30");
	assert_int_equal(customer_import_row(db, &a, r4, 1003, &id2, &err), KF_EINVAL);
	assert_string_equal(err.field, "birthday");
	json_t *r5 = json_pack("{s:s}", "name", "no external id");
	assert_int_equal(customer_import_row(db, &a, r5, 1003, &id2, &err), KF_EINVAL);
	assert_string_equal(err.field, "external_id");

	/* Erased customers are not imported again. */
	assert_int_equal(privacy_erase(db, &a, 1004, id, &err), 0);
	assert_int_equal(customer_import_row(db, &a, r1, 1005, &id2, &err), KF_ECONFLICT);
	assert_string_equal(err.key, "erased");
	assert_int_equal(customer_get(db, id, &c, &err), 0);
	assert_true(strncmp(c.name, "已删除客户", strlen("已删除客户")) == 0);

	json_decref(r1);
	json_decref(r2);
	json_decref(r3);
	json_decref(r4);
	json_decref(r5);
	store_close(st);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	wiring_install(); /* listeners and job kinds, as every entry point */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_phone),        cmocka_unit_test(test_mask_email),
		cmocka_unit_test(test_mask_text),         cmocka_unit_test(test_mask_identity),
		cmocka_unit_test(test_mask_truncates),    cmocka_unit_test(test_identity_normalise),
		cmocka_unit_test(test_identity_too_long), cmocka_unit_test(test_checks),
		cmocka_unit_test(test_address_read),      cmocka_unit_test(test_profile_json_masks_birthday),
		cmocka_unit_test(test_import_row),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
