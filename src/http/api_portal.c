/*
 * api_portal.c - the customer portal's API (/api/v1/portal/...): a signed-in
 * customer sees and works on their own orders and tickets only.
 *
 * Every handler starts from req->who.customer_id, the customer record the
 * portal account is linked to (403 "no_customer" when it is not linked);
 * an order or ticket of anyone else is 404, exactly like a missing one, so
 * ids cannot be probed.  Customers see public replies and their own
 * messages, never internal notes, assignees or teams.  Writes go through
 * the same domain functions as the staff API, with the customer as actor
 * and "portal" as the channel.
 */
#include "http/api_portal.h"

#include <string.h>

#include "auth/password.h"
#include "auth/portal.h"
#include "base/json.h"
#include "base/limits.h"
#include "crm/customer.h"
#include "desk/attachment.h"
#include "desk/complaint.h"
#include "desk/message.h"
#include "desk/returns.h"
#include "desk/ticket.h"
#include "http/api.h"
#include "http/api_processes.h"
#include "http/api_tickets.h"
#include "logistics/order.h"
#include "store/db.h"

#define PORTAL_LIST_MAX 100 /* tickets or orders in one portal list */

/* The types a customer may open; the rest are the team's own. */
static const char *const open_types[] = { "inquiry", "complaint", "suggestion", NULL };

/* The team's own tickets about a customer (care calls, follow-up calls): never shown in the portal. */
static const char *const internal_types[] = { "care", "follow_up", NULL };

static int internal_type(const char *type)
{
	for (const char *const *ty = internal_types; *ty; ty++)
		if (type && strcmp(*ty, type) == 0)
			return 1;
	return 0;
}

static int customer_of(struct req *req, struct resp *resp, int64_t *out)
{
	*out = req->who.customer_id;
	if (*out > 0)
		return 0;
	reply_error(
	        resp, 403, "no_customer", NULL,
	        "this portal account is not linked to a customer record yet; please contact customer service");
	return -1;
}

/* A ticket of this customer that the customer may see (not an internal one), or 404. */
static int my_ticket(struct req *req, struct resp *resp, int64_t customer, struct ticket *t)
{
	struct kf_error err = KF_ERROR_INIT;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return -1;
	int rc = ticket_get(req->db, id, t, &err);
	if (rc == KF_ENOTFOUND || (rc == 0 && (t->customer_id != customer || internal_type(t->type))))
		return reply_error(resp, 404, "not_found", NULL, "no such ticket"), -1;
	if (rc < 0)
		return reply_kf(resp, &err), -1;
	return 0;
}

/*
 * Is order id this customer's?  0 if so; otherwise err says why: 404 when
 * the order is what the URL names (field NULL), 400 invalid on the body's
 * field when it is a reference in a request.  Database errors pass through.
 */
static int my_order(struct req *req, int64_t customer, int64_t id, const char *field, struct kf_error *err)
{
	int64_t owner = 0;
	int rc = order_customer(req->db, id, &owner, err);
	if (rc < 0 && rc != KF_ENOTFOUND)
		return rc;
	if (rc == 0 && owner == customer)
		return 0;
	if (!field)
		return kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "no such order");
	return kf_fail(err, KF_EINVAL, "invalid", field, "no such order of yours");
}

/* What a customer sees of a ticket. */
static json_t *ticket_view(const struct ticket *t)
{
	static const char *const keep[] = { "id",         "number",      "type",      "state",
		                            "subject",    "order_id",    "channel",   "created_at",
		                            "updated_at", "resolved_at", "closed_at", NULL };
	json_t *all = ticket_to_json(t), *out = json_pick(all, keep);
	json_decref(all);
	return out;
}

int api_portal_orders(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	int64_t customer, after, last = 0;
	int limit;
	if (customer_of(req, resp, &customer) < 0 || req_page(req, resp, &limit, &after) < 0)
		return 0;
	if (order_list(req->db, customer, after, limit, &items, &last, &err) < 0)
		return reply_kf(resp, &err);
	return reply_page(resp, items, limit, last);
}

/*
 * The return window of an order as a customer's return would see it (the
 * default window from the last delivery): {open, deadline_at, days}, with
 * deadline_at null while nothing is delivered.
 */
