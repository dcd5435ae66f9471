/*
 * test_value.c - customer value over a real store (analytics/value.c,
 * value_job.c, report_value.c): a small hand-worked shop of eight
 * customers recomputed twice (the second run writes nothing), tier and
 * stage written back and audited, a customer moved to A getting the
 * tier-A SLA policy on the next ticket, the four reports from the
 * snapshot and from a period, the ?segment= filter of the customers list,
 * and the nightly job.  Then real data: the UCI Online Retail set (all
 * 541,909 lines, read through xz) and the Superstore orders, loaded as
 * orders, recomputed, and the abc and rfm reports checked against a naive
 * computation in this file (sort + cumulative share) and against figures
 * computed once outside (Python, noted next to them).
 * SQLite in a temporary directory; PostgreSQL too (a schema per test) when
 * KF_TEST_PG_URL is set.  The data directory is KF_DATA_DIR, else
 * tests/data from the repository root; missing data fails the test.
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
#include <jansson.h>
#include <libpq-fe.h>

#include "app/wiring.h"
#include "analytics/report.h"
#include "analytics/value.h"
#include "auth/audit.h"
#include "base/csv.h"
#include "base/strmap.h"
#include "base/tz.h"
#include "crm/customer.h"
#include "desk/sla_policy.h"
#include "desk/ticket.h"
#include "jobs/job.h"
#include "jobs/scheduler.h"
#include "store/db.h"
#include "base/banned.h"

#define DAY 86400

static const char *pg_base_url; /* KF_TEST_PG_URL, or NULL */
static PGconn *pg_admin; /* creates and drops the per-test schemas */
static const struct actor tester = { "cli", 0, "test", NULL, NULL };

struct fixture {
	int pg;
	char dir[64];
	char schema[64];
	char url[1024];
	struct store *store;
	struct db *db;
};

/* ---- the store ------------------------------------------------------------------ */

static int pg_admin_exec(const char *sql)
{
	PGresult *res = PQexec(pg_admin, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		print_error("%s: %s\n", sql, PQerrorMessage(pg_admin));
	PQclear(res);
	return ok ? 0 : -1;
}

static int setup_with(void **state, int pg)
{
	static int seq;
	struct fixture *f = calloc(1, sizeof(*f));
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	char sql[128];
	*state = f;
	if (!f)
		return -1;
	f->pg = pg;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-value-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	if (!pg) {
		snprintf(f->url, sizeof(f->url), "sqlite:%s/kefu.db", f->dir);
	} else {
		snprintf(f->schema, sizeof(f->schema), "kfu_value_%d_%d", (int)getpid(), ++seq);
		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", f->schema);
		if (pg_admin_exec(sql) < 0)
			return -1;
		if (strncmp(pg_base_url, "postgres", 8) == 0)
			snprintf(f->url, sizeof(f->url), "%s%coptions=-csearch_path%%3D%s", pg_base_url,
			         strchr(pg_base_url, '?') ? '&' : '?', f->schema);
		else
			snprintf(f->url, sizeof(f->url), "%s options='-csearch_path=%s'", pg_base_url,
			         f->schema);
	}
	opt.create = 1;
	opt.sync_full = 0;
	if (store_open(f->url, &opt, &f->store, &err) < 0) {
		print_error("store_open %s: %s\n", f->url, err.message);
		return -1;
	}
	f->db = store_db(f->store, &err);
	return f->db ? 0 : -1;
}

static int setup(void **state)
{
	return setup_with(state, 0);
}

static int setup_pg(void **state)
{
	return setup_with(state, 1);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[128];
	if (!f)
		return 0;
	store_close(f->store);
	snprintf(p, sizeof(p), "%s/kefu.db", f->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/kefu.db-wal", f->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/kefu.db-shm", f->dir);
	unlink(p);
	rmdir(f->dir);
	if (f->pg) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->schema);
		pg_admin_exec(sql);
	}
	free(f);
	return 0;
}

/* ---- rows ------------------------------------------------------------------------ */

static struct db_sql q_customer = DB_SQL(
        "INSERT INTO customers (name, external_id, created_at, updated_at) VALUES ($1, $2, 0, 0) RETURNING id");
static struct db_sql q_order = DB_SQL(
        "INSERT INTO orders (number, customer_id, status, placed_at, total_minor, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, 0, 0)");
static struct db_sql q_invitation = DB_SQL(
        "INSERT INTO survey_invitations (kind, customer_id, token_hash, sent_at, expires_at)"
        " VALUES ('resolution', $1, $2, $3, $3) RETURNING id");
static struct db_sql q_response = DB_SQL(
        "INSERT INTO survey_responses (invitation_id, kind, customer_id, csat, nps, created_at)"
        " VALUES ($1, 'resolution', $2, $3, $4, $5)");

static int64_t add_customer(struct db *db, const char *name)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id = 0;
	if (db_query_int(db, &q_customer, DB_ARGS(db_text(name), db_text(name)), &id, &err) < 0)
		fail_msg("customer: %s", err.message);
	return id;
}

static void add_order(struct db *db, int64_t customer, const char *status, int64_t at, int64_t total)
{
	static int seq;
	struct kf_error err = KF_ERROR_INIT;
	char number[32];
	snprintf(number, sizeof(number), "V%06d", ++seq);
	if (db_exec(db, &q_order,
	            DB_ARGS(db_text(number), db_int(customer), db_text(status), db_int(at), db_int(total)),
	            &err) < 0)
		fail_msg("order: %s", err.message);
}

