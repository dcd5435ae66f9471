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

static struct db_sql q_doc = DB_SQL(
        "INSERT INTO search_docs (kind, ref_id, parent_id, title, updated_at) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (kind, ref_id) DO UPDATE SET parent_id = excluded.parent_id, title = excluded.title,"
        " updated_at = excluded.updated_at RETURNING id");
static struct db_sql q_doc_id = DB_SQL("SELECT id FROM search_docs WHERE kind = $1 AND ref_id = $2");
static struct db_sql q_doc_del = DB_SQL("DELETE FROM search_docs WHERE id = $1");

/* SQLite: the terms live in an FTS5 table whose rowid is search_docs.id. */
static struct db_sql q_lite_del = DB_SQL("DELETE FROM search_fts WHERE rowid = $1");
static struct db_sql q_lite_put = DB_SQL("INSERT INTO search_fts (rowid, terms, pii) VALUES ($1, $2, $3)");
/*
 * A hit, as the three find statements below return it (SQLite reads the
 * columns through its join, hence the "d." there): written by hand three
 * times, so the count is checked against this list.
 */
enum { HIT_ID, HIT_KIND, HIT_REF_ID, HIT_PARENT_ID, HIT_TITLE, HIT_NCOLS };
_Static_assert(HIT_NCOLS == 5, "q_lite_find, q_pg_find, q_pg_find_all: id, kind, ref_id, parent_id, title");
static struct db_sql q_lite_find = DB_SQL(
        "SELECT d.id, d.kind, d.ref_id, d.parent_id, d.title FROM search_fts f"
        " JOIN search_docs d ON d.id = f.rowid"
        " WHERE search_fts MATCH $1 AND ($2 = 0 OR f.rowid < $2) AND ($3 = '' OR d.kind = $3)"
        " ORDER BY f.rowid DESC LIMIT $4");

/*
 * PostgreSQL: the terms are columns; generated tsvectors carry the GIN
 * indexes: tsv the impersonal terms, tsv_all those and the personal ones.
 */
static struct db_sql q_pg_put = DB_SQL("UPDATE search_docs SET terms = $2, pii = $3 WHERE id = $1");
static struct db_sql q_pg_find = DB_SQL(
        "SELECT id, kind, ref_id, parent_id, title FROM search_docs"
        " WHERE tsv @@ to_tsquery('simple', $1) AND ($2 = 0 OR id < $2) AND ($3 = '' OR kind = $3)"
        " ORDER BY id DESC LIMIT $4");
static struct db_sql q_pg_find_all = DB_SQL(
        "SELECT id, kind, ref_id, parent_id, title FROM search_docs"
        " WHERE tsv_all @@ to_tsquery('simple', $1) AND ($2 = 0 OR id < $2) AND ($3 = '' OR kind = $3)"
        " ORDER BY id DESC LIMIT $4");

/*
 * SQLite inside a write batch (db_in_batch): FTS5 writes its pending terms
 * out as a new segment at every savepoint, and a batch opens two per
 * request, so there the terms are staged in a connection-private
 * in-memory table (temp_store = MEMORY) and reach search_fts once, in
 * search_flush just before the batch commits.  A staged row with NULL terms
 * is a removal.  Savepoints cover the stage like any table, so an undone
 * request leaves nothing staged.
 */
static struct db_sql q_stage_make = DB_SQL(
        "CREATE TEMP TABLE IF NOT EXISTS search_stage (id INTEGER PRIMARY KEY, terms TEXT, pii TEXT)");
static struct db_sql q_stage_put = DB_SQL(
        "INSERT OR REPLACE INTO search_stage (id, terms, pii) VALUES ($1, $2, $3)");
static struct db_sql q_stage_del = DB_SQL("DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_stage)");
static struct db_sql q_stage_out = DB_SQL(
        "INSERT INTO search_fts (rowid, terms, pii) SELECT id, terms, pii FROM search_stage"
        " WHERE terms IS NOT NULL ORDER BY id");
static struct db_sql q_stage_clear = DB_SQL("DELETE FROM search_stage");

static int is_pg(struct db *db)
{
	return strcmp(db_dialect(db), "postgres") == 0;
}

