/*
 * api_logistics.c - orders, shipments, tracking events, delay notices,
 * batch imports and the public tracking page's endpoint.  Each handler
 * parses, calls logistics/, renders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "http/api.h"
#include "http/api_logistics.h"
#include "logistics/delay.h"
#include "logistics/import.h"
#include "logistics/order.h"
#include "logistics/shipment.h"

#define T_MAX 253402300799LL /* 9999-12-31T23:59:59Z */

/* A JSON array of up to max objects at key (absent = none). */
static int get_array(json_t *obj, const char *key, size_t max, json_t **out, struct kf_error *err)
{
	json_t *a = json_object_get(obj, key);
	*out = NULL;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return kf_fail(err, KF_EINVAL, "invalid", key, "%s must be an array", key);
	if (json_array_size(a) > max)
		return kf_fail(err, KF_ETOOBIG, "too_many_lines", key, "%s has more than %zu items", key, max);
	*out = a;
	return 0;
}

/* ---- orders -------------------------------------------------------------- */

static int read_order_line(json_t *o, int i, struct order_line_in *l, struct kf_error *err)
{
	static const char *const keys[] = { "line_no",
		                            "sku",
		                            "name",
		                            "category",
		                            "substituted_sku",
		                            "quantity",
		                            "quantity_backordered",
		                            "unit_price_minor",
		                            NULL };
	if (!json_is_object(o)) {
		char f[32];
		snprintf(f, sizeof(f), "lines[%d]", i);
		return kf_fail(err, KF_EINVAL, "invalid", f, "%s must be an object", f);
	}
	int rc = json_only_keys(o, keys, err);
	if (rc == 0)
		rc = json_get_int(o, "line_no", 0, 1, 1000000, &l->line_no, err);
	if (rc >= 0)
		rc = json_get_str(o, "sku", 1, 64, &l->sku, err);
	if (rc >= 0)
		rc = json_get_text(o, "name", 0, 256, &l->name, err);
	if (rc >= 0)
		rc = json_get_str(o, "category", 0, 64, &l->category, err);
	if (rc >= 0)
		rc = json_get_str(o, "substituted_sku", 0, 64, &l->substituted_sku, err);
	if (rc >= 0)
		rc = json_get_int(o, "quantity", 1, 0, 1000000000, &l->quantity, err);
	if (rc >= 0)
		rc = json_get_int(o, "quantity_backordered", 0, 0, 1000000000, &l->quantity_backordered, err);
	if (rc >= 0)
		rc = json_get_int(o, "unit_price_minor", 0, 0, 100000000000000LL, &l->unit_price_minor, err);
	return rc < 0 ? rc : 0;
}

static int read_order(json_t *obj, struct order_in *in, struct order_line_in **lines, struct kf_error *err)
{
	static const char *const keys[] = { "number",      "customer_id",   "placed_at",
		                            "promised_at", "shipping_mode", "shipping_terms",
		                            "currency",    "lines",         NULL };
	json_t *arr = NULL;
	int rc = json_only_keys(obj, keys, err);
	if (rc == 0)
		rc = json_require(obj, (const char *const[]){ "number", "placed_at", NULL }, err);
	if (rc == 0)
		rc = json_get_str(obj, "number", 1, 64, &in->number, err);
	if (rc >= 0)
		rc = json_get_int(obj, "customer_id", 0, 1, INT64_MAX, &in->customer_id, err);
	if (rc >= 0)
		rc = json_get_int(obj, "placed_at", 1, 1, T_MAX, &in->placed_at, err);
	if (rc >= 0)
		rc = json_get_int(obj, "promised_at", 0, 1, T_MAX, &in->promised_at, err);
	if (rc >= 0)
		rc = json_get_str(obj, "shipping_mode", 0, 64, &in->shipping_mode, err);
	if (rc >= 0)
		rc = json_get_str(obj, "shipping_terms", 0, 64, &in->shipping_terms, err);
	if (rc >= 0)
		rc = json_get_str(obj, "currency", 0, 3, &in->currency, err);
	if (rc >= 0)
		rc = get_array(obj, "lines", ORDER_MAX_LINES, &arr, err);
	if (rc < 0 || !arr)
		return rc < 0 ? rc : 0;
	in->nlines = (int)json_array_size(arr);
	*lines = xcalloc((size_t)in->nlines + 1, sizeof(**lines));
	for (int i = 0; rc >= 0 && i < in->nlines; i++)
		rc = read_order_line(json_array_get(arr, (size_t)i), i, &(*lines)[i], err);
	in->lines = *lines;
	return rc < 0 ? rc : 0;
}

