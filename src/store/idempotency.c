/*
 * idempotency.c - see idempotency.h.
 */
#include "store/idempotency.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/db.h"

static struct db_sql q_claim = DB_SQL(
        "INSERT INTO idempotency_keys (principal, key, method, path, request_hash, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (principal, key) DO NOTHING");
/* clang-format off */
#define IDEM_COLS(F, X) \
	F(IC_ID, "id") \
	X(IC_METHOD, "method") \
	X(IC_PATH, "path") \
	X(IC_REQUEST_HASH, "request_hash") \
	X(IC_STATUS, "status") \
	X(IC_RESPONSE, "response")
/* clang-format on */
DB_COLS_ENUM(IDEM_COLS, IC_NCOLS);
static struct db_sql q_get = DB_SQL("SELECT " DB_COLS_SQL(IDEM_COLS) " FROM idempotency_keys"
                                                                     " WHERE principal = $1 AND key = $2");
static struct db_sql q_finish = DB_SQL("UPDATE idempotency_keys SET status = $2, response = $3 WHERE id = $1");
static struct db_sql q_prune = DB_SQL("DELETE FROM idempotency_keys WHERE created_at < $1");

static int same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int idem_begin(struct db *db, const char *principal, const char *key, const char *method, const char *path,
               const char *request_hash, int64_t now, struct idem *out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int claimed = db_exec(db, &q_claim,
	                      DB_ARGS(db_text(principal), db_text(key), db_text(method), db_text(path),
	                              db_text(request_hash), db_int(now)),
	                      err);
	if (claimed < 0)
		return claimed;
	int rc = db_query(db, &q_get, DB_ARGS(db_text(principal), db_text(key)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 0)
		rc = kf_fail(err, KF_EDB, NULL, NULL, "idempotency key vanished");
	if (rc == 1) {
		out->id = db_col_int(r, IC_ID);
		out->status = (int)db_col_int(r, IC_STATUS);
		if (claimed == 1)
			out->state = IDEM_NEW;
		else if (!same(db_col_text(r, IC_METHOD), method) || !same(db_col_text(r, IC_PATH), path) ||
		         !same(db_col_text(r, IC_REQUEST_HASH), request_hash))
			out->state = IDEM_MISMATCH;
		else if (out->status == 0)
			out->state = IDEM_IN_PROGRESS;
		else
			out->state = IDEM_REPLAY;
		if (out->state == IDEM_REPLAY && db_col_text(r, IC_RESPONSE))
			out->response = xstrdup(db_col_text(r, IC_RESPONSE));
		rc = 0;
	}
	db_done(r);
	return rc;
}

int idem_finish(struct db *db, int64_t id, int status, const char *response, struct kf_error *err)
{
	int rc = db_exec(db, &q_finish, DB_ARGS(db_int(id), db_int(status), db_text(response)), err);
	return rc < 0 ? rc : 0;
}

int idem_prune(struct db *db, int64_t cutoff, struct kf_error *err)
{
	int rc = db_exec(db, &q_prune, DB_ARGS(db_int(cutoff)), err);
	return rc < 0 ? rc : 0;
}

void idem_release(struct idem *i)
{
	free(i->response);
	i->response = NULL;
}
