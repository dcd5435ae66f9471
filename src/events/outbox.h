/*
 * outbox.h - the event stream: one append-only table (events) that every
 * change a neighbour reacts to writes in its own transaction.
 *
 * An event says what happened (type, one of event_types.h), to what
 * (entity, entity_id), by whom (actor), with a small JSON payload.  It is
 * appended inside the transaction of the change it describes: a rolled-back
 * change leaves no event, a committed one always has its event (inside a
 * write batch, per savepoint).  Its seq is its position in the stream and
 * grows in commit order, so a reader that has seen seq N has seen every
 * event before it (SQLite: one writer; PostgreSQL: just before the commit
 * the transaction's events are renumbered under a transaction-level
 * advisory lock, see outbox.c).
 *
 * Two kinds of reader:
 *  - in-process listeners, called by outbox_append in the same
 *    transaction (SLA clocks, routing, ...).  The table of listeners is
 *    installed once at start by the wiring module above the domain
 *    (src/app/wiring.c): the outbox knows no listener by name.
 *  - readers after the commit (durable consumers, the /api/v1/events feed,
 *    the live stream): outbox_read after a seq, and outbox_wait to sleep
 *    until a new commit with events or a timeout.
 */
#ifndef KF_OUTBOX_H
#define KF_OUTBOX_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

#define EVENT_TYPE_MAX 40 /* bytes of a type name, NUL included */
#define EVENT_ENTITY_MAX 24

/* One event, as appended (pointers borrowed) or as read (owned by the reader's loop). */
struct event {
	int64_t seq; /* position in the stream; set by outbox_append */
	const char *type; /* "ticket.created", ... (event_types.h) */
	const char *entity; /* "ticket", "customer", "order", "shipment", "survey", ... */
	int64_t entity_id;
	const char *actor_kind; /* "staff", "customer", "cli", "system" */
	int64_t actor_id; /* users.id / customer_accounts.id; 0 = none */
	json_t *payload; /* an object; NULL = {} */
	int64_t created_at_ms; /* UTC milliseconds; 0 in outbox_append = now */
};

/*
 * A listener runs inside the appending transaction; a negative return
 * fails the change (the caller rolls it back, event included).  types is
 * a NULL-terminated list of the event types it wants.
 */
struct event_listener {
	const char *name; /* for logs */
	const char *const *types;
	int (*fn)(struct db *db, const struct event *ev, struct kf_error *err);
};

/* Install the listener table (n entries, static storage), once, before any append. */
void outbox_set_listeners(const struct event_listener *table, int n);

/*
 * Append ev in db's open transaction (KF_BUG outside one) and run the
 * listeners that want its type, in table order, stopping at the first
 * failure.  The actor comes from a (NULL = system).  Sets ev->seq.
 */
int outbox_append(struct db *db, struct event *ev, const struct actor *a, struct kf_error *err);

/*
 * Read up to limit events after seq `after`, oldest first, and call fn for
 * those of the given types (NULL-terminated list; NULL = all); fn returns
 * 0 to go on, > 0 to stop (that event counts as handled), < 0 for an error
 * (returned).  The event passed to fn (payload included) lives until fn
 * returns.  *scanned is the seq of the last event read (of any type; after
 * when none): a cursor moves there.  Returns the number passed to fn, or KF_E*.
 */
typedef int (*outbox_fn)(const struct event *ev, void *arg, struct kf_error *err);
int outbox_read(struct db *db, int64_t after, const char *const *types, int limit, outbox_fn fn, void *arg,
                int64_t *scanned, struct kf_error *err);

/* The seq of the newest event (0 when there is none). */
int outbox_last_seq(struct db *db, int64_t *out, struct kf_error *err);

/*
 * Commits with events wake waiters in this process (other processes'
 * commits are seen by polling).  outbox_commits() is a counter that grows
 * with each such commit; outbox_wait sleeps until it differs from seen or
 * timeout_ms passes, and returns the current value.
 */
uint64_t outbox_commits(void);
uint64_t outbox_wait(uint64_t seen, int timeout_ms);

/* Delete the events older than before_ms (retention); returns rows deleted or KF_E*. */
int outbox_prune(struct db *db, int64_t before_ms, struct kf_error *err);

#endif
