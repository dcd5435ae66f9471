/*
 * delay.c - see delay.h.
 */
#include "logistics/delay.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/str.h"
#include "crm/timeline.h"
#include "events/outbox.h"
#include "jobs/job.h"
#include "logistics/tracking.h"
#include "store/db.h"

/* clang-format off */
#define NOTICE_ROW_COLS(F, X) \
	F(NC_ID, "n.id") \
	X(NC_SHIPMENT_ID, "n.shipment_id") \
	X(NC_CUSTOMER_ID, "n.customer_id") \
	X(NC_REASON, "n.reason") \
	X(NC_DETAIL, "n.detail") \
	X(NC_ETA_AT, "n.eta_at") \
	X(NC_RAISED_AT, "n.raised_at") \
	X(NC_STATUS, "n.status") \
	X(NC_DONE_AT, "n.done_at") \
	X(NC_DONE_BY, "n.done_by") \
	X(NC_TRACKING_NUMBER, "s.tracking_number")
/* clang-format on */
DB_COLS_ENUM(NOTICE_ROW_COLS, NC_NCOLS);
#define NOTICE_COLS DB_COLS_SQL(NOTICE_ROW_COLS)
/* clang-format off */
#define SHIP_COLS(F, X) \
	F(SHC_STATUS, "status") \
	X(SHC_ETA_AT, "eta_at") \
	X(SHC_CUSTOMER_ID, "COALESCE(customer_id, 0)") \
	X(SHC_TRACKING_NUMBER, "tracking_number")
/* clang-format on */
DB_COLS_ENUM(SHIP_COLS, SHC_NCOLS);
static struct db_sql q_ship = DB_SQL("SELECT " DB_COLS_SQL(SHIP_COLS) " FROM shipments"
                                                                      " WHERE id = $1");
