/*
 * api_customers.c - customers (CRM): list, create, read, change
 * (If-Match), identities, addresses, preferences, tags, consents, the
 * timeline, export and erasure.  The domain (crm/customer.c,
 * crm/privacy.c) validates, writes and audits; here: parse, authorise
 * (personal data needs pii.read: it is masked in answers, and a client
 * that cannot read it cannot write it), call, render.
 */
#include <stdio.h>
#include <string.h>

#include "analytics/rfm.h"
#include "auth/rbac.h"
#include "base/json.h"
#include "base/textlen.h"
#include "base/xalloc.h"
#include "crm/customer.h"
#include "crm/identity.h"
#include "crm/preference.h"
#include "crm/privacy.h"
#include "crm/timeline.h"
#include "http/api.h"
#include "http/api_customers.h"

static int can_see_pii(const struct req *req)
{
	return rbac_allows((enum role)req->who.role, PERM_PII_READ);
}

/* 403 pii_required naming the first of keys present in obj, for callers without pii.read. */
static int pii_guard(struct req *req, struct resp *resp, json_t *obj, const char *const *keys)
{
	if (can_see_pii(req))
		return 0;
	for (; *keys; keys++)
		if (json_object_get(obj, *keys))
			return reply_error(resp, 403, "pii_required", *keys,
			                   "%s is personal data: setting it needs the pii.read permission",
			                   *keys),
			       -1;
	return 0;
}

/* Render the whole customer (masked for callers without pii.read) with its ETag. */
static int reply_customer(struct req *req, struct resp *resp, int status, int64_t id)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *j = NULL;
	if (customer_json(req->db, id, can_see_pii(req) ? 0 : CUSTOMER_JSON_MASK, &j, &err) < 0)
		return reply_kf(resp, &err);
	reply_etag(resp, json_integer_value(json_object_get(j, "version")));
	return reply_json(resp, status, j);
}

/* A query-string filter: at most max bytes, checked by check when given. */
static int query_filter(struct req *req, const char *name, size_t max,
                        int (*check)(const char *, const char *, struct kf_error *), const char **out,
                        struct kf_error *err)
{
	*out = req_query(req, name);
	if (!*out || !**out)
		return 0;
	if (strlen(*out) > max)
		return kf_fail(err, KF_EINVAL, "too_long", name, "%s is too long", name);
	return check ? check(*out, name, err) : 0;
}

/* An RFM segment name (analytics/rfm.h), for ?segment=. */
static int segment_valid(const char *s, const char *field, struct kf_error *err)
{
	if (rfm_segment_find(s) >= 0)
		return 0;
	return kf_fail(err, KF_EINVAL, "invalid", field,
	               "%s must be an RFM segment such as champions, loyal_customers or at_risk", field);
}

int api_customers_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct customer_filter f = { NULL, NULL, NULL, NULL, NULL };
	int limit;
	int64_t after, last;
	json_t *items = NULL;
	if (req_page(req, resp, &limit, &after) < 0)
		return 0;
	int rc = query_filter(req, "tier", 1, customer_tier_valid, &f.tier, &err);
	if (rc == 0)
		rc = query_filter(req, "stage", 11, customer_stage_valid, &f.stage, &err);
	if (rc == 0)
		rc = query_filter(req, "tag", CUSTOMER_TAG_MAX, NULL, &f.tag, &err);
	if (rc == 0)
		rc = query_filter(req, "q", CUSTOMER_NAME_MAX, NULL, &f.q, &err);
	if (rc == 0)
		rc = query_filter(req, "segment", 32, segment_valid, &f.segment, &err);
	if (rc == 0)
		rc = customer_list(req->db, &f, !can_see_pii(req), after, limit, &items, &last, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_page(resp, items, limit, last);
}

