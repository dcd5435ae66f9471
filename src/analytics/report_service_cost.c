/*
 * report_service_cost.c - the observed cost/service curve (PRODUCT.md P4;
 * seed 002 物流成本与服务的关系): for each carrier (or transport mode), the
 * service it gave — on-time delivery and perfect-order rates from the
 * service-level facts (order_facts, kept by the service_facts job) — beside
 * what its freight cost — the freight of the quotes priced on its rate
 * cards (quotes.freight_minor, billable_g; rate_cards.carrier / mode).  A
 * carrier is matched by name, so a rate card's carrier must be spelt as
 * the shipments spell it.  Each row is one point of the curve (x = freight
 * per kg, y = on-time rate); the newsvendor (kefu quote newsvendor) gives
 * the cost-optimal service level for given shortage and excess costs.
 * Definitions: docs/pricing.md and docs/metrics/service-level.md.
 */
#include <stdlib.h>
#include <string.h>

#include "analytics/report.h"
#include "analytics/service_facts.h"
#include "analytics/service_level.h"
#include "base/strmap.h"
#include "base/tz.h"
#include "base/xalloc.h"
#include "store/db.h"

#define DAY_S 86400

enum { C_KEY, C_ORDERS, C_DUE, C_OTD, C_PERFECT, C_DAMAGE, C_QUOTES, C_FREIGHT_MEAN, C_FREIGHT_KG, NCOLS };

static const struct report_col cols[NCOLS] = {
	{ "key", "Carrier or mode", "承运商或运输方式", RT_TEXT },
	{ "orders", "Orders", "订单数", RT_INT },
	{ "orders_due", "Delivered with a promise", "有承诺时间的已送达订单", RT_INT },
	{ "otd", "On-time delivery", "准时送达率", RT_RATE },
	{ "perfect_order", "Perfect orders (without documentation)", "完美订单率（不含单据）", RT_RATE },
	{ "damage_rate", "Damage rate", "货损率", RT_RATE },
	{ "quotes", "Quotes priced", "报价数", RT_INT },
	{ "freight_mean", "Freight per quote", "每单平均运费", RT_MONEY },
	{ "freight_per_kg", "Freight per kg", "每公斤运费", RT_MONEY },
};

/* The service statements differ only in their key (carrier or mode), as do the cost ones. */
enum { SVC_KEY, SVC_ORDERS, SVC_DUE, SVC_ON_TIME, SVC_PERFECT, SVC_DAMAGED, SVC_PROCESSED, SVC_NCOLS };
_Static_assert(SVC_NCOLS == 7, "q_service_carrier, q_service_mode: key, COUNT(*), five flag sums");
enum { COST_KEY, COST_QUOTES, COST_FREIGHT, COST_GRAMS, COST_NCOLS };
_Static_assert(COST_NCOLS == 4, "q_cost_carrier, q_cost_mode: key, COUNT(*), freight, grams");
static struct db_sql q_service_carrier = DB_SQL(
        "SELECT carrier, COUNT(*), SUM(CASE WHEN (flags & 8) <> 0 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN (flags & 16) <> 0 THEN 1 ELSE 0 END), SUM(CASE WHEN (flags & 128) <> 0 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN (flags & 256) <> 0 THEN 1 ELSE 0 END), SUM(CASE WHEN (flags & 1) <> 0 THEN 1 ELSE 0 END)"
        " FROM order_facts WHERE day >= $1 AND day < $2 GROUP BY carrier ORDER BY carrier");
static struct db_sql q_service_mode = DB_SQL(
        "SELECT mode, COUNT(*), SUM(CASE WHEN (flags & 8) <> 0 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN (flags & 16) <> 0 THEN 1 ELSE 0 END), SUM(CASE WHEN (flags & 128) <> 0 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN (flags & 256) <> 0 THEN 1 ELSE 0 END), SUM(CASE WHEN (flags & 1) <> 0 THEN 1 ELSE 0 END)"
        " FROM order_facts WHERE day >= $1 AND day < $2 GROUP BY mode ORDER BY mode");
static struct db_sql q_cost_carrier = DB_SQL(
        "SELECT r.carrier, COUNT(*), SUM(q.freight_minor), SUM(q.billable_g) FROM quotes q"
        " JOIN rate_cards r ON r.id = q.card_id WHERE q.created_at >= $1 AND q.created_at < $2"
        " GROUP BY r.carrier ORDER BY r.carrier");
static struct db_sql q_cost_mode = DB_SQL(
        "SELECT r.mode, COUNT(*), SUM(q.freight_minor), SUM(q.billable_g) FROM quotes q"
        " JOIN rate_cards r ON r.id = q.card_id WHERE q.created_at >= $1 AND q.created_at < $2"
        " GROUP BY r.mode ORDER BY r.mode");

struct point {
	int64_t orders, due, on_time, perfect, damaged, processed;
	int64_t quotes, freight, grams;
};

struct curve {
	struct strmap idx; /* key -> index */
	struct point *p;
	char **keys;
	size_t n, cap;
};

