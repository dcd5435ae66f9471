/*
 * api_search.c - full-text search across tickets, messages, customers
 * and orders; saved views (each user's own).
 */
#include <stdio.h>
#include <string.h>

#include "auth/rbac.h"
#include "base/json.h"
#include "desk/view.h"
#include "http/api_search.h"
#include "store/search.h"

int api_search(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	const char *q = req_query(req, "q"), *kind = req_query(req, "kind");
	json_t *items = NULL;
	int64_t before = 0, last = 0;
	int limit = 0;
	if (req_page(req, resp, &limit, &before) < 0)
		return 0;
	if (!q || !*q)
		return reply_error(resp, 400, "required", "q", "q (the words to search for) is required");
	if (strlen(q) > 256)
		return reply_error(resp, 400, "too_long", "q", "q is longer than 256 bytes");
	if (kind && strcmp(kind, "ticket") && strcmp(kind, "message") && strcmp(kind, "customer") &&
	    strcmp(kind, "order"))
		return reply_error(resp, 400, "invalid", "kind",
		                   "kind must be ticket, message, customer or order");
	/* personal terms (phone, e-mail...) match only for callers who may see them unmasked */
	int pii = rbac_allows((enum role)req->who.role, PERM_PII_READ);
	if (search_query_as(req->db, q, kind, pii, before, limit, &items, &last, &err) < 0)
		return reply_kf(resp, &err);
	return reply_page(resp, items, limit, last);
}

int api_views_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	if (view_list(req->db, req->who.id, &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}

/* name (1..64 bytes) and query (an object) from the body; either may be optional. */
static int read_view(json_t *body, int required, const char **name, json_t **query, struct kf_error *err)
{
	static const char *const keys[] = { "name", "kind", "query", NULL };
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = json_get_text(body, "name", required, 64, name, err);
	json_t *q = json_object_get(body, "query");
	if (rc >= 0 && q && !json_is_object(q))
		rc = kf_fail(err, KF_EINVAL, "type", "query", "query must be an object of filters");
	if (rc >= 0 && required && !q)
		rc = kf_fail(err, KF_EINVAL, "required", "query", "query is required");
	*query = q;
	return rc < 0 ? rc : 0;
}

static int reply_view(struct resp *resp, int status, json_t *view)
{
	reply_etag(resp, json_integer_value(json_object_get(view, "version")));
	return reply_json(resp, status, view);
}

int api_views_create(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	const char *name = NULL, *kind = NULL;
	json_t *query = NULL, *view = NULL;
	if (req_json(req, resp) < 0)
		return 0;
	int rc = read_view(req->json, 1, &name, &query, &err);
	if (rc == 0)
		rc = json_get_str(req->json, "kind", 1, 16, &kind, &err);
	if (rc >= 0)
		rc = view_create(req->db, req->who.id, name, kind, query, req->now, &view, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_view(resp, 201, view);
}

int api_views_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *view = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (view_get(req->db, req->who.id, id, &view, &err) < 0)
		return reply_kf(resp, &err);
	return reply_view(resp, 200, view);
}

int api_views_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	const char *name = NULL;
	json_t *query = NULL, *view = NULL;
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (json_object_get(req->json, "kind"))
		return reply_error(resp, 400, "invalid", "kind", "a view's kind cannot change");
	int rc = read_view(req->json, 0, &name, &query, &err);
	if (rc == 0)
		rc = view_update(req->db, req->who.id, id, version, name, query, req->now, &view, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_view(resp, 200, view);
}

int api_views_delete(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (view_delete(req->db, req->who.id, id, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}
