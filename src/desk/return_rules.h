/*
 * return_rules.h - the rules of the return process (desk/returns.c loads the
 * facts, asks these functions, and writes).
 * Pure: no store, no clock (now is passed in), no globals;
 * tests/unit/test_process_rules.c checks every rule.
 *
 * Returns (seed 000 §7.1, 七天无理由退货): a line's returnable quantity is
 * what was delivered less what is already in returns that were not
 * rejected.  The window closes window_days * 86400 seconds after the
 * order's last delivery (UTC seconds, so "7 days" is exactly 604800 s): a
 * request at the deadline itself is inside, one second later outside.  A
 * closed window is overridable only by a manager giving a reason.  Status
 * machine:
 *
 *   requested  -> authorised, rejected
 *   authorised -> received, rejected
 *   received   -> inspected (needs an inspection result)
 *   inspected  -> refunded (action refund), exchanged (action exchange),
 *                 repaired (action repair), rejected
 *   refunded, exchanged, repaired, rejected: terminal
 *
 * A refund is at most the returned lines' value unless a manager decides.
 */
#ifndef KF_RETURN_RULES_H
#define KF_RETURN_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

enum return_status {
	RS_NONE = -1, /* not a status */
	RS_REQUESTED = 0, /* asked for, not yet authorised */
	RS_AUTHORISED, /* RMA issued; the customer may send the goods */
	RS_RECEIVED, /* the goods came back */
	RS_INSPECTED, /* inspected, result recorded */
	RS_REFUNDED, /* money returned (terminal) */
	RS_EXCHANGED, /* replacement sent (terminal) */
	RS_REPAIRED, /* repaired and sent back (terminal) */
	RS_REJECTED, /* refused (terminal) */
	RS_COUNT
};

enum return_action {
	RA_NONE = -1, /* not an action */
	RA_REFUND = 0, /* 退货退款 */
	RA_EXCHANGE, /* 换货 */
	RA_REPAIR, /* 维修 */
	RA_COUNT
};

#define RETURN_WINDOW_DEFAULT_DAYS 7 /* 七天无理由退货 */
#define RETURN_WINDOW_MAX_DAYS 3650 /* a category's window is 0..this */

enum return_status return_rules_status_parse(const char *s);
const char *return_rules_status_name(enum return_status s); /* "" for RS_NONE; borrowed, static */
int return_rules_status_terminal(enum return_status s); /* 1 for refunded, exchanged, repaired, rejected */
enum return_action return_rules_action_parse(const char *s);
const char *return_rules_action_name(enum return_action a); /* "" for RA_NONE; borrowed, static */
/* 1 when the inspection result is one of ok, damaged, not_as_described, missing_parts, used. */
int return_rules_inspection_valid(const char *s);

/* What can still be returned of a line: delivered - already (not below 0). */
int64_t return_rules_returnable(int64_t delivered, int64_t already_returned);

/*
 * Check one requested line quantity: 0, or KF_EINVAL "range" (quantity <
 * 1), or KF_ECONFLICT "return_quantity" naming line_id and what is left.
 */
int return_rules_check_quantity(int64_t line_id, int64_t want, int64_t delivered, int64_t already_returned,
                                struct kf_error *err);

/*
 * The window of a return: delivered_at (0 = no delivery recorded),
 * window_days (< 0 = the default, 7).  *deadline gets delivered_at +
 * days * 86400 (0 when nothing was delivered).  Returns 1 when now is
 * inside (now <= deadline), 0 when outside or nothing was delivered.
 */
int return_rules_window_open(int64_t delivered_at, int window_days, int64_t now, int64_t *deadline);

/*
 * The window decision for a request at now: 0 when inside, or when
 * outside and a manager (can_override) gives a non-empty override_reason
 * (*overridden = 1).  Otherwise KF_ECONFLICT "return_window_closed"
 * naming the deadline (UTC, ISO 8601), or KF_EPERM "override_forbidden"
 * when a reason was given by someone who may not override.
 */
int return_rules_check_window(int64_t delivered_at, int window_days, int64_t now, const char *override_reason,
                              int can_override, int *overridden, struct kf_error *err);

/*
 * Whether a return at from may move to to with this action; for
 * inspected, has_inspection must be 1.  0 or KF_ECONFLICT "bad_status"
 * (field "to") / KF_ECONFLICT "step_requirements" (field
 * "inspection_result").
 */
int return_rules_check_move(enum return_status from, enum return_status to, enum return_action action,
                            int has_inspection, struct kf_error *err);

/* The refund cap: sum of quantity * unit price; KF_EINVAL "range" on overflow. */
int return_rules_lines_value(const int64_t *quantity, const int64_t *unit_price_minor, size_t n, int64_t *out,
                             struct kf_error *err);

/* 0, or KF_EPERM "refund_over_value" when refund > value and not can_override. */
int return_rules_check_refund(int64_t refund_minor, int64_t value_minor, int can_override,
                              struct kf_error *err);

#endif
