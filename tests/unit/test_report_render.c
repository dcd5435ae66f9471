/*
 * test_report_render.c - the three faces of a report table
 * (analytics/report_render.c): JSON, CSV, aligned text with CJK widths;
 * and reading a request (analytics/report_request.c): dates in a zone,
 * default periods, options; the report.read permission.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "analytics/report.h"
#include "auth/rbac.h"
#include "base/buf.h"
#include "base/tz.h"

static const struct report_col cols[] = {
	{ "name", "Name", "名称", RT_TEXT },    { "count", "Count", "数量", RT_INT },
	{ "mean", "Mean", "均值", RT_NUM },     { "share", "Share", "占比", RT_RATE },
	{ "total", "Total", "金额", RT_MONEY }, { "time", "Time", "时长", RT_SECONDS },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static const struct report_def def = { .name = "demo", .title_en = "Demo", .title_zh = "示例" };

/* Two rows: a CJK name with every value, and a name needing CSV quotes with nulls. */
static void fill(struct report_table *t)
{
	report_table_init(t, cols, NCOLS);
	size_t r = report_row(t);
	report_set_text(t, r, 0, "物流配送");
	report_set_int(t, r, 1, 12);
	report_set_num(t, r, 2, 2.5);
	report_set_rate(t, r, 3, 1, 3);
	report_set_int(t, r, 4, -123456);
	report_set_int(t, r, 5, 3 * 3600 + 5 * 60);
	report_set_drill(t, r, "/api/v1/tickets?category_id=%d", 7);
	r = report_row(t);
	report_set_text(t, r, 0, "say \"hi\", then\nbye");
	report_set_int(t, r, 1, 0);
	report_set_rate(t, r, 3, 0, 0);
	report_set_note(t, "1 row cut");
}

static void test_json(void **state)
{
	(void)state;
	struct report_table t;
	struct report_params p = { .from = 1709222400, .to = 1711900800, .by = "category", .tz = "Asia/Shanghai" };
	fill(&t);
	json_t *j = report_to_json(&def, &p, &t);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "report")), "demo");
	assert_string_equal(json_string_value(json_object_get(j, "title_zh")), "示例");
	assert_string_equal(json_string_value(json_object_get(j, "from")), "2024-02-29T16:00:00Z");
	assert_string_equal(json_string_value(json_object_get(j, "by")), "category");
	json_t *c = json_array_get(json_object_get(j, "columns"), 3);
	assert_string_equal(json_string_value(json_object_get(c, "type")), "rate");
	assert_string_equal(json_string_value(json_object_get(c, "label_zh")), "占比");
	json_t *r0 = json_array_get(json_object_get(j, "rows"), 0),
	       *r1 = json_array_get(json_object_get(j, "rows"), 1);
	assert_string_equal(json_string_value(json_array_get(r0, 0)), "物流配送");
	assert_true(json_is_integer(json_array_get(r0, 1)));
	assert_float_equal(json_real_value(json_array_get(r0, 3)), 1.0 / 3.0, 1e-12);
	assert_int_equal(json_integer_value(json_array_get(r0, 4)), -123456);
	assert_int_equal(json_integer_value(json_array_get(r0, 5)), 11100);
	assert_true(json_is_null(json_array_get(r1, 2)));
	assert_true(json_is_null(json_array_get(r1, 3)));
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "drill"), 0)),
	                    "/api/v1/tickets?category_id=7");
	assert_true(json_is_null(json_array_get(json_object_get(j, "drill"), 1)));
	assert_string_equal(json_string_value(json_object_get(j, "note")), "1 row cut");
	json_decref(j);
	report_table_free(&t);
}

static int starts(const struct buf *b, const char *prefix)
{
	return strncmp(buf_cstr(b), prefix, strlen(prefix)) == 0;
}

static void test_csv(void **state)
{
	(void)state;
	struct report_table t;
	struct buf b = BUF_INIT;
	struct report_render_opts o = { "zh", 0, 1 };
	fill(&t);
	assert_int_equal(report_to_csv(&t, &o, &b), 0);
	assert_string_equal(buf_cstr(&b),
	                    "\xEF\xBB\xBF"
	                    "名称,数量,均值,占比,金额,时长\r\n"
	                    "物流配送,12,2.5,0.333333,-1234.56,11100\r\n"
	                    "\"say \"\"hi\"\", then\nbye\",0,,,,\r\n");
	buf_reset(&b);
	o = (struct report_render_opts){ "en", 1, 0 };
	assert_int_equal(report_to_csv(&t, &o, &b), 0);
	assert_true(starts(&b, "name,count,mean,share,total,time\r\n"));
	buf_reset(&b);
	o = (struct report_render_opts){ "en", 0, 0 };
	assert_int_equal(report_to_csv(&t, &o, &b), 0);
	assert_true(starts(&b, "Name,Count,Mean,Share,Total,Time\r\n"));
	buf_release(&b);
	report_table_free(&t);
}

