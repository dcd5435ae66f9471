/*
 * store_int.h - private to src/store/: the backend vtable and the parts of
 * struct db and struct db_rows that db.c shares with sqlite.c and pg.c.
 *
 * Each backend embeds struct db as the first member of its own connection
 * struct and struct db_rows as the first member of its own statement
 * struct, and casts back through a checked downcast (after git's refs/
 * backends).  A struct db_rows is a prepared statement together with its
 * one cursor: db_query hands out the statement's own cursor, which is why
 * a statement has at most one open result at a time.
 */
#ifndef KF_STORE_INT_H
#define KF_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "store/db.h"

enum db_tx_verb { DB_TX_BEGIN, DB_TX_COMMIT, DB_TX_ROLLBACK };

struct store_ops {
	const char *name; /* what db_dialect() returns */

	/* Open, check identity, tune; target is the URL without "sqlite:". */
	int (*open)(const char *target, const struct db_options *opt, struct db **out, struct kf_error *err);
	/* Close a connection whose statements db.c has finalized already. */
	void (*close)(struct db *db);

	/* Make the statement object for q (it may talk to the database lazily). */
	int (*prepare)(struct db *db, const struct db_sql *q, struct db_rows **out, struct kf_error *err);
	void (*finalize)(struct db_rows *r);

	/* Bind and run to completion; rows changed (>= 0) or KF_E*. */
	int (*exec)(struct db_rows *r, const struct db_arg *args, int nargs, struct kf_error *err);
	/* Bind and start; errors of the first step are reported here. */
	int (*query)(struct db_rows *r, const struct db_arg *args, int nargs, struct kf_error *err);
	int (*next)(struct db_rows *r, struct kf_error *err);
	int (*col_isnull)(struct db_rows *r, int col);
	int64_t (*col_int)(struct db_rows *r, int col);
	double (*col_real)(struct db_rows *r, int col);
	const char *(*col_text)(struct db_rows *r, int col);
	size_t (*col_len)(struct db_rows *r, int col);
	/* End the result: release locks and memory the cursor holds. */
	void (*done)(struct db_rows *r);

	/* Talk to the database about the outermost transaction. */
	int (*tx)(struct db *db, enum db_tx_verb verb, struct kf_error *err);
	int (*exec_script)(struct db *db, const char *sql, struct kf_error *err);
	int (*backup)(struct db *db, const char *dest, struct kf_error *err);
};

struct db {
	const struct store_ops *ops; /* the backend; checked by each downcast */
	struct db_rows **stmts; /* prepared statements indexed by slot; NULL = not yet */
	int nstmts; /* length of stmts */
	int tx_depth; /* db_begin nesting; 0 = autocommit */
	int tx_failed; /* an inner level rolled back or a statement failed */
	int batch; /* inside db_batch_begin: the outermost level is a savepoint */
	int item_failed; /* a statement of the current batch item failed outside db_begin */
	void (*after_commit)(void); /* db_after_commit: called after the outermost commit */
	int (*before_commit)(struct db *db, struct kf_error *err); /* db_before_commit */
	void *attached; /* db_attach: one upper layer's per-connection state */
	void (*attached_free)(void *p); /* frees attached in db_close */
	int fault_stmt; /* > 0: the fault_stmt-th statement from the arming fails (db_fault_stmt) */
	int fault_commit; /* 1: the next outermost commit fails (db_fault_commit) */
};

struct db_rows {
	struct db *db; /* the connection the statement belongs to */
	const struct db_sql *q; /* the statement it was prepared from */
	int open; /* 1 between db_query and db_done */
};

/*
 * For backends writing a backup: store_backup_start creates "DEST.tmp"
 * empty with mode 0600 (a backup holds password hashes) and puts its name
 * in *tmp; store_backup_end renames it to dest if rc == 0, else removes
 * it, releases *tmp and returns the final code.
 */
int store_backup_start(const char *dest, struct buf *tmp, struct kf_error *err);
int store_backup_end(struct buf *tmp, const char *dest, int rc, struct kf_error *err);

extern const struct store_ops sqlite_ops;
extern const struct store_ops pg_ops;

#endif
