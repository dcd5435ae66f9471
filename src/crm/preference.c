/*
 * preference.c - a customer's free-form preferences shown to agents (see
 * preference.h).  Each change: db_begin, customer_touch, the write,
 * customer_audit, commit.
 */
#include "crm/preference.h"

#include "base/textlen.h"
#include "crm/customer.h"
#include "store/db.h"

static struct db_sql q_pref_set = DB_SQL(
        "INSERT INTO customer_preferences (customer_id, key, value, updated_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (customer_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
static struct db_sql q_pref_get = DB_SQL(
        "SELECT value FROM customer_preferences WHERE customer_id = $1 AND key = $2");
static struct db_sql q_pref_delete = DB_SQL(
        "DELETE FROM customer_preferences WHERE customer_id = $1 AND key = $2");
static struct db_sql q_pref_list = DB_SQL(
        "SELECT key, value FROM customer_preferences WHERE customer_id = $1 ORDER BY key");

/* Commit when rc >= 0, else roll back. */
static int finish(struct db *db, int rc, struct kf_error *err)
{
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

int preference_list_json(struct db *db, int64_t id, json_t *into, struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *obj = json_object();
	int rc = db_query(db, &q_pref_list, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_object_set_new(obj, db_col_text(r, 0), json_string(db_col_text(r, 1)));
	db_done(r);
	json_object_set_new(into, "preferences", obj);
	return rc < 0 ? rc : 0;
}

int preference_insert(struct db *db, int64_t id, int64_t now, const char *key, const char *value,
                      struct kf_error *err)
{
	int rc = customer_check_name(key, "preferences", CUSTOMER_PREF_KEY_MAX, 0, err);
	if (rc == 0 && value && textlen_chars(value) > CUSTOMER_PREF_VALUE_MAX)
		rc = kf_fail(err, KF_EINVAL, "too_long", "preferences",
		             "preferences values must be at most %d characters", CUSTOMER_PREF_VALUE_MAX);
	if (rc == 0 && !value)
		rc = kf_fail(err, KF_EINVAL, "invalid", "preferences",
		             "preferences values must be strings of at most %d characters",
		             CUSTOMER_PREF_VALUE_MAX);
	if (rc == 0)
		rc = db_exec(db, &q_pref_set, DB_ARGS(db_int(id), db_text(key), db_text(value), db_int(now)),
		             err);
	return rc < 0 ? rc : 0;
}

static json_t *pref_json(const char *key, const char *value)
{
	return json_pack("{s:s,s:s}", "key", key, "value", value);
}

static int pref_old(struct db *db, int64_t id, const char *key, json_t **old, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_pref_get, DB_ARGS(db_int(id), db_text(key)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	*old = rc == 1 ? pref_json(key, db_col_text(r, 0)) : NULL;
	db_done(r);
	return rc < 0 ? rc : rc == 1;
}

int preference_set(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *key,
                   const char *value, struct kf_error *err)
{
	json_t *before = NULL;
	int rc = customer_check_name(key, "key", CUSTOMER_PREF_KEY_MAX, 0, err);
	if (rc == 0 && (!value || textlen_chars(value) > CUSTOMER_PREF_VALUE_MAX))
		rc = kf_fail(err, KF_EINVAL, value ? "too_long" : "required", "value",
		             "value is required, at most %d characters", CUSTOMER_PREF_VALUE_MAX);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_touch(db, id, now, err);
	if (rc == 0)
		rc = pref_old(db, id, key, &before, err);
	if (rc >= 0)
		rc = db_exec(db, &q_pref_set, DB_ARGS(db_int(id), db_text(key), db_text(value), db_int(now)),
		             err);
	if (rc >= 0)
		rc = customer_audit(db, a, now, "customer.preference.set", id, before, pref_json(key, value),
		                    err);
	else
		json_decref(before);
	return finish(db, rc, err);
}

int preference_remove(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *key,
                      struct kf_error *err)
{
	json_t *before = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = customer_touch(db, id, now, err);
	if (rc == 0)
		rc = pref_old(db, id, key, &before, err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "key", "no such preference");
	if (rc > 0)
		rc = db_exec(db, &q_pref_delete, DB_ARGS(db_int(id), db_text(key)), err);
	if (rc >= 0)
		rc = customer_audit(db, a, now, "customer.preference.remove", id, before, NULL, err);
	else
		json_decref(before);
	return finish(db, rc, err);
}
