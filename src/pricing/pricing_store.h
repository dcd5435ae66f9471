/*
 * pricing_store.h - rate cards, the price policy, contract rates and
 * stored quotes in the database (PRODUCT.md P1, P2; migration 0013).
 *
 * Rate cards are stored as the CSV they were imported from and parsed by
 * ratecard_csv.c only; a process-wide cache keeps each parsed card per id
 * and version, so a quote costs one indexed lookup, not a parse.  A quote
 * request is JSON (docs/openapi/80-pricing.json), priced by quote.c with
 * the policy and the customer's contract rate, and answered as JSON with
 * every line labelled in Chinese and English, the weights, the zone, the
 * transit estimate in business days (the default business calendar) and
 * the terms; stored quotes keep request and answer as given.
 */
#ifndef KF_PRICING_STORE_H
#define KF_PRICING_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

#define PRICING_CSV_MAX (4 * 1024 * 1024)

/* Import a new card named name from CSV (refused whole with the line and
 * reason); KF_EEXIST when the name is taken.  *out: the card summary. */
int ratecard_create(struct db *db, const struct actor *a, int64_t now, const char *name, const char *csv,
                    size_t len, json_t **out, struct kf_error *err);
/* Replace card id's CSV (If-Match version). */
int ratecard_replace(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                     const char *csv, size_t len, json_t **out, struct kf_error *err);
int ratecard_list(struct db *db, json_t **items, struct kf_error *err);
/* The summary with zones, breaks and surcharges. */
int ratecard_get(struct db *db, int64_t id, json_t **out, struct kf_error *err);
/* The stored CSV (owned, NUL-terminated). */
int ratecard_csv(struct db *db, int64_t id, char **csv, int64_t *version, struct kf_error *err);
/* Retire a card: it prices no new quote; stored quotes keep their answers. */
int ratecard_retire(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);

int price_policy_get(struct db *db, json_t **out, int64_t *version, struct kf_error *err);
int price_policy_put(struct db *db, const struct actor *a, int64_t now, int64_t version, json_t *body,
                     json_t **out, struct kf_error *err);

int contract_rate_get(struct db *db, int64_t customer_id, json_t **out, struct kf_error *err);
int contract_rate_put(struct db *db, const struct actor *a, int64_t now, int64_t customer_id, json_t *body,
                      json_t **out, struct kf_error *err);

/* Price a request; store it when store is set (attached to the ticket,
 * order or customer it names).  *out is the answer (with "id" when stored). */
int quote_price(struct db *db, const struct actor *a, int64_t now, json_t *body, int store, json_t **out,
                struct kf_error *err);
int quote_get(struct db *db, int64_t id, json_t **out, struct kf_error *err);
/* Quotes of a ticket (kind "ticket"), order or customer, newest first. */
int quote_list_for(struct db *db, const char *kind, int64_t id, json_t **items, struct kf_error *err);

/* Drop the parsed-card cache (tests). */
void pricing_cache_clear(void);

#endif
