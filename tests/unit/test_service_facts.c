/*
 * test_service_facts.c - analytics/service_facts.c and the service-level
 * report over a temporary SQLite store (and PostgreSQL, a schema per test,
 * when KF_TEST_PG_URL is set): orders, parcels and tracking events made
 * through the real logistics code; the aggregates kept by the job must
 * equal a full recomputation from the raw tables for every breakdown,
 * after the first build, after inserts and updates (a late delivery, a
 * short shipment made good, a damage claim, a cancellation) and after a
 * re-run that must change nothing.
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

#include "app/wiring.h"
#include "analytics/report.h"
#include "analytics/service_facts.h"
#include "base/tz.h"
#include "jobs/job.h"
#include "jobs/scheduler.h"
#include "logistics/order.h"
#include "logistics/shipment.h"
#include "store/db.h"
#include "base/banned.h"

static const char *pg_base_url; /* KF_TEST_PG_URL, or NULL */
static PGconn *pg_admin; /* creates and drops the per-test schemas */

struct fixture {
	int pg;
	char dir[64];
	char schema[64];
	char url[1024];
	struct store *store;
	struct db *db;
	int64_t ship_serial;
	int64_t now; /* the clock of every change the test makes */
};

static const struct actor tester = { "cli", 0, "test", NULL, NULL };

#define HOUR 3600
#define DAY 86400

/* Shanghai midnight of 2026-03-d, UTC. */
static int64_t sh_day(int d)
{
	return tz_days_from_civil(2026, 3, d) * DAY - 8 * HOUR;
}

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
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-sf-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	if (!f->pg) {
		snprintf(f->url, sizeof(f->url), "sqlite:%s/kefu.db", f->dir);
		return 0;
	}
	snprintf(f->schema, sizeof(f->schema), "kfu_sf_%d_%d", (int)getpid(), ++seq);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", f->schema);
	if (strncmp(pg_base_url, "postgres", 8) == 0)
		snprintf(f->url, sizeof(f->url), "%s%coptions=-csearch_path%%3D%s", pg_base_url,
		         strchr(pg_base_url, '?') ? '&' : '?', f->schema);
	else
		snprintf(f->url, sizeof(f->url), "%s options='-csearch_path=%s'", pg_base_url, f->schema);
	return pg_admin_exec(sql);
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
	opt.sync_full = 0;
	if (fresh_url(f) < 0 || store_open(f->url, &opt, &f->store, &err) < 0) {
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

/* ---- building data through the logistics code ------------------------------------ */

static struct db_sql q_customer = DB_SQL(
        "INSERT INTO customers (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id");
static struct db_sql q_address = DB_SQL(
        "INSERT INTO customer_addresses (customer_id, province, city, line, is_default, created_at, updated_at)"
        " VALUES ($1, $2, $2, 'x', $3, $4, $4)");
static struct db_sql q_line_ids = DB_SQL("SELECT id FROM order_lines WHERE order_id = $1 ORDER BY line_no");
static struct db_sql q_ticket = DB_SQL(
        "INSERT INTO tickets (type, subject, order_id, shipment_id, created_by_kind, created_at, updated_at)"
        " VALUES ($1, 'x', $2, $3, 'cli', $4, $4) RETURNING id");
static struct db_sql q_claim = DB_SQL(
        "INSERT INTO claims (ticket_id, shipment_id, kind, declared_value_minor, created_at, updated_at)"
        " VALUES ($1, $2, $3, 100, $4, $4)");
static struct db_sql q_ticket_cat = DB_SQL("UPDATE tickets SET category_id = $2, updated_at = $3 WHERE id = $1");

static int64_t customer(struct fixture *f, const char *province, int64_t now)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id = 0;
	assert_int_equal(db_query_int(f->db, &q_customer, DB_ARGS(db_text("c"), db_int(now)), &id, &err), 0);
	/* a non-default address first: the default one must win */
	assert_true(db_exec(f->db, &q_address,
	                    DB_ARGS(db_int(id), db_text("西藏自治区"), db_int(0), db_int(now)), &err) >= 0);
	assert_true(db_exec(f->db, &q_address, DB_ARGS(db_int(id), db_text(province), db_int(1), db_int(now)),
	                    &err) >= 0);
	return id;
}

/* An order of n lines (categories alternate), placed at placed, promised 3 days later. */
static int64_t order(struct fixture *f, int64_t cust, int64_t placed, int n, const char *num)
{
	static const char *const cats[] = { "家电", "服装", "" };
	struct order_line_in l[4];
	struct kf_error err = KF_ERROR_INIT;
	memset(l, 0, sizeof l);
	for (int i = 0; i < n; i++) {
		l[i].sku = "SKU";
		l[i].category = cats[i % 3];
		l[i].quantity = 2 + i;
		l[i].unit_price_minor = 100;
	}
	struct order_in in = { num, cust, placed, placed + 3 * DAY, NULL, NULL, NULL, l, n };
	int64_t id = 0;
	assert_int_equal(order_create(f->db, &tester, f->now ? f->now : placed, &in, &id, &err), 0);
	return id;
}

