/*
 * sqlite.c - the SQLite backend of the store (see db.h, store_int.h).
 *
 * One sqlite3 handle per struct db, opened NOMUTEX because one thread owns
 * a connection at a time.  Opening checks whose file it is before anything
 * can write to it: not a database, another application's database, or a
 * kefu database from a newer kefu are refused with KF_EFOREIGN and the file
 * is left byte for byte as it was.  Only then is the connection tuned
 * (WAL, synchronous, foreign keys).
 *
 * Statements are prepared once per connection (SQLITE_PREPARE_PERSISTENT).
 * The SQL uses $1..$N; SQLite sees those as named parameters and numbers
 * them in order of first appearance, so values are bound by name.
 * db_query steps the first row itself so that errors surface in db_query on
 * both backends; the first db_next then hands out that row.
 *
 * Durability by group commit.  With sync_full (the default) an
 * acknowledged write must survive power loss, which needs an fsync of the
 * WAL after every commit: ~170 us here, so at most ~5,800 commits/s if
 * each pays its own (../shared/reference/performance-notes.md).  Instead
 * the connections run synchronous=NORMAL (a commit only write()s its WAL
 * frames) and every write commit then waits in wal_barrier() until an
 * fsync of the WAL that STARTED after its write has finished.  One
 * committer at a time leads an fsync; the others wait for it and are all
 * covered by it, so concurrent commits share fsyncs and nothing is
 * acknowledged before it is on disk.  (SQLite itself fsyncs the WAL before
 * every checkpoint in this mode, so the database file stays consistent.)
 * A failed fsync aborts the process: after one, the kernel may have
 * dropped dirty pages, and no later fsync can prove them written.
 *
 * Writers in one process queue on a mutex per database file instead of
 * on SQLite's busy handler, which sleeps in steps of milliseconds and
 * wrecks throughput when two worker threads write at once.  The mutex
 * is held from BEGIN IMMEDIATE to COMMIT (or around one autocommit write
 * statement) and released before the fsync wait, so the next writer runs
 * while the previous one waits for the disk.  Other processes (the CLI
 * while kefu serves) still meet SQLite's own lock and busy timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "store/migrate.h"
#include "store/store_int.h"

/* The group-commit state of one database file, shared by its connections. */
struct wal_sync {
	struct wal_sync *next; /* in the list of open files */
	char *path; /* the database file; owned */
	int refs; /* connections using it */
	int fd; /* the -wal file, opened on first use; -1 before */
	uint64_t written; /* commits that have written their frames */
	uint64_t synced; /* commits known to be on disk */
	int syncing; /* a leader is in fsync */
	pthread_cond_t done; /* broadcast after every fsync */
	pthread_mutex_t writer; /* one writing connection at a time, in this process */
};

static pthread_mutex_t wal_mu = PTHREAD_MUTEX_INITIALIZER; /* guards every wal_sync and the list */
static struct wal_sync *wal_files;

struct sqlite_db {
	struct db db; /* first, for sqlite_downcast */
	sqlite3 *conn; /* the handle */
	char *path; /* the file, for messages; owned */
	struct wal_sync *ws; /* the file's shared state (writer lock, group commit) */
	int durable; /* wait for the WAL fsync after each write commit (sync_full) */
	int writing; /* holds ws->writer */
};

struct sqlite_rows {
	struct db_rows rows; /* first, for rows_downcast */
	sqlite3_stmt *st; /* the prepared statement */
	int pending; /* db_query stepped once; the next db_next reports it */
	int have_row; /* what that step found: 1 a row, 0 the end */
	int finished; /* stepped past the last row, or failed */
	int nparams; /* parameters of the statement, once param_idx is set */
	int *param_idx; /* param_idx[i] = SQLite's index of "$i+1"; owned */
};

static struct sqlite_db *sqlite_downcast(struct db *db)
{
	if (db->ops != &sqlite_ops)
		KF_BUG("sqlite backend handed a connection of another backend");
	return (struct sqlite_db *)db;
}

