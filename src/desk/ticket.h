/*
 * ticket.h - tickets: create, read, list (the inbox), change with
 * If-Match, move through the state machine (desk/ticket_state.h), queue
 * counts, and the event timeline every change appends to.
 *
 * Every change runs in one transaction that also writes the ticket event,
 * keeps ticket_counts in step (scope 'all', 'team', 'assignee'; key 0 =
 * none), appends its event to the stream (events/outbox.h, docs/events.md;
 * routing, SLA clocks, follow-ups and surveys are listeners of those events,
 * app/wiring.c) and, for a ticket with a customer, the customer timeline.  Writes are optimistic: the row
 * changes only at the version it was read at (KF_ESTALE otherwise).
 * The number people see is "#" + the id padded to six digits; it is not
 * stored.
 */
#ifndef KF_TICKET_H
#define KF_TICKET_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "base/textlen.h"
#include "desk/ticket_state.h"

struct db;

#define TICKET_SUBJECT_MAX 500 /* characters of a subject (base/textlen.h) */
#define TICKET_BODY_MAX 65536 /* characters of one message */
#define TICKET_DEFAULT_LANGUAGE "zh" /* when neither given nor detectable */

struct ticket {
	int64_t id;
	char type[16]; /* inquiry, complaint, return, claim, suggestion, follow_up, care */
	enum ticket_state state;
	char priority[8]; /* low, normal, high, urgent */
	int64_t category_id; /* 0 = none */
	char channel[12]; /* portal, web_form, email, phone, chat, social, api, system */
	char subject[TEXTLEN_BYTES(TICKET_SUBJECT_MAX)];
	int64_t customer_id; /* 0 = not linked; likewise the next four */
	int64_t order_id;
	int64_t shipment_id;
	int64_t team_id;
	int64_t assignee_id;
	char language[4]; /* zh or en */
	char created_by_kind[12]; /* staff, customer, cli, system */
	int64_t created_by_id;
	int64_t created_at;
	int64_t updated_at;
	int64_t first_response_at; /* 0 = no public reply yet; likewise the next three */
	int64_t resolved_at;
	int64_t closed_at;
	int64_t merged_into_id;
	int64_t version; /* the ETag */
};

/* A new ticket: type and subject are required; the rest may be 0/NULL. */
struct ticket_new {
	const char *type;
	const char *subject;
	const char *priority; /* NULL = normal */
	const char *channel; /* NULL = api */
	const char *language; /* NULL = detected from subject and body (desk/lang_detect.h) */
	int64_t category_id, customer_id, order_id, shipment_id, team_id, assignee_id;
	const char *body; /* the customer's first message, or NULL */
	int64_t own_only; /* > 0: the creator (this user) lacks ticket.manage: assignee only self */
};

/* A change: NULL / -1 = keep; 0 for an id = clear the link. */
struct ticket_patch {
	const char *subject;
	const char *priority;
	const char *type;
	int64_t category_id, customer_id, order_id, shipment_id, team_id, assignee_id;
	int64_t own_only; /* > 0: the caller (this user) lacks ticket.manage: see ticket_refs_may_assign */
};
#define TICKET_PATCH_INIT \
	{ \
		NULL, NULL, NULL, -1, -1, -1, -1, -1, -1, 0 \
	}

enum ticket_sort { TICKET_SORT_UPDATED, TICKET_SORT_CREATED, TICKET_SORT_PRIORITY };

/*
 * The SLA classes of the inbox's "due soon / breaching" view, over the
 * ticket's running clocks (ticket_sla: a target with a due time, not done,
 * the clock not paused, the ticket new, open or pending_internal):
 * breached  the nearest running due time has passed (due <= now);
 * due_soon  not breached, and the earliest running 80 % warning instant
 *           has passed or the nearest due time is within soon_s seconds.
 * A next-response target has no done column in ticket_sla: it counts as
 * running while its due time is set.
 */
enum ticket_sla_class { TICKET_SLA_BREACHED = 1 << 0, TICKET_SLA_DUE_SOON = 1 << 1 };

/* Merged tickets in a list: any (the default), only those not merged into another, only merged ones. */
enum ticket_merged_filter { TICKET_MERGED_ANY = 0, TICKET_MERGED_NO = 1, TICKET_MERGED_ONLY = 2 };

/* The inbox filter; 0 / NULL = any.  cursor[] is the last row of the previous page. */
struct ticket_filter {
	unsigned states; /* bit per enum ticket_state; 0 = all */
	const char *type;
	const char *priority;
	int64_t assignee_id; /* -1 = unassigned */
	int64_t team_id;
	int64_t customer_id;
	int64_t category_id;
	int64_t created_from; /* created_at >= this (UTC seconds); 0 = no lower bound */
	int64_t created_to; /* created_at < this (UTC seconds); 0 = no upper bound */
	enum ticket_merged_filter merged; /* merged=false|true of the list */
	/* The complaint's classified category (complaints.category_id, else the ticket's own): what the complaints report groups by; 0 = any. */
	int64_t complaint_category_id;
	enum ticket_sort sort;
	int has_cursor;
	int64_t cursor[3]; /* (prio,) updated_at or -, id; see ticket_list */
	unsigned sla; /* enum ticket_sla_class bits; 0 = no SLA filter */
	int64_t now; /* with sla: the instant the clocks are compared with */
	int64_t soon_s; /* with sla: the due_soon horizon in seconds */
};

