/*
 * outbox.c - append to and read the events table; wake readers in this
 * process after a commit that appended (store's after-commit hook).
 */
#include "events/outbox.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/xalloc.h"
#include "events/event_types.h"
#include "store/db.h"

static const struct event_listener *listeners;
static int nlisteners;

static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv = PTHREAD_COND_INITIALIZER;
static uint64_t commits;

void outbox_set_listeners(const struct event_listener *table, int n)
{
	listeners = table;
	nlisteners = n;
}

static void outbox_committed(void)
{
	pthread_mutex_lock(&wake_mu);
	commits++;
	pthread_cond_broadcast(&wake_cv);
	pthread_mutex_unlock(&wake_mu);
}

uint64_t outbox_commits(void)
{
	pthread_mutex_lock(&wake_mu);
	uint64_t c = commits;
	pthread_mutex_unlock(&wake_mu);
	return c;
}

uint64_t outbox_wait(uint64_t seen, int timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wake_mu);
	while (commits == seen && pthread_cond_timedwait(&wake_cv, &wake_mu, &until) == 0)
		;
	uint64_t c = commits;
	pthread_mutex_unlock(&wake_mu);
	return c;
}

static int wants(const struct event_listener *l, const char *type)
{
	for (const char *const *t = l->types; t && *t; t++)
		if (strcmp(*t, type) == 0)
			return 1;
	return 0;
}