static int stage(struct db *db, int64_t id, const char *terms, const char *pii, struct kf_error *err)
{
	int rc = db_exec(db, &q_stage_make, DB_NOARGS, err);
	if (rc >= 0)
		rc = db_exec(db, &q_stage_put,
		             DB_ARGS(db_int(id), terms ? db_text(terms) : db_null(), db_text(pii ? pii : "")),
		             err);
	return rc;
}

int search_flush(struct db *db, struct kf_error *err)
{
	if (is_pg(db))
		return 0;
	int rc = db_exec(db, &q_stage_make, DB_NOARGS, err);
	if (rc >= 0)
		rc = db_exec(db, &q_stage_del, DB_NOARGS, err);
	if (rc >= 0)
		rc = db_exec(db, &q_stage_out, DB_NOARGS, err);
	if (rc >= 0)
		rc = db_exec(db, &q_stage_clear, DB_NOARGS, err);
	return rc < 0 ? rc : 0;
}

static int put_terms(struct db *db, int64_t id, const char *terms, const char *pii, struct kf_error *err)
{
	int rc;
	if (is_pg(db))
		return db_exec(db, &q_pg_put, DB_ARGS(db_int(id), db_text(terms), db_text(pii)), err);
	if (db_in_batch(db))
		return stage(db, id, terms, pii, err);
	rc = db_exec(db, &q_lite_del, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_lite_put, DB_ARGS(db_int(id), db_text(terms), db_text(pii)), err);
	return rc;
}

int search_put(struct db *db, const char *kind, int64_t ref_id, int64_t parent_id, const char *title,
               const char *text, int64_t updated_at, struct kf_error *err)
{
	return search_put_pii(db, kind, ref_id, parent_id, title, text, NULL, updated_at, err);
}

int search_put_pii(struct db *db, const char *kind, int64_t ref_id, int64_t parent_id, const char *title,
                   const char *text, const char *pii, int64_t updated_at, struct kf_error *err)
{
	struct buf terms = BUF_INIT, pterms = BUF_INIT;
	int64_t id = 0;
	int rc = textsearch_terms(title ? title : "", title ? strlen(title) : 0, &terms);
	if (rc == 0 && text)
		rc = textsearch_terms(text, strlen(text), &terms);
	if (rc == 0 && pii)
		rc = textsearch_terms(pii, strlen(pii), &pterms);
	if (rc < 0) {
		rc = kf_fail(err, KF_ETOOBIG, "too_large", "text", "text too large to index");
		goto out;
	}
	rc = db_query_int(db, &q_doc,
	                  DB_ARGS(db_text(kind), db_int(ref_id), parent_id ? db_int(parent_id) : db_null(),
	                          db_text(title ? title : ""), db_int(updated_at)),
	                  &id, err);
	if (rc == 0)
		rc = put_terms(db, id, buf_cstr(&terms), buf_cstr(&pterms), err);
out:
	buf_release(&terms);
	buf_release(&pterms);
	return rc < 0 ? rc : 0;
}

int search_remove(struct db *db, const char *kind, int64_t ref_id, struct kf_error *err)
{
	int64_t id = 0;
	int rc = db_query_int(db, &q_doc_id, DB_ARGS(db_text(kind), db_int(ref_id)), &id, err);
	if (rc == KF_ENOTFOUND)
		return 0;
	if (rc == 0 && !is_pg(db))
		rc = db_in_batch(db) ? stage(db, id, NULL, NULL, err)
		                     : db_exec(db, &q_lite_del, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_doc_del, DB_ARGS(db_int(id)), err);
	return rc < 0 ? rc : 0;
}

/*
 * The match expression: FTS5 '"a" "b"*' or tsquery 'a & b:*'; every term
 * is word characters only.  Without pii, FTS5 looks at the terms column
 * only ('{terms} : (...)'); PostgreSQL picks the tsvector instead.
 */
