/*
 * test_bulk.c - store/bulk.c (multi-row INSERTs) and the bulk indexing of
 * store/search.c (search_load_*) against a real store: SQLite in a
 * mkdtemp directory, and PostgreSQL as well when KF_TEST_PG_URL is set.
 * Rows must arrive complete and in order whether they go in full
 * statements or one by one, text must be copied (the caller's buffer is
 * reused), a failing row must fail the flush, and bulk-indexed documents
 * must be found like search_put's, with ids after the existing ones.
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

#include "store/bulk.h"
#include "store/db.h"
#include "store/search.h"
#include "base/banned.h"

struct fixture {
	char dir[64];
	struct store *store;
	struct db *db;
};

static int open_store(struct fixture *f, const char *url)
{
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	opt.create = 1;
	opt.sync_full = 0;
	if (store_open(url, &opt, &f->store, &err) < 0) {
		print_error("store_open %s: %s\n", url, err.message);
		return -1;
	}
	f->db = store_db(f->store, &err);
	return f->db ? 0 : -1;
}

/* A scratch table of the test's own, with a column of each type we bind. */
static const char create_scratch[] = "CREATE TABLE IF NOT EXISTS bulk_test (id BIGINT PRIMARY KEY,"
                                     " owner BIGINT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL,"
                                     " ref BIGINT NOT NULL, note TEXT)";
static struct db_sql q_reset = DB_SQL("DELETE FROM bulk_test");
static struct db_sql q_reset_docs = DB_SQL("DELETE FROM search_docs");

static int reset(struct fixture *f)
{
	struct kf_error err = KF_ERROR_INIT;
	if (db_exec_script(f->db, create_scratch, &err) < 0 || db_exec(f->db, &q_reset, DB_NOARGS, &err) < 0)
		return -1;
	return db_exec(f->db, &q_reset_docs, DB_NOARGS, &err) < 0 ? -1 : 0;
}

static int setup_sqlite(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char url[128];
	*state = f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-bulk-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(url, sizeof(url), "sqlite:%s/kefu.db", f->dir);
	return open_store(f, url) < 0 ? -1 : reset(f);
}

static int setup_pg(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	*state = f;
	if (!f || open_store(f, getenv("KF_TEST_PG_URL")) < 0)
		return -1;
	return reset(f);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	if (f->db)
		reset(f);
	store_close(f->store);
	if (f->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
		if (system(cmd) != 0)
			return -1;
	}
	free(f);
	return 0;
}

static struct bulk_sql b_timeline = BULK_SQL("bulk_test", "id, owner, at, kind, ref, note", 6);
static struct db_sql q_rows = DB_SQL("SELECT id, owner, at, kind, ref, note FROM bulk_test ORDER BY id");

/* Add n rows with ids from first; the summary is built in one reused buffer, every 7th is NULL. */
static void add_rows(struct bulk *b, int64_t first, int n)
{
	struct kf_error err = KF_ERROR_INIT;
	char summary[64];
	for (int i = 0; i < n; i++) {
		int64_t id = first + i;
		snprintf(summary, sizeof(summary), "行 %lld row", (long long)id);
		assert_int_equal(
		        bulk_add(b,
		                 DB_ARGS(db_int(id), db_int(id % 5 + 1), db_int(1700000000 + id),
		                         db_text("order"), db_int(id * 10), db_text(id % 7 ? summary : NULL)),
		                 &err),
		        0);
		assert_true(bulk_pending(b) >= 1 && bulk_pending(b) <= BULK_ROWS);
	}
}

/* The rows with ids 1..n are all there, in order, with their values. */
static void rows_are(struct db *db, int n)
{
	struct kf_error err = KF_ERROR_INIT;
	struct db_rows *r = NULL;
	char want[64];
	int64_t id = 0;
	int rc = db_query(db, &q_rows, DB_NOARGS, &r, &err);
	assert_int_equal(rc, 0);
	while ((rc = db_next(r, &err)) == 1) {
		id++;
		assert_int_equal(db_col_int(r, 0), id);
		assert_int_equal(db_col_int(r, 1), id % 5 + 1);
		assert_int_equal(db_col_int(r, 2), 1700000000 + id);
		assert_string_equal(db_col_text(r, 3), "order");
		assert_int_equal(db_col_int(r, 4), id * 10);
		snprintf(want, sizeof(want), "行 %lld row", (long long)id);
		if (id % 7)
			assert_string_equal(db_col_text(r, 5), want);
		else
			assert_true(db_col_isnull(r, 5));
	}
	db_done(r);
	assert_int_equal(rc, 0);
	assert_int_equal(id, n);
}

