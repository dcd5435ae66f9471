/*
 * test_import.c - the bulk orders import (logistics/import.c,
 * import_orders.c) and its helpers: base/strmap.c (the customer cache)
 * and the exact order total.  The import runs against a real store:
 * SQLite in a mkdtemp directory, and PostgreSQL as well when
 * KF_TEST_PG_URL is set.  It checks what the batching must not change:
 * totals (including replaced lines and orders whose rows come in two
 * groups), lines across the 16-line statement boundary, search
 * documents across the search batch boundary, timeline rows, per-row
 * errors, all-or-nothing, and that a second import changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/wiring.h"
#include "base/strmap.h"
#include "logistics/import.h"
#include "logistics/import_orders.h"
#include "store/db.h"
#include "store/search.h"
#include "base/banned.h"

static void test_strmap(void **state)
{
	struct strmap m = STRMAP_INIT(500);
	char key[32];
	int64_t v = 0;
	(void)state;
	assert_int_equal(strmap_get(&m, "x", &v), 0);
	for (int i = 0; i < 500; i++) {
		snprintf(key, sizeof(key), "C%05d", i);
		assert_int_equal(strmap_put(&m, key, i * 10), 1);
	}
	assert_int_equal(strmap_put(&m, "one too many", 1), 0);
	assert_int_equal(strmap_get(&m, "one too many", &v), 0);
	assert_int_equal(strmap_put(&m, "C00007", 77), 1); /* replacing works when full */
	for (int i = 0; i < 500; i++) {
		snprintf(key, sizeof(key), "C%05d", i);
		assert_int_equal(strmap_get(&m, key, &v), 1);
		assert_int_equal(v, i == 7 ? 77 : i * 10);
	}
	assert_int_equal(strmap_get(&m, "C0000", &v), 0);
	assert_int_equal(strmap_get(&m, "", &v), 0);
	assert_int_equal(m.n, 500);
	strmap_release(&m);
	assert_int_equal(strmap_get(&m, "C00001", &v), 0);
	assert_int_equal(strmap_put(&m, "", 5), 1);
	assert_int_equal(strmap_get(&m, "", &v), 1);
	assert_int_equal(v, 5);
	strmap_release(&m);
	struct strmap none = STRMAP_INIT(0);
	assert_int_equal(strmap_put(&none, "a", 1), 0);
	strmap_release(&none);
}

static void test_total_add(void **state)
{
	(void)state;
	int64_t t = 0;
	assert_int_equal(import_orders_total_add(&t, 3, 1230), 1);
	assert_int_equal(import_orders_total_add(&t, 0, 99), 1);
	assert_int_equal(t, 3690);
	assert_int_equal(import_orders_total_add(&t, 1000000000, 100000000000000LL), 0); /* 10^23 */
	assert_int_equal(t, 3690);
	t = INT64_MAX - 5;
	assert_int_equal(import_orders_total_add(&t, 1, 6), 0);
	assert_int_equal(t, INT64_MAX - 5);
	assert_int_equal(import_orders_total_add(&t, 1, 5), 1);
	assert_int_equal(t, INT64_MAX);
}

/* ---- against a store ----------------------------------------------------- */

struct fixture {
	char dir[64];
	struct store *store;
	struct db *db;
	char p[32]; /* prefix of this run's numbers and external ids */
};

static int open_store(struct fixture *f, const char *url)
{
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	opt.create = 1;
	opt.sync_full = 0;
	snprintf(f->p, sizeof(f->p), "T%ldZ", (long)getpid());
	if (store_open(url, &opt, &f->store, &err) < 0) {
		print_error("store_open %s: %s\n", url, err.message);
		return -1;
	}
	f->db = store_db(f->store, &err);
	return f->db ? 0 : -1;
}

static int setup_sqlite(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char url[128];
	*state = f;
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-import-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(url, sizeof(url), "sqlite:%s/kefu.db", f->dir);
	return open_store(f, url);
}

static int setup_pg(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	*state = f;
	return f ? open_store(f, getenv("KF_TEST_PG_URL")) : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	store_close(f->store);
	if (f->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
		if (system(cmd) != 0)
			return -1;
	}
	free(f);
	return 0;
}

