/*
 * api_pricing.c - rate cards (JSON in, CSV or JSON out), the price policy,
 * contract rates and quotes.  Each handler parses, calls
 * the pricing stores (pricing/ratecard_store.c, price_policy.c,
 * contract_rate.c, quote_store.c), renders.
 */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
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

int api_price_policy_put(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t version;
	json_t *out = NULL;
	if (req_if_match(req, resp, &version) < 0 || req_json(req, resp) < 0)
		return 0;
	if (price_policy_put(req->db, &a, req->now, version, req->json, &out, &err) < 0)
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

int api_contract_rate_put(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	json_t *out = NULL;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	if (contract_rate_put(req->db, &a, req->now, id, req->json, &out, &err) < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out);
}

static int price(struct req *req, struct resp *resp, int store)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	json_t *out = NULL;
	if (req_json(req, resp) < 0)
		return 0;
	if (quote_store_price(req->db, &a, req->now, req->json, store, &out, &err) < 0)
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
