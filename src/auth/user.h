/*
 * user.h - staff accounts: create, read, list, change (with optimistic
 * concurrency), passwords, authentication.  Every change is audited in
 * the same transaction.  There is always at least one enabled admin.
 */
#ifndef KF_USER_H
#define KF_USER_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "auth/rbac.h"
#include "base/err.h"
#include "base/textlen.h"
#include "store/db.h"

struct db;
struct db_rows;

struct user {
	int64_t id;
	char username[65]; /* login name, ASCII */
	char display_name[TEXTLEN_BYTES(128)]; /* shown to people, any script: 128 characters */
	char email[129]; /* may be empty */
	enum role role;
	int disabled; /* 1 = cannot sign in */
	char locale[16]; /* "zh-CN" or "en" */
	char time_zone[64]; /* IANA zone */
	int64_t created_at;
	int64_t updated_at;
	int64_t version; /* bumped on every change; the ETag */
};

struct user_patch {
	const char *display_name; /* NULL = keep */
	const char *email; /* NULL = keep, "" = clear */
	enum role role; /* ROLE_NONE = keep */
	int disabled; /* -1 = keep */
	const char *locale; /* NULL = keep */
	const char *time_zone; /* NULL = keep */
};
#define USER_PATCH_INIT \
	{ \
		NULL, NULL, ROLE_NONE, -1, NULL, NULL \
	}

/*
 * The columns user_from_row() reads, for any query over "users u"; a
 * query that joins users (sessions, API tokens) selects them too, so one
 * lookup both authenticates a request and loads its user.
 */
/* clang-format off */
#define USER_COLS(F, X) \
	F(USER_COL_ID, "u.id") \
	X(USER_COL_USERNAME, "u.username") \
	X(USER_COL_DISPLAY_NAME, "u.display_name") \
	X(USER_COL_EMAIL, "COALESCE(u.email, '')") \
	X(USER_COL_ROLE, "u.role") \
	X(USER_COL_DISABLED, "u.disabled") \
	X(USER_COL_LOCALE, "u.locale") \
	X(USER_COL_TIME_ZONE, "u.time_zone") \
	X(USER_COL_CREATED_AT, "u.created_at") \
	X(USER_COL_UPDATED_AT, "u.updated_at") \
	X(USER_COL_VERSION, "u.version")
/* clang-format on */
DB_COLS_ENUM(USER_COLS, USER_NCOLUMNS);
#define USER_COLUMNS DB_COLS_SQL(USER_COLS)

/* Fill u from USER_COLUMNS starting at column first of the current row. */
void user_from_row(struct db_rows *r, int first, struct user *u);

/* Check a login name: 1-64 of [A-Za-z0-9._@-], starting with a letter or digit. */
int user_name_valid(const char *name, struct kf_error *err);
/* Check a locale ("zh-CN", "en"). */
int user_locale_valid(const char *locale, struct kf_error *err);

int user_create(struct db *db, const struct actor *a, int64_t now, const char *username,
                const char *display_name, enum role role, const char *password, struct user *out,
                struct kf_error *err);
int user_get(struct db *db, int64_t id, struct user *out, struct kf_error *err);
int user_get_by_name(struct db *db, const char *username, struct user *out, struct kf_error *err);
/* Ascending by id after after_id; *items is a new JSON array. */
int user_list(struct db *db, int64_t after_id, int limit, json_t **items, int64_t *last_id,
              struct kf_error *err);
/* KF_ESTALE when version != the stored version (nothing changes). */
int user_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                const struct user_patch *p, struct user *out, struct kf_error *err);
/*
 * Set a password (policy checked), revoke the user's API tokens and end
 * their sessions except keep_session (the session that changed its own
 * password; 0 = end them all), in one transaction: whoever held an old
 * credential loses it with the password.
 */
int user_set_password(struct db *db, const struct actor *a, int64_t now, int64_t id, const char *password,
                      int64_t keep_session, struct kf_error *err);
/* KF_EAUTH ("bad_credentials" or "disabled") unless name and password match an enabled user. */
int user_authenticate(struct db *db, const char *username, const char *password, struct user *out,
                      struct kf_error *err);
json_t *user_to_json(const struct user *u);

#endif