/* Codes and bilingual labels in the reader's language; the group key stays a key; formulas neutralised. */
static const struct report_col lcols[] = {
	{ "group", "Group", "分组", RT_TEXT },
	{ "name", "Name", "名称", RT_TEXT },
	{ "segment", "Segment", "客户分群", RT_TEXT },
	{ "n", "N", "数量", RT_INT },
};

static void labelled(struct report_table *t)
{
	static const char *const rows[][3] = {
		{ "svc", "服务态度 / Service attitude", "champions" },
		{ "(none)", "未分类 / Uncategorised", "cant_loose" },
		{ "x", "=HYPERLINK(\"evil\")", "tangibles" },
		{ "total", "合计 / Total", "Team A" },
	};
	report_table_init(t, lcols, 4);
	for (size_t i = 0; i < 4; i++) {
		size_t r = report_row(t);
		for (size_t c = 0; c < 3; c++)
			report_set_text(t, r, c, rows[i][c]);
		report_set_int(t, r, 3, (int64_t)i);
	}
}

static void test_csv_language(void **state)
{
	(void)state;
	struct report_table t;
	struct buf b = BUF_INIT;
	struct report_render_opts o = { "zh", 0, 0 };
	labelled(&t);
	assert_int_equal(report_to_csv(&t, &o, &b), 0);
	assert_string_equal(buf_cstr(&b),
	                    "分组,名称,客户分群,数量\r\n"
	                    "svc,服务态度,冠军客户,0\r\n"
	                    "(none),未分类,不能失去的客户,1\r\n"
	                    "x,\"'=HYPERLINK(\"\"evil\"\")\",有形性,2\r\n"
	                    "total,合计,Team A,3\r\n");
	buf_reset(&b);
	o.lang = "en";
	assert_int_equal(report_to_csv(&t, &o, &b), 0);
	assert_string_equal(buf_cstr(&b),
	                    "Group,Name,Segment,N\r\n"
	                    "svc,Service attitude,Champions,0\r\n"
	                    "(none),Uncategorised,Can't lose them,1\r\n"
	                    "x,\"'=HYPERLINK(\"\"evil\"\")\",Tangibles,2\r\n"
	                    "total,Total,Team A,3\r\n");
	buf_reset(&b);
	struct report_params p = { .from = 1709222400, .to = 1711900800, .tz = "UTC" };
	o.lang = "zh";
	assert_int_equal(report_to_text(&def, &p, &t, &o, &b), 0);
	assert_non_null(strstr(buf_cstr(&b), "冠军客户"));
	assert_null(strstr(buf_cstr(&b), "Total"));
	assert_null(strstr(buf_cstr(&b), "champions"));
	buf_release(&b);
	report_table_free(&t);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(report_text_width(""), 0);
	assert_int_equal(report_text_width("abc"), 3);
	assert_int_equal(report_text_width("物流"), 4);
	assert_int_equal(report_text_width("A物"), 3);
	assert_int_equal(report_text_width("（无）"), 6); /* fullwidth parentheses */
	assert_int_equal(report_text_width("e\xCC\x81"), 1); /* e + combining acute */
	assert_int_equal(report_text_width("\xFF"), 1); /* a stray byte is one replacement */
}

/* Every line of the table has the same display width up to its last cell. */
static void test_text(void **state)
{
	(void)state;
	struct report_table t;
	struct buf b = BUF_INIT;
	struct report_render_opts o = { "zh", 0, 0 };
	struct report_params p = { .from = 1709222400, .to = 1711900800, .tz = "Asia/Shanghai" };
	report_table_init(&t, cols, 2);
	size_t r = report_row(&t);
	report_set_text(&t, r, 0, "物流配送");
	report_set_int(&t, r, 1, 12);
	r = report_row(&t);
	report_set_text(&t, r, 0, "web");
	report_set_int(&t, r, 1, 1234);
	assert_int_equal(report_to_text(&def, &p, &t, &o, &b), 0);
	assert_string_equal(buf_cstr(&b),
	                    "示例  2024-03-01 .. 2024-03-31 (Asia/Shanghai)\n\n"
	                    "名称      数量\n"
	                    "--------  ----\n"
	                    "物流配送    12\n"
	                    "web       1234\n");
	report_table_free(&t);
	buf_reset(&b);
	fill(&t);
	o.lang = "en";
	assert_int_equal(report_to_text(&def, &p, &t, &o, &b), 0);
	assert_non_null(strstr(buf_cstr(&b), "33.3%"));
	assert_non_null(strstr(buf_cstr(&b), "-1234.56"));
	assert_non_null(strstr(buf_cstr(&b), "3h 05m"));
	assert_non_null(strstr(buf_cstr(&b), "\n1 row cut\n"));
	buf_release(&b);
	report_table_free(&t);
}

