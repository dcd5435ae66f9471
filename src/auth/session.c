/*
 * session.c - see session.h.
 */
#include "auth/session.h"

#include <stdio.h>
#include <string.h>

#include "auth/rbac.h"
#include "auth/user.h"
#include "base/str.h"
#include "store/db.h"

static struct db_sql q_insert = DB_SQL(
        "INSERT INTO sessions (token_hash, kind, principal_id, csrf, addr, created_at, expires_at,"
        " last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6) RETURNING id");
/* A session's own columns, then its principal's (USER_COLUMNS or ACCOUNT_COLS). */
/* clang-format off */
#define SESSION_COLS(F, X) \
	F(SC_ID, "s.id") \
	X(SC_CSRF, "s.csrf") \
	X(SC_EXPIRES_AT, "s.expires_at") \
	X(SC_LAST_SEEN_AT, "s.last_seen_at") \
	X(SC_CREATED_AT, "s.created_at")
#define ACCOUNT_COLS(F, X) \
	F(SAC_ID, "c.id") \
	X(SAC_LOGIN, "c.login") \
	X(SAC_UNUSED, "''") \
	X(SAC_DISABLED, "c.disabled") \
	X(SAC_CUSTOMER_ID, "c.customer_id")
/* clang-format on */
DB_COLS_ENUM(SESSION_COLS, SC_NCOLS);
DB_COLS_ENUM(ACCOUNT_COLS, SAC_NCOLS);
static struct db_sql q_staff = DB_SQL("SELECT " DB_COLS_SQL(
        SESSION_COLS) ", " USER_COLUMNS " FROM sessions s JOIN users u ON u.id = s.principal_id"
                      " WHERE s.token_hash = $1 AND s.kind = 'staff'");
static struct db_sql q_customer = DB_SQL("SELECT " DB_COLS_SQL(SESSION_COLS) ", " DB_COLS_SQL(
        ACCOUNT_COLS) " FROM sessions s JOIN customer_accounts c ON c.id = s.principal_id"
                      " WHERE s.token_hash = $1 AND s.kind = 'customer'");
static struct db_sql q_touch = DB_SQL("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1");
static struct db_sql q_delete = DB_SQL("DELETE FROM sessions WHERE token_hash = $1");
static struct db_sql q_delete_all = DB_SQL("DELETE FROM sessions WHERE kind = $1 AND principal_id = $2");
static struct db_sql q_delete_others = DB_SQL(
        "DELETE FROM sessions WHERE kind = $1 AND principal_id = $2 AND id <> $3");
static struct db_sql q_expired = DB_SQL("DELETE FROM sessions WHERE expires_at < $1");

int64_t session_expiry(int64_t created_at, int64_t now, const struct session_limits *lim)
{
	int64_t idle_end = now + lim->idle_s, hard_end = created_at + lim->max_s;
	return idle_end < hard_end ? idle_end : hard_end;
}

int session_create(struct db *db, const char *kind, int64_t principal_id, const char *addr, int64_t now,
                   const struct session_limits *lim, char token[TOKEN_TEXT_MAX], char csrf[48], int64_t *id,
                   struct kf_error *err)
{
	char hash[TOKEN_HASH_HEX], csrf_full[TOKEN_TEXT_MAX];
	token_random("kfs_", token);
	token_random("", csrf_full);
	snprintf(csrf, 48, "%.43s", csrf_full);
	token_hash_hex(token, hash);
	int rc = db_exec(db, &q_expired, DB_ARGS(db_int(now)), err);
	if (rc < 0)
		return rc;
	return db_query_int(db, &q_insert,
	                    DB_ARGS(db_text(hash), db_text(kind), db_int(principal_id), db_text(csrf),
	                            db_text(addr), db_int(now), db_int(session_expiry(now, now, lim))),
	                    id, err);
}

struct session_row {
	int64_t id, expires_at, last_seen_at, created_at;
};

/* The session columns every resolving query starts with. */
static void session_from_row(struct db_rows *r, struct session_row *s, struct principal *who)
{
	s->id = db_col_int(r, SC_ID);
	str_copy(who->csrf, sizeof(who->csrf), db_col_text(r, SC_CSRF));
	s->expires_at = db_col_int(r, SC_EXPIRES_AT);
	s->last_seen_at = db_col_int(r, SC_LAST_SEEN_AT);
	s->created_at = db_col_int(r, SC_CREATED_AT);
}

