/*
 * api_improvement.c - improvement actions (analytics/improvement.h):
 * list, read, create (capturing the baseline), change with If-Match
 * (marking done captures the after value), delete.  Every change is
 * audited by the domain call.
 */
#include <string.h>

#include "http/api.h"
#include "http/api_reports.h"
#include "analytics/improvement.h"

static int reply_action(struct resp *resp, int status, json_t *a)
{
	reply_etag(resp, json_integer_value(json_object_get(a, "version")));
	return reply_json(resp, status, a);
}

int api_improvement_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	int64_t after = 0, last = 0;
	int limit = 0;
	if (req_page(req, resp, &limit, &after) < 0)
		return 0;
	if (improvement_list(req->db, req_query(req, "status"), after, limit, &items, &last, &err) < 0)
		return reply_kf(resp, &err);
	return reply_page(resp, items, limit, last);
}

int api_improvement_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *a = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (improvement_get(req->db, id, &a, &err) < 0)
		return reply_kf(resp, &err);
	return reply_action(resp, 200, a);
}

int api_improvement_create(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor who = api_actor(req);
	json_t *a = NULL;
	if (req_json(req, resp) < 0)
		return 0;
	if (improvement_create(req->db, &who, req->now, req->json, &a, &err) < 0)
		return reply_kf(resp, &err);
	return reply_action(resp, 201, a);
}

int api_improvement_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor who = api_actor(req);
	json_t *a = NULL;
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (improvement_update(req->db, &who, req->now, id, version, req->json, &a, &err) < 0)
		return reply_kf(resp, &err);
	return reply_action(resp, 200, a);
}

int api_improvement_delete(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor who = api_actor(req);
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (improvement_delete(req->db, &who, req->now, id, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}
