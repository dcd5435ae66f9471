/*
 * quote_store.c - pricing a quote request against the stored cards, the
 * policy and the customer's contract rate, and the stored quotes (see
 * quote_store.h).
 */
#include "pricing/quote_store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "desk/calendar.h"
#include "desk/calendar_store.h"
#include "pricing/price_policy.h"
#include "pricing/quote.h"
#include "pricing/ratecard_store.h"
#include "store/db.h"
#include "store/db_json.h"

/* ---- labels ------------------------------------------------------------- */

static const char *const kind_label[QL_KIND_COUNT][2] = {
	{ "Goods", "货款" },
	{ "Quantity discount", "批量折扣" },
	{ "Promotion", "促销折扣" },
	{ "Freight", "运费" },
	{ "Contract rate discount", "协议客户运费折扣" },
	{ "Surcharge", "附加费" },
	{ "Insurance", "保价费" },
	{ "Pickup allowance", "自提折扣" },
};

static const struct {
	const char *code, *en, *zh;
} surcharge_label[] = {
	{ "fuel", "Fuel surcharge", "燃油附加费" },
	{ "hazardous", "Hazardous goods surcharge", "危险品附加费" },
	{ "dangerous", "Hazardous goods surcharge", "危险品附加费" },
	{ "handling", "Special handling", "特殊处理费" },
	{ "special", "Special handling", "特殊处理费" },
	{ "remote", "Remote area surcharge", "偏远地区附加费" },
	{ "peak", "Peak season surcharge", "旺季附加费" },
};

static json_t *line_json(const struct quote_line *l)
{
	const char *en = kind_label[l->kind][0], *zh = kind_label[l->kind][1];
	for (size_t i = 0; l->kind == QL_SURCHARGE && i < sizeof surcharge_label / sizeof surcharge_label[0];
	     i++)
		if (strcmp(l->code, surcharge_label[i].code) == 0) {
			en = surcharge_label[i].en;
			zh = surcharge_label[i].zh;
		}
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:b}", "kind", quote_line_kind_name(l->kind), "code", l->code,
	                 "label_en", en, "label_zh", zh, "amount", (json_int_t)l->amount, "in_price",
	                 l->in_price);
}
static struct db_sql q_quote_insert = DB_SQL(
        "INSERT INTO quotes (card_id, customer_id, ticket_id, order_id, currency, total_minor, request, result,"
        " created_by, created_at, freight_minor, billable_g)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id");
static struct db_sql q_quote_get = DB_SQL("SELECT id, result, created_at FROM quotes WHERE id = $1");
static struct db_sql q_quotes_ticket = DB_SQL(
        "SELECT id, result, created_at FROM quotes WHERE ticket_id = $1 ORDER BY id DESC LIMIT 100");
static struct db_sql q_quotes_order = DB_SQL(
        "SELECT id, result, created_at FROM quotes WHERE order_id = $1 ORDER BY id DESC LIMIT 100");
static struct db_sql q_quotes_customer = DB_SQL(
        "SELECT id, result, created_at FROM quotes WHERE customer_id = $1 ORDER BY id DESC LIMIT 100");
static struct db_sql q_ticket_exists = DB_SQL("SELECT id FROM tickets WHERE id = $1");
static struct db_sql q_order_exists = DB_SQL("SELECT id FROM orders WHERE id = $1");
static struct db_sql q_customer_exists = DB_SQL("SELECT id FROM customers WHERE id = $1 AND erased_at IS NULL");
static struct db_sql q_contract_bp = DB_SQL("SELECT freight_bp FROM contract_rates WHERE customer_id = $1");

/* v in [min, max]; KF_EINVAL "range" naming key (as the API says it). */
static int check_range(const char *key, int64_t v, int64_t min, int64_t max, struct kf_error *err)
{
	if (v >= min && v <= max)
		return 0;
	return kf_fail(err, KF_EINVAL, "range", key, "%s must be between %lld and %lld", key, (long long)min,
	               (long long)max);
}

