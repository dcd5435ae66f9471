/*
 * consumer.h - durable consumers of the event stream: reactions that run
 * after the commit (statistics today; notifications, mail, webhooks and
 * automation later).
 *
 * A consumer has a name, the event types it wants and a handler.  Its
 * cursor (event_consumers.cursor) is the seq of the last event it has dealt
 * with.  Each event is delivered in its own transaction: the consumer's
 * cursor row is locked (PostgreSQL: FOR UPDATE SKIP LOCKED, so on several
 * nodes sharing one database exactly one delivers at a time and the others
 * skip that consumer; SQLite: writers are serialised anyway), the handler
 * runs in that transaction and the cursor moves in it.  A handler that
 * only writes to the database is therefore effectively exactly-once; a
 * handler with an effect outside it (mail, HTTP) is at-least-once and must
 * be idempotent (key the effect by the event's seq).
 *
 * A failing event does not block the stream: the cursor moves past it and
 * an event_failures row retries it with exponential backoff (1 s, 2 s,
 * 4 s, ... capped at CONSUMER_BACKOFF_MAX_S); after CONSUMER_MAX_ATTEMPTS
 * failures it is parked "dead" for an admin, who may put it back
 * (consumer_retry).  Order is kept for the events that succeed; a retried
 * event is handled after the ones that followed it.
 */
#ifndef KF_CONSUMER_H
#define KF_CONSUMER_H

#include <stdint.h>

#include "base/err.h"
#include "events/outbox.h"

struct db;
struct store;

#define CONSUMER_NAME_MAX 40
#define CONSUMER_MAX_ATTEMPTS 5 /* failures before an event is parked dead */
#define CONSUMER_BACKOFF_MAX_S 300 /* retry delay cap */
#define CONSUMER_BATCH 200 /* events per consumer per pass */
#define CONSUMER_WAKE_MS 500 /* poll interval for other nodes' commits */

struct consumer {
	const char *name;
	const char *const *types; /* NULL-terminated; NULL = every type */
	/* Runs in the delivery transaction; a negative KF_E* fails the event (rolled back, retried). */
	int (*handle)(struct db *db, const struct event *ev, struct kf_error *err);
};

/* Install the consumer table (static storage, n entries), once, before consumer_start. */
void consumer_set_table(const struct consumer *table, int n);

/* Ensure every consumer of the table has its cursor row (new ones start at seq 0). */
int consumer_register_all(struct db *db, int64_t now, struct kf_error *err);

/*
 * Deliver due retries and then up to CONSUMER_BATCH new events to c.
 * Returns the number of events handled (successfully or not), 0 when
 * another node holds the consumer, or KF_E* when the store failed.
 */
int consumer_run(struct db *db, const struct consumer *c, int64_t now, struct kf_error *err);
/* consumer_run for every consumer of the table; returns the events handled or KF_E*. */
int consumer_run_all(struct db *db, int64_t now, struct kf_error *err);

/* Put a dead event back to be retried at once: KF_ENOTFOUND when (name, seq) is not dead. */
int consumer_retry(struct db *db, const char *name, int64_t seq, int64_t now, struct kf_error *err);

/*
 * Retention: delete events created before before_ms that every consumer
 * has passed (seq <= the slowest cursor) and that no failure row still
 * holds.  Returns rows deleted or KF_E*.
 */
int consumer_prune(struct db *db, int64_t before_ms, struct kf_error *err);

/*
 * For admins: every consumer as {name, cursor, lag (newest seq - cursor),
 * retrying, dead, node, updated_at}; the dead events, newest first, as
 * {consumer, seq, type, attempts, last_error, created_at, updated_at}.
 * *out is a new array.
 */
int consumer_list(struct db *db, json_t **out, struct kf_error *err);
int consumer_dead_list(struct db *db, int limit, json_t **out, struct kf_error *err);

/* The delivery thread: wakes on a local commit with events, every CONSUMER_WAKE_MS otherwise. */
struct consumer_runner;
int consumer_start(struct store *st, int retention_days, struct consumer_runner **out, struct kf_error *err);
void consumer_stop(struct consumer_runner *r); /* NULL-safe */

#endif
