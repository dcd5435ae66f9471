/*
 * db.c - the backend-neutral half of the store (see db.h).
 *
 * db_open picks a backend from the URL and every db_* call forwards
 * through its struct store_ops (store_int.h).  What both backends share
 * lives here: the per-connection statement cache, transaction depth and
 * the rollback-only mark, the per-thread time accounting, and struct store,
 * which hands each thread its own connection.
 *
 * Statement slots.  A static struct db_sql gets a process-wide slot number
 * the first time any thread uses it (an atomic counter plus a
 * compare-and-swap on q->slot, so racing threads agree on one number).  Each
 * connection keeps a growable array of its prepared statements indexed by
 * slot, so the hot path is one array lookup.
 *
 * Errors inside a transaction.  PostgreSQL aborts a transaction on any
 * failed statement; so that SQLite behaves the same, a statement that fails
 * inside a transaction marks it rollback-only, like an inner db_rollback.
 */
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "store/migrate.h"
#include "store/store_int.h"

/* Last slot handed out; slots start at 1 so 0 can mean "not yet". */
static int slot_counter;

/* Microseconds the calling thread has spent inside db calls. */
static __thread uint64_t thread_db_us;

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void account(uint64_t started_us)
{
	thread_db_us += mono_us() - started_us;
}

uint64_t db_thread_time_us(void)
{
	return thread_db_us;
}

/* ---- choosing the backend ------------------------------------------------ */

static const struct {
	const char *prefix; /* how the URL starts */
	int strip; /* 1: the backend gets the rest only */
	const struct store_ops *ops; /* the backend */
} url_schemes[] = {
	{ "sqlite:", 1, &sqlite_ops },
	{ "postgres://", 0, &pg_ops },
	{ "postgresql://", 0, &pg_ops },
};

/* Does the libpq key=value string s set keyword key (given with its '=')? */
static int conninfo_has(const char *s, const char *key)
{
	for (const char *p = strstr(s, key); p; p = strstr(p + 1, key))
		if (p == s || p[-1] == ' ' || p[-1] == '\t')
			return 1;
	return 0;
}

/* "host=... dbname=...": starts with a keyword and names a host or database. */
static int is_conninfo(const char *s)
{
	s += strspn(s, " \t");
	size_t k = strspn(s, "abcdefghijklmnopqrstuvwxyz_");
	if (k == 0 || s[k] != '=')
		return 0;
	return conninfo_has(s, "dbname=") || conninfo_has(s, "host=");
}

static const struct store_ops *url_backend(const char *url, const char **target)
{
	for (size_t i = 0; i < sizeof(url_schemes) / sizeof(url_schemes[0]); i++) {
		size_t n = strlen(url_schemes[i].prefix);
		if (strncmp(url, url_schemes[i].prefix, n) == 0) {
			*target = url_schemes[i].strip ? url + n : url;
			return url_schemes[i].ops;
		}
	}
	*target = url;
	return is_conninfo(url) ? &pg_ops : &sqlite_ops;
}

int db_open(const char *url, const struct db_options *opt, struct db **out, struct kf_error *err)
{
	static const struct db_options defaults = DB_OPTIONS_INIT;
	const char *target = NULL;

	*out = NULL;
	if (!url || !*url)
		return kf_fail(err, KF_EINVAL, "required", "url", "no database URL given");
	const struct store_ops *ops = url_backend(url, &target);
	if (!*target)
		return kf_fail(err, KF_EINVAL, "invalid", "url", "database URL \"%s\" names no file", url);
	return ops->open(target, opt ? opt : &defaults, out, err);
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->attached_free)
		db->attached_free(db->attached);
	for (int i = 0; i < db->nstmts; i++) {
		struct db_rows *r = db->stmts[i];
		if (!r)
			continue;
		if (r->open)
			db->ops->done(r);
		db->ops->finalize(r);
	}
	free(db->stmts);
	db->stmts = NULL;
	db->nstmts = 0;
	db->ops->close(db);
}

const char *db_dialect(const struct db *db)
{
	return db->ops->name;
}

/* ---- statements ---------------------------------------------------------- */