/* The profile fields of a create or PATCH body. */
static int read_fields(json_t *obj, struct customer_fields *f, struct kf_error *err)
{
	int64_t company = -1;
	int rc = json_get_str(obj, "kind", 0, 16, &f->kind, err);
	if (rc >= 0)
		rc = json_get_text(obj, "name", 0, CUSTOMER_NAME_MAX, &f->name, err);
	if (rc >= 0)
		rc = json_get_int(obj, "company_id", 0, 0, INT64_MAX, &company, err);
	f->company_id = company;
	if (rc >= 0)
		rc = json_get_str(obj, "external_id", 0, 128, &f->external_id, err);
	if (rc >= 0)
		rc = json_get_str(obj, "tier", 0, 1, &f->tier, err);
	if (rc >= 0)
		rc = json_get_str(obj, "stage", 0, 11, &f->stage, err);
	if (rc >= 0)
		rc = json_get_str(obj, "birthday", 0, 10, &f->birthday, err);
	if (rc >= 0)
		rc = json_get_str(obj, "locale", 0, 7, &f->locale, err);
	if (rc >= 0)
		rc = json_get_text(obj, "note", 0, KF_MAX_TEXT_CHARS, &f->note, err);
	return rc < 0 ? rc : 0;
}

/* --- the inline parts of a create: the JSON shape here, the rest checked by the store --- */

struct extras_buf {
	struct customer_extras x;
	struct customer_identity_input *ids;
	struct customer_address *addrs;
	struct customer_preference_input *prefs;
	const char **tags;
};

static int extras_types(json_t *ids, json_t *addrs, json_t *prefs, json_t *tags, struct kf_error *err)
{
	if ((ids && !json_is_array(ids)) || (addrs && !json_is_array(addrs)) ||
	    (tags && !json_is_array(tags)) || (prefs && !json_is_object(prefs))) {
		const char *f = ids && !json_is_array(ids) ? "identities"
		        : addrs && !json_is_array(addrs)   ? "addresses"
		        : tags && !json_is_array(tags)     ? "tags"
		                                           : "preferences";
		return kf_fail(err, KF_EINVAL, "type", f, "%s has the wrong type", f);
	}
	return 0;
}

static int extras_identities(json_t *list, struct extras_buf *b, struct kf_error *err)
{
	static const char *const keys[] = { "kind", "value", NULL };
	char field[KF_ERR_FIELD_MAX], norm[TEXTLEN_BYTES(CUSTOMER_VALUE_MAX)];
	size_t i;
	json_t *it;
	b->ids = xcalloc(json_array_size(list) + 1, sizeof(*b->ids));
	json_array_foreach(list, i, it)
	{
		struct customer_identity_input *in = &b->ids[i];
		snprintf(field, sizeof(field), "identities[%zu]", i);
		int rc = json_is_object(it)
		        ? json_only_keys(it, keys, err)
		        : kf_fail(err, KF_EINVAL, "type", field, "%s must be an object", field);
		if (rc >= 0)
			rc = json_get_str(it, "kind", 1, 16, &in->kind, err);
		snprintf(field, sizeof(field), "identities[%zu].value", i);
		if (rc >= 0 && (rc = json_get_text(it, "value", 1, CUSTOMER_VALUE_MAX, &in->value, err)) < 0)
			snprintf(err->field, sizeof(err->field), "%s", field);
		if (rc >= 0)
			rc = customer_identity_normalise(in->kind, in->value, field, norm, sizeof(norm), err);
		if (rc < 0)
			return rc;
	}
	b->x.identities = b->ids;
	b->x.nidentities = json_array_size(list);
	return 0;
}

static int extras_addresses(json_t *list, struct extras_buf *b, struct kf_error *err)
{
	char prefix[48];
	size_t i;
	json_t *it;
	b->addrs = xcalloc(json_array_size(list) + 1, sizeof(*b->addrs));
	json_array_foreach(list, i, it)
	{
		unsigned given;
		snprintf(prefix, sizeof(prefix), "addresses[%zu].", i);
		int rc = customer_address_read(it, prefix, 1, &b->addrs[i], &given, err);
		if (rc < 0)
			return rc;
	}
	b->x.addresses = b->addrs;
	b->x.naddresses = json_array_size(list);
	return 0;
}

static void extras_rest(json_t *prefs, json_t *tags, struct extras_buf *b)
{
	const char *key;
	json_t *v;
	size_t i = 0;
	b->prefs = xcalloc(json_object_size(prefs) + 1, sizeof(*b->prefs));
	json_object_foreach(prefs, key, v)
	{
		b->prefs[i].key = key;
		b->prefs[i++].value = json_string_value(v);
	}
	b->x.preferences = b->prefs;
	b->x.npreferences = i;
	b->tags = xcalloc(json_array_size(tags) + 1, sizeof(*b->tags));
	json_array_foreach(tags, i, v) b->tags[i] = json_string_value(v);
	b->x.tags = b->tags;
	b->x.ntags = json_array_size(tags);
}

