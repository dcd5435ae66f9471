/*
 * api_tickets.c - tickets: the inbox, create, read, change (If-Match),
 * transitions, replies, notes, customer messages, the event timeline and
 * queue counts.  The domain (desk/ticket.c, desk/message.c) writes the
 * events and calls the hooks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/rbac.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "crm/customer.h"
#include "desk/message.h"
#include "desk/followup.h"
#include "desk/ticket.h"
#include "http/api.h"
#include "http/api_tickets.h"

/* A decimal int64 >= 0 with nothing else; -1 if s is not one. */
static int64_t parse_num(const char *s, const char **end)
{
	int64_t v = 0;
	int digits = 0;
	while (*s >= '0' && *s <= '9' && digits < 18) {
		v = v * 10 + (*s++ - '0');
		digits++;
	}
	*end = s;
	return digits ? v : -1;
}

/* The list cursor: "k<a>.<b>.<c>" (prio, updated_at, id). */
static int parse_cursor(const char *c, struct ticket_filter *f)
{
	const char *p = c + 1;
	if (c[0] != 'k')
		return -1;
	for (int i = 0; i < 3; i++) {
		f->cursor[i] = parse_num(p, &p);
		if (f->cursor[i] < 0 || *p != (i < 2 ? '.' : '\0'))
			return -1;
		p++;
	}
	f->has_cursor = 1;
	return 0;
}

/* ?state=a,b: the bit set of states, or a 400 naming the bad one. */
static int parse_states(const char *s, unsigned *out, struct kf_error *err)
{
	char one[32];
	*out = 0;
	while (s && *s) {
		size_t n = strcspn(s, ",");
		snprintf(one, sizeof(one), "%.*s", (int)(n < sizeof(one) - 1 ? n : sizeof(one) - 1), s);
		enum ticket_state st = ticket_state_parse(one);
		if (st == TS_NONE)
			return kf_fail(err, KF_EINVAL, "invalid", "state", "unknown state '%s'", one);
		*out |= 1u << st;
		s += n + (s[n] == ',');
	}
	return 0;
}

/* An id query parameter (absent = 0). */
static int query_id(struct req *req, const char *name, int64_t *out, struct kf_error *err)
{
	const char *s = req_query(req, name), *end;
	*out = 0;
	if (!s)
		return 0;
	*out = parse_num(s, &end);
	if (*out <= 0 || *end)
		return kf_fail(err, KF_EINVAL, "invalid", name, "%s must be a positive id", name);
	return 0;
}

/* An optional instant in UTC seconds (created_from, created_to): 0 when absent. */
static int query_time(struct req *req, const char *name, int64_t *out, struct kf_error *err)
{
	const char *s = req_query(req, name), *end;
	*out = 0;
	if (!s || !*s)
		return 0;
	*out = parse_num(s, &end);
	if (*out <= 0 || *end)
		return kf_fail(err, KF_EINVAL, "invalid", name, "%s must be a time in UTC seconds", name);
	return 0;
}

/* merged=true|false: only merged tickets, or only those not merged into another (a report's drill-down). */
static int parse_merged(struct req *req, struct ticket_filter *f, struct kf_error *err)
{
	const char *m = req_query(req, "merged");
	if (!m)
		return 0;
	if (strcmp(m, "true") == 0)
		f->merged = TICKET_MERGED_ONLY;
	else if (strcmp(m, "false") == 0)
		f->merged = TICKET_MERGED_NO;
	else
		return kf_fail(err, KF_EINVAL, "invalid", "merged", "merged must be true or false");
	return 0;
}

/* The creation period [created_from, created_to) a report's drill-down carries. */
static int parse_created(struct req *req, struct ticket_filter *f, struct kf_error *err)
{
	int rc = query_time(req, "created_from", &f->created_from, err);
	if (rc == 0)
		rc = query_time(req, "created_to", &f->created_to, err);
	if (rc == 0 && f->created_from && f->created_to && f->created_to <= f->created_from)
		rc = kf_fail(err, KF_EINVAL, "invalid", "created_to", "created_to must be after created_from");
	return rc;
}

static int parse_assignee(struct req *req, struct ticket_filter *f, struct kf_error *err)
{
	const char *s = req_query(req, "assignee");
	if (s && strcmp(s, "me") == 0) {
		f->assignee_id = req->who.id;
		return 0;
	}
	if (s && strcmp(s, "none") == 0) {
		f->assignee_id = -1;
		return 0;
	}
	return query_id(req, "assignee", &f->assignee_id, err);
}