/* Rows of an import as text: a header line, then rows; fields split on ',' ("" = absent). */
struct rows {
	char **lines;
	int n, cap;
};

static void rows_add(struct rows *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rows_add(struct rows *r, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->lines = realloc(r->lines, (size_t)r->cap * sizeof(*r->lines));
		assert_non_null(r->lines);
	}
	r->lines[r->n] = strdup(line);
	assert_non_null(r->lines[r->n]);
	r->n++;
}

static void rows_free(struct rows *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->lines[i]);
	free(r->lines);
	memset(r, 0, sizeof(*r));
}

/* Cut line into at most 16 fields in place. */
static int split(char *line, const char **f)
{
	int n = 0;
	for (char *p = line; n < 16;) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

struct counts {
	int64_t rows, imported, bad;
};

/* Import r (lines[0] the header) of kind; the result of import_end, with the counts in *c. */
static int run_import(struct db *db, enum import_kind kind, const struct rows *r, int skip_bad,
                      struct counts *c, struct kf_error *err)
{
	struct import im;
	struct actor a = { "cli", 0, "test", NULL, NULL };
	const char *f[16];
	char line[512];
	int rc = import_begin(&im, db, &a, 1700000000, kind, skip_bad, err);
	assert_int_equal(rc, 0);
	for (int i = 0; i < r->n && rc == 0; i++) {
		snprintf(line, sizeof(line), "%s", r->lines[i]);
		int n = split(line, f);
		rc = i == 0 ? import_columns(&im, f, n, err) : import_values(&im, i + 1, f, n, err);
	}
	if (rc == 0)
		rc = import_end(&im, err);
	*c = (struct counts){ im.rows, im.imported, im.bad };
	import_release(&im);
	return rc;
}

static struct db_sql q_total = DB_SQL("SELECT total_minor FROM orders WHERE number = $1");
static struct db_sql q_nlines = DB_SQL(
        "SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.number = $1");
static struct db_sql q_line_qty = DB_SQL("SELECT l.quantity FROM order_lines l JOIN orders o ON o.id = l.order_id"
                                         " WHERE o.number = $1 AND l.line_no = $2");
static struct db_sql q_customer = DB_SQL("SELECT id FROM customers WHERE external_id = $1");
static struct db_sql q_timeline = DB_SQL(
        "SELECT COUNT(*) FROM timeline WHERE customer_id = $1 AND kind = 'order'");
static struct db_sql q_norders = DB_SQL("SELECT COUNT(*) FROM orders WHERE number LIKE $1");

/* q with text as $1 (when not NULL) and n as the next parameter (when >= 0); -1 when no row. */
static int64_t int_of(struct db *db, struct db_sql *q, const char *text, int64_t n)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t v = -1;
	int rc;
	if (text && n >= 0)
		rc = db_query_int(db, q, DB_ARGS(db_text(text), db_int(n)), &v, &err);
	else if (text)
		rc = db_query_int(db, q, DB_ARGS(db_text(text)), &v, &err);
	else
		rc = db_query_int(db, q, DB_ARGS(db_int(n)), &v, &err);
	if (rc == KF_ENOTFOUND)
		return -1;
	assert_int_equal(rc, 0);
	return v;
}

static int64_t total_of(struct fixture *f, const char *suffix)
{
	char number[64];
	snprintf(number, sizeof(number), "%s%s", f->p, suffix);
	return int_of(f->db, &q_total, number, -1);
}

static int64_t nlines_of(struct fixture *f, const char *suffix)
{
	char number[64];
	snprintf(number, sizeof(number), "%s%s", f->p, suffix);
	return int_of(f->db, &q_nlines, number, -1);
}

/* How many documents search finds for the order number prefix+suffix (by its own word). */
static int hits_for(struct fixture *f, const char *suffix)
{
	struct kf_error err = KF_ERROR_INIT;
	char q[64];
	json_t *items = NULL;
	int64_t last = 0;
	snprintf(q, sizeof(q), "%s%s", f->p, suffix);
	assert_int_equal(search_query(f->db, q, "order", 0, 50, &items, &last, &err), 0);
	int n = (int)json_array_size(items);
	json_decref(items);
	return n;
}

