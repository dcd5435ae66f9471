/*
 * wiring.h - the layer above the domain (ARCHITECTURE.md, src/app/): the
 * one place that knows which module reacts to which event and which job
 * kinds the scheduler runs.
 *
 * The domain modules append events (events/outbox.h) and never call a
 * neighbour through a hook; the listeners below (routing, SLA clocks,
 * follow-ups, surveys) run inside the appending transaction.  Every entry
 * point calls wiring_install() once before it uses the store: the CLI's
 * main() (kefu serve and every command), and the unit tests that write
 * tickets, shipments or jobs.
 */
#ifndef KF_WIRING_H
#define KF_WIRING_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* Install the listener table (events/outbox.h) and the job kinds (jobs/scheduler.h); idempotent. */
void wiring_install(void);

/*
 * Job "survey_resolution" (ref = ticket id), in one transaction: the
 * ticket's satisfaction survey (quality/survey.h survey_ticket_invite),
 * whose link kefu posts on the ticket as a public system message
 * (desk/message.h); nothing for a ticket that is gone.  Idempotent.
 */
int wiring_survey_resolution(struct db *db, int64_t ticket_id, int64_t now, struct kf_error *err);

#endif
