/*
 * job.c - see job.h.
 */
#include "jobs/job.h"
#include "base/str.h"

#include <stdio.h>

#include "store/db.h"

#define JOB_MAX_ATTEMPTS 5
#define JOB_RETRY_S 60

static struct db_sql q_schedule = DB_SQL(
        "INSERT INTO jobs (kind, ref_id, due_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)"
        " ON CONFLICT (kind, ref_id) DO UPDATE SET due_at = excluded.due_at, state = 'pending',"
        " attempts = 0, last_error = NULL, locked_until = 0, updated_at = excluded.updated_at");
static struct db_sql q_cancel = DB_SQL("DELETE FROM jobs WHERE kind = $1 AND ref_id = $2 AND state = 'pending'");
static struct db_sql q_due = DB_SQL(
        "SELECT due_at FROM jobs WHERE kind = $1 AND ref_id = $2 AND state = 'pending'");
/* clang-format off */
#define JOB_COLS(F, X) \
	F(JC_ID, "id") \
	X(JC_KIND, "kind") \
	X(JC_REF_ID, "ref_id") \
	X(JC_DUE_AT, "due_at") \
	X(JC_ATTEMPTS, "attempts")
/* clang-format on */
DB_COLS_ENUM(JOB_COLS, JC_NCOLS);
static struct db_sql q_pick = DB_SQL(
        "SELECT " DB_COLS_SQL(JOB_COLS) " FROM jobs"
                                        " WHERE (state = 'pending' AND due_at <= $1) OR (state = 'running'"
                                        " AND locked_until <= $1) ORDER BY due_at LIMIT $2");
static struct db_sql q_lease = DB_SQL(
        "UPDATE jobs SET state = 'running', locked_until = $2, attempts = attempts + 1, updated_at = $3"
        " WHERE id = $1 AND (state = 'pending' OR locked_until <= $3)");
static struct db_sql q_done = DB_SQL(
        "UPDATE jobs SET state = 'done', locked_until = 0, updated_at = $2 WHERE id = $1 AND state = 'running'");
static struct db_sql q_retry = DB_SQL(
        "UPDATE jobs SET state = $2, due_at = $3, locked_until = 0, last_error = $4, updated_at = $5"
        " WHERE id = $1 AND state = 'running'");

int job_schedule(struct db *db, const char *kind, int64_t ref_id, int64_t due_at, int64_t now,
                 struct kf_error *err)
{
	int rc = db_exec(db, &q_schedule, DB_ARGS(db_text(kind), db_int(ref_id), db_int(due_at), db_int(now)),
	                 err);
	return rc < 0 ? rc : 0;
}

int job_cancel(struct db *db, const char *kind, int64_t ref_id, struct kf_error *err)
{
	int rc = db_exec(db, &q_cancel, DB_ARGS(db_text(kind), db_int(ref_id)), err);
	return rc < 0 ? rc : 0;
}

int job_due(struct db *db, const char *kind, int64_t ref_id, int64_t *due_at, struct kf_error *err)
{
	return db_query_int(db, &q_due, DB_ARGS(db_text(kind), db_int(ref_id)), due_at, err);
}

/* Read candidate jobs; the lease below decides which ones are ours. */
static int job_pick(struct db *db, int64_t now, struct job *out, int max, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int n = 0;
	int rc = db_query(db, &q_pick, DB_ARGS(db_int(now), db_int(max)), &r, err);
	while (rc >= 0 && n < max && (rc = db_next(r, err)) == 1) {
		out[n].id = db_col_int(r, JC_ID);
		str_copy(out[n].kind, sizeof(out[n].kind), db_col_text(r, JC_KIND));
		out[n].ref_id = db_col_int(r, JC_REF_ID);
		out[n].due_at = db_col_int(r, JC_DUE_AT);
		out[n].attempts = (int)db_col_int(r, JC_ATTEMPTS) + 1;
		n++;
	}
	db_done(r);
	return rc < 0 ? rc : n;
}

int job_claim(struct db *db, int64_t now, int lease_s, struct job *out, int max, struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	int n = job_pick(db, now, out, max, err), kept = 0;
	for (int i = 0; i < n; i++) {
		rc = db_exec(db, &q_lease, DB_ARGS(db_int(out[i].id), db_int(now + lease_s), db_int(now)), err);
		if (rc < 0)
			break;
		if (rc == 1)
			out[kept++] = out[i];
	}
	if (n < 0 || rc < 0) {
		db_rollback(db);
		return n < 0 ? n : rc;
	}
	rc = db_commit(db, err);
	return rc < 0 ? rc : kept;
}

int job_finish(struct db *db, const struct job *j, int64_t now, const char *error, struct kf_error *err)
{
	int rc;
	if (!error) {
		rc = db_exec(db, &q_done, DB_ARGS(db_int(j->id), db_int(now)), err);
	} else {
		const char *state = j->attempts >= JOB_MAX_ATTEMPTS ? "failed" : "pending";
		rc = db_exec(db, &q_retry,
		             DB_ARGS(db_int(j->id), db_text(state), db_int(now + JOB_RETRY_S * j->attempts),
		                     db_text(error), db_int(now)),
		             err);
	}
	return rc < 0 ? rc : 0;
}
