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

int contract_rate_get(struct db *db, int64_t customer_id, json_t **out, struct kf_error *err);
int contract_rate_put(struct db *db, const struct actor *a, int64_t now, int64_t customer_id, json_t *body,
                      json_t **out, struct kf_error *err);

#endif