/* One survey answer; -1 = not answered. */
static void add_answer(struct db *db, int64_t customer, int csat, int nps, int64_t at)
{
	static int seq;
	struct kf_error err = KF_ERROR_INIT;
	char token[32];
	int64_t inv = 0;
	snprintf(token, sizeof(token), "tok%d", ++seq);
	if (db_query_int(db, &q_invitation, DB_ARGS(db_int(customer), db_text(token), db_int(at)), &inv,
	                 &err) < 0)
		fail_msg("invitation: %s", err.message);
	if (db_exec(db, &q_response,
	            DB_ARGS(db_int(inv), db_int(customer), csat < 0 ? db_null() : db_int(csat),
	                    nps < 0 ? db_null() : db_int(nps), db_int(at)),
	            &err) < 0)
		fail_msg("response: %s", err.message);
}

static int64_t query_int(struct db *db, const char *sql, int64_t arg)
{
	struct db_sql q = DB_SQL(sql);
	struct kf_error err = KF_ERROR_INIT;
	int64_t v = -1;
	if (db_query_int(db, &q, DB_ARGS(db_int(arg)), &v, &err) < 0)
		fail_msg("%s: %s", sql, err.message);
	return v;
}

static void expect_text(struct db *db, const char *sql, int64_t arg, const char *want)
{
	struct db_sql q = DB_SQL(sql);
	struct kf_error err = KF_ERROR_INIT;
	struct db_rows *r = NULL;
	assert_int_equal(db_query(db, &q, DB_ARGS(db_int(arg)), &r, &err), 0);
	assert_int_equal(db_next(r, &err), 1);
	const char *got = db_col_text(r, 0);
	if (strcmp(got ? got : "(null)", want) != 0)
		fail_msg("%s [%lld]: %s, want %s", sql, (long long)arg, got ? got : "(null)", want);
	db_done(r);
}

/* ---- the small shop ------------------------------------------------------------- */

/* 2026-06-01 00:00 UTC */
static int64_t shop_now(void)
{
	return tz_days_from_civil(2026, 6, 1) * DAY;
}

struct shop {
	int64_t c[9]; /* c[1..8] */
};

/*
 * c1 three big orders (Tucker), NPS 3; c2 two orders; c3 one, 200 days ago;
 * c4 one, 400 days ago; c5 nothing; c6 one yesterday and CSAT 5; c7 four
 * small recent orders, NPS 10 and an open complaint; c8 a cancelled order.
 */
static void make_shop(struct fixture *f, struct shop *s)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t now = shop_now();
	char name[16];
	for (int i = 1; i <= 8; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		s->c[i] = add_customer(f->db, name);
	}
	add_order(f->db, s->c[1], "delivered", now - 70 * DAY, 500000);
	add_order(f->db, s->c[1], "completed", now - 40 * DAY, 500000);
	add_order(f->db, s->c[1], "open", now - 10 * DAY, 500000);
	add_order(f->db, s->c[2], "delivered", now - 20 * DAY, 100000);
	add_order(f->db, s->c[2], "delivered", now - 5 * DAY, 100000);
	add_order(f->db, s->c[3], "delivered", now - 200 * DAY, 50000);
	add_order(f->db, s->c[4], "delivered", now - 400 * DAY, 20000);
	add_order(f->db, s->c[6], "delivered", now - 1 * DAY, 10000);
	for (int k = 2; k <= 8; k += 2)
		add_order(f->db, s->c[7], "shipped", now - k * DAY, 5000);
	add_order(f->db, s->c[8], "cancelled", now - 3 * DAY, 90000);
	add_order(f->db, 0, "delivered", now - 3 * DAY, 70000); /* customer 0: no such customer */
	add_answer(f->db, s->c[1], -1, 3, now - 30 * DAY);
	add_answer(f->db, s->c[6], 5, -1, now - 1 * DAY);
	add_answer(f->db, s->c[7], -1, 10, now - 2 * DAY);
	struct ticket t;
	struct ticket_new in = { .type = "complaint", .subject = "破损", .customer_id = s->c[7] };
	if (ticket_create(f->db, &tester, now - DAY, &in, &t, &err) < 0)
		fail_msg("ticket: %s", err.message);
}

static void recompute(struct fixture *f, int64_t now, struct value_stats *st)
{
	struct kf_error err = KF_ERROR_INIT;
	struct value_opts o;
	value_opts_init(&o, now);
	if (value_recompute(f->db, &o, st, &err) < 0)
		fail_msg("recompute: %s", err.message);
}

