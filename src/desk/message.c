/*
 * message.c - see message.h.
 */
#include "desk/message.h"

#include <string.h>

#include "base/textlen.h"
#include "desk/attachment.h"
#include "crm/timeline.h"
#include "store/search.h"
#include "store/db.h"

static struct db_sql q_insert = DB_SQL(
        "INSERT INTO ticket_messages (ticket_id, kind, author_kind, author_id, author_name, body, created_at,"
        " logged_by_id, logged_by_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id");
/* clang-format off */
#define MESSAGE_COLS(F, X) \
	F(MC_ID, "id") \
	X(MC_TICKET_ID, "ticket_id") \
	X(MC_KIND, "kind") \
	X(MC_AUTHOR_KIND, "author_kind") \
	X(MC_AUTHOR_ID, "author_id") \
	X(MC_AUTHOR_NAME, "author_name") \
	X(MC_BODY, "body") \
	X(MC_CREATED_AT, "created_at") \
	X(MC_LOGGED_BY_ID, "COALESCE(logged_by_id, 0)") \
	X(MC_LOGGED_BY_NAME, "logged_by_name")
/* clang-format on */
DB_COLS_ENUM(MESSAGE_COLS, MC_NCOLS);
static struct db_sql q_list = DB_SQL(
        "SELECT " DB_COLS_SQL(MESSAGE_COLS) " FROM ticket_messages"
                                            " WHERE ticket_id = $1 AND id > $2 ORDER BY id LIMIT $3");
static struct db_sql q_move = DB_SQL("UPDATE ticket_messages SET ticket_id = $2 WHERE ticket_id = $1");

static const char *const kind_names[] = { "public", "note", "customer" };

/* Who logged a customer's words (an agent taking a call), or JSON null. */
static json_t *logged_by_json(int64_t id, const char *name)
{
	if (!name)
		return json_null();
	return json_pack("{s:o,s:s}", "id", id ? json_integer(id) : json_null(), "name", name);
}

static json_t *message_json(int64_t id, int64_t ticket_id, const char *kind, const char *author_kind,
                            int64_t author_id, const char *author_name, const char *body, int64_t at,
                            json_t *logged_by)
{
	return json_pack("{s:I,s:I,s:s,s:b,s:{s:s,s:I,s:s},s:s,s:I,s:o}", "id", (json_int_t)id, "ticket_id",
	                 (json_int_t)ticket_id, "kind", kind, "internal", strcmp(kind, "note") == 0, "author",
	                 "kind", author_kind, "id", (json_int_t)author_id, "name", author_name, "body", body,
	                 "created_at", (json_int_t)at, "logged_by", logged_by);
}