static int reply_order(struct req *req, struct resp *resp, int64_t id, int status)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *j = NULL;
	int64_t version = 0;
	if (order_get_json(req->db, id, &j, &version, &err) < 0)
		return reply_kf(resp, &err);
	reply_etag(resp, version);
	return reply_json(resp, status, j);
}

/* A positive integer query parameter into *out (absent = 0); -1 after a 400. */
static int query_id(struct req *req, struct resp *resp, const char *name, const char *what, int64_t *out)
{
	const char *c = req_query(req, name);
	*out = 0;
	if (!c)
		return 0;
	char *end = NULL;
	long long v = strtoll(c, &end, 10);
	if (!*c || *end || v <= 0) {
		reply_error(resp, 400, "invalid", name, "%s must be %s", name, what);
		return -1;
	}
	*out = v;
	return 0;
}

/* A short text query parameter ("" when absent); -1 after a 400. */
static int query_text(struct req *req, struct resp *resp, const char *name, const char **out)
{
	const char *c = req_query(req, name);
	*out = c ? c : "";
	if (strlen(*out) > 128) {
		reply_error(resp, 400, "too_long", name, "%s is longer than 128 bytes", name);
		return -1;
	}
	return 0;
}

int api_orders_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct order_filter f = { 0 };
	int limit;
	int64_t after, last;
	json_t *items = NULL;
	if (req_page(req, resp, &limit, &after) < 0 ||
	    query_id(req, resp, "customer_id", "a customer id", &f.customer_id) < 0 ||
	    query_id(req, resp, "placed_from", "a time in UTC seconds", &f.placed_from) < 0 ||
	    query_id(req, resp, "placed_to", "a time in UTC seconds", &f.placed_to) < 0 ||
	    query_text(req, resp, "carrier", &f.carrier) < 0 || query_text(req, resp, "mode", &f.mode) < 0 ||
	    query_text(req, resp, "region", &f.region) < 0 ||
	    query_text(req, resp, "category", &f.category) < 0)
		return 0;
	if (order_list_filtered(req->db, &f, after, limit, &items, &last, &err) < 0)
		return reply_kf(resp, &err);
	return reply_page(resp, items, limit, last);
}

int api_orders_create(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct order_in in = { 0 };
	struct order_line_in *lines = NULL;
	struct actor a = api_actor(req);
	int64_t id = 0;
	if (req_json(req, resp) < 0)
		return 0;
	int rc = read_order(req->json, &in, &lines, &err);
	if (rc == 0)
		rc = order_create(req->db, &a, req->now, &in, &id, &err);
	free(lines);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_order(req, resp, id, 201);
}

int api_orders_get(struct req *req, struct resp *resp)
{
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	return reply_order(req, resp, id, 200);
}

static int read_order_patch(json_t *obj, struct order_patch *p, struct kf_error *err)
{
	static const char *const keys[] = { "status", "promised_at", "shipping_mode", "shipping_terms", NULL };
	int rc = json_only_keys(obj, keys, err);
	if (rc == 0)
		rc = json_get_str(obj, "status", 0, 32, &p->status, err);
	if (rc >= 0 && json_is_null(json_object_get(obj, "promised_at")))
		p->has_promised_at = 1;
	if (rc >= 0 && (rc = json_get_int(obj, "promised_at", 0, 1, T_MAX, &p->promised_at, err)) == 1)
		p->has_promised_at = 1;
	if (rc >= 0)
		rc = json_get_str(obj, "shipping_mode", 0, 64, &p->shipping_mode, err);
	if (rc >= 0)
		rc = json_get_str(obj, "shipping_terms", 0, 64, &p->shipping_terms, err);
	return rc < 0 ? rc : 0;
}

int api_orders_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct order_patch p = { 0 };
	struct actor a = api_actor(req);
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (read_order_patch(req->json, &p, &err) < 0 ||
	    order_update(req->db, &a, req->now, id, version, &p, &err) < 0)
		return reply_kf(resp, &err);
	return reply_order(req, resp, id, 200);
}

/* ---- shipments ----------------------------------------------------------- */

