/*
 * test_fault.c - the store's fault-injection hook (db_fault_stmt,
 * db_fault_commit in store/db.h) and what it proves: a write that fails
 * at any one of its statements, or at its commit, leaves nothing
 * half-done.  For each operation (ticket create, a reply, a customer
 * import row, a complaint advance) and N = 1, 2, 3, ... the N-th statement
 * is made to fail; the operation must fail and every table (names read
 * from the catalogue, so tables added later are covered too) must hold
 * exactly the rows it held before, byte for byte.  The loop ends when the
 * operation succeeds without reaching N.  The snapshot reads through its
 * own connection (sqlite3 / libpq), so it neither counts as a statement
 * nor sees uncommitted rows.  SQLite in a temporary file; the same tests
 * on PostgreSQL (a schema per test) when KF_TEST_PG_URL is set.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "base/json.h"
#include "crm/customer_import.h"
#include "desk/category.h"
#include "desk/claims.h"
#include "desk/complaint.h"
#include "desk/message.h"
#include "desk/returns.h"
#include "desk/ticket.h"
#include "logistics/order.h"
#include "logistics/shipment.h"
#include "store/db.h"
#include "base/banned.h"

#define NOW 1796000000 /* 2026-12-01, any fixed time */
#define MAX_STATEMENTS 400 /* no operation here runs more */
#define MAX_TABLES 200

static const char *pg_base_url; /* KF_TEST_PG_URL, or NULL */
static PGconn *pg_admin; /* creates and drops the per-test schemas */

struct fixture {
	int pg; /* 1: PostgreSQL, 0: SQLite */
	char dir[64];
	char schema[64];
	char url[1024];
	char path[128]; /* SQLite: the file */
	struct store *store;
	struct db *db;
	int64_t ticket; /* an inquiry to reply to */
	int64_t complaint; /* a complaint ticket to advance */
	int64_t category;
	int64_t return_ticket, order_line; /* a return ticket on an order, and a line of it */
	int64_t claim_ticket; /* a claim ticket on a shipment */
};

/* What every table holds: per table its name, row count and a hash of every value. */
struct snapshot {
	int n;
	char name[MAX_TABLES][64];
	long rows[MAX_TABLES];
	uint64_t hash[MAX_TABLES];
};

static const struct actor tester = { "cli", 0, "test", NULL, NULL };

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211u;
	return (h ^ 0xff) * 1099511628211u; /* a separator, so "ab","c" != "a","bc" */
}

static void snap_sqlite_table(sqlite3 *s, struct snapshot *out, int i)
{
	char sql[128];
	sqlite3_stmt *st = NULL;
	snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" ORDER BY 1", out->name[i]);
	assert_int_equal(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK);
	out->hash[i] = 14695981039346656037u;
	while (sqlite3_step(st) == SQLITE_ROW) {
		out->rows[i]++;
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const void *v = sqlite3_column_blob(st, c);
			out->hash[i] = fnv(out->hash[i], v ? v : "", (size_t)sqlite3_column_bytes(st, c));
		}
	}
	sqlite3_finalize(st);
}

static void snap_sqlite(struct fixture *f, struct snapshot *out)
{
	sqlite3 *s = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open_v2(f->path, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s,
	                                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
	                                    "'sqlite_%' ORDER BY name",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && out->n < MAX_TABLES)
		snprintf(out->name[out->n++], sizeof(out->name[0]), "%s",
		         (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	for (int i = 0; i < out->n; i++)
		snap_sqlite_table(s, out, i);
	sqlite3_close(s);
}

static PGresult *pg_must(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	return r;
}

static void snap_pg_table(PGconn *c, struct snapshot *out, int i)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" ORDER BY 1", out->name[i]);
	PGresult *r = pg_must(c, sql);
	out->rows[i] = PQntuples(r);
	out->hash[i] = 14695981039346656037u;
	for (int row = 0; row < PQntuples(r); row++)
		for (int col = 0; col < PQnfields(r); col++)
			out->hash[i] = fnv(out->hash[i], PQgetvalue(r, row, col),
			                   (size_t)PQgetlength(r, row, col));
	PQclear(r);
}

