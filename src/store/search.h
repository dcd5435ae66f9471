/*
 * search.h - the full-text index: one document per searchable thing
 * (a ticket's subject, a message's body, a customer's name and
 * identities, an order's number and lines), found by any mix of Chinese
 * and English terms (see base/textsearch.h for how text becomes terms).
 *
 * Domain modules call search_put in the transaction that creates or
 * changes the thing.  SQLite keeps the terms in an FTS5 table, PostgreSQL
 * in a GIN-indexed tsvector; this file is the one place besides
 * migrate.c that knows the dialects apart, since full-text syntax is
 * not common SQL.  Results come newest first, keyset-paged by document
 * id, so the first page costs the same at any size.
 */
#ifndef KF_SEARCH_H
#define KF_SEARCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;

/*
 * Index (or re-index) one thing.  kind: "ticket", "message", "customer",
 * "order"; parent_id: what a hit should open (a message's ticket), 0 if
 * none; title: shown in results; text: everything searchable (title is
 * included automatically).
 */
int search_put(struct db *db, const char *kind, int64_t ref_id, int64_t parent_id, const char *title,
               const char *text, int64_t updated_at, struct kf_error *err);
/*
 * The same with personal terms (a customer's phone, e-mail, other
 * identities) in pii: matched only by search_query_as with pii set, so a
 * caller who sees them masked gets no signal from them.
 */
int search_put_pii(struct db *db, const char *kind, int64_t ref_id, int64_t parent_id, const char *title,
                   const char *text, const char *pii, int64_t updated_at, struct kf_error *err);
int search_remove(struct db *db, const char *kind, int64_t ref_id, struct kf_error *err);
/* The message documents of ticket from now open ticket into (a merge moved the messages). */
int search_reparent_messages(struct db *db, int64_t from, int64_t into, struct kf_error *err);
/*
 * Inside a write batch, SQLite stages index changes (see search.c); the
 * batch writer calls this once before db_batch_commit to apply them.
 * Elsewhere, and on PostgreSQL, there is nothing to do.
 */
int search_flush(struct db *db, struct kf_error *err);

/*
 * Documents matching every term of q (KF_EINVAL "q" when q has none),
 * of one kind (NULL = all), with id < before_id (0 = from the newest).
 * *items: new array of {kind, ref_id, parent_id, title}; *last_id the
 * cursor for the next page, 0 when this page was the last.  search_query
 * matches personal terms too (callers allowed personal data: the CLI);
 * search_query_as only when pii is non-zero (the API: pii.read).
 */
int search_query(struct db *db, const char *q, const char *kind, int64_t before_id, int limit, json_t **items,
                 int64_t *last_id, struct kf_error *err);
int search_query_as(struct db *db, const char *q, const char *kind, int pii, int64_t before_id, int limit,
                    json_t **items, int64_t *last_id, struct kf_error *err);

/* One document for search_put_many; the fields mean what search_put's arguments mean. */
struct search_doc {
	const char *kind; /* "order", ... */
	int64_t ref_id; /* the thing's id */
	int64_t parent_id; /* 0 = none */
	const char *title; /* borrowed */
	const char *text; /* borrowed; may be NULL */
	int64_t updated_at;
};

/*
 * Index n documents: the same rows as n search_put calls, written in an
 * order that suits bulk loads (the import).  Every document row goes
 * first, then every term row, so SQLite's FTS5 keeps the terms of the
 * whole batch pending in memory and writes them as one segment, where
 * search_put's interleaving of a RETURNING statement (which opens a
 * statement savepoint, and FTS5 flushes its pending terms at every
 * savepoint) writes one segment per document.  Stops at the first error.
 */
int search_put_many(struct db *db, const struct search_doc *docs, int n, struct kf_error *err);
/*
 * Bulk indexing, for loading many new documents at once (kefu demo):
 * documents go in with multi-row INSERTs (store/bulk.h) and ids of their
 * own, from the highest id in search_docs on.  Only for things not indexed
 * yet: search_load_add never replaces a document (a duplicate kind and
 * ref_id fails with KF_EEXIST, at the add or the flush that writes it).
 * search_load_new reads the next id; search_load_flush writes what is
 * pending; search_load_free frees (NULL-safe) without writing.
 */
struct search_load;
int search_load_new(struct db *db, struct search_load **out, struct kf_error *err);
int search_load_add(struct search_load *l, const char *kind, int64_t ref_id, int64_t parent_id,
                    const char *title, const char *text, int64_t updated_at, struct kf_error *err);
/* The same with personal terms (see search_put_pii). */
int search_load_add_pii(struct search_load *l, const char *kind, int64_t ref_id, int64_t parent_id,
                        const char *title, const char *text, const char *pii, int64_t updated_at,
                        struct kf_error *err);
int search_load_flush(struct search_load *l, struct kf_error *err);
void search_load_free(struct search_load *l);
/*
 * Write what is pending and end the load: on PostgreSQL the id sequence
 * of search_docs moves past the ids search_load_add used.
 */
int search_load_finish(struct search_load *l, struct kf_error *err);
/*
 * Index every ticket message that has no search document yet (rows
 * written in bulk, as kefu demo writes the conversations, whose ids the
 * database assigns); *count (may be NULL) gets how many were added.
 */
int search_index_messages(struct db *db, int64_t *count, struct kf_error *err);
/*
 * Rebuild the document of every ticket (subject and first message),
 * message, customer not erased (name; identities as personal terms) and
 * order (number, lines' SKUs and names) from the tables, in the caller's
 * transaction: after an upgrade that changes how text becomes terms
 * (kefu search --reindex).  counts[4]: tickets, messages, customers, orders.
 */
int search_rebuild(struct db *db, int64_t counts[4], struct kf_error *err);

#endif