int message_list(struct db *db, int64_t ticket_id, int64_t after_id, int limit, json_t **items,
                 int64_t *last_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	*last_id = 0;
	int rc = db_query(db, &q_list, DB_ARGS(db_int(ticket_id), db_int(after_id), db_int(limit)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last_id = db_col_int(r, MC_ID);
		json_array_append_new(*items,
		                      message_json(*last_id, db_col_int(r, MC_TICKET_ID),
		                                   db_col_text(r, MC_KIND), db_col_text(r, MC_AUTHOR_KIND),
		                                   db_col_int(r, MC_AUTHOR_ID), db_col_text(r, MC_AUTHOR_NAME),
		                                   db_col_text(r, MC_BODY), db_col_int(r, MC_CREATED_AT),
		                                   logged_by_json(db_col_int(r, MC_LOGGED_BY_ID),
		                                                  db_col_isnull(r, MC_LOGGED_BY_NAME)
		                                                          ? NULL
		                                                          : db_col_text(r, MC_LOGGED_BY_NAME))));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

int message_move_all(struct db *db, int64_t from, int64_t into, struct kf_error *err)
{
	int rc = db_exec(db, &q_move, DB_ARGS(db_int(from), db_int(into)), err);
	return rc < 0 ? rc : 0;
}

/* The state a message moves the ticket to, or TS_NONE to stay. */
static enum ticket_state target_state(enum message_kind kind, enum ticket_state cur, enum ticket_state to)
{
	if (kind == MESSAGE_CUSTOMER)
		return cur == TS_PENDING_CUSTOMER || cur == TS_RESOLVED || cur == TS_CLOSED ? TS_OPEN : TS_NONE;
	if (to != TS_NONE)
		return to;
	return kind == MESSAGE_PUBLIC && cur == TS_NEW ? TS_OPEN : TS_NONE;
}

static int insert(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                  enum message_kind kind, const char *body, json_t **message, struct kf_error *err)
{
	int64_t id = 0;
	const char *author_kind = kind == MESSAGE_CUSTOMER ? "customer"
	        : strcmp(a->kind, "system") == 0           ? "system"
	                                                   : "staff";
	/* staff writing a customer message log the customer's words: logged by them */
	int logged = kind == MESSAGE_CUSTOMER && strcmp(a->kind, "customer") != 0;
	int64_t author_id = logged ? 0 : a->id;
	const char *staff_name = a->name ? a->name : "";
	const char *name = logged ? "" : staff_name;
	int rc = db_query_int(db, &q_insert,
	                      DB_ARGS(db_int(ticket_id), db_text(kind_names[kind]), db_text(author_kind),
	                              db_int(author_id), db_text(name), db_text(body), db_int(now),
	                              logged && a->id ? db_int(a->id) : db_null(),
	                              logged ? db_text(staff_name) : db_null()),
	                      &id, err);
	if (rc < 0)
		return rc;
	rc = search_put(db, "message", id, ticket_id, NULL, body, now, err);
	if (rc < 0)
		return rc;
	*message = message_json(id, ticket_id, kind_names[kind], author_kind, author_id, name, body, now,
	                        logged ? logged_by_json(a->id, staff_name) : json_null());
	json_t *ev = json_pack("{s:I,s:s}", "message_id", (json_int_t)id, "kind", kind_names[kind]);
	rc = ticket_event_add(db, a, now, ticket_id, "message", NULL, ev, err);
	json_decref(ev);
	return rc;
}

/* ticket.replied, ticket.customer_replied or ticket.note_added, naming the message. */
static int message_emit(struct db *db, const struct actor *a, int64_t now, enum message_kind kind,
                        const struct ticket *t, json_t *message, struct kf_error *err)
{
	const char *type = kind == MESSAGE_NOTE ? "ticket.note_added"
	        : kind == MESSAGE_CUSTOMER      ? "ticket.customer_replied"
	                                        : "ticket.replied";
	json_t *x = json_pack("{s:O}", "message_id", json_object_get(message, "id"));
	int rc = ticket_emit(db, a, now, type, t, x, err);
	json_decref(x);
	return rc;
}

/*
 * What a message does to its ticket: first response, timeline, its event
 * (whose listeners run the SLA clocks, app/wiring.c), then the state move.
 */
static int side_effects(struct db *db, const struct actor *a, int64_t now, enum message_kind kind,
                        enum ticket_state to, struct ticket *t, json_t *message, struct kf_error *err)
{
	int rc = 0;
	/* A message kefu posts itself (a survey link) is no one's answer: it
	 * neither counts as the first response nor stops an SLA clock (the
	 * listener skips a system reply), and moves the ticket only when asked to. */
	int system = kind == MESSAGE_PUBLIC && strcmp(a->kind, "system") == 0;
	if (kind == MESSAGE_PUBLIC && !system && !t->first_response_at)
		t->first_response_at = now;
	if (kind != MESSAGE_NOTE)
		rc = timeline_add(db, t->customer_id, now, "message", t->id, t->subject, err);
	if (rc == 0)
		rc = ticket_write(db, t, now, err);
	if (rc == 0)
		rc = message_emit(db, a, now, kind, t, message, err);
	enum ticket_state next = system ? to : target_state(kind, t->state, to);
	if (rc == 0 && next != TS_NONE && next != t->state)
		rc = ticket_move(db, a, now, t, next, err);
	return rc;
}

int message_add(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, enum message_kind kind,
                const char *body, enum ticket_state to, struct ticket *t, json_t **message,
                struct kf_error *err)
{
	size_t n = textlen_chars(body);
	*message = NULL;
	if (n == 0)
		return kf_fail(err, KF_EINVAL, "required", "body", "body is required");
	if (n > TICKET_BODY_MAX)
		return kf_fail(err, KF_ETOOBIG, "too_long", "body",
		               "a message may have at most %d characters", TICKET_BODY_MAX);
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = ticket_lock(db, ticket_id, err); /* concurrent messages on one ticket wait, none is refused */
	if (rc == 0)
		rc = ticket_get(db, ticket_id, t, err);
	if (rc == 0 && t->merged_into_id)
		rc = kf_fail(err, KF_ECONFLICT, "merged", "ticket", "this ticket was merged into #%06lld",
		             (long long)t->merged_into_id);
	if (rc == 0)
		rc = insert(db, a, now, ticket_id, kind, body, message, err);
	if (rc == 0)
		rc = side_effects(db, a, now, kind, to, t, *message, err);
	if (rc < 0) {
		json_decref(*message);
		*message = NULL;
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

int message_add_files(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                      enum message_kind kind, const char *body, enum ticket_state to, const int64_t *files,
                      int nfiles, struct ticket *t, json_t **message, struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = message_add(db, a, now, ticket_id, kind, body, to, t, message, err);
	int64_t mid = rc == 0 ? (int64_t)json_integer_value(json_object_get(*message, "id")) : 0;
	for (int i = 0; rc == 0 && i < nfiles; i++)
		rc = attachment_attach(db, ticket_id, files[i], mid, err);
	if (rc < 0 && *message) {
		json_decref(*message);
		*message = NULL;
	}
	return db_finish(db, rc, err);
}