static void snap_pg(struct fixture *f, struct snapshot *out)
{
	PGconn *c = PQconnectdb(f->url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = pg_must(c,
	                      "SELECT table_name FROM information_schema.tables WHERE table_schema = "
	                      "current_schema() AND table_type = 'BASE TABLE' ORDER BY 1");
	for (int i = 0; i < PQntuples(r) && out->n < MAX_TABLES; i++)
		snprintf(out->name[out->n++], sizeof(out->name[0]), "%s", PQgetvalue(r, i, 0));
	PQclear(r);
	for (int i = 0; i < out->n; i++)
		snap_pg_table(c, out, i);
	PQfinish(c);
}

static void snap(struct fixture *f, struct snapshot *out)
{
	memset(out, 0, sizeof(*out));
	if (f->pg)
		snap_pg(f, out);
	else
		snap_sqlite(f, out);
	assert_true(out->n > 20); /* the schema is there */
}

static void snap_same(const struct snapshot *a, const struct snapshot *b, const char *what, int n)
{
	assert_int_equal(a->n, b->n);
	for (int i = 0; i < a->n; i++) {
		assert_string_equal(a->name[i], b->name[i]);
		if (a->rows[i] != b->rows[i] || a->hash[i] != b->hash[i])
			fail_msg("%s failing at statement %d changed table %s (%ld rows before, %ld after)",
			         what, n, a->name[i], a->rows[i], b->rows[i]);
	}
}

typedef int (*op_fn)(struct fixture *f, struct kf_error *err);

/* Fail statement 1, 2, 3, ... of op until it succeeds; then the commit. Returns the statements it runs. */
static int prove_atomic(struct fixture *f, op_fn op, const char *what)
{
	struct snapshot *before = calloc(1, sizeof(*before)), *after = calloc(1, sizeof(*after));
	assert_non_null(before);
	assert_non_null(after);
	int n;
	snap(f, before);
	for (n = 1; n <= MAX_STATEMENTS; n++) {
		struct kf_error err = KF_ERROR_INIT;
		db_fault_stmt(f->db, n);
		int rc = op(f, &err);
		int reached = !db_fault_armed(f->db);
		db_fault_stmt(f->db, 0);
		if (!reached) {
			if (rc < 0)
				fail_msg("%s failed on its own (%s) with the fault at %d unreached", what,
				         err.message, n);
			break; /* it ran fewer than n statements: done */
		}
		if (rc >= 0)
			fail_msg("%s succeeded although its statement %d failed", what, n);
		assert_false(db_in_tx(f->db));
		snap(f, after);
		snap_same(before, after, what, n);
	}
	assert_true(n > 1 && n <= MAX_STATEMENTS);
	snap(f, after); /* the run that succeeded did change something: the comparison can see it */
	assert_true(memcmp(before->rows, after->rows, sizeof(before->rows)) != 0 ||
	            memcmp(before->hash, after->hash, sizeof(before->hash)) != 0);
	free(before);
	free(after);
	return n - 1;
}

/* The commit fault: the operation fails, nothing stays, the fault is used up. */
static void prove_commit_fault(struct fixture *f, op_fn op, const char *what)
{
	struct snapshot *before = calloc(1, sizeof(*before)), *after = calloc(1, sizeof(*after));
	struct kf_error err = KF_ERROR_INIT;
	assert_non_null(before);
	assert_non_null(after);
	snap(f, before);
	db_fault_commit(f->db);
	if (op(f, &err) >= 0)
		fail_msg("%s succeeded although its commit failed", what);
	assert_false(db_fault_armed(f->db));
	assert_false(db_in_tx(f->db));
	snap(f, after);
	snap_same(before, after, what, 0);
	free(before);
	free(after);
}

/* ---- the operations --------------------------------------------------------- */

static int op_ticket_create(struct fixture *f, struct kf_error *err)
{
	struct ticket t;
	struct ticket_new in = { .type = "complaint",
		                 .subject = "快递破损，要求赔偿",
		                 .priority = "high",
		                 .body = "箱子压坏了，里面的杯子碎了两个。" };
	(void)f;
	return ticket_create(f->db, &tester, NOW, &in, &t, err);
}

static int op_reply(struct fixture *f, struct kf_error *err)
{
	struct ticket t;
	json_t *msg = NULL;
	int rc = message_add(f->db, &tester, NOW + 60, f->ticket, MESSAGE_PUBLIC, "已为您登记，请稍候。",
	                     TS_PENDING_CUSTOMER, &t, &msg, err);
	json_decref(msg);
	return rc;
}

static int op_import_customer(struct fixture *f, struct kf_error *err)
{
	int64_t id = 0;
	json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "external_id", "ERP-0042", "name", "李娜",
	                        "phone", "13800138000", "email", "li.na@example.com", "tier", "A", "city",
	                        "杭州", "tags", "vip;回头客");
	int rc = customer_import_row(f->db, &tester, row, NOW, &id, err);
	json_decref(row);
	return rc;
}