static int read_ship_lines(json_t *arr, struct shipment_in *in, struct shipment_line_in **lines,
                           struct kf_error *err)
{
	static const char *const keys[] = { "order_line_id", "quantity", NULL };
	int rc = 0;
	in->nlines = (int)json_array_size(arr);
	*lines = xcalloc((size_t)in->nlines + 1, sizeof(**lines));
	for (int i = 0; rc >= 0 && i < in->nlines; i++) {
		json_t *o = json_array_get(arr, (size_t)i);
		if (!json_is_object(o))
			return kf_fail(err, KF_EINVAL, "invalid", "lines", "lines must be objects");
		rc = json_only_keys(o, keys, err);
		if (rc == 0)
			rc = json_get_int(o, "order_line_id", 1, 1, INT64_MAX, &(*lines)[i].order_line_id, err);
		if (rc >= 0)
			rc = json_get_int(o, "quantity", 1, 1, 1000000000, &(*lines)[i].quantity, err);
	}
	in->lines = *lines;
	return rc < 0 ? rc : 0;
}

static int read_shipment(json_t *obj, struct shipment_in *in, struct shipment_line_in **lines,
                         struct kf_error *err)
{
	static const char *const keys[] = { "order_id",    "tracking_number", "carrier", "mode",  "origin",
		                            "destination", "shipped_at",      "eta_at",  "lines", NULL };
	json_t *arr = NULL;
	int rc = json_only_keys(obj, keys, err);
	if (rc == 0)
		rc = json_require(obj, (const char *const[]){ "order_id", "tracking_number", NULL }, err);
	if (rc == 0)
		rc = json_get_int(obj, "order_id", 1, 1, INT64_MAX, &in->order_id, err);
	if (rc >= 0)
		rc = json_get_str(obj, "tracking_number", 1, 64, &in->tracking_number, err);
	if (rc >= 0)
		rc = json_get_str(obj, "carrier", 0, 64, &in->carrier, err);
	if (rc >= 0)
		rc = json_get_str(obj, "mode", 0, 16, &in->mode, err);
	if (rc >= 0)
		rc = json_get_str(obj, "origin", 0, 64, &in->origin, err);
	if (rc >= 0)
		rc = json_get_str(obj, "destination", 0, 64, &in->destination, err);
	if (rc >= 0)
		rc = json_get_int(obj, "shipped_at", 0, 1, T_MAX, &in->shipped_at, err);
	if (rc >= 0)
		rc = json_get_int(obj, "eta_at", 0, 1, T_MAX, &in->eta_at, err);
	if (rc >= 0)
		rc = get_array(obj, "lines", SHIPMENT_MAX_LINES, &arr, err);
	if (rc < 0 || !arr)
		return rc < 0 ? rc : 0;
	return read_ship_lines(arr, in, lines, err);
}

static int reply_shipment(struct req *req, struct resp *resp, int64_t id, int status)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *j = NULL;
	int64_t version = 0;
	if (shipment_get_json(req->db, id, &j, &version, &err) < 0)
		return reply_kf(resp, &err);
	reply_etag(resp, version);
	return reply_json(resp, status, j);
}

int api_shipments_create(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct shipment_in in = { 0 };
	struct shipment_line_in *lines = NULL;
	struct actor a = api_actor(req);
	int64_t id = 0;
	if (req_json(req, resp) < 0)
		return 0;
	int rc = read_shipment(req->json, &in, &lines, &err);
	if (rc == 0)
		rc = shipment_create(req->db, &a, req->now, &in, &id, &err);
	free(lines);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_shipment(req, resp, id, 201);
}

int api_shipments_get(struct req *req, struct resp *resp)
{
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	return reply_shipment(req, resp, id, 200);
}

static int read_ship_patch(json_t *obj, struct shipment_patch *p, struct kf_error *err)
{
	static const char *const keys[] = { "eta_at", "status", "carrier", "origin", "destination", NULL };
	int rc = json_only_keys(obj, keys, err);
	if (rc == 0 && json_is_null(json_object_get(obj, "eta_at")))
		p->has_eta_at = 1;
	if (rc >= 0 && (rc = json_get_int(obj, "eta_at", 0, 1, T_MAX, &p->eta_at, err)) == 1)
		p->has_eta_at = 1;
	if (rc >= 0)
		rc = json_get_str(obj, "status", 0, 32, &p->status, err);
	if (rc >= 0)
		rc = json_get_str(obj, "carrier", 0, 64, &p->carrier, err);
	if (rc >= 0)
		rc = json_get_str(obj, "origin", 0, 64, &p->origin, err);
	if (rc >= 0)
		rc = json_get_str(obj, "destination", 0, 64, &p->destination, err);
	return rc < 0 ? rc : 0;
}

