/*
 * service_bench.c - figures for the service-level KPIs (bench/service.sh).
 *
 *   service_bench DB [ORDERS [CUSTOMERS]]
 *
 * When DB does not exist it is made: kefu's migrations, then ORDERS orders
 * (default 10,000,000) of CUSTOMERS customers (default 1,000,000) with
 * their lines, parcels, a few damage claims and damage complaints, written
 * straight through SQLite in one transaction with journal_mode=OFF and
 * synchronous=OFF (a bench fixture, not a database to keep).  Then it times
 * and prints:
 *   1. the full raw computation of every service-level KPI (one streaming
 *      scan of each table; the report with source=raw);
 *   2. the first build of the aggregates (only when not built yet);
 *   3. the aggregate refresh after 10,000 new orders;
 *   4. the report from the aggregates: total, by carrier, by category, by month.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analytics/report.h"
#include "analytics/service_facts.h"
#include "store/db.h"

#define DAY 86400
#define T_END 1790000000LL /* "now" of the fixture: 2026-09-21 */
#define SPAN_DAYS 730

static const char *const provinces[] = {
	"广东省",         "浙江省", "江苏省",    "上海市",       "北京市",           "四川省", "湖北省",
	"山东省",         "福建省", "河南省",    "湖南省",       "安徽省",           "河北省", "陕西省",
	"重庆市",         "天津市", "辽宁省",    "云南省",       "广西壮族自治区",   "江西省", "山西省",
	"贵州省",         "吉林省", "黑龙江省",  "内蒙古自治区", "新疆维吾尔自治区", "甘肃省", "海南省",
	"宁夏回族自治区", "青海省", "西藏自治区"
};
static const char *const carriers[] = { "顺丰速运", "中通快递", "圆通速递", "韵达快递",
	                                "申通快递", "京东物流", "EMS",      "德邦快递" };
static const char *const modes[] = { "express", "road", "air", "rail" };
static const char *const cats[] = { "家电", "手机数码", "服装", "鞋靴", "美妆",     "食品",
	                            "母婴", "家居",     "图书", "运动", "汽车用品", "宠物" };
#define N(a) (sizeof(a) / sizeof(a[0]))

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static int64_t below(int64_t n)
{
	return (int64_t)(next() % (uint64_t)n);
}