static int op_complaint_advance(struct fixture *f, struct kf_error *err)
{
	struct complaint c, out;
	struct complaint_patch p = COMPLAINT_PATCH_INIT;
	int rc = complaint_get(f->db, f->complaint, &c, err);
	if (rc < 0)
		return rc;
	p.category_id = f->category;
	return complaint_change(f->db, &tester, NOW + 120, f->complaint, c.version, CS_INITIAL_HANDLING, &p,
	                        &out, err);
}

static int op_return_create(struct fixture *f, struct kf_error *err)
{
	json_t *out = NULL;
	struct return_line_input line = { f->order_line, 1 };
	struct return_input in = { 0, "尺码不合适", RA_REFUND, &line, 1, "客户是老会员，特批" };
	int rc = return_create(f->db, &tester, NOW + 180, f->return_ticket, &in, 1, &out, err);
	json_decref(out);
	return rc;
}

static int op_claim_create(struct fixture *f, struct kf_error *err)
{
	json_t *out = NULL;
	int64_t version = 0;
	struct claim_input in = { 0, "damage", 25000, NULL, NULL };
	int rc = claim_create(f->db, &tester, NOW + 240, f->claim_ticket, &in, &out, &version, err);
	json_decref(out);
	return rc;
}

/* ---- fixture ------------------------------------------------------------------ */

static int pg_admin_exec(const char *sql)
{
	PGresult *res = PQexec(pg_admin, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		print_error("%s: %s\n", sql, PQerrorMessage(pg_admin));
	PQclear(res);
	return ok ? 0 : -1;
}

static int fresh_url(struct fixture *f)
{
	static int seq;
	char sql[128];
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-fault-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	if (!f->pg) {
		snprintf(f->path, sizeof(f->path), "%s/kefu.db", f->dir);
		snprintf(f->url, sizeof(f->url), "sqlite:%s", f->path);
		return 0;
	}
	snprintf(f->schema, sizeof(f->schema), "kfu_fault_%d_%d", (int)getpid(), ++seq);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", f->schema);
	if (strncmp(pg_base_url, "postgres", 8) == 0)
		snprintf(f->url, sizeof(f->url), "%s%coptions=-csearch_path%%3D%s", pg_base_url,
		         strchr(pg_base_url, '?') ? '&' : '?', f->schema);
	else
		snprintf(f->url, sizeof(f->url), "%s options='-csearch_path=%s'", pg_base_url, f->schema);
	return pg_admin_exec(sql);
}

static struct db_sql q_order_line = DB_SQL("SELECT id FROM order_lines WHERE order_id = $1");
/* Delivered (as tracking would record it), so the line can be returned. */
static struct db_sql q_delivered_line = DB_SQL(
        "UPDATE order_lines SET quantity_delivered = quantity WHERE order_id = $1");
static struct db_sql q_delivered_ship = DB_SQL("UPDATE shipments SET delivered_at = $2 WHERE id = $1");

/* An order with one line, shipped; a return ticket on the order and a claim ticket on the shipment. */
static int seed_order(struct fixture *f)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	int64_t order = 0, shipment = 0;
	struct order_line_in line = { 0, "CUP-01", "骨瓷杯", NULL, NULL, 2, 0, 3900 };
	struct order_in o = {
		.number = "SO-2026-0001", .placed_at = NOW - 5 * 86400, .lines = &line, .nlines = 1
	};
	struct shipment_in sh = { .order_id = 0,
		                  .tracking_number = "SF1234567890",
		                  .shipped_at = NOW - 4 * 86400 };
	if (order_create(f->db, &tester, NOW - 5 * 86400, &o, &order, &err) < 0)
		return print_error("order_create: %s\n", err.message), -1;
	sh.order_id = order;
	if (shipment_create(f->db, &tester, NOW - 4 * 86400, &sh, &shipment, &err) < 0)
		return print_error("shipment_create: %s\n", err.message), -1;
	if (db_query_int(f->db, &q_order_line, DB_ARGS(db_int(order)), &f->order_line, &err) < 0 ||
	    db_exec(f->db, &q_delivered_line, DB_ARGS(db_int(order)), &err) < 0 ||
	    db_exec(f->db, &q_delivered_ship, DB_ARGS(db_int(shipment), db_int(NOW - 2 * 86400)), &err) < 0)
		return print_error("delivered: %s\n", err.message), -1;
	struct ticket_new ret = { .type = "return", .subject = "杯子想退", .order_id = order };
	struct ticket_new clm = { .type = "claim", .subject = "运输破损索赔", .shipment_id = shipment };
	if (ticket_create(f->db, &tester, NOW - 3600, &ret, &t, &err) < 0)
		return print_error("return ticket: %s\n", err.message), -1;
	f->return_ticket = t.id;
	if (ticket_create(f->db, &tester, NOW - 3600, &clm, &t, &err) < 0)
		return print_error("claim ticket: %s\n", err.message), -1;
	f->claim_ticket = t.id;
	return 0;
}

