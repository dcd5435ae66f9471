/*
 * claim_rules.c - see claim_rules.h.  Tables drive the names and the requirements;
 * every function is a lookup or a comparison.
 */
#include "desk/claim_rules.h"

#include <stdio.h>
#include <string.h>

#include "desk/process_rules.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const decision_names[CD_COUNT] = { "pending", "approved", "partially_approved", "rejected" };
static const char *const claim_kinds[] = { "damage", "loss", "late" };
static const char *const recovery_statuses[] = { "none", "claimed", "recovered", "refused" };

enum claim_decision claim_rules_decision_parse(const char *s)
{
	return (enum claim_decision)process_rules_name_index(decision_names, NELEM(decision_names), s);
}

const char *claim_rules_decision_name(enum claim_decision d)
{
	return process_rules_name_at(decision_names, NELEM(decision_names), (int)d);
}

int claim_rules_kind_valid(const char *s)
{
	return process_rules_name_index(claim_kinds, NELEM(claim_kinds), s) >= 0;
}

int claim_rules_recovery_status_valid(const char *s)
{
	return process_rules_name_index(recovery_statuses, NELEM(recovery_statuses), s) >= 0;
}

int claim_rules_check_payout(enum claim_decision d, int64_t payout_minor, int64_t declared_minor,
                             int has_reason, int can_override, struct kf_error *err)
{
	if (d <= CD_PENDING || d >= CD_COUNT)
		return kf_fail(err, KF_EINVAL, "invalid", "decision",
		               "decision must be approved, partially_approved or rejected");
	if (payout_minor < 0)
		return kf_fail(err, KF_EINVAL, "range", "payout_minor", "payout_minor must not be negative");
	if (d == CD_REJECTED && payout_minor != 0)
		return kf_fail(err, KF_EINVAL, "invalid", "payout_minor",
		               "a rejected claim pays nothing: payout_minor must be 0");
	if ((d == CD_REJECTED || d == CD_PARTIALLY_APPROVED) && !has_reason)
		return kf_fail(err, KF_EINVAL, "required", "decision_reason",
		               "decision_reason is required to %s a claim",
		               d == CD_REJECTED ? "reject" : "partially approve");
	if (payout_minor > declared_minor && !can_override)
		return kf_fail(err, KF_EPERM, "payout_over_declared", "payout_minor",
		               "a payout of %lld is above the declared value %lld; only a manager may pay more",
		               (long long)payout_minor, (long long)declared_minor);
	return 0;
}
