/*
 * db.h - the store: one small interface over SQLite and PostgreSQL.
 *
 * A struct db is one connection, owned by one thread at a time.  A struct
 * store is the shared handle a server holds: it knows the URL and options
 * and hands each thread its own connection (store_db), opened on first
 * use and kept with its own prepared-statement cache for the life of the
 * thread.  Domain code never asks which backend runs.
 *
 * SQL is written once, in the common subset of both dialects, with
 * PostgreSQL-style placeholders $1..$N (SQLite accepts them as named
 * parameters; the sqlite backend binds by name).  Values are bound, never
 * formatted into text.  Each statement is a static struct db_sql; its
 * slot indexes the per-connection cache, so a statement is prepared once
 * per connection.  Times are int64 UTC seconds or ms; money int64 minor
 * units; booleans integers 0/1.
 *
 * Transactions nest by depth: only the outermost db_begin/db_commit talks
 * to the database.  A db_rollback inside marks the whole transaction as
 * failed; the outermost commit then rolls back and returns KF_EDB.  So does
 * a statement that fails inside a transaction, on both backends (PostgreSQL
 * aborts the transaction anyway).  db_commit ends its level even when it
 * fails: never db_rollback after it.  db_rollback outside a transaction does
 * nothing.  Writes use BEGIN IMMEDIATE on SQLite.
 *
 * A SELECT may end with " FOR UPDATE" to lock its rows until the end of the
 * transaction on PostgreSQL (read-modify-write without a lost update);
 * SQLite, whose writers are serialised, prepares it without the clause.
 *
 * Batches.  A writer that runs many requests in one transaction (group
 * commit, http/batch.c) wraps them in db_batch_begin/db_batch_commit and
 * each request in db_batch_item_begin/db_batch_item_end.  Inside a batch
 * the outermost db_begin/db_commit/db_rollback become SAVEPOINT/RELEASE/
 * ROLLBACK TO, so domain code keeps its transaction semantics unchanged,
 * and an item that fails is undone alone.  Only db_batch_commit commits
 * (durably, like db_commit).
 */
#ifndef KF_DB_H
#define KF_DB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;
struct db_rows;
struct store;

struct db_sql {
	const char *text; /* SQL with $1..$N placeholders */
	int slot; /* cache slot, assigned on first use; 0 = not yet */
};
#define DB_SQL(s) \
	{ \
		(s), 0 \
	}

enum db_type { DB_T_NULL, DB_T_INT, DB_T_REAL, DB_T_TEXT, DB_T_BLOB };

struct db_arg {
	enum db_type type;
	int64_t i; /* DB_T_INT */
	double r; /* DB_T_REAL */
	const char *p; /* DB_T_TEXT, DB_T_BLOB: borrowed for the call */
	size_t n; /* length of p; for text (size_t)-1 means strlen */
};

static inline struct db_arg db_int(int64_t v)
{
	return (struct db_arg){ .type = DB_T_INT, .i = v };
}
static inline struct db_arg db_real(double v)
{
	return (struct db_arg){ .type = DB_T_REAL, .r = v };
}
/* NULL s binds SQL NULL. */
static inline struct db_arg db_text(const char *s)
{
	return (struct db_arg){ .type = s ? DB_T_TEXT : DB_T_NULL, .p = s, .n = (size_t)-1 };
}
static inline struct db_arg db_textn(const char *s, size_t n)
{
	return (struct db_arg){ .type = s ? DB_T_TEXT : DB_T_NULL, .p = s, .n = n };
}
static inline struct db_arg db_blob(const void *p, size_t n)
{
	return (struct db_arg){ .type = DB_T_BLOB, .p = p, .n = n };
}
static inline struct db_arg db_null(void)
{
	return (struct db_arg){ .type = DB_T_NULL };
}

/* DB_ARGS(db_int(1), db_text("x")) expands to "array, count". */
#define DB_ARGS(...) \
	(const struct db_arg[]){ __VA_ARGS__ }, \
	        (int)(sizeof((const struct db_arg[]){ __VA_ARGS__ }) / sizeof(struct db_arg))
#define DB_NOARGS NULL, 0

/*
 * An argument list filled at run time (filters, batches) goes through a
 * builder that knows its capacity:
 *
 *     DB_ARGV(a, 24);                 declares the storage and the builder a
 *     db_argv_add(&a, db_int(x));     appends, or marks a overflowed
 *     db_query(db, q, DB_ARGV_PASS(&a), &r, err);
 *
 * An add past the capacity stores nothing and sets overflow; the statement
 * it is then given binds nothing and fails with KF_EINVAL "too many
 * statement arguments" (DB_ARGV_PASS hands it a count of -1).  An error,
 * not an assert: it reaches the caller as any other failed statement.
 */
