/*
 * service_facts.c - see service_facts.h.
 *
 * The scan is a merge join in C: each table is read once per chunk of
 * order ids with "WHERE order_id BETWEEN lo AND hi ORDER BY order_id", and
 * the cursors advance together with the orders cursor, so a full pass is
 * one ordered read of each table and never a query per order.  Strings
 * that outlive a row (categories, carriers, modes, regions) are interned
 * for the life of the scan.
 */
#include "analytics/service_facts.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "base/tz.h"
#include "base/xalloc.h"
#include "jobs/job.h"
#include "store/db.h"

#define DAY_S 86400

static const char *const kind_names[SF_KIND_COUNT] = { "all", "carrier", "mode", "region", "category" };

const char *sf_kind_name(enum sf_kind k)
{
	return k < SF_KIND_COUNT ? kind_names[k] : "";
}

/* ---- SQL ------------------------------------------------------------------ */

/* clang-format off */
#define BOUND_COLS(F, X) \
	F(BC_LO, "COALESCE(MIN(id), 0)") \
	X(BC_HI, "COALESCE(MAX(id), -1)")
/* clang-format on */
DB_COLS_ENUM(BOUND_COLS, BC_NCOLS);
static struct db_sql q_bounds = DB_SQL("SELECT " DB_COLS_SQL(BOUND_COLS) " FROM orders"
                                                                         " WHERE id >= $1 AND id <= $2");
/* clang-format off */
#define ORDER_COLS(F, X) \
	F(OC_ID, "id") \
	X(OC_CUSTOMER_ID, "COALESCE(customer_id, 0)") \
	X(OC_STATUS, "status") \
	X(OC_PLACED_AT, "placed_at") \
	X(OC_PROMISED_AT, "COALESCE(promised_at, 0)")
/* clang-format on */
DB_COLS_ENUM(ORDER_COLS, OC_NCOLS);
static struct db_sql q_orders = DB_SQL(
        "SELECT " DB_COLS_SQL(ORDER_COLS) " FROM orders"
                                          " WHERE id >= $1 AND id <= $2 ORDER BY id");
/* clang-format off */
#define LINE_COLS(F, X) \
	F(LC_ORDER_ID, "order_id") \
	X(LC_CATEGORY, "category") \
	X(LC_QUANTITY, "quantity") \
	X(LC_SHIPPED, "quantity_shipped") \
	X(LC_DELIVERED, "quantity_delivered") \
	X(LC_BACKORDERED, "quantity_backordered")
/* clang-format on */
DB_COLS_ENUM(LINE_COLS, LC_NCOLS);
static struct db_sql q_lines = DB_SQL(
        "SELECT " DB_COLS_SQL(LINE_COLS) " FROM order_lines"
                                         " WHERE order_id >= $1 AND order_id <= $2 ORDER BY order_id, line_no");
/* clang-format off */
#define SHIP_COLS(F, X) \
	F(SC_ORDER_ID, "order_id") \
	X(SC_CARRIER, "carrier") \
	X(SC_MODE, "mode") \
	X(SC_DELIVERED_AT, "COALESCE(delivered_at, 0)")
/* clang-format on */
DB_COLS_ENUM(SHIP_COLS, SC_NCOLS);
static struct db_sql q_ships = DB_SQL(
        "SELECT " DB_COLS_SQL(SHIP_COLS) " FROM shipments"
                                         " WHERE order_id >= $1 AND order_id <= $2 ORDER BY order_id, id");
/* clang-format off */
#define CLAIM_COLS(F, X) \
	F(CLC_ORDER_ID, "s.order_id") \
	X(CLC_KIND, "c.kind")
/* clang-format on */
DB_COLS_ENUM(CLAIM_COLS, CLC_NCOLS);
static struct db_sql q_claims = DB_SQL(
        "SELECT " DB_COLS_SQL(CLAIM_COLS) " FROM claims c"
                                          " JOIN shipments s ON s.id = c.shipment_id WHERE s.order_id >= $1"
                                          " AND s.order_id <= $2 ORDER BY s.order_id");
/* A complaint classified (on the complaint record, else on the ticket) as damage. */
static struct db_sql q_damage = DB_SQL(
        "SELECT t.order_id FROM tickets t LEFT JOIN complaints c ON c.ticket_id = t.id"
        " JOIN categories k ON k.id = COALESCE(c.category_id, t.category_id)"
        " WHERE t.type = 'complaint' AND k.code IN ('damage_loss', 'damaged_on_arrival')"
        " AND t.order_id >= $1 AND t.order_id <= $2 ORDER BY t.order_id");
/* clang-format off */
#define ADDR_COLS(F, X) \
	F(AD_CUSTOMER_ID, "customer_id") \
	X(AD_PROVINCE, "province")
/* clang-format on */
DB_COLS_ENUM(ADDR_COLS, AD_NCOLS);
static struct db_sql q_addr_all = DB_SQL(
        "SELECT " DB_COLS_SQL(ADDR_COLS) " FROM customer_addresses"
                                         " ORDER BY customer_id, is_default DESC, id");