static json_t *return_window_json(const json_t *order, int64_t now)
{
	const json_t *s;
	size_t i;
	int64_t delivered = 0, deadline = 0;
	json_array_foreach(json_object_get(order, "shipments"), i, s)
	{
		int64_t at = json_integer_value(json_object_get(s, "delivered_at"));
		if (at > delivered)
			delivered = at;
	}
	int open = return_rules_window_open(delivered, -1, now, &deadline);
	return json_pack("{s:b,s:o,s:i}", "open", open, "deadline_at",
	                 deadline ? json_integer(deadline) : json_null(), "days", RETURN_WINDOW_DEFAULT_DAYS);
}

int api_portal_order(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *j = NULL;
	int64_t customer, id, version;
	if (customer_of(req, resp, &customer) < 0 || req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (my_order(req, customer, id, NULL, &err) < 0 || order_get_json(req->db, id, &j, &version, &err) < 0)
		return reply_kf(resp, &err);
	json_object_set_new(j, "return_window", return_window_json(j, req->now));
	return reply_json(resp, 200, j);
}

int api_portal_tickets(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket_filter f;
	json_t *items = NULL, *out, *it;
	int64_t customer, cursor[3];
	size_t i;
	if (customer_of(req, resp, &customer) < 0)
		return 0;
	memset(&f, 0, sizeof(f));
	f.customer_id = customer;
	f.sort = TICKET_SORT_UPDATED;
	if (ticket_list(req->db, &f, PORTAL_LIST_MAX, &items, cursor, &err) < 0)
		return reply_kf(resp, &err);
	out = json_array();
	json_array_foreach(items, i, it)
	{
		static const char *const keep[] = { "id",         "number",     "type",
			                            "state",      "subject",    "order_id",
			                            "created_at", "updated_at", NULL };
		if (!internal_type(json_string_value(json_object_get(it, "type"))))
			json_array_append_new(out, json_pick(it, keep));
	}
	json_decref(items);
	return reply_json(resp, 200, json_pack("{s:o,s:n}", "items", out, "next_cursor"));
}

/* The customer's view: the ticket, its public conversation, files, and its process. */
int api_portal_ticket(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	json_t *msgs = NULL, *files = NULL, *pub, *m, *out;
	int64_t customer, last = 0;
	size_t i;
	if (customer_of(req, resp, &customer) < 0 || my_ticket(req, resp, customer, &t) < 0)
		return 0;
	if (message_list(req->db, t.id, 0, KF_MAX_PAGE_SIZE, &msgs, &last, &err) < 0 ||
	    attachment_list(req->db, t.id, &files, &err) < 0) {
		json_decref(msgs);
		return reply_kf(resp, &err);
	}
	pub = json_array();
	json_array_foreach(msgs, i, m)
	{
		if (json_is_true(json_object_get(m, "internal")))
			continue;
		json_t *author = json_object_get(m, "author");
		const char *kind = json_string_value(json_object_get(author, "kind"));
		json_array_append_new(pub,
		                      json_pack("{s:O,s:O,s:s,s:O}", "id", json_object_get(m, "id"), "body",
		                                json_object_get(m, "body"), "from",
		                                kind && strcmp(kind, "customer") == 0 ? "customer" : "service",
		                                "created_at", json_object_get(m, "created_at")));
	}
	json_decref(msgs);
	out = ticket_view(&t);
	json_object_set_new(out, "messages", pub);
	json_object_set_new(out, "attachments", files);
	if (strcmp(t.type, "complaint") == 0) {
		struct complaint c;
		if (complaint_get(req->db, t.id, &c, &err) == 0) {
			static const char *const keep[] = { "step",
				                            "solution",
				                            "compensation_minor",
				                            "currency",
				                            "customer_confirmation",
				                            "customer_confirmed_at",
				                            NULL };
			json_t *all = complaint_to_json(&c), *v = json_pick(all, keep);
			json_decref(all);
			json_object_set_new(v, "can_confirm", json_boolean(c.step == CS_IMPLEMENTATION));
			json_object_set_new(out, "complaint", v);
		}
	}
	if (strcmp(t.type, "return") == 0) {
		json_t *r = NULL;
		int64_t version;
		if (return_get(req->db, t.id, &r, &version, &err) == 0)
			json_object_set_new(out, "return", r);
	}
	return reply_json(resp, 200, out);
}

int api_portal_ticket_create(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "type", "subject", "body", "order_id", "language", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct ticket_new in;
	struct ticket t;
	struct actor a = api_actor(req);
	int64_t customer;
	memset(&in, 0, sizeof(in));
	if (customer_of(req, resp, &customer) < 0 || req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json, (const char *const[]){ "subject", "body", NULL }, &err);
	if (rc == 0)
		rc = json_get_str(req->json, "type", 0, 16, &in.type, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "subject", 1, TICKET_SUBJECT_MAX, &in.subject, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "body", 1, TICKET_BODY_MAX, &in.body, &err);
	if (rc >= 0)
		rc = json_get_int(req->json, "order_id", 0, 1, INT64_MAX, &in.order_id, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "language", 0, 2, &in.language, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	if (!in.type)
		in.type = "inquiry";
	int allowed = 0;
	for (const char *const *ty = open_types; *ty; ty++)
		allowed |= strcmp(*ty, in.type) == 0;
	if (!allowed)
		return reply_error(resp, 400, "invalid", "type",
		                   "type must be inquiry, complaint or suggestion");
	if (in.order_id && my_order(req, customer, in.order_id, "order_id", &err) < 0)
		return reply_kf(resp, &err);
	in.customer_id = customer;
	in.channel = "portal";
	if (ticket_create(req->db, &a, req->now, &in, &t, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 201, ticket_view(&t));
}

int api_portal_ticket_message(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "body", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	struct actor a = api_actor(req);
	json_t *msg = NULL;
	const char *body = NULL;
	int64_t customer;
	if (customer_of(req, resp, &customer) < 0 || my_ticket(req, resp, customer, &t) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_get_text(req->json, "body", 1, TICKET_BODY_MAX, &body, &err);
	if (rc >= 0)
		rc = message_add(req->db, &a, req->now, t.id, MESSAGE_CUSTOMER, body, TS_NONE, &t, &msg, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	json_decref(msg);
	return reply_json(resp, 201, ticket_view(&t));
}

int api_portal_ticket_attach(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	struct actor a = api_actor(req);
	json_t *out = NULL;
	int64_t customer;
	if (customer_of(req, resp, &customer) < 0 || my_ticket(req, resp, customer, &t) < 0)
		return 0;
	if (attachment_add(req->db, &a, req->now, t.id, req_query(req, "filename"),
	                   req_header(req, "Content-Type"), req->body ? req->body : "", req->body_len, &out,
	                   &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 201, out);
}

/* Download a file of one of my tickets. */
int api_portal_attachment(struct req *req, struct resp *resp)
{
	int64_t customer;
	if (customer_of(req, resp, &customer) < 0)
		return 0;
	return api_attachment_send(req, resp, customer);
}

/* The customer accepts or rejects the implemented solution of their complaint. */
int api_portal_ticket_confirm(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "accepted", "comment", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct complaint_patch p = COMPLAINT_PATCH_INIT;
	struct complaint c;
	struct ticket t;
	struct actor a = api_actor(req);
	const char *comment = NULL;
	int accepted = 0;
	int64_t customer;
	if (customer_of(req, resp, &customer) < 0 || my_ticket(req, resp, customer, &t) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_get_bool(req->json, "accepted", 1, &accepted, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "comment", 0, TICKET_BODY_MAX, &comment, &err);
	if (rc >= 0)
		rc = db_begin(req->db, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	p.customer_confirmation = accepted ? "accepted" : "rejected";
	rc = complaint_get(req->db, t.id, &c, &err);
	if (rc == 0)
		rc = complaint_change(req->db, &a, req->now, t.id, c.version, CS_NONE, &p, &c, &err);
	if (rc == 0 && comment && *comment) {
		json_t *msg = NULL;
		rc = message_add(req->db, &a, req->now, t.id, MESSAGE_CUSTOMER, comment, TS_NONE, &t, &msg,
		                 &err);
		json_decref(msg);
	}
	if (rc < 0) {
		db_rollback(req->db);
		return reply_kf(resp, &err);
	}
	if (db_commit(req->db, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200,
	                  json_pack("{s:I,s:s,s:I}", "ticket_id", (json_int_t)t.id, "customer_confirmation",
	                            c.customer_confirmation, "customer_confirmed_at",
	                            (json_int_t)c.customer_confirmed_at));
}

/*
 * The subject of a portal return ticket in the customer's language (zh
 * unless en), naming the order by its number as the customer knows it.
 */
static int return_subject(struct db *db, int64_t order_id, const char *language, char *dst, size_t cap,
                          struct kf_error *err)
{
	json_t *o = NULL;
	int64_t version;
	int rc = order_get_json(db, order_id, &o, &version, err);
	if (rc < 0)
		return rc;
	const char *number = json_string_value(json_object_get(o, "number"));
	if (language && strcmp(language, "en") == 0)
		snprintf(dst, cap, "Return request: order %s", number ? number : "");
	else
		snprintf(dst, cap, "退货申请：订单 %s", number ? number : "");
	json_decref(o);
	return 0;
}

/*
 * A return request: a return ticket on one of the customer's orders with
 * its authorisation, in one transaction.  The window and quantity rules
 * are the staff API's; a customer can never override the window.
 */
int api_portal_return_create(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "order_id", "reason", "action", "lines", "language", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct return_line_input lines[RETURN_LINES_MAX];
	struct return_input in = { 0, NULL, RA_NONE, lines, 0, NULL };
	struct ticket_new tn;
	struct ticket t;
	struct actor a = api_actor(req);
	const char *action = NULL, *language = NULL;
	json_t *ret = NULL, *out;
	int64_t customer;
	char subject[160];
	if (customer_of(req, resp, &customer) < 0 || req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json, (const char *const[]){ "order_id", "reason", "action", NULL },
		                  &err);
	if (rc == 0)
		rc = json_get_int(req->json, "order_id", 1, 1, INT64_MAX, &in.order_id, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "reason", 1, RETURN_TEXT_MAX, &in.reason, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "action", 1, 16, &action, &err);
	if (rc >= 0 && (in.action = return_rules_action_parse(action)) == RA_NONE)
		rc = kf_fail(&err, KF_EINVAL, "invalid", "action", "action must be refund, exchange or repair");
	if (rc >= 0)
		rc = json_get_str(req->json, "language", 0, 8, &language, &err);
	if (rc >= 0 && language && strcmp(language, "zh") != 0 && strcmp(language, "en") != 0)
		rc = kf_fail(&err, KF_EINVAL, "invalid", "language", "language must be zh or en");
	if (rc >= 0)
		rc = api_return_lines(json_object_get(req->json, "lines"), lines, &in.nlines, &err);
	if (rc >= 0)
		rc = my_order(req, customer, in.order_id, "order_id", &err);
	if (rc >= 0)
		rc = return_subject(req->db, in.order_id, language, subject, sizeof(subject), &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	memset(&tn, 0, sizeof(tn));
	tn.type = "return";
	tn.language = language;
	tn.subject = subject;
	tn.body = in.reason;
	tn.channel = "portal";
	tn.customer_id = customer;
	tn.order_id = in.order_id;
	rc = db_begin(req->db, &err);
	if (rc == 0)
		rc = ticket_create(req->db, &a, req->now, &tn, &t, &err);
	if (rc == 0)
		rc = return_create(req->db, &a, req->now, t.id, &in, 0, &ret, &err);
	if (rc < 0) {
		db_rollback(req->db);
		return reply_kf(resp, &err);
	}
	if (db_commit(req->db, &err) < 0) {
		json_decref(ret);
		return reply_kf(resp, &err);
	}
	out = ticket_view(&t);
	json_object_set_new(out, "return", ret);
	return reply_json(resp, 201, out);
}

/* Staff: a portal account for customer :id; a generated password is shown once. */
int api_customer_portal_account(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "login", "password", "display_name", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct customer c;
	struct actor a = api_actor(req);
	const char *login = NULL, *pw = NULL, *name = NULL;
	char generated[17] = "";
	json_t *out = NULL;
	int64_t id, account = 0;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_get_str(req->json, "login", 1, KF_MAX_NAME_BYTES, &login, &err);
	if (rc >= 0)
		rc = json_get_str(req->json, "password", 0, KF_MAX_PASSWORD_BYTES, &pw, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "display_name", 0, 128, &name, &err);
	if (rc >= 0)
		rc = customer_portal_linkable(req->db, id, &c, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	if (!pw) {
		password_generate(generated);
		pw = generated;
	}
	if (portal_account_create(req->db, &a, req->now, login, name ? name : c.name, pw, id, &account, &err) <
	            0 ||
	    portal_account_get(req->db, account, &out, &err) < 0)
		return reply_kf(resp, &err);
	if (generated[0])
		json_object_set_new(out, "password", json_string(generated));
	return reply_json(resp, 201, out);
}
