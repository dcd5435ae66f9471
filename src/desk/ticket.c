/*
 * ticket.c - see ticket.h.  One statement writes every mutable column, so
 * each kind of change (PATCH, transition, a reply's side effects, merge)
 * is "load, change the struct, ticket_write", and the version check lives
 * in one place.
 */
#include "desk/ticket.h"

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "crm/timeline.h"
#include "store/search.h"
#include "desk/process_hooks.h"
#include "desk/lang_detect.h"
#include "desk/ticket_refs.h"
#include "events/outbox.h"
#include "store/db.h"

/* The ticket row: column constants and SELECT list from one list (store/db.h). */
/* clang-format off */
#define TICKET_COLS(F, X) \
	F(TC_ID, "id") \
	X(TC_TYPE, "type") \
	X(TC_STATE, "state") \
	X(TC_PRIORITY, "priority") \
	X(TC_CATEGORY_ID, "category_id") \
	X(TC_CHANNEL, "channel") \
	X(TC_SUBJECT, "subject") \
	X(TC_CUSTOMER_ID, "customer_id") \
	X(TC_ORDER_ID, "order_id") \
	X(TC_SHIPMENT_ID, "shipment_id") \
	X(TC_TEAM_ID, "team_id") \
	X(TC_ASSIGNEE_ID, "assignee_id") \
	X(TC_LANGUAGE, "language") \
	X(TC_CREATED_BY_KIND, "created_by_kind") \
	X(TC_CREATED_BY_ID, "created_by_id") \
	X(TC_CREATED_AT, "created_at") \
	X(TC_UPDATED_AT, "updated_at") \
	X(TC_FIRST_RESPONSE_AT, "first_response_at") \
	X(TC_RESOLVED_AT, "resolved_at") \
	X(TC_CLOSED_AT, "closed_at") \
	X(TC_MERGED_INTO_ID, "merged_into_id") \
	X(TC_VERSION, "version")
/* clang-format on */
DB_COLS_ENUM(TICKET_COLS, TC_NCOLS);
#define TICKET_COLUMNS DB_COLS_SQL(TICKET_COLS)
/* The SLA list adds the nearest due and warn times after the ticket row. */
enum { TC_SLA_DUE = TC_NCOLS, TC_SLA_WARN };

static struct db_sql q_insert = DB_SQL(
        "INSERT INTO tickets (type, state, priority, prio, category_id, channel, subject, customer_id,"
        " order_id, shipment_id, team_id, assignee_id, language, created_by_kind, created_by_id,"
        " created_at, updated_at) VALUES ($1, 'new', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
        " $13, $14, $15, $15) RETURNING id");
static struct db_sql q_get = DB_SQL("SELECT " TICKET_COLUMNS " FROM tickets WHERE id = $1");
static struct db_sql q_write = DB_SQL(
        "UPDATE tickets SET type = $3, state = $4, priority = $5, prio = $6, category_id = $7,"
        " subject = $8, customer_id = $9, order_id = $10, shipment_id = $11, team_id = $12,"
        " assignee_id = $13, updated_at = $14, first_response_at = $15, resolved_at = $16,"
        " closed_at = $17, merged_into_id = $18, version = version + 1 WHERE id = $1 AND version = $2");
static struct db_sql q_category = DB_SQL("SELECT id FROM categories WHERE id = $1");
static struct db_sql q_count = DB_SQL(
        "INSERT INTO ticket_counts (scope, key, state, n) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (scope, key, state) DO UPDATE SET n = ticket_counts.n + excluded.n");
/* clang-format off */
#define COUNT_COLS(F, X) \
	F(CC_SCOPE, "scope") \
	X(CC_KEY, "key") \
	X(CC_STATE, "state") \
	X(CC_N, "n")
/* clang-format on */
DB_COLS_ENUM(COUNT_COLS, CC_NCOLS);
static struct db_sql q_counts = DB_SQL(
        "SELECT " DB_COLS_SQL(COUNT_COLS) " FROM ticket_counts"
                                          " WHERE scope IN ('all', 'team')"
                                          " OR (scope = 'assignee' AND (key = 0 OR key = $1))");