int api_shipments_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct shipment_patch p = { 0 };
	struct actor a = api_actor(req);
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (read_ship_patch(req->json, &p, &err) < 0 ||
	    shipment_update(req->db, &a, req->now, id, version, &p, &err) < 0)
		return reply_kf(resp, &err);
	return reply_shipment(req, resp, id, 200);
}

int api_shipments_event(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "at", "status", "location", "description", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct tracking_event_in ev = { 0 };
	int64_t id;
	int added = 0;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json, (const char *const[]){ "at", "status", NULL }, &err);
	if (rc == 0)
		rc = json_get_int(req->json, "at", 1, 1, T_MAX, &ev.at, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "status", 1, 32, &ev.status, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "location", 0, 128, &ev.location, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "description", 0, 1024, &ev.description, &err);
	if (rc >= 0)
		rc = shipment_add_event(req->db, req->now, id, &ev, &added, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_shipment(req, resp, id, added ? 201 : 200);
}

/* ---- delay notices --------------------------------------------------------- */

int api_delay_notices_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int limit;
	int64_t after, last;
	json_t *items = NULL;
	if (req_page(req, resp, &limit, &after) < 0)
		return 0;
	if (delay_list(req->db, req_query(req, "status"), after, limit, &items, &last, &err) < 0)
		return reply_kf(resp, &err);
	return reply_page(resp, items, limit, last);
}

int api_delay_notices_done(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	json_t *j = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (delay_done(req->db, &a, req->now, id, &j, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, j);
}

/* ---- imports --------------------------------------------------------------- */

/* The counts and bad rows; messages in the language of Accept-Language (lang, may be NULL). */
static json_t *import_result(const struct import *im, const char *lang)
{
	json_t *errors = json_array();
	for (int i = 0; i < im->nerrors; i++)
		json_array_append_new(errors,
		                      json_pack("{s:I,s:o,s:o}", "row", (json_int_t)im->errors[i].row,
		                                "field", json_text(im->errors[i].field), "message",
		                                json_text(import_error_message(&im->errors[i], lang))));
	return json_pack("{s:s,s:I,s:I,s:I,s:o}", "kind", import_kind_name(im->kind), "rows",
	                 (json_int_t)im->rows, "imported",
	                 (json_int_t)(im->bad && !im->skip_bad ? 0 : im->imported), "bad",
	                 (json_int_t)im->bad, "errors", errors);
}

static int import_rows(struct import *im, json_t *rows, struct kf_error *err)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		int rc = import_object(im, (int64_t)i, row, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int api_imports_run(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "rows", "skip_bad", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct import im;
	struct actor a = api_actor(req);
	json_t *rows = NULL;
	int skip = 0;
	int kind = import_kind_parse(req_param(req, "kind"));
	if (kind < 0)
		return reply_error(resp, 404, "not_found", "kind",
		                   "imports are customers, orders, shipments or events");
	if (req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_get_bool(req->json, "skip_bad", 0, &skip, &err);
	rows = json_object_get(req->json, "rows");
	if (rc >= 0 && !json_is_array(rows))
		rc = kf_fail(&err, KF_EINVAL, "required", "rows", "rows must be an array of objects");
	if (rc >= 0 && json_array_size(rows) > IMPORT_MAX_API_ROWS)
		rc = kf_fail(&err, KF_ETOOBIG, "too_many_rows", "rows", "at most %d rows per request",
		             IMPORT_MAX_API_ROWS);
	if (rc < 0)
		return reply_kf(resp, &err);
	rc = import_begin(&im, req->db, &a, req->now, (enum import_kind)kind, skip, &err);
	if (rc == 0)
		rc = import_rows(&im, rows, &err);
	if (rc == 0)
		rc = import_end(&im, &err);
	json_t *j = rc == 0 || err.code == KF_EINVAL ? import_result(&im, req_header(req, "Accept-Language"))
	                                             : NULL;
	import_release(&im);
	if (!j)
		return reply_kf(resp, &err);
	if (rc < 0)
		json_object_set_new(
		        j, "error",
		        json_pack("{s:s,s:s,s:n}", "code", err.key, "message", err.message, "field"));
	return reply_json(resp, rc == 0 ? 200 : 422, j);
}

/* ---- public tracking ------------------------------------------------------- */

int api_track(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *j = NULL;
	const char *number = req_param(req, "number");
	if (!number || !*number || strlen(number) > 64)
		return reply_error(resp, 404, "not_found", "number", "no shipment with this tracking number");
	if (shipment_track_json(req->db, number, &j, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, j);
}
