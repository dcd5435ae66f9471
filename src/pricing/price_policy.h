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

/* Which parts of the document a replacement gives (the rest is absent: no tiers, no promotions, 10000). */
#define PRICE_POLICY_HAS_TIERS 0x1u
#define PRICE_POLICY_HAS_PROMOS 0x2u
#define PRICE_POLICY_HAS_PICKUP 0x4u

struct price_policy_promo_input {
	const char *code; /* at most RC_CODE_MAX - 1 bytes */
	const char *start, *end; /* ISO 8601 times as given (stored as given), end after start */
	int64_t bp; /* 0..10000 */
};

/*
 * A policy document, parsed at the edge (http/api_pricing.c) and checked
 * again here.  Strings are borrowed.  The stored document is rendered
 * from it with sorted keys, so it is the body as received.
 */
struct price_policy_input {
	unsigned present; /* PRICE_POLICY_HAS_* */
	size_t ntiers; /* 0..QUOTE_MAX_TIERS */
	struct quote_tier tiers[QUOTE_MAX_TIERS]; /* min_qty >= 1, bp 0..10000 */
	size_t npromos; /* 0..QUOTE_MAX_PROMOS */
	struct price_policy_promo_input promos[QUOTE_MAX_PROMOS];
	int64_t pickup_allowance_bp; /* 0..10000 */
};

/* The policy document with its "version". */
int price_policy_get(struct db *db, json_t **out, int64_t *version, struct kf_error *err);
/* Replace the policy (If-Match version); KF_EINVAL naming the field as the API does, KF_ESTALE. */
int price_policy_put(struct db *db, const struct actor *a, int64_t now, int64_t version,
                     const struct price_policy_input *in, json_t **out, struct kf_error *err);
/* The parsed policy at version v (0: read it), from a cache. */
int price_policy_current(struct db *db, int64_t v, struct quote_policy *pol, struct kf_error *err);

/* Drop the parsed-policy cache (tests). */
void price_policy_cache_clear(void);

#endif
