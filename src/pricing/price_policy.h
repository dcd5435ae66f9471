/*
 * price_policy.h - the price policy in the database (PRODUCT.md P2):
 * quantity tiers, promotions and the pickup allowance, one versioned
 * document, parsed once per version for quote_store.c.
 */
#ifndef KF_PRICE_POLICY_H
#define KF_PRICE_POLICY_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "pricing/quote.h"

struct db;

/* The policy document with its "version". */
int price_policy_get(struct db *db, json_t **out, int64_t *version, struct kf_error *err);
/* Replace the policy (If-Match version); body is the checked document. */
int price_policy_put(struct db *db, const struct actor *a, int64_t now, int64_t version, json_t *body,
                     json_t **out, struct kf_error *err);
/* The parsed policy at version v (0: read it), from a cache. */
int price_policy_current(struct db *db, int64_t v, struct quote_policy *pol, struct kf_error *err);

/* Drop the parsed-policy cache (tests). */
void price_policy_cache_clear(void);

#endif
