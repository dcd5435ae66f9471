/*
 * ticket_refs.h - the references a ticket holds (customer, order,
 * shipment, team, assignee) and who may set the assignee.
 *
 * Every id a ticket is created or changed with must name an existing row
 * (KF_EINVAL "invalid", field = the key): ids like 999999 are refused
 * instead of stored.  The assignee must be an enabled staff user whose
 * role may work tickets (ticket.write): not an analyst.
 *
 * Reassigning is reserved for ticket.manage (auth/rbac.c).  Without it a
 * user may take an unassigned ticket for themselves, hand back their own
 * ticket (clear the assignee), or create a ticket assigned to themselves;
 * anything else is KF_EPERM "reassign_forbidden".
 */
#ifndef KF_TICKET_REFS_H
#define KF_TICKET_REFS_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* The references to check; 0 = none (not checked). */
struct ticket_refs {
	int64_t customer_id, order_id, shipment_id, team_id, assignee_id;
};

/* 0 when every non-zero id names a row (and the assignee can work tickets); KF_EINVAL naming the field. */
int ticket_refs_check(struct db *db, const struct ticket_refs *r, struct kf_error *err);

/*
 * Whether user me, who lacks ticket.manage (me = 0: has it, or a system
 * caller), may move the assignee from `from` to `to` (0 = nobody).
 * 0 or KF_EPERM "reassign_forbidden" (field assignee_id).
 */
int ticket_refs_may_assign(int64_t me, int64_t from, int64_t to, struct kf_error *err);

#endif
