/*
 * returns.h - return authorisations of return tickets (seed 000 §7.1
 * 退换货政策与流程; rules in desk/return_rules.h): the order lines and
 * quantities returned, the reason, refund / exchange / repair, the return
 * shipment's tracking number, the inspection result, the refund, and the
 * policy window (七天无理由退货) checked when the return is requested.
 *
 * The window: the order's last delivery (latest shipments.delivered_at of
 * the order) plus the return ticket's category's return_window_days, or 7
 * days when the category has none (or the ticket has no category).  The
 * ticket's category is used rather than each product's because the order
 * lines carry a free-text product category, not a category id.
 *
 * One return per return ticket (RMA = "RMA" + the id as 8 digits).  Every
 * change runs in one transaction with its ticket_events row; a window
 * override also writes an audit row.
 */
#ifndef KF_RETURNS_H
#define KF_RETURNS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "base/textlen.h"
#include "desk/return_rules.h"

struct db;

#define RETURN_LINES_MAX 100 /* lines in one return */
#define RETURN_TEXT_MAX 2000 /* characters of reason, notes, override reason */

struct return_line_input {
	int64_t order_line_id; /* order_lines.id on the return's order */
	int64_t quantity; /* >= 1 */
};

struct return_input {
	int64_t order_id; /* 0 = the ticket's order */
	const char *reason; /* required */
	enum return_action action; /* refund, exchange, repair */
	const struct return_line_input *lines; /* 1..RETURN_LINES_MAX, no order line twice */
	size_t nlines;
	const char *window_override_reason; /* NULL = none; needs can_override */
};

/* A change; NULL / -1 = unchanged. */
struct return_patch {
	const char *reason; /* only while requested */
	const char *return_tracking_number; /* the return shipment */
	const char *inspection_result; /* ok, damaged, not_as_described, missing_parts, used */
	const char *inspection_notes;
	int64_t refund_minor; /* -1 = unchanged; needed to become refunded */
};
#define RETURN_PATCH_INIT \
	{ \
		NULL, NULL, NULL, NULL, -1 \
	}

/*
 * Create the return of ticket_id (a return ticket without one, else
 * KF_EEXIST).  Checks every line (KF_EINVAL "invalid" field "lines",
 * KF_ECONFLICT "return_quantity") and the window (KF_ECONFLICT
 * "return_window_closed", KF_EPERM "override_forbidden").  *out is the
 * new return as JSON (owned).
 */
int return_create(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                  const struct return_input *in, int can_override, json_t **out, struct kf_error *err);

/* The return of ticket_id as JSON (owned) and its version. */
int return_get(struct db *db, int64_t ticket_id, json_t **out, int64_t *version, struct kf_error *err);

/*
 * Apply p and, unless to is RS_NONE, move to status to (return_rules.h:
 * return_rules_check_move; a refund needs refund_minor within the lines' value
 * unless can_override).  version must match (KF_ESTALE); a return in a
 * terminal status no longer changes (KF_ECONFLICT "closed").
 */
int return_change(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                  enum return_status to, const struct return_patch *p, int can_override, json_t **out,
                  int64_t *new_version, struct kf_error *err);

/* For desk_can_resolve: the ticket's return must exist and be refunded, exchanged, repaired or rejected. */
int return_can_resolve(struct db *db, int64_t ticket_id, struct kf_error *err);

#endif