static void test_bulk_rows(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	int n = 2 * BULK_ROWS + 3; /* two full statements and a rest of three rows */
	struct bulk *b = bulk_new(f->db, &b_timeline);
	add_rows(b, 1, n);
	assert_int_equal(bulk_flush(b, &err), 0);
	assert_int_equal(bulk_pending(b), 0);
	assert_int_equal(bulk_flush(b, &err), 0); /* nothing pending: nothing written */
	rows_are(f->db, n);
	/* exactly one full statement, and then a second bulk on the same table */
	struct bulk *b2 = bulk_new(f->db, &b_timeline);
	add_rows(b2, n + 1, BULK_ROWS);
	assert_int_equal(bulk_pending(b2), BULK_ROWS);
	assert_int_equal(bulk_flush(b2, &err), 0);
	rows_are(f->db, n + BULK_ROWS);
	bulk_free(b);
	bulk_free(b2);
	bulk_free(NULL);
}

static void test_bulk_failure(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct bulk *b = bulk_new(f->db, &b_timeline);
	add_rows(b, 1, 3);
	assert_int_equal(bulk_flush(b, &err), 0);
	/* a full statement with a duplicate id fails, on the add that writes it */
	add_rows(b, 3, BULK_ROWS);
	assert_int_not_equal(bulk_add(b,
	                              DB_ARGS(db_int(9999), db_int(1), db_int(1), db_text("order"), db_int(1),
	                                      db_text("x")),
	                              &err),
	                     0);
	assert_int_equal(bulk_pending(b), 0);
	/* and a rest written row by row fails at the flush */
	err = (struct kf_error)KF_ERROR_INIT;
	add_rows(b, 2, 1);
	assert_int_not_equal(bulk_flush(b, &err), 0);
	assert_non_null(err.message);
	bulk_free(b);
}

static void hits_are(struct db *db, const char *q, const char *want)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL, *it;
	int64_t last = 0;
	size_t i;
	char got[256] = "";
	assert_int_equal(search_query(db, q, NULL, 0, 50, &items, &last, &err), 0);
	json_array_foreach(items, i, it)
	{
		size_t n = strlen(got);
		snprintf(got + n, sizeof(got) - n, "%s%lld", n ? "," : "",
		         (long long)json_integer_value(json_object_get(it, "ref_id")));
	}
	json_decref(items);
	assert_string_equal(got, want);
}

static void test_search_load(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct search_load *l = NULL;
	assert_int_equal(search_put(f->db, "ticket", 1, 0, "申请退款", "商品破损", 1700000000, &err), 0);
	assert_int_equal(search_load_new(f->db, &l, &err), 0);
	assert_int_equal(
	        search_load_add(l, "ticket", 2, 0, "Where is my parcel?", "zeppelin lamp", 1700000001, &err),
	        0);
	for (int i = 0; i < BULK_ROWS + 5; i++)
		assert_int_equal(search_load_add(l, "order", 100 + i, 0, "订单",
		                                 i == 42 ? "退款 包裹" : "包裹", 1700000002, &err),
		                 0);
	assert_int_equal(search_load_add(l, "message", 7, 2, "", "物流延误三天了", 1700000003, &err), 0);
	assert_int_equal(search_load_finish(l, &err), 0);
	search_load_free(l);
	search_load_free(NULL);
	hits_are(f->db, "退款", "142,1");
	hits_are(f->db, "zeppelin", "2");
	hits_are(f->db, "物流延误", "7");
	/* the ids continue after the loaded ones: search_put still works, on either backend */
	assert_int_equal(search_put(f->db, "ticket", 3, 0, "又要退款", "", 1700000004, &err), 0);
	hits_are(f->db, "退款", "3,142,1");
	/* a document loaded twice is refused */
	assert_int_equal(search_load_new(f->db, &l, &err), 0);
	int rc = search_load_add(l, "ticket", 2, 0, "again", "", 1700000005, &err);
	if (rc == 0)
		rc = search_load_finish(l, &err);
	assert_int_equal(rc, KF_EEXIST);
	search_load_free(l);
}

int main(void)
{
	const struct CMUnitTest lite[] = {
		cmocka_unit_test_setup_teardown(test_bulk_rows, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_failure, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_search_load, setup_sqlite, teardown),
	};
	const struct CMUnitTest pg[] = {
		cmocka_unit_test_setup_teardown(test_bulk_rows, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_failure, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_search_load, setup_pg, teardown),
	};
	int failed = cmocka_run_group_tests_name("bulk (sqlite)", lite, NULL, NULL);
	if (getenv("KF_TEST_PG_URL"))
		failed += cmocka_run_group_tests_name("bulk (postgres)", pg, NULL, NULL);
	else
		printf("bulk (postgres): not run here because KF_TEST_PG_URL is unset\n");
	return failed;
}
