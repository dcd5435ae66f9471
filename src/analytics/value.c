/*
 * value.c - the compute pass of value.h: read customers, stream orders,
 * survey answers, open complaints and stated category spend into one row
 * per customer, then score.  Every read is paged by primary key
 * (VALUE_PAGE_ROWS), so no result set holds more than a page.
 */
#include "analytics/value.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/db.h"

#define DAY_S 86400

/* clang-format off */
#define CUSTOMER_COLS(F, X) \
	F(CUC_ID, "id") \
	X(CUC_TIER, "tier") \
	X(CUC_STAGE, "stage")
/* clang-format on */
DB_COLS_ENUM(CUSTOMER_COLS, CUC_NCOLS);
static struct db_sql q_customers = DB_SQL(
        "SELECT " DB_COLS_SQL(CUSTOMER_COLS) " FROM customers"
                                             " WHERE erased_at IS NULL AND id > $1 ORDER BY id LIMIT $2");
static struct db_sql q_orders_max = DB_SQL("SELECT COALESCE(MAX(id), 0) FROM orders");
/* clang-format off */
#define ORDER_COLS(F, X) \
	F(OC_ID, "id") \
	X(OC_CUSTOMER_ID, "customer_id") \
	X(OC_PLACED_AT, "placed_at") \
	X(OC_TOTAL_MINOR, "total_minor")
/* clang-format on */
DB_COLS_ENUM(ORDER_COLS, OC_NCOLS);
static struct db_sql q_orders = DB_SQL(
        "SELECT " DB_COLS_SQL(ORDER_COLS) " FROM orders"
                                          " WHERE id > $1 AND customer_id IS NOT NULL AND status <> 'cancelled'"
                                          " AND placed_at >= $2 AND placed_at < $3 ORDER BY id LIMIT $4");
/* clang-format off */
#define ANSWER_COLS(F, X) \
	F(AC_ID, "id") \
	X(AC_CUSTOMER_ID, "customer_id") \
	X(AC_NPS, "COALESCE(nps, -1)") \
	X(AC_CSAT, "COALESCE(csat, -1)") \
	X(AC_CREATED_AT, "created_at")
/* clang-format on */
DB_COLS_ENUM(ANSWER_COLS, AC_NCOLS);
static struct db_sql q_answers = DB_SQL(
        "SELECT " DB_COLS_SQL(ANSWER_COLS) " FROM survey_responses"
                                           " WHERE id > $1 AND customer_id IS NOT NULL AND (nps IS NOT NULL"
                                           " OR csat IS NOT NULL) AND created_at <= $2 ORDER BY id LIMIT $3");
/* clang-format off */
#define COMPLAINT_COLS(F, X) \
	F(CC_CUSTOMER_ID, "customer_id") \
	X(CC_OPEN, "COUNT(*)")
/* clang-format on */
DB_COLS_ENUM(COMPLAINT_COLS, CC_NCOLS);
static struct db_sql q_complaints = DB_SQL(
        "SELECT " DB_COLS_SQL(COMPLAINT_COLS) " FROM tickets"
                                              " WHERE type = 'complaint' AND state NOT IN ('resolved', 'closed')"
                                              " AND customer_id IS NOT NULL GROUP BY customer_id");
/* clang-format off */
#define WALLET_COLS(F, X) \
	F(WC_CUSTOMER_ID, "customer_id") \
	X(WC_VALUE, "value")
/* clang-format on */
DB_COLS_ENUM(WALLET_COLS, WC_NCOLS);
static struct db_sql q_wallet = DB_SQL("SELECT " DB_COLS_SQL(WALLET_COLS) " FROM customer_preferences"
                                                                          " WHERE key = $1");

void value_opts_init(struct value_opts *o, int64_t now)
{
	const struct abc_thresholds abc = ABC_THRESHOLDS_DEFAULT;
	const struct lifecycle_rules stages = LIFECYCLE_RULES_DEFAULT;
	memset(o, 0, sizeof(*o));
	o->now = now;
	o->abc = abc;
	o->tucker_gap_s = (int64_t)LOYALTY_TUCKER_GAP_DAYS * DAY_S;
	o->stages = stages;
}