/* Ship the order's lines (quantity q[i], 0 = skip; q NULL = everything). */
static int64_t ship(struct fixture *f, int64_t order_id, const int64_t *q, int n, const char *carrier,
                    const char *mode, int64_t at)
{
	struct kf_error err = KF_ERROR_INIT;
	struct shipment_line_in sl[4];
	int64_t line_ids[4];
	int k = 0, m = 0;
	struct db_rows *r = NULL;
	char number[32];
	assert_int_equal(db_query(f->db, &q_line_ids, DB_ARGS(db_int(order_id)), &r, &err), 0);
	while (db_next(r, &err) == 1 && m < 4)
		line_ids[m++] = db_col_int(r, 0);
	db_done(r);
	for (int i = 0; q && i < n && i < m; i++)
		if (q[i] > 0)
			sl[k++] = (struct shipment_line_in){ line_ids[i], q[i] };
	snprintf(number, sizeof number, "SF%08lld", (long long)++f->ship_serial);
	struct shipment_in in = { order_id, number, carrier,      mode,          NULL,
		                  NULL,     at,     at + 2 * DAY, q ? sl : NULL, q ? k : 0 };
	int64_t id = 0;
	assert_int_equal(shipment_create(f->db, &tester, f->now ? f->now : at, &in, &id, &err), 0);
	return id;
}

static void event(struct fixture *f, int64_t shipment, const char *status, int64_t at)
{
	struct kf_error err = KF_ERROR_INIT;
	struct tracking_event_in ev = { at, status, NULL, NULL, NULL };
	int added = 0;
	assert_int_equal(shipment_add_event(f->db, f->now ? f->now : at, shipment, &ev, &added, &err), 0);
	assert_int_equal(added, 1);
}

static void claim(struct fixture *f, int64_t order_id, int64_t shipment, const char *kind, int64_t at)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t t = 0;
	assert_int_equal(db_query_int(f->db, &q_ticket,
	                              DB_ARGS(db_text("claim"), db_int(order_id), db_int(shipment), db_int(at)),
	                              &t, &err),
	                 0);
	assert_true(db_exec(f->db, &q_claim, DB_ARGS(db_int(t), db_int(shipment), db_text(kind), db_int(at)),
	                    &err) >= 0);
}

/* ---- comparing the two sources -------------------------------------------------- */

static void run_report(struct fixture *f, const char *by, const char *source, int64_t from, int64_t to,
                       struct report_table *t)
{
	struct kf_error err = KF_ERROR_INIT;
	const struct report_def *def = report_find("service-level");
	struct report_params p = { 0 };
	assert_non_null(def);
	p.from = from;
	p.to = to;
	p.by = by;
	p.tz = "";
	if (source) {
		p.opt_key[0] = "source";
		p.opt_val[0] = source;
		p.nopts = 1;
	}
	assert_int_equal(report_check_params(def, &p, &err), 0);
	int rc = def->run(f->db, &p, t, &err);
	if (rc != 0)
		print_error("report: %s\n", err.message);
	assert_int_equal(rc, 0);
}

static void assert_same_tables(const struct report_table *a, const struct report_table *b)
{
	assert_int_equal(a->nrows, b->nrows);
	assert_int_equal(a->ncols, b->ncols);
	for (size_t r = 0; r < a->nrows; r++) {
		for (size_t c = 0; c < a->ncols; c++) {
			const struct report_cell *x = report_cell(a, r, c), *y = report_cell(b, r, c);
			assert_int_equal(x->null, y->null);
			assert_int_equal(x->i, y->i);
			assert_true(x->d == y->d);
			if (x->s || y->s)
				assert_string_equal(x->s, y->s);
		}
		assert_string_equal(a->drill[r], b->drill[r]);
	}
}

