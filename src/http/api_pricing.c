/*
 * api_pricing.c - rate cards (JSON in, CSV or JSON out), the price policy,
 * contract rates and quotes.  Each handler parses, calls
 * the pricing stores (pricing/ratecard_store.c, price_policy.c,
 * contract_rate.c, quote_store.c), renders.
 */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "desk/calendar.h"
#include "http/api.h"
#include "http/api_pricing.h"
#include "pricing/contract_rate.h"
#include "pricing/price_policy.h"
#include "pricing/quote_store.h"
#include "pricing/ratecard_store.h"

static int reply_versioned(struct resp *resp, int status, json_t *o)
{
	reply_etag(resp, json_integer_value(json_object_get(o, "version")));
	return reply_json(resp, status, o);
}

int api_ratecards_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	if (ratecard_store_list(req->db, &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

/* {"name": ..., "csv": ...}; csv the whole card (ratecard_csv.h). */
int api_ratecards_create(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "name", "csv", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *name = NULL, *csv = NULL;
	json_t *out = NULL;
	if (req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json, (const char *const[]){ "name", "csv", NULL }, &err);
	if (rc == 0)
		rc = json_get_text(req->json, "name", 1, 100, &name, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "csv", 1, RATECARD_STORE_CSV_MAX, &csv, &err);
	if (rc >= 0)
		rc = ratecard_store_create(req->db, &a, req->now, name, csv, strlen(csv), &out, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 201, out);
}

/* JSON, or the card's CSV with ?format=csv (the import format). */
int api_ratecards_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id, version;
	json_t *out = NULL;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	const char *format = req_query(req, "format");
	if (format && strcmp(format, "csv") == 0) {
		char *csv = NULL;
		if (ratecard_store_csv(req->db, id, &csv, &version, &err) < 0)
			return reply_kf(resp, &err);
		buf_adds(&resp->body, csv);
		free(csv);
		reply_etag(resp, version);
		reply_header(resp, "Content-Disposition", "attachment; filename=\"rate-card.csv\"");
		resp->content_type = "text/csv; charset=utf-8";
		resp->status = 200;
		return 0;
	}
	if (format && strcmp(format, "json") != 0)
		return reply_error(resp, 400, "invalid", "format", "format must be json or csv");
	if (ratecard_store_get(req->db, id, &out, &err) < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out);
}

int api_ratecards_replace(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "csv", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *csv = NULL;
	int64_t id, version;
	json_t *out = NULL;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_get_str(req->json, "csv", 1, RATECARD_STORE_CSV_MAX, &csv, &err);
	if (rc >= 0)
		rc = ratecard_store_replace(req->db, &a, req->now, id, version, csv, strlen(csv), &out, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out);
}

int api_ratecards_retire(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (ratecard_store_retire(req->db, &a, req->now, id, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

int api_price_policy_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *out = NULL;
	int64_t version;
	if (price_policy_get(req->db, &out, &version, &err) < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out);
}

/* --- the price policy document, field by field as the API has always checked it --- */

static int policy_tier(json_t *t, struct quote_tier *tier, struct kf_error *err)
{
	static const char *const tier_keys[] = { "min_qty", "bp", NULL };
	if (!json_is_object(t))
		return kf_fail(err, KF_EINVAL, "invalid", "tiers", "each tier is an object");
	int rc = json_only_keys(t, tier_keys, err);
	if (rc == 0)
		rc = json_get_int(t, "min_qty", 1, 1, INT64_MAX, &tier->min_qty, err);
	if (rc >= 0)
		rc = json_get_int(t, "bp", 1, 0, 10000, &tier->bp, err);
	return rc < 0 ? rc : 0;
}

static int policy_instant(json_t *o, const char *key, const char *field, const char **out, struct kf_error *err)
{
	int64_t at;
	*out = json_string_value(json_object_get(o, key));
	if (!*out || calendar_parse_iso(*out, &at) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", field, "%s must be an ISO 8601 time", field);
	return 0;
}

static int policy_promo(json_t *p, struct price_policy_promo_input *q, struct kf_error *err)
{
	static const char *const promo_keys[] = { "code", "start", "end", "bp", NULL };
	int64_t start = 0, end = 0;
	if (!json_is_object(p))
		return kf_fail(err, KF_EINVAL, "invalid", "promotions", "each promotion is an object");
	int rc = json_only_keys(p, promo_keys, err);
	if (rc == 0)
		rc = json_get_str(p, "code", 1, RC_CODE_MAX - 1, &q->code, err);
	if (rc >= 0)
		rc = policy_instant(p, "start", "promotions.start", &q->start, err);
	if (rc == 0)
		rc = policy_instant(p, "end", "promotions.end", &q->end, err);
	if (rc == 0)
		rc = json_get_int(p, "bp", 1, 0, 10000, &q->bp, err);
	if (rc >= 0 && calendar_parse_iso(q->start, &start) == 0 && calendar_parse_iso(q->end, &end) == 0 &&
	    end <= start)
		rc = kf_fail(err, KF_EINVAL, "invalid", "promotions.end",
		             "a promotion must end after it starts");
	return rc < 0 ? rc : 0;
}

static int policy_parse(json_t *body, struct price_policy_input *in, struct kf_error *err)
{
	static const char *const keys[] = { "tiers", "promotions", "pickup_allowance_bp", NULL };
	memset(in, 0, sizeof(*in));
	int rc = json_only_keys(body, keys, err);
	json_t *tiers = json_object_get(body, "tiers"), *promos = json_object_get(body, "promotions");
	if (rc == 0 && tiers && (!json_is_array(tiers) || json_array_size(tiers) > QUOTE_MAX_TIERS))
		rc = kf_fail(err, KF_EINVAL, "invalid", "tiers", "tiers is a list of at most %d tiers",
		             QUOTE_MAX_TIERS);
	if (rc == 0 && promos && (!json_is_array(promos) || json_array_size(promos) > QUOTE_MAX_PROMOS))
		rc = kf_fail(err, KF_EINVAL, "invalid", "promotions", "promotions is a list of at most %d",
		             QUOTE_MAX_PROMOS);
	in->present = (tiers ? PRICE_POLICY_HAS_TIERS : 0) | (promos ? PRICE_POLICY_HAS_PROMOS : 0);
	for (size_t i = 0; rc == 0 && i < json_array_size(tiers); i++) {
		rc = policy_tier(json_array_get(tiers, i), &in->tiers[i], err);
		in->ntiers = i + 1;
	}
	for (size_t i = 0; rc == 0 && i < json_array_size(promos); i++) {
		rc = policy_promo(json_array_get(promos, i), &in->promos[i], err);
		in->npromos = i + 1;
	}
	in->pickup_allowance_bp = 10000;
	if (rc == 0)
		rc = json_get_int(body, "pickup_allowance_bp", 0, 0, 10000, &in->pickup_allowance_bp, err);
	if (rc == 1)
		in->present |= PRICE_POLICY_HAS_PICKUP;
	return rc < 0 ? rc : 0;
}

int api_price_policy_put(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct price_policy_input *in = xcalloc(1, sizeof(*in));
	int64_t version;
	json_t *out = NULL;
	if (req_if_match(req, resp, &version) < 0 || req_json(req, resp) < 0) {
		free(in);
		return 0;
	}
	int rc = policy_parse(req->json, in, &err);
	if (rc == 0)
		rc = price_policy_put(req->db, &a, req->now, version, in, &out, &err);
	free(in);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out);
}

int api_contract_rate_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id;
	json_t *out = NULL;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (contract_rate_get(req->db, id, &out, &err) < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out);
}

static int contract_parse(json_t *body, struct contract_rate_input *in, struct kf_error *err)
{
	static const char *const keys[] = { "freight_bp", "note", NULL };
	*in = (struct contract_rate_input){ 0 };
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = json_get_int(body, "freight_bp", 1, 0, 10000, &in->freight_bp, err);
	if (rc >= 0)
		rc = json_get_text(body, "note", 0, CONTRACT_RATE_NOTE_MAX_CHARS, &in->note, err);
	return rc < 0 ? rc : 0;
}

int api_contract_rate_put(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct contract_rate_input in;
	int64_t id;
	json_t *out = NULL;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	if (contract_parse(req->json, &in, &err) < 0 ||
	    contract_rate_put(req->db, &a, req->now, id, &in, &out, &err) < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out);
}

/* --- a quote request: the body, field by field as the API has always checked it --- */

/* An instant given as an ISO 8601 string. */
static int get_instant(json_t *o, const char *key, const char *field, int64_t *out, struct kf_error *err)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s || calendar_parse_iso(s, out) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", field, "%s must be an ISO 8601 time", field);
	return 0;
}

static int parse_dest(json_t *d, struct quote_request *p, struct kf_error *err)
{
	static const char *const keys[] = { "postcode", "region", "distance_km", NULL };
	if (!json_is_object(d))
		return kf_fail(err, KF_EINVAL, "required", "destination",
		               "destination is required (postcode, region or distance_km)");
	int rc = json_only_keys(d, keys, err);
	if (rc == 0)
		rc = json_get_str(d, "postcode", 0, 16, &p->req.postcode, err);
	if (rc >= 0)
		rc = json_get_str(d, "region", 0, 64, &p->req.region, err);
	if (rc >= 0)
		rc = json_get_int(d, "distance_km", 0, 0, 100000, &p->req.distance_km, err);
	return rc < 0 ? rc : 0;
}

static int parse_basing(json_t *b, struct quote_request *p, struct kf_error *err)
{
	static const char *const keys[] = { "points", "actual_card_id", NULL };
	json_t *pts = json_object_get(b, "points");
	int rc = json_is_object(b) ? json_only_keys(b, keys, err)
	                           : kf_fail(err, KF_EINVAL, "invalid", "basing", "basing is an object");
	if (rc == 0 &&
	    (!json_is_array(pts) || json_array_size(pts) < 1 || json_array_size(pts) > QUOTE_MAX_BASING))
		rc = kf_fail(err, KF_EINVAL, "invalid", "basing.points",
		             "basing.points lists 1 to %d rate card ids", QUOTE_MAX_BASING);
	for (size_t i = 0; rc == 0 && i < json_array_size(pts); i++) {
		json_t *v = json_array_get(pts, i);
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			rc = kf_fail(err, KF_EINVAL, "invalid", "basing.points",
			             "basing.points lists rate card ids");
		else
			p->point_ids[p->npoints++] = json_integer_value(v);
	}
	if (rc == 0)
		rc = json_get_int(b, "actual_card_id", 1, 1, INT64_MAX, &p->actual_id, err);
	return rc < 0 ? rc : 0;
}

static int parse_cards(json_t *body, struct quote_request *p, struct kf_error *err)
{
	int rc = 0;
	if (!json_object_get(body, "card_id") == !json_object_get(body, "basing"))
		rc = kf_fail(err, KF_EINVAL, "required", "card_id",
		             "give card_id, or basing for basing-point pricing");
	if (rc == 0 && json_object_get(body, "card_id"))
		rc = json_get_int(body, "card_id", 1, 1, INT64_MAX, &p->card_id, err);
	if (rc >= 0 && json_object_get(body, "basing"))
		rc = parse_basing(json_object_get(body, "basing"), p, err);
	return rc < 0 ? rc : 0;
}

static int parse_parcel(json_t *body, struct quote_req *r, struct kf_error *err)
{
	int rc = json_get_int(body, "unit_price", 0, 0, INT64_MAX / 1000000, &r->unit_price, err);
	if (rc >= 0)
		rc = json_get_int(body, "quantity", 0, 1, 1000000, &r->quantity, err);
	if (rc >= 0)
		rc = json_get_int(body, "weight_g", 1, 1, 100000000000LL, &r->weight_g, err);
	if (rc >= 0)
		rc = json_get_int(body, "length_mm", 0, 0, 100000, &r->len_mm, err);
	if (rc >= 0)
		rc = json_get_int(body, "width_mm", 0, 0, 100000, &r->wid_mm, err);
	if (rc >= 0)
		rc = json_get_int(body, "height_mm", 0, 0, 100000, &r->hei_mm, err);
	if (rc >= 0)
		rc = json_get_int(body, "declared_value", 0, 0, INT64_MAX / 10000, &r->declared_value, err);
	if (rc >= 0)
		rc = json_get_bool(body, "hazardous", 0, &r->hazardous, err);
	if (rc >= 0)
		rc = json_get_bool(body, "special_handling", 0, &r->special, err);
	if (rc >= 0)
		rc = json_get_bool(body, "pickup", 0, &r->pickup, err);
	return rc < 0 ? rc : 0;
}

static int parse_terms_refs(json_t *body, struct quote_request *p, struct kf_error *err)
{
	const char *terms = NULL;
	int rc = json_get_str(body, "terms", 0, 20, &terms, err);
	if (rc >= 0 && terms && quote_terms_parse(terms, &p->req.terms) < 0)
		rc = kf_fail(err, KF_EINVAL, "invalid", "terms", "terms must be fob_origin or fob_destination");
	if (rc >= 0)
		rc = json_get_int(body, "customer_id", 0, 1, INT64_MAX, &p->customer_id, err);
	if (rc >= 0)
		rc = json_get_int(body, "ticket_id", 0, 1, INT64_MAX, &p->ticket_id, err);
	if (rc >= 0)
		rc = json_get_int(body, "order_id", 0, 1, INT64_MAX, &p->order_id, err);
	if (rc >= 0 && json_object_get(body, "at"))
		rc = get_instant(body, "at", "at", &p->req.at, err);
	return rc < 0 ? rc : 0;
}

/* The quote request body into *p (borrowing its strings); the quote time defaults to now. */
static int quote_parse(json_t *body, int64_t now, struct quote_request *p, struct kf_error *err)
{
	static const char *const keys[] = {
		"card_id",  "basing",    "unit_price",     "quantity",  "weight_g",         "length_mm",
		"width_mm", "height_mm", "declared_value", "hazardous", "special_handling", "destination",
		"terms",    "pickup",    "customer_id",    "ticket_id", "order_id",         "at",
		NULL
	};
	memset(p, 0, sizeof *p);
	p->req.distance_km = -1;
	p->req.quantity = 1;
	p->req.at = now;
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = parse_cards(body, p, err);
	if (rc == 0)
		rc = parse_parcel(body, &p->req, err);
	if (rc == 0)
		rc = parse_dest(json_object_get(body, "destination"), p, err);
	if (rc == 0)
		rc = parse_terms_refs(body, p, err);
	return rc < 0 ? rc : 0;
}

static int price(struct req *req, struct resp *resp, int store)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct quote_request *in = xcalloc(1, sizeof(*in));
	json_t *out = NULL;
	if (req_json(req, resp) < 0) {
		free(in);
		return 0;
	}
	int rc = quote_parse(req->json, req->now, in, &err);
	char *text = rc == 0 ? json_dumps(req->json, JSON_COMPACT) : NULL;
	in->as_received = text;
	if (rc == 0)
		rc = quote_store_price(req->db, &a, req->now, in, store, &out, &err);
	free(text);
	free(in);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, store ? 201 : 200, out);
}

int api_quotes_create(struct req *req, struct resp *resp)
{
	return price(req, resp, 1);
}

int api_quotes_preview(struct req *req, struct resp *resp)
{
	return price(req, resp, 0);
}

int api_quotes_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id;
	json_t *out = NULL;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (quote_store_get(req->db, id, &out, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, out);
}

static int list_for(struct req *req, struct resp *resp, const char *kind)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id;
	json_t *items = NULL;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (quote_store_list_for(req->db, kind, id, &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

int api_ticket_quotes(struct req *req, struct resp *resp)
{
	return list_for(req, resp, "ticket");
}

int api_order_quotes(struct req *req, struct resp *resp)
{
	return list_for(req, resp, "order");
}
