/*
 * api_audit.c - reading the audit log, newest first, with filters.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "http/api.h"

int api_audit_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int limit;
	int64_t before, last, object_id = 0;
	json_t *items = NULL;
	const char *type = req_query(req, "object_type");
	const char *oid = req_query(req, "object_id");
	if (req_page(req, resp, &limit, &before) < 0)
		return 0;
	if (type && strlen(type) > 32)
		return reply_error(resp, 400, "too_long", "object_type", "object_type is too long");
	if (oid) {
		char *end = NULL;
		long long v = strtoll(oid, &end, 10);
		if (!*oid || *end || v <= 0)
			return reply_error(resp, 400, "invalid", "object_id",
			                   "object_id must be a positive integer");
		object_id = v;
	}
	if (audit_list(req->db, type, object_id, before, limit, &items, &last, &err) < 0)
		return reply_kf(resp, &err);
	return reply_page(resp, items, limit, last);
}