static void test_recompute(void **state)
{
	struct fixture *f = *state;
	struct shop s;
	struct value_stats st;
	make_shop(f, &s);
	recompute(f, shop_now(), &st);
	assert_int_equal(st.customers, 8);
	assert_int_equal(st.buyers, 6);
	assert_int_equal(st.orders, 12);
	assert_int_equal(st.revenue_minor, 1800000);
	assert_int_equal(st.rows_written, 8);
	assert_int_equal(st.tiers_changed, 2); /* c1 to A, c2 to B */
	assert_int_equal(st.stages_changed, 8);
	/* worked by hand in docs/metrics/customer-value.md ("the eight-customer shop") */
	static const struct {
		const char *segment, *abc, *loyalty, *stage;
		int r, f, m, recency;
	} want[9] = {
		[1] = { "loyal_customers", "A", "spurious", "loyal", 3, 4, 5, 10 },
		[2] = { "potential_loyalists", "B", "unknown", "satisfied", 4, 3, 4, 5 },
		[3] = { "hibernating", "C", "unknown", "at_risk", 2, 1, 3, 200 },
		[4] = { "hibernating", "C", "unknown", "lapsed", 1, 1, 1, 400 },
		[5] = { "(null)", "C", "unknown", "potential", 0, 0, 0, -1 },
		[6] = { "potential_loyalists", "C", "latent", "satisfied", 5, 2, 1, 1 },
		[7] = { "champions", "C", "true", "at_risk", 5, 5, 1, 2 },
		[8] = { "(null)", "C", "unknown", "potential", 0, 0, 0, -1 },
	};
	for (int i = 1; i <= 8; i++) {
		int64_t id = s.c[i];
		expect_text(f->db, "SELECT segment FROM customer_value WHERE customer_id = $1", id,
		            want[i].segment);
		expect_text(f->db, "SELECT abc_class FROM customer_value WHERE customer_id = $1", id,
		            want[i].abc);
		expect_text(f->db, "SELECT loyalty FROM customer_value WHERE customer_id = $1", id,
		            want[i].loyalty);
		expect_text(f->db, "SELECT stage FROM customer_value WHERE customer_id = $1", id,
		            want[i].stage);
		expect_text(f->db, "SELECT tier FROM customers WHERE id = $1", id, want[i].abc);
		expect_text(f->db, "SELECT stage FROM customers WHERE id = $1", id, want[i].stage);
		assert_int_equal(
		        query_int(f->db, "SELECT COALESCE(r, 0) FROM customer_value WHERE customer_id = $1", id),
		        want[i].r);
		assert_int_equal(
		        query_int(f->db, "SELECT COALESCE(f, 0) FROM customer_value WHERE customer_id = $1", id),
		        want[i].f);
		assert_int_equal(
		        query_int(f->db, "SELECT COALESCE(m, 0) FROM customer_value WHERE customer_id = $1", id),
		        want[i].m);
		assert_int_equal(
		        query_int(f->db,
		                  "SELECT COALESCE(last_purchase_at, 0) FROM customer_value WHERE customer_id = $1",
		                  id),
		        want[i].recency < 0 ? 0 : shop_now() - want[i].recency * DAY);
	}
	assert_int_equal(query_int(f->db, "SELECT tucker FROM customer_value WHERE customer_id = $1", s.c[1]),
	                 1);
	assert_int_equal(query_int(f->db, "SELECT tucker FROM customer_value WHERE customer_id = $1", s.c[7]),
	                 1);
	assert_int_equal(query_int(f->db, "SELECT tucker FROM customer_value WHERE customer_id = $1", s.c[2]),
	                 0);
	/* one audit row per customer reclassified, with before and after */
	assert_int_equal(query_int(f->db,
	                           "SELECT COUNT(*) FROM audit_log WHERE action = 'customer.reclassify'"
	                           " AND object_id > $1",
	                           0),
	                 8);
	assert_int_equal(query_int(f->db, "SELECT version FROM customers WHERE id = $1", s.c[1]), 2);
	/* the same instant again: nothing to write */
	recompute(f, shop_now(), &st);
	assert_int_equal(st.rows_written, 0);
	assert_int_equal(st.tiers_changed, 0);
	assert_int_equal(st.stages_changed, 0);
	assert_int_equal(query_int(f->db,
	                           "SELECT COUNT(*) FROM audit_log WHERE action = 'customer.reclassify'"
	                           " AND object_id > $1",
	                           0),
	                 8);
	assert_int_equal(query_int(f->db, "SELECT COUNT(*) FROM customer_value_runs WHERE id > $1", 0), 2);
	/* a day later: recency is kept as a time, every score stays, nothing is written */
	recompute(f, shop_now() + DAY, &st);
	assert_int_equal(st.rows_written, 0);
	/* a first order for c5: its row changes (and the rows whose scores it moves) */
	add_order(f->db, s.c[5], "delivered", shop_now() + DAY - 3600, 1000);
	recompute(f, shop_now() + DAY, &st);
	assert_true(st.rows_written >= 1);
	expect_text(f->db, "SELECT stage FROM customers WHERE id = $1", s.c[5], "new");
}

/* An erased customer leaves the pass and the snapshot; sparse customer ids are found too. */
static void test_erased(void **state)
{
	struct fixture *f = *state;
	struct shop s;
	struct value_stats st;
	struct kf_error err = KF_ERROR_INIT;
	make_shop(f, &s);
	recompute(f, shop_now(), &st);
	struct db_sql erase = DB_SQL("UPDATE customers SET erased_at = 1 WHERE id = $1");
	assert_true(db_exec(f->db, &erase, DB_ARGS(db_int(s.c[3])), &err) >= 0);
	recompute(f, shop_now(), &st);
	assert_int_equal(st.customers, 7);
	assert_int_equal(
	        query_int(f->db, "SELECT COUNT(*) FROM customer_value WHERE customer_id = $1", s.c[3]), 0);
	/* sparse ids (no direct table, the binary search finds the rows) */
	struct db_sql far = DB_SQL(
	        "INSERT INTO customers (id, name, created_at, updated_at) VALUES ($1, 'far', 0, 0)");
	assert_true(db_exec(f->db, &far, DB_ARGS(db_int(5000000)), &err) >= 0);
	add_order(f->db, 5000000, "delivered", shop_now() - DAY, 777);
	recompute(f, shop_now(), &st);
	assert_int_equal(st.customers, 8);
	assert_int_equal(st.orders, 12); /* c3's order left with c3; the far one came */
	assert_int_equal(
	        query_int(f->db, "SELECT monetary_minor FROM customer_value WHERE customer_id = $1", 5000000),
	        777);
	assert_int_equal(
	        query_int(f->db, "SELECT frequency FROM customer_value WHERE customer_id = $1", s.c[7]), 4);
}

