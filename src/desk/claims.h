/*
 * claims.h - claims for damaged, lost or late shipments (货物损坏赔付,
 * PRODUCT.md D4; the payout rule is in desk/claim_rules.h): the
 * shipment, the kind, the declared value, the evidence (attachment ids of
 * the ticket), the decision with its reason and payout, and what was
 * recovered from the carrier.
 *
 * One claim per claim ticket (claims table).  Every change runs in one
 * transaction with its ticket_events row, with optimistic concurrency on
 * version; a payout above the declared value (a manager's) is also
 * audited.
 */
#ifndef KF_CLAIMS_H
#define KF_CLAIMS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "base/textlen.h"
#include "desk/claim_rules.h"

struct db;

#define CLAIM_EVIDENCE_MAX 50 /* attachment ids on one claim */
#define CLAIM_TEXT_MAX 2000 /* characters of the decision reason */

struct claim_input {
	int64_t shipment_id; /* 0 = the ticket's shipment */
	const char *kind; /* damage, loss, late */
	int64_t declared_value_minor; /* >= 0 */
	const char *currency; /* NULL = CNY */
	json_t *evidence; /* array of attachment ids of the ticket, or NULL; borrowed */
};

/* A change of a claim; NULL / -1 = unchanged. */
struct claim_patch {
	int64_t declared_value_minor; /* only while pending */
	const char *currency; /* only while pending */
	json_t *evidence; /* replaces the list; borrowed */
	int64_t carrier_recovery_minor; /* what the carrier paid back */
	const char *carrier_recovery_status; /* none, claimed, recovered, refused */
	int can_change_value; /* the caller is a manager: may change the declared value (the payout cap) */
};
#define CLAIM_PATCH_INIT \
	{ \
		-1, NULL, NULL, -1, NULL, 0 \
	}

/* Create the claim of a claim ticket (KF_EEXIST if it has one).  *out owned JSON; *version its version. */
int claim_create(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                 const struct claim_input *in, json_t **out, int64_t *version, struct kf_error *err);

/* The claim of ticket_id as JSON (owned) and its version. */
int claim_get(struct db *db, int64_t ticket_id, json_t **out, int64_t *version, struct kf_error *err);

/*
 * Apply p (KF_ECONFLICT "decided" for value or currency after the decision); version must match.
 * The declared value is the payout cap: changing it needs p->can_change_value (KF_EPERM
 * "declared_value_manager" otherwise) and is audited (claim.declared_value_change, before/after).
 */
int claim_change(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                 const struct claim_patch *p, json_t **out, int64_t *new_version, struct kf_error *err);

/*
 * Decide a pending claim (KF_ECONFLICT "already_decided" otherwise):
 * claim_rules_check_payout with can_override for a manager.  reason may be NULL.
 */
int claim_decide(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                 enum claim_decision d, const char *reason, int64_t payout_minor, int can_override,
                 json_t **out, int64_t *new_version, struct kf_error *err);

/* For desk_can_resolve: the claim must exist and be decided. */
int claim_can_resolve(struct db *db, int64_t ticket_id, struct kf_error *err);

#endif