static int parse_sort(const char *s, enum ticket_sort *out, struct kf_error *err)
{
	*out = TICKET_SORT_UPDATED;
	if (!s || strcmp(s, "updated_at") == 0)
		return 0;
	if (strcmp(s, "created_at") == 0)
		*out = TICKET_SORT_CREATED;
	else if (strcmp(s, "priority") == 0)
		*out = TICKET_SORT_PRIORITY;
	else
		return kf_fail(err, KF_EINVAL, "invalid", "sort",
		               "sort must be updated_at, created_at or priority");
	return 0;
}

/* ?sla=breached,due_soon into f->sla (bits of enum ticket_sla_class). */
static int parse_sla_classes(const char *s, unsigned *out, struct kf_error *err)
{
	*out = 0;
	while (s && *s) {
		size_t n = strcspn(s, ",");
		if (n == 8 && strncmp(s, "breached", n) == 0)
			*out |= TICKET_SLA_BREACHED;
		else if (n == 8 && strncmp(s, "due_soon", n) == 0)
			*out |= TICKET_SLA_DUE_SOON;
		else
			return kf_fail(err, KF_EINVAL, "invalid", "sla",
			               "sla must be breached, due_soon or both");
		s += n + (s[n] == ',');
	}
	return 0;
}

#define SLA_SOON_DEFAULT_MIN 120 /* ?due_within= when absent */
#define SLA_SOON_MAX_MIN 43200 /* 30 days */

/*
 * The SLA filter: ?sla= and ?due_within= (minutes, due_soon's horizon).
 * The list is then ordered by the nearest due time, so another sort is
 * refused rather than silently ignored.
 */
static int parse_sla(struct req *req, struct ticket_filter *f, struct kf_error *err)
{
	const char *w = req_query(req, "due_within"), *sort = req_query(req, "sort"), *end = "";
	int rc = parse_sla_classes(req_query(req, "sla"), &f->sla, err);
	if (rc < 0 || !f->sla)
		return rc;
	int64_t min = SLA_SOON_DEFAULT_MIN;
	if (w) {
		min = parse_num(w, &end);
		if (min < 1 || min > SLA_SOON_MAX_MIN || *end)
			return kf_fail(err, KF_EINVAL, "range", "due_within",
			               "due_within must be between 1 and %d minutes", SLA_SOON_MAX_MIN);
	}
	if (sort && *sort && strcmp(sort, "due_at") != 0)
		return kf_fail(err, KF_EINVAL, "invalid", "sort",
		               "with sla the list is ordered by the nearest due time (sort=due_at)");
	f->now = req->now;
	f->soon_s = min * 60;
	return 0;
}

static int parse_filter(struct req *req, struct ticket_filter *f, int *limit, struct kf_error *err)
{
	const char *l = req_query(req, "limit"), *c = req_query(req, "cursor"), *end = "";
	*limit = KF_DEFAULT_PAGE_SIZE;
	if (l) {
		int64_t v = parse_num(l, &end);
		if (v < 1 || v > KF_MAX_PAGE_SIZE || *end)
			return kf_fail(err, KF_EINVAL, "range", "limit", "limit must be between 1 and %d",
			               KF_MAX_PAGE_SIZE);
		*limit = (int)v;
	}
	if (c && *c && parse_cursor(c, f) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "cursor", "cursor is not one this server issued");
	f->type = req_query(req, "type");
	f->priority = req_query(req, "priority");
	int rc = parse_states(req_query(req, "state"), &f->states, err);
	if (rc == 0)
		rc = parse_assignee(req, f, err);
	if (rc == 0)
		rc = query_id(req, "team", &f->team_id, err);
	if (rc == 0)
		rc = query_id(req, "customer_id", &f->customer_id, err);
	if (rc == 0)
		rc = query_id(req, "category_id", &f->category_id, err);
	if (rc == 0)
		rc = query_id(req, "complaint_category_id", &f->complaint_category_id, err);
	if (rc == 0)
		rc = parse_merged(req, f, err);
	if (rc == 0)
		rc = parse_created(req, f, err);
	if (rc == 0)
		rc = parse_sla(req, f, err);
	if (rc == 0 && !f->sla)
		rc = parse_sort(req_query(req, "sort"), &f->sort, err);
	return rc;
}