static struct db_sql q_event = DB_SQL(
        "INSERT INTO ticket_events (ticket_id, at, actor_kind, actor_id, actor_name, action, before_json,"
        " after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
/* clang-format off */
#define EVENT_COLS(F, X) \
	F(EC_ID, "id") \
	X(EC_AT, "at") \
	X(EC_ACTOR_KIND, "actor_kind") \
	X(EC_ACTOR_ID, "actor_id") \
	X(EC_ACTOR_NAME, "actor_name") \
	X(EC_ACTION, "action") \
	X(EC_BEFORE, "before_json") \
	X(EC_AFTER, "after_json")
/* clang-format on */
DB_COLS_ENUM(EVENT_COLS, EC_NCOLS);
static struct db_sql q_events = DB_SQL(
        "SELECT " DB_COLS_SQL(EVENT_COLS) " FROM ticket_events"
                                          " WHERE ticket_id = $1 AND id > $2 ORDER BY id LIMIT $3");

/*
 * The inbox.  $1..$6 the wanted states (all six when unfiltered), then
 * optional filters; the keyset condition and order differ per sort.  The
 * assignee and team views have their own statements with a plain
 * equality so the (assignee_id|team_id, state, updated_at) indexes serve them.
 */
#define LIST_HEAD "SELECT " TICKET_COLUMNS " FROM tickets WHERE state IN ($1, $2, $3, $4, $5, $6)"
#define LIST_COMMON \
	" AND (CAST($7 AS TEXT) IS NULL OR type = $7) AND (CAST($9 AS BIGINT) = 0 OR assignee_id IS NULL)" \
	" AND (CAST($11 AS BIGINT) IS NULL OR customer_id = $11)" \
	" AND (CAST($12 AS TEXT) IS NULL OR priority = $12) AND (CAST($13 AS BIGINT) IS NULL OR category_id = $13)" \
	" AND created_at >= $14 AND created_at < $15" \
	" AND (CAST($16 AS BIGINT) = 0 OR (CAST($16 AS BIGINT) = 1 AND merged_into_id IS NULL)" \
	" OR (CAST($16 AS BIGINT) = 2 AND merged_into_id IS NOT NULL))" \
	" AND (CAST($17 AS BIGINT) IS NULL OR COALESCE((SELECT k.category_id FROM complaints k" \
	" WHERE k.ticket_id = tickets.id), tickets.category_id) = $17)"
#define ANY_ASSIGNEE " AND (CAST($8 AS BIGINT) IS NULL OR assignee_id = $8)"
#define ANY_TEAM " AND (CAST($10 AS BIGINT) IS NULL OR team_id = $10)"
#define BY_UPDATED \
	" AND (updated_at < $18 OR (updated_at = $18 AND id < $19)) ORDER BY updated_at DESC, id DESC LIMIT $20"
static struct db_sql q_list_updated = DB_SQL(LIST_HEAD LIST_COMMON ANY_ASSIGNEE ANY_TEAM BY_UPDATED);
static struct db_sql q_list_assignee = DB_SQL(LIST_HEAD LIST_COMMON
                                              " AND assignee_id = $8" ANY_TEAM BY_UPDATED);
static struct db_sql q_list_team = DB_SQL(LIST_HEAD LIST_COMMON ANY_ASSIGNEE " AND team_id = $10" BY_UPDATED);
static struct db_sql q_list_created = DB_SQL(LIST_HEAD LIST_COMMON ANY_ASSIGNEE ANY_TEAM
                                             " AND id < $18 ORDER BY id DESC LIMIT $19");
static struct db_sql q_list_priority = DB_SQL(
        LIST_HEAD LIST_COMMON ANY_ASSIGNEE ANY_TEAM
        " AND (prio < $18 OR (prio = $18 AND (updated_at < $19 OR (updated_at = $19 AND id < $20))))"
        " ORDER BY prio DESC, updated_at DESC, id DESC LIMIT $21");

static const char *const types[] = { "inquiry",    "complaint", "return", "claim",
	                             "suggestion", "follow_up", "care",   NULL };
static const char *const priorities[] = { "low", "normal", "high", "urgent", NULL };
static const char *const channels[] = { "portal", "web_form", "email",  "phone", "chat",
	                                "social", "api",      "system", NULL };

/* Index of s in the NULL-terminated list, or -1. */
static int one_of(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

void ticket_number(int64_t id, char *buf, size_t n)
{
	snprintf(buf, n, "#%06lld", (long long)id);
}

static struct db_arg id_or_null(int64_t v)
{
	return v > 0 ? db_int(v) : db_null();
}

static json_t *id_json(int64_t v)
{
	return v > 0 ? json_integer(v) : json_null();
}

json_t *ticket_to_json(const struct ticket *t)
{
	char num[24];
	ticket_number(t->id, num, sizeof(num));
	json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I}", "id", (json_int_t)t->id,
	                      "number", num, "type", t->type, "state", ticket_state_name(t->state),
	                      "priority", t->priority, "channel", t->channel, "subject", t->subject,
	                      "language", t->language, "created_by_kind", t->created_by_kind, "created_by_id",
	                      (json_int_t)t->created_by_id, "created_at", (json_int_t)t->created_at,
	                      "updated_at", (json_int_t)t->updated_at, "version", (json_int_t)t->version);
	json_object_set_new(j, "category_id", id_json(t->category_id));
	json_object_set_new(j, "customer_id", id_json(t->customer_id));
	json_object_set_new(j, "order_id", id_json(t->order_id));
	json_object_set_new(j, "shipment_id", id_json(t->shipment_id));
	json_object_set_new(j, "team_id", id_json(t->team_id));
	json_object_set_new(j, "assignee_id", id_json(t->assignee_id));
	json_object_set_new(j, "first_response_at", id_json(t->first_response_at));
	json_object_set_new(j, "resolved_at", id_json(t->resolved_at));
	json_object_set_new(j, "closed_at", id_json(t->closed_at));
	json_object_set_new(j, "merged_into_id", id_json(t->merged_into_id));
	return j;
}

int ticket_emit(struct db *db, const struct actor *a, int64_t now, const char *type, const struct ticket *t,
                json_t *extra, struct kf_error *err)
{
	char num[24];
	ticket_number(t->id, num, sizeof(num));
	json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "number", num, "ticket_type", t->type, "state",
	                      ticket_state_name(t->state), "priority", t->priority, "channel", t->channel,
	                      "subject", t->subject);
	json_object_set_new(p, "customer_id", id_json(t->customer_id));
	json_object_set_new(p, "team_id", id_json(t->team_id));
	json_object_set_new(p, "assignee_id", id_json(t->assignee_id));
	if (extra)
		json_object_update(p, extra);
	struct event ev = {
		.type = type, .entity = "ticket", .entity_id = t->id, .payload = p, .created_at_ms = now * 1000
	};
	int rc = outbox_append(db, &ev, a, err);
	json_decref(p);
	return rc;
}

