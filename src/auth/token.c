/*
 * token.c - see token.h.
 */
#include "auth/token.h"

#include <stdio.h>
#include <string.h>

#include "auth/rbac.h"
#include "auth/user.h"
#include "base/limits.h"
#include "base/str.h"
#include "store/db.h"

static struct db_sql q_insert = DB_SQL("INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at)"
                                       " VALUES ($1, $2, $3, $4, $5) RETURNING id");
/* clang-format off */
#define RESOLVE_COLS(F, X) \
	F(RC_ID, "t.id") \
	X(RC_LAST_USED_AT, "t.last_used_at")
/* clang-format on */
DB_COLS_ENUM(RESOLVE_COLS, RC_NCOLS); /* then the user, USER_COLUMNS */
static struct db_sql q_resolve = DB_SQL("SELECT " DB_COLS_SQL(
        RESOLVE_COLS) ", " USER_COLUMNS " FROM api_tokens t JOIN users u ON u.id = t.user_id"
                      " WHERE t.token_hash = $1 AND t.revoked_at IS NULL");
static struct db_sql q_used = DB_SQL("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1");
/* clang-format off */
#define TOKEN_COLS(F, X) \
	F(TKC_ID, "id") \
	X(TKC_NAME, "name") \
	X(TKC_PREFIX, "prefix") \
	X(TKC_CREATED_AT, "created_at") \
	X(TKC_LAST_USED_AT, "last_used_at") \
	X(TKC_REVOKED_AT, "revoked_at")
/* clang-format on */
DB_COLS_ENUM(TOKEN_COLS, TKC_NCOLS);
static struct db_sql q_list = DB_SQL("SELECT " DB_COLS_SQL(TOKEN_COLS) " FROM api_tokens"
                                                                       " WHERE user_id = $1 ORDER BY id DESC");
static struct db_sql q_revoke = DB_SQL(
        "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL");
static struct db_sql q_revoke_all = DB_SQL(
        "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL");

static json_t *int_or_null(struct db_rows *r, int col)
{
	return db_col_isnull(r, col) ? json_null() : json_integer(db_col_int(r, col));
}

static json_t *token_row(struct db_rows *r)
{
	return json_pack("{s:I,s:s,s:s,s:I,s:o,s:o}", "id", (json_int_t)db_col_int(r, TKC_ID), "name",
	                 db_col_text(r, TKC_NAME), "prefix", db_col_text(r, TKC_PREFIX), "created_at",
	                 (json_int_t)db_col_int(r, TKC_CREATED_AT), "last_used_at",
	                 int_or_null(r, TKC_LAST_USED_AT), "revoked_at", int_or_null(r, TKC_REVOKED_AT));
}

int apitoken_create(struct db *db, const struct actor *a, int64_t now, int64_t user_id, const char *name,
                    char token[TOKEN_TEXT_MAX], json_t **created, struct kf_error *err)
{
	char hash[TOKEN_HASH_HEX], prefix[16];
	int64_t id = 0;
	token_random("kft_", token);
	token_hash_hex(token, hash);
	snprintf(prefix, sizeof(prefix), "%.10s", token);
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_query_int(db, &q_insert,
	                  DB_ARGS(db_int(user_id), db_text(name), db_text(hash), db_text(prefix), db_int(now)),
	                  &id, err);
	json_t *j = json_pack("{s:I,s:s,s:s,s:I,s:n,s:n}", "id", (json_int_t)id, "name", name, "prefix",
	                      prefix, "created_at", (json_int_t)now, "last_used_at", "revoked_at");
	if (rc == 0)
		rc = audit_record(db, a, now, "token.create", "api_token", id, NULL, j, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	if (rc < 0) {
		json_decref(j);
		return rc;
	}
	*created = j;
	return 0;
}

int apitoken_resolve(struct db *db, const char *token, int64_t now, struct principal *who, struct user *u,
                     struct kf_error *err)
{
	char hash[TOKEN_HASH_HEX];
	struct db_rows *r = NULL;
	int64_t id = 0, last_used = 0;
	token_hash_hex(token, hash);
	int rc = db_query(db, &q_resolve, DB_ARGS(db_text(hash)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		id = db_col_int(r, RC_ID);
		last_used = db_col_isnull(r, RC_LAST_USED_AT) ? 0 : db_col_int(r, RC_LAST_USED_AT);
		user_from_row(r, RC_NCOLS, u);
	}
	db_done(r);
	if (rc < 0)
		return rc;
	if (rc == 0 || u->disabled)
		return kf_fail(err, KF_EAUTH, "unauthenticated", NULL, "the API token is not valid");
	who->kind = PRINCIPAL_STAFF;
	who->id = u->id;
	who->role = u->role;
	str_copy(who->name, sizeof(who->name), u->username);
	who->via_token = 1;
	who->token_id = id;
	who->session_id = 0;
	who->csrf[0] = '\0';
	if (now - last_used >= 60)
		rc = db_exec(db, &q_used, DB_ARGS(db_int(id), db_int(now)), err);
	return rc < 0 ? rc : 0;
}

int apitoken_list(struct db *db, int64_t user_id, json_t **items, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	int rc = db_query(db, &q_list, DB_ARGS(db_int(user_id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_array_append_new(*items, token_row(r));
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

int apitoken_revoke(struct db *db, const struct actor *a, int64_t now, int64_t user_id, int64_t id,
                    struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_revoke, DB_ARGS(db_int(id), db_int(user_id), db_int(now)), err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "token", "no such live token");
	if (rc > 0)
		rc = audit_record(db, a, now, "token.revoke", "api_token", id, NULL, NULL, err);
	return db_finish(db, rc, err);
}

int apitoken_revoke_all(struct db *db, int64_t user_id, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_revoke_all, DB_ARGS(db_int(user_id), db_int(now)), err);
	return rc < 0 ? rc : 0;
}