/* "identities", "addresses", "preferences" and "tags" of body into b (borrowing body's strings). */
static int extras_parse(json_t *body, struct extras_buf *b, struct kf_error *err)
{
	json_t *ids = json_object_get(body, "identities"), *addrs = json_object_get(body, "addresses");
	json_t *prefs = json_object_get(body, "preferences"), *tags = json_object_get(body, "tags");
	int rc = extras_types(ids, addrs, prefs, tags, err);
	if (rc == 0)
		rc = extras_identities(ids, b, err);
	if (rc == 0)
		rc = extras_addresses(addrs, b, err);
	if (rc == 0)
		extras_rest(prefs, tags, b);
	return rc;
}

static void extras_free(struct extras_buf *b)
{
	free(b->ids);
	free(b->addrs);
	free(b->prefs);
	free(b->tags);
}

int api_customers_create(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "kind", "name",       "company_id", "external_id",
		                            "tier", "stage",      "birthday",   "locale",
		                            "note", "identities", "addresses",  "preferences",
		                            "tags", NULL };
	static const char *const pii[] = { "birthday", "identities", "addresses", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct customer_fields f = CUSTOMER_FIELDS_INIT;
	struct customer c;
	struct actor a = api_actor(req);
	if (req_json(req, resp) < 0 || pii_guard(req, resp, req->json, pii) < 0)
		return 0;
	struct extras_buf extras = { 0 };
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = read_fields(req->json, &f, &err);
	if (rc == 0)
		rc = extras_parse(req->json, &extras, &err);
	if (rc == 0)
		rc = customer_create(req->db, &a, req->now, &f, &extras.x, &c, &err);
	extras_free(&extras);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_customer(req, resp, 201, c.id);
}

int api_customers_get(struct req *req, struct resp *resp)
{
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	return reply_customer(req, resp, 200, id);
}

int api_customers_update(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "kind",  "name",     "company_id", "external_id", "tier",
		                            "stage", "birthday", "locale",     "note",        NULL };
	static const char *const pii[] = { "birthday", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct customer_fields f = CUSTOMER_FIELDS_INIT;
	struct customer c;
	struct actor a = api_actor(req);
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0 || pii_guard(req, resp, req->json, pii) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = read_fields(req->json, &f, &err);
	if (rc == 0)
		rc = customer_update(req->db, &a, req->now, id, version, &f, &c, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_customer(req, resp, 200, id);
}

int api_customer_identity_add(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "kind", "value", NULL };
	static const char *const pii[] = { "value", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *kind = NULL, *value = NULL;
	json_t *out = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0 ||
	    pii_guard(req, resp, req->json, pii) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json, (const char *const[]){ "kind", "value", NULL }, &err);
	if (rc == 0)
		rc = json_get_str(req->json, "kind", 1, 16, &kind, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "value", 1, CUSTOMER_VALUE_MAX, &value, &err);
	if (rc >= 0)
		rc = identity_add(req->db, &a, req->now, id, kind, value, &out, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 201, out);
}