/*
 * "customer_name" on each item that has a customer: a primary-key read
 * per item (at most a page, KF_MAX_PAGE_SIZE), rendered by
 * customer_profile_json so the list shows the name exactly as the
 * customer page does, masked or not by the same rule for callers without
 * pii.read.  A customer that is gone leaves the item without the name.
 */
static int add_customer_names(struct req *req, json_t *items, struct kf_error *err)
{
	struct customer *c = xcalloc(1, sizeof(*c));
	int mask = !rbac_allows((enum role)req->who.role, PERM_PII_READ), rc = 0;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		int64_t id = json_integer_value(json_object_get(it, "customer_id"));
		if (!id)
			continue;
		rc = customer_get(req->db, id, c, err);
		if (rc == KF_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		json_t *p = customer_profile_json(c, mask);
		json_object_set(it, "customer_name", json_object_get(p, "name"));
		json_decref(p);
	}
	free(c);
	return rc;
}

int api_tickets_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket_filter f;
	int64_t last[3] = { 0, 0, 0 };
	json_t *items = NULL;
	int limit;
	memset(&f, 0, sizeof(f));
	if (parse_filter(req, &f, &limit, &err) < 0 || ticket_list(req->db, &f, limit, &items, last, &err) < 0)
		return reply_kf(resp, &err);
	if (add_customer_names(req, items, &err) < 0) {
		json_decref(items);
		return reply_kf(resp, &err);
	}
	json_t *next = json_null();
	if (json_array_size(items) == (size_t)limit) {
		char cur[80];
		snprintf(cur, sizeof(cur), "k%lld.%lld.%lld", (long long)last[0], (long long)last[1],
		         (long long)last[2]);
		json_decref(next);
		next = json_string(cur);
	}
	return reply_json(resp, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", next));
}

/* An optional id field: 1 and *out set when present; 0 absent; 0 in JSON clears (out = 0). */
static int get_id(json_t *obj, const char *key, int64_t *out, struct kf_error *err)
{
	return json_get_int(obj, key, 0, 0, INT64_MAX, out, err);
}

static int read_new(json_t *obj, struct ticket_new *in, struct kf_error *err)
{
	static const char *const keys[] = { "type",        "subject",     "priority",    "channel",
		                            "language",    "category_id", "customer_id", "order_id",
		                            "shipment_id", "team_id",     "assignee_id", "body",
		                            NULL };
	int rc = json_only_keys(obj, keys, err);
	if (rc == 0)
		rc = json_require(obj, (const char *const[]){ "type", "subject", NULL }, err);
	if (rc == 0)
		rc = json_get_str(obj, "type", 1, 16, &in->type, err);
	if (rc >= 0)
		rc = json_get_text(obj, "subject", 1, TICKET_SUBJECT_MAX, &in->subject, err);
	if (rc >= 0)
		rc = json_get_str(obj, "priority", 0, 8, &in->priority, err);
	if (rc >= 0)
		rc = json_get_str(obj, "channel", 0, 12, &in->channel, err);
	if (rc >= 0)
		rc = json_get_str(obj, "language", 0, 4, &in->language, err);
	if (rc >= 0)
		rc = json_get_text(obj, "body", 0, TICKET_BODY_MAX, &in->body, err);
	if (rc >= 0)
		rc = get_id(obj, "category_id", &in->category_id, err);
	if (rc >= 0)
		rc = get_id(obj, "customer_id", &in->customer_id, err);
	if (rc >= 0)
		rc = get_id(obj, "order_id", &in->order_id, err);
	if (rc >= 0)
		rc = get_id(obj, "shipment_id", &in->shipment_id, err);
	if (rc >= 0)
		rc = get_id(obj, "team_id", &in->team_id, err);
	if (rc >= 0)
		rc = get_id(obj, "assignee_id", &in->assignee_id, err);
	return rc < 0 ? rc : 0;
}

/* The caller's id when they lack ticket.manage (may assign only themselves), else 0. */
static int64_t own_only(const struct req *req)
{
	return rbac_allows((enum role)req->who.role, PERM_TICKET_MANAGE) ? 0 : req->who.id;
}

static int reply_ticket(struct resp *resp, int status, const struct ticket *t)
{
	reply_etag(resp, t->version);
	return reply_json(resp, status, ticket_to_json(t));
}

