/*
 * contract_rate.c - a customer's contract freight rate (see contract_rate.h).
 */
#include "pricing/contract_rate.h"

#include "base/json.h"
#include "store/db.h"

/* Commit when rc >= 0, else roll back; returns rc or the commit's error. */
static int finish(struct db *db, int rc, struct kf_error *err)
{
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

static struct db_sql q_contract_get = DB_SQL(
        "SELECT customer_id, freight_bp, note, updated_at, version FROM contract_rates WHERE customer_id = $1");
static struct db_sql q_contract_put = DB_SQL(
        "INSERT INTO contract_rates (customer_id, freight_bp, note, updated_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (customer_id) DO UPDATE SET freight_bp = $2, note = $3, updated_at = $4,"
        " version = contract_rates.version + 1");
static struct db_sql q_customer_exists = DB_SQL("SELECT id FROM customers WHERE id = $1 AND erased_at IS NULL");

int contract_rate_get(struct db *db, int64_t customer_id, json_t **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*out = NULL;
	int rc = db_query(db, &q_contract_get, DB_ARGS(db_int(customer_id)), &r, err);
	if (rc >= 0 && (rc = db_next(r, err)) == 1)
		*out = json_pack("{s:I,s:I,s:s,s:I,s:I}", "customer_id", (json_int_t)db_col_int(r, 0),
		                 "freight_bp", (json_int_t)db_col_int(r, 1), "note", db_col_text(r, 2),
		                 "updated_at", (json_int_t)db_col_int(r, 3), "version",
		                 (json_int_t)db_col_int(r, 4));
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "customer_id",
		               "the customer has no contract rate");
	return rc < 0 ? rc : 0;
}

int contract_rate_put(struct db *db, const struct actor *a, int64_t now, int64_t customer_id, json_t *body,
                      json_t **out, struct kf_error *err)
{
	static const char *const keys[] = { "freight_bp", "note", NULL };
	int64_t bp, cid;
	const char *note = NULL;
	*out = NULL;
	int rc = json_only_keys(body, keys, err);
	if (rc == 0)
		rc = json_get_int(body, "freight_bp", 1, 0, 10000, &bp, err);
	if (rc >= 0)
		rc = json_get_text(body, "note", 0, 500, &note, err);
	if (rc < 0)
		return rc;
	if ((rc = db_begin(db, err)) < 0)
		return rc;
	rc = db_query_int(db, &q_customer_exists, DB_ARGS(db_int(customer_id)), &cid, err);
	if (rc == KF_ENOTFOUND)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "customer_id", "no such customer");
	if (rc == 0)
		rc = db_exec(db, &q_contract_put,
		             DB_ARGS(db_int(customer_id), db_int(bp), db_text(note ? note : ""), db_int(now)),
		             err);
	if (rc >= 0)
		rc = audit_record(db, a, now, "contract_rate.put", "customer", customer_id, NULL, body, err);
	rc = finish(db, rc, err);
	return rc < 0 ? rc : contract_rate_get(db, customer_id, out, err);
}