int api_customer_identity_remove(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id, iid;
	if (req_param_id(req, resp, "id", &id) < 0 || req_param_id(req, resp, "iid", &iid) < 0)
		return 0;
	if (identity_remove(req->db, &a, req->now, id, iid, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 204, NULL);
}

static const char *const address_pii[] = { "recipient", "phone", "line", NULL };

static int reply_address(struct resp *resp, int status, const struct customer_address *ad)
{
	reply_etag(resp, ad->version);
	return reply_json(resp, status, customer_address_json(ad, 0));
}

int api_customer_address_add(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct customer_address in, out;
	unsigned given;
	int64_t id;
	memset(&in, 0, sizeof(in));
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0 ||
	    pii_guard(req, resp, req->json, address_pii) < 0)
		return 0;
	int rc = customer_address_read(req->json, "", 1, &in, &given, &err);
	if (rc == 0)
		rc = customer_address_add(req->db, &a, req->now, id, &in, &out, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_address(resp, 201, &out);
}

int api_customer_address_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct customer_address in, out;
	unsigned given;
	int64_t id, aid, version;
	memset(&in, 0, sizeof(in));
	if (req_param_id(req, resp, "id", &id) < 0 || req_param_id(req, resp, "aid", &aid) < 0 ||
	    req_if_match(req, resp, &version) < 0 || req_json(req, resp) < 0 ||
	    pii_guard(req, resp, req->json, address_pii) < 0)
		return 0;
	int rc = customer_address_read(req->json, "", 0, &in, &given, &err);
	if (rc == 0)
		rc = customer_address_update(req->db, &a, req->now, id, aid, version, &in, given, &out, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_address(resp, 200, &out);
}

int api_customer_address_remove(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id, aid;
	if (req_param_id(req, resp, "id", &id) < 0 || req_param_id(req, resp, "aid", &aid) < 0)
		return 0;
	if (customer_address_remove(req->db, &a, req->now, id, aid, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 204, NULL);
}

int api_customer_pref_set(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "value", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *key = req_param(req, "key"), *value = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_get_text(req->json, "value", 1, CUSTOMER_PREF_VALUE_MAX, &value, &err);
	if (rc >= 0)
		rc = preference_set(req->db, &a, req->now, id, key, value, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:s,s:s}", "key", key, "value", value));
}

int api_customer_pref_remove(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (preference_remove(req->db, &a, req->now, id, req_param(req, "key"), &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 204, NULL);
}

int api_customer_tag_add(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (customer_tag_add(req->db, &a, req->now, id, req_param(req, "tag"), &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 204, NULL);
}

int api_customer_tag_remove(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (customer_tag_remove(req->db, &a, req->now, id, req_param(req, "tag"), &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 204, NULL);
}

int api_customer_consent_add(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "purpose", "granted", "source", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *purpose = NULL, *source = NULL;
	int granted = 0;
	json_t *out = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json, (const char *const[]){ "purpose", "granted", NULL }, &err);
	if (rc == 0)
		rc = json_get_str(req->json, "purpose", 1, 32, &purpose, &err);
	if (rc >= 0)
		rc = json_get_bool(req->json, "granted", 1, &granted, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "source", 0, 128, &source, &err);
	if (rc >= 0)
		rc = customer_consent_add(req->db, &a, req->now, id, purpose, granted, source, &out, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 201, out);
}

/* A non-negative decimal of at most 18 digits. */
static int parse_num(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	if (n == 0 || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* ?limit= as req_page reads it, and ?cursor= "t<at>_<id>" (the timeline's own, newest first). */
static int timeline_args(struct req *req, struct resp *resp, int *limit, int64_t *at, int64_t *tid)
{
	const char *l = req_query(req, "limit"), *c = req_query(req, "cursor");
	int64_t v = KF_DEFAULT_PAGE_SIZE;
	if (l && (parse_num(l, strlen(l), &v) < 0 || v < 1 || v > KF_MAX_PAGE_SIZE))
		return reply_error(resp, 400, "range", "limit", "limit must be between 1 and %d",
		                   KF_MAX_PAGE_SIZE),
		       -1;
	*limit = (int)v;
	*at = *tid = 0;
	if (!c || !*c)
		return 0;
	const char *us = strchr(c, '_');
	if (c[0] != 't' || !us || parse_num(c + 1, (size_t)(us - c - 1), at) < 0 ||
	    parse_num(us + 1, strlen(us + 1), tid) < 0 || *tid == 0)
		return reply_error(resp, 400, "invalid", "cursor", "cursor is not one this server issued"), -1;
	return 0;
}

int api_customer_timeline(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct customer c;
	int limit;
	int64_t id, at, tid, last_at = 0, last_id = 0;
	json_t *items = NULL;
	if (req_param_id(req, resp, "id", &id) < 0 || timeline_args(req, resp, &limit, &at, &tid) < 0)
		return 0;
	int rc = customer_get(req->db, id, &c, &err);
	if (rc == 0)
		rc = timeline_page(req->db, id, at, tid, limit, &items, &last_at, &last_id, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	json_t *next = json_null();
	if (last_id) {
		char cur[48];
		snprintf(cur, sizeof(cur), "t%lld_%lld", (long long)last_at, (long long)last_id);
		json_decref(next);
		next = json_string(cur);
	}
	return reply_json(resp, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", next));
}

int api_customer_export(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	json_t *out = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (privacy_export(req->db, &a, req->now, id, &out, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, out);
}

int api_customer_erase(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (privacy_erase(req->db, &a, req->now, id, &err) < 0)
		return reply_kf(resp, &err);
	return reply_customer(req, resp, 200, id);
}