static struct point *point_for(struct curve *c, const char *key)
{
	int64_t i;
	if (strmap_get(&c->idx, key, &i))
		return &c->p[i];
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->p = xreallocarray(c->p, c->cap, sizeof *c->p);
		c->keys = xreallocarray(c->keys, c->cap, sizeof *c->keys);
	}
	memset(&c->p[c->n], 0, sizeof c->p[c->n]);
	c->keys[c->n] = xstrdup(key);
	strmap_put(&c->idx, key, (int64_t)c->n);
	return &c->p[c->n++];
}

static int read_service(struct db *db, int by_mode, int64_t d0, int64_t d1, struct curve *c,
                        struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, by_mode ? &q_service_mode : &q_service_carrier, DB_ARGS(db_int(d0), db_int(d1)),
	                  &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		struct point *p = point_for(c, db_col_text(r, SVC_KEY));
		p->orders = db_col_int(r, SVC_ORDERS);
		p->due = db_col_int(r, SVC_DUE);
		p->on_time = db_col_int(r, SVC_ON_TIME);
		p->perfect = db_col_int(r, SVC_PERFECT);
		p->damaged = db_col_int(r, SVC_DAMAGED);
		p->processed = db_col_int(r, SVC_PROCESSED);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static int read_cost(struct db *db, int by_mode, int64_t from, int64_t to, struct curve *c, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, by_mode ? &q_cost_mode : &q_cost_carrier, DB_ARGS(db_int(from), db_int(to)), &r,
	                  err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		struct point *p = point_for(c, db_col_text(r, COST_KEY));
		p->quotes = db_col_int(r, COST_QUOTES);
		p->freight = db_col_int(r, COST_FREIGHT);
		p->grams = db_col_int(r, COST_GRAMS);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

/*
 * from/to: the period's whole local days as UTC seconds, carried by each
 * row's drill-down; 0 for an open end (no bound in the drill-down).
 */
static void fill(struct report_table *t, const struct curve *c, int by_mode, int64_t from, int64_t to)
{
	char period[96];
	struct report_params bounds = { .from = from, .to = to };
	report_period_query(&bounds, "placed_from", "placed_to", period, sizeof(period));
	for (size_t i = 0; i < c->n; i++) {
		const struct point *p = &c->p[i];
		size_t row = report_row(t);
		report_set_text(t, row, C_KEY, c->keys[i][0] ? c->keys[i] : "(none)");
		report_set_int(t, row, C_ORDERS, p->orders);
		report_set_int(t, row, C_DUE, p->due);
		report_set_rate(t, row, C_OTD, p->on_time, p->due);
		report_set_rate(t, row, C_PERFECT, p->perfect, p->due);
		report_set_rate(t, row, C_DAMAGE, p->damaged, p->processed);
		report_set_int(t, row, C_QUOTES, p->quotes);
		if (p->quotes > 0)
			report_set_int(t, row, C_FREIGHT_MEAN, (p->freight + p->quotes / 2) / p->quotes);
		if (p->grams > 0) /* minor units per kg, rounded half up */
			report_set_int(t, row, C_FREIGHT_KG, (p->freight * 1000 + p->grams / 2) / p->grams);
		if (c->keys[i][0] && p->orders)
			report_set_drill(t, row, "/api/v1/orders?%s=%s%s", by_mode ? "mode" : "carrier",
			                 c->keys[i], period);
	}
}

static int run_service_cost(struct db *db, const struct report_params *p, struct report_table *t,
                            struct kf_error *err)
{
	int by_mode = p->by && strcmp(p->by, "mode") == 0;
	const struct tz *z = NULL;
	struct curve c = { .idx = STRMAP_INIT((size_t)-1) };
	int64_t d0 = INT64_MIN / 4, d1 = INT64_MAX / 4, to = p->to ? p->to : INT64_MAX;
	int rc = sf_zone(db, &z, err);
	if (rc == 0 && p->from)
		d0 = tz_floordiv(tz_to_local(z, p->from) + DAY_S - 1, DAY_S); /* whole days only */
	if (rc == 0 && p->to)
		d1 = tz_floordiv(tz_to_local(z, p->to), DAY_S);
	if (rc == 0)
		rc = read_service(db, by_mode, d0, d1, &c, err);
	if (rc == 0)
		rc = read_cost(db, by_mode, p->from, to, &c, err);
	report_table_init(t, cols, NCOLS);
	if (rc == 0) {
		fill(t, &c, by_mode, p->from ? tz_from_local(z, d0 * DAY_S) : 0,
		     p->to ? tz_from_local(z, d1 * DAY_S) : 0);
		report_set_note(
		        t,
		        "service from the service-level facts (days in %s), cost from the quotes priced in the "
		        "period; each row is one point of the cost/service curve",
		        z->name);
		report_set_note_zh(
		        t,
		        "服务水平来自物流服务事实（日期按 %s），成本来自期间内的报价；每行是成本与服务曲线上的一点",
		        z->name);
	}
	for (size_t i = 0; i < c.n; i++)
		free(c.keys[i]);
	free(c.keys);
	free(c.p);
	strmap_release(&c.idx);
	return rc;
}

static const char *const by_allowed[] = { "carrier", "mode", NULL };

const struct report_def report_service_cost = {
	.name = "service-cost",
	.title_en = "Service level and freight cost (the observed curve)",
	.title_zh = "服务水平与运费成本（实测曲线）",
	.by_allowed = by_allowed,
	.perm = "report.read",
	.run = run_service_cost,
};
