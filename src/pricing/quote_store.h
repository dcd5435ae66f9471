/*
 * quote_store.h - pricing quote requests and the stored quotes
 * (PRODUCT.md P1, P2).
 *
 * A quote request (docs/openapi/80-pricing.json) is priced by quote.c with
 * the policy and the customer's contract rate, and answered as JSON with
 * every line labelled in Chinese and English, the weights, the zone, the
 * transit estimate in business days (the default business calendar) and
 * the terms; stored quotes keep request and answer as given.
 */
#ifndef KF_QUOTE_STORE_H
#define KF_QUOTE_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

/* Price a request; store it when store is set (attached to the ticket,
 * order or customer it names).  *out is the answer (with "id" when stored). */
int quote_store_price(struct db *db, const struct actor *a, int64_t now, json_t *body, int store,
                      json_t **out, struct kf_error *err);
int quote_store_get(struct db *db, int64_t id, json_t **out, struct kf_error *err);
/* Quotes of a ticket (kind "ticket"), order or customer, newest first. */
int quote_store_list_for(struct db *db, const char *kind, int64_t id, json_t **items, struct kf_error *err);

/* Drop the default-calendar cache (tests). */
void quote_store_cache_clear(void);

#endif
