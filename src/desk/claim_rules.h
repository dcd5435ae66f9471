/*
 * claim_rules.h - the rules of the claim process (desk/claims.c loads the
 * facts, asks these functions, and writes).
 * Pure: no store, no clock (now is passed in), no globals;
 * tests/unit/test_process_rules.c checks every rule.
 *
 * Claims (货物损坏赔付): the payout is never negative, is 0 for a rejected
 * claim, and never above the declared value unless a manager decides.
 */
#ifndef KF_CLAIM_RULES_H
#define KF_CLAIM_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

enum claim_decision {
	CD_NONE = -1, /* not a decision */
	CD_PENDING = 0, /* not decided yet */
	CD_APPROVED, /* paid in full (up to the declared value) */
	CD_PARTIALLY_APPROVED, /* paid in part */
	CD_REJECTED, /* nothing paid */
	CD_COUNT
};

enum claim_decision claim_rules_decision_parse(const char *s);
const char *claim_rules_decision_name(enum claim_decision d); /* "" for CD_NONE; borrowed, static */
/* 1 for damage, loss, late. */
int claim_rules_kind_valid(const char *s);
/* 1 for none, claimed, recovered, refused. */
int claim_rules_recovery_status_valid(const char *s);

/*
 * The payout rule for deciding a pending claim: decision must not be
 * pending (KF_EINVAL "invalid" field "decision"); payout >= 0
 * (KF_EINVAL "range"); 0 for rejected (KF_EINVAL "invalid" field
 * "payout_minor"); a reason for rejected and partially_approved
 * (KF_EINVAL "required" field "decision_reason"); above declared only with
 * can_override (KF_EPERM "payout_over_declared").
 */
int claim_rules_check_payout(enum claim_decision d, int64_t payout_minor, int64_t declared_minor,
                             int has_reason, int can_override, struct kf_error *err);

#endif
