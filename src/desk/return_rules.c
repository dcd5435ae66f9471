/*
 * return_rules.c - see return_rules.h.  Tables drive the names and the requirements;
 * every function is a lookup or a comparison.
 */
#include "desk/return_rules.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "desk/process_rules.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const status_names[RS_COUNT] = {
	"requested", "authorised", "received", "inspected", "refunded", "exchanged", "repaired", "rejected",
};

static const char *const action_names[RA_COUNT] = { "refund", "exchange", "repair" };

static const char *const inspection_results[] = { "ok", "damaged", "not_as_described", "missing_parts", "used" };

enum return_status return_rules_status_parse(const char *s)
{
	return (enum return_status)process_rules_name_index(status_names, NELEM(status_names), s);
}

const char *return_rules_status_name(enum return_status s)
{
	return process_rules_name_at(status_names, NELEM(status_names), (int)s);
}

int return_rules_status_terminal(enum return_status s)
{
	return s == RS_REFUNDED || s == RS_EXCHANGED || s == RS_REPAIRED || s == RS_REJECTED;
}

enum return_action return_rules_action_parse(const char *s)
{
	return (enum return_action)process_rules_name_index(action_names, NELEM(action_names), s);
}

const char *return_rules_action_name(enum return_action a)
{
	return process_rules_name_at(action_names, NELEM(action_names), (int)a);
}

int return_rules_inspection_valid(const char *s)
{
	return process_rules_name_index(inspection_results, NELEM(inspection_results), s) >= 0;
}

int64_t return_rules_returnable(int64_t delivered, int64_t already_returned)
{
	return delivered > already_returned ? delivered - already_returned : 0;
}

int return_rules_check_quantity(int64_t line_id, int64_t want, int64_t delivered, int64_t already_returned,
                                struct kf_error *err)
{
	int64_t left = return_rules_returnable(delivered, already_returned);
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

int return_rules_window_open(int64_t delivered_at, int window_days, int64_t now, int64_t *deadline)
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

int return_rules_check_window(int64_t delivered_at, int window_days, int64_t now, const char *override_reason,
                              int can_override, int *overridden, struct kf_error *err)
{
	int64_t deadline;
	char when[32];
	*overridden = 0;
	if (return_rules_window_open(delivered_at, window_days, now, &deadline))
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

int return_rules_check_move(enum return_status from, enum return_status to, enum return_action action,
                            int has_inspection, struct kf_error *err)
{
	if (!move_allowed(from, to))
		return kf_fail(err, KF_ECONFLICT, "bad_status", "to", "a return that is %s cannot become %s",
		               return_rules_status_name(from),
		               to == RS_NONE ? "that" : return_rules_status_name(to));
	if (to == RS_INSPECTED && !has_inspection)
		return kf_fail(err, KF_ECONFLICT, "step_requirements", "inspection_result",
		               "cannot mark the return inspected: inspection_result is missing");
	if (to != RS_REJECTED && from == RS_INSPECTED && action_outcome(action) != to)
		return kf_fail(err, KF_ECONFLICT, "bad_status", "to", "a %s return ends as %s, not %s",
		               return_rules_action_name(action),
		               return_rules_status_name(action_outcome(action)), return_rules_status_name(to));
	return 0;
}

int return_rules_lines_value(const int64_t *quantity, const int64_t *unit_price_minor, size_t n, int64_t *out,
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

int return_rules_check_refund(int64_t refund_minor, int64_t value_minor, int can_override, struct kf_error *err)
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
