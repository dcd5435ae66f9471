/*
 * desk_hooks.h - what the ticket module (desk/ticket.c) tells the
 * service-level side (desk/sla*.c, desk/routing.c, desk/followup.c) when
 * a ticket changes.  Each hook runs inside the ticket change's own
 * transaction, so clocks, assignments and follow-ups commit together
 * with the change that caused them.
 */
#ifndef KF_DESK_HOOKS_H
#define KF_DESK_HOOKS_H

#include <stdint.h>

#include "base/err.h"

struct db;

enum desk_event {
	DESK_TICKET_CREATED = 1, /* a new ticket (a customer contact) arrived */
	DESK_PUBLIC_REPLY, /* staff sent a public reply (first one = first response) */
	DESK_CUSTOMER_REPLY, /* the customer wrote again (next-response clock starts) */
	DESK_STATE_CHANGED, /* any state change; hooks read the new state */
	DESK_PRIORITY_CHANGED, /* priority or type changed: the policy may change */
	DESK_RESOLVED, /* entered resolved */
	DESK_REOPENED, /* left resolved/closed back to open */
};

/*
 * The one entry point: SLA clocks (start, pause in pending_customer,
 * resume, stop), routing of new tickets, and the follow-up (回访) that a
 * resolved complaint schedules.  ticket_id names the ticket; now is the
 * time of the change.
 */
int desk_on_event(struct db *db, int64_t ticket_id, enum desk_event ev, int64_t now, struct kf_error *err);

/*
 * Asked by the ticket module before a ticket enters resolved: 0 to go
 * ahead, or KF_ECONFLICT with a message naming what is missing (a
 * complaint needs root cause, responsible department and solution; a
 * return its inspection and refund; a claim its decision).  Implemented
 * by the process modules (desk/complaint.c, returns.c, claims.c).
 */
int desk_can_resolve(struct db *db, int64_t ticket_id, const char *type, struct kf_error *err);

#endif