struct db_argv {
	struct db_arg *v;
	int n; /* arguments added */
	int cap; /* room in v */
	int overflow; /* an add found v full */
};
#define DB_ARGV(name, capacity) \
	struct db_arg name##_v[capacity]; \
	struct db_argv name = { name##_v, 0, (capacity), 0 }

static inline void db_argv_add(struct db_argv *a, struct db_arg x)
{
	if (a->n < a->cap)
		a->v[a->n++] = x;
	else
		a->overflow = 1;
}
/* The count to bind: -1 (refused by db_exec/db_query) once overflowed. */
static inline int db_argv_count(const struct db_argv *a)
{
	return a->overflow ? -1 : a->n;
}
#define DB_ARGV_PASS(a) (a)->v, db_argv_count(a)

struct db_options {
	int create; /* SQLite: create the file if missing */
	int sync_full; /* SQLite: synchronous=FULL (1, default) or NORMAL (0) */
	int busy_timeout_ms; /* SQLite busy timeout; 0 = 5000 */
	int migrate; /* store_open: apply pending migrations (1) or only check (0) */
};
#define DB_OPTIONS_INIT \
	{ \
		0, 1, 5000, 1 \
	}

/*
 * Open one connection.  url is "sqlite:PATH", a plain PATH (SQLite), or
 * "postgres://..." / "postgresql://..." / a libpq "key=value" string.
 * Checks that the database is empty or kefu's own and not newer than this
 * build (KF_EFOREIGN otherwise, with nothing written), then tunes the
 * connection (WAL, synchronous, busy timeout).  Does not migrate.
 */
int db_open(const char *url, const struct db_options *opt, struct db **out, struct kf_error *err);
void db_close(struct db *db);

/* "sqlite" or "postgres": for migrations and log lines only. */
const char *db_dialect(const struct db *db);

/* Run a statement that returns no rows; returns rows changed (>= 0) or KF_E*.
 * nargs < 0 (an overflowed struct db_argv) fails with KF_EINVAL. */
int db_exec(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, struct kf_error *err);

/*
 * Run a statement that returns rows.  Step with db_next; read columns with
 * db_col_*; always finish with db_done (NULL-safe).  One open result per
 * statement at a time.  Unique-constraint violations return KF_EEXIST,
 * lock timeouts KF_EBUSY, anything else KF_EDB.
 */
int db_query(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, struct db_rows **out,
             struct kf_error *err);
/* 1 = a row is ready, 0 = no more rows, < 0 = error. */
int db_next(struct db_rows *r, struct kf_error *err);
int db_col_isnull(struct db_rows *r, int col);
int64_t db_col_int(struct db_rows *r, int col);
double db_col_real(struct db_rows *r, int col);
/* Borrowed until the next db_next/db_done; NULL for SQL NULL. */
const char *db_col_text(struct db_rows *r, int col);
size_t db_col_len(struct db_rows *r, int col);
void db_done(struct db_rows *r);

/*
 * Named result columns.  A SELECT list is written once, as an X-macro of
 * (constant, SQL expression) pairs, the first written with F, the rest
 * with X; the enum of column numbers and the SQL text both come from it,
 * so they cannot drift apart:
 *
 *     #define TICKET_COLS(F, X) F(TC_ID, "id") X(TC_TYPE, "type") X(TC_STATE, "state")
 *     DB_COLS_ENUM(TICKET_COLS, TC_NCOLS);
 *         -> enum { TC_ID, TC_TYPE, TC_STATE, TC_NCOLS };
 *     "SELECT " DB_COLS_SQL(TICKET_COLS) " FROM tickets"
 *         -> "SELECT id, type, state FROM tickets"
 *
 * then db_col_int(r, TC_ID).  Columns a statement adds after a shared
 * list continue its enum (enum { T_DUE = TC_NCOLS, T_WARN };).
 */
#define DB_COL_ENUM_(name, sql) name,
#define DB_COL_FIRST_(name, sql) sql
#define DB_COL_NEXT_(name, sql) ", " sql
#define DB_COLS_ENUM(list, count) enum { list(DB_COL_ENUM_, DB_COL_ENUM_) count }
#define DB_COLS_SQL(list) list(DB_COL_FIRST_, DB_COL_NEXT_)

/* First column of the first row as an integer; KF_ENOTFOUND if no row. */
int db_query_int(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, int64_t *out,
                 struct kf_error *err);

int db_begin(struct db *db, struct kf_error *err); /* a write transaction */
int db_commit(struct db *db, struct kf_error *err);
void db_rollback(struct db *db);

/*
 * Fault injection, for tests that prove a failed write leaves nothing
 * half-done.  Inert unless armed (one branch per statement), per
 * connection.  db_fault_stmt: the n-th db_exec/db_query from now (1 = the
 * next) fails with KF_EDB "injected_fault" before reaching the database,
 * as a failed statement does (the transaction becomes rollback-only);
 * n <= 0 disarms.  db_fault_commit: the next outermost db_commit (or
 * db_batch_commit) rolls back and fails with KF_EDB instead of
 * committing.  db_fault_armed: whether a fault is still waiting (the
 * operation ended before reaching it).
 */
void db_fault_stmt(struct db *db, int n);
void db_fault_commit(struct db *db);
int db_fault_armed(const struct db *db);

/*
 * Ends the level db_begin opened: rolls back and returns rc when rc < 0,
 * else commits and returns db_commit's result (0, or the commit's error; a
 * positive rc such as a row count is not passed on).  The one way to write
 * "if (rc < 0) { db_rollback(db); return rc; } return db_commit(db, err)".
 */
int db_finish(struct db *db, int rc, struct kf_error *err);
int db_in_tx(const struct db *db);

/*
 * Call fn (once) after the outermost transaction now open commits -- for a
 * batch, after db_batch_commit -- and not at all when it rolls back.  One
 * function per transaction: a later call replaces it (callers pass the same
 * one).  For waking readers in this process; fn must not touch db.
 */
void db_after_commit(struct db *db, void (*fn)(void));

/*
 * Call fn inside the outermost transaction now open, just before it
 * commits (for a batch, in db_batch_commit): its statements are part of
 * the transaction, and a failure rolls the whole of it back (the commit
 * returns that error).  Not called when the transaction rolls back.  One
 * function per transaction, like db_after_commit.  For work that must be
 * the last thing a transaction does (the outbox's commit-order numbering).
 */
void db_before_commit(struct db *db, int (*fn)(struct db *db, struct kf_error *err));
/*
 * One slot of per-connection state for the layer above that needs it (the
 * outbox's list of the open transaction's events): db_attach stores p and
 * the function db_close frees it with; db_attached returns it (NULL first).
 */
void *db_attached(struct db *db);
void db_attach(struct db *db, void *p, void (*free_fn)(void *p));

/* 1 when a db_before_commit hook waits for the open transaction's commit. */
int db_before_commit_pending(const struct db *db);

/* Group commit: see "Batches" above.  db_batch_item_end undoes the item
 * unless keep and no statement of it failed; it returns 1 when kept, 0 when
 * undone, KF_E* when the transaction is no longer usable (then call
 * db_batch_abort).  db_batch_commit ends the batch even when it fails. */
int db_batch_begin(struct db *db, struct kf_error *err);
int db_batch_item_begin(struct db *db, struct kf_error *err);
int db_batch_item_end(struct db *db, int keep, struct kf_error *err);
int db_batch_commit(struct db *db, struct kf_error *err);
void db_batch_abort(struct db *db);
/* Inside db_batch_begin .. db_batch_commit (for work deferred to the end of a batch). */
int db_in_batch(const struct db *db);

/* Run a multi-statement script (migrations only; no parameters). */
int db_exec_script(struct db *db, const char *sql, struct kf_error *err);

/*
 * Write a consistent copy of the live database to dest while it is being
 * served: SQLite's online backup API into a file; PostgreSQL through
 * pg_dump into a custom-format archive.
 */
int db_backup(struct db *db, const char *dest, struct kf_error *err);

/* Microseconds this thread has spent inside the database (for /metrics). */
uint64_t db_thread_time_us(void);

/*
 * The shared handle.  store_open opens a first connection, checks the
 * database and (opt->migrate) applies pending migrations.  store_db
 * returns the calling thread's connection, opening it on first use; NULL
 * with err set on failure.  store_close closes every connection; call it
 * only after every thread using the store has stopped.
 */
int store_open(const char *url, const struct db_options *opt, struct store **out, struct kf_error *err);
struct db *store_db(struct store *s, struct kf_error *err);
const char *store_url(const struct store *s);
void store_close(struct store *s);

#endif
