/*
 * identity.c - the identities of a customer (phone, e-mail, WeChat, QQ,
 * other; each belongs to one customer): see identity.h.  Each change:
 * db_begin, customer_touch, the write, customer_audit, commit.
 */
#include "crm/identity.h"

#include "base/textlen.h"
#include "crm/customer.h"
#include "crm/privacy.h"
#include "store/db.h"

static struct db_sql q_ident_insert = DB_SQL(
        "INSERT INTO customer_identities (customer_id, kind, value, created_at) VALUES ($1, $2, $3, $4)"
        " RETURNING id");
static struct db_sql q_ident_list = DB_SQL(
        "SELECT id, kind, value FROM customer_identities WHERE customer_id = $1 ORDER BY id");
static struct db_sql q_ident_get = DB_SQL(
        "SELECT id, kind, value FROM customer_identities WHERE id = $1 AND customer_id = $2");
static struct db_sql q_ident_delete = DB_SQL(
        "DELETE FROM customer_identities WHERE id = $1 AND customer_id = $2");
static struct db_sql q_ident_owner = DB_SQL(
        "SELECT customer_id FROM customer_identities WHERE kind = $1 AND value = $2");

/* Commit when rc >= 0, else roll back. */
static int finish(struct db *db, int rc, struct kf_error *err)
{
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

static json_t *identity_json(int64_t iid, const char *kind, const char *value, int mask)
{
	char masked[TEXTLEN_BYTES(CUSTOMER_VALUE_MAX) * 2 + 8];
	if (mask)
		privacy_mask_identity(kind, value, masked, sizeof(masked));
	return json_pack("{s:I,s:s,s:s}", "id", (json_int_t)iid, "kind", kind, "value", mask ? masked : value);
}

int identity_list_json(struct db *db, int64_t id, int mask, json_t *into, struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *list = json_array();
	int rc = db_query(db, &q_ident_list, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_array_append_new(
		        list, identity_json(db_col_int(r, 0), db_col_text(r, 1), db_col_text(r, 2), mask));
	db_done(r);
	json_object_set_new(into, "identities", list);
	return rc < 0 ? rc : 0;
}

int identity_owner(struct db *db, const char *kind, const char *value, int64_t *id, struct kf_error *err)
{
	int rc = db_query_int(db, &q_ident_owner, DB_ARGS(db_text(kind), db_text(value)), id, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "identity", "no customer has this identity");
	return rc;
}

/* Insert a normalised identity; a taken one is 409 identity_exists naming field. */
int identity_insert(struct db *db, int64_t id, const char *kind, const char *value, int64_t now,
                    const char *field, int64_t *iid, struct kf_error *err)
{
	int64_t owner = 0;
	struct kf_error ignore = KF_ERROR_INIT;
	int rc = identity_owner(db, kind, value, &owner, &ignore);
	if (rc == 0)
		return kf_fail(err, KF_EEXIST, "identity_exists", field,
		               "this %s already belongs to customer #%lld", kind, (long long)owner);
	if (rc != KF_ENOTFOUND) {
		*err = ignore;
		return rc;
	}
	rc = db_query_int(db, &q_ident_insert,
	                  DB_ARGS(db_int(id), db_text(kind), db_text(value), db_int(now)), iid, err);
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "identity_exists", field,
		               "this %s already belongs to a customer", kind);
	return rc;
}

int identity_add(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *kind,
                 const char *value, json_t **out, struct kf_error *err)
{
	char norm[TEXTLEN_BYTES(CUSTOMER_VALUE_MAX)];
	int64_t iid = 0;
	*out = NULL;
	int rc = customer_identity_normalise(kind, value, "value", norm, sizeof(norm), err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_touch(db, id, now, err);
	if (rc == 0)
		rc = identity_insert(db, id, kind, norm, now, "value", &iid, err);
	if (rc == 0)
		rc = customer_audit(db, a, now, "customer.identity.add", id, NULL,
		                    identity_json(iid, kind, norm, 1), err);
	rc = finish(db, rc, err);
	if (rc == 0)
		*out = identity_json(iid, kind, norm, 0);
	return rc;
}

int identity_remove(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t iid,
                    struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *before = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_touch(db, id, now, err);
	if (rc == 0)
		rc = db_query(db, &q_ident_get, DB_ARGS(db_int(iid), db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		before = identity_json(iid, db_col_text(r, 1), db_col_text(r, 2), 1);
	db_done(r);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "iid", "no such identity");
	if (rc == 1)
		rc = db_exec(db, &q_ident_delete, DB_ARGS(db_int(iid), db_int(id)), err);
	if (rc >= 0)
		rc = customer_audit(db, a, now, "customer.identity.remove", id, before, NULL, err);
	else
		json_decref(before);
	return finish(db, rc, err);
}
