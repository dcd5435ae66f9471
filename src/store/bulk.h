/*
 * bulk.h - multi-row INSERTs for bulk loads (kefu demo): rows of one
 * table are collected in memory and written BULK_ROWS at a time by one
 * prepared "INSERT INTO t (cols) VALUES (...), (...), ..." statement,
 * which costs one statement execution instead of BULK_ROWS.  Built only
 * on the public db.h API, so it works on every backend.
 *
 * A struct bulk_sql names the table and columns; declare it static (its
 * statements are prepared once per connection, like a struct db_sql, and
 * their text lives as long as the process).  A struct bulk holds the
 * pending rows of one table: bulk_add copies a row (text included), and
 * first writes the pending rows when BULK_ROWS are there; bulk_flush writes
 * what is left (one row at a time, with the one-row statement).  Rows are
 * written in the order they were added.  On SQLite the statements are
 * INSERT OR FAIL: a failing row fails the statement without undoing the
 * rows before it (the caller's transaction is rolled back anyway), so
 * SQLite needs no statement journal for a multi-row INSERT, which would
 * copy every page the statement touches.  Callers that need ids assign
 * them themselves (an "id" column), since one statement inserts many rows.
 */
#ifndef KF_BULK_H
#define KF_BULK_H

#include <stdint.h>

#include "store/db.h"

#define BULK_ROWS 128 /* rows per multi-row statement */
#define BULK_MAX_COLS 32 /* columns of one table */

struct bulk_sql {
	const char *table; /* "ticket_messages" */
	const char *cols; /* "ticket_id, kind, body" */
	int ncols; /* the number of names in cols, 1..BULK_MAX_COLS */
	/* The INSERTs, text made on first use: [SQLite][one row, BULK_ROWS rows]. */
	struct db_sql sql[2][2];
};
#define BULK_SQL(table, cols, ncols) \
	{ \
		(table), (cols), (ncols), \
		{ \
			{ DB_SQL(NULL), DB_SQL(NULL) }, \
			{ \
				DB_SQL(NULL), DB_SQL(NULL) \
			} \
		} \
	}

struct bulk; /* the pending rows of one table (bulk.c) */

/* Start collecting rows of q for db; free with bulk_free. */
struct bulk *bulk_new(struct db *db, struct bulk_sql *q);

/*
 * Add one row of q->ncols values (nargs must be q->ncols: KF_BUG otherwise);
 * text is copied.  When BULK_ROWS rows are pending already, writes them
 * first; returns 0 or the KF_E* of that write (err set).
 */
int bulk_add(struct bulk *b, const struct db_arg *args, int nargs, struct kf_error *err);

/* Rows pending (0..BULK_ROWS): a caller that must write parent rows first checks for BULK_ROWS. */
int bulk_pending(const struct bulk *b);

/* Write every pending row; 0 or KF_E*. */
int bulk_flush(struct bulk *b, struct kf_error *err);

/* Free b (NULL-safe); pending rows are dropped: flush first. */
void bulk_free(struct bulk *b);

#endif
