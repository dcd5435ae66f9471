/*
 * api_processes.c - the complaint, return and claim processes of a
 * ticket: parse, decide whether the caller is a manager (ticket.manage:
 * override return windows, refund and payout caps), call the domain
 * (desk/complaint.h, returns.h, claims.h), render with the ETag.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/rbac.h"
#include "base/xalloc.h"
#include "base/json.h"
#include "desk/claims.h"
#include "desk/complaint.h"
#include "desk/process_rules.h"
#include "desk/returns.h"
#include "http/api.h"
#include "http/api_processes.h"

static int is_manager(const struct req *req)
{
	return rbac_allows((enum role)req->who.role, PERM_TICKET_MANAGE);
}

/* Render a JSON result (owned) with its version as ETag. */
static int reply_versioned(struct resp *resp, int status, json_t *j, int64_t version)
{
	reply_etag(resp, version);
	return reply_json(resp, status, j);
}

/* ---- complaints ------------------------------------------------------ */

static int get_true(json_t *obj, const char *key, int *out, struct kf_error *err)
{
	int v = 0;
	int rc = json_get_bool(obj, key, 0, &v, err);
	if (rc == 1 && !v)
		return kf_fail(err, KF_EINVAL, "invalid", key, "%s can only be true (it records the moment)",
		               key);
	if (rc == 1)
		*out = 1;
	return rc;
}

static int read_complaint(json_t *o, struct complaint_patch *p, struct kf_error *err)
{
	int rc = json_get_int(o, "category_id", 0, 1, INT64_MAX, &p->category_id, err);
	if (rc >= 0)
		rc = json_get_text(o, "investigation_notes", 0, COMPLAINT_TEXT_MAX, &p->investigation_notes,
		                   err);
	if (rc >= 0)
		rc = json_get_text(o, "root_cause", 0, COMPLAINT_TEXT_MAX, &p->root_cause, err);
	if (rc >= 0)
		rc = json_get_text(o, "responsible_department", 0, COMPLAINT_DEPT_MAX,
		                   &p->responsible_department, err);
	if (rc >= 0)
		rc = json_get_text(o, "solution", 0, COMPLAINT_TEXT_MAX, &p->solution, err);
	if (rc >= 0)
		rc = json_get_int(o, "compensation_minor", 0, 0, INT64_MAX / 2, &p->compensation_minor, err);
	if (rc >= 0)
		rc = json_get_str(o, "currency", 0, 3, &p->currency, err);
	if (rc >= 0 && p->currency && !process_rules_currency_valid(p->currency))
		rc = kf_fail(err, KF_EINVAL, "invalid", "currency",
		             "currency must be three capital letters (CNY)");
	if (rc >= 0)
		rc = get_true(o, "implemented", &p->implemented, err);
	if (rc >= 0)
		rc = json_get_str(o, "customer_confirmation", 0, 16, &p->customer_confirmation, err);
	if (rc >= 0 && p->customer_confirmation && strcmp(p->customer_confirmation, "accepted") != 0 &&
	    strcmp(p->customer_confirmation, "rejected") != 0)
		rc = kf_fail(err, KF_EINVAL, "invalid", "customer_confirmation",
		             "customer_confirmation must be accepted or rejected");
	if (rc >= 0)
		rc = get_true(o, "feedback_sent", &p->feedback_sent, err);
	return rc < 0 ? rc : 0;
}

#define COMPLAINT_KEYS \
	"category_id", "investigation_notes", "root_cause", "responsible_department", "solution", \
	        "compensation_minor", "currency", "implemented", "customer_confirmation", "feedback_sent"

int api_complaint_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct complaint *c = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	c = xcalloc(1, sizeof(*c));
	int rc = complaint_get(req->db, id, c, &err);
	if (rc == 0)
		reply_versioned(resp, 200, complaint_to_json(c), c->version);
	else
		reply_kf(resp, &err);
	free(c);
	return 0;
}

