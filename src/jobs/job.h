/*
 * job.h - the durable job table: work that must happen at a time, and
 * must happen even if kefu restarts in between (SLA checks, follow-ups,
 * care greetings, shipment ETA checks, survey sends).
 *
 * A job is (kind, ref_id, due_at): "check the SLA of ticket 42 at t".
 * There is at most one job per (kind, ref_id); scheduling it again moves
 * its due time and makes it pending again.  Domain code schedules jobs
 * inside its own transaction, so a job exists exactly when the change
 * that needs it committed.  The scheduler (jobs/scheduler.c) claims due
 * jobs with a lease, runs the kind's handler, and marks them done; a
 * claim whose lease expired (a crash mid-run) is claimed again.
 */
#ifndef KF_JOB_H
#define KF_JOB_H

#include <stdint.h>

#include "base/err.h"

struct db;

#define JOB_KIND_MAX 32

struct job {
	int64_t id;
	char kind[JOB_KIND_MAX]; /* e.g. "sla_check", "shipment_eta" */
	int64_t ref_id; /* the row the job is about */
	int64_t due_at; /* UTC seconds */
	int attempts; /* runs so far, this one included */
};

/* Create or move the pending job (kind, ref_id) to due_at; now is the time of the change. */
int job_schedule(struct db *db, const char *kind, int64_t ref_id, int64_t due_at, int64_t now,
                 struct kf_error *err);
/* Drop the pending job (kind, ref_id), if any. */
int job_cancel(struct db *db, const char *kind, int64_t ref_id, struct kf_error *err);
/* Due at (kind, ref_id), or KF_ENOTFOUND when none is pending. */
int job_due(struct db *db, const char *kind, int64_t ref_id, int64_t *due_at, struct kf_error *err);
/*
 * Claim up to max jobs due at now (pending, or running with an expired
 * lease), leasing them until now + lease_s.  Returns the number claimed.
 */
int job_claim(struct db *db, int64_t now, int lease_s, struct job *out, int max, struct kf_error *err);
/* Mark a claimed job done (or, with error, failed after too many attempts, else retried later). */
int job_finish(struct db *db, const struct job *j, int64_t now, const char *error, struct kf_error *err);

#endif