static void ticket_from_row(struct db_rows *r, struct ticket *t)
{
	t->id = db_col_int(r, TC_ID);
	copy(t->type, sizeof(t->type), db_col_text(r, TC_TYPE));
	t->state = ticket_state_parse(db_col_text(r, TC_STATE));
	copy(t->priority, sizeof(t->priority), db_col_text(r, TC_PRIORITY));
	t->category_id = db_col_int(r, TC_CATEGORY_ID);
	copy(t->channel, sizeof(t->channel), db_col_text(r, TC_CHANNEL));
	copy(t->subject, sizeof(t->subject), db_col_text(r, TC_SUBJECT));
	t->customer_id = db_col_int(r, TC_CUSTOMER_ID);
	t->order_id = db_col_int(r, TC_ORDER_ID);
	t->shipment_id = db_col_int(r, TC_SHIPMENT_ID);
	t->team_id = db_col_int(r, TC_TEAM_ID);
	t->assignee_id = db_col_int(r, TC_ASSIGNEE_ID);
	copy(t->language, sizeof(t->language), db_col_text(r, TC_LANGUAGE));
	copy(t->created_by_kind, sizeof(t->created_by_kind), db_col_text(r, TC_CREATED_BY_KIND));
	t->created_by_id = db_col_int(r, TC_CREATED_BY_ID);
	t->created_at = db_col_int(r, TC_CREATED_AT);
	t->updated_at = db_col_int(r, TC_UPDATED_AT);
	t->first_response_at = db_col_int(r, TC_FIRST_RESPONSE_AT);
	t->resolved_at = db_col_int(r, TC_RESOLVED_AT);
	t->closed_at = db_col_int(r, TC_CLOSED_AT);
	t->merged_into_id = db_col_int(r, TC_MERGED_INTO_ID);
	t->version = db_col_int(r, TC_VERSION);
}

int ticket_get(struct db *db, int64_t id, struct ticket *out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_get, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		ticket_from_row(r, out);
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "ticket", "no such ticket");
	return rc < 0 ? rc : 0;
}

int ticket_event_add(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, const char *action,
                     json_t *before, json_t *after, struct kf_error *err)
{
	char *jb = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *ja = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = db_exec(db, &q_event,
	                 DB_ARGS(db_int(ticket_id), db_int(now), db_text(a->kind), db_int(a->id),
	                         db_text(a->name ? a->name : ""), db_text(action), db_text(jb), db_text(ja)),
	                 err);
	free(jb);
	free(ja);
	return rc < 0 ? rc : 0;
}

static json_t *parse_or_null(const char *s)
{
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;
	return j ? j : json_null();
}