static void test_period(void **state)
{
	(void)state;
	struct report_params p = { 0 };
	struct kf_error err = KF_ERROR_INIT;
	/* March 2024 in Shanghai (UTC+8): both ends included. */
	assert_int_equal(report_parse_period("2024-03-01", "2024-03-31", "Asia/Shanghai", "UTC", 0, &p, &err),
	                 0);
	assert_int_equal(p.from, 1709222400);
	assert_int_equal(p.to, 1711900800);
	assert_string_equal(p.tz, "Asia/Shanghai");
	/* The default zone, and ISO instants as they are. */
	assert_int_equal(
	        report_parse_period("2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z", NULL, "UTC", 0, &p, &err),
	        0);
	assert_int_equal(p.to - p.from, 86400);
	/* No dates: the 30 days ending today (2024-03-15 12:00 UTC). */
	int64_t now = 1710504000;
	assert_int_equal(report_parse_period(NULL, "", "", "UTC", now, &p, &err), 0);
	assert_int_equal(p.to, 1710547200);
	assert_int_equal(p.to - p.from, 30 * 86400);
	/* Only from: 30 days from it. */
	assert_int_equal(report_parse_period("2024-03-01", NULL, "UTC", NULL, now, &p, &err), 0);
	assert_int_equal(p.to - p.from, 30 * 86400);
	assert_int_equal(report_parse_period("2024-02-30", NULL, "UTC", NULL, now, &p, &err), KF_EINVAL);
	assert_string_equal(err.field, "from");
	assert_int_equal(report_parse_period("2024-03-01", "yesterday", "UTC", NULL, now, &p, &err), KF_EINVAL);
	assert_string_equal(err.field, "to");
	assert_int_equal(report_parse_period("2024-03-05", "2024-03-01", "UTC", NULL, now, &p, &err),
	                 KF_EINVAL);
	assert_string_equal(err.field, "to");
	assert_int_equal(report_parse_period(NULL, NULL, "Mars/Olympus", NULL, now, &p, &err), KF_EINVAL);
	assert_string_equal(err.field, "tz");
}

static void test_opts_and_defaults(void **state)
{
	(void)state;
	struct report_params p = { 0 };
	struct kf_error err = KF_ERROR_INIT;
	char key[REPORT_OPTS_MAX + 1][16];
	for (int i = 0; i < REPORT_OPTS_MAX; i++) {
		snprintf(key[i], sizeof(key[i]), "k%d", i);
		assert_int_equal(report_add_opt(&p, key[i], "1", &err), 0);
	}
	assert_int_equal(report_add_opt(&p, "last", "1", &err), KF_EINVAL);
	assert_string_equal(err.field, "last");
	assert_string_equal(report_opt(&p, "k3"), "1");
	assert_true(report_param_reserved("from") && report_param_reserved("format"));
	assert_false(report_param_reserved("a"));
	static const char *const bys[] = { "agent", "team", NULL };
	struct report_def d = { .name = "x", .by_allowed = bys };
	assert_string_equal(report_default_by(&d), "agent");
	d.by_allowed = NULL;
	assert_string_equal(report_default_by(&d), "");
}

static void test_permission(void **state)
{
	(void)state;
	assert_string_equal(perm_name(PERM_REPORT_READ), "report.read");
	assert_true(rbac_allows(ROLE_ADMIN, PERM_REPORT_READ));
	assert_true(rbac_allows(ROLE_MANAGER, PERM_REPORT_READ));
	assert_true(rbac_allows(ROLE_ANALYST, PERM_REPORT_READ));
	assert_true(rbac_allows(ROLE_CRM, PERM_REPORT_READ));
	assert_false(rbac_allows(ROLE_AGENT, PERM_REPORT_READ));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_language),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_opts_and_defaults),
		cmocka_unit_test(test_permission),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
