/*
 * process_rules.c - see process_rules.h.  Tables drive the names and the
 * requirements; every function is a lookup or a comparison.
 */
#include "desk/process_rules.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Index of s in a NULL-free table of n names, or -1. */
static int name_index(const char *const *names, size_t n, const char *s)
{
	if (!s)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static const char *name_at(const char *const *names, size_t n, int i)
{
	return i >= 0 && (size_t)i < n ? names[i] : "";
}

/* ---- complaints ------------------------------------------------------ */

static const char *const step_names[CS_COUNT] = {
	"received", "initial_handling", "investigation", "solution", "implementation", "archived",
};

enum complaint_step complaint_step_parse(const char *s)
{
	return (enum complaint_step)name_index(step_names, NELEM(step_names), s);
}

const char *complaint_step_name(enum complaint_step s)
{
	return name_at(step_names, NELEM(step_names), (int)s);
}

/* Seed 000 §9.2: what each step needs before it can be entered. */
static const struct {
	enum complaint_step step; /* the step that needs it */
	const char *field; /* the API field name */
	size_t offset; /* the flag in struct complaint_facts */
} requirements[] = {
	{ CS_INVESTIGATION, "acknowledged", offsetof(struct complaint_facts, acknowledged) },
	{ CS_INVESTIGATION, "category_id", offsetof(struct complaint_facts, classified) },
	{ CS_SOLUTION, "investigation_notes", offsetof(struct complaint_facts, has_investigation_notes) },
	{ CS_SOLUTION, "root_cause", offsetof(struct complaint_facts, has_root_cause) },
	{ CS_SOLUTION, "responsible_department", offsetof(struct complaint_facts, has_responsible_department) },
	{ CS_IMPLEMENTATION, "solution", offsetof(struct complaint_facts, has_solution) },
	{ CS_ARCHIVED, "implemented", offsetof(struct complaint_facts, implemented) },
	{ CS_ARCHIVED, "customer_confirmation", offsetof(struct complaint_facts, customer_confirmed) },
	{ CS_ARCHIVED, "feedback_sent", offsetof(struct complaint_facts, feedback_sent) },
};

static int fact(const struct complaint_facts *f, size_t offset)
{
	int v;
	memcpy(&v, (const char *)f + offset, sizeof(v));
	return v;
}

size_t complaint_missing(enum complaint_step to, const struct complaint_facts *f, const char **out)
{
	size_t n = 0;
	for (size_t i = 0; i < NELEM(requirements); i++)
		if (requirements[i].step <= to && !fact(f, requirements[i].offset))
			out[n++] = requirements[i].field;
	return n;
}

/* "a, b and c" of names into dst. */
static void join_names(const char **names, size_t n, char *dst, size_t cap)
{
	size_t used = 0;
	dst[0] = '\0';
	for (size_t i = 0; i < n && used < cap; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
		int w = snprintf(dst + used, cap - used, "%s%s", sep, names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* KF_ECONFLICT key naming the missing fields, or 0 when none are missing. */
static int fail_missing(const char **missing, size_t n, const char *key, const char *what, struct kf_error *err)
{
	char list[200];
	if (n == 0)
		return 0;
	join_names(missing, n, list, sizeof(list));
	int rc = kf_fail(err, KF_ECONFLICT, key, missing[0], "%s: %s %s missing", what, list,
	                 n == 1 ? "is" : "are");
	/* details.fields: every missing field, for messages in the reader's words */
	char csv[KF_ERR_DETAIL_VALUE_MAX] = "";
	for (size_t i = 0, used = 0; i < n; i++) {
		int w = snprintf(csv + used, sizeof(csv) - used, "%s%s", i ? "," : "", missing[i]);
		if (w < 0 || (size_t)w >= sizeof(csv) - used)
			break;
		used += (size_t)w;
	}
	kf_detail_list(err, "fields", csv);
	return rc;
}

int complaint_check_advance(enum complaint_step from, enum complaint_step to, const struct complaint_facts *f,
                            struct kf_error *err)
{
	const char *missing[COMPLAINT_MISSING_MAX];
	char what[64];
	if (from == CS_ARCHIVED)
		return kf_fail(err, KF_ECONFLICT, "archived", NULL,
		               "the complaint is archived and can no longer change");
	if (from == CS_NONE || to != from + 1)
		return kf_fail(err, KF_ECONFLICT, "bad_step", "to", "a complaint at %s can only advance to %s",
		               complaint_step_name(from), complaint_step_name(from + 1));
	size_t n = complaint_missing(to, f, missing);
	snprintf(what, sizeof(what), "cannot advance to %s", complaint_step_name(to));
	return fail_missing(missing, n, "step_requirements", what, err);
}

int complaint_check_resolve(const struct complaint_facts *f, struct kf_error *err)
{
	const char *missing[3];
	size_t n = 0;
	if (!f->has_root_cause)
		missing[n++] = "root_cause";
	if (!f->has_responsible_department)
		missing[n++] = "responsible_department";
	if (!f->has_solution)
		missing[n++] = "solution";
	return fail_missing(missing, n, "complaint_incomplete", "the complaint cannot be resolved", err);
}

/* ---- returns --------------------------------------------------------- */

static const char *const status_names[RS_COUNT] = {
	"requested", "authorised", "received", "inspected", "refunded", "exchanged", "repaired", "rejected",
};

static const char *const action_names[RA_COUNT] = { "refund", "exchange", "repair" };

static const char *const inspection_results[] = { "ok", "damaged", "not_as_described", "missing_parts", "used" };

enum return_status return_status_parse(const char *s)
{
	return (enum return_status)name_index(status_names, NELEM(status_names), s);
}

const char *return_status_name(enum return_status s)
{
	return name_at(status_names, NELEM(status_names), (int)s);
}

int return_status_terminal(enum return_status s)
{
	return s == RS_REFUNDED || s == RS_EXCHANGED || s == RS_REPAIRED || s == RS_REJECTED;
}

enum return_action return_action_parse(const char *s)
{
	return (enum return_action)name_index(action_names, NELEM(action_names), s);
}

const char *return_action_name(enum return_action a)
{
	return name_at(action_names, NELEM(action_names), (int)a);
}

int return_inspection_valid(const char *s)
{
	return name_index(inspection_results, NELEM(inspection_results), s) >= 0;
}

int64_t return_returnable(int64_t delivered, int64_t already_returned)
{
	return delivered > already_returned ? delivered - already_returned : 0;
}

int return_check_quantity(int64_t line_id, int64_t want, int64_t delivered, int64_t already_returned,
                          struct kf_error *err)
{
	int64_t left = return_returnable(delivered, already_returned);
	if (want < 1)
		return kf_fail(err, KF_EINVAL, "range", "quantity", "quantity must be at least 1");
	if (want > left)
		return kf_fail(
		        err, KF_ECONFLICT, "return_quantity", "quantity",
		        "order line %lld: %lld can be returned (delivered %lld, already in returns %lld), not %lld",
		        (long long)line_id, (long long)left, (long long)delivered,
		        (long long)already_returned, (long long)want);
	return 0;
}

int return_window_open(int64_t delivered_at, int window_days, int64_t now, int64_t *deadline)
{
	int64_t days = window_days < 0 ? RETURN_WINDOW_DEFAULT_DAYS : window_days;
	if (days > RETURN_WINDOW_MAX_DAYS)
		days = RETURN_WINDOW_MAX_DAYS;
	*deadline = 0;
	if (delivered_at <= 0)
		return 0;
	*deadline = delivered_at + days * 86400;
	return now <= *deadline;
}

/* UTC seconds as 2024-05-01T08:00:00Z. */
static void format_utc(int64_t t, char *dst, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || strftime(dst, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(dst, cap, "%lld", (long long)t);
}

int return_check_window(int64_t delivered_at, int window_days, int64_t now, const char *override_reason,
                        int can_override, int *overridden, struct kf_error *err)
{
	int64_t deadline;
	char when[32];
	*overridden = 0;
	if (return_window_open(delivered_at, window_days, now, &deadline))
		return 0;
	int has_reason = override_reason && override_reason[0];
	if (has_reason && can_override) {
		*overridden = 1;
		return 0;
	}
	if (has_reason)
		return kf_fail(err, KF_EPERM, "override_forbidden", "window_override_reason",
		               "only a manager (ticket.manage) may override the return window");
	if (deadline == 0)
		return kf_fail(err, KF_ECONFLICT, "return_window_closed", "window_override_reason",
		               "the order has no recorded delivery, so the return window cannot be open;"
		               " a manager may override it with window_override_reason");
	format_utc(deadline, when, sizeof(when));
	return kf_fail(err, KF_ECONFLICT, "return_window_closed", "window_override_reason",
	               "the return window closed at %s (%d days after delivery); a manager may override it"
	               " with window_override_reason",
	               when, window_days < 0 ? RETURN_WINDOW_DEFAULT_DAYS : window_days);
}

/* Which status may follow which (see the header's picture). */
static int move_allowed(enum return_status from, enum return_status to)
{
	switch (from) {
	case RS_REQUESTED:
		return to == RS_AUTHORISED || to == RS_REJECTED;
	case RS_AUTHORISED:
		return to == RS_RECEIVED || to == RS_REJECTED;
	case RS_RECEIVED:
		return to == RS_INSPECTED;
	case RS_INSPECTED:
		return to == RS_REFUNDED || to == RS_EXCHANGED || to == RS_REPAIRED || to == RS_REJECTED;
	default:
		return 0;
	}
}

/* The terminal status an action ends in. */
static enum return_status action_outcome(enum return_action a)
{
	static const enum return_status outcome[RA_COUNT] = { RS_REFUNDED, RS_EXCHANGED, RS_REPAIRED };
	return a > RA_NONE && a < RA_COUNT ? outcome[a] : RS_NONE;
}

int return_check_move(enum return_status from, enum return_status to, enum return_action action,
                      int has_inspection, struct kf_error *err)
{
	if (!move_allowed(from, to))
		return kf_fail(err, KF_ECONFLICT, "bad_status", "to", "a return that is %s cannot become %s",
		               return_status_name(from), to == RS_NONE ? "that" : return_status_name(to));
	if (to == RS_INSPECTED && !has_inspection)
		return kf_fail(err, KF_ECONFLICT, "step_requirements", "inspection_result",
		               "cannot mark the return inspected: inspection_result is missing");
	if (to != RS_REJECTED && from == RS_INSPECTED && action_outcome(action) != to)
		return kf_fail(err, KF_ECONFLICT, "bad_status", "to", "a %s return ends as %s, not %s",
		               return_action_name(action), return_status_name(action_outcome(action)),
		               return_status_name(to));
	return 0;
}

int return_lines_value(const int64_t *quantity, const int64_t *unit_price_minor, size_t n, int64_t *out,
                       struct kf_error *err)
{
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t v;
		if (quantity[i] < 0 || unit_price_minor[i] < 0 ||
		    __builtin_mul_overflow(quantity[i], unit_price_minor[i], &v) ||
		    __builtin_add_overflow(sum, v, &sum))
			return kf_fail(err, KF_EINVAL, "range", "lines",
			               "the value of the returned lines is out of range");
	}
	*out = sum;
	return 0;
}

int return_check_refund(int64_t refund_minor, int64_t value_minor, int can_override, struct kf_error *err)
{
	if (refund_minor < 0)
		return kf_fail(err, KF_EINVAL, "range", "refund_minor", "refund_minor must not be negative");
	if (refund_minor > value_minor && !can_override)
		return kf_fail(err, KF_EPERM, "refund_over_value", "refund_minor",
		               "a refund of %lld is more than the returned lines' value %lld; only a manager may"
		               " refund more",
		               (long long)refund_minor, (long long)value_minor);
	return 0;
}

/* ---- claims ---------------------------------------------------------- */

static const char *const decision_names[CD_COUNT] = { "pending", "approved", "partially_approved", "rejected" };
static const char *const claim_kinds[] = { "damage", "loss", "late" };
static const char *const recovery_statuses[] = { "none", "claimed", "recovered", "refused" };

enum claim_decision claim_decision_parse(const char *s)
{
	return (enum claim_decision)name_index(decision_names, NELEM(decision_names), s);
}

const char *claim_decision_name(enum claim_decision d)
{
	return name_at(decision_names, NELEM(decision_names), (int)d);
}

int claim_kind_valid(const char *s)
{
	return name_index(claim_kinds, NELEM(claim_kinds), s) >= 0;
}

int claim_recovery_status_valid(const char *s)
{
	return name_index(recovery_statuses, NELEM(recovery_statuses), s) >= 0;
}

int claim_check_payout(enum claim_decision d, int64_t payout_minor, int64_t declared_minor, int has_reason,
                       int can_override, struct kf_error *err)
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

int process_currency_valid(const char *s)
{
	if (!s || strlen(s) != 3)
		return 0;
	for (int i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}
