/*
 * followup.h - follow-up (回访) and care (seed 000 §3.3; the Oriental
 * Hotel case in seed 004).
 *
 * Resolving a complaint schedules a follow-up N business days later
 * (desk setting followup_days, default 2) on the complaint's SLA calendar:
 * a followups row and a "followup_due" job.  When it is due the job opens
 * a ticket of type follow_up for the same customer, linked through the
 * followups row.  The agent records the outcome on that ticket:
 * satisfied, or not_satisfied, which reopens the complaint (through the
 * ticket module's state machine, so counts, events and clocks follow).
 *
 * The daily "care_daily" job opens care tickets: a birthday greeting for
 * each customer whose birthday (MM-DD) is today in the default calendar's
 * zone, and a win-back ticket for each customer whose last order is older
 * than winback_days (default 90), who had no win-back in that time and
 * has no care ticket still open (one contact at a time: a win-back left
 * open past winback_days does not get a second one).
 * care_runs makes a second run on the same day open nothing new.
 */
#ifndef KF_FOLLOWUP_H
#define KF_FOLLOWUP_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

/* DESK_RESOLVED of ticket_id: schedule its follow-up when it is a complaint. */
int followup_on_resolved(struct db *db, int64_t ticket_id, int64_t now, struct kf_error *err);
/* Job "followup_due" (ref_id = followups.id): open the follow_up ticket; idempotent. */
int followup_job_due(struct db *db, int64_t followup_id, int64_t now, struct kf_error *err);
/*
 * Record the outcome of follow_up ticket ticket_id: "satisfied" or
 * "not_satisfied" (reopens the complaint); note may be NULL.  *out gets
 * the followup as JSON.  KF_ENOTFOUND if ticket_id is no follow-up,
 * KF_ECONFLICT if its outcome is already recorded.
 */
int followup_outcome(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                     const char *outcome, const char *note, json_t **out, struct kf_error *err);
/* Job "care_daily": today's birthday and win-back tickets, then the job again tomorrow 08:00 local. */
int care_job_daily(struct db *db, int64_t now, struct kf_error *err);

#endif
