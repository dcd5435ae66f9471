/*
 * preference.h - a customer's free-form preferences shown to agents (the
 * Oriental Hotel's "usual seat", seed 004): key -> value, at most
 * CUSTOMER_PREF_KEY_MAX / CUSTOMER_PREF_VALUE_MAX characters (customer.h).
 */
#ifndef KF_PREFERENCE_H
#define KF_PREFERENCE_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

/* Set (insert or replace) or remove one preference, audited. */
int preference_set(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *key,
                   const char *value, struct kf_error *err);
int preference_remove(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *key,
                      struct kf_error *err);
/* Check and write one preference of a customer being created (inside its
 * transaction; errors name the field "preferences"). */
int preference_insert(struct db *db, int64_t id, int64_t now, const char *key, const char *value,
                      struct kf_error *err);
/* into["preferences"] = {key: value} of customer id. */
int preference_list_json(struct db *db, int64_t id, json_t *into, struct kf_error *err);

#endif