static int seed(struct fixture *f)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	json_t *cat = NULL;
	struct category_fields cf = { 0, "damage", "破损", "Damaged", CATEGORY_KEEP, CATEGORY_KEEP };
	struct ticket_new inq = { .type = "inquiry", .subject = "什么时候发货？" };
	struct ticket_new cmp = { .type = "complaint", .subject = "客服态度差" };
	if (ticket_create(f->db, &tester, NOW - 3600, &inq, &t, &err) < 0)
		return -1;
	f->ticket = t.id;
	if (ticket_create(f->db, &tester, NOW - 3600, &cmp, &t, &err) < 0)
		return -1;
	f->complaint = t.id;
	if (category_create(f->db, &tester, NOW - 3600, &cf, &cat, &err) < 0)
		return print_error("category_create: %s\n", err.message), -1;
	f->category = (int64_t)json_integer_value(json_object_get(cat, "id"));
	json_decref(cat);
	return seed_order(f);
}

static int setup_with(void **state, int pg)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	*state = f;
	if (!f)
		return -1;
	f->pg = pg;
	opt.create = 1;
	opt.migrate = 1;
	opt.sync_full = 0;
	if (fresh_url(f) < 0 || store_open(f->url, &opt, &f->store, &err) < 0)
		return print_error("store_open %s: %s\n", f->url, err.message), -1;
	f->db = store_db(f->store, &err);
	return f->db ? seed(f) : -1;
}

static int setup(void **state)
{
	return setup_with(state, 0);
}

static int setup_pg(void **state)
{
	return setup_with(state, 1);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[64 + 1 + 256];
	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (!f)
		return 0;
	store_close(f->store);
	remove_dir(f->dir);
	if (f->pg) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->schema);
		pg_admin_exec(sql);
	}
	free(f);
	return 0;
}

/* ---- tests ---------------------------------------------------------------------- */

static void check_op(struct fixture *f, op_fn op, const char *what, int min_statements)
{
	int n = prove_atomic(f, op, what);
	if (n < min_statements)
		fail_msg("%s ran only %d statements", what, n);
	print_message("%s: failing each of its %d statements left nothing behind\n", what, n);
}