void value_set_release(struct value_set *s)
{
	free(s->rows);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/*
 * Customer ids are usually dense (1..n with few gaps): then a direct
 * table from id to row spares the binary search that otherwise dominates
 * the pass (one lookup per order).  Sparse ids keep the search.
 */
static void index_rows(struct value_set *s)
{
	if (s->n == 0 || s->n > INT32_MAX)
		return;
	int64_t range = s->rows[s->n - 1].customer_id - s->rows[0].customer_id + 1;
	if (range > 4 * (int64_t)s->n + 1024)
		return;
	s->base = s->rows[0].customer_id;
	s->nslot = (size_t)range;
	s->slot = xcalloc(s->nslot, sizeof(*s->slot));
	memset(s->slot, 0xff, s->nslot * sizeof(*s->slot));
	for (size_t i = 0; i < s->n; i++)
		s->slot[s->rows[i].customer_id - s->base] = (int32_t)i;
}

/* The row of customer id, or NULL (a guest, an erased or a new customer). */
static struct value_row *find(struct value_set *s, int64_t id)
{
	if (s->slot) {
		if (id < s->base || id - s->base >= (int64_t)s->nslot || s->slot[id - s->base] < 0)
			return NULL;
		return &s->rows[s->slot[id - s->base]];
	}
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->rows[mid].customer_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->rows[lo].customer_id == id ? &s->rows[lo] : NULL;
}

static int8_t stage_code(const char *name)
{
	int s = lifecycle_stage_find(name);
	return (int8_t)(s < 0 ? STAGE_NEW : s);
}

static int load_customers(struct db *db, struct value_set *s, struct kf_error *err)
{
	int64_t after = 0;
	for (;;) {
		struct db_rows *r = NULL;
		size_t before = s->n;
		int rc = db_query(db, &q_customers, DB_ARGS(db_int(after), db_int(VALUE_PAGE_ROWS)), &r, err);
		while (rc >= 0 && (rc = db_next(r, err)) == 1) {
			if (s->n == s->cap) {
				s->cap = s->cap ? s->cap * 2 : 1024;
				s->rows = xreallocarray(s->rows, s->cap, sizeof(*s->rows));
			}
			struct value_row *v = &s->rows[s->n++];
			const char *tier = db_col_text(r, CUC_TIER);
			memset(v, 0, sizeof(*v));
			v->customer_id = after = db_col_int(r, CUC_ID);
			v->tier = tier && *tier ? tier[0] : 'C';
			v->cur_stage = stage_code(db_col_text(r, CUC_STAGE));
			v->nps = v->att_csat = -1;
		}
		db_done(r);
		if (rc < 0)
			return rc;
		if (s->n - before < VALUE_PAGE_ROWS)
			return 0;
	}
}

/*
 * Keep the latest LOYALTY_TUCKER_RUN purchase times in last[], ascending
 * and left-aligned; have is the number of purchases seen before this one.
 * Orders arrive in id order, not time order, so a purchase may be older
 * than the ones kept (then it is not among the latest, once three are kept).
 */
static void keep_latest(int64_t *last, int64_t have, int64_t at)
{
	size_t n = have < LOYALTY_TUCKER_RUN ? (size_t)have : LOYALTY_TUCKER_RUN;
	if (n == LOYALTY_TUCKER_RUN) {
		if (at <= last[0])
			return;
		memmove(last, last + 1, (LOYALTY_TUCKER_RUN - 1) * sizeof(*last));
		n--;
	}
	size_t i = n;
	for (; i > 0 && last[i - 1] > at; i--)
		last[i] = last[i - 1];
	last[i] = at;
}

/* How many of last[] are filled. */
static size_t kept(const struct value_row *v)
{
	return v->frequency < LOYALTY_TUCKER_RUN ? (size_t)v->frequency : LOYALTY_TUCKER_RUN;
}

static void add_order(struct value_set *s, const struct value_opts *o, int64_t customer, int64_t at,
                      int64_t total)
{
	struct value_row *v = find(s, customer);
	if (!v)
		return;
	keep_latest(v->last_at, v->frequency, at);
	v->frequency++;
	v->monetary_minor += total;
	if (at > o->now - (int64_t)LOYALTY_WALLET_DAYS * DAY_S)
		v->recent_minor += total;
	s->orders++;
	s->revenue_minor += total;
}

/* One order of a page, read before it is added. */
struct order_row {
	int64_t customer, at, total;
};

#define PREFETCH_AHEAD 8 /* orders whose customer row is fetched ahead */

/*
 * Add a page of orders.  Each order touches a random customer row, a
 * cache miss per order that dominates the pass; fetching the rows a few
 * orders ahead lets the misses overlap (measured: bench/value.sh).
 */
static void add_page(struct value_set *s, const struct value_opts *o, const struct order_row *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s->slot && i + PREFETCH_AHEAD < n) {
			int64_t k = p[i + PREFETCH_AHEAD].customer - s->base;
			if (k >= 0 && k < (int64_t)s->nslot && s->slot[k] >= 0)
				__builtin_prefetch(&s->rows[s->slot[k]], 1);
		}
		if (s->slot && i + 2 * PREFETCH_AHEAD < n) {
			int64_t k = p[i + 2 * PREFETCH_AHEAD].customer - s->base;
			if (k >= 0 && k < (int64_t)s->nslot)
				__builtin_prefetch(&s->slot[k], 0);
		}
		add_order(s, o, p[i].customer, p[i].at, p[i].total);
	}
}

