/*
 * scheduler.h - the thread that runs due jobs (jobs/job.h).
 *
 * Every second, or at once when woken for shutdown, the scheduler claims
 * due jobs with a lease, runs each kind's handler from the table of job
 * kinds installed with scheduler_set_kinds (by app/wiring.c),
 * and marks the job done (or failed, to be retried).  Each handler runs in
 * its own transaction.  Because jobs live in the database, a restart loses
 * none: a job claimed by a process that died is claimed again when its
 * lease runs out.  On start the scheduler makes sure the recurring jobs
 * exist ("care_daily", "idem_prune"); their handlers schedule the next run.
 */
#ifndef KF_SCHEDULER_H
#define KF_SCHEDULER_H

#include <stdint.h>

#include "base/err.h"
#include "jobs/job.h"

struct db;
struct scheduler;
struct store;

/* One kind of job: its name (jobs.kind) and handler. */
struct job_kind {
	const char *kind; /* jobs.kind */
	/* runs in its own transaction; idempotent */
	int (*run)(struct db *db, int64_t ref_id, int64_t now, struct kf_error *err);
	int recurring; /* 1: scheduler_seed makes sure one is pending (ref_id 0) */
};

/* Install the job kinds (n entries, static storage), once, before the scheduler runs. */
void scheduler_set_kinds(const struct job_kind *table, int n);

#define SCHEDULER_LEASE_S 300 /* a claimed job is retried this long after a crash */
#define SCHEDULER_BATCH 32 /* jobs claimed per tick */

/* Ensure the recurring jobs exist and start the thread; *out owned, release with scheduler_stop. */
int scheduler_start(struct store *st, struct scheduler **out, struct kf_error *err);
/* Stop the thread (finishing the job in hand) and free s; NULL-safe. */
void scheduler_stop(struct scheduler *s);

/*
 * One pass, as the thread does it: claim the jobs due at now, run them,
 * finish them.  Returns the number of jobs run, or a negative KF_E* when
 * the store failed.  For tests and the thread.
 */
int scheduler_tick(struct store *st, int64_t now);
/* scheduler_tick that also gives the jobs it ran (kind, ref_id) in ran[0..n). */
int scheduler_tick_jobs(struct store *st, int64_t now, struct job ran[SCHEDULER_BATCH]);
/* Ensure the recurring jobs are scheduled (from now when missing). */
int scheduler_seed(struct store *st, int64_t now, struct kf_error *err);

#endif
