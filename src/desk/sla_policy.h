/*
 * sla_policy.h - the stored SLA policies (the choice among them and the
 * due times are sla.h).  Writes are audited and versioned (If-Match).
 *
 * Policy JSON: {"name","ticket_type","priority","customer_tier" ("" or
 * absent = any),"first_response_s","next_response_s","resolution_s",
 * "sunset","calendar_id","rank"}.
 */
#ifndef KF_SLA_POLICY_H
#define KF_SLA_POLICY_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "desk/sla.h"

struct db;

#define SLA_POLICY_MAX 256 /* SLA policies considered per choice */

/* Every policy, for sla_choose; *n set; KF_EDB on failure. */
int sla_policy_load_all(struct db *db, struct sla_policy *out, int max, int *n, struct kf_error *err);
int sla_policy_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last,
                    struct kf_error *err);
int sla_policy_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
int sla_policy_create(struct db *db, const struct actor *a, int64_t now, json_t *body, int64_t *id,
                      struct kf_error *err);
int sla_policy_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                      json_t *body, struct kf_error *err);
int sla_policy_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);
json_t *sla_policy_to_json(const struct sla_policy *p, const char *name);

#endif
