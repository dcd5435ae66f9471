/*
 * sla_clock.h - the store side of service levels: each ticket's clocks
 * (table ticket_sla), kept in step with the ticket's life by the desk
 * hooks, and the jobs that warn and escalate.
 *
 * When a ticket arrives its policy is chosen (type x priority x the
 * customer's tier, desk/sla.h) and its first-response and resolution due
 * times computed on the policy's calendar.  A public reply stops the
 * first-response clock (and the next-response one); a customer message
 * after the first response starts the next-response clock.  While the
 * ticket waits on the customer (pending_customer) the clocks pause; on
 * leaving that state every open due time moves back by the business
 * seconds paused.  Resolving stops the clocks; reopening restarts the
 * resolution clock.
 *
 * One pending job per kind and ticket (jobs/job.h): "sla_warn" at the
 * earliest open 80 % instant, "sla_breach" at the earliest open due time.
 * The job marks every target it finds due, notifies, and schedules itself
 * again for the next one.  Marks and the unique notification row make a
 * job that runs twice notify once.
 *
 * Notifications (table notifications) are also kept here: a row per
 * (user, kind, ticket, target).
 */
#ifndef KF_SLA_CLOCK_H
#define KF_SLA_CLOCK_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

struct db;

/*
 * What happened to a ticket, as the SLA clocks see it.  The wiring
 * (app/wiring.c) maps the ticket events of the stream (docs/events.md) to
 * these: ticket.created, ticket.replied (not by the system),
 * ticket.customer_replied, ticket.state_changed (changed, then resolved or
 * reopened), ticket.updated (priority or type) and ticket.merged.
 */
enum desk_event {
	DESK_TICKET_CREATED = 1, /* a new ticket (a customer contact) arrived */
	DESK_PUBLIC_REPLY, /* staff sent a public reply (first one = first response) */
	DESK_CUSTOMER_REPLY, /* the customer wrote again (next-response clock starts) */
	DESK_STATE_CHANGED, /* any state change; the clock reads the new state */
	DESK_PRIORITY_CHANGED, /* priority or type changed: the policy may change */
	DESK_RESOLVED, /* entered resolved */
	DESK_REOPENED, /* left resolved/closed back to open */
};

/* React to ticket event ev at now, inside the caller's transaction. */
int sla_clock_on_event(struct db *db, int64_t ticket_id, enum desk_event ev, int64_t now, struct kf_error *err);

struct calendar;

/*
 * Calendar cal_id changed (holidays, make-up workdays, hours, zone) from
 * *old to what is stored now, inside the caller's transaction: every
 * running clock on it (tickets not resolved or closed; the default
 * calendar's clocks too when cal_id is the default) is recomputed.  For
 * each open target not yet breached, the business time that remained at
 * now (at the pause, for a paused clock) on the old calendar is laid out
 * again on the new one from that instant, and so is its 80 % instant if
 * no warning went out: elapsed business time and paused time are kept.
 * Met, breached and stopped targets keep their outcome; the warn and
 * breach jobs move with the clocks.
 */
int sla_clock_recompute(struct db *db, int64_t cal_id, const struct calendar *old, int64_t now,
                        struct kf_error *err);

/* The job handlers of "sla_warn" and "sla_breach" (ref_id = ticket id); idempotent. */
int sla_job_warn(struct db *db, int64_t ticket_id, int64_t now, struct kf_error *err);
int sla_job_breach(struct db *db, int64_t ticket_id, int64_t now, struct kf_error *err);

/* The clocks of a ticket as JSON (targets with due, warning, done, breached, remaining business seconds). */
int sla_clock_json(struct db *db, int64_t ticket_id, int64_t now, json_t **out, struct kf_error *err);

/*
 * Which policy applies to a contact of type/priority/tier (NULL = any)
 * arriving at `at`, and its due times: {"policy":{..},"first_response_due_at",..}.
 */
int sla_preview(struct db *db, const char *type, const char *priority, const char *tier, int64_t at,
                json_t **out, struct kf_error *err);

/* Notify user_id (0 = nobody: no row) once per (kind, ticket, target). */
int notification_add(struct db *db, int64_t user_id, const char *kind, int64_t ticket_id, const char *target,
                     int64_t now, struct kf_error *err);
/* A page of user_id's notifications, newest first (before_id 0 = from the newest). */
int notification_list(struct db *db, int64_t user_id, int unread_only, int64_t before_id, int limit,
                      json_t **items, int64_t *last, struct kf_error *err);
/* Mark notification id of user_id read (KF_ENOTFOUND if it is not theirs). */
int notification_read(struct db *db, int64_t user_id, int64_t id, int64_t now, struct kf_error *err);

#endif