/* A customer moved to A gets the tier-A policy on the next ticket. */
/* The domain checks a policy given as a struct, not only the HTTP body: nothing is written. */
static void expect_policy_refused(struct fixture *f, const struct sla_policy_input *pol, const char *key,
                                  const char *field)
{
	struct kf_error err = KF_ERROR_INIT;
	struct sla_policy all[SLA_POLICY_MAX];
	int before = 0, after = 0;
	int64_t id = 0;
	assert_int_equal(sla_policy_load_all(f->db, all, SLA_POLICY_MAX, &before, &err), 0);
	assert_int_equal(sla_policy_create(f->db, &tester, shop_now(), pol, &id, &err), KF_EINVAL);
	assert_string_equal(err.key, key);
	assert_string_equal(err.field, field);
	assert_int_equal(sla_policy_load_all(f->db, all, SLA_POLICY_MAX, &after, &err), 0);
	assert_int_equal(after, before);
}

static void test_policy_struct_checked(void **state)
{
	struct fixture *f = *state;
	const unsigned base = SLA_POLICY_HAS_NAME | SLA_POLICY_HAS_FIRST_RESPONSE;
	struct sla_policy_input pol = { .present = SLA_POLICY_HAS_FIRST_RESPONSE, .first_response_s = 60 };
	expect_policy_refused(f, &pol, "required", "name");
	pol = (struct sla_policy_input){
		.present = base | SLA_POLICY_HAS_RANK, .name = "r", .first_response_s = 60, .rank = 1000001
	};
	expect_policy_refused(f, &pol, "range", "rank");
	pol = (struct sla_policy_input){ .present = base | SLA_POLICY_HAS_TICKET_TYPE,
		                         .name = "t",
		                         .first_response_s = 60,
		                         .ticket_type = "nope" };
	expect_policy_refused(f, &pol, "invalid", "ticket_type");
	pol = (struct sla_policy_input){ .present = base, .name = "n", .first_response_s = 366LL * 86400 + 1 };
	expect_policy_refused(f, &pol, "range", "first_response_s");
	char longname[3 * 129 + 1];
	for (int i = 0; i < 129; i++)
		memcpy(longname + 3 * i, "名", 3);
	longname[3 * 129] = '\0';
	pol = (struct sla_policy_input){ .present = base, .name = longname, .first_response_s = 60 };
	expect_policy_refused(f, &pol, "too_long", "name");
}

static void test_tier_feeds_sla(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct value_stats st;
	int64_t now = shop_now(), vip = 0;
	struct sla_policy_input pol = {
		.present = SLA_POLICY_HAS_NAME | SLA_POLICY_HAS_CUSTOMER_TIER |
		        SLA_POLICY_HAS_FIRST_RESPONSE | SLA_POLICY_HAS_RESOLUTION,
		.name = "VIP tier A",
		.customer_tier = "A",
		.first_response_s = 1800,
		.resolution_s = 14400,
	};
	assert_int_equal(sla_policy_create(f->db, &tester, now, &pol, &vip, &err), 0);
	int64_t big = add_customer(f->db, "big"), small = add_customer(f->db, "small");
	add_order(f->db, big, "delivered", now - 3 * DAY, 9000000);
	add_order(f->db, small, "delivered", now - 3 * DAY, 1000);
	struct ticket t;
	struct ticket_new in = { .type = "inquiry", .subject = "到货时间?", .customer_id = big };
	assert_int_equal(ticket_create(f->db, &tester, now, &in, &t, &err), 0);
	assert_true(query_int(f->db, "SELECT policy_id FROM ticket_sla WHERE ticket_id = $1", t.id) != vip);
	recompute(f, now, &st);
	expect_text(f->db, "SELECT tier FROM customers WHERE id = $1", big, "A");
	expect_text(f->db, "SELECT tier FROM customers WHERE id = $1", small, "C");
	assert_int_equal(ticket_create(f->db, &tester, now + 60, &in, &t, &err), 0);
	assert_int_equal(query_int(f->db, "SELECT policy_id FROM ticket_sla WHERE ticket_id = $1", t.id), vip);
	in.customer_id = small;
	assert_int_equal(ticket_create(f->db, &tester, now + 60, &in, &t, &err), 0);
	assert_true(query_int(f->db, "SELECT policy_id FROM ticket_sla WHERE ticket_id = $1", t.id) != vip);
}

/* ---- reports -------------------------------------------------------------------- */

static void run_report(struct fixture *f, const char *name, struct report_params *p, struct report_table *t)
{
	struct kf_error err = KF_ERROR_INIT;
	const struct report_def *def = report_find(name);
	assert_non_null(def);
	assert_string_equal(def->perm, "report.read");
	memset(t, 0, sizeof(*t));
	if (report_check_params(def, p, &err) < 0 || def->run(f->db, p, t, &err) < 0)
		fail_msg("report %s: %s", name, err.message);
}

/* The row whose first cell is key (text or integer). */
static size_t row_of(const struct report_table *t, const char *key)
{
	for (size_t r = 0; r < t->nrows; r++) {
		const struct report_cell *c = report_cell(t, r, 0);
		char num[24];
		snprintf(num, sizeof(num), "%lld", (long long)c->i);
		if ((c->s && strcmp(c->s, key) == 0) || (!c->s && strcmp(num, key) == 0))
			return r;
	}
	fail_msg("no row %s", key);
	return 0;
}

static int64_t cell_int(const struct report_table *t, const char *row, const char *col)
{
	int c = report_col_index(t, col);
	assert_true(c >= 0);
	return report_cell(t, row_of(t, row), (size_t)c)->i;
}

static double cell_num(const struct report_table *t, const char *row, const char *col)
{
	int c = report_col_index(t, col);
	assert_true(c >= 0);
	return report_cell(t, row_of(t, row), (size_t)c)->d;
}

