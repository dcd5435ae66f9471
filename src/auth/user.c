/*
 * user.c - see user.h.
 */
#include "auth/user.h"

#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "auth/session.h"
#include "auth/token.h"
#include "base/limits.h"
#include "store/db.h"

static struct db_sql q_insert = DB_SQL(
        "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id");
static struct db_sql q_get = DB_SQL("SELECT " USER_COLUMNS " FROM users u WHERE u.id = $1");
static struct db_sql q_get_name = DB_SQL("SELECT " USER_COLUMNS " FROM users u WHERE u.username = $1");
static struct db_sql q_list = DB_SQL("SELECT " USER_COLUMNS
                                     " FROM users u WHERE u.id > $1 ORDER BY u.id LIMIT $2");
static struct db_sql q_update = DB_SQL(
        "UPDATE users SET display_name = $3, email = $4, role = $5, disabled = $6, locale = $7,"
        " time_zone = $8, updated_at = $9, version = version + 1 WHERE id = $1 AND version = $2");
/* clang-format off */
#define HASH_COLS(F, X) \
	F(HC_HASH, "password_hash") \
	X(HC_ID, "id")
/* clang-format on */
DB_COLS_ENUM(HASH_COLS, HC_NCOLS);
static struct db_sql q_hash = DB_SQL("SELECT " DB_COLS_SQL(HASH_COLS) " FROM users"
                                                                      " WHERE username = $1");
static struct db_sql q_set_hash = DB_SQL(
        "UPDATE users SET password_hash = $2, updated_at = $3, version = version + 1 WHERE id = $1");
static struct db_sql q_admins = DB_SQL(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> $1");

int user_name_valid(const char *name, struct kf_error *err)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 64)
		return kf_fail(err, KF_EINVAL, "invalid", "username", "username must be 1 to 64 characters");
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || !strchr("._@-", c)))
			return kf_fail(
			        err, KF_EINVAL, "invalid", "username",
			        "username may use letters, digits and . _ @ - and must start with a letter or digit");
	}
	return 0;
}

int user_locale_valid(const char *locale, struct kf_error *err)
{
	if (strcmp(locale, "zh-CN") == 0 || strcmp(locale, "en") == 0)
		return 0;
	return kf_fail(err, KF_EINVAL, "invalid", "locale", "locale must be zh-CN or en");
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

void user_from_row(struct db_rows *r, int first, struct user *u)
{
	u->id = db_col_int(r, first + USER_COL_ID);
	copy(u->username, sizeof(u->username), db_col_text(r, first + USER_COL_USERNAME));
	copy(u->display_name, sizeof(u->display_name), db_col_text(r, first + USER_COL_DISPLAY_NAME));
	copy(u->email, sizeof(u->email), db_col_text(r, first + USER_COL_EMAIL));
	u->role = role_parse(db_col_text(r, first + USER_COL_ROLE));
	u->disabled = (int)db_col_int(r, first + USER_COL_DISABLED);
	copy(u->locale, sizeof(u->locale), db_col_text(r, first + USER_COL_LOCALE));
	copy(u->time_zone, sizeof(u->time_zone), db_col_text(r, first + USER_COL_TIME_ZONE));
	u->created_at = db_col_int(r, first + USER_COL_CREATED_AT);
	u->updated_at = db_col_int(r, first + USER_COL_UPDATED_AT);
	u->version = db_col_int(r, first + USER_COL_VERSION);
}

static int user_fetch(struct db *db, struct db_sql *q, struct db_arg key, struct user *out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, q, &key, 1, &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		user_from_row(r, 0, out);
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "user", "no such user");
	return rc < 0 ? rc : 0;
}

int user_get(struct db *db, int64_t id, struct user *out, struct kf_error *err)
{
	return user_fetch(db, &q_get, db_int(id), out, err);
}

int user_get_by_name(struct db *db, const char *username, struct user *out, struct kf_error *err)
{
	return user_fetch(db, &q_get_name, db_text(username), out, err);
}

json_t *user_to_json(const struct user *u)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:I,s:I,s:I}", "id", (json_int_t)u->id, "username",
	                 u->username, "display_name", u->display_name, "email", u->email, "role",
	                 role_name(u->role), "disabled", u->disabled, "locale", u->locale, "time_zone",
	                 u->time_zone, "created_at", (json_int_t)u->created_at, "updated_at",
	                 (json_int_t)u->updated_at, "version", (json_int_t)u->version);
}

