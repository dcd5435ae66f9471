/*
 * sla_policy.h - the stored SLA policies (the choice among them and the
 * due times are sla.h).  Writes are audited and versioned (If-Match).
 *
 * The request body is parsed at the edge (http/api_sla.c) into struct
 * sla_policy_input; the checks are repeated here for other callers.
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

/* Which fields a create or a change gives (PATCH: the rest keeps its value). */
#define SLA_POLICY_HAS_NAME 0x001u
#define SLA_POLICY_HAS_TICKET_TYPE 0x002u
#define SLA_POLICY_HAS_PRIORITY 0x004u
#define SLA_POLICY_HAS_CUSTOMER_TIER 0x008u
#define SLA_POLICY_HAS_FIRST_RESPONSE 0x010u
#define SLA_POLICY_HAS_NEXT_RESPONSE 0x020u
#define SLA_POLICY_HAS_RESOLUTION 0x040u
#define SLA_POLICY_HAS_SUNSET 0x080u
#define SLA_POLICY_HAS_CALENDAR 0x100u
#define SLA_POLICY_HAS_RANK 0x200u

struct sla_policy_input {
	unsigned present; /* SLA_POLICY_HAS_* bits; a create needs SLA_POLICY_HAS_NAME */
	const char *name; /* at most DESK_NAME_MAX_CHARS characters */
	const char *ticket_type, *priority, *customer_tier; /* "" = any */
	int64_t first_response_s, next_response_s, resolution_s; /* 0..366 days, 0 = none */
	int sunset; /* the due time is the close of the business day */
	int64_t calendar_id; /* >= 1; not given on create = the default calendar */
	int64_t rank; /* 0..1000000, lower wins among equals; 100 on create */
};

/* Every policy, for sla_choose; *n set; KF_EDB on failure. */
int sla_policy_load_all(struct db *db, struct sla_policy *out, int max, int *n, struct kf_error *err);
int sla_policy_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last,
                    struct kf_error *err);
int sla_policy_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
int sla_policy_create(struct db *db, const struct actor *a, int64_t now, const struct sla_policy_input *in,
                      int64_t *id, struct kf_error *err);
int sla_policy_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                      const struct sla_policy_input *in, struct kf_error *err);
int sla_policy_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);
json_t *sla_policy_to_json(const struct sla_policy *p, const char *name);

#endif
