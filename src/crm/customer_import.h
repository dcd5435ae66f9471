/*
 * customer_import.h - what the import framework (logistics/import.c)
 * needs from the customer module: create or update one customer from an
 * import row, and find a customer by its external id.
 */
#ifndef KF_CUSTOMER_IMPORT_H
#define KF_CUSTOMER_IMPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

/*
 * Create or update (by "external_id") one customer from a row given as a
 * JSON object of strings: external_id (required), name (required), kind
 * (person|company), phone, email, wechat, tier (A|B|C), stage, birthday
 * (YYYY-MM-DD), province, city, address, tags ("a;b").  KF_EINVAL with
 * field set for a bad value.  *id is the customer.
 */
int customer_import_row(struct db *db, const struct actor *a, json_t *row, int64_t now, int64_t *id,
                        struct kf_error *err);
/* The customer with this external id; KF_ENOTFOUND if none. */
int customer_by_external_id(struct db *db, const char *external_id, int64_t *id, struct kf_error *err);
/* The external id of customer id into out (n bytes; "" when it has none); KF_ENOTFOUND if no such customer. */
int customer_external_id_of(struct db *db, int64_t id, char *out, size_t n, struct kf_error *err);

#endif