static void test_hook_inert_and_counts(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	static struct db_sql q_one = DB_SQL("SELECT 1");
	int64_t v = 0;
	assert_false(db_fault_armed(f->db));
	db_fault_stmt(f->db, 2);
	assert_true(db_fault_armed(f->db));
	assert_int_equal(db_query_int(f->db, &q_one, NULL, 0, &v, &err), 0); /* statement 1 runs */
	assert_int_equal(db_query_int(f->db, &q_one, NULL, 0, &v, &err), KF_EDB); /* statement 2 fails */
	assert_string_equal(err.key, "injected_fault");
	assert_false(db_fault_armed(f->db));
	assert_int_equal(db_query_int(f->db, &q_one, NULL, 0, &v, &err), 0); /* and only it */
	db_fault_stmt(f->db, 1);
	db_fault_stmt(f->db, 0); /* disarmed */
	assert_int_equal(db_query_int(f->db, &q_one, NULL, 0, &v, &err), 0);
	/* the commit fault ends the transaction rolled back */
	assert_int_equal(db_begin(f->db, &err), 0);
	db_fault_commit(f->db);
	assert_int_equal(db_commit(f->db, &err), KF_EDB);
	assert_false(db_in_tx(f->db));
	assert_false(db_fault_armed(f->db));
}

static void test_ticket_create(void **state)
{
	check_op(*state, op_ticket_create, "ticket create", 3);
	prove_commit_fault(*state, op_ticket_create, "ticket create");
}

static void test_reply(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	/* a reply the first time; the loop's last run succeeded, so the commit fault meets a second reply */
	check_op(f, op_reply, "reply", 3);
	assert_int_equal(ticket_get(f->db, f->ticket, &t, &err), 0);
	assert_int_equal(t.state, TS_PENDING_CUSTOMER);
	prove_commit_fault(f, op_reply, "reply");
}

static void test_import(void **state)
{
	check_op(*state, op_import_customer, "customer import row", 3);
	prove_commit_fault(*state, op_import_customer, "customer import row (update)");
}

static void test_complaint_advance(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct complaint c;
	check_op(f, op_complaint_advance, "complaint advance", 3);
	assert_int_equal(complaint_get(f->db, f->complaint, &c, &err), 0);
	assert_int_equal(c.step, CS_INITIAL_HANDLING);
}

static void test_complaint_commit_fault(void **state)
{
	prove_commit_fault(*state, op_complaint_advance, "complaint advance");
}

static void test_return_create(void **state)
{
	struct fixture *f = *state;
	check_op(f, op_return_create, "return create", 3);
}

static void test_claim_create(void **state)
{
	check_op(*state, op_claim_create, "claim create", 3);
}

static void test_return_claim_commit_fault(void **state)
{
	prove_commit_fault(*state, op_return_create, "return create");
	prove_commit_fault(*state, op_claim_create, "claim create");
}

#define FAULT_TESTS(su, td) \
	cmocka_unit_test_setup_teardown(test_hook_inert_and_counts, su, td), \
	        cmocka_unit_test_setup_teardown(test_ticket_create, su, td), \
	        cmocka_unit_test_setup_teardown(test_reply, su, td), \
	        cmocka_unit_test_setup_teardown(test_import, su, td), \
	        cmocka_unit_test_setup_teardown(test_complaint_advance, su, td), \
	        cmocka_unit_test_setup_teardown(test_complaint_commit_fault, su, td), \
	        cmocka_unit_test_setup_teardown(test_return_create, su, td), \
	        cmocka_unit_test_setup_teardown(test_claim_create, su, td), \
	        cmocka_unit_test_setup_teardown(test_return_claim_commit_fault, su, td)

static int run_pg(void)
{
	const struct CMUnitTest tests[] = { FAULT_TESTS(setup_pg, teardown) };
	pg_admin = PQconnectdb(pg_base_url);
	if (PQstatus(pg_admin) != CONNECTION_OK) {
		fprintf(stderr, "test_fault: cannot connect to KF_TEST_PG_URL: %s", PQerrorMessage(pg_admin));
		PQfinish(pg_admin);
		return 1;
	}
	PQclear(PQexec(pg_admin, "SET client_min_messages = warning"));
	int failed = cmocka_run_group_tests_name("fault/postgres", tests, NULL, NULL);
	PQfinish(pg_admin);
	return failed;
}

int main(void)
{
	const struct CMUnitTest tests[] = { FAULT_TESTS(setup, teardown) };
	int failed = cmocka_run_group_tests_name("fault/sqlite", tests, NULL, NULL);
	pg_base_url = getenv("KF_TEST_PG_URL");
	if (pg_base_url && *pg_base_url)
		failed += run_pg();
	else
		printf("test_fault: PG part not run because KF_TEST_PG_URL is unset (scripts/with-pg.sh sets it)\n");
	return failed;
}