#define EXTRA_ORDERS (IMPORT_SEARCH_BATCH + 52) /* one-line orders: past one search batch */

/* The orders file of the test; bad adds a row naming an unknown customer. */
static void orders_rows(struct fixture *f, struct rows *r, int bad)
{
	const char *p = f->p;
	rows_add(r, "order_number,customer_external_id,placed_at,line_no,sku,name,quantity,unit_price");
	for (int i = 1; i <= 20; i++) /* A: 20 lines, past one 16-line statement */
		rows_add(r, "%sA,%sC1,2025-01-02,,SKU%d,杯子 %d,%d,%d.50", p, p, i, i, i, i);
	rows_add(r, "%sB,%sC2,2025-01-03,1,S1,,2,10", p, p); /* B: line 1 replaced later in the group */
	rows_add(r, "%sB,%sC2,2025-01-03,2,S2,,1,5", p, p);
	rows_add(r, "%sB,%sC2,2025-01-03,1,S1,,3,10", p, p);
	rows_add(r, "%sC,,2025-01-04,,S9,,1,0.01", p); /* C: no customer */
	rows_add(r, "%sE,%sC1,2025-01-05,,,,,", p, p); /* E: the order only */
	rows_add(r, "%sA,,,21,SKU21,,1,100", p); /* A again: a second group, header from the order */
	for (int i = 1; i <= 70; i++) /* L: more lines than the queue holds, so written before its group ends */
		rows_add(r, "%sL,%sC1,2025-01-07,,L%d,,1,%d", p, p, i, i);
	rows_add(r, "%sM,%sC1,2025-01-08,,S1,,2,1", p, p); /* M: repeated line numbers past the queue */
	for (int i = 0; i < 70; i++)
		rows_add(r, "%sM,%sC1,2025-01-08,%d,S1,,1,1", p, p, 1 + i % 2);
	if (bad)
		rows_add(r, "%sD,%sNOPE,2025-01-06,,S1,,1,1", p, p);
	for (int i = 0; i < EXTRA_ORDERS; i++)
		rows_add(r, "%sX%04d,%sC2,2025-02-01,,S%d,,1,1", p, i, p, i);
}

static void check_orders(struct fixture *f)
{
	int64_t a = 0;
	for (int i = 1; i <= 20; i++)
		a += i * (i * 100 + 50);
	assert_int_equal(total_of(f, "A"), a + 10000);
	assert_int_equal(nlines_of(f, "A"), 21);
	assert_int_equal(total_of(f, "B"), 3 * 1000 + 500);
	assert_int_equal(nlines_of(f, "B"), 2);
	char number[64];
	snprintf(number, sizeof(number), "%sB", f->p);
	assert_int_equal(int_of(f->db, &q_line_qty, number, 1), 3);
	assert_int_equal(total_of(f, "C"), 1);
	assert_int_equal(total_of(f, "E"), 0);
	assert_int_equal(nlines_of(f, "E"), 0);
	assert_int_equal(total_of(f, "D"), -1);
	assert_int_equal(total_of(f, "L"), 70 * 71 / 2 * 100);
	assert_int_equal(nlines_of(f, "L"), 70);
	assert_int_equal(total_of(f, "M"), 200);
	assert_int_equal(nlines_of(f, "M"), 2);
	assert_int_equal(hits_for(f, "L"), 1);
	assert_int_equal(total_of(f, "X0000"), 100);
	assert_int_equal(total_of(f, "X2099"), 100);
	assert_int_equal(hits_for(f, "A"), 1);
	assert_int_equal(hits_for(f, "X0000"), 1);
	assert_int_equal(hits_for(f, "X2099"), 1);
	snprintf(number, sizeof(number), "%sC1", f->p);
	int64_t c1 = int_of(f->db, &q_customer, number, -1);
	assert_int_equal(int_of(f->db, &q_timeline, (const char *)NULL, c1), 4); /* A, E, L and M */
	snprintf(number, sizeof(number), "%sC2", f->p);
	int64_t c2 = int_of(f->db, &q_customer, number, -1);
	assert_int_equal(int_of(f->db, &q_timeline, (const char *)NULL, c2), 1 + EXTRA_ORDERS);
}

