/*
 * consumer.c - deliver the event stream to durable consumers after the
 * commit: one event per transaction, the cursor row locked, the handler's
 * writes and the cursor move committed together (consumer.h).
 */
#include "events/consumer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "store/db.h"
#include "store/db_json.h"

static const struct consumer *consumers;
static int nconsumers;

void consumer_set_table(const struct consumer *table, int n)
{
	consumers = table;
	nconsumers = n;
}

/* "host:pid", the node that moved a cursor last (for admins). */
static const char *node_name(void)
{
	static __thread char name[96];
	if (!name[0]) {
		char host[64] = "node";
		gethostname(host, sizeof(host) - 1);
		snprintf(name, sizeof(name), "%s:%ld", host, (long)getpid());
	}
	return name;
}

int consumer_register_all(struct db *db, int64_t now, struct kf_error *err)
{
	static struct db_sql q = DB_SQL("INSERT INTO event_consumers (name, last_seq, node, updated_at) "
	                                "VALUES ($1, 0, '', $2) ON CONFLICT (name) DO NOTHING");
	for (int i = 0; i < nconsumers; i++) {
		int rc = db_exec(db, &q, DB_ARGS(db_text(consumers[i].name), db_int(now)), err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * Lock c's cursor row for this transaction: 1 with *cursor set, 0 when
 * another node holds it (PostgreSQL skips the locked row) or it is missing.
 */
static int cursor_lock(struct db *db, const char *name, int64_t *cursor, struct kf_error *err)
{
	static struct db_sql pg = DB_SQL(
	        "SELECT last_seq FROM event_consumers WHERE name = $1 FOR UPDATE SKIP LOCKED");
	static struct db_sql lite = DB_SQL("SELECT last_seq FROM event_consumers WHERE name = $1");
	struct db_sql *q = strcmp(db_dialect(db), "postgres") == 0 ? &pg : &lite;
	int rc = db_query_int(db, q, DB_ARGS(db_text(name)), cursor, err);
	if (rc == KF_ENOTFOUND) {
		*err = (struct kf_error)KF_ERROR_INIT;
		return 0;
	}
	return rc < 0 ? rc : 1;
}

static int cursor_move(struct db *db, const char *name, int64_t seq, int64_t now, struct kf_error *err)
{
	static struct db_sql q = DB_SQL("UPDATE event_consumers SET last_seq = $2, node = $3, updated_at = $4 "
	                                "WHERE name = $1 AND last_seq < $2");
	int rc = db_exec(db, &q, DB_ARGS(db_text(name), db_int(seq), db_text(node_name()), db_int(now)), err);
	return rc < 0 ? rc : 0;
}

static int64_t backoff(int64_t attempts)
{
	int64_t s = 1;
	for (int64_t i = 1; i < attempts && s < CONSUMER_BACKOFF_MAX_S; i++)
		s *= 2;
	return s < CONSUMER_BACKOFF_MAX_S ? s : CONSUMER_BACKOFF_MAX_S;
}

/* Record the attempts-th failure of (name, seq): retry later, or dead after the last attempt. */
static int failure_record(struct db *db, const char *name, int64_t seq, int64_t attempts, const char *why,
                          int64_t now, struct kf_error *err)
{
	static struct db_sql q = DB_SQL(
	        "INSERT INTO event_failures (consumer, seq, attempts, next_at, state, last_error, created_at, "
	        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (consumer, seq) DO UPDATE SET "
	        "attempts = $3, next_at = $4, state = $5, last_error = $6, updated_at = $7");
	const char *state = attempts >= CONSUMER_MAX_ATTEMPTS ? "dead" : "retry";
	return db_exec(db, &q,
	               DB_ARGS(db_text(name), db_int(seq), db_int(attempts), db_int(now + backoff(attempts)),
	                       db_text(state), db_text(why && *why ? why : "failed"), db_int(now)),
	               err);
}

struct delivery {
	struct db *db;
	const struct consumer *c;
	int64_t want; /* > 0: only this seq (a retry) */
	int64_t seq; /* the event handed to the handler; 0 = none */
	struct kf_error herr; /* the handler's error */
};

static int deliver_one(const struct event *ev, void *arg, struct kf_error *err)
{
	struct delivery *d = arg;
	(void)err;
	if (d->want && ev->seq != d->want)
		return 1;
	d->seq = ev->seq;
	int rc = d->c->handle(d->db, ev, &d->herr);
	return rc < 0 ? rc : 1;
}

/* After a handler failed and its transaction rolled back: note the failure in a new one. */
static int fail_after(struct db *db, const struct consumer *c, struct delivery *d, int64_t attempts, int move,
                      int64_t now, struct kf_error *err)
{
	int64_t cursor;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = cursor_lock(db, c->name, &cursor, err);
	if (rc > 0)
		rc = failure_record(db, c->name, d->seq, attempts, d->herr.message, now, err);
	if (rc >= 0 && move)
		rc = cursor_move(db, c->name, d->seq, now, err);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	log_msg(LOG_LEVEL_WARN, "consumer", "%s: event %lld failed (attempt %lld): %s", c->name,
	        (long long)d->seq, (long long)attempts, d->herr.message);
	return db_commit(db, err);
}

/*
 * Deliver the next wanted event after the cursor: 1 when the cursor moved
 * (*handled: 1 when an event went to the handler, 0 when only events of
 * other types were passed over), 0 when there is nothing new, or KF_E*.
 */
static int deliver_next(struct db *db, const struct consumer *c, int64_t now, int *handled, struct kf_error *err)
{
	struct delivery d = { .db = db, .c = c, .herr = KF_ERROR_INIT };
	int64_t cursor = 0, scanned = 0;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = cursor_lock(db, c->name, &cursor, err);
	if (rc == 0) { /* another node delivers this consumer now */
		db_rollback(db);
		return 0;
	}
	if (rc > 0)
		rc = outbox_read(db, cursor, c->types, CONSUMER_BATCH, deliver_one, &d, &scanned, err);
	*handled = d.seq != 0;
	if (rc < 0 && d.seq && d.herr.code) {
		db_rollback(db);
		rc = fail_after(db, c, &d, 1, 1, now, err);
		return rc < 0 ? rc : 1;
	}
	if (rc > 0 || (rc == 0 && scanned > cursor))
		rc = cursor_move(db, c->name, scanned, now, err) < 0 ? KF_EDB : 1;
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	int moved = rc;
	rc = db_commit(db, err);
	return rc < 0 ? rc : moved;
}

/* The oldest due retry of c (locked cursor row held): 1 with seq/attempts, 0 when none. */
static int retry_due(struct db *db, const char *name, int64_t now, int64_t *seq, int64_t *attempts,
                     struct kf_error *err)
{
	static struct db_sql q = DB_SQL("SELECT seq, attempts FROM event_failures WHERE consumer = $1 AND "
	                                "state = 'retry' AND next_at <= $2 ORDER BY seq LIMIT 1");
	struct db_rows *r;
	int rc = db_query(db, &q, DB_ARGS(db_text(name), db_int(now)), &r, err);
	if (rc < 0)
		return rc;
	rc = db_next(r, err);
	if (rc > 0) {
		*seq = db_col_int(r, 0);
		*attempts = db_col_int(r, 1);
	}
	db_done(r);
	return rc;
}

static int failure_delete(struct db *db, const char *name, int64_t seq, struct kf_error *err)
{
	static struct db_sql q = DB_SQL("DELETE FROM event_failures WHERE consumer = $1 AND seq = $2");
	return db_exec(db, &q, DB_ARGS(db_text(name), db_int(seq)), err);
}

/* Retry the oldest due failure of c: 1 when one was tried, 0 when none is due, or KF_E*. */
static int retry_next(struct db *db, const struct consumer *c, int64_t now, struct kf_error *err)
{
	struct delivery d = { .db = db, .c = c, .herr = KF_ERROR_INIT };
	int64_t cursor = 0, scanned = 0, attempts = 0;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = cursor_lock(db, c->name, &cursor, err);
	if (rc > 0)
		rc = retry_due(db, c->name, now, &d.want, &attempts, err);
	if (rc > 0)
		rc = outbox_read(db, d.want - 1, NULL, 1, deliver_one, &d, &scanned, err);
	if (rc < 0 && d.seq && d.herr.code) {
		db_rollback(db);
		rc = fail_after(db, c, &d, attempts + 1, 0, now, err);
		return rc < 0 ? rc : 1;
	}
	if (rc >= 0 && d.want) /* handled, or the event is gone: the failure is over */
		rc = failure_delete(db, c->name, d.want, err);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, err);
	return rc < 0 ? rc : d.want != 0;
}

int consumer_run(struct db *db, const struct consumer *c, int64_t now, struct kf_error *err)
{
	int n = 0, passes = 0, handled = 0, rc = 0;
	while (n < CONSUMER_BATCH && (rc = retry_next(db, c, now, err)) > 0)
		n++;
	if (rc < 0)
		return rc;
	while (passes++ < CONSUMER_BATCH && (rc = deliver_next(db, c, now, &handled, err)) > 0)
		n += handled;
	return rc < 0 ? rc : n;
}

int consumer_run_all(struct db *db, int64_t now, struct kf_error *err)
{
	int total = 0;
	for (int i = 0; i < nconsumers; i++) {
		int rc = consumer_run(db, &consumers[i], now, err);
		if (rc < 0)
			return rc;
		total += rc;
	}
	return total;
}

int consumer_retry(struct db *db, const char *name, int64_t seq, int64_t now, struct kf_error *err)
{
	static struct db_sql q = DB_SQL("UPDATE event_failures SET state = 'retry', attempts = 0, next_at = $3, "
	                                "updated_at = $3 WHERE consumer = $1 AND seq = $2 AND state = 'dead'");
	int rc = db_exec(db, &q, DB_ARGS(db_text(name), db_int(seq), db_int(now)), err);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, NULL, "seq", "no dead event %lld for consumer %s",
		               (long long)seq, name);
	return rc < 0 ? rc : 0;
}

int consumer_prune(struct db *db, int64_t before_ms, struct kf_error *err)
{
	static struct db_sql q = DB_SQL("DELETE FROM events WHERE created_at < $1 AND "
	                                "seq <= (SELECT COALESCE(MIN(last_seq), 0) FROM event_consumers) AND "
	                                "NOT EXISTS (SELECT 1 FROM event_failures f WHERE f.seq = events.seq)");
	return db_exec(db, &q, DB_ARGS(db_int(before_ms)), err);
}

/* --- the thread ------------------------------------------------------------------ */

struct consumer_runner {
	struct store *st;
	int retention_days;
	pthread_t thread;
	pthread_mutex_t lock;
	int stop; /* guarded by lock */
};

static int stopping(struct consumer_runner *r)
{
	pthread_mutex_lock(&r->lock);
	int stop = r->stop;
	pthread_mutex_unlock(&r->lock);
	return stop;
}

static void runner_pass(struct consumer_runner *r, int64_t *pruned_at)
{
	struct kf_error err = KF_ERROR_INIT;
	struct db *db = store_db(r->st, &err);
	int64_t now = clock_now();
	int rc = db ? consumer_run_all(db, now, &err) : KF_EDB;
	if (rc >= 0 && now - *pruned_at >= 3600) {
		rc = consumer_prune(db, (now - (int64_t)r->retention_days * 86400) * 1000, &err);
		*pruned_at = now;
	}
	if (rc < 0)
		log_msg(LOG_LEVEL_WARN, "consumer", "delivery failed (%d): %s; retrying", rc, err.message);
}

static void *runner_loop(void *arg)
{
	struct consumer_runner *r = arg;
	int64_t pruned_at = 0;
	uint64_t seen = outbox_commits();
	while (!stopping(r)) {
		runner_pass(r, &pruned_at);
		seen = outbox_wait(seen, CONSUMER_WAKE_MS);
	}
	return NULL;
}

int consumer_start(struct store *st, int retention_days, struct consumer_runner **out, struct kf_error *err)
{
	struct db *db = store_db(st, err);
	if (!db)
		return err->code ? err->code : KF_EDB;
	int rc = consumer_register_all(db, clock_now(), err);
	if (rc < 0)
		return rc;
	struct consumer_runner *r = xcalloc(1, sizeof(*r));
	r->st = st;
	r->retention_days = retention_days;
	pthread_mutex_init(&r->lock, NULL);
	/* The thread takes no signal: SIGTERM/SIGINT belong to the server's waiting thread. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int created = pthread_create(&r->thread, NULL, runner_loop, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (created != 0) {
		pthread_mutex_destroy(&r->lock);
		free(r);
		return kf_fail(err, KF_EIO, "thread", NULL, "cannot start the consumer thread");
	}
	*out = r;
	return 0;
}

void consumer_stop(struct consumer_runner *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* --- what admins see -------------------------------------------------------------- */

static json_t *consumer_row(struct db_rows *r)
{
	return json_pack("{s:s,s:I,s:I,s:I,s:I,s:s,s:I}", "name", db_col_text(r, 0), "cursor",
	                 (json_int_t)db_col_int(r, 1), "lag", (json_int_t)db_col_int(r, 2), "retrying",
	                 (json_int_t)db_col_int(r, 3), "dead", (json_int_t)db_col_int(r, 4), "node",
	                 db_col_text(r, 5), "updated_at", (json_int_t)db_col_int(r, 6));
}

int consumer_list(struct db *db, json_t **out, struct kf_error *err)
{
	static struct db_sql lag = DB_SQL(
	        "SELECT c.name, c.last_seq, "
	        "CASE WHEN m.seq > c.last_seq THEN m.seq - c.last_seq ELSE 0 END, "
	        "(SELECT COUNT(*) FROM event_failures f WHERE f.consumer = c.name AND f.state = 'retry'), "
	        "(SELECT COUNT(*) FROM event_failures f WHERE f.consumer = c.name AND f.state = 'dead'), "
	        "c.node, c.updated_at FROM event_consumers c, "
	        "(SELECT COALESCE(MAX(seq), 0) AS seq FROM events) m ORDER BY c.name");
	*out = json_array();
	int rc = db_rows_json(db, &lag, DB_NOARGS, consumer_row, *out, err);
	return rc < 0 ? rc : 0;
}

static json_t *dead_row(struct db_rows *r)
{
	return json_pack("{s:s,s:I,s:s?,s:I,s:s,s:I,s:I}", "consumer", db_col_text(r, 0), "seq",
	                 (json_int_t)db_col_int(r, 1), "type", db_col_text(r, 2), "attempts",
	                 (json_int_t)db_col_int(r, 3), "last_error", db_col_text(r, 4), "created_at",
	                 (json_int_t)db_col_int(r, 5), "updated_at", (json_int_t)db_col_int(r, 6));
}

int consumer_dead_list(struct db *db, int limit, json_t **out, struct kf_error *err)
{
	static struct db_sql q = DB_SQL(
	        "SELECT f.consumer, f.seq, e.type, f.attempts, f.last_error, f.created_at, f.updated_at "
	        "FROM event_failures f LEFT JOIN events e ON e.seq = f.seq WHERE f.state = 'dead' "
	        "ORDER BY f.updated_at DESC, f.seq DESC LIMIT $1");
	*out = json_array();
	int rc = db_rows_json(db, &q, DB_ARGS(db_int(limit)), dead_row, *out, err);
	return rc < 0 ? rc : 0;
}
