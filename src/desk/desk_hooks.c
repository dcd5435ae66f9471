/*
 * desk_hooks.c - dispatch of ticket events to the SLA clocks
 * (desk/sla_clock.c), routing of new tickets (desk/routing.c) and the
 * follow-up a resolved complaint schedules (desk/followup.c).  Routing
 * runs before the clocks start, so the clock's notifications reach the
 * assignee; everything runs in the ticket change's own transaction.
 */
#include "desk/desk_hooks.h"

#include "desk/followup.h"
#include "desk/routing.h"
#include "desk/sla_clock.h"
#include "quality/survey.h"

int desk_on_event(struct db *db, int64_t ticket_id, enum desk_event ev, int64_t now, struct kf_error *err)
{
	int rc = 0;
	if (ev == DESK_TICKET_CREATED)
		rc = routing_on_created(db, ticket_id, now, err);
	if (rc == 0)
		rc = sla_clock_on_event(db, ticket_id, ev, now, err);
	if (rc == 0 && ev == DESK_RESOLVED)
		rc = followup_on_resolved(db, ticket_id, now, err);
	if (rc == 0 && ev == DESK_RESOLVED)
		rc = survey_on_resolved(db, ticket_id, now, err);
	return rc;
}