/*
 * Create a ticket.  Every id in must name a row and the assignee must be able to work tickets
 * (desk/ticket_refs.h: KF_EINVAL naming the field); with in->own_only the assignee may only be
 * the creator (KF_EPERM "reassign_forbidden").
 */
int ticket_create(struct db *db, const struct actor *a, int64_t now, const struct ticket_new *in,
                  struct ticket *out, struct kf_error *err);
int ticket_get(struct db *db, int64_t id, struct ticket *out, struct kf_error *err);
/*
 * Inside a transaction: hold ticket id's row until it ends, so a change
 * computed from what ticket_get reads next cannot be stale (PostgreSQL;
 * SQLite's writers are serialised anyway).  KF_ENOTFOUND if missing.
 */
int ticket_lock(struct db *db, int64_t id, struct kf_error *err);
/*
 * One page of the inbox, newest (or most urgent) first.  *items is a new
 * array; cursor_out gets the keys of the last row (3 numbers) when the
 * page is full, for the next call's filter cursor.
 */
int ticket_list(struct db *db, const struct ticket_filter *f, int limit, json_t **items,
                int64_t cursor_out[3], struct kf_error *err);
/*
 * The class of a ticket whose nearest running due time is due and
 * earliest running warning instant warn (0 = none) at now: a
 * TICKET_SLA_* value, or 0 when neither.  With f->sla set, ticket_list
 * keeps the tickets whose class is in f->sla, nearest due first (the
 * cursor is (0, due, id)), and adds "sla_due_at" and "sla_status"
 * ("breached" or "due_soon") to each item.
 */
enum ticket_sla_class ticket_sla_classify(int64_t due, int64_t warn, int64_t now, int64_t soon_s);
/*
 * Apply p at version.  The ids p changes are checked like ticket_create's; with p->own_only the
 * assignee moves only as ticket_refs_may_assign allows (KF_EPERM "reassign_forbidden").
 */
int ticket_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                  const struct ticket_patch *p, struct ticket *out, struct kf_error *err);
/*
 * Move ticket id (at version; 0 = whatever is stored) to state to.  An
 * illegal move is KF_ECONFLICT "illegal_transition"; out then holds the
 * ticket as stored, so the caller can list ticket_state_targets(out->state).
 * Entering resolved asks desk_can_resolve first.
 */
int ticket_transition(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                      enum ticket_state to, struct ticket *out, struct kf_error *err);

/* --- for the other desk modules, inside their own transaction --- */
/*
 * Move a loaded ticket t to state to (checks, counts, event, hooks) and
 * write it; t is updated (new version).  Same errors as ticket_transition.
 */
int ticket_move(struct db *db, const struct actor *a, int64_t now, struct ticket *t, enum ticket_state to,
                struct kf_error *err);
/* Write t's fields back (version must be the stored one; it is bumped). */
int ticket_write(struct db *db, struct ticket *t, int64_t now, struct kf_error *err);
/* Append one row to ticket id's event timeline; before/after borrowed, may be NULL. */
int ticket_event_add(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, const char *action,
                     json_t *before, json_t *after, struct kf_error *err);
/* The events of ticket id, oldest first, after event after_id. */
int ticket_events(struct db *db, int64_t id, int64_t after_id, int limit, json_t **items, int64_t *last_id,
                  struct kf_error *err);
/* Add delta to the counters of t's current state, team and assignee. */
int ticket_count(struct db *db, const struct ticket *t, int delta, struct kf_error *err);
/* {"all":{state:n},"mine":{..},"unassigned":{..},"teams":{"id":{..}}} for user me. */
int ticket_counts(struct db *db, int64_t me, json_t **out, struct kf_error *err);

json_t *ticket_to_json(const struct ticket *t);

/*
 * Append the event type (events/event_types.h) about t in the open
 * transaction: the payload is the ticket's number, type, state, priority,
 * channel, subject and customer/team/assignee ids, plus the keys of extra
 * (borrowed, may be NULL).  now (UTC seconds) is the change's time, also
 * the listeners' "now" (created_at_ms = now * 1000).
 */
int ticket_emit(struct db *db, const struct actor *a, int64_t now, const char *type, const struct ticket *t,
                json_t *extra, struct kf_error *err);
/* "#000042" into buf (at least 24 bytes). */
void ticket_number(int64_t id, char *buf, size_t n);

#endif
