/*
 * contract_rate.c - a customer's contract freight rate (see contract_rate.h).
 */
#include "pricing/contract_rate.h"

#include "base/json.h"
#include "base/textlen.h"
#include "store/db.h"

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

/* The checks of the API, for every caller: the same codes, messages and fields. */
static int input_check(const struct contract_rate_input *in, struct kf_error *err)
{
	if (in->freight_bp < 0 || in->freight_bp > 10000)
		return kf_fail(err, KF_EINVAL, "range", "freight_bp", "freight_bp must be between 0 and 10000");
	if (in->note && textlen_chars(in->note) > CONTRACT_RATE_NOTE_MAX_CHARS) {
		kf_fail(err, KF_EINVAL, "too_long", "note", "note is longer than %d characters",
		        CONTRACT_RATE_NOTE_MAX_CHARS);
		kf_detail_int(err, "max", CONTRACT_RATE_NOTE_MAX_CHARS);
		return KF_EINVAL;
	}
	return 0;
}

/* The audit record names what was given, as the request did. */
static json_t *input_audit(const struct contract_rate_input *in)
{
	json_t *o = json_pack("{s:I}", "freight_bp", (json_int_t)in->freight_bp);
	if (in->note)
		json_object_set_new(o, "note", json_string(in->note));
	return o;
}

int contract_rate_put(struct db *db, const struct actor *a, int64_t now, int64_t customer_id,
                      const struct contract_rate_input *in, json_t **out, struct kf_error *err)
{
	int64_t cid;
	*out = NULL;
	int rc = input_check(in, err);
	if (rc < 0)
		return rc;
	if ((rc = db_begin(db, err)) < 0)
		return rc;
	rc = db_query_int(db, &q_customer_exists, DB_ARGS(db_int(customer_id)), &cid, err);
	if (rc == KF_ENOTFOUND)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "customer_id", "no such customer");
	if (rc == 0)
		rc = db_exec(db, &q_contract_put,
		             DB_ARGS(db_int(customer_id), db_int(in->freight_bp),
		                     db_text(in->note ? in->note : ""), db_int(now)),
		             err);
	if (rc >= 0) {
		json_t *after = input_audit(in);
		rc = audit_record(db, a, now, "contract_rate.put", "customer", customer_id, NULL, after, err);
		json_decref(after);
	}
	rc = db_finish(db, rc, err);
	return rc < 0 ? rc : contract_rate_get(db, customer_id, out, err);
}