static int stream_orders(struct db *db, const struct value_opts *o, struct value_set *s, struct kf_error *err)
{
	int64_t after = 0, max_id = 0;
	int64_t from = o->from, to = o->to && o->to <= o->now ? o->to : o->now + 1;
	struct order_row *page = xcalloc(VALUE_PAGE_ROWS, sizeof(*page));
	int rc = db_query_int(db, &q_orders_max, DB_NOARGS, &max_id, err);
	s->orders_max_id = max_id;
	for (size_t got = VALUE_PAGE_ROWS; rc >= 0 && got == VALUE_PAGE_ROWS;) {
		struct db_rows *r = NULL;
		got = 0;
		rc = db_query(db, &q_orders,
		              DB_ARGS(db_int(after), db_int(from), db_int(to), db_int(VALUE_PAGE_ROWS)), &r,
		              err);
		while (rc >= 0 && got < VALUE_PAGE_ROWS && (rc = db_next(r, err)) == 1) {
			after = db_col_int(r, OC_ID);
			page[got++] = (struct order_row){ db_col_int(r, OC_CUSTOMER_ID),
				                          db_col_int(r, OC_PLACED_AT),
				                          db_col_int(r, OC_TOTAL_MINOR) };
		}
		db_done(r);
		if (rc < 0)
			break;
		add_page(s, o, page, got);
		if (o->progress)
			o->progress(o->progress_arg, (uint64_t)(got == VALUE_PAGE_ROWS ? after : max_id),
			            (uint64_t)max_id);
	}
	free(page);
	return rc < 0 ? rc : 0;
}

/* The latest answer with NPS or CSAT (attitude), and the latest CSAT (lifecycle). */
static void add_answer(struct value_set *s, const struct value_opts *o, int64_t customer, int nps, int csat,
                       int64_t at)
{
	struct value_row *v = find(s, customer);
	if (!v)
		return;
	if (at >= v->att_at) {
		v->att_at = at;
		v->nps = (int8_t)nps;
		v->att_csat = (int8_t)csat;
	}
	if (csat >= 1 && at >= v->csat_at && at > o->now - (int64_t)LIFECYCLE_CSAT_DAYS * DAY_S) {
		v->csat_at = at;
		v->csat = (int8_t)csat;
	}
}

static int stream_answers(struct db *db, const struct value_opts *o, struct value_set *s, struct kf_error *err)
{
	int64_t after = 0;
	int rc = 0;
	for (int64_t got = VALUE_PAGE_ROWS; rc >= 0 && got == VALUE_PAGE_ROWS;) {
		struct db_rows *r = NULL;
		got = 0;
		rc = db_query(db, &q_answers, DB_ARGS(db_int(after), db_int(o->now), db_int(VALUE_PAGE_ROWS)),
		              &r, err);
		while (rc >= 0 && (rc = db_next(r, err)) == 1) {
			after = db_col_int(r, AC_ID);
			add_answer(s, o, db_col_int(r, AC_CUSTOMER_ID), (int)db_col_int(r, AC_NPS),
			           (int)db_col_int(r, AC_CSAT), db_col_int(r, AC_CREATED_AT));
			got++;
		}
		db_done(r);
	}
	return rc < 0 ? rc : 0;
}