static int match_expr(struct db *db, const struct textsearch_query *tq, int pii, struct buf *out)
{
	int pg = is_pg(db), rc = 0;
	if (!pg && !pii)
		rc = buf_addf(out, "{terms} : (");
	for (int i = 0; i < tq->nterms && rc == 0; i++) {
		if (pg)
			rc = buf_addf(out, "%s'%s'%s", i ? " & " : "", tq->terms[i], tq->prefix[i] ? ":*" : "");
		else
			rc = buf_addf(out, "%s\"%s\"%s", i ? " " : "", tq->terms[i], tq->prefix[i] ? "*" : "");
	}
	if (rc == 0 && !pg && !pii)
		rc = buf_addf(out, ")");
	return rc;
}

static json_t *hit(struct db_rows *r)
{
	return json_pack("{s:s,s:I,s:o,s:s}", "kind", db_col_text(r, HIT_KIND), "ref_id",
	                 (json_int_t)db_col_int(r, HIT_REF_ID), "parent_id",
	                 db_col_isnull(r, HIT_PARENT_ID) ? json_null()
	                                                 : json_integer(db_col_int(r, HIT_PARENT_ID)),
	                 "title", db_col_text(r, HIT_TITLE));
}

int search_query(struct db *db, const char *q, const char *kind, int64_t before_id, int limit, json_t **items,
                 int64_t *last_id, struct kf_error *err)
{
	return search_query_as(db, q, kind, 1, before_id, limit, items, last_id, err);
}

int search_query_as(struct db *db, const char *q, const char *kind, int pii, int64_t before_id, int limit,
                    json_t **items, int64_t *last_id, struct kf_error *err)
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
	rc = match_expr(db, &tq, pii, &expr);
	if (rc == 0)
		rc = db_query(db,
		              !is_pg(db)    ? &q_lite_find
		                      : pii ? &q_pg_find_all
		                            : &q_pg_find,
		              DB_ARGS(db_text(buf_cstr(&expr)), db_int(before_id), db_text(kind ? kind : ""),
		                      db_int(limit)),
		              &r, err);
	*items = json_array();
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last_id = db_col_int(r, HIT_ID);
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

/* ---- bulk --------------------------------------------------------------- */

/*
 * The bulk path's statements.  No RETURNING on SQLite: such a statement
 * runs under a statement journal (a 64 KiB buffer allocated and freed per
 * call) and opens a savepoint, at which FTS5 writes out its pending
 * terms; ids are read back with a SELECT instead.  Documents go
 * SEARCH_CHUNK rows per statement; PostgreSQL keeps the terms in the
 * document row, so there one upsert does everything.
 */
#define SEARCH_CHUNK 16 /* documents per multi-row statement */
#define DOC_UPSERT \
	" ON CONFLICT (kind, ref_id) DO UPDATE SET parent_id = excluded.parent_id, title = excluded.title," \
	" updated_at = excluded.updated_at"
static struct db_sql q_lite_doc = DB_SQL(
        "INSERT INTO search_docs (kind, ref_id, parent_id, title, updated_at) VALUES ($1, $2, $3, $4, $5)" DOC_UPSERT);
static struct db_sql q_lite_docs = DB_SQL(
        "INSERT INTO search_docs (kind, ref_id, parent_id, title, updated_at)"
        " VALUES ($1, $2, $3, $4, $5), ($6, $7, $8, $9, $10), ($11, $12, $13, $14, $15)"
        ", ($16, $17, $18, $19, $20), ($21, $22, $23, $24, $25), ($26, $27, $28, $29, $30)"
        ", ($31, $32, $33, $34, $35), ($36, $37, $38, $39, $40), ($41, $42, $43, $44, $45)"
        ", ($46, $47, $48, $49, $50), ($51, $52, $53, $54, $55), ($56, $57, $58, $59, $60)"
        ", ($61, $62, $63, $64, $65), ($66, $67, $68, $69, $70), ($71, $72, $73, $74, $75)"
        ", ($76, $77, $78, $79, $80)" DOC_UPSERT);
static struct db_sql q_pg_doc = DB_SQL(
        "INSERT INTO search_docs (kind, ref_id, parent_id, title, updated_at, terms)"
        " VALUES ($1, $2, $3, $4, $5, $6)" DOC_UPSERT ", terms = excluded.terms");
