/*
 * api_mail.c - the inbound e-mail channel over HTTP (see api_mail.h).
 *
 * POST /mail/inbound is a public route as far as the gate goes: the MTA's
 * pipe holds no staff account, only the inbound token ("kfm_...", Bearer).
 * The handler authenticates itself: that token, or a staff API token whose
 * role has mail.admin.  Personal data (addresses, names) is masked for
 * callers without pii.read; the original of a mail needs pii.read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/rbac.h"
#include "auth/token.h"
#include "base/json.h"
#include "channels/bounce.h"
#include "channels/mail_in.h"
#include "channels/mail_inbound_token.h"
#include "channels/mail_store.h"
#include "channels/participant.h"
#include "desk/attachment.h"
#include "desk/ticket.h"
#include "http/api.h"
#include "http/api_mail.h"

#define HTML_CSP "sandbox; default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'"

static int can_see_pii(const struct req *req)
{
	return rbac_allows((enum role)req->who.role, PERM_PII_READ);
}

/* The inbound token, or a staff API token with mail.admin: 0, or -1 with resp filled. */
static int inbound_auth(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	const char *auth = req_header(req, "Authorization");
	if (!req->db)
		return reply_error(resp, 503, "busy", NULL, "the database is not available"), -1;
	if (!auth || strncmp(auth, "Bearer ", 7) != 0)
		return reply_error(resp, 401, "unauthenticated", NULL,
		                   "send the inbound mail token as Authorization: Bearer kfm_..."),
		       -1;
	const char *token = auth + 7;
	if (strncmp(token, MAIL_INBOUND_TOKEN_PREFIX, 4) == 0)
		return mail_inbound_token_check(req->db, token, &err) < 0 ? (reply_kf(resp, &err), -1) : 0;
	if (apitoken_resolve(req->db, token, req->now, &req->who, &req->user, &err) < 0)
		return reply_kf(resp, &err), -1;
	if (!rbac_allows((enum role)req->who.role, PERM_MAIL_ADMIN))
		return reply_error(resp, 403, "forbidden", NULL, "your role (%s) lacks the %s permission",
		                   role_name((enum role)req->who.role), perm_name(PERM_MAIL_ADMIN)),
		       -1;
	return 0;
}

/* ?mailbox=ID: 0 when absent; -1 with a 400 when not a positive id. */
static int mailbox_arg(struct req *req, struct resp *resp, int64_t *out)
{
	const char *s = req_query(req, "mailbox");
	char *end = NULL;
	*out = 0;
	if (!s)
		return 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v <= 0)
		return reply_error(resp, 400, "invalid", "mailbox", "mailbox must be a mailbox id"), -1;
	*out = v;
	return 0;
}

int api_mail_inbound(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct mail_in_result res;
	struct mail_source src = { .via = "api" };
	if (inbound_auth(req, resp) < 0 || mailbox_arg(req, resp, &src.mailbox_id) < 0)
		return 0;
	if (mail_in_deliver(req->db, &src, req->body ? req->body : "", req->body_len, req->now, &res, &err) < 0)
		return reply_kf(resp, &err);
	char number[24];
	if (res.ticket_id)
		ticket_number(res.ticket_id, number, sizeof(number));
	int created = res.action == MAIL_IN_CREATED || res.action == MAIL_IN_LINKED;
	json_t *body = json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:s}", "action", mail_in_action_name(res.action),
	                         "mail_id", res.mail_id ? json_integer(res.mail_id) : json_null(),
	                         "ticket_id", res.ticket_id ? json_integer(res.ticket_id) : json_null(),
	                         "ticket_number", res.ticket_id ? json_string(number) : json_null(),
	                         "message_id", res.message_id ? json_integer(res.message_id) : json_null(),
	                         "customer_id", res.customer_id ? json_integer(res.customer_id) : json_null(),
	                         "reason", res.reason);
	return reply_json(resp, created ? 201 : 200, body);
}

int api_mail_inbound_token(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	char token[TOKEN_TEXT_MAX];
	if (mail_inbound_token_make(req->db, &a, req->now, token, &err) < 0)
		return reply_kf(resp, &err);
	json_t *body = json_pack("{s:s}", "token", token);
	memset(token, 0, sizeof(token));
	reply_header(resp, "Cache-Control", "no-store");
	return reply_json(resp, 201, body);
}

/* The ticket of path parameter id exists: 0, or -1 with resp filled. */
static int ticket_param(struct req *req, struct resp *resp, int64_t *id)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	if (req_param_id(req, resp, "id", id) < 0)
		return -1;
	if (ticket_get(req->db, *id, &t, &err) < 0)
		return reply_kf(resp, &err), -1;
	return 0;
}