static struct sqlite_rows *rows_downcast(struct db_rows *r)
{
	sqlite_downcast(r->db);
	return (struct sqlite_rows *)r;
}

/* SQLite result code (extended) to KF_E*. */
static int sqlite_code(int rc)
{
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return KF_EEXIST;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return KF_EBUSY;
	return KF_EDB;
}

static int sqlite_fail(struct sqlite_db *s, int rc, struct kf_error *err)
{
	return kf_fail(err, sqlite_code(rc), NULL, NULL, "sqlite: %s", sqlite3_errmsg(s->conn));
}

/* ---- opening ------------------------------------------------------------- */

/* Run a one-value query that cannot write; NOTADB means not a database. */
static int identity_int(struct sqlite_db *s, const char *sql, int64_t *out, struct kf_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->conn, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if ((rc & 0xff) == SQLITE_NOTADB) {
		rc = kf_fail(err, KF_EFOREIGN, NULL, NULL, "%s is not a SQLite database", s->path);
	} else {
		rc = sqlite_fail(s, rc == SQLITE_DONE ? SQLITE_ERROR : rc, err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Empty, or kefu's and not newer than this build?  Reads only. */
static int sqlite_check_identity(struct sqlite_db *s, struct kf_error *err)
{
	int64_t objects = 0, app = 0, version = 0;
	int rc = identity_int(s, "SELECT count(*) FROM sqlite_master", &objects, err);
	if (rc == 0)
		rc = identity_int(s, "PRAGMA application_id", &app, err);
	if (rc == 0)
		rc = identity_int(s, "PRAGMA user_version", &version, err);
	if (rc < 0)
		return rc;
	if (app != MIGRATE_APP_ID && (objects > 0 || app != 0))
		return kf_fail(err, KF_EFOREIGN, NULL, NULL,
		               "%s is not a kefu database (it holds another application's data)", s->path);
	int latest = migrate_latest();
	if (version > latest)
		return kf_fail(err, KF_EFOREIGN, NULL, NULL,
		               "%s was written by a newer kefu (schema %lld, this kefu knows %d)", s->path,
		               (long long)version, latest);
	return 0;
}

/* The shared group-commit state of path (created on first use). */
static struct wal_sync *wal_sync_get(const char *path)
{
	pthread_mutex_lock(&wal_mu);
	struct wal_sync *w = wal_files;
	while (w && strcmp(w->path, path) != 0)
		w = w->next;
	if (!w) {
		w = xcalloc(1, sizeof(*w));
		w->path = xstrdup(path);
		w->fd = -1;
		pthread_cond_init(&w->done, NULL);
		pthread_mutex_init(&w->writer, NULL);
		w->next = wal_files;
		wal_files = w;
	}
	w->refs++;
	pthread_mutex_unlock(&wal_mu);
	return w;
}

static void wal_sync_put(struct wal_sync *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&wal_mu);
	if (--w->refs == 0) {
		struct wal_sync **p = &wal_files;
		while (*p != w)
			p = &(*p)->next;
		*p = w->next;
		if (w->fd >= 0)
			close(w->fd);
		pthread_cond_destroy(&w->done);
		pthread_mutex_destroy(&w->writer);
		free(w->path);
		free(w);
	}
	pthread_mutex_unlock(&wal_mu);
}

/* fsync the WAL (called by the leader, without wal_mu held). */
static void wal_fsync(struct wal_sync *w, int fd)
{
	if (fsync(fd) != 0) {
		fprintf(stderr, "kefu: fsync of %s-wal failed: %s; stopping to protect the data\n", w->path,
		        strerror(errno));
		abort();
	}
}

/*
 * Return once this connection's last commit is on disk: count it as
 * written, then lead an fsync (if none is running) or wait for the one
 * that covers it.
 */
static void wal_barrier(struct sqlite_db *s)
{
	struct wal_sync *w = s->ws;
	if (!w || !s->durable)
		return;
	pthread_mutex_lock(&wal_mu);
	uint64_t mine = ++w->written;
	if (w->fd < 0) {
		char wal[PATH_MAX];
		snprintf(wal, sizeof(wal), "%s-wal", w->path);
		w->fd = open(wal, O_RDONLY | O_CLOEXEC);
		if (w->fd < 0) {
			fprintf(stderr, "kefu: cannot open %s: %s\n", wal, strerror(errno));
			abort();
		}
	}
	while (w->synced < mine) {
		if (w->syncing) {
			pthread_cond_wait(&w->done, &wal_mu);
			continue;
		}
		uint64_t target = w->written;
		int fd = w->fd;
		w->syncing = 1;
		pthread_mutex_unlock(&wal_mu);
		wal_fsync(w, fd);
		pthread_mutex_lock(&wal_mu);
		w->syncing = 0;
		if (target > w->synced)
			w->synced = target;
		pthread_cond_broadcast(&w->done);
	}
	pthread_mutex_unlock(&wal_mu);
}

static void writer_lock(struct sqlite_db *s)
{
	if (s->ws && !s->writing) {
		pthread_mutex_lock(&s->ws->writer);
		s->writing = 1;
	}
}

static void writer_unlock(struct sqlite_db *s)
{
	if (s->writing) {
		s->writing = 0;
		pthread_mutex_unlock(&s->ws->writer);
	}
}

/* Before stepping st outside a transaction: a write takes the writer lock. */
static void autocommit_begin(struct sqlite_db *s, sqlite3_stmt *st)
{
	if (!sqlite3_stmt_readonly(st) && sqlite3_get_autocommit(s->conn))
		writer_lock(s);
}

/* After st was reset outside a transaction: release the lock, then wait for the disk. */
static void autocommit_end(struct sqlite_db *s, sqlite3_stmt *st)
{
	if (!s->writing || !sqlite3_get_autocommit(s->conn))
		return;
	writer_unlock(s);
	if (!sqlite3_stmt_readonly(st))
		wal_barrier(s);
}

static int sqlite_tune(struct sqlite_db *s, const struct db_options *opt, struct kf_error *err)
{
	int rc = sqlite3_exec(
	        s->conn,
	        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
	        NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sqlite_fail(s, rc, err);
	if (strcmp(s->path, ":memory:") != 0)
		s->ws = wal_sync_get(s->path);
	s->durable = opt->sync_full;
	return 0;
}

static void sqlite_close(struct db *db)
{
	struct sqlite_db *s = sqlite_downcast(db);
	sqlite3_close_v2(s->conn);
	writer_unlock(s);
	wal_sync_put(s->ws);
	free(s->path);
	free(s);
}

static int sqlite_open(const char *path, const struct db_options *opt, struct db **out, struct kf_error *err)
{
	struct sqlite_db *s = xcalloc(1, sizeof(*s));
	int rc = 0;

	s->db.ops = &sqlite_ops;
	s->path = xstrdup(path);
	if (!opt->create && strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0) {
		rc = kf_fail(err, errno == ENOENT ? KF_ENOTFOUND : KF_EIO, NULL, NULL, "database file %s: %s",
		             path, strerror(errno));
		goto out;
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (opt->create ? SQLITE_OPEN_CREATE : 0);
	rc = sqlite3_open_v2(path, &s->conn, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = kf_fail(err, KF_EIO, NULL, NULL, "cannot open %s: %s", path,
		             s->conn ? sqlite3_errmsg(s->conn) : sqlite3_errstr(rc));
		goto out;
	}
	sqlite3_extended_result_codes(s->conn, 1);
	sqlite3_busy_timeout(s->conn, opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 5000);
	rc = sqlite_check_identity(s, err);
	if (rc < 0)
		goto out;
	rc = sqlite_tune(s, opt, err);
	if (rc < 0)
		goto out;
	*out = &s->db;
out:
	if (rc < 0)
		sqlite_close(&s->db);
	return rc;
}

/* ---- statements ---------------------------------------------------------- */

static int sqlite_prepare(struct db *db, const struct db_sql *q, struct db_rows **out, struct kf_error *err)
{
	struct sqlite_db *s = sqlite_downcast(db);
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	/* A trailing FOR UPDATE (a PostgreSQL row lock) is left out: SQLite writers are serialised. */
	static const char lock[] = " FOR UPDATE";
	size_t len = strlen(q->text), ll = sizeof(lock) - 1;
	int n = len > ll && strcmp(q->text + len - ll, lock) == 0 ? (int)(len - ll) : -1;
	int rc = sqlite3_prepare_v3(s->conn, q->text, n, SQLITE_PREPARE_PERSISTENT, &st, &tail);
	if (rc != SQLITE_OK)
		return sqlite_fail(s, rc, err);
	const char *end = q->text + (n >= 0 ? (size_t)n : len);
	if (!st || (tail && tail < end && tail + strspn(tail, " \t\r\n;") < end)) {
		sqlite3_finalize(st);
		return kf_fail(err, KF_EDB, NULL, NULL,
		               "sqlite: a statement must hold exactly one SQL command");
	}
	struct sqlite_rows *r = xcalloc(1, sizeof(*r));
	r->rows.db = db;
	r->rows.q = q;
	r->st = st;
	*out = &r->rows;
	return 0;
}

static void sqlite_finalize(struct db_rows *rows)
{
	struct sqlite_rows *r = rows_downcast(rows);
	sqlite3_finalize(r->st);
	free(r->param_idx);
	free(r);
}

static int bind_one(sqlite3_stmt *st, int idx, const struct db_arg *a)
{
	switch (a->type) {
	case DB_T_INT:
		return sqlite3_bind_int64(st, idx, a->i);
	case DB_T_REAL:
		return sqlite3_bind_double(st, idx, a->r);
	case DB_T_TEXT:
		if (!a->p)
			break;
		return sqlite3_bind_text64(st, idx, a->p, a->n == (size_t)-1 ? strlen(a->p) : a->n,
		                           SQLITE_TRANSIENT, SQLITE_UTF8);
	case DB_T_BLOB:
		if (a->n == 0)
			return sqlite3_bind_zeroblob(st, idx, 0);
		return sqlite3_bind_blob64(st, idx, a->p, a->n, SQLITE_TRANSIENT);
	case DB_T_NULL:
		break;
	}
	return sqlite3_bind_null(st, idx);
}

/* Reset the statement and bind args[i] to the parameter named $(i+1). */
/*
 * Map "$1".."$N" to SQLite's parameter indexes once per statement (SQLite
 * numbers named parameters by first appearance, so "$2" may come first).
 */
static int map_params(struct sqlite_rows *r, struct kf_error *err)
{
	int n = sqlite3_bind_parameter_count(r->st);
	r->param_idx = xcalloc((size_t)(n > 0 ? n : 1), sizeof(int));
	for (int i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof(name), "$%d", i + 1);
		r->param_idx[i] = sqlite3_bind_parameter_index(r->st, name);
		if (r->param_idx[i] == 0) {
			free(r->param_idx);
			r->param_idx = NULL;
			return kf_fail(err, KF_EDB, NULL, NULL, "sqlite: the statement has no %s", name);
		}
	}
	r->nparams = n;
	return 0;
}

static int sqlite_bind(struct sqlite_rows *r, const struct db_arg *args, int nargs, struct kf_error *err)
{
	struct sqlite_db *s = sqlite_downcast(r->rows.db);
	sqlite3_reset(r->st);
	r->pending = 0;
	r->have_row = 0;
	r->finished = 0;
	if (!r->param_idx && map_params(r, err) < 0)
		return KF_EDB;
	if (r->nparams != nargs)
		return kf_fail(err, KF_EDB, NULL, NULL, "sqlite: the statement takes %d parameters, %d given",
		               r->nparams, nargs);
	for (int i = 0; i < nargs; i++) {
		int rc = bind_one(r->st, r->param_idx[i], &args[i]);
		if (rc != SQLITE_OK)
			return sqlite_fail(s, rc, err);
	}
	return 0;
}

/* Fail with the statement's error, then make it reusable. */
static int step_fail(struct sqlite_rows *r, int rc, struct kf_error *err)
{
	rc = sqlite_fail(sqlite_downcast(r->rows.db), rc, err);
	sqlite3_reset(r->st);
	r->finished = 1;
	return rc;
}

static int sqlite_exec(struct db_rows *rows, const struct db_arg *args, int nargs, struct kf_error *err)
{
	struct sqlite_rows *r = rows_downcast(rows);
	struct sqlite_db *s = sqlite_downcast(rows->db);
	int rc = sqlite_bind(r, args, nargs, err);
	if (rc < 0)
		return rc;
	sqlite3_int64 before = sqlite3_total_changes64(s->conn);
	autocommit_begin(s, r->st);
	do
		rc = sqlite3_step(r->st);
	while (rc == SQLITE_ROW);
	if (rc != SQLITE_DONE) {
		rc = step_fail(r, rc, err);
		autocommit_end(s, r->st);
		return rc;
	}
	/* changes64 keeps the last DML count; only trust it if this one changed rows. */
	sqlite3_int64 changed = 0;
	if (sqlite3_total_changes64(s->conn) != before)
		changed = sqlite3_changes64(s->conn);
	sqlite3_reset(r->st);
	sqlite3_clear_bindings(r->st);
	autocommit_end(s, r->st);
	return changed > INT_MAX ? INT_MAX : (int)changed;
}

static int sqlite_query(struct db_rows *rows, const struct db_arg *args, int nargs, struct kf_error *err)
{
	struct sqlite_rows *r = rows_downcast(rows);
	struct sqlite_db *s = sqlite_downcast(rows->db);
	int rc = sqlite_bind(r, args, nargs, err);
	if (rc < 0)
		return rc;
	autocommit_begin(s, r->st);
	rc = sqlite3_step(r->st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = step_fail(r, rc, err);
		autocommit_end(s, r->st);
		return rc;
	}
	r->pending = 1;
	r->have_row = rc == SQLITE_ROW;
	r->finished = rc == SQLITE_DONE;
	return 0;
}

static int sqlite_next(struct db_rows *rows, struct kf_error *err)
{
	struct sqlite_rows *r = rows_downcast(rows);
	if (r->pending) {
		r->pending = 0;
		return r->have_row;
	}
	if (r->finished)
		return 0; /* stepping again would restart the statement */
	int rc = sqlite3_step(r->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		r->finished = 1;
		return 0;
	}
	return step_fail(r, rc, err);
}

static int sqlite_col_isnull(struct db_rows *rows, int col)
{
	return sqlite3_column_type(rows_downcast(rows)->st, col) == SQLITE_NULL;
}

static int64_t sqlite_col_int(struct db_rows *rows, int col)
{
	return sqlite3_column_int64(rows_downcast(rows)->st, col);
}

static double sqlite_col_real(struct db_rows *rows, int col)
{
	return sqlite3_column_double(rows_downcast(rows)->st, col);
}

static const char *sqlite_col_text(struct db_rows *rows, int col)
{
	return (const char *)sqlite3_column_text(rows_downcast(rows)->st, col);
}

/* Call after db_col_text: the length is of the same conversion. */
static size_t sqlite_col_len(struct db_rows *rows, int col)
{
	return (size_t)sqlite3_column_bytes(rows_downcast(rows)->st, col);
}

static void sqlite_done(struct db_rows *rows)
{
	struct sqlite_rows *r = rows_downcast(rows);
	sqlite3_reset(r->st);
	sqlite3_clear_bindings(r->st);
	r->pending = 0;
	r->finished = 1;
	autocommit_end(sqlite_downcast(rows->db), r->st);
}

/* ---- transactions, scripts, backup --------------------------------------- */

static const char *const tx_sql[] = {
	[DB_TX_BEGIN] = "BEGIN IMMEDIATE",
	[DB_TX_COMMIT] = "COMMIT",
	[DB_TX_ROLLBACK] = "ROLLBACK",
};

static int sqlite_tx(struct db *db, enum db_tx_verb verb, struct kf_error *err)
{
	struct sqlite_db *s = sqlite_downcast(db);
	if (verb == DB_TX_ROLLBACK && sqlite3_get_autocommit(s->conn)) {
		writer_unlock(s);
		return 0; /* SQLite rolled back by itself already */
	}
	if (verb == DB_TX_BEGIN)
		writer_lock(s);
	int rc = sqlite3_exec(s->conn, tx_sql[verb], NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rc = sqlite_fail(s, rc, err);
		if (verb != DB_TX_COMMIT || sqlite3_get_autocommit(s->conn))
			writer_unlock(s);
		return rc;
	}
	if (verb == DB_TX_BEGIN)
		return 0;
	writer_unlock(s);
	if (verb == DB_TX_COMMIT)
		wal_barrier(s);
	return 0;
}

static int sqlite_exec_script(struct db *db, const char *sql, struct kf_error *err)
{
	struct sqlite_db *s = sqlite_downcast(db);
	int rc = sqlite3_exec(s->conn, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sqlite_fail(s, rc, err);
}

/* Copy the whole database into the open handle to in one step. */
static int backup_copy(struct sqlite_db *s, sqlite3 *to, struct kf_error *err)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", s->conn, "main");
	if (!b)
		return kf_fail(err, KF_EIO, NULL, NULL, "sqlite backup: %s", sqlite3_errmsg(to));
	int rc = sqlite3_backup_step(b, -1);
	int frc = sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		rc = frc;
	if (rc == SQLITE_OK)
		return 0;
	int code = sqlite_code(rc) == KF_EBUSY ? KF_EBUSY : KF_EIO;
	return kf_fail(err, code, NULL, NULL, "sqlite backup: %s", sqlite3_errmsg(to));
}

/*
 * The online backup API, all pages in one step: the copy is one read
 * transaction, so it is consistent while other connections write (WAL).
 * Written to DEST.tmp and renamed, so dest is complete or absent.
 */
static int sqlite_backup(struct db *db, const char *dest, struct kf_error *err)
{
	struct sqlite_db *s = sqlite_downcast(db);
	struct buf tmp = BUF_INIT;
	sqlite3 *to = NULL;

	int rc = store_backup_start(dest, &tmp, err);
	if (rc < 0)
		goto out;
	if (sqlite3_open_v2(tmp.p, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = kf_fail(err, KF_EIO, NULL, NULL, "cannot open %s: %s", tmp.p,
		             to ? sqlite3_errmsg(to) : "out of memory");
		goto out;
	}
	rc = backup_copy(s, to, err);
	if (rc < 0)
		goto out;
	if (sqlite3_close(to) != SQLITE_OK)
		rc = kf_fail(err, KF_EIO, NULL, NULL, "cannot close %s: %s", tmp.p, sqlite3_errmsg(to));
	else
		to = NULL;
out:
	sqlite3_close_v2(to);
	return store_backup_end(&tmp, dest, rc, err);
}

const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.prepare = sqlite_prepare,
	.finalize = sqlite_finalize,
	.exec = sqlite_exec,
	.query = sqlite_query,
	.next = sqlite_next,
	.col_isnull = sqlite_col_isnull,
	.col_int = sqlite_col_int,
	.col_real = sqlite_col_real,
	.col_text = sqlite_col_text,
	.col_len = sqlite_col_len,
	.done = sqlite_done,
	.tx = sqlite_tx,
	.exec_script = sqlite_exec_script,
	.backup = sqlite_backup,
};
