/*
 * process_rules.h - the rules of the complaint, return and claim
 * processes, pure: no store, no clock (now is passed in), no globals.
 * desk/complaint.c, returns.c and claims.c load the facts, ask these
 * functions, and write; tests/unit/test_process_rules.c checks every rule.
 *
 * Complaint (seed 000 §9.2, 客户投诉处理流程), one step after another:
 *
 *   received -> initial_handling -> investigation -> solution
 *            -> implementation -> archived
 *
 *   step               required to enter it
 *   received           (the start)
 *   initial_handling   nothing: entering it records the acknowledgement
 *   investigation      acknowledged, classified (a category)
 *   solution           investigation_notes, root_cause, responsible_department
 *   implementation     solution
 *   archived           implemented, customer_confirmation, feedback_to_department
 *
 * Each step's requirements include the earlier steps' requirements.  A
 * complaint ticket may be resolved only when root_cause,
 * responsible_department and solution are set.
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
 *
 * Claims (货物损坏赔付): the payout is never negative, is 0 for a rejected
 * claim, and never above the declared value unless a manager decides.
 */
#ifndef KF_PROCESS_RULES_H
#define KF_PROCESS_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* ---- complaints ------------------------------------------------------ */

enum complaint_step {
	CS_NONE = -1, /* not a step (parse failure) */
	CS_RECEIVED = 0, /* 接收投诉 */
	CS_INITIAL_HANDLING, /* 初步处理: acknowledged and classified */
	CS_INVESTIGATION, /* 调查处理 */
	CS_SOLUTION, /* 解决方案 */
	CS_IMPLEMENTATION, /* 实施解决方案 */
	CS_ARCHIVED, /* 归档与反馈 */
	CS_COUNT
};

/* What is recorded on a complaint, as far as the rules care. */
struct complaint_facts {
	int acknowledged; /* acknowledged_at is set */
	int classified; /* a category was chosen */
	int has_investigation_notes; /* non-empty investigation_notes */
	int has_root_cause; /* non-empty root_cause */
	int has_responsible_department; /* non-empty responsible_department */
	int has_solution; /* non-empty solution */
	int implemented; /* implemented_at is set */
	int customer_confirmed; /* customer_confirmation recorded (accepted or rejected) */
	int feedback_sent; /* feedback_to_department_at is set */
};

#define COMPLAINT_MISSING_MAX 9 /* at most this many names from complaint_missing */

/* The step named s, or CS_NONE. */
enum complaint_step complaint_step_parse(const char *s);
/* The name of a step ("received", ...); "" for CS_NONE.  Borrowed, static. */
const char *complaint_step_name(enum complaint_step s);

/*
 * The field names missing to enter step to (cumulative), in the table's
 * order, into out (COMPLAINT_MISSING_MAX slots, borrowed static strings);
 * returns how many (0 = all there).
 */
size_t complaint_missing(enum complaint_step to, const struct complaint_facts *f, const char **out);

/*
 * Whether a complaint at from may advance to to: only to the next step.
 * 0, or KF_ECONFLICT "bad_step" (field "to"), or "archived" when from is
 * the last step.  Then the requirements: KF_ECONFLICT "step_requirements"
 * with the first missing field as field and all of them in the message.
 */
int complaint_check_advance(enum complaint_step from, enum complaint_step to, const struct complaint_facts *f,
                            struct kf_error *err);

/* Whether the ticket may be resolved: 0 or KF_ECONFLICT "complaint_incomplete" naming what is missing. */
int complaint_check_resolve(const struct complaint_facts *f, struct kf_error *err);

/* ---- returns --------------------------------------------------------- */

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

enum return_status return_status_parse(const char *s);
const char *return_status_name(enum return_status s); /* "" for RS_NONE; borrowed, static */
int return_status_terminal(enum return_status s); /* 1 for refunded, exchanged, repaired, rejected */
enum return_action return_action_parse(const char *s);
const char *return_action_name(enum return_action a); /* "" for RA_NONE; borrowed, static */
/* 1 when the inspection result is one of ok, damaged, not_as_described, missing_parts, used. */
int return_inspection_valid(const char *s);

/* What can still be returned of a line: delivered - already (not below 0). */
int64_t return_returnable(int64_t delivered, int64_t already_returned);

/*
 * Check one requested line quantity: 0, or KF_EINVAL "range" (quantity <
 * 1), or KF_ECONFLICT "return_quantity" naming line_id and what is left.
 */
int return_check_quantity(int64_t line_id, int64_t want, int64_t delivered, int64_t already_returned,
                          struct kf_error *err);

/*
 * The window of a return: delivered_at (0 = no delivery recorded),
 * window_days (< 0 = the default, 7).  *deadline gets delivered_at +
 * days * 86400 (0 when nothing was delivered).  Returns 1 when now is
 * inside (now <= deadline), 0 when outside or nothing was delivered.
 */
int return_window_open(int64_t delivered_at, int window_days, int64_t now, int64_t *deadline);

/*
 * The window decision for a request at now: 0 when inside, or when
 * outside and a manager (can_override) gives a non-empty override_reason
 * (*overridden = 1).  Otherwise KF_ECONFLICT "return_window_closed"
 * naming the deadline (UTC, ISO 8601), or KF_EPERM "override_forbidden"
 * when a reason was given by someone who may not override.
 */
int return_check_window(int64_t delivered_at, int window_days, int64_t now, const char *override_reason,
                        int can_override, int *overridden, struct kf_error *err);

/*
 * Whether a return at from may move to to with this action; for
 * inspected, has_inspection must be 1.  0 or KF_ECONFLICT "bad_status"
 * (field "to") / KF_ECONFLICT "step_requirements" (field
 * "inspection_result").
 */
int return_check_move(enum return_status from, enum return_status to, enum return_action action,
                      int has_inspection, struct kf_error *err);

/* The refund cap: sum of quantity * unit price; KF_EINVAL "range" on overflow. */
int return_lines_value(const int64_t *quantity, const int64_t *unit_price_minor, size_t n, int64_t *out,
                       struct kf_error *err);

/* 0, or KF_EPERM "refund_over_value" when refund > value and not can_override. */
int return_check_refund(int64_t refund_minor, int64_t value_minor, int can_override, struct kf_error *err);

/* ---- claims ---------------------------------------------------------- */

enum claim_decision {
	CD_NONE = -1, /* not a decision */
	CD_PENDING = 0, /* not decided yet */
	CD_APPROVED, /* paid in full (up to the declared value) */
	CD_PARTIALLY_APPROVED, /* paid in part */
	CD_REJECTED, /* nothing paid */
	CD_COUNT
};

enum claim_decision claim_decision_parse(const char *s);
const char *claim_decision_name(enum claim_decision d); /* "" for CD_NONE; borrowed, static */
/* 1 for damage, loss, late. */
int claim_kind_valid(const char *s);
/* 1 for none, claimed, recovered, refused. */
int claim_recovery_status_valid(const char *s);

/*
 * The payout rule for deciding a pending claim: decision must not be
 * pending (KF_EINVAL "invalid" field "decision"); payout >= 0
 * (KF_EINVAL "range"); 0 for rejected (KF_EINVAL "invalid" field
 * "payout_minor"); a reason for rejected and partially_approved
 * (KF_EINVAL "required" field "decision_reason"); above declared only with
 * can_override (KF_EPERM "payout_over_declared").
 */
int claim_check_payout(enum claim_decision d, int64_t payout_minor, int64_t declared_minor, int has_reason,
                       int can_override, struct kf_error *err);

/* 1 when s is a currency code: three upper-case ASCII letters. */
int process_currency_valid(const char *s);

#endif
