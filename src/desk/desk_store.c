/*
 * desk_store.c - see desk_store.h.
 */
#include "desk/desk_store.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/textlen.h"
#include "store/db.h"

int desk_store_tx_end(struct db *db, int rc, struct kf_error *err)
{
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

int desk_store_not_found(struct kf_error *err, const char *what)
{
	return kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "no such %s", what);
}

/* After an UPDATE ... AND version = $2 changed nothing: gone, or changed by someone else. */
int desk_store_stale_or_missing(struct db *db, struct db_sql *exists, int64_t id, const char *what,
                                struct kf_error *err)
{
	int64_t v;
	int rc = db_query_int(db, exists, DB_ARGS(db_int(id)), &v, err);
	if (rc == KF_ENOTFOUND)
		return desk_store_not_found(err, what);
	if (rc < 0)
		return rc;
	return kf_fail(err, KF_ESTALE, "stale", NULL,
	               "the %s was changed by someone else; reload and try again", what);
}

int desk_store_exists(struct db *db, struct db_sql *q, int64_t id, const char *field, const char *what,
                      struct kf_error *err)
{
	int64_t v;
	int rc = db_query_int(db, q, DB_ARGS(db_int(id)), &v, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_EINVAL, "unknown", field, "%s names no %s", field, what);
	return rc < 0 ? rc : 0;
}

int desk_store_audit(struct db *db, const struct actor *a, int64_t now, const char *action, const char *type,
                     int64_t id, json_t *after, struct kf_error *err)
{
	int rc = audit_record(db, a, now, action, type, id, NULL, after, err);
	json_decref(after);
	return rc;
}

static int one_of(const char *s, const char *const *allowed)
{
	if (s[0] == '\0')
		return 1;
	for (int i = 0; allowed[i]; i++)
		if (strcmp(s, allowed[i]) == 0)
			return 1;
	return 0;
}

int desk_store_get_choice(json_t *body, const char *key, const char *const *allowed, char *dst, size_t n,
                          struct kf_error *err)
{
	const char *s = NULL;
	int rc = json_get_str(body, key, 0, n - 1, &s, err);
	if (rc <= 0)
		return rc;
	if (!one_of(s, allowed))
		return kf_fail(err, KF_EINVAL, "invalid", key, "%s has a value that is not allowed", key);
	snprintf(dst, n, "%s", s);
	return 1;
}

void desk_store_copy_col(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

int desk_store_check_text(const char *key, const char *s, size_t max_chars, struct kf_error *err)
{
	if (textlen_chars(s) <= max_chars)
		return 0;
	kf_fail(err, KF_EINVAL, "too_long", key, "%s is longer than %zu characters", key, max_chars);
	kf_detail_int(err, "max", (long long)max_chars);
	return KF_EINVAL;
}

int desk_store_check_choice(const char *key, const char *s, const char *const *allowed, struct kf_error *err)
{
	if (s[0] == '\0')
		return 0;
	for (int i = 0; allowed[i]; i++)
		if (strcmp(s, allowed[i]) == 0)
			return 0;
	return kf_fail(err, KF_EINVAL, "invalid", key, "%s has a value that is not allowed", key);
}

int desk_store_check_range(const char *key, int64_t v, int64_t min, int64_t max, struct kf_error *err)
{
	if (v >= min && v <= max)
		return 0;
	return kf_fail(err, KF_EINVAL, "range", key, "%s must be between %lld and %lld", key, (long long)min,
	               (long long)max);
}