int api_tickets_create(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket_new in;
	struct ticket t;
	struct actor a = api_actor(req);
	memset(&in, 0, sizeof(in));
	if (req_json(req, resp) < 0)
		return 0;
	in.own_only = own_only(req);
	if (read_new(req->json, &in, &err) < 0 || ticket_create(req->db, &a, req->now, &in, &t, &err) < 0)
		return reply_kf(resp, &err);
	return reply_ticket(resp, 201, &t);
}

int api_tickets_counts(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *out = NULL;
	if (ticket_counts(req->db, req->who.id, &out, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, out);
}

int api_tickets_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	json_t *fus = NULL;
	if (ticket_get(req->db, id, &t, &err) < 0 || followup_of_ticket(req->db, id, &fus, &err) < 0)
		return reply_kf(resp, &err);
	json_t *j = ticket_to_json(&t);
	json_object_set_new(j, "follow_ups", fus);
	reply_etag(resp, t.version);
	return reply_json(resp, 200, j);
}

/* A patch id: absent keeps (-1); null or 0 clears (0). */
static int patch_id(json_t *obj, const char *key, int64_t *out, struct kf_error *err)
{
	json_t *v = json_object_get(obj, key);
	if (v && json_is_null(v)) {
		*out = 0;
		return 1;
	}
	return get_id(obj, key, out, err);
}

static int read_patch(json_t *obj, struct ticket_patch *p, struct kf_error *err)
{
	static const char *const keys[] = { "subject",     "priority", "type",        "category_id",
		                            "customer_id", "order_id", "shipment_id", "team_id",
		                            "assignee_id", NULL };
	int rc = json_only_keys(obj, keys, err);
	if (rc == 0)
		rc = json_get_text(obj, "subject", 0, TICKET_SUBJECT_MAX, &p->subject, err);
	if (rc >= 0)
		rc = json_get_str(obj, "priority", 0, 8, &p->priority, err);
	if (rc >= 0)
		rc = json_get_str(obj, "type", 0, 16, &p->type, err);
	if (rc >= 0)
		rc = patch_id(obj, "category_id", &p->category_id, err);
	if (rc >= 0)
		rc = patch_id(obj, "customer_id", &p->customer_id, err);
	if (rc >= 0)
		rc = patch_id(obj, "order_id", &p->order_id, err);
	if (rc >= 0)
		rc = patch_id(obj, "shipment_id", &p->shipment_id, err);
	if (rc >= 0)
		rc = patch_id(obj, "team_id", &p->team_id, err);
	if (rc >= 0)
		rc = patch_id(obj, "assignee_id", &p->assignee_id, err);
	return rc < 0 ? rc : 0;
}

int api_tickets_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket_patch p = TICKET_PATCH_INIT;
	struct ticket t;
	struct actor a = api_actor(req);
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	p.own_only = own_only(req);
	if (read_patch(req->json, &p, &err) < 0 ||
	    ticket_update(req->db, &a, req->now, id, version, &p, &t, &err) < 0)
		return reply_kf(resp, &err);
	return reply_ticket(resp, 200, &t);
}

/*
 * The 409 of an illegal transition: the usual error shape plus
 * "allowed", the states this ticket may move to.
 */
static int reply_transition_error(struct resp *resp, const struct kf_error *err, const struct ticket *t)
{
	enum ticket_state targets[TS_COUNT];
	if (strcmp(err->key, "illegal_transition") != 0)
		return reply_kf(resp, err);
	size_t n = ticket_state_targets(t->state, targets);
	json_t *allowed = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(allowed, json_string(ticket_state_name(targets[i])));
	return reply_json(resp, 409,
	                  json_pack("{s:{s:s,s:s,s:s,s:s,s:o}}", "error", "code", err->key, "message",
	                            err->message, "field", err->field, "current", ticket_state_name(t->state),
	                            "allowed", allowed));
}

/* "state" of a body: TS_NONE when absent; KF_EINVAL when unknown. */
static int get_state(json_t *obj, int required, enum ticket_state *out, struct kf_error *err)
{
	const char *s = NULL;
	*out = TS_NONE;
	int rc = json_get_str(obj, "state", required, 32, &s, err);
	if (rc <= 0)
		return rc;
	*out = ticket_state_parse(s);
	if (*out == TS_NONE)
		return kf_fail(
		        err, KF_EINVAL, "invalid", "state",
		        "state must be new, open, pending_customer, pending_internal, resolved or closed");
	return 1;
}