static void test_reports(void **state)
{
	struct fixture *f = *state;
	struct shop s;
	struct value_stats st;
	struct report_table t;
	struct report_params p = { 0 };
	make_shop(f, &s);
	recompute(f, shop_now(), &st);
	p.now = shop_now() + 3600;
	p.by = "";
	run_report(f, "rfm", &p, &t);
	assert_int_equal(t.nrows, 10);
	assert_int_equal(cell_int(&t, "champions", "customers"), 1);
	assert_int_equal(cell_int(&t, "loyal_customers", "customers"), 1);
	assert_int_equal(cell_int(&t, "potential_loyalists", "customers"), 2);
	assert_int_equal(cell_int(&t, "hibernating", "customers"), 2);
	assert_int_equal(cell_int(&t, "at_risk", "customers"), 0);
	assert_float_equal(cell_num(&t, "potential_loyalists", "share"), 2.0 / 6, 1e-9);
	assert_float_equal(cell_num(&t, "hibernating", "mean_recency_days"), 300, 1e-9);
	assert_float_equal(cell_num(&t, "potential_loyalists", "mean_frequency"), 1.5, 1e-9);
	assert_int_equal(cell_int(&t, "potential_loyalists", "mean_monetary"), 105000);
	assert_float_equal(cell_num(&t, "loyal_customers", "revenue_share"), 1500000.0 / 1800000, 1e-9);
	assert_string_equal(t.drill[row_of(&t, "champions")], "/api/v1/customers?segment=champions");
	assert_non_null(strstr(t.note, "snapshot"));
	report_table_free(&t);
	p.by = "r";
	run_report(f, "rfm", &p, &t);
	assert_int_equal(t.nrows, 5);
	assert_int_equal(cell_int(&t, "5", "customers"), 2);
	assert_int_equal(cell_int(&t, "1", "customers"), 1);
	report_table_free(&t);
	p.by = "";
	run_report(f, "abc", &p, &t);
	assert_int_equal(cell_int(&t, "A", "customers"), 1);
	assert_int_equal(cell_int(&t, "B", "customers"), 1);
	assert_int_equal(cell_int(&t, "C", "customers"), 6);
	assert_int_equal(cell_int(&t, "A", "revenue"), 1500000);
	assert_int_equal(cell_int(&t, "C", "revenue"), 100000);
	assert_float_equal(cell_num(&t, "B", "revenue_share"), 200000.0 / 1800000, 1e-9);
	assert_string_equal(t.drill[row_of(&t, "A")], "/api/v1/customers?tier=A");
	assert_non_null(strstr(t.note, "80 %"));
	report_table_free(&t);
	run_report(f, "loyalty", &p, &t);
	assert_int_equal(cell_int(&t, "true", "customers"), 1);
	assert_int_equal(cell_int(&t, "latent", "customers"), 1);
	assert_int_equal(cell_int(&t, "spurious", "customers"), 1);
	assert_int_equal(cell_int(&t, "none", "customers"), 0);
	assert_int_equal(cell_int(&t, "unknown", "customers"), 5);
	assert_int_equal(cell_int(&t, "all", "tucker_loyal"), 2);
	assert_int_equal(cell_int(&t, "all", "buyers"), 6);
	assert_float_equal(cell_num(&t, "all", "tucker_rate"), 2.0 / 6, 1e-9);
	report_table_free(&t);
	run_report(f, "lifecycle", &p, &t);
	static const struct {
		const char *stage;
		int n;
	} stages[] = { { "potential", 2 }, { "new", 0 },     { "satisfied", 2 },
		       { "loyal", 1 },     { "at_risk", 2 }, { "lapsed", 1 } };
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(cell_int(&t, stages[i].stage, "customers"), stages[i].n);
	assert_string_equal(t.drill[row_of(&t, "loyal")], "/api/v1/customers?stage=loyal");
	report_table_free(&t);
}

/* A period, or thresholds other than the snapshot's, compute from orders. */
static void test_reports_period(void **state)
{
	struct fixture *f = *state;
	struct shop s;
	struct value_stats st;
	struct report_table t;
	struct report_params p = { 0 };
	struct kf_error err = KF_ERROR_INIT;
	make_shop(f, &s);
	recompute(f, shop_now(), &st);
	p.now = shop_now() + 3600;
	p.by = "";
	p.from = shop_now() - 100 * DAY;
	p.to = shop_now();
	run_report(f, "abc", &p, &t); /* c1 1.5M of 1.73M is A; c2 ends at 98.3 % -> C */
	assert_int_equal(cell_int(&t, "A", "customers"), 1);
	assert_int_equal(cell_int(&t, "B", "customers"), 0);
	assert_int_equal(cell_int(&t, "C", "customers"), 7);
	assert_int_equal(cell_int(&t, "C", "revenue"), 230000);
	assert_null(t.drill[0]);
	assert_non_null(strstr(t.note, "Computed from orders"));
	report_table_free(&t);
	run_report(f, "rfm", &p, &t);
	int64_t buyers = 0;
	for (size_t r = 0; r < t.nrows; r++)
		buyers += report_cell(&t, r, 1)->i;
	assert_int_equal(buyers, 4);
	report_table_free(&t);
	/* other thresholds, no period: computed, not the snapshot */
	p.from = p.to = 0;
	p.nopts = 2;
	p.opt_key[0] = "a";
	p.opt_val[0] = "0.9";
	p.opt_key[1] = "b";
	p.opt_val[1] = "0.05";
	run_report(f, "abc", &p, &t);
	assert_int_equal(cell_int(&t, "A", "customers"), 1);
	assert_int_equal(cell_int(&t, "B", "customers"), 1);
	assert_non_null(strstr(t.note, "Computed"));
	report_table_free(&t);
	/* a + b over 1 is refused, naming b */
	p.opt_val[1] = "0.15";
	memset(&t, 0, sizeof(t));
	assert_int_equal(report_find("abc")->run(f->db, &p, &t, &err), KF_EINVAL);
	assert_string_equal(err.field, "b");
	report_table_free(&t);
	p.opt_val[0] = "eighty";
	assert_int_equal(report_find("rfm")->run(f->db, &p, &t, &err), KF_EINVAL);
	assert_string_equal(err.field, "a");
	report_table_free(&t);
	/* a stale snapshot is not served */
	p.nopts = 0;
	p.now = shop_now() + VALUE_FRESH_S + 1;
	run_report(f, "lifecycle", &p, &t);
	assert_non_null(strstr(t.note, "Computed"));
	report_table_free(&t);
	/* a by the report does not know */
	p.by = "m";
	assert_int_equal(report_check_params(report_find("rfm"), &p, &err), KF_EINVAL);
	assert_string_equal(err.field, "by");
}