static struct db_sql q_pg_docs = DB_SQL(
        "INSERT INTO search_docs (kind, ref_id, parent_id, title, updated_at, terms)"
        " VALUES ($1, $2, $3, $4, $5, $6), ($7, $8, $9, $10, $11, $12)"
        ", ($13, $14, $15, $16, $17, $18), ($19, $20, $21, $22, $23, $24)"
        ", ($25, $26, $27, $28, $29, $30), ($31, $32, $33, $34, $35, $36)"
        ", ($37, $38, $39, $40, $41, $42), ($43, $44, $45, $46, $47, $48)"
        ", ($49, $50, $51, $52, $53, $54), ($55, $56, $57, $58, $59, $60)"
        ", ($61, $62, $63, $64, $65, $66), ($67, $68, $69, $70, $71, $72)"
        ", ($73, $74, $75, $76, $77, $78), ($79, $80, $81, $82, $83, $84)"
        ", ($85, $86, $87, $88, $89, $90), ($91, $92, $93, $94, $95, $96)" DOC_UPSERT
        ", terms = excluded.terms");
/* clang-format off */
#define DOC_ID_COLS(F, X) \
	F(DC_REF_ID, "ref_id") \
	X(DC_ID, "id")
/* clang-format on */
DB_COLS_ENUM(DOC_ID_COLS, DC_NCOLS);
static struct db_sql q_doc_ids = DB_SQL("SELECT " DB_COLS_SQL(
        DOC_ID_COLS) " FROM search_docs"
                     " WHERE kind = $1"
                     " AND ref_id IN ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)");
static struct db_sql q_lite_dels = DB_SQL(
        "DELETE FROM search_fts WHERE rowid IN"
        " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)");

/* The terms of one document (title and text) into terms, which is reset first. */
static int doc_terms(const struct search_doc *d, struct buf *terms, struct kf_error *err)
{
	buf_reset(terms);
	int rc = textsearch_terms(d->title ? d->title : "", d->title ? strlen(d->title) : 0, terms);
	if (rc == 0 && d->text)
		rc = textsearch_terms(d->text, strlen(d->text), terms);
	if (rc < 0)
		return kf_fail(err, KF_ETOOBIG, "too_large", "text", "text too large to index");
	return 0;
}

/* Adds the document's five row parameters to a, and on PostgreSQL its terms as the sixth (in *terms). */
static int doc_args(struct db *db, const struct search_doc *d, struct buf *terms, struct db_argv *a,
                    struct kf_error *err)
{
	db_argv_add(a, db_text(d->kind));
	db_argv_add(a, db_int(d->ref_id));
	db_argv_add(a, d->parent_id ? db_int(d->parent_id) : db_null());
	db_argv_add(a, db_text(d->title ? d->title : ""));
	db_argv_add(a, db_int(d->updated_at));
	if (!is_pg(db))
		return 0;
	int rc = doc_terms(d, terms, err);
	db_argv_add(a, db_text(buf_cstr(terms)));
	return rc;
}

/* One document's row; on SQLite its id into *id. */
static int doc_put(struct db *db, const struct search_doc *d, int64_t *id, struct kf_error *err)
{
	struct buf terms = BUF_INIT;
	DB_ARGV(a, 6);
	int rc = doc_args(db, d, &terms, &a, err);
	if (rc == 0)
		rc = db_exec(db, is_pg(db) ? &q_pg_doc : &q_lite_doc, DB_ARGV_PASS(&a), err);
	if (rc >= 0 && !is_pg(db))
		rc = db_query_int(db, &q_doc_id, DB_ARGS(db_text(d->kind), db_int(d->ref_id)), id, err);
	buf_release(&terms);
	return rc < 0 ? rc : 0;
}

/* SEARCH_CHUNK documents of one kind, no two for the same thing: one statement can take them. */
static int chunk_ok(const struct search_doc *d)
{
	for (int i = 0; i < SEARCH_CHUNK; i++)
		for (int j = i + 1; j < SEARCH_CHUNK; j++)
			if (d[j].ref_id == d[i].ref_id || strcmp(d[j].kind, d[0].kind) != 0)
				return 0;
	return 1;
}