int api_tickets_transition(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "state", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	struct actor a = api_actor(req);
	enum ticket_state to;
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (json_only_keys(req->json, keys, &err) < 0 || get_state(req->json, 1, &to, &err) < 0)
		return reply_kf(resp, &err);
	if (ticket_transition(req->db, &a, req->now, id, version, to, &t, &err) < 0)
		return reply_transition_error(resp, &err, &t);
	return reply_ticket(resp, 200, &t);
}

#define REPLY_FILES_MAX 20 /* attachments one reply may send */

/* "attachments": ids of files uploaded to the ticket that a reply sends (optional, at most REPLY_FILES_MAX). */
static int get_files(json_t *body, int64_t *files, int *n, struct kf_error *err)
{
	json_t *arr = json_object_get(body, "attachments"), *v;
	size_t i;
	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > REPLY_FILES_MAX)
		return kf_fail(err, KF_EINVAL, "invalid", "attachments",
		               "attachments: a list of at most %d ids", REPLY_FILES_MAX);
	json_array_foreach(arr, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return kf_fail(err, KF_EINVAL, "invalid", "attachments",
			               "attachments: ids of the ticket's files");
		files[(*n)++] = (int64_t)json_integer_value(v);
	}
	return 0;
}

/* POST a message of kind: {"body": ..., "state": optional, "attachments": optional (replies)}. */
static int post_message(struct req *req, struct resp *resp, enum message_kind kind)
{
	static const char *const keys[] = { "body", "state", NULL };
	static const char *const reply_keys[] = { "body", "state", "attachments", NULL };
	static const char *const body_only[] = { "body", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	struct actor a = api_actor(req);
	enum ticket_state to = TS_NONE;
	const char *body = NULL;
	json_t *msg = NULL;
	int64_t id, files[REPLY_FILES_MAX];
	int nfiles = 0;
	if (req_param_id(req, resp, "id", &id) < 0 || req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json,
	                        kind == MESSAGE_CUSTOMER         ? body_only
	                                : kind == MESSAGE_PUBLIC ? reply_keys
	                                                         : keys,
	                        &err);
	if (rc == 0)
		rc = json_get_text(req->json, "body", 1, TICKET_BODY_MAX, &body, &err);
	if (rc >= 0)
		rc = get_state(req->json, 0, &to, &err);
	if (rc >= 0)
		rc = get_files(req->json, files, &nfiles, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	memset(&t, 0, sizeof(t));
	if (message_add_files(req->db, &a, req->now, id, kind, body, to, files, nfiles, &t, &msg, &err) < 0)
		return reply_transition_error(resp, &err, &t);
	reply_etag(resp, t.version);
	return reply_json(resp, 201, json_pack("{s:o,s:o}", "message", msg, "ticket", ticket_to_json(&t)));
}

int api_tickets_reply(struct req *req, struct resp *resp)
{
	return post_message(req, resp, MESSAGE_PUBLIC);
}

int api_tickets_note(struct req *req, struct resp *resp)
{
	return post_message(req, resp, MESSAGE_NOTE);
}

int api_tickets_customer_message(struct req *req, struct resp *resp)
{
	return post_message(req, resp, MESSAGE_CUSTOMER);
}

typedef int (*page_fn)(struct db *db, int64_t id, int64_t after, int limit, json_t **items, int64_t *last,
                       struct kf_error *err);

/* A page of a ticket's sub-list (messages, events), 404 for a missing ticket. */
static int sub_page(struct req *req, struct resp *resp, page_fn fn)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	json_t *items = NULL;
	int64_t id, after, last;
	int limit;
	if (req_param_id(req, resp, "id", &id) < 0 || req_page(req, resp, &limit, &after) < 0)
		return 0;
	if (ticket_get(req->db, id, &t, &err) < 0 || fn(req->db, id, after, limit, &items, &last, &err) < 0)
		return reply_kf(resp, &err);
	return reply_page(resp, items, limit, last);
}

int api_tickets_messages(struct req *req, struct resp *resp)
{
	return sub_page(req, resp, message_list);
}

int api_tickets_events(struct req *req, struct resp *resp)
{
	return sub_page(req, resp, ticket_events);
}
