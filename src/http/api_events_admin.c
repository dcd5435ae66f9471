/*
 * api_events_admin.c - GET /api/v1/events/consumers, GET /api/v1/events/dead,
 * POST /api/v1/events/dead/:consumer/:seq/retry (permission events.manage).
 */
#include "http/api_events_admin.h"

#include <string.h>

#include "events/consumer.h"
#include "http/api.h"
#include "store/db.h"

int api_events_admin_consumers(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items;
	if (consumer_list(req->db, &items, &err) < 0) {
		json_decref(items);
		return reply_kf(resp, &err);
	}
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

int api_events_admin_dead(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int limit;
	int64_t after;
	json_t *items;
	if (req_page(req, resp, &limit, &after) < 0)
		return 0;
	if (consumer_dead_list(req->db, limit, &items, &err) < 0) {
		json_decref(items);
		return reply_kf(resp, &err);
	}
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

static int retry_in_tx(struct req *req, const char *name, int64_t seq, struct kf_error *err)
{
	struct actor a = api_actor(req);
	json_t *what = json_pack("{s:s,s:I}", "consumer", name, "seq", (json_int_t)seq);
	int rc = db_begin(req->db, err);
	if (rc >= 0)
		rc = consumer_retry(req->db, name, seq, req->now, err);
	if (rc >= 0)
		rc = audit_record(req->db, &a, req->now, "event.retry", "event", seq, NULL, what, err);
	json_decref(what);
	if (rc < 0) {
		db_rollback(req->db);
		return rc;
	}
	return db_commit(req->db, err);
}

int api_events_admin_retry(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t seq;
	const char *name = req_param(req, "consumer");
	if (!name || !*name || strlen(name) >= CONSUMER_NAME_MAX)
		return reply_error(resp, 400, "invalid", "consumer", "consumer must be a consumer's name");
	if (req_param_id(req, resp, "seq", &seq) < 0)
		return 0;
	if (retry_in_tx(req, name, seq, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(
	        resp, 200,
	        json_pack("{s:s,s:I,s:s}", "consumer", name, "seq", (json_int_t)seq, "state", "retry"));
}