static int read_complaints(struct db *db, struct value_set *s, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_complaints, DB_NOARGS, &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		struct value_row *v = find(s, db_col_int(r, CC_CUSTOMER_ID));
		if (v)
			v->open_complaints = db_col_int(r, CC_OPEN);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

/* A stated spend: a whole number of minor units; anything else is no statement. */
static int64_t parse_minor(const char *s)
{
	char *end = NULL;
	if (!s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	return errno || *end ? 0 : (int64_t)v;
}

static int read_wallets(struct db *db, struct value_set *s, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_wallet, DB_ARGS(db_text(LOYALTY_WALLET_KEY)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		struct value_row *v = find(s, db_col_int(r, WC_CUSTOMER_ID));
		if (v)
			v->wallet_minor = parse_minor(db_col_text(r, WC_VALUE));
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

/* The latest purchase time of a buyer. */
static int64_t last_purchase(const struct value_row *v)
{
	return v->last_at[kept(v) - 1];
}

static void score_rfm(struct value_set *s, const struct value_opts *o)
{
	struct rfm_customer *c = xcalloc(s->buyers ? s->buyers : 1, sizeof(*c));
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct value_row *v = &s->rows[i];
		if (v->frequency == 0)
			continue;
		v->last_purchase_at = last_purchase(v);
		v->recency_days = rfm_recency_days(v->last_purchase_at, o->now);
		c[k++] = (struct rfm_customer){ .recency_days = v->recency_days,
			                        .frequency = v->frequency,
			                        .monetary_minor = v->monetary_minor };
	}
	rfm_score(c, k);
	k = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct value_row *v = &s->rows[i];
		if (v->frequency == 0)
			continue;
		v->r = (int8_t)c[k].r;
		v->f = (int8_t)c[k].f;
		v->m = (int8_t)c[k].m;
		v->segment = (int8_t)rfm_segment_of(c[k].r, c[k].f);
		k++;
	}
	free(c);
}

static void score_abc(struct value_set *s, const struct value_opts *o)
{
	struct abc_item *it = xcalloc(s->n ? s->n : 1, sizeof(*it));
	for (size_t i = 0; i < s->n; i++)
		it[i].value = s->rows[i].monetary_minor;
	abc_classify(it, s->n, &o->abc);
	for (size_t i = 0; i < s->n; i++)
		s->rows[i].abc = it[i].cls;
	free(it);
}

static void score_rest(struct value_set *s, const struct value_opts *o)
{
	for (size_t i = 0; i < s->n; i++) {
		struct value_row *v = &s->rows[i];
		v->tucker = (int8_t)loyalty_tucker(v->last_at, kept(v), o->tucker_gap_s);
		v->share = loyalty_share(v->recent_minor, v->wallet_minor);
		enum loyalty_attitude att = loyalty_attitude_of(v->nps, v->att_csat);
		v->loyalty = (int8_t)loyalty_cell_of(att, loyalty_patronage_high(v->f, v->tucker));
		struct lifecycle_in in = { v->frequency, v->frequency ? v->recency_days : 0,
			                   v->csat,      v->open_complaints,
			                   v->r,         v->f };
		v->stage = (int8_t)lifecycle_stage_of(&in, &o->stages);
	}
}

int value_compute(struct db *db, const struct value_opts *o, struct value_set *s, struct kf_error *err)
{
	int rc = load_customers(db, s, err);
	if (rc == 0)
		index_rows(s);
	if (rc == 0)
		rc = stream_orders(db, o, s, err);
	if (rc == 0)
		rc = stream_answers(db, o, s, err);
	if (rc == 0)
		rc = read_complaints(db, s, err);
	if (rc == 0)
		rc = read_wallets(db, s, err);
	if (rc < 0)
		return rc;
	s->buyers = 0;
	for (size_t i = 0; i < s->n; i++) {
		s->rows[i].recency_days = -1;
		s->rows[i].segment = -1;
		s->buyers += s->rows[i].frequency > 0;
	}
	score_rfm(s, o);
	score_abc(s, o);
	score_rest(s, o);
	return 0;
}