/* s at most max bytes; KF_EINVAL "too_long" naming key (as the API says it). */
static int check_len(const char *key, const char *s, size_t max, struct kf_error *err)
{
	if (!s || strlen(s) <= max)
		return 0;
	return kf_fail(err, KF_EINVAL, "too_long", key, "%s is longer than %zu bytes", key, max);
}

static int check_cards(const struct quote_request *p, struct kf_error *err)
{
	if (!p->card_id == !p->npoints)
		return kf_fail(err, KF_EINVAL, "required", "card_id",
		               "give card_id, or basing for basing-point pricing");
	int rc = p->card_id ? check_range("card_id", p->card_id, 1, INT64_MAX, err) : 0;
	if (rc == 0 && p->npoints > QUOTE_MAX_BASING)
		rc = kf_fail(err, KF_EINVAL, "invalid", "basing.points",
		             "basing.points lists 1 to %d rate card ids", QUOTE_MAX_BASING);
	for (size_t i = 0; rc == 0 && i < p->npoints; i++)
		if (p->point_ids[i] < 1)
			rc = kf_fail(err, KF_EINVAL, "invalid", "basing.points",
			             "basing.points lists rate card ids");
	if (rc == 0 && p->npoints)
		rc = check_range("actual_card_id", p->actual_id, 1, INT64_MAX, err);
	return rc;
}

static int check_parcel(const struct quote_req *r, struct kf_error *err)
{
	int rc = check_range("unit_price", r->unit_price, 0, INT64_MAX / 1000000, err);
	if (rc == 0)
		rc = check_range("quantity", r->quantity, 1, 1000000, err);
	if (rc == 0 && r->weight_g == QUOTE_WEIGHT_UNSET)
		rc = kf_fail(err, KF_EINVAL, "required", "weight_g", "weight_g is required");
	if (rc == 0)
		rc = check_range("weight_g", r->weight_g, 1, 100000000000LL, err);
	if (rc == 0)
		rc = check_range("length_mm", r->len_mm, 0, 100000, err);
	if (rc == 0)
		rc = check_range("width_mm", r->wid_mm, 0, 100000, err);
	if (rc == 0)
		rc = check_range("height_mm", r->hei_mm, 0, 100000, err);
	if (rc == 0)
		rc = check_range("declared_value", r->declared_value, 0, INT64_MAX / 10000, err);
	return rc;
}

/* The request, checked as the API checks the body (the same order, codes and messages). */
static int check_request(const struct quote_request *p, struct kf_error *err)
{
	const struct quote_req *r = &p->req;
	int rc = check_cards(p, err);
	if (rc == 0)
		rc = check_parcel(r, err);
	if (rc == 0)
		rc = check_len("postcode", r->postcode, 16, err);
	if (rc == 0)
		rc = check_len("region", r->region, 64, err);
	if (rc == 0 && r->distance_km != -1)
		rc = check_range("distance_km", r->distance_km, 0, 100000, err);
	if (rc == 0 && r->terms != QT_FOB_ORIGIN && r->terms != QT_FOB_DESTINATION)
		rc = kf_fail(err, KF_EINVAL, "invalid", "terms", "terms must be fob_origin or fob_destination");
	if (rc == 0 && p->customer_id)
		rc = check_range("customer_id", p->customer_id, 1, INT64_MAX, err);
	if (rc == 0 && p->ticket_id)
		rc = check_range("ticket_id", p->ticket_id, 1, INT64_MAX, err);
	if (rc == 0 && p->order_id)
		rc = check_range("order_id", p->order_id, 1, INT64_MAX, err);
	return rc;
}

static void set_int(json_t *o, const char *key, int64_t v, int given)
{
	if (given)
		json_object_set_new(o, key, json_integer(v));
}

