/*
 * contract_rate.h - a customer's contract freight rate in basis points
 * (PRODUCT.md P2), applied by quote_store.c to the customer's quotes.
 */
#ifndef KF_CONTRACT_RATE_H
#define KF_CONTRACT_RATE_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

#define CONTRACT_RATE_NOTE_MAX_CHARS 500

/* A contract rate to set, parsed at the edge (http/api_pricing.c); checked again here. */
struct contract_rate_input {
	int64_t freight_bp; /* 0..10000: the discount on freight */
	const char *note; /* at most CONTRACT_RATE_NOTE_MAX_CHARS characters; NULL = "" */
};

int contract_rate_get(struct db *db, int64_t customer_id, json_t **out, struct kf_error *err);
/* Set the customer's rate, audited as "contract_rate.put" with what was given; *out as contract_rate_get. */
int contract_rate_put(struct db *db, const struct actor *a, int64_t now, int64_t customer_id,
                      const struct contract_rate_input *in, json_t **out, struct kf_error *err);

#endif