static struct db_sql q_addr_range = DB_SQL(
        "SELECT " DB_COLS_SQL(ADDR_COLS) " FROM customer_addresses"
                                         " WHERE customer_id IN (SELECT customer_id FROM orders WHERE id >= $1"
                                         " AND id <= $2) ORDER BY customer_id, is_default DESC, id");

/* clang-format off */
#define STATE_COLS(F, X) \
	F(STC_TZ, "tz") \
	X(STC_WATERMARK, "watermark")
/* clang-format on */
DB_COLS_ENUM(STATE_COLS, STC_NCOLS);
static struct db_sql q_state = DB_SQL("SELECT " DB_COLS_SQL(STATE_COLS) " FROM service_state"
                                                                        " WHERE id = 1");
static struct db_sql q_set_watermark = DB_SQL("UPDATE service_state SET watermark = $1 WHERE id = 1");
static struct db_sql q_clear_facts = DB_SQL("DELETE FROM order_facts");
static struct db_sql q_clear_cats = DB_SQL("DELETE FROM order_fact_categories");
static struct db_sql q_clear_daily = DB_SQL("DELETE FROM service_daily");

static struct db_sql q_changed_orders = DB_SQL("SELECT id FROM orders WHERE updated_at > $1");
static struct db_sql q_changed_ships = DB_SQL(
        "SELECT order_id FROM shipments WHERE updated_at > $1 AND order_id IS NOT NULL");
static struct db_sql q_changed_claims = DB_SQL(
        "SELECT s.order_id FROM claims c JOIN shipments s ON s.id = c.shipment_id"
        " WHERE c.updated_at > $1 AND s.order_id IS NOT NULL");
static struct db_sql q_changed_tickets = DB_SQL(
        "SELECT order_id FROM tickets WHERE updated_at > $1 AND order_id IS NOT NULL AND type = 'complaint'");

/* Every cursor statement (q_orders .. q_damage) starts with the order id, its merge key. */
enum { CUR_KEY = 0 };
_Static_assert((int)OC_ID == CUR_KEY && (int)LC_ORDER_ID == CUR_KEY && (int)SC_ORDER_ID == CUR_KEY &&
                       (int)CLC_ORDER_ID == CUR_KEY,
               "the order id first");
#define FACT_COLS "flags, lines, lines_complete, lines_stockout, units, units_shipped, cycle_s"
/* The fact reads: their own key columns, then FACT_COLS (fact_from_row reads from there on). */
enum { FG_DAY, FG_CARRIER, FG_MODE, FG_REGION, FG_FACT };
enum { CG_CATEGORY, CG_FACT };
static struct db_sql q_fact_get = DB_SQL("SELECT day, carrier, mode, region, " FACT_COLS
                                         " FROM order_facts WHERE order_id = $1");
static struct db_sql q_cat_get = DB_SQL("SELECT category, " FACT_COLS
                                        " FROM order_fact_categories WHERE order_id = $1 ORDER BY category");
static struct db_sql q_fact_put = DB_SQL(
        "INSERT INTO order_facts (order_id, day, carrier, mode, region, " FACT_COLS ")"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (order_id) DO UPDATE SET"
        " day = excluded.day, carrier = excluded.carrier, mode = excluded.mode, region = excluded.region,"
        " flags = excluded.flags, lines = excluded.lines, lines_complete = excluded.lines_complete,"
        " lines_stockout = excluded.lines_stockout, units = excluded.units,"
        " units_shipped = excluded.units_shipped, cycle_s = excluded.cycle_s");