static void test_segment_filter(void **state)
{
	struct fixture *f = *state;
	struct shop s;
	struct value_stats st;
	struct kf_error err = KF_ERROR_INIT;
	struct customer_filter cf = { NULL, NULL, NULL, NULL, "potential_loyalists" };
	json_t *items = NULL;
	int64_t last = 0;
	make_shop(f, &s);
	recompute(f, shop_now(), &st);
	assert_int_equal(customer_list(f->db, &cf, 1, 0, 50, &items, &last, &err), 0);
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), s.c[2]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "id")), s.c[6]);
	json_decref(items);
	cf.segment = "champions";
	cf.tier = "A"; /* combined with another filter: c7 is C */
	assert_int_equal(customer_list(f->db, &cf, 1, 0, 50, &items, &last, &err), 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

/* The seeded job (ref 0) only plans the night; the night recomputes and plans the next. */
static void test_job(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct shop s;
	int64_t now = shop_now() + 10 * 3600, due = 0;
	make_shop(f, &s);
	assert_int_equal(value_next_slot(shop_now()), shop_now() + VALUE_JOB_HOUR_UTC * 3600);
	assert_int_equal(value_next_slot(shop_now() + VALUE_JOB_HOUR_UTC * 3600),
	                 shop_now() + DAY + VALUE_JOB_HOUR_UTC * 3600);
	assert_int_equal(scheduler_seed(f->store, now, &err), 0);
	assert_true(scheduler_tick(f->store, now) >= 1);
	assert_int_equal(query_int(f->db, "SELECT COUNT(*) FROM customer_value_runs WHERE id > $1", 0), 0);
	expect_text(f->db, "SELECT stage FROM customers WHERE id = $1", s.c[5], "new"); /* untouched at start */
	assert_int_equal(job_due(f->db, VALUE_JOB_KIND, 1, &due, &err), 0);
	assert_int_equal(due, value_next_slot(now));
	assert_true(scheduler_tick(f->store, due) >= 1);
	assert_int_equal(query_int(f->db, "SELECT COUNT(*) FROM customer_value_runs WHERE as_of = $1", due), 1);
	expect_text(f->db, "SELECT stage FROM customers WHERE id = $1", s.c[5], "potential");
	assert_int_equal(job_due(f->db, VALUE_JOB_KIND, 1, &due, &err), 0);
	assert_int_equal(due, value_next_slot(now) + DAY);
	/* a restart seeds ref 0 again: the pending night is kept, not moved */
	assert_int_equal(value_job(f->db, 0, now + DAY, &err), 0);
	assert_int_equal(job_due(f->db, VALUE_JOB_KIND, 1, &due, &err), 0);
	assert_int_equal(due, value_next_slot(now) + DAY);
}

/* ---- real data ------------------------------------------------------------------ */

static const char *data_dir(void)
{
	const char *d = getenv("KF_DATA_DIR");
	return d && *d ? d : "tests/data";
}

static FILE *open_data(const char *rel, int xz)
{
	char path[1024], cmd[1200];
	snprintf(path, sizeof(path), "%s/%s", data_dir(), rel);
	if (access(path, R_OK) != 0)
		fail_msg("data file %s is missing: set KF_DATA_DIR to the shared data directory", path);
	if (!xz)
		return fopen(path, "r");
	snprintf(cmd, sizeof(cmd), "xz -dc '%s'", path);
	return popen(cmd, "r");
}

/* A decimal text as an integer in units of 10^-scale (exact; "2.55" scale 3 = 2550). */
static int64_t parse_fixed(const char *s, int scale)
{
	int neg = *s == '-';
	int64_t v = 0;
	int decimals = -1;
	for (s += neg; *s; s++) {
		if (*s == '.') {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || decimals == scale)
			break;
		v = v * 10 + (*s - '0');
		if (decimals >= 0)
			decimals++;
	}
	for (int d = decimals < 0 ? 0 : decimals; d < scale; d++)
		v *= 10;
	return neg ? -v : v;
}

/* One customer of a data set, as the naive side sees it. */
struct buyer {
	char key[32];
	int64_t id; /* customers.id once loaded */
	int64_t orders, money, last_at;
};

struct dataset {
	struct buyer *b;
	size_t n, cap;
	struct strmap idx; /* key -> index in b */
	int64_t orders, revenue;
};

static struct buyer *buyer_of(struct dataset *d, const char *key)
{
	int64_t i;
	if (strmap_get(&d->idx, key, &i))
		return &d->b[i];
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->b = realloc(d->b, d->cap * sizeof(*d->b));
		assert_non_null(d->b);
	}
	struct buyer *b = &d->b[d->n];
	memset(b, 0, sizeof(*b));
	snprintf(b->key, sizeof(b->key), "%s", key);
	assert_int_equal(strmap_put(&d->idx, key, (int64_t)d->n), 1);
	d->n++;
	return b;
}

static void dataset_release(struct dataset *d)
{
	free(d->b);
	strmap_release(&d->idx);
}