int user_create(struct db *db, const struct actor *a, int64_t now, const char *username,
                const char *display_name, enum role role, const char *password, struct user *out,
                struct kf_error *err)
{
	char hash[PASSWORD_HASH_MAX];
	int64_t id = 0;
	int rc = user_name_valid(username, err);
	if (rc == 0 && role == ROLE_NONE)
		rc = kf_fail(err, KF_EINVAL, "invalid", "role",
		             "role must be one of admin, manager, agent, crm, analyst");
	if (rc == 0)
		rc = password_policy(password, err);
	if (rc == 0)
		rc = password_hash(password, hash, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_query_int(db, &q_insert,
	                  DB_ARGS(db_text(username), db_text(display_name ? display_name : username),
	                          db_text(role_name(role)), db_text(hash), db_int(now)),
	                  &id, err);
	if (rc == KF_EEXIST)
		kf_fail(err, KF_EEXIST, "exists", "username", "user %s already exists", username);
	if (rc == 0)
		rc = user_get(db, id, out, err);
	json_t *after = rc == 0 ? user_to_json(out) : NULL;
	if (rc == 0)
		rc = audit_record(db, a, now, "user.create", "user", id, NULL, after, err);
	json_decref(after);
	return db_finish(db, rc, err);
}

int user_list(struct db *db, int64_t after_id, int limit, json_t **items, int64_t *last_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	struct user u;
	*items = json_array();
	*last_id = 0;
	int rc = db_query(db, &q_list, DB_ARGS(db_int(after_id), db_int(limit)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		user_from_row(r, 0, &u);
		*last_id = u.id;
		json_array_append_new(*items, user_to_json(&u));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

/* Apply p to a copy of the stored user, validating each field. */
static int patch_apply(const struct user_patch *p, struct user *u, struct kf_error *err)
{
	if (p->display_name)
		copy(u->display_name, sizeof(u->display_name), p->display_name);
	if (p->email)
		copy(u->email, sizeof(u->email), p->email);
	if (p->role != ROLE_NONE)
		u->role = p->role;
	if (p->disabled >= 0)
		u->disabled = p->disabled;
	if (p->locale) {
		int rc = user_locale_valid(p->locale, err);
		if (rc < 0)
			return rc;
		copy(u->locale, sizeof(u->locale), p->locale);
	}
	if (p->time_zone)
		copy(u->time_zone, sizeof(u->time_zone), p->time_zone);
	return 0;
}

/* Refuse a change that would leave no enabled admin. */
static int keep_an_admin(struct db *db, const struct user *before, const struct user *after,
                         struct kf_error *err)
{
	int64_t others = 0;
	if (before->role != ROLE_ADMIN || before->disabled)
		return 0;
	if (after->role == ROLE_ADMIN && !after->disabled)
		return 0;
	int rc = db_query_int(db, &q_admins, DB_ARGS(db_int(before->id)), &others, err);
	if (rc == 0 && others == 0)
		rc = kf_fail(err, KF_ECONFLICT, "last_admin", "role",
		             "this is the last enabled admin; make another admin first");
	return rc;
}

static int user_write(struct db *db, const struct user *u, int64_t version, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_update,
	                 DB_ARGS(db_int(u->id), db_int(version), db_text(u->display_name),
	                         u->email[0] ? db_text(u->email) : db_null(), db_text(role_name(u->role)),
	                         db_int(u->disabled), db_text(u->locale), db_text(u->time_zone), db_int(now)),
	                 err);
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", NULL,
		               "the user was changed by someone else; reload and try again");
	return rc < 0 ? rc : 0;
}

int user_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                const struct user_patch *p, struct user *out, struct kf_error *err)
{
	struct user before;
	json_t *jb = NULL, *ja = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = user_get(db, id, &before, err);
	if (rc == 0 && before.version != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the user was changed by someone else; reload and try again");
	*out = before;
	if (rc == 0)
		rc = patch_apply(p, out, err);
	if (rc == 0)
		rc = keep_an_admin(db, &before, out, err);
	if (rc == 0)
		rc = user_write(db, out, version, now, err);
	if (rc == 0 && out->disabled && !before.disabled)
		rc = session_end_all(db, "staff", id, err);
	if (rc == 0)
		rc = user_get(db, id, out, err);
	if (rc == 0) {
		jb = user_to_json(&before);
		ja = user_to_json(out);
		rc = audit_record(db, a, now, "user.update", "user", id, jb, ja, err);
	}
	json_decref(jb);
	json_decref(ja);
	return db_finish(db, rc, err);
}

int user_set_password(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *password,
                      int64_t keep_session, struct kf_error *err)
{
	char hash[PASSWORD_HASH_MAX];
	int rc = password_policy(password, err);
	if (rc == 0)
		rc = password_hash(password, hash, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_set_hash, DB_ARGS(db_int(id), db_text(hash), db_int(now)), err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "user", "no such user");
	if (rc > 0)
		rc = session_end_others(db, "staff", id, keep_session, err);
	if (rc == 0)
		rc = apitoken_revoke_all(db, id, now, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "user.password", "user", id, NULL, NULL, err);
	return db_finish(db, rc, err);
}

int user_authenticate(struct db *db, const char *username, const char *password, struct user *out,
                      struct kf_error *err)
{
	struct db_rows *r = NULL;
	char hash[PASSWORD_HASH_MAX] = "";
	int rc = db_query(db, &q_hash, DB_ARGS(db_text(username)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		copy(hash, sizeof(hash), db_col_text(r, HC_HASH));
	db_done(r);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		password_verify_dummy(password);
		return kf_fail(err, KF_EAUTH, "bad_credentials", NULL, "wrong user name or password");
	}
	if (password_verify(hash, password) < 0)
		return kf_fail(err, KF_EAUTH, "bad_credentials", NULL, "wrong user name or password");
	rc = user_get_by_name(db, username, out, err);
	if (rc == 0 && out->disabled)
		rc = kf_fail(err, KF_EAUTH, "disabled", NULL, "this account is disabled");
	return rc;
}
