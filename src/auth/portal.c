/*
 * portal.c - see portal.h.
 */
#include "auth/portal.h"

#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "store/db.h"

static struct db_sql q_insert = DB_SQL(
        "INSERT INTO customer_accounts (login, display_name, password_hash, created_at, updated_at, customer_id)"
        " VALUES ($1, $2, $3, $4, $4, $5) RETURNING id");
/* clang-format off */
#define HASH_COLS(F, X) \
	F(HC_ID, "id") \
	X(HC_HASH, "password_hash") \
	X(HC_DISABLED, "disabled")
/* clang-format on */
DB_COLS_ENUM(HASH_COLS, HC_NCOLS);
static struct db_sql q_hash = DB_SQL("SELECT " DB_COLS_SQL(HASH_COLS) " FROM customer_accounts"
                                                                      " WHERE login = $1");
/* clang-format off */
#define ACCOUNT_COLS(F, X) \
	F(PA_ID, "id") \
	X(PA_LOGIN, "login") \
	X(PA_DISPLAY_NAME, "display_name") \
	X(PA_CUSTOMER_ID, "customer_id")
/* clang-format on */
DB_COLS_ENUM(ACCOUNT_COLS, PA_NCOLS);
static struct db_sql q_get = DB_SQL("SELECT " DB_COLS_SQL(ACCOUNT_COLS) " FROM customer_accounts"
                                                                        " WHERE id = $1");

static int login_valid(const char *login, struct kf_error *err)
{
	size_t n = login ? strlen(login) : 0;
	if (n < 3 || n > KF_MAX_NAME_BYTES || strpbrk(login, " \t\r\n"))
		return kf_fail(err, KF_EINVAL, "invalid", "login",
		               "login must be an e-mail address or phone number of 3 to %d characters",
		               KF_MAX_NAME_BYTES);
	return 0;
}

int portal_account_create(struct db *db, const struct actor *a, int64_t now, const char *login,
                          const char *display_name, const char *password, int64_t customer_id, int64_t *id,
                          struct kf_error *err)
{
	char hash[PASSWORD_HASH_MAX];
	int rc = login_valid(login, err);
	if (rc == 0)
		rc = password_policy(password, err);
	if (rc == 0)
		rc = password_hash(password, hash, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_query_int(db, &q_insert,
	                  DB_ARGS(db_text(login), db_text(display_name ? display_name : login), db_text(hash),
	                          db_int(now), customer_id ? db_int(customer_id) : db_null()),
	                  id, err);
	if (rc == KF_EEXIST)
		kf_fail(err, KF_EEXIST, "exists", "login", "portal account %s already exists", login);
	json_t *after = json_pack("{s:s,s:I}", "login", login, "customer_id", (json_int_t)customer_id);
	if (rc == 0)
		rc = audit_record(db, a, now, "portal_account.create", "customer_account", *id, NULL, after,
		                  err);
	json_decref(after);
	return db_finish(db, rc, err);
}

int portal_authenticate(struct db *db, const char *login, const char *password, int64_t *id,
                        struct kf_error *err)
{
	struct db_rows *r = NULL;
	char hash[PASSWORD_HASH_MAX] = "";
	int disabled = 1;
	int rc = db_query(db, &q_hash, DB_ARGS(db_text(login)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		*id = db_col_int(r, HC_ID);
		str_copy(hash, sizeof(hash), db_col_text(r, HC_HASH));
		disabled = (int)db_col_int(r, HC_DISABLED);
	}
	db_done(r);
	if (rc < 0)
		return rc;
	/* An unknown login costs one argon2id run too, so timing does not reveal which accounts exist. */
	if (rc == 0)
		password_verify_dummy(password);
	if (rc == 0 || password_verify(hash, password) < 0 || disabled)
		return kf_fail(err, KF_EAUTH, "bad_credentials", NULL, "wrong login or password");
	return 0;
}

static struct db_sql q_erase = DB_SQL(
        "UPDATE customer_accounts SET disabled = 1, login = 'erased-' || CAST(id AS TEXT), display_name = '',"
        " version = version + 1 WHERE customer_id = $1");
static struct db_sql q_erase_sessions = DB_SQL(
        "DELETE FROM sessions WHERE kind = 'customer'"
        " AND principal_id IN (SELECT id FROM customer_accounts WHERE customer_id = $1)");

int portal_accounts_erase(struct db *db, int64_t customer_id, struct kf_error *err)
{
	int rc = db_exec(db, &q_erase_sessions, DB_ARGS(db_int(customer_id)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_erase, DB_ARGS(db_int(customer_id)), err);
	return rc < 0 ? rc : 0;
}

int portal_account_get(struct db *db, int64_t id, json_t **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_get, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		*out = json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)db_col_int(r, PA_ID), "login",
		                 db_col_text(r, PA_LOGIN), "display_name", db_col_text(r, PA_DISPLAY_NAME),
		                 "customer_id",
		                 db_col_isnull(r, PA_CUSTOMER_ID)
		                         ? json_null()
		                         : json_integer(db_col_int(r, PA_CUSTOMER_ID)));
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "no such account");
	return rc < 0 ? rc : 0;
}
