/*
 * scheduler.c - see scheduler.h.  The job kinds are one static table;
 * adding a kind is adding a line.
 */
#include "jobs/scheduler.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytics/value.h"
#include "base/clock.h"
#include "base/log.h"
#include "analytics/service_facts.h"
#include "base/xalloc.h"
#include "desk/followup.h"
#include "desk/sla_clock.h"
#include "jobs/job.h"
#include "logistics/delay.h"
#include "quality/survey.h"
#include "store/db.h"
#include "store/idempotency.h"

#define IDEM_KEEP_S (24 * 3600) /* Idempotency-Key replies are kept a day */
#define DAILY_S (24 * 3600)

typedef int (*job_fn)(struct db *db, int64_t ref_id, int64_t now, struct kf_error *err);

static int run_care(struct db *db, int64_t ref_id, int64_t now, struct kf_error *err)
{
	(void)ref_id;
	return care_job_daily(db, now, err);
}

/* Forget old Idempotency-Key replies; again tomorrow. */
static int run_idem_prune(struct db *db, int64_t ref_id, int64_t now, struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = idem_prune(db, now - IDEM_KEEP_S, err);
	if (rc == 0)
		rc = job_schedule(db, "idem_prune", ref_id, now + DAILY_S, now, err);
	return db_finish(db, rc, err);
}

static const struct job_kind {
	const char *kind; /* jobs.kind */
	job_fn run; /* runs in its own transaction; idempotent */
	int recurring; /* 1: scheduler_seed makes sure one is pending (ref_id 0) */
} kinds[] = {
	{ "sla_warn", sla_job_warn, 0 },
	{ "sla_breach", sla_job_breach, 0 },
	{ "followup_due", followup_job_due, 0 },
	{ "care_daily", run_care, 1 },
	{ DELAY_JOB_KIND, delay_eta_job, 0 },
	{ "idem_prune", run_idem_prune, 1 },
	{ SF_JOB_KIND, sf_job, 1 },
	{ VALUE_JOB_KIND, value_job, 1 },
	{ SURVEY_RESOLUTION_JOB, survey_job_resolution, 0 },
	{ SURVEY_DELIVERY_JOB, survey_job_delivery, 0 },
};

static const struct job_kind *kind_find(const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

static void run_one(struct db *db, const struct job *j, int64_t now)
{
	struct kf_error err = KF_ERROR_INIT;
	const struct job_kind *k = kind_find(j->kind);
	const char *failure = NULL;
	if (!k)
		failure = "unknown job kind";
	else if (k->run(db, j->ref_id, now, &err) < 0)
		failure = err.message[0] ? err.message : "job failed";
	if (failure)
		log_msg(LOG_LEVEL_WARN, "job_failed", "%s %lld: %s", j->kind, (long long)j->ref_id, failure);
	struct kf_error ferr = KF_ERROR_INIT;
	if (job_finish(db, j, now, failure, &ferr) < 0)
		log_msg(LOG_LEVEL_ERROR, "job_finish", "%s %lld: %s", j->kind, (long long)j->ref_id,
		        ferr.message);
}

/* One pass at a time in this process: a test's tick returns after the thread's pass ends. */
static pthread_mutex_t pass_lock = PTHREAD_MUTEX_INITIALIZER;

static int tick_locked(struct store *st, int64_t now, struct job *jobs)
{
	struct kf_error err = KF_ERROR_INIT;
	struct db *db = store_db(st, &err);
	if (!db)
		return err.code ? err.code : KF_EDB;
	int n = job_claim(db, now, SCHEDULER_LEASE_S, jobs, SCHEDULER_BATCH, &err);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		run_one(db, &jobs[i], now);
	return n;
}

int scheduler_tick_jobs(struct store *st, int64_t now, struct job ran[SCHEDULER_BATCH])
{
	pthread_mutex_lock(&pass_lock);
	int n = tick_locked(st, now, ran);
	pthread_mutex_unlock(&pass_lock);
	return n;
}

int scheduler_tick(struct store *st, int64_t now)
{
	struct job jobs[SCHEDULER_BATCH];
	return scheduler_tick_jobs(st, now, jobs);
}

int scheduler_seed(struct store *st, int64_t now, struct kf_error *err)
{
	struct db *db = store_db(st, err);
	if (!db)
		return err->code ? err->code : KF_EDB;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int64_t due;
		if (!kinds[i].recurring)
			continue;
		int rc = job_due(db, kinds[i].kind, 0, &due, err);
		if (rc == KF_ENOTFOUND)
			rc = job_schedule(db, kinds[i].kind, 0, now, now, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* --- the thread ------------------------------------------------------------------ */

struct scheduler {
	struct store *st;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop; /* guarded by lock */
};

/* Sleep until the next whole second or until stopped; 1 when stopping. */
static int nap(struct scheduler *s)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	until.tv_nsec = 0;
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		if (pthread_cond_timedwait(&s->wake, &s->lock, &until) == ETIMEDOUT)
			break;
	}
	int stop = s->stop;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

static void *loop(void *arg)
{
	struct scheduler *s = arg;
	do {
		int n = 0;
		if (clock_stopped())
			continue; /* a test stopped the clock: its POST /api/v1/test/tick runs the passes */
		do /* a full batch means more may be due */
			n = scheduler_tick(s->st, clock_now());
		while (n == SCHEDULER_BATCH);
		if (n < 0)
			log_msg(LOG_LEVEL_WARN, "scheduler", "tick failed (%d); retrying", n);
	} while (!nap(s));
	return NULL;
}

int scheduler_start(struct store *st, struct scheduler **out, struct kf_error *err)
{
	int rc = scheduler_seed(st, clock_now(), err);
	if (rc < 0)
		return rc;
	struct scheduler *s = xcalloc(1, sizeof(*s));
	s->st = st;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	if (pthread_create(&s->thread, NULL, loop, s) != 0) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->wake);
		free(s);
		return kf_fail(err, KF_EIO, "thread", NULL, "cannot start the scheduler thread");
	}
	*out = s;
	return 0;
}

void scheduler_stop(struct scheduler *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s);
}