/* PATCH (to = NULL allowed) and advance (to required) share this. */
static int complaint_write(struct req *req, struct resp *resp, int with_step)
{
	static const char *const patch_keys[] = { COMPLAINT_KEYS, NULL };
	static const char *const advance_keys[] = { "to", COMPLAINT_KEYS, NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct complaint_patch p = COMPLAINT_PATCH_INIT;
	struct actor a = api_actor(req);
	const char *to_name = NULL;
	enum complaint_step to = CS_NONE;
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, with_step ? advance_keys : patch_keys, &err);
	if (rc == 0 && with_step)
		rc = json_get_str(req->json, "to", 1, 32, &to_name, &err);
	if (rc >= 0 && with_step && (to = complaint_rules_step_parse(to_name)) == CS_NONE)
		rc = kf_fail(
		        &err, KF_EINVAL, "invalid", "to",
		        "to must be one of initial_handling, investigation, solution, implementation, archived");
	if (rc >= 0)
		rc = read_complaint(req->json, &p, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	struct complaint *c = xcalloc(1, sizeof(*c));
	rc = complaint_change(req->db, &a, req->now, id, version, to, &p, c, &err);
	if (rc == 0)
		reply_versioned(resp, 200, complaint_to_json(c), c->version);
	else
		reply_kf(resp, &err);
	free(c);
	return 0;
}

int api_complaint_update(struct req *req, struct resp *resp)
{
	return complaint_write(req, resp, 0);
}

int api_complaint_advance(struct req *req, struct resp *resp)
{
	return complaint_write(req, resp, 1);
}

/* ---- returns --------------------------------------------------------- */

int api_return_lines(json_t *arr, struct return_line_input *lines, size_t *n, struct kf_error *err)
{
	static const char *const keys[] = { "order_line_id", "quantity", NULL };
	size_t i;
	json_t *v;
	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > RETURN_LINES_MAX)
		return kf_fail(err, KF_EINVAL, json_is_array(arr) ? "range" : "required", "lines",
		               "lines must list 1 to %d order lines", RETURN_LINES_MAX);
	json_array_foreach(arr, i, v)
	{
		if (!json_is_object(v))
			return kf_fail(err, KF_EINVAL, "type", "lines", "each line is an object");
		int rc = json_only_keys(v, keys, err);
		if (rc == 0)
			rc = json_get_int(v, "order_line_id", 1, 1, INT64_MAX, &lines[i].order_line_id, err);
		if (rc >= 0)
			rc = json_get_int(v, "quantity", 1, 1, 1000000, &lines[i].quantity, err);
		if (rc < 0)
			return rc;
	}
	*n = json_array_size(arr);
	return 0;
}

int api_return_create(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "order_id", "reason", "action", "lines", "window_override_reason",
		                            NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct return_line_input lines[RETURN_LINES_MAX];
	struct return_input in = { 0, NULL, RA_NONE, lines, 0, NULL };
	struct actor a = api_actor(req);
	const char *action = NULL;
	json_t *out = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json, (const char *const[]){ "reason", "action", "lines", NULL }, &err);
	if (rc == 0)
		rc = json_get_int(req->json, "order_id", 0, 1, INT64_MAX, &in.order_id, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "reason", 1, RETURN_TEXT_MAX, &in.reason, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "action", 1, 16, &action, &err);
	if (rc >= 0 && (in.action = return_rules_action_parse(action)) == RA_NONE)
		rc = kf_fail(&err, KF_EINVAL, "invalid", "action", "action must be refund, exchange or repair");
	if (rc >= 0)
		rc = api_return_lines(json_object_get(req->json, "lines"), lines, &in.nlines, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "window_override_reason", 0, RETURN_TEXT_MAX,
		                   &in.window_override_reason, &err);
	if (rc >= 0)
		rc = return_create(req->db, &a, req->now, id, &in, is_manager(req), &out, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 201, out, json_integer_value(json_object_get(out, "version")));
}

int api_return_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *out = NULL;
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (return_get(req->db, id, &out, &version, &err) < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out, version);
}

