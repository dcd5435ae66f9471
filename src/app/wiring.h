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

/* Install the listener table (events/outbox.h) and the job kinds (jobs/scheduler.h); idempotent. */
void wiring_install(void);

#endif