/* q's slot, assigned on first use; safe when threads race on the same q. */
static int sql_slot(struct db_sql *q)
{
	int slot = __atomic_load_n(&q->slot, __ATOMIC_ACQUIRE);
	if (slot > 0)
		return slot;
	int mine = __atomic_add_fetch(&slot_counter, 1, __ATOMIC_RELAXED);
	int expected = 0;
	if (__atomic_compare_exchange_n(&q->slot, &expected, mine, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return mine;
	return expected; /* another thread won; its number is q's slot */
}

/* Make db->stmts long enough to index slot. */
static void stmts_grow(struct db *db, int slot)
{
	int n = db->nstmts ? db->nstmts : 16;
	while (n <= slot)
		n *= 2;
	db->stmts = xreallocarray(db->stmts, (size_t)n, sizeof(*db->stmts));
	memset(db->stmts + db->nstmts, 0, (size_t)(n - db->nstmts) * sizeof(*db->stmts));
	db->nstmts = n;
}

/* The connection's statement for q, prepared on first use. */
static int stmt_get(struct db *db, struct db_sql *q, struct db_rows **out, struct kf_error *err)
{
	int slot = sql_slot(q);
	if (slot >= db->nstmts)
		stmts_grow(db, slot);
	if (!db->stmts[slot]) {
		int rc = db->ops->prepare(db, q, &db->stmts[slot], err);
		if (rc < 0)
			return rc;
	}
	struct db_rows *r = db->stmts[slot];
	if (r->open)
		KF_BUG("statement used again before db_done on its open result");
	*out = r;
	return 0;
}

/* ---- fault injection (db_fault_*) ---------------------------------------- */

void db_fault_stmt(struct db *db, int n)
{
	db->fault_stmt = n > 0 ? n : 0;
}

void db_fault_commit(struct db *db)
{
	db->fault_commit = 1;
}

int db_fault_armed(const struct db *db)
{
	return db->fault_stmt > 0 || db->fault_commit;
}

/* Counts a statement down; KF_EDB when it is the armed one. */
static int fault_stmt_hit(struct db *db, struct kf_error *err)
{
	if (--db->fault_stmt > 0)
		return 0;
	return kf_fail(err, KF_EDB, "injected_fault", NULL, "injected fault: this statement fails (test)");
}

/* The armed commit fault: disarm and fail. */
static int fault_commit_hit(struct db *db, struct kf_error *err)
{
	db->fault_commit = 0;
	return kf_fail(err, KF_EDB, "injected_fault", NULL, "injected fault: this commit fails (test)");
}

/* A backend failure inside a transaction makes it rollback-only. */
static int note_failure(struct db *db, int rc)
{
	if (rc < 0 && db->tx_depth > 0)
		db->tx_failed = 1;
	else if (rc < 0 && db->batch)
		db->item_failed = 1;
	return rc;
}

/* nargs < 0: a struct db_argv filled past its capacity (see db.h). */
static int args_check(int nargs, struct kf_error *err)
{
	if (nargs >= 0)
		return 0;
	return kf_fail(err, KF_EINVAL, "too_many_arguments", NULL, "too many statement arguments");
}

int db_exec(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, struct kf_error *err)
{
	uint64_t t0 = mono_us();
	struct db_rows *r = NULL;
	int rc = args_check(nargs, err);
	if (rc == 0 && db->fault_stmt > 0)
		rc = fault_stmt_hit(db, err);
	if (rc == 0)
		rc = stmt_get(db, q, &r, err);
	if (rc == 0)
		rc = db->ops->exec(r, args, nargs, err);
	account(t0);
	return note_failure(db, rc);
}

int db_query(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, struct db_rows **out,
             struct kf_error *err)
{
	uint64_t t0 = mono_us();
	struct db_rows *r = NULL;
	*out = NULL;
	int rc = args_check(nargs, err);
	if (rc == 0 && db->fault_stmt > 0)
		rc = fault_stmt_hit(db, err);
	if (rc == 0)
		rc = stmt_get(db, q, &r, err);
	if (rc < 0)
		goto out;
	rc = db->ops->query(r, args, nargs, err);
	if (rc < 0)
		goto out;
	r->open = 1;
	*out = r;
out:
	account(t0);
	return note_failure(db, rc);
}

int db_next(struct db_rows *r, struct kf_error *err)
{
	uint64_t t0 = mono_us();
	int rc = r->db->ops->next(r, err);
	account(t0);
	return note_failure(r->db, rc);
}

int db_col_isnull(struct db_rows *r, int col)
{
	return r->db->ops->col_isnull(r, col);
}

int64_t db_col_int(struct db_rows *r, int col)
{
	return r->db->ops->col_int(r, col);
}

double db_col_real(struct db_rows *r, int col)
{
	return r->db->ops->col_real(r, col);
}

const char *db_col_text(struct db_rows *r, int col)
{
	return r->db->ops->col_text(r, col);
}

size_t db_col_len(struct db_rows *r, int col)
{
	return r->db->ops->col_len(r, col);
}

void db_done(struct db_rows *r)
{
	if (!r || !r->open)
		return;
	r->db->ops->done(r);
	r->open = 0;
}

int db_query_int(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, int64_t *out,
                 struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, q, args, nargs, &r, err);
	if (rc < 0)
		goto out;
	rc = db_next(r, err);
	if (rc < 0)
		goto out;
	if (rc == 0) {
		rc = kf_fail(err, KF_ENOTFOUND, NULL, NULL, "the query returned no row");
		goto out;
	}
	*out = db_col_int(r, 0);
	rc = 0;
out:
	db_done(r);
	return rc;
}

/* ---- transactions -------------------------------------------------------- */

/*
 * Savepoint statements, prepared once per connection like any other.  In
 * a batch the outermost level of a domain transaction is kf_tx; each item
 * is kf_item.
 */
static struct db_sql q_tx_begin = DB_SQL("SAVEPOINT kf_tx");
static struct db_sql q_tx_release = DB_SQL("RELEASE kf_tx");
static struct db_sql q_tx_undo = DB_SQL("ROLLBACK TO kf_tx");
static struct db_sql q_item_begin = DB_SQL("SAVEPOINT kf_item");
static struct db_sql q_item_release = DB_SQL("RELEASE kf_item");
static struct db_sql q_item_undo = DB_SQL("ROLLBACK TO kf_item");

/* One savepoint statement; not a failure of the item's own statements. */
static int sp_run(struct db *db, struct db_sql *q, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = stmt_get(db, q, &r, err);
	if (rc == 0)
		rc = db->ops->exec(r, NULL, 0, err);
	return rc < 0 ? rc : 0;
}

/* Undo to a savepoint and drop it. */
static int sp_undo(struct db *db, struct db_sql *undo, struct db_sql *release, struct kf_error *err)
{
	int rc = sp_run(db, undo, err);
	return rc < 0 ? rc : sp_run(db, release, err);
}

static int tx_verb(struct db *db, enum db_tx_verb verb, struct kf_error *err)
{
	if (!db->batch)
		return db->ops->tx(db, verb, err);
	if (verb == DB_TX_BEGIN)
		return sp_run(db, &q_tx_begin, err);
	if (verb == DB_TX_COMMIT)
		return sp_run(db, &q_tx_release, err);
	return sp_undo(db, &q_tx_undo, &q_tx_release, err);
}

void db_after_commit(struct db *db, void (*fn)(void))
{
	db->after_commit = fn;
}

/* The end of the outermost transaction: the hook runs only when it committed. */
static void run_after_commit(struct db *db, int rc)
{
	void (*fn)(void) = db->after_commit;
	db->after_commit = NULL;
	if (fn && rc >= 0)
		fn();
}

int db_begin(struct db *db, struct kf_error *err)
{
	if (db->tx_depth == 0) {
		uint64_t t0 = mono_us();
		int rc = tx_verb(db, DB_TX_BEGIN, err);
		account(t0);
		if (rc < 0)
			return rc;
		db->tx_failed = 0;
	}
	db->tx_depth++;
	return 0;
}

/*
 * Ends one level, even when it fails: never db_rollback after a failed
 * db_commit.  An inner level only counts down.
 */
void db_before_commit(struct db *db, int (*fn)(struct db *db, struct kf_error *err))
{
	db->before_commit = fn;
}

void *db_attached(struct db *db)
{
	return db->attached;
}

void db_attach(struct db *db, void *p, void (*free_fn)(void *p))
{
	db->attached = p;
	db->attached_free = free_fn;
}

int db_before_commit_pending(const struct db *db)
{
	return db->before_commit != NULL;
}

/* The hook's statements run inside the transaction; a failure fails it. */
static int run_before_commit(struct db *db, struct kf_error *err)
{
	int (*fn)(struct db *, struct kf_error *) = db->before_commit;
	db->before_commit = NULL;
	return fn ? fn(db, err) : 0;
}

int db_commit(struct db *db, struct kf_error *err)
{
	if (db->tx_depth <= 0)
		KF_BUG("db_commit without db_begin");
	if (db->tx_depth == 1 && !db->batch && !db->tx_failed && !db->fault_commit &&
	    run_before_commit(db, err) < 0)
		db->tx_failed = 1;
	if (--db->tx_depth > 0)
		return 0;
	uint64_t t0 = mono_us();
	int rc = 0;
	if (db->tx_failed) {
		tx_verb(db, DB_TX_ROLLBACK, NULL);
		rc = kf_fail(err, KF_EDB, "rolled_back", NULL,
		             "the transaction was rolled back because a step inside it failed");
	} else if (db->fault_commit) {
		tx_verb(db, DB_TX_ROLLBACK, NULL);
		rc = fault_commit_hit(db, err);
	} else {
		rc = tx_verb(db, DB_TX_COMMIT, err);
		if (rc < 0)
			tx_verb(db, DB_TX_ROLLBACK, NULL);
	}
	db->tx_failed = 0;
	account(t0);
	if (!db->batch) /* in a batch the hook waits for db_batch_commit */
		run_after_commit(db, rc);
	return rc;
}

/* Outside a transaction a no-op, so cleanup paths may call it freely. */
void db_rollback(struct db *db)
{
	if (db->tx_depth <= 0)
		return;
	if (--db->tx_depth > 0) {
		db->tx_failed = 1;
		return;
	}
	uint64_t t0 = mono_us();
	tx_verb(db, DB_TX_ROLLBACK, NULL);
	db->tx_failed = 0;
	account(t0);
	if (!db->batch) {
		db->after_commit = NULL;
		db->before_commit = NULL;
	}
}

int db_finish(struct db *db, int rc, struct kf_error *err)
{
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

int db_batch_begin(struct db *db, struct kf_error *err)
{
	if (db->tx_depth > 0 || db->batch)
		KF_BUG("db_batch_begin inside a transaction");
	uint64_t t0 = mono_us();
	int rc = db->ops->tx(db, DB_TX_BEGIN, err);
	account(t0);
	if (rc == 0)
		db->batch = 1;
	return rc;
}

int db_batch_item_begin(struct db *db, struct kf_error *err)
{
	if (!db->batch || db->tx_depth > 0)
		KF_BUG("db_batch_item_begin outside a batch or inside a transaction");
	db->item_failed = 0;
	return sp_run(db, &q_item_begin, err);
}

int db_batch_item_end(struct db *db, int keep, struct kf_error *err)
{
	if (!db->batch)
		KF_BUG("db_batch_item_end outside a batch");
	if (db->tx_depth > 0)
		KF_BUG("a batch item left a transaction open");
	keep = keep && !db->item_failed;
	db->item_failed = 0;
	int rc = keep ? sp_run(db, &q_item_release, err) : sp_undo(db, &q_item_undo, &q_item_release, err);
	return rc < 0 ? rc : keep;
}

int db_batch_commit(struct db *db, struct kf_error *err)
{
	if (!db->batch || db->tx_depth > 0)
		KF_BUG("db_batch_commit outside a batch or inside a transaction");
	int rc = db->fault_commit ? 0 : run_before_commit(db, err);
	db->batch = 0;
	uint64_t t0 = mono_us();
	if (rc == 0)
		rc = db->fault_commit ? fault_commit_hit(db, err) : db->ops->tx(db, DB_TX_COMMIT, err);
	if (rc < 0)
		db->ops->tx(db, DB_TX_ROLLBACK, NULL);
	account(t0);
	run_after_commit(db, rc);
	return rc;
}

void db_batch_abort(struct db *db)
{
	if (!db->batch)
		return;
	db->batch = 0;
	db->tx_depth = 0;
	db->tx_failed = 0;
	db->after_commit = NULL;
	db->before_commit = NULL;
	db->ops->tx(db, DB_TX_ROLLBACK, NULL);
}

int db_in_tx(const struct db *db)
{
	return db->tx_depth > 0;
}

int db_in_batch(const struct db *db)
{
	return db->batch;
}

int db_exec_script(struct db *db, const char *sql, struct kf_error *err)
{
	uint64_t t0 = mono_us();
	int rc = db->ops->exec_script(db, sql, err);
	account(t0);
	return note_failure(db, rc);
}

int db_backup(struct db *db, const char *dest, struct kf_error *err)
{
	if (db->tx_depth > 0)
		return kf_fail(err, KF_EINVAL, NULL, NULL, "a backup cannot be taken inside a transaction");
	if (!dest || !*dest)
		return kf_fail(err, KF_EINVAL, "required", "dest", "no backup file given");
	return db->ops->backup(db, dest, err);
}

int store_backup_start(const char *dest, struct buf *tmp, struct kf_error *err)
{
	if (buf_addf(tmp, "%s.tmp", dest) < 0)
		return kf_fail(err, KF_EINVAL, NULL, "dest", "backup file name too long");
	if (unlink(tmp->p) != 0 && errno != ENOENT)
		return kf_fail(err, KF_EIO, NULL, NULL, "cannot remove %s: %s", tmp->p, strerror(errno));
	int fd = open(tmp->p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return kf_fail(err, KF_EIO, NULL, NULL, "cannot create %s: %s", tmp->p, strerror(errno));
	close(fd);
	return 0;
}

int store_backup_end(struct buf *tmp, const char *dest, int rc, struct kf_error *err)
{
	if (rc == 0 && rename(tmp->p, dest) != 0)
		rc = kf_fail(err, KF_EIO, NULL, NULL, "cannot rename %s to %s: %s", tmp->p, dest,
		             strerror(errno));
	if (rc < 0 && tmp->p)
		unlink(tmp->p);
	buf_release(tmp);
	return rc;
}

/* ---- the shared handle --------------------------------------------------- */

struct store_conn {
	pthread_t thread; /* the thread that owns db */
	struct db *db; /* its connection */
};

struct store {
	char *url; /* as given to store_open; owned */
	struct db_options opt; /* used for every connection */
	uint64_t id; /* unique per store_open; see thread_conn */
	pthread_mutex_t lock; /* guards conns and nconns */
	struct store_conn *conns; /* one per thread that asked */
	size_t nconns;
	size_t cap;
};

/* Last store id handed out. */
static uint64_t store_ids;

/*
 * The calling thread's last answer from store_db.  The id, not only the
 * pointer, must match: a closed store's memory may be reused by a new one.
 */
static __thread struct {
	const struct store *s; /* the store asked */
	uint64_t id; /* its id at the time */
	struct db *db; /* the connection returned */
} thread_conn;

static struct db *store_find(struct store *s, pthread_t self)
{
	struct db *db = NULL;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->nconns && !db; i++)
		if (pthread_equal(s->conns[i].thread, self))
			db = s->conns[i].db;
	pthread_mutex_unlock(&s->lock);
	return db;
}

static void store_add(struct store *s, pthread_t self, struct db *db)
{
	pthread_mutex_lock(&s->lock);
	if (s->nconns == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->conns = xreallocarray(s->conns, s->cap, sizeof(*s->conns));
	}
	s->conns[s->nconns].thread = self;
	s->conns[s->nconns].db = db;
	s->nconns++;
	pthread_mutex_unlock(&s->lock);
}

/* Is the schema in db the one this kefu knows?  Migrates if opt says so. */
static int store_check_schema(struct db *db, const struct db_options *opt, struct kf_error *err)
{
	int latest = migrate_latest(), current = 0, applied = 0;
	int rc = migrate_current(db, &current, err);
	if (rc < 0 || current >= latest)
		return rc; /* newer is refused by db_open already */
	if (opt->migrate)
		return migrate_apply(db, &applied, err);
	if (current == 0)
		return kf_fail(err, KF_EINVAL, "not_initialised", NULL, "database is empty: run kefu init");
	return kf_fail(err, KF_EINVAL, "needs_migration", NULL,
	               "database schema %d is older than this kefu (%d): run kefu migrate", current, latest);
}

int store_open(const char *url, const struct db_options *opt, struct store **out, struct kf_error *err)
{
	static const struct db_options defaults = DB_OPTIONS_INIT;
	struct db *db = NULL;

	*out = NULL;
	if (!opt)
		opt = &defaults;
	int rc = db_open(url, opt, &db, err);
	if (rc < 0)
		goto out;
	rc = store_check_schema(db, opt, err);
	if (rc < 0)
		goto out;
	struct store *s = xcalloc(1, sizeof(*s));
	s->url = xstrdup(url);
	s->opt = *opt;
	s->id = __atomic_add_fetch(&store_ids, 1, __ATOMIC_RELAXED);
	pthread_mutex_init(&s->lock, NULL);
	store_add(s, pthread_self(), db);
	db = NULL;
	*out = s;
out:
	db_close(db);
	return rc;
}

struct db *store_db(struct store *s, struct kf_error *err)
{
	if (thread_conn.s == s && thread_conn.id == s->id)
		return thread_conn.db;
	pthread_t self = pthread_self();
	struct db *db = store_find(s, self);
	if (!db) {
		if (db_open(s->url, &s->opt, &db, err) < 0)
			return NULL;
		store_add(s, self, db);
	}
	thread_conn.s = s;
	thread_conn.id = s->id;
	thread_conn.db = db;
	return db;
}

const char *store_url(const struct store *s)
{
	return s->url;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nconns; i++)
		db_close(s->conns[i].db);
	if (thread_conn.s == s)
		thread_conn.s = NULL;
	pthread_mutex_destroy(&s->lock);
	free(s->conns);
	free(s->url);
	free(s);
}