/* The ids of a chunk's documents into ids[], matched by ref_id. */
static int chunk_ids(struct db *db, const struct search_doc *d, int64_t *ids, struct kf_error *err)
{
	DB_ARGV(a, 1 + SEARCH_CHUNK);
	struct db_rows *r = NULL;
	db_argv_add(&a, db_text(d[0].kind));
	for (int i = 0; i < SEARCH_CHUNK; i++)
		db_argv_add(&a, db_int(d[i].ref_id));
	int rc = db_query(db, &q_doc_ids, DB_ARGV_PASS(&a), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		int64_t ref = db_col_int(r, DC_REF_ID);
		for (int i = 0; i < SEARCH_CHUNK; i++)
			if (d[i].ref_id == ref)
				ids[i] = db_col_int(r, DC_ID);
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

/* A chunk's document rows in one statement (with the terms on PostgreSQL); ids on SQLite. */
static int chunk_put(struct db *db, const struct search_doc *d, int64_t *ids, struct kf_error *err)
{
	struct buf terms[SEARCH_CHUNK];
	DB_ARGV(a, SEARCH_CHUNK * 6);
	int pg = is_pg(db), rc = 0;
	for (int i = 0; i < SEARCH_CHUNK; i++)
		terms[i] = (struct buf)BUF_INIT;
	for (int i = 0; i < SEARCH_CHUNK && rc == 0; i++)
		rc = doc_args(db, &d[i], &terms[i], &a, err);
	if (rc == 0)
		rc = db_exec(db, pg ? &q_pg_docs : &q_lite_docs, DB_ARGV_PASS(&a), err);
	if (rc >= 0 && !pg)
		rc = chunk_ids(db, d, ids, err);
	for (int i = 0; i < SEARCH_CHUNK; i++)
		buf_release(&terms[i]);
	return rc < 0 ? rc : 0;
}

struct doc_ref {
	int64_t id; /* search_docs.id */
	int pos; /* index in the batch */
};

static int doc_ref_cmp(const void *a, const void *b)
{
	const struct doc_ref *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->pos - y->pos;
}

/* keep[i] = 0 when a later document of the batch has the same id (the last one wins), else 1. */
static void mark_last(const int64_t *ids, int n, unsigned char *keep)
{
	struct doc_ref *r = xcalloc((size_t)n, sizeof(*r));
	for (int i = 0; i < n; i++)
		r[i] = (struct doc_ref){ ids[i], i };
	qsort(r, (size_t)n, sizeof(*r), doc_ref_cmp);
	for (int i = 0; i < n; i++)
		keep[r[i].pos] = i + 1 == n || r[i + 1].id != r[i].id;
	free(r);
}

/* SQLite: the old terms rows of SEARCH_CHUNK documents out in one statement. */
static int terms_del_chunk(struct db *db, const int64_t *ids, struct kf_error *err)
{
	DB_ARGV(a, SEARCH_CHUNK);
	for (int k = 0; k < SEARCH_CHUNK; k++)
		db_argv_add(&a, db_int(ids[k]));
	return db_exec(db, &q_lite_dels, DB_ARGV_PASS(&a), err);
}

/*
 * SQLite: the terms rows of n documents whose ids are ids[]: every old
 * row out, then the new ones in (of a document given twice, the last).
 */
static int terms_put(struct db *db, const struct search_doc *docs, const int64_t *ids, int n,
                     struct kf_error *err)
{
	struct buf terms = BUF_INIT;
	unsigned char *keep = xcalloc((size_t)n, 1);
	int i = 0, rc = 0;
	mark_last(ids, n, keep);
	for (; rc >= 0 && n - i >= SEARCH_CHUNK; i += SEARCH_CHUNK)
		rc = terms_del_chunk(db, ids + i, err);
	for (; rc >= 0 && i < n; i++)
		rc = db_exec(db, &q_lite_del, DB_ARGS(db_int(ids[i])), err);
	for (i = 0; rc >= 0 && i < n; i++) {
		if (!keep[i])
			continue;
		rc = doc_terms(&docs[i], &terms, err);
		if (rc >= 0)
			rc = db_exec(db, &q_lite_put,
			             DB_ARGS(db_int(ids[i]), db_text(buf_cstr(&terms)), db_text("")), err);
	}
	free(keep);
	buf_release(&terms);
	return rc < 0 ? rc : 0;
}

int search_put_many(struct db *db, const struct search_doc *docs, int n, struct kf_error *err)
{
	if (n <= 0)
		return 0;
	int64_t *ids = xcalloc((size_t)n, sizeof(*ids));
	int rc = 0, i = 0;
	while (i < n && rc == 0) {
		if (n - i >= SEARCH_CHUNK && chunk_ok(&docs[i])) {
			rc = chunk_put(db, &docs[i], &ids[i], err);
			i += SEARCH_CHUNK;
		} else {
			rc = doc_put(db, &docs[i], &ids[i], err);
			i++;
		}
	}
	for (int k = 0; k < n && rc == 0 && !is_pg(db); k++)
		if (ids[k] <= 0)
			rc = kf_fail(err, KF_EDB, "db", NULL, "search: no document row for %s %lld",
			             docs[k].kind, (long long)docs[k].ref_id);
	if (rc == 0 && !is_pg(db))
		rc = terms_put(db, docs, ids, n, err);
	free(ids);
	return rc;
}

/* ---- bulk indexing (search_load_*) ---- */

static struct db_sql q_max_doc = DB_SQL("SELECT COALESCE(MAX(id), 0) FROM search_docs");
static struct db_sql q_pg_doc_seq = DB_SQL(
        "SELECT setval(pg_get_serial_sequence('search_docs', 'id'), (SELECT MAX(id) FROM search_docs))");
static struct bulk_sql b_lite_docs = BULK_SQL("search_docs", "id, kind, ref_id, parent_id, title, updated_at",
                                              6);
static struct bulk_sql b_pg_docs = BULK_SQL("search_docs",
                                            "id, kind, ref_id, parent_id, title, updated_at, terms, pii", 8);

struct search_load {
	struct db *db;
	int pg; /* the terms go into search_docs.terms (PostgreSQL), not search_fts */
	int64_t next_id; /* the id of the next document */
	struct bulk *docs; /* search_docs rows */

	struct buf t; /* the terms of the document being added */
	struct buf p; /* its personal terms */
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
	return search_load_add_pii(l, kind, ref_id, parent_id, title, text, NULL, updated_at, err);
}

int search_load_add_pii(struct search_load *l, const char *kind, int64_t ref_id, int64_t parent_id,
                        const char *title, const char *text, const char *pii, int64_t updated_at,
                        struct kf_error *err)
{
	int64_t id = l->next_id++;
	buf_reset(&l->t);
	buf_reset(&l->p);
	int rc = textsearch_terms(title ? title : "", title ? strlen(title) : 0, &l->t);
	if (rc == 0 && text)
		rc = textsearch_terms(text, strlen(text), &l->t);
	if (rc == 0 && pii)
		rc = textsearch_terms(pii, strlen(pii), &l->p);
	if (rc < 0)
		return kf_fail(err, KF_ETOOBIG, "too_large", "text", "text too large to index");
	struct db_arg parent = parent_id ? db_int(parent_id) : db_null();
	const char *terms = buf_cstr(&l->t), *pterms = buf_cstr(&l->p);
	if (l->pg)
		return bulk_add(l->docs,
		                DB_ARGS(db_int(id), db_text(kind), db_int(ref_id), parent,
		                        db_text(title ? title : ""), db_int(updated_at), db_text(terms),
		                        db_text(pterms)),
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
		rc = db_exec(l->db, &q_lite_put, DB_ARGS(db_int(id), db_text(terms), db_text(pterms)), err);
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
	buf_release(&l->p);
	free(l);
}

/* ---- messages written in bulk ---- */

#define INDEX_PAGE 512 /* messages read per statement */

/* clang-format off */
#define UNINDEXED_COLS(F, X) \
	F(UC_ID, "m.id") \
	X(UC_TICKET_ID, "m.ticket_id") \
	X(UC_BODY, "m.body") \
	X(UC_AT, "m.created_at")
/* clang-format on */
DB_COLS_ENUM(UNINDEXED_COLS, UC_NCOLS);
static struct db_sql q_unindexed = DB_SQL("SELECT " DB_COLS_SQL(
        UNINDEXED_COLS) " FROM ticket_messages m"
                        " WHERE m.id > $1 AND NOT EXISTS (SELECT 1 FROM search_docs d"
                        " WHERE d.kind = 'message' AND d.ref_id = m.id) ORDER BY m.id LIMIT $2");

struct unindexed {
	int64_t id, ticket_id, at;
	char *body;
};

/* Up to INDEX_PAGE messages after *after without a document into rows; *n how many. */
static int unindexed_page(struct db *db, int64_t after, struct unindexed *rows, int *n, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*n = 0;
	int rc = db_query(db, &q_unindexed, DB_ARGS(db_int(after), db_int(INDEX_PAGE)), &r, err);
	while (rc >= 0 && *n < INDEX_PAGE && (rc = db_next(r, err)) == 1) {
		rows[*n] = (struct unindexed){ db_col_int(r, UC_ID), db_col_int(r, UC_TICKET_ID),
			                       db_col_int(r, UC_AT), xstrdup(db_col_text(r, UC_BODY)) };
		(*n)++;
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

int search_index_messages(struct db *db, int64_t *count, struct kf_error *err)
{
	struct unindexed *rows = xcalloc(INDEX_PAGE, sizeof(*rows));
	struct search_load *l = NULL;
	int64_t after = 0, added = 0;
	int n = 0, rc = search_load_new(db, &l, err);
	do {
		if (rc == 0)
			rc = unindexed_page(db, after, rows, &n, err);
		for (int i = 0; i < n; i++) {
			if (rc == 0)
				rc = search_load_add(l, "message", rows[i].id, rows[i].ticket_id, NULL,
				                     rows[i].body, rows[i].at, err);
			added += rc == 0;
			after = rows[i].id;
			free(rows[i].body);
		}
	} while (rc == 0 && n == INDEX_PAGE);
	if (rc == 0)
		rc = search_load_finish(l, err);
	search_load_free(l);
	free(rows);
	if (count)
		*count = rc == 0 ? added : 0;
	return rc < 0 ? rc : 0;
}

/* ---- rebuilding every document (kefu search --reindex) ---- */

/*
 * One statement per kind, keyset-paged: id, parent, title, text, (unused),
 * time.  A customer's identities and an order's lines are read per row
 * and joined in C (string_agg and group_concat differ between dialects).
 */
enum { RB_ID, RB_PARENT, RB_TITLE, RB_TEXT, RB_UNUSED, RB_AT, RB_NCOLS };
_Static_assert(RB_NCOLS == 6,
               "q_rb_tickets, _messages, _customers, _orders: id, parent, title, text, '', time");
/* q_rb_idents reads value, q_rb_lines sku and name: the first column is the same. */
enum { RBX_VALUE, RBX_NAME };
static struct db_sql q_rb_tickets = DB_SQL(
        "SELECT t.id, 0, t.subject, (SELECT m.body FROM ticket_messages m WHERE m.ticket_id = t.id"
        " ORDER BY m.id LIMIT 1), '', t.updated_at FROM tickets t WHERE t.id > $1 ORDER BY t.id LIMIT $2");
static struct db_sql q_rb_messages = DB_SQL(
        "SELECT id, ticket_id, '', body, '', created_at FROM ticket_messages WHERE id > $1 ORDER BY id LIMIT $2");
static struct db_sql q_rb_customers = DB_SQL(
        "SELECT id, 0, name, '', '', updated_at FROM customers WHERE id > $1 AND erased_at IS NULL"
        " ORDER BY id LIMIT $2");
static struct db_sql q_rb_orders = DB_SQL(
        "SELECT id, 0, number, '', '', placed_at FROM orders WHERE id > $1 ORDER BY id LIMIT $2");
static struct db_sql q_rb_idents = DB_SQL(
        "SELECT value FROM customer_identities WHERE customer_id = $1 ORDER BY id");
static struct db_sql q_rb_lines = DB_SQL(
        "SELECT sku, name FROM order_lines WHERE order_id = $1 ORDER BY line_no");

struct rb_doc {
	int64_t id, parent, at;
	char *title, *text;
};

/* The extra text of a customer (identities, into pii) or an order (lines, into text). */
static int rebuild_extra(struct db *db, const char *kind, int64_t id, struct buf *out, struct kf_error *err)
{
	int order = strcmp(kind, "order") == 0;
	struct db_rows *r = NULL;
	int rc = db_query(db, order ? &q_rb_lines : &q_rb_idents, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		buf_addf(out, " %s %s", db_col_text(r, RBX_VALUE), order ? db_col_text(r, RBX_NAME) : "");
	db_done(r);
	return rc < 0 ? rc : 0;
}

static int rebuild_page(struct db *db, const char *kind, struct rb_doc *d, int n, struct kf_error *err)
{
	int cust = strcmp(kind, "customer") == 0, order = strcmp(kind, "order") == 0, rc = 0;
	struct buf extra = BUF_INIT, text = BUF_INIT;
	for (int i = 0; i < n && rc == 0; i++) {
		buf_reset(&extra);
		buf_reset(&text);
		if (cust || order)
			rc = rebuild_extra(db, kind, d[i].id, &extra, err);
		if (rc == 0 && order) {
			buf_adds(&text, buf_cstr(&extra));
			buf_reset(&extra);
		} else if (rc == 0 && d[i].text) {
			buf_adds(&text, d[i].text);
		}
		if (rc == 0)
			rc = search_put_pii(db, kind, d[i].id, d[i].parent, d[i].title, buf_cstr(&text),
			                    cust ? buf_cstr(&extra) : NULL, d[i].at, err);
	}
	buf_release(&extra);
	buf_release(&text);
	return rc;
}

static int rebuild_kind(struct db *db, const char *kind, struct db_sql *q, int64_t *count, struct kf_error *err)
{
	struct rb_doc *d = xcalloc(INDEX_PAGE, sizeof(*d));
	int64_t after = 0;
	int n, rc = 0;
	*count = 0;
	do {
		struct db_rows *r = NULL;
		n = 0;
		rc = db_query(db, q, DB_ARGS(db_int(after), db_int(INDEX_PAGE)), &r, err);
		while (rc >= 0 && n < INDEX_PAGE && (rc = db_next(r, err)) == 1) {
			d[n] = (struct rb_doc){ db_col_int(r, RB_ID), db_col_int(r, RB_PARENT),
				                db_col_int(r, RB_AT), xstrdup(db_col_text(r, RB_TITLE)),
				                db_col_isnull(r, RB_TEXT) ? NULL
				                                          : xstrdup(db_col_text(r, RB_TEXT)) };
			after = d[n++].id;
		}
		db_done(r);
		if (rc >= 0)
			rc = rebuild_page(db, kind, d, n, err);
		for (int i = 0; i < n; i++) {
			free(d[i].title);
			free(d[i].text);
		}
		*count += rc == 0 ? n : 0;
	} while (rc == 0 && n == INDEX_PAGE);
	free(d);
	return rc < 0 ? rc : 0;
}

int search_rebuild(struct db *db, int64_t counts[4], struct kf_error *err)
{
	static const char *const kinds[] = { "ticket", "message", "customer", "order" };
	struct db_sql *qs[] = { &q_rb_tickets, &q_rb_messages, &q_rb_customers, &q_rb_orders };
	int rc = 0;
	for (int k = 0; k < 4 && rc == 0; k++)
		rc = rebuild_kind(db, kinds[k], qs[k], &counts[k], err);
	return rc;
}

/* ---- merges ---- */

static struct db_sql q_reparent = DB_SQL(
        "UPDATE search_docs SET parent_id = $2 WHERE kind = 'message' AND parent_id = $1");

int search_reparent_messages(struct db *db, int64_t from, int64_t into, struct kf_error *err)
{
	int rc = db_exec(db, &q_reparent, DB_ARGS(db_int(from), db_int(into)), err);
	return rc < 0 ? rc : 0;
}