/* Load every buyer as a customer and each purchase as an order, in one transaction. */
struct purchase {
	size_t buyer;
	int64_t at, total;
};

static void load(struct fixture *f, struct dataset *d, const struct purchase *p, size_t np)
{
	struct kf_error err = KF_ERROR_INIT;
	char number[32];
	assert_int_equal(db_begin(f->db, &err), 0);
	for (size_t i = 0; i < d->n; i++)
		d->b[i].id = add_customer(f->db, d->b[i].key);
	for (size_t i = 0; i < np; i++) {
		snprintf(number, sizeof(number), "D%07zu", i);
		if (db_exec(f->db, &q_order,
		            DB_ARGS(db_text(number), db_int(d->b[p[i].buyer].id), db_text("delivered"),
		                    db_int(p[i].at), db_int(p[i].total)),
		            &err) < 0)
			fail_msg("order: %s", err.message);
	}
	assert_int_equal(db_commit(f->db, &err), 0);
}

/* The naive side: sort money descending, walk cumulatively, tie runs together. */
static int cmp_money_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x < y) - (x > y);
}

static void naive_abc(const struct dataset *d, int64_t counts[3], int64_t revenue[3])
{
	int64_t *m = calloc(d->n, sizeof(*m)), total = 0;
	size_t k = 0;
	assert_non_null(m);
	for (size_t i = 0; i < d->n; i++)
		if (d->b[i].money > 0) {
			m[k++] = d->b[i].money;
			total += d->b[i].money;
		}
	qsort(m, k, sizeof(*m), cmp_money_desc);
	memset(counts, 0, 3 * sizeof(*counts));
	memset(revenue, 0, 3 * sizeof(*revenue));
	int64_t cum = 0;
	for (size_t i = 0; i < k;) {
		size_t j = i;
		while (j < k && m[j] == m[i])
			cum += m[j++];
		int c = i == 0 || cum * 100 <= total * 80 ? 0 : cum * 100 <= total * 95 ? 1 : 2;
		counts[c] += (int64_t)(j - i);
		for (; i < j; i++)
			revenue[c] += m[i];
	}
	counts[2] += (int64_t)(d->n - k);
	free(m);
}

/* abc and rfm reports over the loaded set against the naive side and the outside figures. */
static void check_reports(struct fixture *f, const struct dataset *d, int64_t now, const int64_t want_abc[3])
{
	struct value_stats st;
	struct report_table t;
	struct report_params p = { 0 };
	int64_t counts[3], revenue[3];
	static const char *const cls[3] = { "A", "B", "C" };
	naive_abc(d, counts, revenue);
	for (int c = 0; c < 3; c++)
		assert_int_equal(counts[c], want_abc[c]);
	recompute(f, now, &st);
	assert_int_equal(st.customers, (int64_t)d->n);
	assert_int_equal(st.buyers, (int64_t)d->n);
	assert_int_equal(st.orders, d->orders);
	assert_int_equal(st.revenue_minor, d->revenue);
	p.now = now;
	p.by = "";
	run_report(f, "abc", &p, &t);
	for (int c = 0; c < 3; c++) {
		assert_int_equal(cell_int(&t, cls[c], "customers"), counts[c]);
		assert_int_equal(cell_int(&t, cls[c], "revenue"), revenue[c]);
	}
	report_table_free(&t);
	/* F quintiles over distinct ranks: sizes differ by at most one; every buyer is in one segment */
	p.by = "f";
	run_report(f, "rfm", &p, &t);
	int64_t sum = 0;
	for (size_t r = 0; r < t.nrows; r++) {
		int64_t n = report_cell(&t, r, 1)->i;
		assert_true(n >= (int64_t)d->n / 5 - 1 && n <= (int64_t)d->n / 5 + 1);
		sum += n;
	}
	assert_int_equal(sum, (int64_t)d->n);
	report_table_free(&t);
	p.by = "segment";
	run_report(f, "rfm", &p, &t);
	sum = 0;
	for (size_t r = 0; r < t.nrows; r++)
		sum += report_cell(&t, r, 1)->i;
	assert_int_equal(sum, (int64_t)d->n);
	report_table_free(&t);
}

/* "2011-12-09 12:50:00" -> UTC seconds */
static int64_t parse_uci_time(const char *s)
{
	int y, m, dd, hh, mi, ss;
	if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d", &y, &m, &dd, &hh, &mi, &ss) != 6)
		fail_msg("bad InvoiceDate %s", s);
	return tz_days_from_civil(y, m, dd) * DAY + hh * 3600 + mi * 60 + ss;
}

/*
 * UCI Online Retail: a purchase is an invoice (InvoiceNo not starting with
 * C, a cancellation) with a CustomerID; its value the sum of Quantity x
 * UnitPrice over its lines, in thousandths of a pound (exact: prices have
 * at most three decimals).  Outside figures (Python over the same file):
 * 4,339 buyers, 18,536 invoices, 8,911,407.904 GBP; A/B/C 1,132 / 1,469 / 1,738.
 */
