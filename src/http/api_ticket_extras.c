/*
 * api_ticket_extras.c - the category tree, canned replies, merging and
 * linking tickets.
 */
#include <string.h>

#include "base/json.h"
#include "desk/canned.h"
#include "desk/category.h"
#include "desk/ticket_link.h"
#include "http/api.h"
#include "http/api_tickets.h"

int api_categories_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *tree = NULL;
	if (category_tree(req->db, &tree, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", tree));
}

/* Category fields of a body; create needs code and both names. */
static int read_category(json_t *obj, int create, struct category_fields *f, struct kf_error *err)
{
	static const char *const create_keys[] = { "parent_id",          "code", "name_zh", "name_en", "sort",
		                                   "return_window_days", NULL };
	static const char *const patch_keys[] = { "name_zh", "name_en", "sort", "return_window_days", NULL };
	json_t *w = json_object_get(obj, "return_window_days");
	int rc = json_only_keys(obj, create ? create_keys : patch_keys, err);
	if (rc == 0 && create)
		rc = json_get_int(obj, "parent_id", 0, 1, INT64_MAX, &f->parent_id, err);
	if (rc >= 0 && create)
		rc = json_require(obj, (const char *const[]){ "code", "name_zh", "name_en", NULL }, err);
	if (rc >= 0 && create)
		rc = json_get_str(obj, "code", 1, 64, &f->code, err);
	if (rc >= 0)
		rc = json_get_text(obj, "name_zh", create, 100, &f->name_zh, err);
	if (rc >= 0)
		rc = json_get_text(obj, "name_en", create, 100, &f->name_en, err);
	if (rc >= 0)
		rc = json_get_int(obj, "sort", 0, 0, 1000000, &f->sort, err);
	if (rc >= 0 && w && json_is_null(w))
		f->return_window_days = -1;
	else if (rc >= 0)
		rc = json_get_int(obj, "return_window_days", 0, 0, 3650, &f->return_window_days, err);
	return rc < 0 ? rc : 0;
}

static int reply_category(struct resp *resp, int status, json_t *row)
{
	reply_etag(resp, json_integer_value(json_object_get(row, "version")));
	return reply_json(resp, status, row);
}

int api_categories_create(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct category_fields f = { 0, NULL, NULL, NULL, CATEGORY_KEEP, -1 };
	struct actor a = api_actor(req);
	json_t *row = NULL;
	if (req_json(req, resp) < 0)
		return 0;
	if (read_category(req->json, 1, &f, &err) < 0 ||
	    category_create(req->db, &a, req->now, &f, &row, &err) < 0)
		return reply_kf(resp, &err);
	return reply_category(resp, 201, row);
}

int api_categories_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct category_fields f = { 0, NULL, NULL, NULL, CATEGORY_KEEP, CATEGORY_KEEP };
	struct actor a = api_actor(req);
	json_t *row = NULL;
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (read_category(req->json, 0, &f, &err) < 0 ||
	    category_update(req->db, &a, req->now, id, version, &f, &row, &err) < 0)
		return reply_kf(resp, &err);
	return reply_category(resp, 200, row);
}

int api_tickets_merge(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "into", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	struct actor a = api_actor(req);
	int64_t id, into = 0;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	if (json_only_keys(req->json, keys, &err) < 0 ||
	    json_get_int(req->json, "into", 1, 1, INT64_MAX, &into, &err) < 0 ||
	    ticket_merge(req->db, &a, req->now, id, into, &t, &err) < 0)
		return reply_kf(resp, &err);
	reply_etag(resp, t.version);
	return reply_json(resp, 200, ticket_to_json(&t));
}

int api_tickets_links(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	json_t *items = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (ticket_get(req->db, id, &t, &err) < 0 || ticket_link_list(req->db, id, &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

int api_tickets_link(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "ticket_id", "kind", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *kind = "related";
	int64_t id, other = 0;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	if (json_only_keys(req->json, keys, &err) < 0 ||
	    json_get_int(req->json, "ticket_id", 1, 1, INT64_MAX, &other, &err) < 0 ||
	    json_get_str(req->json, "kind", 0, 16, &kind, &err) < 0 ||
	    ticket_link_add(req->db, &a, req->now, id, other, kind, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 201,
	                  json_pack("{s:I,s:I,s:s}", "ticket_id", (json_int_t)id, "other_id",
	                            (json_int_t)other, "kind", kind));
}

int api_tickets_unlink(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id, other;
	if (req_param_id(req, resp, "id", &id) < 0 || req_param_id(req, resp, "other", &other) < 0)
		return 0;
	if (ticket_link_remove(req->db, &a, req->now, id, other, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

int api_canned_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	if (canned_list(req->db, &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

static int reply_canned(struct resp *resp, int status, json_t *row)
{
	reply_etag(resp, json_integer_value(json_object_get(row, "version")));
	return reply_json(resp, status, row);
}

int api_canned_create(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "title", "body", "language", "category_id", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *title = NULL, *body = NULL, *lang = NULL;
	int64_t cat = 0;
	json_t *row = NULL;
	if (req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json, (const char *const[]){ "title", "body", NULL }, &err);
	if (rc == 0)
		rc = json_get_text(req->json, "title", 1, 200, &title, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "body", 1, CANNED_BODY_MAX, &body, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "language", 0, 4, &lang, &err);
	if (rc >= 0)
		rc = json_get_int(req->json, "category_id", 0, 1, INT64_MAX, &cat, &err);
	if (rc >= 0)
		rc = canned_create(req->db, &a, req->now, title, body, lang, cat, &row, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_canned(resp, 201, row);
}

int api_canned_update(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "title", "body", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *title = NULL, *body = NULL;
	json_t *row = NULL;
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_get_text(req->json, "title", 0, 200, &title, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "body", 0, CANNED_BODY_MAX, &body, &err);
	if (rc >= 0)
		rc = canned_update(req->db, &a, req->now, id, version, title, body, &row, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_canned(resp, 200, row);
}

int api_canned_delete(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (canned_delete(req->db, &a, req->now, id, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

int api_canned_render(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *out = NULL;
	int64_t id, cid;
	if (req_param_id(req, resp, "id", &id) < 0 || req_param_id(req, resp, "cid", &cid) < 0)
		return 0;
	const char *agent = req->user.display_name[0] ? req->user.display_name : req->who.name;
	if (canned_render_for_ticket(req->db, id, cid, agent, &out, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, out);
}