static void die(const char *what, sqlite3 *db)
{
	fprintf(stderr, "service_bench: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
	exit(1);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(sql, db);
	return st;
}

static void step(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die("insert", db);
	sqlite3_reset(st);
}

struct gen {
	sqlite3 *db;
	sqlite3_stmt *order, *line, *ship, *ticket, *claim;
	int64_t line_id, ticket_id;
};

static void gen_customers(sqlite3 *db, int64_t customers)
{
	sqlite3_stmt *c = prep(
	        db, "INSERT INTO customers (id, name, created_at, updated_at) VALUES (?1, 'c', ?2, ?2)");
	sqlite3_stmt *a = prep(db,
	                       "INSERT INTO customer_addresses (customer_id, province, city, line, is_default,"
	                       " created_at, updated_at) VALUES (?1, ?2, ?2, 'x', 1, ?3, ?3)");
	for (int64_t i = 1; i <= customers; i++) {
		sqlite3_bind_int64(c, 1, i);
		sqlite3_bind_int64(c, 2, T_END - SPAN_DAYS * DAY);
		step(db, c);
		sqlite3_bind_int64(a, 1, i);
		sqlite3_bind_text(a, 2, provinces[(i * 7 + below(3)) % N(provinces)], -1, SQLITE_STATIC);
		sqlite3_bind_int64(a, 3, T_END - SPAN_DAYS * DAY);
		step(db, a);
	}
	sqlite3_finalize(c);
	sqlite3_finalize(a);
}

/* Order id placed at placed: lines, one parcel (unless very recent), sometimes a claim or complaint. */
static void gen_order(struct gen *g, int64_t id, int64_t customers, int64_t placed, int64_t now, int64_t stamp)
{
	char num[32];
	int64_t ship_at = placed + 3600 * (2 + below(30)),
	        cycle = DAY + below(6 * DAY) + (below(20) == 0 ? 5 * DAY : 0);
	int shipped = ship_at < now, delivered = placed + cycle < now;
	snprintf(num, sizeof num, "B%lld", (long long)id);
	sqlite3_stmt *o = g->order;
	sqlite3_bind_int64(o, 1, id);
	sqlite3_bind_text(o, 2, num, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(o, 3, 1 + below(customers));
	sqlite3_bind_text(o, 4, delivered ? "delivered" : shipped ? "shipped" : "open", -1, SQLITE_STATIC);
	sqlite3_bind_int64(o, 5, placed);
	sqlite3_bind_int64(o, 6, placed + 4 * DAY);
	sqlite3_bind_int64(o, 7, stamp ? stamp : delivered ? placed + cycle : placed);
	step(g->db, o);
	int nl = 1 + (below(10) < 4) + (below(10) < 2);
	for (int l = 1; l <= nl; l++) {
		int64_t q = 1 + below(5), sh = shipped ? (below(40) == 0 ? q - 1 : q) : 0;
		sqlite3_stmt *s = g->line;
		sqlite3_bind_int64(s, 1, ++g->line_id);
		sqlite3_bind_int64(s, 2, id);
		sqlite3_bind_int64(s, 3, l);
		sqlite3_bind_text(s, 4, cats[below(N(cats))], -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, q);
		sqlite3_bind_int64(s, 6, sh);
		sqlite3_bind_int64(s, 7, delivered ? sh : 0);
		sqlite3_bind_int64(s, 8, shipped ? q - sh : 0);
		step(g->db, s);
	}
	if (!shipped)
		return;
	snprintf(num, sizeof num, "T%lld", (long long)id);
	sqlite3_stmt *p = g->ship;
	sqlite3_bind_int64(p, 1, id);
	sqlite3_bind_int64(p, 2, id);
	sqlite3_bind_text(p, 3, carriers[below(N(carriers))], -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 4, num, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(p, 5, modes[below(N(modes))], -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 6, delivered ? "delivered" : "in_transit", -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 7, ship_at);
	if (delivered)
		sqlite3_bind_int64(p, 8, placed + cycle);
	else
		sqlite3_bind_null(p, 8);
	sqlite3_bind_int64(p, 9, stamp ? stamp : delivered ? placed + cycle : ship_at);
	step(g->db, p);
	int r = (int)below(1000);
	if (!delivered || r >= 8)
		return;
	sqlite3_bind_int64(g->ticket, 1, ++g->ticket_id);
	sqlite3_bind_text(g->ticket, 2, r < 5 ? "claim" : "complaint", -1, SQLITE_STATIC);
	if (r < 5)
		sqlite3_bind_null(g->ticket, 3);
	else
		sqlite3_bind_int64(g->ticket, 3, 9); /* damaged on arrival */
	sqlite3_bind_int64(g->ticket, 4, id);
	sqlite3_bind_int64(g->ticket, 5, placed + cycle + DAY);
	step(g->db, g->ticket);
	if (r >= 5)
		return;
	sqlite3_bind_int64(g->claim, 1, g->ticket_id);
	sqlite3_bind_int64(g->claim, 2, id);
	sqlite3_bind_text(g->claim, 3, r < 3 ? "damage" : r < 4 ? "loss" : "late", -1, SQLITE_STATIC);
	sqlite3_bind_int64(g->claim, 4, placed + cycle + DAY);
	step(g->db, g->claim);
}

static void gen_open(struct gen *g, sqlite3 *db)
{
	g->db = db;
	g->order = prep(db,
	                "INSERT INTO orders (id, number, customer_id, status, placed_at, promised_at, created_at,"
	                " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?7)");
	g->line = prep(
	        db,
	        "INSERT INTO order_lines (id, order_id, line_no, sku, category, quantity, quantity_shipped,"
	        " quantity_delivered, quantity_backordered) VALUES (?1, ?2, ?3, 'SKU', ?4, ?5, ?6, ?7, ?8)");
	g->ship = prep(
	        db,
	        "INSERT INTO shipments (id, order_id, carrier, tracking_number, mode, status, shipped_at,"
	        " delivered_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?9)");
	g->ticket = prep(db,
	                 "INSERT INTO tickets (id, type, category_id, subject, order_id, created_by_kind,"
	                 " created_at, updated_at) VALUES (?1, ?2, ?3, 'x', ?4, 'system', ?5, ?5)");
	g->claim = prep(db,
	                "INSERT INTO claims (ticket_id, shipment_id, kind, declared_value_minor, created_at,"
	                " updated_at) VALUES (?1, ?2, ?3, 100, ?4, ?4)");
}

static void gen_close(struct gen *g)
{
	sqlite3_finalize(g->order);
	sqlite3_finalize(g->line);
	sqlite3_finalize(g->ship);
	sqlite3_finalize(g->ticket);
	sqlite3_finalize(g->claim);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql, db);
}

static int64_t max_id(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = prep(db, sql);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

/* Append n orders with ids after the last, placed in [from, to); updated_at = stamp unless 0. */
static void add_orders(sqlite3 *db, int64_t n, int64_t customers, int64_t from, int64_t to, int64_t now,
                       int64_t stamp)
{
	struct gen g = { 0 };
	gen_open(&g, db);
	int64_t first = max_id(db, "SELECT COALESCE(MAX(id), 0) FROM orders") + 1;
	g.line_id = max_id(db, "SELECT COALESCE(MAX(id), 0) FROM order_lines");
	g.ticket_id = max_id(db, "SELECT COALESCE(MAX(id), 0) FROM tickets");
	exec(db, "BEGIN");
	for (int64_t i = 0; i < n; i++)
		gen_order(&g, first + i, customers, from + (to - from) * i / n, now, stamp);
	exec(db, "COMMIT");
	gen_close(&g);
}

static void generate(const char *path, int64_t orders, int64_t customers)
{
	struct store *st = NULL;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options opt = DB_OPTIONS_INIT;
	opt.create = 1;
	if (store_open(path, &opt, &st, &err) < 0)
		die(err.message, NULL);
	store_close(st);
	sqlite3 *db = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("open", db);
	exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4000000");
	double t0 = now_s();
	exec(db, "BEGIN");
	gen_customers(db, customers);
	exec(db, "COMMIT");
	add_orders(db, orders, customers, T_END - SPAN_DAYS * DAY, T_END, T_END, 0);
	sqlite3_close(db);
	printf("generated %lld orders, %lld customers in %.1f s\n", (long long)orders, (long long)customers,
	       now_s() - t0);
}

static double report_ms(struct db *db, const char *by, const char *source, size_t *rows)
{
	struct report_params p = { 0 };
	struct report_table t;
	struct kf_error err = KF_ERROR_INIT;
	p.by = by;
	p.tz = "";
	if (source) {
		p.opt_key[0] = "source";
		p.opt_val[0] = source;
		p.nopts = 1;
	}
	double t0 = now_s();
	if (report_find("service-level")->run(db, &p, &t, &err) < 0)
		die(err.message, NULL);
	double ms = (now_s() - t0) * 1000;
	*rows = t.nrows;
	if (!strcmp(by, "") && t.nrows == 1)
		printf("   total: %lld orders, OTIF %.4f, unit fill %.4f, OCT mean %.0f s\n",
		       (long long)report_cell(&t, 0, 1)->i,
		       report_cell(&t, 0, (size_t)report_col_index(&t, "otif"))->d,
		       report_cell(&t, 0, (size_t)report_col_index(&t, "fill_rate_unit"))->d,
		       (double)report_cell(&t, 0, (size_t)report_col_index(&t, "oct_mean"))->i);
	report_table_free(&t);
	return ms;
}

int main(int argc, char **argv)
{
	struct store *st = NULL;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options opt = DB_OPTIONS_INIT;
	size_t rows;
	int64_t changed = 0, w = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: service_bench DB [ORDERS [CUSTOMERS]]\n");
		return 2;
	}
	int64_t orders = argc > 2 ? atoll(argv[2]) : 10000000, customers = argc > 3 ? atoll(argv[3]) : 1000000;
	if (access(argv[1], F_OK) != 0)
		generate(argv[1], orders, customers);
	opt.sync_full = 0;
	if (store_open(argv[1], &opt, &st, &err) < 0)
		die(err.message, NULL);
	struct db *db = store_db(st, &err);
	printf("1. raw computation of every KPI (one scan per table): %.0f ms\n",
	       report_ms(db, "", "raw", &rows));
	if (sf_watermark(db, &w, &err) == 0 && w < 0) {
		double t0 = now_s();
		if (sf_refresh(db, T_END, &changed, &err) < 0)
			die(err.message, NULL);
		printf("2. first build of the aggregates: %.1f s (%lld orders)\n", now_s() - t0,
		       (long long)changed);
	}
	sf_watermark(db, &w, &err);
	int64_t now = w + 3600;
	sqlite3 *raw = NULL;
	if (sqlite3_open(argv[1], &raw) != SQLITE_OK)
		die("open", raw);
	sqlite3_busy_timeout(raw, 5000);
	add_orders(raw, 10000, customers, now - 10 * DAY, now, now, now);
	sqlite3_close(raw);
	double t0 = now_s();
	if (sf_refresh(db, now, &changed, &err) < 0)
		die(err.message, NULL);
	printf("3. aggregate refresh after 10,000 new orders: %.0f ms (%lld orders folded in)\n",
	       (now_s() - t0) * 1000, (long long)changed);
	const char *const bys[] = { "", "carrier", "category", "region", "month", "day" };
	for (size_t i = 0; i < N(bys); i++) {
		double ms = report_ms(db, bys[i], NULL, &rows);
		printf("4. report from aggregates, by %-8s: %.1f ms (%zu rows)\n", *bys[i] ? bys[i] : "none",
		       ms, rows);
	}
	store_close(st);
	return 0;
}
