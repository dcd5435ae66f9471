/*
 * search.c - see search.h.
 */
#include "store/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/textsearch.h"
#include "base/xalloc.h"
#include "store/bulk.h"
#include "store/db.h"
#include "base/banned.h"

static struct db_sql q_doc = DB_SQL(
        "INSERT INTO search_docs (kind, ref_id, parent_id, title, updated_at) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (kind, ref_id) DO UPDATE SET parent_id = excluded.parent_id, title = excluded.title,"
        " updated_at = excluded.updated_at RETURNING id");
static struct db_sql q_doc_id = DB_SQL("SELECT id FROM search_docs WHERE kind = $1 AND ref_id = $2");
static struct db_sql q_doc_del = DB_SQL("DELETE FROM search_docs WHERE id = $1");

/* SQLite: the terms live in an FTS5 table whose rowid is search_docs.id. */
static struct db_sql q_lite_del = DB_SQL("DELETE FROM search_fts WHERE rowid = $1");
static struct db_sql q_lite_put = DB_SQL("INSERT INTO search_fts (rowid, terms) VALUES ($1, $2)");
static struct db_sql q_lite_find = DB_SQL(
        "SELECT d.id, d.kind, d.ref_id, d.parent_id, d.title FROM search_fts f"
        " JOIN search_docs d ON d.id = f.rowid"
        " WHERE search_fts MATCH $1 AND ($2 = 0 OR f.rowid < $2) AND ($3 = '' OR d.kind = $3)"
        " ORDER BY f.rowid DESC LIMIT $4");

/* PostgreSQL: the terms are a column; a generated tsvector carries the GIN index. */
static struct db_sql q_pg_put = DB_SQL("UPDATE search_docs SET terms = $2 WHERE id = $1");
static struct db_sql q_pg_find = DB_SQL(
        "SELECT id, kind, ref_id, parent_id, title FROM search_docs"
        " WHERE tsv @@ to_tsquery('simple', $1) AND ($2 = 0 OR id < $2) AND ($3 = '' OR kind = $3)"
        " ORDER BY id DESC LIMIT $4");

static int is_pg(struct db *db)
{
	return strcmp(db_dialect(db), "postgres") == 0;
}

static int put_terms(struct db *db, int64_t id, const char *terms, struct kf_error *err)
{
	int rc;
	if (is_pg(db))
		return db_exec(db, &q_pg_put, DB_ARGS(db_int(id), db_text(terms)), err);
	rc = db_exec(db, &q_lite_del, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_lite_put, DB_ARGS(db_int(id), db_text(terms)), err);
	return rc;
}

int search_put(struct db *db, const char *kind, int64_t ref_id, int64_t parent_id, const char *title,
               const char *text, int64_t updated_at, struct kf_error *err)
{
	struct buf terms = BUF_INIT;
	int64_t id = 0;
	int rc = textsearch_terms(title ? title : "", title ? strlen(title) : 0, &terms);
	if (rc == 0 && text)
		rc = textsearch_terms(text, strlen(text), &terms);
	if (rc < 0) {
		rc = kf_fail(err, KF_ETOOBIG, "too_large", "text", "text too large to index");
		goto out;
	}
	rc = db_query_int(db, &q_doc,
	                  DB_ARGS(db_text(kind), db_int(ref_id), parent_id ? db_int(parent_id) : db_null(),
	                          db_text(title ? title : ""), db_int(updated_at)),
	                  &id, err);
	if (rc == 0)
		rc = put_terms(db, id, buf_cstr(&terms), err);
out:
	buf_release(&terms);
	return rc < 0 ? rc : 0;
}

int search_remove(struct db *db, const char *kind, int64_t ref_id, struct kf_error *err)
{
	int64_t id = 0;
	int rc = db_query_int(db, &q_doc_id, DB_ARGS(db_text(kind), db_int(ref_id)), &id, err);
	if (rc == KF_ENOTFOUND)
		return 0;
	if (rc == 0 && !is_pg(db))
		rc = db_exec(db, &q_lite_del, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_doc_del, DB_ARGS(db_int(id)), err);
	return rc < 0 ? rc : 0;
}

/* The match expression: FTS5 '"a" "b"*' or tsquery 'a & b:*'; every term is word characters only. */
static int match_expr(struct db *db, const struct textsearch_query *tq, struct buf *out)
{
	int pg = is_pg(db), rc = 0;
	for (int i = 0; i < tq->nterms && rc == 0; i++) {
		if (pg)
			rc = buf_addf(out, "%s'%s'%s", i ? " & " : "", tq->terms[i], tq->prefix[i] ? ":*" : "");
		else
			rc = buf_addf(out, "%s\"%s\"%s", i ? " " : "", tq->terms[i], tq->prefix[i] ? "*" : "");
	}
	return rc;
}