static struct db_sql q_noticed = DB_SQL(
        "SELECT COUNT(*) FROM delay_notices WHERE shipment_id = $1 AND reason = 'eta_passed' AND eta_at = $2");
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO delay_notices (shipment_id, customer_id, reason, detail, eta_at, raised_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
static struct db_sql q_list_all = DB_SQL("SELECT " NOTICE_COLS
                                         " FROM delay_notices n JOIN shipments s ON s.id = n.shipment_id"
                                         " WHERE n.id > $1 ORDER BY n.id LIMIT $2");
static struct db_sql q_list_status = DB_SQL("SELECT " NOTICE_COLS
                                            " FROM delay_notices n JOIN shipments s ON s.id = n.shipment_id"
                                            " WHERE n.status = $3 AND n.id > $1 ORDER BY n.id LIMIT $2");
static struct db_sql q_get = DB_SQL("SELECT " NOTICE_COLS
                                    " FROM delay_notices n JOIN shipments s ON s.id = n.shipment_id"
                                    " WHERE n.id = $1");
static struct db_sql q_done = DB_SQL(
        "UPDATE delay_notices SET status = 'done', done_at = $2, done_by = $3 WHERE id = $1 AND status = 'open'");

int delay_raise(struct db *db, int64_t shipment_id, int64_t customer_id, const char *reason,
                const char *detail, int64_t eta_at, int64_t now, struct kf_error *err)
{
	int64_t id = 0;
	char summary[160];
	int rc = db_query_int(db, &q_insert,
	                      DB_ARGS(db_int(shipment_id), customer_id ? db_int(customer_id) : db_null(),
	                              db_text(reason), db_text(detail ? detail : ""),
	                              eta_at ? db_int(eta_at) : db_null(), db_int(now)),
	                      &id, err);
	if (rc < 0)
		return rc;
	snprintf(summary, sizeof(summary), "%s: %s", reason, detail ? detail : "");
	rc = timeline_add(db, customer_id, now, "delay_notice", id, summary, err);
	if (rc < 0)
		return rc;
	json_t *p = json_pack("{s:I,s:s,s:I}", "notice_id", (json_int_t)id, "reason", reason, "eta_at",
	                      (json_int_t)eta_at);
	struct event ev = { .type = "shipment.delayed",
		            .entity = "shipment",
		            .entity_id = shipment_id,
		            .payload = p,
		            .created_at_ms = now * 1000 };
	rc = outbox_append(db, &ev, NULL, err);
	json_decref(p);
	return rc;
}

/* Decide and raise inside the transaction. */
static int eta_check(struct db *db, int64_t shipment_id, int64_t now, struct kf_error *err)
{
	struct db_rows *r = NULL;
	enum tracking_status st = TRACK_NONE;
	int64_t eta = 0, customer = 0, noticed = 0;
	char number[80] = "";
	int rc = db_query(db, &q_ship, DB_ARGS(db_int(shipment_id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		st = tracking_parse(db_col_text(r, SHC_STATUS));
		eta = db_col_isnull(r, SHC_ETA_AT) ? 0 : db_col_int(r, SHC_ETA_AT);
		customer = db_col_int(r, SHC_CUSTOMER_ID);
		str_copy(number, sizeof(number), db_col_text(r, SHC_TRACKING_NUMBER));
	}
	db_done(r);
	if (rc <= 0 || eta == 0 || !tracking_open(st))
		return rc < 0 ? rc : 0;
	if (eta > now)
		return job_schedule(db, DELAY_JOB_KIND, shipment_id, eta, now, err);
	rc = db_query_int(db, &q_noticed, DB_ARGS(db_int(shipment_id), db_int(eta)), &noticed, err);
	if (rc < 0 || noticed > 0)
		return rc < 0 ? rc : 0;
	char detail[160];
	snprintf(detail, sizeof(detail), "%s not delivered by its ETA", number);
	return delay_raise(db, shipment_id, customer, "eta_passed", detail, eta, now, err);
}

int delay_eta_job(struct db *db, int64_t shipment_id, int64_t now, struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = eta_check(db, shipment_id, now, err);
	return db_finish(db, rc, err);
}

static json_t *opt_int(struct db_rows *r, int col)
{
	return db_col_isnull(r, col) ? json_null() : json_integer(db_col_int(r, col));
}

static json_t *notice_json(struct db_rows *r)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(db_col_int(r, NC_ID)));
	json_object_set_new(j, "shipment_id", json_integer(db_col_int(r, NC_SHIPMENT_ID)));
	json_object_set_new(j, "customer_id", opt_int(r, NC_CUSTOMER_ID));
	json_object_set_new(j, "reason", json_text(db_col_text(r, NC_REASON)));
	json_object_set_new(j, "detail", json_text(db_col_text(r, NC_DETAIL)));
	json_object_set_new(j, "eta_at", opt_int(r, NC_ETA_AT));
	json_object_set_new(j, "raised_at", json_integer(db_col_int(r, NC_RAISED_AT)));
	json_object_set_new(j, "status", json_text(db_col_text(r, NC_STATUS)));
	json_object_set_new(j, "done_at", opt_int(r, NC_DONE_AT));
	json_object_set_new(j, "done_by", opt_int(r, NC_DONE_BY));
	json_object_set_new(j, "tracking_number", json_text(db_col_text(r, NC_TRACKING_NUMBER)));
	return j;
}

int delay_list(struct db *db, const char *status, int64_t after_id, int limit, json_t **items,
               int64_t *last_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc;
	*items = json_array();
	*last_id = 0;
	if (status && strcmp(status, "open") != 0 && strcmp(status, "done") != 0) {
		json_decref(*items);
		*items = NULL;
		return kf_fail(err, KF_EINVAL, "invalid", "status", "status must be open or done");
	}
	if (status)
		rc = db_query(db, &q_list_status, DB_ARGS(db_int(after_id), db_int(limit), db_text(status)),
		              &r, err);
	else
		rc = db_query(db, &q_list_all, DB_ARGS(db_int(after_id), db_int(limit)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last_id = db_col_int(r, NC_ID);
		json_array_append_new(*items, notice_json(r));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

static int notice_get(struct db *db, int64_t id, json_t **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_get, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		*out = notice_json(r);
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "delay_notice", "no such delay notice");
	return rc < 0 ? rc : 0;
}

int delay_done(struct db *db, const struct actor *a, int64_t now, int64_t id, json_t **out, struct kf_error *err)
{
	json_t *before = NULL;
	*out = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = notice_get(db, id, &before, err);
	if (rc == 0)
		rc = db_exec(db, &q_done, DB_ARGS(db_int(id), db_int(now), db_int(a->id)), err);
	if (rc == 0)
		rc = kf_fail(err, KF_ECONFLICT, "notice_done", NULL, "the delay notice is done already");
	if (rc > 0)
		rc = notice_get(db, id, out, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "delay_notice.done", "delay_notice", id, before, *out, err);
	json_decref(before);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}