/* The request as JSON in the API's shape, for quotes.request when the caller gave no text. */
static json_t *request_json(const struct quote_request *p)
{
	const struct quote_req *r = &p->req;
	json_t *o = json_object(), *dest = json_object();
	set_int(o, "weight_g", r->weight_g, 1);
	set_int(o, "length_mm", r->len_mm, r->len_mm != 0);
	set_int(o, "width_mm", r->wid_mm, r->wid_mm != 0);
	set_int(o, "height_mm", r->hei_mm, r->hei_mm != 0);
	set_int(o, "unit_price", r->unit_price, r->unit_price != 0);
	set_int(o, "quantity", r->quantity, r->quantity != 1);
	set_int(o, "declared_value", r->declared_value, r->declared_value != 0);
	set_int(o, "customer_id", p->customer_id, p->customer_id != 0);
	set_int(o, "ticket_id", p->ticket_id, p->ticket_id != 0);
	set_int(o, "order_id", p->order_id, p->order_id != 0);
	set_int(dest, "distance_km", r->distance_km, r->distance_km != -1);
	if (r->postcode)
		json_object_set_new(dest, "postcode", json_string(r->postcode));
	if (r->region)
		json_object_set_new(dest, "region", json_string(r->region));
	json_object_set_new(o, "destination", dest);
	json_object_set_new(o, "terms", json_string(quote_terms_name(r->terms)));
	if (r->hazardous)
		json_object_set_new(o, "hazardous", json_true());
	if (r->special)
		json_object_set_new(o, "special_handling", json_true());
	if (r->pickup)
		json_object_set_new(o, "pickup", json_true());
	set_int(o, "card_id", p->card_id, p->card_id != 0);
	if (p->npoints) {
		json_t *pts = json_array();
		for (size_t i = 0; i < p->npoints; i++)
			json_array_append_new(pts, json_integer(p->point_ids[i]));
		json_object_set_new(
		        o, "basing",
		        json_pack("{s:o,s:I}", "points", pts, "actual_card_id", (json_int_t)p->actual_id));
	}
	return o;
}

/* The default business calendar, parsed once per (id, version). */
static struct db_sql q_cal_version = DB_SQL(
        "SELECT id, version FROM calendars WHERE id = (SELECT value FROM desk_settings WHERE key = 'default_calendar_id')");
static pthread_mutex_t cal_mu = PTHREAD_MUTEX_INITIALIZER;
static struct calendar *cal_cache;
static int64_t cal_cache_id, cal_cache_version;

/* id and version of the default calendar when already read (0 = read them). */
static int calendar_current(struct db *db, int64_t id, int64_t version, struct calendar *out,
                            struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = 1;
	if (!id) {
		rc = db_query(db, &q_cal_version, DB_NOARGS, &r, err);
		if (rc >= 0 && (rc = db_next(r, err)) == 1) {
			id = db_col_int(r, 0);
			version = db_col_int(r, 1);
		}
		db_done(r);
	}
	if (rc <= 0)
		return rc < 0 ? rc : kf_fail(err, KF_ENOTFOUND, "not_found", "calendar", "no default calendar");
	pthread_mutex_lock(&cal_mu);
	int hit = cal_cache && cal_cache_id == id && cal_cache_version == version;
	if (hit)
		*out = *cal_cache;
	pthread_mutex_unlock(&cal_mu);
	if (hit)
		return 0;
	if ((rc = calendar_store_load(db, id, out, err)) < 0)
		return rc;
	pthread_mutex_lock(&cal_mu);
	if (!cal_cache)
		cal_cache = xcalloc(1, sizeof *cal_cache);
	*cal_cache = *out;
	cal_cache_id = id;
	cal_cache_version = version;
	pthread_mutex_unlock(&cal_mu);
	return 0;
}

/* Earliest and latest delivery: the opening of the n-th business day after
 * at in the default business calendar. */
/* The versions a quote depends on, read in one statement: the price
 * policy, the quoted card, the default calendar (NULL -> 0: read again). */
