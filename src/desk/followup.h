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
/* What GET /follow-ups lists: every follow-up, or those not yet due, due (ticket open), done. */
enum followup_status { FU_ANY, FU_SCHEDULED, FU_DUE, FU_DONE };

struct followup_filter {
	enum followup_status status;
	int64_t customer_id; /* 0 = any */
	int64_t ticket_id; /* 0 = any; else the complaint or the follow-up ticket */
};

/* "scheduled", "due" or "done" into *out; -1 for anything else. */
/*
 * The follow-ups of a ticket, as GET /tickets/:id shows them: those of the
 * complaint ticket_id, or the one ticket_id is the follow-up ticket of;
 * [{id, due_at, status, complaint_id, ticket_id}] in *out, oldest first.
 */
int followup_of_ticket(struct db *db, int64_t ticket_id, json_t **out, struct kf_error *err);
int followup_status_parse(const char *s, enum followup_status *out);
/*
 * A page of follow-ups matching f, by id after after_id: *items a new
 * array of {id, complaint_id, complaint_number, customer_id, due_at,
 * ticket_id, status, outcome, note, done_at}, *last the last id.
 */
int followup_list(struct db *db, const struct followup_filter *f, int64_t after_id, int limit, json_t **items,
                  int64_t *last, struct kf_error *err);
/* Job "care_daily": today's birthday and win-back tickets, then the job again tomorrow 08:00 local. */
int care_job_daily(struct db *db, int64_t now, struct kf_error *err);

#endif