static int run_listeners(struct db *db, const struct event *ev, struct kf_error *err)
{
	for (int i = 0; i < nlisteners; i++) {
		if (!wants(&listeners[i], ev->type))
			continue;
		int rc = listeners[i].fn(db, ev, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * PostgreSQL hands out sequence numbers at insert, not at commit, so two
 * transactions can commit their events out of seq order and a reader that
 * has seen seq N could later meet a smaller one.  So on PostgreSQL the
 * seqs a transaction appended are given new numbers as the very last thing
 * before its commit, under a transaction-level advisory lock held to the
 * end of the commit: event-writing transactions take numbers in commit
 * order.  Taking the lock last (not at the first append) means a
 * transaction holding it never waits for another lock, so it cannot be
 * part of a deadlock.  The seqs the connection's open transaction appended
 * are kept with the connection (db_attach); an undone savepoint's rows are
 * simply not found.  The seq an append returns is the provisional one.
 */
struct pending {
	int64_t *v;
	int n, cap;
};

static void pending_free(void *p)
{
	struct pending *x = p;
	free(x->v);
	free(x);
}

/* The list of the connection's open transaction (db_attach: one per connection). */
static struct pending *pending_get(struct db *db)
{
	struct pending *p = db_attached(db);
	if (!p) {
		p = xcalloc(1, sizeof *p);
		db_attach(db, p, pending_free);
	}
	return p;
}

static int renumber(struct db *db, struct kf_error *err)
{
	static struct db_sql lock = DB_SQL("SELECT pg_advisory_xact_lock(4919131752989213764)");
	static struct db_sql q = DB_SQL(
	        "UPDATE events SET seq = nextval(pg_get_serial_sequence('events', 'seq')) WHERE seq = $1");
	int64_t ignored;
	int rc = db_query_int(db, &lock, DB_NOARGS, &ignored, err);
	rc = rc == KF_ENOTFOUND ? 0 : rc;
	struct pending *p = pending_get(db);
	for (int i = 0; rc >= 0 && i < p->n; i++)
		rc = db_exec(db, &q, DB_ARGS(db_int(p->v[i])), err);
	p->n = 0;
	return rc < 0 ? rc : 0;
}

static void order_commits(struct db *db, int64_t seq)
{
	if (strcmp(db_dialect(db), "postgres") != 0)
		return;
	struct pending *p = pending_get(db);
	if (!db_before_commit_pending(db))
		p->n = 0; /* the first append of this transaction */
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->v = xreallocarray(p->v, (size_t)p->cap, sizeof *p->v);
	}
	p->v[p->n++] = seq;
	db_before_commit(db, renumber);
}

int outbox_append(struct db *db, struct event *ev, const struct actor *a, struct kf_error *err)
{
	static struct db_sql q = DB_SQL(
	        "INSERT INTO events (type, entity, entity_id, actor_kind, actor_id, "
	        "payload, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq");
	if (!db_in_tx(db) && !db_in_batch(db))
		KF_BUG("outbox_append outside a transaction");
	if (!event_type_known(ev->type))
		KF_BUG("outbox_append: an event type missing from event_types.c");
	ev->actor_kind = a && a->kind ? a->kind : "system";
	ev->actor_id = a ? a->id : 0;
	if (ev->created_at_ms == 0)
		ev->created_at_ms = clock_now_ms();
	char *payload = ev->payload ? json_dumps(ev->payload, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = db_query_int(db, &q,
	                      DB_ARGS(db_text(ev->type), db_text(ev->entity), db_int(ev->entity_id),
	                              db_text(ev->actor_kind), db_int(ev->actor_id),
	                              db_text(payload ? payload : "{}"), db_int(ev->created_at_ms)),
	                      &ev->seq, err);
	free(payload);
	if (rc < 0)
		return rc;
	order_commits(db, ev->seq);
	db_after_commit(db, outbox_committed);
	return run_listeners(db, ev, err);
}

static int type_listed(const char *type, const char *const *types)
{
	if (!types)
		return 1;
	for (; *types; types++)
		if (strcmp(*types, type) == 0)
			return 1;
	return 0;
}

static int read_row(struct db_rows *r, const char *const *types, outbox_fn fn, void *arg, struct kf_error *err)
{
	const char *type = db_col_text(r, 1);
	if (!type_listed(type, types))
		return 0;
	json_error_t jerr;
	const char *text = db_col_text(r, 6);
	json_t *payload = json_loads(text ? text : "{}", 0, &jerr);
	struct event ev = {
		.seq = db_col_int(r, 0),
		.type = type,
		.entity = db_col_text(r, 2),
		.entity_id = db_col_int(r, 3),
		.actor_kind = db_col_text(r, 4),
		.actor_id = db_col_int(r, 5),
		.payload = payload ? payload : json_object(),
		.created_at_ms = db_col_int(r, 7),
	};
	int rc = fn(&ev, arg, err);
	json_decref(ev.payload);
	return rc < 0 ? rc : rc > 0 ? 2 : 1;
}

int outbox_read(struct db *db, int64_t after, const char *const *types, int limit, outbox_fn fn, void *arg,
                int64_t *scanned, struct kf_error *err)
{
	/* Filtering by type in C keeps one statement; a page of other types is
	 * read and skipped, and *scanned tells the caller how far it got. */
	static struct db_sql q = DB_SQL("SELECT seq, type, entity, entity_id, actor_kind, actor_id, payload, "
	                                "created_at FROM events WHERE seq > $1 ORDER BY seq LIMIT $2");
	struct db_rows *r;
	int rc = db_query(db, &q, DB_ARGS(db_int(after), db_int(limit)), &r, err);
	if (rc < 0)
		return rc;
	int n = 0;
	*scanned = after;
	while ((rc = db_next(r, err)) > 0) {
		int64_t seq = db_col_int(r, 0);
		rc = read_row(r, types, fn, arg, err);
		if (rc < 0)
			break;
		n += rc > 0;
		*scanned = seq;
		if (rc == 2)
			break;
	}
	db_done(r);
	return rc < 0 ? rc : n;
}

int outbox_last_seq(struct db *db, int64_t *out, struct kf_error *err)
{
	static struct db_sql q = DB_SQL("SELECT COALESCE(MAX(seq), 0) FROM events");
	return db_query_int(db, &q, DB_NOARGS, out, err);
}

int outbox_prune(struct db *db, int64_t before_ms, struct kf_error *err)
{
	static struct db_sql q = DB_SQL("DELETE FROM events WHERE created_at < $1");
	return db_exec(db, &q, DB_ARGS(db_int(before_ms)), err);
}
