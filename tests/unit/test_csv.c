/*
 * test_csv.c - base/csv.c (RFC 4180 edge cases, the row cap, line
 * numbers) and the value parsers of the import (logistics/import.c):
 * money to minor units and dates to UTC seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/limits.h"
#include "logistics/import.h"
#include "base/banned.h"

/* All rows of text as "a|b|c" lines joined by "\n", each prefixed "LINE:". */
static char *rows_of(const char *text, size_t n)
{
	struct csv c;
	struct kf_error err = KF_ERROR_INIT;
	static char out[4096];
	size_t used = 0;
	out[0] = '\0';
	int rc;
	csv_init_mem(&c, text, n);
	while ((rc = csv_next(&c, &err)) == 1) {
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%lld:", (long long)c.line);
		for (int i = 0; i < c.nfields; i++)
			used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", i ? "|" : "",
			                         csv_field(&c, i, NULL));
		used += (size_t)snprintf(out + used, sizeof(out) - used, "\n");
	}
	if (rc < 0)
		snprintf(out + used, sizeof(out) - used, "ERR %s", err.key);
	csv_release(&c);
	return out;
}

static void test_rfc4180(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n" },
		{ "a,b\r\n1,2\r\n", "1:a|b\n2:1|2\n" },
		{ "a,b\n1,2", "1:a|b\n2:1|2\n" },
		{ "\xEF\xBB\xBFid,name\n1,x\n", "1:id|name\n2:1|x\n" },
		{ "\"a,b\",\"say \"\"hi\"\"\"\n", "1:a,b|say \"hi\"\n" },
		{ "\"two\nlines\",x\nnext,y\n", "1:two\nlines|x\n3:next|y\n" },
		{ "a,,c\n,,\n", "1:a||c\n2:||\n" },
		{ "a\n\n\nb\n", "1:a\n4:b\n" },
		{ "ab\"c,d\n", "1:ab\"c|d\n" },
		{ "\"\"\n", "" },
		{ "\"x\"y,z\n", "ERR csv_quote" },
		{ "\"open,x\n", "ERR csv_unterminated" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(rows_of(cases[i].in, strlen(cases[i].in)), cases[i].want);
}

/* OWASP CSV injection: text cells that a spreadsheet would run get a leading quote. */
static void test_write_field_formula(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
		{ "=1+2", "'=1+2" },
		{ "+SUM(A1)", "'+SUM(A1)" },
		{ "-2+3", "'-2+3" },
		{ "@cmd", "'@cmd" },
		{ "\t=x", "'\t=x" },
		{ "\r=x", "\"'\r=x\"" },
		{ "-", "'-" },
		{ "-5", "-5" },
		{ "+3.25", "+3.25" },
		{ "12", "12" },
		{ "plain", "plain" },
		{ "a,b", "\"a,b\"" },
		{ "a=b", "a=b" },
		{ "'=x", "''=x" }, /* read back as '=x by csv_unneutralise */
		{ "'abc", "'abc" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = BUF_INIT;
		assert_int_equal(csv_write_field(&b, cases[i].in), 0);
		assert_string_equal(buf_cstr(&b), cases[i].want);
		buf_release(&b);
	}
	assert_string_equal(csv_unneutralise("'=x"), "=x");
	assert_string_equal(csv_unneutralise("'abc"), "'abc");
	assert_string_equal(csv_unneutralise("=x"), "=x");
	assert_string_equal(csv_unneutralise("''=x"), "'=x");
	/* Every cell reads back as written. */
	static const char *const trip[] = { "=x", "'=x", "''=x", "'-5", "-5", "'abc", "@", "'", "" };
	for (size_t i = 0; i < sizeof(trip) / sizeof(trip[0]); i++) {
		struct buf b = BUF_INIT;
		assert_int_equal(csv_write_field(&b, trip[i]), 0);
		assert_string_equal(csv_unneutralise(buf_cstr(&b)), trip[i]);
		buf_release(&b);
	}
}

static void test_row_cap(void **state)
{
	(void)state;
	size_t big = KF_MAX_IMPORT_ROW + 10;
	char *text = malloc(big + 64);
	struct csv c;
	struct kf_error err = KF_ERROR_INIT;
	memcpy(text, "h\n\"", 3);
	memset(text + 3, 'x', big);
	memcpy(text + 3 + big, "\nstill\"\nok\n", 11);
	csv_init_mem(&c, text, big + 14);
	assert_int_equal(csv_next(&c, &err), 1);
	assert_int_equal(csv_next(&c, &err), KF_ETOOBIG);
	assert_string_equal(err.key, "row_too_big");
	assert_int_equal(csv_next(&c, &err), 1);
	assert_string_equal(csv_field(&c, 0, NULL), "ok");
	assert_int_equal(c.line, 4);
	assert_int_equal(csv_next(&c, &err), 0);
	csv_release(&c);
	free(text);
}

static void test_lines(void **state)
{
	(void)state;
	const char *in = "{\"a\":1}\r\n\n  \n{\"b\":2}";
	struct csv c;
	struct kf_error err = KF_ERROR_INIT;
	const char *line;
	size_t len;
	csv_init_mem(&c, in, strlen(in));
	assert_int_equal(csv_next_line(&c, &line, &len, &err), 1);
	assert_string_equal(line, "{\"a\":1}");
	assert_int_equal(c.line, 1);
	assert_int_equal(csv_next_line(&c, &line, &len, &err), 1);
	assert_string_equal(line, "{\"b\":2}");
	assert_int_equal(c.line, 4);
	assert_int_equal(csv_next_line(&c, &line, &len, &err), 0);
	csv_release(&c);
}

static void test_money(void **state)
{
	(void)state;
	static const struct {
		const char *in, *cur;
		int ok;
		int64_t want;
	} cases[] = {
		{ "12.30", "CNY", 1, 1230 },
		{ "12.3", "CNY", 1, 1230 },
		{ "12", "USD", 1, 1200 },
		{ "0.01", "CNY", 1, 1 },
		{ "500", "JPY", 1, 500 },
		{ "1.234", "KWD", 1, 1234 },
		{ "0", "CNY", 1, 0 },
		{ "999999999999999", "CNY", 1, 99999999999999900 },
		{ "1,234.5", "CNY", 0, 0 },
		{ "12.345", "CNY", 0, 0 },
		{ "-1", "CNY", 0, 0 },
		{ "+1", "CNY", 0, 0 },
		{ "1e3", "CNY", 0, 0 },
		{ "", "CNY", 0, 0 },
		{ ".5", "CNY", 0, 0 },
		{ "5.", "CNY", 0, 0 },
		{ " 5", "CNY", 0, 0 },
		{ "1.5", "JPY", 0, 0 },
		{ "1000000000000000", "CNY", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -1;
		int rc = import_parse_money(cases[i].in, cases[i].cur, &v);
		assert_int_equal(rc == 0, cases[i].ok);
		if (cases[i].ok)
			assert_int_equal(v, cases[i].want);
	}
}

static void test_dates(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int ok;
		int64_t want;
	} cases[] = {
		{ "2024-03-01", 1, 1709251200 },
		{ "2024-02-29", 1, 1709164800 },
		{ "2024-03-01T08:00:00+08:00", 1, 1709251200 },
		{ "2024-03-01 08:30", 1, 1709281800 },
		{ "2024-03-01T00:00:00Z", 1, 1709251200 },
		{ "2024-03-01T02:00-0130", 1, 1709251200 + 7200 + 5400 },
		{ "9/7/2012", 1, 1346976000 },
		{ "12/31/2014", 1, 1419984000 },
		{ "1/1/2013 10:00", 1, 1357034400 },
		{ "1700000000", 1, 1700000000 },
		{ "2023-02-29", 0, 0 },
		{ "2024-13-01", 0, 0 },
		{ "2024-03-01T24:00", 0, 0 },
		{ "13/1/2012", 0, 0 },
		{ "2024-3-1", 0, 0 },
		{ "yesterday", 0, 0 },
		{ "", 0, 0 },
		{ "1969-12-31", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -1;
		int rc = import_parse_time(cases[i].in, &v);
		if ((rc == 0) != cases[i].ok)
			fail_msg("%s: rc %d", cases[i].in, rc);
		if (cases[i].ok && v != cases[i].want)
			fail_msg("%s: %lld, want %lld", cases[i].in, (long long)v, (long long)cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4180), cmocka_unit_test(test_write_field_formula),
		cmocka_unit_test(test_row_cap), cmocka_unit_test(test_lines),
		cmocka_unit_test(test_money),   cmocka_unit_test(test_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