static struct db_sql q_fact_del = DB_SQL("DELETE FROM order_facts WHERE order_id = $1");
static struct db_sql q_cat_del = DB_SQL("DELETE FROM order_fact_categories WHERE order_id = $1");
static struct db_sql q_cat_put = DB_SQL("INSERT INTO order_fact_categories (order_id, category, " FACT_COLS
                                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");

#define DAILY_COLS \
	"orders, processed, lines, lines_complete, lines_stockout, units, units_shipped, complete, in_full," \
	" delivered, due, on_time, otif, perfect, damaged, claimed, cycle_sum, cycle_sumsq, hist"
static struct db_sql q_daily_get = DB_SQL("SELECT " DAILY_COLS
                                          " FROM service_daily WHERE kind = $1 AND value = $2 AND day = $3");
static struct db_sql q_daily_put = DB_SQL(
        "INSERT INTO service_daily (kind, value, day, " DAILY_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7,"
        " $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
        " ON CONFLICT (kind, value, day) DO UPDATE SET orders = excluded.orders,"
        " processed = excluded.processed, lines = excluded.lines, lines_complete = excluded.lines_complete,"
        " lines_stockout = excluded.lines_stockout, units = excluded.units,"
        " units_shipped = excluded.units_shipped, complete = excluded.complete, in_full = excluded.in_full,"
        " delivered = excluded.delivered, due = excluded.due, on_time = excluded.on_time,"
        " otif = excluded.otif, perfect = excluded.perfect, damaged = excluded.damaged,"
        " claimed = excluded.claimed, cycle_sum = excluded.cycle_sum, cycle_sumsq = excluded.cycle_sumsq,"
        " hist = excluded.hist");
static struct db_sql q_daily_del = DB_SQL(
        "DELETE FROM service_daily WHERE kind = $1 AND value = $2 AND day = $3");
/* q_daily_scan: value and day, then DAILY_COLS (agg_add_row reads from DS_AGG on). */
enum { DS_VALUE, DS_DAY, DS_AGG };
static struct db_sql q_daily_scan = DB_SQL("SELECT value, day, " DAILY_COLS
                                           " FROM service_daily WHERE kind = $1 AND day >= $2 AND day < $3");

/* ---- interned names --------------------------------------------------------- */

struct names {
	struct strmap map; /* name -> index in v */
	char **v; /* owned */
	size_t n, cap;
};

static const char *intern(struct names *nm, const char *s)
{
	int64_t i;
	if (!s)
		s = "";
	if (strmap_get(&nm->map, s, &i))
		return nm->v[i];
	if (nm->n == nm->cap) {
		nm->cap = nm->cap ? nm->cap * 2 : 64;
		nm->v = xreallocarray(nm->v, nm->cap, sizeof *nm->v);
	}
	nm->v[nm->n] = xstrdup(s);
	strmap_put(&nm->map, s, (int64_t)nm->n);
	return nm->v[nm->n++];
}

static void names_release(struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	strmap_release(&nm->map);
}

/* ---- the scan ----------------------------------------------------------------- */

struct region {
	int64_t customer_id;
	const char *province; /* interned */
};

struct scan {
	struct db *db;
	const struct tz *z;
	struct names names;
	struct region *reg; /* sorted by customer_id */
	size_t nreg, capreg;
	int reg_all; /* reg holds every customer */
	struct sl_line *line; /* the current order's lines */
	const char **line_cat;
	struct sl_line *tmp; /* one category's lines */
	const char **cat; /* distinct categories */
	struct sl_fact *cat_fact;
	size_t nline, capline, ncat;
};

struct cursor {
	struct db_rows *r;
	int has; /* a row is ready */
	int64_t key; /* its order id */
};

static int cur_next(struct cursor *c, struct kf_error *err)
{
	int rc = db_next(c->r, err);
	if (rc < 0)
		return rc;
	c->has = rc;
	c->key = rc ? db_col_int(c->r, CUR_KEY) : INT64_MAX;
	return 0;
}

static int cur_open(struct db *db, struct db_sql *q, int64_t lo, int64_t hi, struct cursor *c,
                    struct kf_error *err)
{
	c->r = NULL;
	c->has = 0;
	int rc = db_query(db, q, DB_ARGS(db_int(lo), db_int(hi)), &c->r, err);
	return rc < 0 ? rc : cur_next(c, err);
}

/* Move c to the first row of order id or later. */
static int cur_seek(struct cursor *c, int64_t id, struct kf_error *err)
{
	int rc = 0;
	while (rc == 0 && c->has && c->key < id)
		rc = cur_next(c, err);
	return rc;
}

static int load_regions(struct scan *s, struct db_sql *q, int64_t lo, int64_t hi, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int64_t prev = INT64_MIN;
	s->nreg = 0;
	int rc = q == &q_addr_all ? db_query(s->db, q, DB_NOARGS, &r, err)
	                          : db_query(s->db, q, DB_ARGS(db_int(lo), db_int(hi)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		int64_t cid = db_col_int(r, AD_CUSTOMER_ID);
		if (cid == prev)
			continue; /* the first row is the default address */
		prev = cid;
		if (s->nreg == s->capreg) {
			s->capreg = s->capreg ? s->capreg * 2 : 1024;
			s->reg = xreallocarray(s->reg, s->capreg, sizeof *s->reg);
		}
		s->reg[s->nreg++] = (struct region){ cid, intern(&s->names, db_col_text(r, AD_PROVINCE)) };
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static const char *region_of(const struct scan *s, int64_t customer_id)
{
	size_t lo = 0, hi = s->nreg;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->reg[mid].customer_id < customer_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nreg && s->reg[lo].customer_id == customer_id ? s->reg[lo].province : "";
}

static void add_line(struct scan *s, struct db_rows *r)
{
	if (s->nline == s->capline) {
		s->capline = s->capline ? s->capline * 2 : 64;
		s->line = xreallocarray(s->line, s->capline, sizeof *s->line);
		s->line_cat = xreallocarray(s->line_cat, s->capline, sizeof *s->line_cat);
		s->tmp = xreallocarray(s->tmp, s->capline, sizeof *s->tmp);
		s->cat = xreallocarray(s->cat, s->capline, sizeof *s->cat);
		s->cat_fact = xreallocarray(s->cat_fact, s->capline, sizeof *s->cat_fact);
	}
	s->line_cat[s->nline] = intern(&s->names, db_col_text(r, LC_CATEGORY));
	s->line[s->nline++] = (struct sl_line){ db_col_int(r, LC_QUANTITY), db_col_int(r, LC_SHIPPED),
		                                db_col_int(r, LC_DELIVERED), db_col_int(r, LC_BACKORDERED) };
}

/* The cursors of one chunk, in this order. */
enum { C_ORDERS, C_LINES, C_SHIPS, C_CLAIMS, C_DAMAGE, C_COUNT };

static int gather_lines(struct scan *s, struct cursor *c, int64_t id, struct kf_error *err)
{
	int rc = cur_seek(c, id, err);
	s->nline = 0;
	while (rc == 0 && c->has && c->key == id) {
		add_line(s, c->r);
		rc = cur_next(c, err);
	}
	return rc;
}

/* Carrier and mode of the first parcel; delivered_at when every parcel is delivered. */
static int gather_ships(struct scan *s, struct cursor *c, int64_t id, struct sf_order *o, struct sl_order *h,
                        struct kf_error *err)
{
	int rc = cur_seek(c, id, err);
	int n = 0, open = 0;
	int64_t last = 0;
	o->carrier = o->mode = "";
	while (rc == 0 && c->has && c->key == id) {
		if (n++ == 0) {
			o->carrier = intern(&s->names, db_col_text(c->r, SC_CARRIER));
			o->mode = intern(&s->names, db_col_text(c->r, SC_MODE));
		}
		int64_t at = db_col_int(c->r, SC_DELIVERED_AT);
		open += at <= 0;
		last = at > last ? at : last;
		rc = cur_next(c, err);
	}
	h->delivered_at = n > 0 && !open ? last : 0;
	return rc;
}

static int gather_claims(struct cursor *c, int64_t id, struct sl_order *h, struct kf_error *err)
{
	int rc = cur_seek(c, id, err);
	while (rc == 0 && c->has && c->key == id) {
		h->claimed = 1;
		if (strcmp(db_col_text(c->r, CLC_KIND), "damage") == 0)
			h->damaged = 1;
		rc = cur_next(c, err);
	}
	return rc;
}

static int gather_damage(struct cursor *c, int64_t id, struct sl_order *h, struct kf_error *err)
{
	int rc = cur_seek(c, id, err);
	while (rc == 0 && c->has && c->key == id) {
		h->damaged = 1;
		rc = cur_next(c, err);
	}
	return rc;
}

/* The order judged on each category's lines. */
static void eval_categories(struct scan *s, const struct sl_order *h, struct sf_order *o)
{
	s->ncat = 0;
	for (size_t i = 0; i < s->nline; i++) {
		size_t k = 0;
		while (k < s->ncat && s->cat[k] != s->line_cat[i]) /* interned: pointers compare */
			k++;
		if (k < s->ncat)
			continue;
		size_t n = 0;
		for (size_t j = i; j < s->nline; j++)
			if (s->line_cat[j] == s->line_cat[i])
				s->tmp[n++] = s->line[j];
		s->cat[s->ncat] = s->line_cat[i];
		sl_eval(h, s->tmp, n, &s->cat_fact[s->ncat++]);
	}
	o->ncat = s->ncat;
	o->cat = s->cat;
	o->cat_fact = s->cat_fact;
}

/* Read the current row of the orders cursor and everything that belongs to it into o. */
static int gather(struct scan *s, struct cursor *c, struct sf_order *o, struct kf_error *err)
{
	struct db_rows *r = c[C_ORDERS].r;
	struct sl_order h = { db_col_int(r, OC_PLACED_AT), db_col_int(r, OC_PROMISED_AT), 0, 0, 0, 1 };
	memset(o, 0, sizeof *o);
	o->id = db_col_int(r, OC_ID);
	o->placed_at = h.placed_at;
	o->day = tz_floordiv(tz_to_local(s->z, h.placed_at), DAY_S);
	o->cancelled = strcmp(db_col_text(r, OC_STATUS), "cancelled") == 0;
	o->region = region_of(s, db_col_int(r, OC_CUSTOMER_ID));
	int rc = gather_lines(s, &c[C_LINES], o->id, err);
	if (rc == 0)
		rc = gather_ships(s, &c[C_SHIPS], o->id, o, &h, err);
	if (rc == 0)
		rc = gather_claims(&c[C_CLAIMS], o->id, &h, err);
	if (rc == 0)
		rc = gather_damage(&c[C_DAMAGE], o->id, &h, err);
	if (rc < 0 || o->cancelled) {
		o->fact.cycle_s = -1;
		return rc;
	}
	sl_eval(&h, s->line, s->nline, &o->fact);
	eval_categories(s, &h, o);
	return 0;
}

static int scan_chunk(struct scan *s, int64_t lo, int64_t hi, sf_order_fn fn, void *arg, struct kf_error *err)
{
	static struct db_sql *const qs[C_COUNT] = { &q_orders, &q_lines, &q_ships, &q_claims, &q_damage };
	struct cursor c[C_COUNT] = { { 0 } };
	int rc = s->reg_all ? 0 : load_regions(s, &q_addr_range, lo, hi, err);
	for (int i = 0; rc == 0 && i < C_COUNT; i++)
		rc = cur_open(s->db, qs[i], lo, hi, &c[i], err);
	while (rc == 0 && c[C_ORDERS].has) {
		struct sf_order o;
		rc = gather(s, c, &o, err);
		if (rc == 0)
			rc = fn(arg, &o, err);
		if (rc == 0)
			rc = cur_next(&c[C_ORDERS], err);
	}
	for (int i = C_COUNT - 1; i >= 0; i--)
		db_done(c[i].r);
	return rc < 0 ? rc : 0;
}

static void scan_release(struct scan *s)
{
	names_release(&s->names);
	free(s->reg);
	free(s->line);
	free(s->line_cat);
	free(s->tmp);
	free(s->cat);
	free(s->cat_fact);
}

static int order_bounds(struct db *db, int64_t *lo, int64_t *hi, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_bounds, DB_ARGS(db_int(*lo), db_int(*hi)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		*lo = db_col_int(r, BC_LO);
		*hi = db_col_int(r, BC_HI);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

int sf_scan(struct db *db, const struct tz *z, int64_t lo, int64_t hi, sf_order_fn fn, void *arg,
            struct kf_error *err)
{
	struct scan s = { .db = db, .z = z, .names = { STRMAP_INIT((size_t)-1), NULL, 0, 0 } };
	int rc = order_bounds(db, &lo, &hi, err);
	if (rc == 0 && hi >= lo && hi - lo >= 4 * SF_SCAN_CHUNK) {
		s.reg_all = 1;
		rc = load_regions(&s, &q_addr_all, 0, 0, err);
	}
	for (int64_t at = lo; rc == 0 && at <= hi; at += SF_SCAN_CHUNK)
		rc = scan_chunk(&s, at, hi - at < SF_SCAN_CHUNK ? hi : at + SF_SCAN_CHUNK - 1, fn, arg, err);
	scan_release(&s);
	return rc;
}

/* ---- state ------------------------------------------------------------------- */

static int read_state(struct db *db, const struct tz **z, int64_t *watermark, struct kf_error *err)
{
	struct db_rows *r = NULL;
	char name[TZ_NAME_MAX] = "UTC";
	int rc = db_query(db, &q_state, DB_NOARGS, &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		str_copy(name, sizeof name, db_col_text(r, STC_TZ));
		*watermark = db_col_int(r, STC_WATERMARK);
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_EDB, "no_state", NULL, "service_state has no row");
	return rc < 0 ? rc : tz_load(name, z, err);
}

int sf_zone(struct db *db, const struct tz **z, struct kf_error *err)
{
	int64_t w;
	return read_state(db, z, &w, err);
}

int sf_watermark(struct db *db, int64_t *out, struct kf_error *err)
{
	const struct tz *z;
	return read_state(db, &z, out, err);
}

/* ---- the daily deltas ---------------------------------------------------------- */

struct day_entry {
	enum sf_kind kind;
	char *value; /* owned */
	int64_t day;
	struct sl_agg *agg; /* owned */
};

struct daymap {
	struct strmap idx; /* "kind/day/value" -> index in e */
	struct day_entry *e;
	size_t n, cap;
};

static struct sl_agg *daymap_get(struct daymap *m, enum sf_kind k, const char *value, int64_t day)
{
	char key[512];
	int64_t i;
	snprintf(key, sizeof key, "%d\x1f%lld\x1f%s", (int)k, (long long)day, value);
	if (strmap_get(&m->idx, key, &i))
		return m->e[i].agg;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->e = xreallocarray(m->e, m->cap, sizeof *m->e);
	}
	struct sl_agg *a = xmalloc(sizeof *a);
	sl_agg_init(a);
	m->e[m->n] = (struct day_entry){ k, xstrdup(value), day, a };
	strmap_put(&m->idx, key, (int64_t)m->n++);
	return a;
}

static void daymap_release(struct daymap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->e[i].value);
		free(m->e[i].agg);
	}
	free(m->e);
	strmap_release(&m->idx);
	memset(m, 0, sizeof *m);
	m->idx.max = (size_t)-1;
}

/* Add (sign +1) or take out (-1) an order's fact under every kind. */
static void daymap_add(struct daymap *m, const struct sf_order *o, int sign)
{
	if (o->cancelled)
		return;
	sl_agg_add(daymap_get(m, SF_ALL, "", o->day), &o->fact, sign);
	sl_agg_add(daymap_get(m, SF_CARRIER, o->carrier, o->day), &o->fact, sign);
	sl_agg_add(daymap_get(m, SF_MODE, o->mode, o->day), &o->fact, sign);
	sl_agg_add(daymap_get(m, SF_REGION, o->region, o->day), &o->fact, sign);
	for (size_t i = 0; i < o->ncat; i++)
		sl_agg_add(daymap_get(m, SF_CATEGORY, o->cat[i], o->day), &o->cat_fact[i], sign);
}

/* Add a service_daily row's columns from col on into a. */
static int agg_add_row(struct db_rows *r, int col, struct sl_agg *a, struct kf_error *err)
{
	for (int i = 0; i < SL_C_COUNT; i++)
		a->c[i] += db_col_int(r, col + i);
	a->cycle_sumsq += (long double)db_col_int(r, col + SL_C_COUNT);
	const unsigned char *h = (const unsigned char *)db_col_text(r, col + SL_C_COUNT + 1);
	size_t n = db_col_len(r, col + SL_C_COUNT + 1);
	if (n && stats_hist_decode(&a->hist, h, n, 1) < 0)
		return kf_fail(err, KF_EDB, "corrupt", "hist", "a service_daily histogram is malformed");
	return 0;
}

static int daily_load(struct db *db, const struct day_entry *e, struct sl_agg *a, struct kf_error *err)
{
	struct db_rows *r = NULL;
	sl_agg_init(a);
	int rc = db_query(db, &q_daily_get,
	                  DB_ARGS(db_text(kind_names[e->kind]), db_text(e->value), db_int(e->day)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		rc = agg_add_row(r, 0, a, err);
	db_done(r);
	return rc < 0 ? rc : 0;
}

static int daily_store(struct db *db, const struct day_entry *e, const struct sl_agg *a, struct kf_error *err)
{
	static unsigned char hist[STATS_HIST_BYTES_MAX];
	DB_ARGV(args, 3 + SL_C_COUNT + 2);
	if (a->cycle_sumsq > 9.2e18L || a->cycle_sumsq < 0)
		return kf_fail(err, KF_EINVAL, "overflow", "cycle_sumsq", "a day holds too many cycle times");
	db_argv_add(&args, db_text(kind_names[e->kind]));
	db_argv_add(&args, db_text(e->value));
	db_argv_add(&args, db_int(e->day));
	for (int i = 0; i < SL_C_COUNT; i++)
		db_argv_add(&args, db_int(a->c[i]));
	db_argv_add(&args, db_int((int64_t)a->cycle_sumsq));
	db_argv_add(&args, db_blob(hist, stats_hist_encode(&a->hist, hist)));
	int rc = db_exec(db, &q_daily_put, DB_ARGV_PASS(&args), err);
	return rc < 0 ? rc : 0;
}

/* Fold every delta of m into service_daily; a row that becomes empty goes. */
static int daymap_apply(struct db *db, const struct daymap *m, struct kf_error *err)
{
	struct sl_agg *row = xmalloc(sizeof *row);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < m->n; i++) {
		const struct day_entry *e = &m->e[i];
		if (sl_agg_empty(e->agg))
			continue;
		rc = daily_load(db, e, row, err);
		if (rc < 0)
			break;
		sl_agg_merge(row, e->agg, 1);
		if (sl_agg_empty(row))
			rc = db_exec(db, &q_daily_del,
			             DB_ARGS(db_text(kind_names[e->kind]), db_text(e->value), db_int(e->day)),
			             err);
		else
			rc = daily_store(db, e, row, err);
		rc = rc < 0 ? rc : 0;
	}
	free(row);
	return rc;
}

/* ---- stored facts ------------------------------------------------------------- */

/* An order's fact as order_facts remembers it, with owned strings. */
struct stored {
	struct sf_order o;
	struct names names;
	const char **cat;
	struct sl_fact *cat_fact;
};

static void fact_from_row(struct db_rows *r, int col, struct sl_fact *f)
{
	f->flags = (unsigned)db_col_int(r, col);
	f->lines = db_col_int(r, col + 1);
	f->lines_complete = db_col_int(r, col + 2);
	f->lines_stockout = db_col_int(r, col + 3);
	f->units = db_col_int(r, col + 4);
	f->units_shipped = db_col_int(r, col + 5);
	f->cycle_s = db_col_int(r, col + 6);
}

static int stored_cats(struct db *db, struct stored *st, struct kf_error *err)
{
	struct db_rows *r = NULL;
	size_t cap = 0;
	int rc = db_query(db, &q_cat_get, DB_ARGS(db_int(st->o.id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		if (st->o.ncat == cap) {
			cap = cap ? cap * 2 : 8;
			st->cat = xreallocarray(st->cat, cap, sizeof *st->cat);
			st->cat_fact = xreallocarray(st->cat_fact, cap, sizeof *st->cat_fact);
		}
		st->cat[st->o.ncat] = intern(&st->names, db_col_text(r, CG_CATEGORY));
		fact_from_row(r, CG_FACT, &st->cat_fact[st->o.ncat++]);
	}
	db_done(r);
	st->o.cat = st->cat;
	st->o.cat_fact = st->cat_fact;
	return rc < 0 ? rc : 0;
}

/* Load the stored fact of order id; *found 0 when it has none. */
static int stored_load(struct db *db, int64_t id, struct stored *st, int *found, struct kf_error *err)
{
	struct db_rows *r = NULL;
	memset(&st->o, 0, sizeof st->o);
	st->o.id = id;
	int rc = db_query(db, &q_fact_get, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	*found = rc == 1;
	if (rc == 1) {
		st->o.day = db_col_int(r, FG_DAY);
		st->o.carrier = intern(&st->names, db_col_text(r, FG_CARRIER));
		st->o.mode = intern(&st->names, db_col_text(r, FG_MODE));
		st->o.region = intern(&st->names, db_col_text(r, FG_REGION));
		fact_from_row(r, FG_FACT, &st->o.fact);
	}
	db_done(r);
	if (rc == 1)
		return stored_cats(db, st, err);
	return rc < 0 ? rc : 0;
}

static void stored_reset(struct stored *st)
{
	names_release(&st->names);
	free(st->cat);
	free(st->cat_fact);
	memset(st, 0, sizeof *st);
	st->names.map.max = (size_t)-1;
}

static const struct sl_fact *cat_find(const struct sf_order *o, const char *name)
{
	for (size_t i = 0; i < o->ncat; i++)
		if (strcmp(o->cat[i], name) == 0)
			return &o->cat_fact[i];
	return NULL;
}

/* 1 when the new order adds exactly what the stored one did. */
static int same_fact(const struct sf_order *a, const struct sf_order *b)
{
	if (a->day != b->day || strcmp(a->carrier, b->carrier) || strcmp(a->mode, b->mode) ||
	    strcmp(a->region, b->region) || a->ncat != b->ncat || !sl_fact_equal(&a->fact, &b->fact))
		return 0;
	for (size_t i = 0; i < a->ncat; i++) {
		const struct sl_fact *f = cat_find(b, a->cat[i]);
		if (!f || !sl_fact_equal(&a->cat_fact[i], f))
			return 0;
	}
	return 1;
}

static struct db_arg fact_arg(const struct sl_fact *f, int i)
{
	const int64_t v[] = { (int64_t)f->flags, f->lines,         f->lines_complete, f->lines_stockout,
		              f->units,          f->units_shipped, f->cycle_s };
	return db_int(v[i]);
}

/* Write o's fact rows (the old ones, if any, are replaced); a cancelled order has none. */
static int fact_write(struct db *db, const struct sf_order *o, int fresh, struct kf_error *err)
{
	int rc = fresh ? 0 : db_exec(db, &q_cat_del, DB_ARGS(db_int(o->id)), err);
	if (rc >= 0 && o->cancelled && !fresh)
		rc = db_exec(db, &q_fact_del, DB_ARGS(db_int(o->id)), err);
	if (rc < 0 || o->cancelled)
		return rc < 0 ? rc : 0;
	const struct sl_fact *f = &o->fact;
	rc = db_exec(db, &q_fact_put,
	             DB_ARGS(db_int(o->id), db_int(o->day), db_text(o->carrier), db_text(o->mode),
	                     db_text(o->region), fact_arg(f, 0), fact_arg(f, 1), fact_arg(f, 2),
	                     fact_arg(f, 3), fact_arg(f, 4), fact_arg(f, 5), fact_arg(f, 6)),
	             err);
	for (size_t i = 0; rc >= 0 && i < o->ncat; i++) {
		const struct sl_fact *c = &o->cat_fact[i];
		rc = db_exec(db, &q_cat_put,
		             DB_ARGS(db_int(o->id), db_text(o->cat[i]), fact_arg(c, 0), fact_arg(c, 1),
		                     fact_arg(c, 2), fact_arg(c, 3), fact_arg(c, 4), fact_arg(c, 5),
		                     fact_arg(c, 6)),
		             err);
	}
	return rc < 0 ? rc : 0;
}

/* ---- folding orders in ---------------------------------------------------------- */

struct fold {
	struct db *db;
	struct daymap days;
	const int64_t *ids; /* only these orders (sorted), or NULL for every order scanned */
	size_t nids;
	int fresh; /* the fact tables were emptied: no old facts to read */
	int64_t changed;
	struct stored old;
};

static int id_wanted(const struct fold *f, int64_t id)
{
	if (!f->ids)
		return 1;
	size_t lo = 0, hi = f->nids;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nids && f->ids[lo] == id;
}

static int fold_order(void *arg, const struct sf_order *o, struct kf_error *err)
{
	struct fold *f = arg;
	int found = 0;
	if (!id_wanted(f, o->id))
		return 0;
	stored_reset(&f->old);
	int rc = f->fresh ? 0 : stored_load(f->db, o->id, &f->old, &found, err);
	if (rc < 0)
		return rc;
	if (!found && o->cancelled)
		return 0;
	if (found && !o->cancelled && same_fact(o, &f->old.o))
		return 0;
	if (found)
		daymap_add(&f->days, &f->old.o, -1);
	daymap_add(&f->days, o, 1);
	f->changed++;
	return fact_write(f->db, o, f->fresh, err);
}

/* Fold the orders of [lo, hi] (those in ids, when set) and their daily deltas, in the caller's transaction. */
static int fold_range(struct fold *f, const struct tz *z, int64_t lo, int64_t hi, struct kf_error *err)
{
	int rc = sf_scan(f->db, z, lo, hi, fold_order, f, err);
	if (rc == 0)
		rc = daymap_apply(f->db, &f->days, err);
	daymap_release(&f->days);
	return rc;
}

static void fold_init(struct fold *f, struct db *db)
{
	memset(f, 0, sizeof *f);
	f->db = db;
	f->days.idx.max = (size_t)-1;
	f->old.names.map.max = (size_t)-1;
}

/* Commit, or roll back on failure. */
static int finish_tx(struct db *db, int rc, struct kf_error *err)
{
	return db_finish(db, rc, err);
}

/* The first build: empty the tables, then every order in transactions of SF_SCAN_CHUNK ids. */
static int build(struct db *db, const struct tz *z, int64_t now, struct fold *f, struct kf_error *err)
{
	int64_t lo = 0, hi = INT64_MAX;
	int rc = order_bounds(db, &lo, &hi, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	if (db_exec(db, &q_clear_cats, DB_NOARGS, err) < 0 ||
	    db_exec(db, &q_clear_facts, DB_NOARGS, err) < 0 || db_exec(db, &q_clear_daily, DB_NOARGS, err) < 0)
		rc = KF_EDB;
	rc = finish_tx(db, rc, err);
	f->fresh = 1;
	for (int64_t at = lo; rc == 0 && at <= hi; at += SF_SCAN_CHUNK) {
		rc = db_begin(db, err);
		if (rc < 0)
			return rc;
		rc = fold_range(f, z, at, hi - at < SF_SCAN_CHUNK ? hi : at + SF_SCAN_CHUNK - 1, err);
		rc = finish_tx(db, rc, err);
	}
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_set_watermark, DB_ARGS(db_int(now)), err);
	return finish_tx(db, rc < 0 ? rc : 0, err);
}

/* ---- the changed orders ------------------------------------------------------------ */

struct idset {
	int64_t *v;
	size_t n, cap;
};

static int collect(struct db *db, struct db_sql *q, int64_t since, struct idset *s, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, q, DB_ARGS(db_int(since)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
		}
		s->v[s->n++] = db_col_int(r, 0);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int changed_ids(struct db *db, int64_t since, struct idset *s, struct kf_error *err)
{
	struct db_sql *const qs[] = { &q_changed_orders, &q_changed_ships, &q_changed_claims,
		                      &q_changed_tickets };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof qs / sizeof qs[0]; i++)
		rc = collect(db, qs[i], since, s, err);
	if (rc < 0 || s->n == 0)
		return rc;
	qsort(s->v, s->n, sizeof *s->v, cmp_id);
	size_t w = 1;
	for (size_t i = 1; i < s->n; i++)
		if (s->v[i] != s->v[w - 1])
			s->v[w++] = s->v[i];
	s->n = w;
	return 0;
}

#define RUN_GAP 64 /* ids closer than this share one range scan */

/* Fold ids[0..n-1] (sorted) in one transaction: one range scan per run of close ids. */
static int fold_batch(struct fold *f, const struct tz *z, const int64_t *ids, size_t n, struct kf_error *err)
{
	int rc = db_begin(f->db, err);
	if (rc < 0)
		return rc;
	f->ids = ids;
	f->nids = n;
	for (size_t i = 0; rc == 0 && i < n;) {
		size_t j = i + 1;
		while (j < n && ids[j] - ids[j - 1] < RUN_GAP)
			j++;
		rc = sf_scan(f->db, z, ids[i], ids[j - 1], fold_order, f, err);
		i = j;
	}
	if (rc == 0)
		rc = daymap_apply(f->db, &f->days, err);
	daymap_release(&f->days);
	return finish_tx(f->db, rc, err);
}

static int incremental(struct db *db, const struct tz *z, int64_t watermark, int64_t now, struct fold *f,
                       struct kf_error *err)
{
	struct idset s = { 0 };
	int rc = changed_ids(db, watermark - SF_LAG_S, &s, err);
	for (size_t at = 0; rc == 0 && at < s.n; at += SF_BATCH)
		rc = fold_batch(f, z, s.v + at, s.n - at < SF_BATCH ? s.n - at : SF_BATCH, err);
	free(s.v);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_set_watermark, DB_ARGS(db_int(now)), err);
	return finish_tx(db, rc < 0 ? rc : 0, err);
}

int sf_refresh(struct db *db, int64_t now, int64_t *changed, struct kf_error *err)
{
	const struct tz *z;
	int64_t watermark;
	struct fold f;
	fold_init(&f, db);
	int rc = read_state(db, &z, &watermark, err);
	if (rc == 0)
		rc = watermark < 0 ? build(db, z, now, &f, err) : incremental(db, z, watermark, now, &f, err);
	stored_reset(&f.old);
	daymap_release(&f.days);
	if (changed)
		*changed = f.changed;
	return rc;
}

int sf_job(struct db *db, int64_t ref_id, int64_t now, struct kf_error *err)
{
	int rc = sf_refresh(db, now, NULL, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = job_schedule(db, SF_JOB_KIND, ref_id, now + SF_EVERY_S, now, err);
	return finish_tx(db, rc, err);
}

/* ---- reading the aggregates -------------------------------------------------------- */

int sf_daily_scan(struct db *db, enum sf_kind k, int64_t day0, int64_t day1, sf_daily_fn fn, void *arg,
                  struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_daily_scan, DB_ARGS(db_text(kind_names[k]), db_int(day0), db_int(day1)), &r,
	                  err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		rc = agg_add_row(r, DS_AGG, fn(arg, db_col_text(r, DS_VALUE), db_col_int(r, DS_DAY)), err);
	db_done(r);
	return rc < 0 ? rc : 0;
}