int ticket_events(struct db *db, int64_t id, int64_t after_id, int limit, json_t **items, int64_t *last_id,
                  struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	*last_id = 0;
	int rc = db_query(db, &q_events, DB_ARGS(db_int(id), db_int(after_id), db_int(limit)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last_id = db_col_int(r, EC_ID);
		json_array_append_new(
		        *items,
		        json_pack("{s:I,s:I,s:{s:s,s:I,s:s},s:s,s:o,s:o}", "id", (json_int_t)*last_id, "at",
		                  (json_int_t)db_col_int(r, EC_AT), "actor", "kind",
		                  db_col_text(r, EC_ACTOR_KIND), "id", (json_int_t)db_col_int(r, EC_ACTOR_ID),
		                  "name", db_col_text(r, EC_ACTOR_NAME), "action", db_col_text(r, EC_ACTION),
		                  "before", parse_or_null(db_col_text(r, EC_BEFORE)), "after",
		                  parse_or_null(db_col_text(r, EC_AFTER))));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

static int count_one(struct db *db, const char *scope, int64_t key, const char *state, int delta,
                     struct kf_error *err)
{
	int rc = db_exec(db, &q_count, DB_ARGS(db_text(scope), db_int(key), db_text(state), db_int(delta)),
	                 err);
	return rc < 0 ? rc : 0;
}

int ticket_count(struct db *db, const struct ticket *t, int delta, struct kf_error *err)
{
	const char *st = ticket_state_name(t->state);
	int rc = count_one(db, "all", 0, st, delta, err);
	if (rc == 0)
		rc = count_one(db, "team", t->team_id, st, delta, err);
	if (rc == 0)
		rc = count_one(db, "assignee", t->assignee_id, st, delta, err);
	return rc;
}

/* {state: 0, ...} for every state. */
static json_t *zero_counts(void)
{
	json_t *j = json_object();
	for (int s = 0; s < TS_COUNT; s++)
		json_object_set_new(j, ticket_state_name((enum ticket_state)s), json_integer(0));
	return j;
}

/* The object of one counts row: all, mine, unassigned, or teams["id"]. */
static json_t *counts_slot(json_t *out, const char *scope, int64_t key, int64_t me)
{
	char k[24];
	if (strcmp(scope, "all") == 0)
		return json_object_get(out, "all");
	if (strcmp(scope, "assignee") == 0)
		return json_object_get(out, key == 0 ? "unassigned" : "mine");
	if (key == 0)
		return json_object_get(out, "no_team");
	(void)me;
	snprintf(k, sizeof(k), "%lld", (long long)key);
	json_t *teams = json_object_get(out, "teams");
	if (!json_object_get(teams, k))
		json_object_set_new(teams, k, zero_counts());
	return json_object_get(teams, k);
}

int ticket_counts(struct db *db, int64_t me, json_t **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*out = json_pack("{s:o,s:o,s:o,s:o,s:o}", "all", zero_counts(), "mine", zero_counts(), "unassigned",
	                 zero_counts(), "no_team", zero_counts(), "teams", json_object());
	int rc = db_query(db, &q_counts, DB_ARGS(db_int(me)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		int64_t key = db_col_int(r, CC_KEY);
		if (strcmp(db_col_text(r, CC_SCOPE), "assignee") == 0 && key != 0 && key != me)
			continue;
		json_t *slot = counts_slot(*out, db_col_text(r, CC_SCOPE), key, me);
		json_object_set_new(slot, db_col_text(r, CC_STATE), json_integer(db_col_int(r, CC_N)));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc < 0 ? rc : 0;
}

static struct db_sql q_lock = DB_SQL("SELECT id FROM tickets WHERE id = $1 FOR UPDATE");

int ticket_lock(struct db *db, int64_t id, struct kf_error *err)
{
	int64_t got;
	int rc = db_query_int(db, &q_lock, DB_ARGS(db_int(id)), &got, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "ticket", "no such ticket");
	return rc;
}

int ticket_write(struct db *db, struct ticket *t, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_write,
	                 DB_ARGS(db_int(t->id), db_int(t->version), db_text(t->type),
	                         db_text(ticket_state_name(t->state)), db_text(t->priority),
	                         db_int(one_of(priorities, t->priority)), id_or_null(t->category_id),
	                         db_text(t->subject), id_or_null(t->customer_id), id_or_null(t->order_id),
	                         id_or_null(t->shipment_id), id_or_null(t->team_id), id_or_null(t->assignee_id),
	                         db_int(now), id_or_null(t->first_response_at), id_or_null(t->resolved_at),
	                         id_or_null(t->closed_at), id_or_null(t->merged_into_id)),
	                 err);
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", NULL,
		               "the ticket was changed by someone else; reload and try again");
	if (rc < 0)
		return rc;
	t->version++;
	t->updated_at = now;
	return 0;
}

static int check_category(struct db *db, int64_t id, struct kf_error *err)
{
	int64_t got;
	if (id <= 0)
		return 0;
	int rc = db_query_int(db, &q_category, DB_ARGS(db_int(id)), &got, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_EINVAL, "invalid", "category_id", "no such category");
	return rc;
}

static int check_new(const struct ticket_new *in, struct kf_error *err)
{
	size_t n = textlen_chars(in->subject);
	if (one_of(types, in->type) < 0)
		return kf_fail(
		        err, KF_EINVAL, "invalid", "type",
		        "type must be one of inquiry, complaint, return, claim, suggestion, follow_up, care");
	if (n == 0 || n > TICKET_SUBJECT_MAX)
		return kf_fail(err, KF_EINVAL, n ? "too_long" : "required", "subject",
		               "subject must be 1 to %d characters", TICKET_SUBJECT_MAX);
	if (in->priority && one_of(priorities, in->priority) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "priority",
		               "priority must be low, normal, high or urgent");
	if (in->channel && one_of(channels, in->channel) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "channel",
		               "channel must be portal, web_form, email, phone, chat, social, api or system");
	if (in->language && strcmp(in->language, "zh") != 0 && strcmp(in->language, "en") != 0)
		return kf_fail(err, KF_EINVAL, "invalid", "language", "language must be zh or en");
	if (textlen_chars(in->body) > TICKET_BODY_MAX)
		return kf_fail(err, KF_ETOOBIG, "too_long", "body",
		               "a message may have at most %d characters", TICKET_BODY_MAX);
	return 0;
}

static struct db_sql q_first_msg = DB_SQL(
        "INSERT INTO ticket_messages (ticket_id, kind, author_kind, author_id, author_name, body, created_at,"
        " logged_by_id, logged_by_name) VALUES ($1, 'customer', $2, $3, $4, $5, $6, $7, $8) RETURNING id");

/*
 * The first customer message that came with a new ticket.  Staff (or the
 * CLI) creating it logs the caller's words: the message is the customer's,
 * logged by them.  kefu's own jobs write it as the system.
 */
static int first_message(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *body,
                         struct kf_error *err)
{
	int system = strcmp(a->kind, "system") == 0;
	int logged = !system && strcmp(a->kind, "customer") != 0;
	const char *name = a->name ? a->name : "";
	int64_t mid = 0;
	int rc = db_query_int(db, &q_first_msg,
	                      DB_ARGS(db_int(id), db_text(system ? "system" : "customer"),
	                              db_int(logged || system ? 0 : a->id), db_text(logged ? "" : name),
	                              db_text(body), db_int(now), logged && a->id ? db_int(a->id) : db_null(),
	                              logged ? db_text(name) : db_null()),
	                      &mid, err);
	if (rc == 0) /* searchable as a message too, like every later one */
		rc = search_put(db, "message", mid, id, NULL, body, now, err);
	return rc < 0 ? rc : 0;
}

/*
 * The ids of a new ticket name rows; the assignee is allowed for the creator.  The system's own
 * tickets (follow-ups, care) copy ids from rows kefu holds and are not checked: a follow-up must
 * open even when the complaint's agent has since been disabled.
 */
static int check_new_refs(struct db *db, const struct actor *a, const struct ticket_new *in,
                          struct kf_error *err)
{
	if (strcmp(a->kind, "system") == 0)
		return 0;
	struct ticket_refs r = { in->customer_id, in->order_id, in->shipment_id, in->team_id, in->assignee_id };
	int rc = ticket_refs_may_assign(in->own_only, 0, in->assignee_id, err);
	return rc < 0 ? rc : ticket_refs_check(db, &r, err);
}

/* The ids p sets to a new non-zero value (0 elsewhere), checked; and the assignee move allowed. */
static int check_patch_refs(struct db *db, const struct ticket_patch *p, const struct ticket *t,
                            struct kf_error *err)
{
	struct ticket_refs r = {
		p->customer_id != t->customer_id && p->customer_id > 0 ? p->customer_id : 0,
		p->order_id != t->order_id && p->order_id > 0 ? p->order_id : 0,
		p->shipment_id != t->shipment_id && p->shipment_id > 0 ? p->shipment_id : 0,
		p->team_id != t->team_id && p->team_id > 0 ? p->team_id : 0,
		p->assignee_id != t->assignee_id && p->assignee_id > 0 ? p->assignee_id : 0,
	};
	int rc = p->assignee_id >= 0 ? ticket_refs_may_assign(p->own_only, t->assignee_id, p->assignee_id, err)
	                             : 0;
	return rc < 0 ? rc : ticket_refs_check(db, &r, err);
}

/* The language a new ticket is stored with: the one given, else detected from its text. */
static const char *new_language(const struct ticket_new *in)
{
	return in->language ? in->language : lang_detect(in->subject, in->body, TICKET_DEFAULT_LANGUAGE);
}

static int insert_ticket(struct db *db, const struct actor *a, int64_t now, const struct ticket_new *in,
                         int64_t *id, struct kf_error *err)
{
	const char *prio = in->priority ? in->priority : "normal";
	return db_query_int(db, &q_insert,
	                    DB_ARGS(db_text(in->type), db_text(prio), db_int(one_of(priorities, prio)),
	                            id_or_null(in->category_id), db_text(in->channel ? in->channel : "api"),
	                            db_text(in->subject), id_or_null(in->customer_id),
	                            id_or_null(in->order_id), id_or_null(in->shipment_id),
	                            id_or_null(in->team_id), id_or_null(in->assignee_id),
	                            db_text(new_language(in)), db_text(a->kind), db_int(a->id), db_int(now)),
	                    id, err);
}

int ticket_create(struct db *db, const struct actor *a, int64_t now, const struct ticket_new *in,
                  struct ticket *out, struct kf_error *err)
{
	int64_t id = 0;
	int rc = check_new(in, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = check_category(db, in->category_id, err);
	if (rc == 0)
		rc = check_new_refs(db, a, in, err);
	if (rc == 0)
		rc = insert_ticket(db, a, now, in, &id, err);
	if (rc == 0)
		rc = ticket_get(db, id, out, err);
	if (rc == 0)
		rc = ticket_count(db, out, 1, err);
	if (rc == 0 && in->body)
		rc = first_message(db, a, now, id, in->body, err);
	json_t *after = rc == 0 ? ticket_to_json(out) : NULL;
	if (rc == 0)
		rc = ticket_event_add(db, a, now, id, "create", NULL, after, err);
	json_decref(after);
	if (rc == 0)
		rc = timeline_add(db, out->customer_id, now, "ticket", id, out->subject, err);
	if (rc == 0)
		rc = search_put(db, "ticket", id, 0, out->subject, in->body, now, err);
	if (rc == 0) /* the listeners route it and start its clocks (app/wiring.c) */
		rc = ticket_emit(db, a, now, "ticket.created", out, NULL, err);
	if (rc == 0)
		rc = ticket_get(db, id, out, err); /* routing may have assigned it */
	return db_finish(db, rc, err);
}

/* Apply p to t, validating each field. */
static int patch_apply(struct db *db, const struct ticket_patch *p, struct ticket *t, struct kf_error *err)
{
	if (p->subject) {
		size_t n = textlen_chars(p->subject);
		if (n == 0 || n > TICKET_SUBJECT_MAX)
			return kf_fail(err, KF_EINVAL, n ? "too_long" : "required", "subject",
			               "subject must be 1 to %d characters", TICKET_SUBJECT_MAX);
		copy(t->subject, sizeof(t->subject), p->subject);
	}
	if (p->priority && one_of(priorities, p->priority) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "priority",
		               "priority must be low, normal, high or urgent");
	if (p->priority)
		copy(t->priority, sizeof(t->priority), p->priority);
	if (p->type && one_of(types, p->type) < 0)
		return kf_fail(
		        err, KF_EINVAL, "invalid", "type",
		        "type must be one of inquiry, complaint, return, claim, suggestion, follow_up, care");
	if (p->type)
		copy(t->type, sizeof(t->type), p->type);
	if (p->category_id >= 0) {
		int rc = check_category(db, p->category_id, err);
		if (rc < 0)
			return rc;
		t->category_id = p->category_id;
	}
	int rc = check_patch_refs(db, p, t, err);
	if (rc < 0)
		return rc;
	if (p->customer_id >= 0)
		t->customer_id = p->customer_id;
	if (p->order_id >= 0)
		t->order_id = p->order_id;
	if (p->shipment_id >= 0)
		t->shipment_id = p->shipment_id;
	if (p->team_id >= 0)
		t->team_id = p->team_id;
	if (p->assignee_id >= 0)
		t->assignee_id = p->assignee_id;
	return 0;
}

/* Only the fields that differ, into before/after objects (new references). */
static void diff(const struct ticket *b, const struct ticket *a, json_t **jb, json_t **ja)
{
	json_t *full_b = ticket_to_json(b), *full_a = ticket_to_json(a);
	const char *k;
	json_t *v;
	*jb = json_object();
	*ja = json_object();
	json_object_foreach(full_a, k, v)
	{
		if (strcmp(k, "version") == 0 || strcmp(k, "updated_at") == 0)
			continue;
		json_t *old = json_object_get(full_b, k);
		if (json_equal(old, v))
			continue;
		json_object_set(*jb, k, old);
		json_object_set(*ja, k, v);
	}
	json_decref(full_b);
	json_decref(full_a);
}

/* Counters move when the team or assignee changed. */
static int recount(struct db *db, const struct ticket *before, const struct ticket *after, struct kf_error *err)
{
	if (before->team_id == after->team_id && before->assignee_id == after->assignee_id &&
	    before->state == after->state)
		return 0;
	int rc = ticket_count(db, before, -1, err);
	return rc < 0 ? rc : ticket_count(db, after, 1, err);
}

/* Write t (changed from before), with its event and hooks. */
static int record_change(struct db *db, const struct actor *a, int64_t now, const struct ticket *before,
                         struct ticket *t, struct kf_error *err)
{
	json_t *jb = NULL, *ja = NULL;
	int rc = recount(db, before, t, err);
	if (rc == 0)
		rc = ticket_write(db, t, now, err);
	if (rc == 0) {
		diff(before, t, &jb, &ja);
		rc = json_object_size(ja) ? ticket_event_add(db, a, now, t->id, "update", jb, ja, err) : 0;
		if (rc == 0 && json_object_size(ja)) {
			json_t *x = json_pack("{s:O,s:O}", "before", jb, "after", ja);
			rc = ticket_emit(db, a, now, "ticket.updated", t, x, err);
			json_decref(x);
		}
	}
	json_decref(jb);
	json_decref(ja);
	return rc;
}

int ticket_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                  const struct ticket_patch *p, struct ticket *out, struct kf_error *err)
{
	struct ticket before;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = ticket_get(db, id, &before, err);
	if (rc == 0 && before.version != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the ticket was changed by someone else; reload and try again");
	*out = before;
	if (rc == 0)
		rc = patch_apply(db, p, out, err);
	if (rc == 0)
		rc = record_change(db, a, now, &before, out, err);
	return db_finish(db, rc, err);
}

static int illegal(const struct ticket *t, enum ticket_state to, struct kf_error *err)
{
	enum ticket_state targets[TS_COUNT];
	size_t n = ticket_state_targets(t->state, targets);
	char list[160] = "";
	size_t used = 0;
	for (size_t i = 0; i < n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
		                         ticket_state_name(targets[i]));
	return kf_fail(err, KF_ECONFLICT, "illegal_transition", "state",
	               "a %s ticket cannot become %s; allowed: %s", ticket_state_name(t->state),
	               ticket_state_name(to), n ? list : "none");
}

int ticket_move(struct db *db, const struct actor *a, int64_t now, struct ticket *t, enum ticket_state to,
                struct kf_error *err)
{
	struct ticket before = *t;
	if (!ticket_state_allowed(t->state, to))
		return illegal(t, to, err);
	int rc = to == TS_RESOLVED ? desk_can_resolve(db, t->id, t->type, err) : 0;
	if (rc < 0)
		return rc;
	t->state = to;
	if (to == TS_RESOLVED)
		t->resolved_at = now;
	if (to == TS_CLOSED)
		t->closed_at = now;
	if (ticket_state_is_reopen(before.state, to)) {
		t->resolved_at = 0;
		t->closed_at = 0;
	}
	rc = recount(db, &before, t, err);
	if (rc == 0)
		rc = ticket_write(db, t, now, err);
	json_t *jb = json_pack("{s:s}", "state", ticket_state_name(before.state));
	json_t *ja = json_pack("{s:s}", "state", ticket_state_name(to));
	if (rc == 0)
		rc = ticket_event_add(db, a, now, t->id, "state", jb, ja, err);
	json_decref(jb);
	json_decref(ja);
	if (rc == 0) {
		json_t *x = json_pack("{s:s}", "from", ticket_state_name(before.state));
		rc = ticket_emit(db, a, now, "ticket.state_changed", t, x, err);
		json_decref(x);
	}
	return rc;
}

int ticket_transition(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                      enum ticket_state to, struct ticket *out, struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = ticket_get(db, id, out, err);
	if (rc == 0 && version && out->version != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the ticket was changed by someone else; reload and try again");
	if (rc == 0)
		rc = ticket_move(db, a, now, out, to, err);
	return db_finish(db, rc, err);
}

/* The arguments every list statement shares: states and filters, $1..$17. */
static void filter_args(const struct ticket_filter *f, struct db_argv *a)
{
	for (int s = 0; s < TS_COUNT; s++)
		db_argv_add(a,
		            !f->states || (f->states & (1u << s))
		                    ? db_text(ticket_state_name((enum ticket_state)s))
		                    : db_null());
	db_argv_add(a, db_text(f->type));
	db_argv_add(a, f->assignee_id > 0 ? db_int(f->assignee_id) : db_null());
	db_argv_add(a, db_int(f->assignee_id < 0 ? 1 : 0));
	db_argv_add(a, id_or_null(f->team_id));
	db_argv_add(a, id_or_null(f->customer_id));
	db_argv_add(a, db_text(f->priority));
	db_argv_add(a, id_or_null(f->category_id));
	db_argv_add(a, db_int(f->created_from));
	db_argv_add(a, db_int(f->created_to > 0 ? f->created_to : INT64_MAX));
	db_argv_add(a, db_int((int64_t)f->merged));
	db_argv_add(a, id_or_null(f->complaint_category_id));
}

/*
 * One customer's tickets: the same lists with the customer as a plain
 * equality, so the planner reads them through tickets_customer (a
 * customer has few tickets) instead of walking the whole inbox order.
 */
#define ONE_CUSTOMER " AND customer_id = $11"
static struct db_sql q_list_cust_updated = DB_SQL(
        LIST_HEAD LIST_COMMON ANY_ASSIGNEE ANY_TEAM ONE_CUSTOMER BY_UPDATED);
static struct db_sql q_list_cust_created = DB_SQL(LIST_HEAD LIST_COMMON ANY_ASSIGNEE ANY_TEAM ONE_CUSTOMER
                                                  " AND id < $18 ORDER BY id DESC LIMIT $19");
static struct db_sql q_list_cust_priority = DB_SQL(
        LIST_HEAD LIST_COMMON ANY_ASSIGNEE ANY_TEAM ONE_CUSTOMER
        " AND (prio < $18 OR (prio = $18 AND (updated_at < $19 OR (updated_at = $19 AND id < $20))))"
        " ORDER BY prio DESC, updated_at DESC, id DESC LIMIT $21");

/*
 * The "due soon / breaching" list (enum ticket_sla_class): per row of
 * ticket_sla whose clock runs (not paused), the nearest running due time
 * and the earliest running warning instant, joined to the tickets that
 * pass the inbox filters ($1..$17), nearest due first.  MIN over three
 * columns is spelled as CASE so both dialects read it.  No index serves
 * the due columns: the planner walks the active tickets (tickets_state,
 * or tickets_assignee / tickets_team / tickets_type for one agent's,
 * team's or type's view),
 * joins their clocks by primary key and sorts the matches.
 */
#define SLA_NONE "9223372036854775807"
#define SLA_RUN(col, open) "CASE WHEN " open " THEN " col " ELSE " SLA_NONE " END"
#define SLA_MIN3(a, b, c) \
	"CASE WHEN " a " <= " b " AND " a " <= " c " THEN " a " WHEN " b " <= " c " THEN " b " ELSE " c " END"
#define FIRST_OPEN "first_due_at > 0 AND first_done_at = 0"
#define NEXT_OPEN "next_due_at > 0 AND next_done_at = 0"
#define RESOLVE_OPEN "resolve_due_at > 0 AND resolve_done_at = 0"
#define SLA_F SLA_RUN("first_due_at", FIRST_OPEN) " AS f, "
#define SLA_N SLA_RUN("next_due_at", NEXT_OPEN) " AS n, "
#define SLA_R SLA_RUN("resolve_due_at", RESOLVE_OPEN) " AS r, "
#define SLA_FW SLA_RUN("first_warn_at", "first_warn_at > 0 AND " FIRST_OPEN) " AS fw, "
#define SLA_NW SLA_RUN("next_warn_at", "next_warn_at > 0 AND " NEXT_OPEN) " AS nw, "
#define SLA_RW SLA_RUN("resolve_warn_at", "resolve_warn_at > 0 AND " RESOLVE_OPEN) " AS rw"
#define SLA_CLOCKS \
	"SELECT ticket_id, " SLA_F SLA_N SLA_R SLA_FW SLA_NW SLA_RW " FROM ticket_sla WHERE paused_since = 0"
#define SLA_DUE SLA_MIN3("f", "n", "r") " AS due, "
#define SLA_WARN SLA_MIN3("fw", "nw", "rw") " AS warn"
#define SLA_NEAREST "SELECT ticket_id, " SLA_DUE SLA_WARN " FROM (" SLA_CLOCKS ") x"
#define SLA_LIST_HEAD \
	"SELECT " TICKET_COLUMNS ", s.due, s.warn FROM (" SLA_NEAREST ") s" \
	" JOIN tickets ON tickets.id = s.ticket_id WHERE state IN ($1, $2, $3, $4, $5, $6)" LIST_COMMON
#define SLA_LIST_TAIL \
	" AND s.due < " SLA_NONE " AND ((CAST($18 AS BIGINT) = 1 AND s.due <= $20)" \
	" OR (CAST($19 AS BIGINT) = 1 AND s.due > $20 AND (s.warn <= $20 OR s.due <= $21)))" \
	" AND (s.due > $22 OR (s.due = $22 AND id > $23)) ORDER BY s.due, id LIMIT $24"
static struct db_sql q_list_sla = DB_SQL(SLA_LIST_HEAD ANY_ASSIGNEE ANY_TEAM SLA_LIST_TAIL);
/* One agent's or one team's: a plain equality so tickets_assignee / tickets_team drive the join. */
static struct db_sql q_list_sla_assignee = DB_SQL(SLA_LIST_HEAD " AND assignee_id = $8" ANY_TEAM SLA_LIST_TAIL);
static struct db_sql q_list_sla_team = DB_SQL(SLA_LIST_HEAD ANY_ASSIGNEE " AND team_id = $10" SLA_LIST_TAIL);
/* One type (tickets_type (type, state) drives it). */
static struct db_sql q_list_sla_type = DB_SQL(SLA_LIST_HEAD
                                              " AND type = $7" ANY_ASSIGNEE ANY_TEAM SLA_LIST_TAIL);

enum ticket_sla_class ticket_sla_classify(int64_t due, int64_t warn, int64_t now, int64_t soon_s)
{
	if (due <= 0)
		return 0;
	if (due <= now)
		return TICKET_SLA_BREACHED;
	if ((warn > 0 && warn <= now) || due - now <= soon_s)
		return TICKET_SLA_DUE_SOON;
	return 0;
}

/* The SLA list's own arguments after filter_args: $18..$24. */
static void sla_args(const struct ticket_filter *f, int limit, struct db_argv *a)
{
	db_argv_add(a, db_int((f->sla & TICKET_SLA_BREACHED) ? 1 : 0));
	db_argv_add(a, db_int((f->sla & TICKET_SLA_DUE_SOON) ? 1 : 0));
	db_argv_add(a, db_int(f->now));
	db_argv_add(a, db_int(f->soon_s > INT64_MAX - f->now ? INT64_MAX : f->now + f->soon_s));
	db_argv_add(a, db_int(f->has_cursor ? f->cursor[1] : -1));
	db_argv_add(a, db_int(f->has_cursor ? f->cursor[2] : 0));
	db_argv_add(a, db_int(limit));
}

/* States whose clocks can run: new, open, pending_internal (pending_customer pauses them). */
#define SLA_STATES ((1u << TS_NEW) | (1u << TS_OPEN) | (1u << TS_PENDING_INTERNAL))

static int ticket_list_sla(struct db *db, const struct ticket_filter *f, int limit, json_t **items,
                           int64_t cursor_out[3], struct kf_error *err)
{
	struct ticket_filter g = *f;
	DB_ARGV(args, 24);
	struct db_rows *r = NULL;
	struct ticket t;
	g.states = (f->states ? f->states : SLA_STATES) & SLA_STATES;
	*items = json_array();
	if (!g.states)
		return 0;
	filter_args(&g, &args);
	sla_args(&g, limit, &args);
	struct db_sql *q = &q_list_sla;
	if (g.assignee_id > 0)
		q = &q_list_sla_assignee;
	else if (g.team_id > 0)
		q = &q_list_sla_team;
	else if (g.type)
		q = &q_list_sla_type;
	int rc = db_query(db, q, DB_ARGV_PASS(&args), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		ticket_from_row(r, &t);
		int64_t due = db_col_int(r, TC_SLA_DUE), warn = db_col_int(r, TC_SLA_WARN);
		json_t *j = ticket_to_json(&t);
		json_object_set_new(j, "sla_due_at", json_integer(due));
		json_object_set_new(
		        j, "sla_status",
		        json_string(ticket_sla_classify(due, warn, f->now, f->soon_s) == TICKET_SLA_BREACHED
		                            ? "breached"
		                            : "due_soon"));
		json_array_append_new(*items, j);
		cursor_out[0] = 0;
		cursor_out[1] = due;
		cursor_out[2] = t.id;
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

/* The statement for f's sort; adds its filter and keyset arguments to a. */
static struct db_sql *list_sql(const struct ticket_filter *f, int limit, struct db_argv *a)
{
	filter_args(f, a);
	const int64_t *c = f->cursor;
	struct db_sql *q = &q_list_updated;
	if (f->sort == TICKET_SORT_CREATED) {
		db_argv_add(a, db_int(f->has_cursor ? c[2] : INT64_MAX));
		q = &q_list_created;
	} else if (f->sort == TICKET_SORT_PRIORITY) {
		db_argv_add(a, db_int(f->has_cursor ? c[0] : INT64_MAX));
		db_argv_add(a, db_int(f->has_cursor ? c[1] : INT64_MAX));
		db_argv_add(a, db_int(f->has_cursor ? c[2] : INT64_MAX));
		q = &q_list_priority;
	} else {
		db_argv_add(a, db_int(f->has_cursor ? c[1] : INT64_MAX));
		db_argv_add(a, db_int(f->has_cursor ? c[2] : INT64_MAX));
		if (f->assignee_id > 0)
			q = &q_list_assignee;
		else if (f->team_id > 0)
			q = &q_list_team;
	}
	if (f->customer_id > 0)
		q = f->sort == TICKET_SORT_CREATED        ? &q_list_cust_created
		        : f->sort == TICKET_SORT_PRIORITY ? &q_list_cust_priority
		                                          : &q_list_cust_updated;
	db_argv_add(a, db_int(limit));
	return q;
}

int ticket_list(struct db *db, const struct ticket_filter *f, int limit, json_t **items,
                int64_t cursor_out[3], struct kf_error *err)
{
	DB_ARGV(args, 24);
	struct db_rows *r = NULL;
	struct ticket t;
	if (f->sla)
		return ticket_list_sla(db, f, limit, items, cursor_out, err);
	struct db_sql *q = list_sql(f, limit, &args);
	*items = json_array();
	int rc = db_query(db, q, DB_ARGV_PASS(&args), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		ticket_from_row(r, &t);
		cursor_out[0] = one_of(priorities, t.priority);
		cursor_out[1] = t.updated_at;
		cursor_out[2] = t.id;
		json_array_append_new(*items, ticket_to_json(&t));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}