static json_t *hit(struct db_rows *r)
{
	return json_pack("{s:s,s:I,s:o,s:s}", "kind", db_col_text(r, 1), "ref_id", (json_int_t)db_col_int(r, 2),
	                 "parent_id", db_col_isnull(r, 3) ? json_null() : json_integer(db_col_int(r, 3)),
	                 "title", db_col_text(r, 4));
}

int search_query(struct db *db, const char *q, const char *kind, int64_t before_id, int limit, json_t **items,
                 int64_t *last_id, struct kf_error *err)
{
	struct textsearch_query tq;
	struct buf expr = BUF_INIT;
	struct db_rows *r = NULL;
	int n = 0, rc;
	*items = NULL;
	*last_id = 0;
	textsearch_query_parse(q, &tq);
	if (tq.nterms == 0)
		return kf_fail(err, KF_EINVAL, "invalid", "q", "the query has no words to search for");
	rc = match_expr(db, &tq, &expr);
	if (rc == 0)
		rc = db_query(db, is_pg(db) ? &q_pg_find : &q_lite_find,
		              DB_ARGS(db_text(buf_cstr(&expr)), db_int(before_id), db_text(kind ? kind : ""),
		                      db_int(limit)),
		              &r, err);
	*items = json_array();
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last_id = db_col_int(r, 0);
		json_array_append_new(*items, hit(r));
		n++;
	}
	db_done(r);
	buf_release(&expr);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	if (n < limit)
		*last_id = 0;
	return 0;
}

/* ---- bulk indexing (search_load_*) ---- */

static struct db_sql q_max_doc = DB_SQL("SELECT COALESCE(MAX(id), 0) FROM search_docs");
static struct db_sql q_pg_doc_seq = DB_SQL(
        "SELECT setval(pg_get_serial_sequence('search_docs', 'id'), (SELECT MAX(id) FROM search_docs))");
static struct bulk_sql b_lite_docs = BULK_SQL("search_docs", "id, kind, ref_id, parent_id, title, updated_at",
                                              6);
static struct bulk_sql b_pg_docs = BULK_SQL("search_docs",
                                            "id, kind, ref_id, parent_id, title, updated_at, terms", 7);

struct search_load {
	struct db *db;
	int pg; /* the terms go into search_docs.terms (PostgreSQL), not search_fts */
	int64_t next_id; /* the id of the next document */
	struct bulk *docs; /* search_docs rows */

	struct buf t; /* the terms of the document being added */
};

int search_load_new(struct db *db, struct search_load **out, struct kf_error *err)
{
	int64_t max = 0;
	*out = NULL;
	int rc = db_query_int(db, &q_max_doc, DB_NOARGS, &max, err);
	if (rc < 0)
		return rc;
	struct search_load *l = xcalloc(1, sizeof(*l));
	l->db = db;
	l->pg = is_pg(db);
	l->next_id = max + 1;
	l->docs = bulk_new(db, l->pg ? &b_pg_docs : &b_lite_docs);
	*out = l;
	return 0;
}

int search_load_add(struct search_load *l, const char *kind, int64_t ref_id, int64_t parent_id,
                    const char *title, const char *text, int64_t updated_at, struct kf_error *err)
{
	int64_t id = l->next_id++;
	buf_reset(&l->t);
	int rc = textsearch_terms(title ? title : "", title ? strlen(title) : 0, &l->t);
	if (rc == 0 && text)
		rc = textsearch_terms(text, strlen(text), &l->t);
	if (rc < 0)
		return kf_fail(err, KF_ETOOBIG, "too_large", "text", "text too large to index");
	struct db_arg parent = parent_id ? db_int(parent_id) : db_null();
	const char *terms = buf_cstr(&l->t);
	if (l->pg)
		return bulk_add(l->docs,
		                DB_ARGS(db_int(id), db_text(kind), db_int(ref_id), parent,
		                        db_text(title ? title : ""), db_int(updated_at), db_text(terms)),
		                err);
	rc = bulk_add(l->docs,
	              DB_ARGS(db_int(id), db_text(kind), db_int(ref_id), parent, db_text(title ? title : ""),
	                      db_int(updated_at)),
	              err);
	/*
	 * One row per statement: a multi-row INSERT into an FTS5 table opens a
	 * statement savepoint, which makes FTS5 write out its pending terms.
	 */
	if (rc == 0)
		rc = db_exec(l->db, &q_lite_put, DB_ARGS(db_int(id), db_text(terms)), err);
	return rc < 0 ? rc : 0;
}

int search_load_flush(struct search_load *l, struct kf_error *err)
{
	return bulk_flush(l->docs, err);
}

int search_load_finish(struct search_load *l, struct kf_error *err)
{
	int rc = search_load_flush(l, err);
	if (rc >= 0 && l->pg) {
		struct db_rows *r = NULL;
		rc = db_query(l->db, &q_pg_doc_seq, DB_NOARGS, &r, err);
		db_done(r);
	}
	return rc < 0 ? rc : 0;
}

void search_load_free(struct search_load *l)
{
	if (!l)
		return;
	bulk_free(l->docs);
	buf_release(&l->t);
	free(l);
}