/* The aggregates' note names the watermark as a date (not UTC seconds), in English and Chinese. */
static void assert_note_date(const struct report_table *t)
{
	int y = 0, m = 0, d = 0;
	const char *asof = strstr(t->note, "as of ");
	assert_non_null(asof);
	assert_int_equal(sscanf(asof + 6, "%d-%d-%d", &y, &m, &d), 3);
	assert_true(y >= 2000 && y < 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
	assert_non_null(t->note_zh);
	assert_non_null(strstr(t->note_zh, "截至"));
}

/* Every breakdown, whole period and one day-aligned window: aggregates == raw. */
static void assert_agg_equals_raw(struct fixture *f)
{
	static const char *const bys[] = { "", "carrier", "mode", "region", "category", "day", "week", "month" };
	const int64_t windows[][2] = { { 0, 0 }, { sh_day(2), sh_day(5) } };
	for (size_t w = 0; w < 2; w++)
		for (size_t i = 0; i < sizeof bys / sizeof bys[0]; i++) {
			struct report_table agg, raw;
			run_report(f, bys[i], NULL, windows[w][0], windows[w][1], &agg);
			run_report(f, bys[i], "raw", windows[w][0], windows[w][1], &raw);
			assert_non_null(strstr(agg.note, "daily aggregates"));
			assert_non_null(strstr(raw.note, "raw tables"));
			assert_note_date(&agg);
			assert_non_null(raw.note_zh);
			assert_non_null(strstr(raw.note_zh, "原始数据"));
			assert_same_tables(&agg, &raw);
			report_table_free(&agg);
			report_table_free(&raw);
		}
}

static int64_t total_cell(struct fixture *f, const char *key)
{
	struct report_table t;
	run_report(f, "", NULL, 0, 0, &t);
	assert_int_equal(t.nrows, 1);
	const struct report_cell *c = report_cell(&t, 0, (size_t)report_col_index(&t, key));
	int64_t v = c->null ? -1 : c->i;
	report_table_free(&t);
	return v;
}

static double total_rate(struct fixture *f, const char *key)
{
	struct report_table t;
	run_report(f, "", NULL, 0, 0, &t);
	const struct report_cell *c = report_cell(&t, 0, (size_t)report_col_index(&t, key));
	double v = c->null ? -1 : c->d;
	report_table_free(&t);
	return v;
}

static void test_aggregates_follow_changes(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	int64_t changed = -1, o[12], s[12];
	int64_t c1 = customer(f, "广东省", sh_day(1)), c2 = customer(f, "浙江省", sh_day(1));
	char num[16];
	for (int i = 0; i < 12; i++) {
		snprintf(num, sizeof num, "N%d", i);
		o[i] = order(f, i % 2 ? c1 : c2, sh_day(1 + i / 3) + (i % 3) * 7 * HOUR, 1 + i % 3, num);
	}
	/* Orders 0-8 ship complete; 9 ships short (line 2: 1 of 3); 10 and 11 wait. */
	for (int i = 0; i < 9; i++)
		s[i] = ship(f, o[i], NULL, 0, i % 2 ? "顺丰速运" : "中通快递", i % 2 ? "express" : "road",
		            sh_day(1 + i / 3) + 10 * HOUR);
	const int64_t short_q[] = { 2, 1 };
	s[9] = ship(f, o[9], short_q, 2, "顺丰速运", "express", sh_day(4) + 10 * HOUR);
	/* Deliveries: 0-5 on time, 6 late, 7 and 8 still on the road. */
	for (int i = 0; i < 6; i++)
		event(f, s[i], "delivered", sh_day(2 + i / 3) + 15 * HOUR);
	event(f, s[6], "delivered", sh_day(9));
	event(f, s[7], "in_transit", sh_day(4));

	assert_int_equal(sf_refresh(f->db, sh_day(10), &changed, &err), 0);
	assert_int_equal(changed, 12);
	assert_agg_equals_raw(f);
	assert_int_equal(total_cell(f, "orders"), 12);
	assert_float_equal(total_rate(f, "otd"), 6.0 / 7, 1e-12);

	/* A late delivery, a short shipment made good, a damage claim, a
	 * cancellation and new orders, all recorded after the first run. */
	f->now = sh_day(11);
	event(f, s[7], "delivered", sh_day(12));
	const int64_t rest[] = { 0, 2 };
	int64_t extra = ship(f, o[9], rest, 2, "顺丰速运", "express", sh_day(11));
	event(f, s[9], "delivered", sh_day(6));
	event(f, extra, "delivered", sh_day(12));
	claim(f, o[0], s[0], "damage", sh_day(11));
	struct order_patch cancel = { "cancelled", 0, 0, NULL, NULL };
	assert_int_equal(order_update(f->db, &tester, sh_day(11), o[11], 1, &cancel, &err), 0);
	for (int i = 0; i < 3; i++) {
		snprintf(num, sizeof num, "M%d", i);
		int64_t id = order(f, c1, sh_day(5) + i * HOUR, 2, num);
		event(f, ship(f, id, NULL, 0, "京东物流", "express", sh_day(5) + 5 * HOUR), "delivered",
		      sh_day(6));
	}
	assert_int_equal(sf_refresh(f->db, sh_day(13), &changed, &err), 0);
	assert_int_equal(changed, 7); /* orders 0, 7, 9, 11 and three new ones */
	assert_agg_equals_raw(f);
	assert_int_equal(total_cell(f, "orders"), 14);
	assert_true(total_rate(f, "damage_rate") > 0);

	/* A complaint classified as damage on arrival (category 9) counts as damage. */
	int64_t t = 0;
	assert_int_equal(
	        db_query_int(f->db, &q_ticket,
	                     DB_ARGS(db_text("complaint"), db_int(o[1]), db_null(), db_int(sh_day(13) + 5)),
	                     &t, &err),
	        0);
	assert_true(db_exec(f->db, &q_ticket_cat, DB_ARGS(db_int(t), db_int(9), db_int(sh_day(13) + 5)),
	                    &err) >= 0);
	assert_int_equal(sf_refresh(f->db, sh_day(14), &changed, &err), 0);
	assert_int_equal(changed, 1);
	assert_agg_equals_raw(f);

	/* Again: nothing changed, nothing moves. */
	assert_int_equal(sf_refresh(f->db, sh_day(14) + 60, &changed, &err), 0);
	assert_int_equal(changed, 0);
	assert_agg_equals_raw(f);
}

/* The scheduler runs the job (recurring) and it reschedules itself. */
static void test_job(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	int64_t w = 0, due = 0;
	order(f, customer(f, "上海市", sh_day(1)), sh_day(1), 2, "J1");
	assert_int_equal(sf_watermark(f->db, &w, &err), 0);
	assert_int_equal(w, -1);
	assert_int_equal(scheduler_seed(f->store, sh_day(2), &err), 0);
	assert_true(scheduler_tick(f->store, sh_day(2)) >= 1);
	assert_int_equal(sf_watermark(f->db, &w, &err), 0);
	assert_int_equal(w, sh_day(2));
	assert_int_equal(job_due(f->db, SF_JOB_KIND, 0, &due, &err), 0);
	assert_int_equal(due, sh_day(2) + SF_EVERY_S);
	assert_int_equal(total_cell(f, "orders"), 1);
}

/* Parameters: a bad source is refused; a period off midnight is computed raw. */
static void test_params(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct report_table t;
	const struct report_def *def = report_find("service-level");
	struct report_params p = { 0 };
	order(f, 0, sh_day(1), 1, "P1");
	assert_int_equal(sf_refresh(f->db, sh_day(2), NULL, &err), 0);
	p.by = "";
	p.opt_key[0] = "source";
	p.opt_val[0] = "cache";
	p.nopts = 1;
	assert_int_equal(def->run(f->db, &p, &t, &err), KF_EINVAL);
	assert_string_equal(err.field, "source");
	run_report(f, "", NULL, sh_day(1) + HOUR, sh_day(3), &t);
	assert_non_null(strstr(t.note, "midnight"));
	assert_int_equal(t.nrows, 0); /* placed before from */
	report_table_free(&t);
	run_report(f, "region", NULL, 0, 0, &t);
	assert_int_equal(t.nrows, 1);
	assert_string_equal(report_cell(&t, 0, 0)->s, ""); /* no customer: no region */
	assert_string_equal(t.drill[0], "/api/v1/orders?placed_from=0&region=");
	report_table_free(&t);
	run_report(f, "day", NULL, 0, 0, &t);
	assert_string_equal(report_cell(&t, 0, 0)->s, "2026-03-01");
	char want[128];
	snprintf(want, sizeof want, "/api/v1/orders?placed_from=%lld&placed_to=%lld", (long long)sh_day(1),
	         (long long)sh_day(2));
	assert_string_equal(t.drill[0], want);
	report_table_free(&t);
}

static int run_pg(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_aggregates_follow_changes, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_job, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_params, setup_pg, teardown),
	};
	pg_admin = PQconnectdb(pg_base_url);
	if (PQstatus(pg_admin) != CONNECTION_OK) {
		fprintf(stderr, "test_service_facts: cannot connect to KF_TEST_PG_URL: %s",
		        PQerrorMessage(pg_admin));
		PQfinish(pg_admin);
		return 1;
	}
	PQclear(PQexec(pg_admin, "SET client_min_messages = warning"));
	int failed = cmocka_run_group_tests_name("service_facts/postgres", tests, NULL, NULL);
	PQfinish(pg_admin);
	return failed;
}

int main(void)
{
	wiring_install(); /* listeners and job kinds, as every entry point */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_aggregates_follow_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params, setup, teardown),
	};
	int failed = cmocka_run_group_tests_name("service_facts/sqlite", tests, NULL, NULL);
	pg_base_url = getenv("KF_TEST_PG_URL");
	if (pg_base_url && *pg_base_url)
		failed += run_pg();
	else
		printf("test_service_facts: PG part not run because KF_TEST_PG_URL is unset (scripts/with-pg.sh sets it)\n");
	return failed;
}