static void test_orders_import(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct counts im;
	struct rows cust = { 0 }, ord = { 0 };
	char like[64];
	rows_add(&cust, "external_id,name");
	rows_add(&cust, "%sC1,王芳", f->p);
	rows_add(&cust, "%sC2,李雷", f->p);
	assert_int_equal(run_import(f->db, IMPORT_CUSTOMERS, &cust, 0, &im, &err), 0);

	/* All-or-nothing: one bad row and nothing is written. */
	orders_rows(f, &ord, 1);
	assert_int_equal(run_import(f->db, IMPORT_ORDERS, &ord, 0, &im, &err), KF_EINVAL);
	assert_string_equal(err.key, "import_failed");
	assert_int_equal(im.bad, 1);
	snprintf(like, sizeof(like), "%s%%", f->p);
	assert_int_equal(int_of(f->db, &q_norders, like, -1), 0);

	/* --skip-bad: the rest is imported in batches and reads back as row-by-row writes would. */
	assert_int_equal(run_import(f->db, IMPORT_ORDERS, &ord, 1, &im, &err), 0);
	assert_int_equal(im.rows, ord.n - 1);
	assert_int_equal(im.bad, 1);
	assert_int_equal(im.imported, ord.n - 2);
	check_orders(f);

	/* The same file again changes nothing. */
	assert_int_equal(run_import(f->db, IMPORT_ORDERS, &ord, 1, &im, &err), 0);
	assert_int_equal(im.imported, ord.n - 2);
	check_orders(f);
	assert_int_equal(int_of(f->db, &q_norders, like, -1), 6 + EXTRA_ORDERS);
	rows_free(&cust);
	rows_free(&ord);
}

/* The bad row is reported with its line number and field. */
static void test_orders_errors(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct import im;
	struct actor a = { "cli", 0, "test", NULL, NULL };
	const char *cols[] = { "order_number", "customer_external_id", "placed_at", "sku", "quantity" };
	char num[64], ghost[64];
	snprintf(num, sizeof(num), "%sERR1", f->p);
	snprintf(ghost, sizeof(ghost), "%sGHOST", f->p);
	const char *r1[] = { num, ghost, "2025-01-01", "S", "1" };
	const char *r2[] = { num, "", "", "S", "1" };
	assert_int_equal(import_begin(&im, f->db, &a, 1700000000, IMPORT_ORDERS, 1, &err), 0);
	assert_int_equal(import_columns(&im, cols, 5, &err), 0);
	assert_int_equal(import_values(&im, 2, r1, 5, &err), 0);
	assert_int_equal(import_values(&im, 3, r2, 5, &err), 0);
	assert_int_equal(im.nerrors, 2);
	assert_int_equal(im.errors[0].row, 2);
	assert_string_equal(im.errors[0].field, "customer_external_id");
	assert_non_null(strstr(im.errors[0].message, ghost));
	assert_int_equal(im.errors[1].row, 3);
	assert_string_equal(im.errors[1].field, "placed_at");
	assert_int_equal(import_end(&im, &err), 0);
	import_release(&im);
	assert_int_equal(total_of(f, "ERR1"), -1);
}

int main(void)
{
	wiring_install(); /* listeners and job kinds, as every entry point */
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_total_add),
	};
	const struct CMUnitTest lite[] = {
		cmocka_unit_test_setup_teardown(test_orders_import, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_orders_errors, setup_sqlite, teardown),
	};
	const struct CMUnitTest pg[] = {
		cmocka_unit_test_setup_teardown(test_orders_import, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_orders_errors, setup_pg, teardown),
	};
	int failed = cmocka_run_group_tests_name("import helpers", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("orders import (sqlite)", lite, NULL, NULL);
	if (getenv("KF_TEST_PG_URL"))
		failed += cmocka_run_group_tests_name("orders import (postgres)", pg, NULL, NULL);
	return failed ? 1 : 0;
}