struct versions {
	int64_t policy, card, cal_id, cal;
};
static struct db_sql q_versions = DB_SQL(
        "SELECT (SELECT version FROM price_policy WHERE id = 1), (SELECT version FROM rate_cards WHERE id = $1),"
        " (SELECT id FROM calendars WHERE id = (SELECT value FROM desk_settings WHERE key = 'default_calendar_id')),"
        " (SELECT version FROM calendars WHERE id ="
        " (SELECT value FROM desk_settings WHERE key = 'default_calendar_id'))");

static int versions_read(struct db *db, int64_t card_id, struct versions *v, struct kf_error *err)
{
	struct db_rows *r = NULL;
	memset(v, 0, sizeof *v);
	int rc = db_query(db, &q_versions, DB_ARGS(db_int(card_id)), &r, err);
	if (rc >= 0 && (rc = db_next(r, err)) == 1) {
		int64_t *out[] = { &v->policy, &v->card, &v->cal_id, &v->cal };
		for (int i = 0; i < 4; i++)
			*out[i] = db_col_isnull(r, i) ? 0 : db_col_int(r, i);
		if (!v->cal_id || !v->cal)
			v->cal_id = v->cal = 0;
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static void transit_dates(struct db *db, const struct versions *v, const struct quote *q, int64_t at,
                          json_t *out)
{
	struct kf_error err = KF_ERROR_INIT;
	struct calendar *cal = xcalloc(1, sizeof *cal);
	int64_t lo = 0, hi = 0;
	if (calendar_current(db, v->cal_id, v->cal, cal, &err) == 0 &&
	    (q->transit_min_days < 1 ||
	     calendar_add_business_days(cal, at, q->transit_min_days, &lo, &err) == 0) &&
	    (q->transit_max_days < 1 ||
	     calendar_add_business_days(cal, at, q->transit_max_days, &hi, &err) == 0)) {
		json_object_set_new(out, "earliest_at", json_integer(lo ? lo : at));
		json_object_set_new(out, "latest_at", json_integer(hi ? hi : at));
	}
	free(cal);
}

static json_t *answer_json(struct db *db, const struct versions *v, const struct quote *q,
                           const struct rate_card *c, const struct quote_request *p, int64_t contract_bp)
{
	json_t *lines = json_array();
	for (size_t i = 0; i < q->nlines; i++)
		json_array_append_new(lines, line_json(&q->lines[i]));
	json_t *transit = json_pack("{s:i,s:i}", "min_days", q->transit_min_days, "max_days",
	                            q->transit_max_days);
	if (q->zone >= 0)
		transit_dates(db, v, q, p->req.at, transit);
	json_t *o = json_pack(
	        "{s:s,s:s,s:s,s:o,s:{s:I,s:I,s:I},s:b,s:o,s:o,s:I,s:I,s:I,s:I,s:s,s:s,s:s,s:I,s:I}",
	        "carrier", c->carrier, "mode", rc_mode_name(c->mode), "currency", c->currency, "zone",
	        q->zone >= 0 ? json_string(c->zones[q->zone].code) : json_null(), "weight", "actual_g",
	        (json_int_t)q->actual_g, "dimensional_g", (json_int_t)q->dim_g, "billable_g",
	        (json_int_t)q->billable_g, "deficit_weight_billed", q->deficit, "transit", transit, "lines",
	        lines, "goods", (json_int_t)q->goods, "freight", (json_int_t)q->freight, "total",
	        (json_int_t)q->total, "delivered_price", (json_int_t)q->delivered_price, "terms",
	        quote_terms_name(p->req.terms), "freight_payer",
	        q->freight_payer == QP_BUYER ? "buyer" : "seller", "risk_in_transit",
	        q->risk_bearer == QP_BUYER ? "buyer" : "seller", "at", (json_int_t)p->req.at, "contract_bp",
	        (json_int_t)contract_bp);
	if (p->card_id)
		json_object_set_new(o, "card_id", json_integer(p->card_id));
	if (q->basing)
		json_object_set_new(
		        o, "basing",
		        json_pack("{s:I,s:I,s:I,s:I,s:I}", "card_id", (json_int_t)p->point_ids[q->basing_point],
		                  "freight_charged", (json_int_t)q->freight_charged, "freight_actual",
		                  (json_int_t)q->freight_actual, "phantom_freight", (json_int_t)q->phantom,
		                  "freight_absorption", (json_int_t)q->absorption));
	static const char *const refs[] = { "customer_id", "ticket_id", "order_id" };
	const int64_t vals[] = { p->customer_id, p->ticket_id, p->order_id };
	for (int i = 0; i < 3; i++)
		if (vals[i])
			json_object_set_new(o, refs[i], json_integer(vals[i]));
	return o;
}

/* Check that what the quote is attached to exists. */
static int check_refs(struct db *db, const struct quote_request *p, int64_t *contract_bp, struct kf_error *err)
{
	int64_t x;
	int rc = 0;
	*contract_bp = 0;
	if (p->ticket_id && db_query_int(db, &q_ticket_exists, DB_ARGS(db_int(p->ticket_id)), &x, err) < 0)
		return kf_fail(err, KF_EINVAL, "not_found", "ticket_id", "no such ticket");
	if (p->order_id && db_query_int(db, &q_order_exists, DB_ARGS(db_int(p->order_id)), &x, err) < 0)
		return kf_fail(err, KF_EINVAL, "not_found", "order_id", "no such order");
	if (p->customer_id) {
		if (db_query_int(db, &q_customer_exists, DB_ARGS(db_int(p->customer_id)), &x, err) < 0)
			return kf_fail(err, KF_EINVAL, "not_found", "customer_id", "no such customer");
		struct db_rows *r = NULL;
		rc = db_query(db, &q_contract_bp, DB_ARGS(db_int(p->customer_id)), &r, err);
		if (rc >= 0 && (rc = db_next(r, err)) == 1)
			*contract_bp = db_col_int(r, 0);
		db_done(r);
	}
	return rc < 0 ? rc : 0;
}

static int store_quote(struct db *db, const struct actor *a, int64_t now, const struct quote_request *p,
                       json_t *answer, struct kf_error *err)
{
	json_t *rendered = p->as_received ? NULL : request_json(p);
	char *req_text = p->as_received ? xstrdup(p->as_received) : json_dumps(rendered, JSON_COMPACT);
	json_decref(rendered);
	char *res_text = json_dumps(answer, JSON_COMPACT);
	int64_t id = 0;
	int rc = db_begin(db, err);
	if (rc == 0) {
		rc = db_query_int(db, &q_quote_insert,
		                  DB_ARGS(p->card_id ? db_int(p->card_id) : db_null(),
		                          p->customer_id ? db_int(p->customer_id) : db_null(),
		                          p->ticket_id ? db_int(p->ticket_id) : db_null(),
		                          p->order_id ? db_int(p->order_id) : db_null(),
		                          db_text(json_string_value(json_object_get(answer, "currency"))),
		                          db_int(json_integer_value(json_object_get(answer, "total"))),
		                          db_text(req_text), db_text(res_text), db_int(a->id), db_int(now),
		                          db_int(json_integer_value(json_object_get(answer, "freight"))),
		                          db_int(json_integer_value(json_object_get(
		                                  json_object_get(answer, "weight"), "billable_g")))),
		                  &id, err);
		rc = db_finish(db, rc, err);
	}
	free(req_text);
	free(res_text);
	if (rc == 0) {
		json_object_set_new(answer, "id", json_integer(id));
		json_object_set_new(answer, "created_at", json_integer(now));
	}
	return rc;
}

int quote_store_price(struct db *db, const struct actor *a, int64_t now, const struct quote_request *in,
                      int store, json_t **out, struct kf_error *err)
{
	struct quote_request *p = xcalloc(1, sizeof *p);
	struct ratecard_entry *cards[QUOTE_MAX_BASING + 1] = { 0 };
	size_t ncards = 0;
	struct quote_policy pol;
	struct quote *q = xcalloc(1, sizeof *q);
	int64_t contract_bp = 0;
	*out = NULL;
	*p = *in;
	int rc = check_request(p, err);
	if (rc == 0)
		rc = check_refs(db, p, &contract_bp, err);
	struct versions v = { 0 };
	if (rc == 0)
		rc = versions_read(db, p->card_id, &v, err);
	if (rc == 0)
		rc = price_policy_current(db, v.policy, &pol, err);
	p->req.contract_bp = contract_bp;
	/* the cards: one, or the basing points and the actual origin */
	int64_t ids[QUOTE_MAX_BASING + 1];
	size_t nids = 0;
	if (p->card_id)
		ids[nids++] = p->card_id;
	for (size_t i = 0; i < p->npoints; i++)
		ids[nids++] = p->point_ids[i];
	if (p->actual_id)
		ids[nids++] = p->actual_id;
	for (size_t i = 0; rc == 0 && i < nids; i++) {
		rc = ratecard_store_acquire(db, ids[i], ids[i] == p->card_id ? v.card : 0, &cards[ncards], err);
		if (rc == 0 && !cards[ncards++]->active)
			rc = kf_fail(err, KF_EINVAL, "retired", p->card_id ? "card_id" : "basing",
			             "rate card %lld is retired", (long long)ids[i]);
	}
	if (rc == 0) {
		struct quote_basing b = { .npoints = p->npoints };
		for (size_t i = 0; i < p->npoints; i++)
			b.points[i] = cards[i]->card;
		b.actual = p->actual_id ? cards[ncards - 1]->card : NULL;
		const struct rate_card *used = p->card_id ? cards[0]->card : b.actual;
		rc = quote_compute(p->card_id ? cards[0]->card : NULL, p->card_id ? NULL : &b, &pol, &p->req,
		                   q, err);
		if (rc == 0)
			*out = answer_json(db, &v, q, used, p, contract_bp);
	}
	if (rc == 0 && store)
		rc = store_quote(db, a, now, p, *out, err);
	for (size_t i = 0; i < ncards; i++)
		ratecard_store_release(cards[i]);
	free(p);
	free(q);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static json_t *quote_row(struct db_rows *r)
{
	json_t *o = NULL;
	struct kf_error err = KF_ERROR_INIT;
	if (json_parse_object(db_col_text(r, 1), db_col_len(r, 1), &o, &err) < 0)
		o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int(r, 0)));
	json_object_set_new(o, "created_at", json_integer(db_col_int(r, 2)));
	return o;
}

int quote_store_get(struct db *db, int64_t id, json_t **out, struct kf_error *err)
{
	json_t *arr = json_array();
	int rc = db_rows_json(db, &q_quote_get, DB_ARGS(db_int(id)), quote_row, arr, err);
	*out = NULL;
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "quote", "no such quote");
	if (rc > 0) {
		*out = json_incref(json_array_get(arr, 0));
		rc = 0;
	}
	json_decref(arr);
	return rc;
}

int quote_store_list_for(struct db *db, const char *kind, int64_t id, json_t **items, struct kf_error *err)
{
	struct db_sql *q = !strcmp(kind, "ticket") ? &q_quotes_ticket
	        : !strcmp(kind, "order")           ? &q_quotes_order
	                                           : &q_quotes_customer;
	*items = json_array();
	int rc = db_rows_json(db, q, DB_ARGS(db_int(id)), quote_row, *items, err);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}
void quote_store_cache_clear(void)
{
	pthread_mutex_lock(&cal_mu);
	free(cal_cache);
	cal_cache = NULL;
	pthread_mutex_unlock(&cal_mu);
}