int api_mail_ticket_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	int64_t id;
	if (ticket_param(req, resp, &id) < 0)
		return 0;
	if (mail_store_ticket_json(req->db, id, !can_see_pii(req), &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

int api_mail_raw(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct mail_ref ref;
	int64_t id;
	char cd[96], number[24] = "";
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (!can_see_pii(req))
		return reply_error(resp, 403, "pii_required", "raw",
		                   "the original of a mail is personal data: it needs the pii.read permission");
	if (mail_store_ref(req->db, id, &ref, &err) < 0)
		return reply_kf(resp, &err);
	if (!ref.raw_sha256[0])
		return reply_error(resp, 404, "not_found", NULL, "this mail has no original stored");
	if (attachment_blob_get(req->db, ref.raw_sha256, &resp->body, &err) < 0) {
		buf_reset(&resp->body);
		return reply_kf(resp, &err);
	}
	if (ref.ticket_id)
		ticket_number(ref.ticket_id, number, sizeof(number));
	snprintf(cd, sizeof(cd), "attachment; filename=\"ticket-%s-%lld.eml\"",
	         number[0] ? number + 1 : "none", (long long)id);
	reply_header(resp, "Content-Disposition", cd);
	reply_header(resp, "Cache-Control", "private, no-store");
	resp->content_type = "message/rfc822";
	resp->status = 200;
	return 0;
}

int api_mail_html(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (mail_store_html(req->db, id, &resp->body, &err) < 0) {
		buf_reset(&resp->body);
		return reply_kf(resp, &err);
	}
	reply_header(resp, "Content-Security-Policy", HTML_CSP);
	reply_header(resp, "Cache-Control", "private, no-store");
	resp->content_type = "text/html; charset=utf-8";
	resp->status = 200;
	return 0;
}

/* A query argument that must be one of allowed (or absent: ""); -1 with a 400 otherwise. */
static int choice_arg(struct req *req, struct resp *resp, const char *name, const char *const *allowed,
                      const char **out)
{
	const char *s = req_query(req, name);
	*out = "";
	if (!s || !*s)
		return 0;
	for (; *allowed; allowed++)
		if (strcmp(*allowed, s) == 0) {
			*out = *allowed;
			return 0;
		}
	return reply_error(resp, 400, "invalid", name, "%s is not one of the allowed values", name), -1;
}

/* ?name= as an id >= 0 (absent: 0); -1 with a 400 otherwise. */
static int id_arg(struct req *req, struct resp *resp, const char *name, int64_t max, int64_t *out)
{
	const char *s = req_query(req, name);
	char *end = NULL;
	if (!s)
		return 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v < 0 || v > max)
		return reply_error(resp, 400, "invalid", name, "%s must be a whole number from 0 to %lld",
		                   name, (long long)max),
		       -1;
	*out = v;
	return 0;
}

int api_mail_messages(struct req *req, struct resp *resp)
{
	static const char *const directions[] = { "in", "out", NULL };
	static const char *const statuses[] = { "received", "dropped", "queued", "sent",
		                                "deferred", "bounced", "failed", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct mail_store_filter f = { .limit = KF_DEFAULT_PAGE_SIZE };
	int64_t limit = KF_DEFAULT_PAGE_SIZE, last = 0;
	json_t *items = NULL;
	if (choice_arg(req, resp, "direction", directions, &f.direction) < 0 ||
	    choice_arg(req, resp, "status", statuses, &f.status) < 0 ||
	    id_arg(req, resp, "before_id", INT64_MAX, &f.before_id) < 0 ||
	    id_arg(req, resp, "limit", KF_MAX_PAGE_SIZE, &limit) < 0)
		return 0;
	f.limit = limit > 0 ? (int)limit : KF_DEFAULT_PAGE_SIZE;
	if (mail_store_list_json(req->db, &f, !can_see_pii(req), &items, &last, &err) < 0)
		return reply_kf(resp, &err);
	int full = (int)json_array_size(items) == f.limit;
	return reply_json(resp, 200,
	                  json_pack("{s:o,s:o}", "items", items, "next_before_id",
	                            full && last ? json_integer(last) : json_null()));
}

int api_mail_participants_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	int64_t id;
	if (ticket_param(req, resp, &id) < 0)
		return 0;
	if (participant_list_json(req->db, id, !can_see_pii(req), &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

int api_mail_participants_add(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "address", "name", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *address = NULL, *name = "";
	json_t *items = NULL;
	int64_t id;
	int added = 0;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	if (json_only_keys(req->json, keys, &err) < 0 ||
	    json_get_str(req->json, "address", 1, 254, &address, &err) < 0 ||
	    json_get_text(req->json, "name", 0, PARTICIPANT_NAME_MAX, &name, &err) < 0 ||
	    participant_add(req->db, &a, req->now, id, address, name, &added, &err) < 0 ||
	    participant_list_json(req->db, id, !can_see_pii(req), &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, added ? 201 : 200, json_pack("{s:o}", "items", items));
}

int api_mail_participants_remove(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (participant_remove(req->db, &a, req->now, id, req_param(req, "address"), &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 204, NULL);
}

int api_mail_bounces_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	if (bounce_list_json(req->db, !can_see_pii(req), &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

int api_mail_bounces_remove(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	if (bounce_remove(req->db, req_param(req, "address"), &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 204, NULL);
}
