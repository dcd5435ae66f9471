/*
 * ratecard_store.h - rate cards in the database (PRODUCT.md P1; migration
 * 0013).
 *
 * Rate cards are stored as the CSV they were imported from and parsed by
 * ratecard_csv.c only; a process-wide cache keeps each parsed card per id
 * and version, so a quote costs one indexed lookup, not a parse.
 */
#ifndef KF_RATECARD_STORE_H
#define KF_RATECARD_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "pricing/ratecard.h"

struct db;

#define RATECARD_STORE_CSV_MAX (4 * 1024 * 1024)

/* A parsed card borrowed from the cache. */
struct ratecard_entry {
	int64_t id, version;
	int active;
	struct rate_card *card;
	int refs; /* borrowers */
	int stale; /* replaced: freed when the last borrower returns it */
};

/* Import a new card named name from CSV (refused whole with the line and
 * reason); KF_EEXIST when the name is taken.  *out: the card summary. */
int ratecard_store_create(struct db *db, const struct actor *a, int64_t now, const char *name,
                          const char *csv, size_t len, json_t **out, struct kf_error *err);
/* Replace card id's CSV (If-Match version). */
int ratecard_store_replace(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                           const char *csv, size_t len, json_t **out, struct kf_error *err);
int ratecard_store_list(struct db *db, json_t **items, struct kf_error *err);
/* The summary with zones, breaks and surcharges. */
int ratecard_store_get(struct db *db, int64_t id, json_t **out, struct kf_error *err);
/* The stored CSV (owned, NUL-terminated). */
int ratecard_store_csv(struct db *db, int64_t id, char **csv, int64_t *version, struct kf_error *err);
/* Retire a card: it prices no new quote; stored quotes keep their answers. */
int ratecard_store_retire(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);

/* Borrow card id, parsed, at its current version (version 0: read it);
 * ratecard_store_release when done.  KF_ENOTFOUND if none. */
int ratecard_store_acquire(struct db *db, int64_t id, int64_t version, struct ratecard_entry **out,
                           struct kf_error *err);
void ratecard_store_release(struct ratecard_entry *e);

/* Drop the parsed-card cache (tests). */
void ratecard_store_cache_clear(void);

#endif
