/*
 * bulk.c - see bulk.h.  The pending values are kept as db_args whose text
 * lives in one buffer (by offset, since the buffer moves as it grows);
 * a flush points them into the buffer and runs the BULK_ROWS-row
 * statement, or the one-row statement for each row of a shorter rest.
 * The statement texts are made on first use and kept for the life of
 * the process, like the text of a static struct db_sql (one thread
 * makes them: a bulk load runs on one connection).
 */
#include "store/bulk.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"

struct bulk {
	struct db *db; /* the connection written to */
	struct bulk_sql *q; /* the table */
	struct db_sql *one, *many; /* q's statements for db's dialect */
	int nrows; /* rows pending */
	struct db_arg args[BULK_ROWS * BULK_MAX_COLS]; /* the pending values */
	size_t off[BULK_ROWS * BULK_MAX_COLS]; /* where a text value starts in text */
	struct buf text; /* copies of the pending text values, each NUL-terminated */
};

/* "INSERT [OR FAIL] INTO t (cols) VALUES ($1, ...), ($n+1, ...), ..." for rows rows; owned by the caller. */
static char *insert_text(const struct bulk_sql *q, int lite, int rows)
{
	struct buf b = BUF_INIT;
	int n = 0;
	buf_addf(&b, "INSERT %sINTO %s (%s) VALUES ", lite ? "OR FAIL " : "", q->table, q->cols);
	for (int r = 0; r < rows; r++) {
		buf_adds(&b, r ? ", (" : "(");
		for (int c = 0; c < q->ncols; c++)
			buf_addf(&b, c ? ", $%d" : "$%d", ++n);
		buf_addch(&b, ')');
	}
	return buf_detach(&b, NULL);
}

struct bulk *bulk_new(struct db *db, struct bulk_sql *q)
{
	if (q->ncols < 1 || q->ncols > BULK_MAX_COLS)
		KF_BUG("bulk_new: a table of 1..BULK_MAX_COLS columns");
	int lite = strcmp(db_dialect(db), "sqlite") == 0;
	if (!q->sql[lite][0].text) {
		q->sql[lite][0].text = insert_text(q, lite, 1);
		q->sql[lite][1].text = insert_text(q, lite, BULK_ROWS);
	}
	struct bulk *b = xcalloc(1, sizeof(*b));
	b->db = db;
	b->q = q;
	b->one = &q->sql[lite][0];
	b->many = &q->sql[lite][1];
	return b;
}

/* Copy a text value into b->text; its db_arg gets the pointer at flush time. */
static int keep_text(struct bulk *b, int k, const struct db_arg *a, struct kf_error *err)
{
	size_t n = a->n == (size_t)-1 ? strlen(a->p) : a->n;
	b->off[k] = b->text.len;
	b->args[k].n = n;
	if (buf_add(&b->text, a->p, n) < 0 || buf_addch(&b->text, '\0') < 0)
		return kf_fail(err, KF_ETOOBIG, "too_large", NULL, "bulk insert into %s: row too large",
		               b->q->table);
	return 0;
}

int bulk_add(struct bulk *b, const struct db_arg *args, int nargs, struct kf_error *err)
{
	if (nargs != b->q->ncols)
		KF_BUG("bulk_add: a row of another width than its table");
	if (b->nrows == BULK_ROWS) {
		int rc = bulk_flush(b, err);
		if (rc < 0)
			return rc;
	}
	int base = b->nrows * nargs;
	for (int i = 0; i < nargs; i++) {
		b->args[base + i] = args[i];
		if (args[i].type == DB_T_TEXT || args[i].type == DB_T_BLOB) {
			int rc = keep_text(b, base + i, &args[i], err);
			if (rc < 0)
				return rc;
		}
	}
	b->nrows++;
	return 0;
}

int bulk_pending(const struct bulk *b)
{
	return b->nrows;
}

int bulk_flush(struct bulk *b, struct kf_error *err)
{
	int n = b->q->ncols, rc = 0;
	for (int k = 0; k < b->nrows * n; k++)
		if (b->args[k].type == DB_T_TEXT || b->args[k].type == DB_T_BLOB)
			b->args[k].p = b->text.p + b->off[k];
	if (b->nrows == BULK_ROWS)
		rc = db_exec(b->db, b->many, b->args, BULK_ROWS * n, err);
	for (int r = 0; r < b->nrows && b->nrows < BULK_ROWS && rc >= 0; r++)
		rc = db_exec(b->db, b->one, &b->args[r * n], n, err);
	b->nrows = 0;
	buf_reset(&b->text);
	return rc < 0 ? rc : 0;
}

void bulk_free(struct bulk *b)
{
	if (!b)
		return;
	buf_release(&b->text);
	free(b);
}