/* After a lookup that found rc rows: refuse dead sessions, extend live ones. */
static int session_accept(struct db *db, int rc, const struct session_row *s, int disabled, int64_t now,
                          const struct session_limits *lim, struct principal *who, struct kf_error *err)
{
	if (rc < 0)
		return rc;
	/* The lifetime is checked here too, so a shorter setting applies to old sessions at once. */
	if (rc == 0 || s->expires_at <= now || now >= s->created_at + lim->max_s || disabled)
		return kf_fail(err, KF_EAUTH, "unauthenticated", NULL, "sign in first");
	who->session_id = s->id;
	who->via_token = 0;
	who->token_id = 0;
	if (now - s->last_seen_at < 60)
		return 0;
	rc = db_exec(db, &q_touch,
	             DB_ARGS(db_int(s->id), db_int(now), db_int(session_expiry(s->created_at, now, lim))), err);
	return rc < 0 ? rc : 0;
}

int session_resolve_staff(struct db *db, const char *token, int64_t now, const struct session_limits *lim,
                          struct principal *who, struct user *u, struct kf_error *err)
{
	char hash[TOKEN_HASH_HEX];
	struct db_rows *r = NULL;
	struct session_row s = { 0, 0, 0, 0 };
	token_hash_hex(token, hash);
	int rc = db_query(db, &q_staff, DB_ARGS(db_text(hash)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		session_from_row(r, &s, who);
		user_from_row(r, SC_NCOLS, u);
	}
	db_done(r);
	rc = session_accept(db, rc, &s, rc == 1 && u->disabled, now, lim, who, err);
	if (rc == 0) {
		who->kind = PRINCIPAL_STAFF;
		who->id = u->id;
		who->role = u->role;
		str_copy(who->name, sizeof(who->name), u->username);
	}
	return rc;
}

int session_resolve_customer(struct db *db, const char *token, int64_t now, const struct session_limits *lim,
                             struct principal *who, struct kf_error *err)
{
	char hash[TOKEN_HASH_HEX];
	struct db_rows *r = NULL;
	struct session_row s = { 0, 0, 0, 0 };
	int64_t id = 0, customer_id = 0;
	int disabled = 1;
	token_hash_hex(token, hash);
	int rc = db_query(db, &q_customer, DB_ARGS(db_text(hash)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		session_from_row(r, &s, who);
		id = db_col_int(r, SC_NCOLS + SAC_ID);
		str_copy(who->name, sizeof(who->name), db_col_text(r, SC_NCOLS + SAC_LOGIN));
		disabled = (int)db_col_int(r, SC_NCOLS + SAC_DISABLED);
		customer_id = db_col_isnull(r, SC_NCOLS + SAC_CUSTOMER_ID)
		        ? 0
		        : db_col_int(r, SC_NCOLS + SAC_CUSTOMER_ID);
	}
	db_done(r);
	rc = session_accept(db, rc, &s, disabled, now, lim, who, err);
	if (rc == 0) {
		who->kind = PRINCIPAL_CUSTOMER;
		who->id = id;
		who->customer_id = customer_id;
		who->role = ROLE_NONE;
	}
	return rc;
}

int session_end(struct db *db, const char *token, struct kf_error *err)
{
	char hash[TOKEN_HASH_HEX];
	token_hash_hex(token, hash);
	int rc = db_exec(db, &q_delete, DB_ARGS(db_text(hash)), err);
	return rc < 0 ? rc : 0;
}

int session_end_all(struct db *db, const char *kind, int64_t principal_id, struct kf_error *err)
{
	int rc = db_exec(db, &q_delete_all, DB_ARGS(db_text(kind), db_int(principal_id)), err);
	return rc < 0 ? rc : 0;
}

int session_end_others(struct db *db, const char *kind, int64_t principal_id, int64_t keep, struct kf_error *err)
{
	int rc = db_exec(db, &q_delete_others, DB_ARGS(db_text(kind), db_int(principal_id), db_int(keep)), err);
	return rc < 0 ? rc : 0;
}