static int return_write(struct req *req, struct resp *resp, int with_status)
{
	static const char *const patch_keys[] = {
		"reason",           "return_tracking_number", "inspection_result",
		"inspection_notes", "refund_minor",           NULL
	};
	static const char *const advance_keys[] = {
		"to", "return_tracking_number", "inspection_result", "inspection_notes", "refund_minor", NULL
	};
	struct kf_error err = KF_ERROR_INIT;
	struct return_patch p = RETURN_PATCH_INIT;
	struct actor a = api_actor(req);
	const char *to_name = NULL;
	enum return_status to = RS_NONE;
	json_t *out = NULL;
	int64_t id, version, new_version = 0;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, with_status ? advance_keys : patch_keys, &err);
	if (rc == 0 && with_status)
		rc = json_get_str(req->json, "to", 1, 32, &to_name, &err);
	if (rc >= 0 && with_status && (to = return_rules_status_parse(to_name)) == RS_NONE)
		rc = kf_fail(
		        &err, KF_EINVAL, "invalid", "to",
		        "to must be authorised, received, inspected, refunded, exchanged, repaired or rejected");
	if (rc >= 0 && !with_status)
		rc = json_get_text(req->json, "reason", 0, RETURN_TEXT_MAX, &p.reason, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "return_tracking_number", 0, 128, &p.return_tracking_number, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "inspection_result", 0, 32, &p.inspection_result, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "inspection_notes", 0, RETURN_TEXT_MAX, &p.inspection_notes,
		                   &err);
	if (rc >= 0)
		rc = json_get_int(req->json, "refund_minor", 0, 0, INT64_MAX / 2, &p.refund_minor, &err);
	if (rc >= 0)
		rc = return_change(req->db, &a, req->now, id, version, to, &p, is_manager(req), &out,
		                   &new_version, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out, new_version);
}

int api_return_update(struct req *req, struct resp *resp)
{
	return return_write(req, resp, 0);
}

int api_return_advance(struct req *req, struct resp *resp)
{
	return return_write(req, resp, 1);
}

/* ---- claims ---------------------------------------------------------- */

int api_claim_create(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "shipment_id", "kind",     "declared_value_minor",
		                            "currency",    "evidence", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct claim_input in = { 0, NULL, 0, NULL, NULL };
	struct actor a = api_actor(req);
	json_t *out = NULL;
	int64_t id, version = 0;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json, (const char *const[]){ "kind", "declared_value_minor", NULL },
		                  &err);
	if (rc == 0)
		rc = json_get_int(req->json, "shipment_id", 0, 1, INT64_MAX, &in.shipment_id, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "kind", 1, 16, &in.kind, &err);
	if (rc >= 0)
		rc = json_get_int(req->json, "declared_value_minor", 1, 0, INT64_MAX / 2,
		                  &in.declared_value_minor, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "currency", 0, 3, &in.currency, &err);
	json_t *ev = json_object_get(req->json, "evidence");
	in.evidence = json_is_null(ev) ? NULL : ev;
	if (rc >= 0)
		rc = claim_create(req->db, &a, req->now, id, &in, &out, &version, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 201, out, version);
}

int api_claim_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *out = NULL;
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (claim_get(req->db, id, &out, &version, &err) < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out, version);
}

int api_claim_update(struct req *req, struct resp *resp)
{
	static const char *const keys[] = {
		"declared_value_minor",    "currency", "evidence", "carrier_recovery_minor",
		"carrier_recovery_status", NULL
	};
	struct kf_error err = KF_ERROR_INIT;
	struct claim_patch p = CLAIM_PATCH_INIT;
	struct actor a = api_actor(req);
	json_t *out = NULL;
	int64_t id, version, new_version = 0;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_get_int(req->json, "declared_value_minor", 0, 0, INT64_MAX / 2,
		                  &p.declared_value_minor, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "currency", 0, 3, &p.currency, &err);
	if (rc >= 0)
		rc = json_get_int(req->json, "carrier_recovery_minor", 0, 0, INT64_MAX / 2,
		                  &p.carrier_recovery_minor, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "carrier_recovery_status", 0, 16, &p.carrier_recovery_status,
		                  &err);
	json_t *ev = json_object_get(req->json, "evidence");
	p.evidence = json_is_null(ev) ? NULL : ev;
	p.can_change_value = is_manager(req);
	if (rc >= 0)
		rc = claim_change(req->db, &a, req->now, id, version, &p, &out, &new_version, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out, new_version);
}

int api_claim_decide(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "decision", "decision_reason", "payout_minor", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *decision = NULL, *reason = NULL;
	int64_t payout = 0, id, version, new_version = 0;
	json_t *out = NULL;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_get_str(req->json, "decision", 1, 32, &decision, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "decision_reason", 0, CLAIM_TEXT_MAX, &reason, &err);
	if (rc >= 0)
		rc = json_get_int(req->json, "payout_minor", 0, INT64_MIN / 2, INT64_MAX / 2, &payout, &err);
	if (rc >= 0)
		rc = claim_decide(req->db, &a, req->now, id, version, claim_rules_decision_parse(decision),
		                  reason, payout, is_manager(req), &out, &new_version, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	return reply_versioned(resp, 200, out, new_version);
}