static void test_uci_online_retail(void **state)
{
	struct fixture *f = *state;
	struct dataset d = { .idx = STRMAP_INIT(10000) };
	struct purchase *p = NULL;
	size_t np = 0, cap = 0;
	struct kf_error err = KF_ERROR_INIT;
	struct csv c;
	char last_inv[32] = "";
	int64_t rows = 0, max_at = 0;
	FILE *in = open_data("online_retail/online_retail_uci_541909.csv.xz", 1);
	assert_non_null(in);
	csv_init_file(&c, in);
	assert_int_equal(csv_next(&c, &err), 1); /* the header */
	assert_string_equal(csv_field(&c, 0, NULL), "InvoiceNo");
	int rc;
	while ((rc = csv_next(&c, &err)) == 1) {
		rows++;
		const char *inv = csv_field(&c, 0, NULL), *cust = csv_field(&c, 6, NULL);
		int64_t at = parse_uci_time(csv_field(&c, 4, NULL));
		int64_t v = strtoll(csv_field(&c, 3, NULL), NULL, 10) * parse_fixed(csv_field(&c, 5, NULL), 3);
		max_at = at > max_at ? at : max_at;
		if (!*cust || inv[0] == 'C')
			continue;
		struct buyer *b = buyer_of(&d, cust);
		if (strcmp(inv, last_inv) != 0) { /* an invoice's lines are consecutive */
			if (np == cap) {
				cap = cap ? cap * 2 : 4096;
				p = realloc(p, cap * sizeof(*p));
				assert_non_null(p);
			}
			p[np++] = (struct purchase){ (size_t)(b - d.b), at, 0 };
			b->orders++;
			d.orders++;
			snprintf(last_inv, sizeof(last_inv), "%s", inv);
		}
		p[np - 1].total += v;
		b->money += v;
		d.revenue += v;
	}
	csv_release(&c);
	assert_int_equal(pclose(in), 0);
	assert_int_equal(rc, 0);
	assert_int_equal(rows, 541909);
	assert_int_equal(d.n, 4339);
	assert_int_equal(d.orders, 18536);
	assert_int_equal(d.revenue, 8911407904LL);
	load(f, &d, p, np);
	const int64_t want[3] = { 1132, 1469, 1738 };
	check_reports(f, &d, (max_at / DAY + 1) * DAY, want);
	free(p);
	dataset_release(&d);
}

/*
 * Superstore: a purchase is an order of superstore_orders.csv; its value
 * the sum of its lines' Sales in 1/10,000 dollar (Sales has up to four
 * decimals).  Outside figures (Python): 793 buyers, 5,009 orders,
 * 2,297,200.8603; A/B/C 395 / 209 / 189.
 */
static void test_superstore(void **state)
{
	struct fixture *f = *state;
	struct dataset d = { .idx = STRMAP_INIT(1000) };
	struct strmap orders = STRMAP_INIT(10000);
	struct purchase *p = calloc(6000, sizeof(*p));
	struct kf_error err = KF_ERROR_INIT;
	struct csv c;
	size_t np = 0;
	int64_t max_at = 0, oi;
	FILE *in = open_data("orders/superstore_orders.csv", 0);
	assert_non_null(in);
	csv_init_file(&c, in);
	assert_int_equal(csv_next(&c, &err), 1);
	assert_string_equal(csv_field(&c, 1, NULL), "Customer ID");
	while (csv_next(&c, &err) == 1) {
		int mo, dd, y;
		assert_int_equal(sscanf(csv_field(&c, 2, NULL), "%d/%d/%d", &mo, &dd, &y), 3);
		struct buyer *b = buyer_of(&d, csv_field(&c, 1, NULL));
		assert_true(np < 6000);
		p[np] = (struct purchase){ (size_t)(b - d.b), tz_days_from_civil(y, mo, dd) * DAY, 0 };
		max_at = p[np].at > max_at ? p[np].at : max_at;
		assert_int_equal(strmap_put(&orders, csv_field(&c, 3, NULL), (int64_t)np), 1);
		b->orders++;
		np++;
	}
	csv_release(&c);
	fclose(in);
	in = open_data("orders/superstore_lineitems.csv", 0);
	csv_init_file(&c, in);
	assert_int_equal(csv_next(&c, &err), 1);
	assert_string_equal(csv_field(&c, 6, NULL), "Sales");
	while (csv_next(&c, &err) == 1) {
		assert_int_equal(strmap_get(&orders, csv_field(&c, 2, NULL), &oi), 1);
		int64_t v = parse_fixed(csv_field(&c, 6, NULL), 4);
		p[oi].total += v;
		d.b[p[oi].buyer].money += v;
		d.revenue += v;
	}
	csv_release(&c);
	fclose(in);
	d.orders = (int64_t)np;
	assert_int_equal(np, 5009);
	assert_int_equal(d.n, 793);
	assert_int_equal(d.revenue, 22972008603LL);
	load(f, &d, p, np);
	const int64_t want[3] = { 395, 209, 189 };
	check_reports(f, &d, (max_at / DAY + 1) * DAY, want);
	free(p);
	strmap_release(&orders);
	dataset_release(&d);
}

static int run_pg(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recompute, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_erased, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_tier_feeds_sla, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_policy_struct_checked, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_reports, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_reports_period, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_segment_filter, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_job, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_superstore, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_uci_online_retail, setup_pg, teardown),
	};
	pg_admin = PQconnectdb(pg_base_url);
	if (PQstatus(pg_admin) != CONNECTION_OK) {
		fprintf(stderr, "test_value: cannot connect to KF_TEST_PG_URL: %s", PQerrorMessage(pg_admin));
		PQfinish(pg_admin);
		return 1;
	}
	PQclear(PQexec(pg_admin, "SET client_min_messages = warning"));
	int failed = cmocka_run_group_tests_name("value/postgres", tests, NULL, NULL);
	PQfinish(pg_admin);
	return failed;
}

int main(void)
{
	wiring_install(); /* listeners and job kinds, as every entry point */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recompute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_erased, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tier_feeds_sla, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_struct_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports_period, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_superstore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uci_online_retail, setup, teardown),
	};
	int failed = cmocka_run_group_tests_name("value/sqlite", tests, NULL, NULL);
	pg_base_url = getenv("KF_TEST_PG_URL");
	if (pg_base_url && *pg_base_url)
		failed += run_pg();
	else
		printf("test_value: PG part not run because KF_TEST_PG_URL is unset (scripts/with-pg.sh sets it)\n");
	return failed;
}
