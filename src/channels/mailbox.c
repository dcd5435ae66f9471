/*
 * mailbox.c - see mailbox.h.
 */
#include "channels/mailbox.h"

#include <stdlib.h>
#include <string.h>

#include "auth/secret.h"
#include "base/str.h"
#include "base/textlen.h"
#include "base/xalloc.h"
#include "channels/mail_settings.h"
#include "store/db.h"

/* clang-format off */
#define MAILBOX_COLS(F, X) \
	F(MB_ID, "id") \
	X(MB_NAME, "name") \
	X(MB_ADDRESS, "address") \
	X(MB_HOST, "host") \
	X(MB_PORT, "port") \
	X(MB_SECURITY, "security") \
	X(MB_TLS_VERIFY, "tls_verify") \
	X(MB_USERNAME, "username") \
	X(MB_PASSWORD, "password_enc") \
	X(MB_FOLDER, "folder") \
	X(MB_AFTER_FETCH, "after_fetch") \
	X(MB_MOVE_TO, "move_to") \
	X(MB_POLL, "poll_seconds") \
	X(MB_ENABLED, "enabled") \
	X(MB_UIDVALIDITY, "uidvalidity") \
	X(MB_LAST_UID, "last_uid") \
	X(MB_LAST_POLL_AT, "last_poll_at") \
	X(MB_LAST_ERROR, "last_error") \
	X(MB_FETCHED, "fetched") \
	X(MB_FAILED, "failed") \
	X(MB_STUCK_UID, "stuck_uid") \
	X(MB_STUCK_COUNT, "stuck_count") \
	X(MB_VERSION, "version") \
	X(MB_CREATED_AT, "created_at") \
	X(MB_UPDATED_AT, "updated_at")
/* clang-format on */
DB_COLS_ENUM(MAILBOX_COLS, MB_NCOLS);

static struct db_sql q_list = DB_SQL("SELECT " DB_COLS_SQL(MAILBOX_COLS) " FROM mailboxes ORDER BY id");
static struct db_sql q_get = DB_SQL("SELECT " DB_COLS_SQL(MAILBOX_COLS) " FROM mailboxes WHERE id = $1");
static struct db_sql q_password = DB_SQL("SELECT password_enc FROM mailboxes WHERE id = $1");
static struct db_sql q_count = DB_SQL("SELECT COUNT(*) FROM mailboxes");
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO mailboxes (name, address, host, port, security, tls_verify, username, password_enc,"
        " folder, after_fetch, move_to, poll_seconds, enabled, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id");
/* $15: 1 when where the mailbox points changed, so fetching starts over. */
static struct db_sql q_update = DB_SQL(
        "UPDATE mailboxes SET name = $3, address = $4, host = $5, port = $6, security = $7, tls_verify = $8,"
        " username = $9, password_enc = $10, folder = $11, after_fetch = $12, move_to = $13,"
        " poll_seconds = $14, enabled = $15,"
        " uidvalidity = CASE WHEN $16 = 1 THEN 0 ELSE uidvalidity END,"
        " last_uid = CASE WHEN $16 = 1 THEN 0 ELSE last_uid END,"
        " stuck_uid = CASE WHEN $16 = 1 THEN 0 ELSE stuck_uid END,"
        " stuck_count = CASE WHEN $16 = 1 THEN 0 ELSE stuck_count END,"
        " last_error = '', version = version + 1, updated_at = $17 WHERE id = $1 AND version = $2");
static struct db_sql q_delete = DB_SQL("DELETE FROM mailboxes WHERE id = $1");

static void row_read(struct db_rows *r, struct mailbox *m)
{
	memset(m, 0, sizeof(*m));
	m->id = db_col_int(r, MB_ID);
	str_copy(m->name, sizeof(m->name), db_col_text(r, MB_NAME));
	str_copy(m->address, sizeof(m->address), db_col_text(r, MB_ADDRESS));
	str_copy(m->host, sizeof(m->host), db_col_text(r, MB_HOST));
	m->port = (int)db_col_int(r, MB_PORT);
	str_copy(m->security, sizeof(m->security), db_col_text(r, MB_SECURITY));
	m->tls_verify = db_col_int(r, MB_TLS_VERIFY) != 0;
	str_copy(m->username, sizeof(m->username), db_col_text(r, MB_USERNAME));
	const char *pw = db_col_text(r, MB_PASSWORD);
	m->password_set = pw && pw[0];
	str_copy(m->folder, sizeof(m->folder), db_col_text(r, MB_FOLDER));
	str_copy(m->after_fetch, sizeof(m->after_fetch), db_col_text(r, MB_AFTER_FETCH));
	str_copy(m->move_to, sizeof(m->move_to), db_col_text(r, MB_MOVE_TO));
	m->poll_seconds = (int)db_col_int(r, MB_POLL);
	m->enabled = db_col_int(r, MB_ENABLED) != 0;
	m->uidvalidity = db_col_int(r, MB_UIDVALIDITY);
	m->last_uid = db_col_int(r, MB_LAST_UID);
	m->last_poll_at = db_col_int(r, MB_LAST_POLL_AT);
	str_copy(m->last_error, sizeof(m->last_error), db_col_text(r, MB_LAST_ERROR));
	m->fetched = db_col_int(r, MB_FETCHED);
	m->failed = db_col_int(r, MB_FAILED);
	m->stuck_uid = db_col_int(r, MB_STUCK_UID);
	m->stuck_count = (int)db_col_int(r, MB_STUCK_COUNT);
	m->version = db_col_int(r, MB_VERSION);
	m->created_at = db_col_int(r, MB_CREATED_AT);
	m->updated_at = db_col_int(r, MB_UPDATED_AT);
}

json_t *mailbox_json(const struct mailbox *m)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:i,s:s,s:b,s:s,s:b,s:s,s:s,s:s,s:i,s:b}", "id",
	                      (json_int_t)m->id, "name", m->name, "address", m->address, "host", m->host,
	                      "port", m->port, "security", m->security, "tls_verify", m->tls_verify,
	                      "username", m->username, "password_set", m->password_set, "folder", m->folder,
	                      "after_fetch", m->after_fetch, "move_to", m->move_to, "poll_seconds",
	                      m->poll_seconds, "enabled", m->enabled);
	json_t *state = json_pack("{s:I,s:I,s:I,s:s,s:I,s:I,s:I,s:I,s:I}", "uidvalidity",
	                          (json_int_t)m->uidvalidity, "last_uid", (json_int_t)m->last_uid,
	                          "last_poll_at", (json_int_t)m->last_poll_at, "last_error", m->last_error,
	                          "fetched", (json_int_t)m->fetched, "failed", (json_int_t)m->failed,
	                          "version", (json_int_t)m->version, "created_at", (json_int_t)m->created_at,
	                          "updated_at", (json_int_t)m->updated_at);
	json_object_update(o, state);
	json_decref(state);
	return o;
}

int mailbox_list(struct db *db, json_t **items, struct kf_error *err)
{
	struct db_rows *r = NULL;
	struct mailbox m;
	*items = json_array();
	int rc = db_query(db, &q_list, DB_NOARGS, &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		row_read(r, &m);
		json_array_append_new(*items, mailbox_json(&m));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

int mailbox_get(struct db *db, int64_t id, struct mailbox *out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_get, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		row_read(r, out);
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "mailbox", "no such mailbox");
	return rc < 0 ? rc : 0;
}

/* The sealed password column of mailbox id (owned); "" when none. */
static int sealed_get(struct db *db, int64_t id, char **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*out = NULL;
	int rc = db_query(db, &q_password, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		*out = xstrdup(db_col_text(r, 0) ? db_col_text(r, 0) : "");
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "mailbox", "no such mailbox");
	return rc < 0 ? rc : 0;
}

int mailbox_password(struct db *db, int64_t id, char **out, struct kf_error *err)
{
	char *sealed = NULL;
	*out = NULL;
	int rc = sealed_get(db, id, &sealed, err);
	if (rc == 0 && sealed[0])
		rc = secret_open(sealed, out, err);
	free(sealed);
	return rc;
}

/* --- checking input --------------------------------------------------------------- */

static int bad(struct kf_error *err, const char *field, const char *what)
{
	return kf_fail(err, KF_EINVAL, "invalid", field, "%s: %s", field, what);
}

/* At most max_bytes, no control characters (the edge hands in valid UTF-8). */
static int text_ok(const char *s, size_t max_bytes)
{
	if (strlen(s) > max_bytes)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < ' ' || *p == 0x7f)
			return 0;
	return 1;
}

static int one_of(const char *s, const char *a, const char *b, const char *c)
{
	return strcmp(s, a) == 0 || strcmp(s, b) == 0 || strcmp(s, c) == 0;
}

/* A folder name: non-empty, capped, no controls, no wildcards, not starting or ending with a separator. */
static int folder_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && text_ok(s, MAILBOX_FOLDER_MAX) && !strpbrk(s, "*%\"\\") && s[0] != '/' &&
	        s[n - 1] != '/' && s[0] != '.' && s[0] != ' ' && s[n - 1] != ' ';
}

/* The fields in gives, each checked; 0 or KF_EINVAL naming the first bad one. */
static int input_check(const struct mailbox_input *in, struct kf_error *err)
{
	unsigned p = in->present;
	if ((p & MAILBOX_SET_NAME) &&
	    (!in->name[0] || !text_ok(in->name, 4 * MAILBOX_NAME_MAX) ||
	     textlen_chars(in->name) > MAILBOX_NAME_MAX))
		return bad(err, "name", "1 to 100 characters, no control characters");
	if ((p & MAILBOX_SET_ADDRESS) && in->address[0] && !mail_settings_address_valid(in->address))
		return bad(err, "address", "not a mail address (name@example.com)");
	if ((p & MAILBOX_SET_HOST) &&
	    (!in->host[0] || !text_ok(in->host, MAILBOX_HOST_MAX) || strpbrk(in->host, " /@?#;")))
		return bad(err, "host", "a host name or address");
	if ((p & MAILBOX_SET_PORT) && (in->port < 1 || in->port > 65535))
		return bad(err, "port", "1 to 65535");
	if ((p & MAILBOX_SET_SECURITY) && !one_of(in->security, "tls", "starttls", "none"))
		return bad(err, "security", "tls, starttls or none");
	if ((p & MAILBOX_SET_TLS_VERIFY) && in->tls_verify != 0 && in->tls_verify != 1)
		return bad(err, "tls_verify", "true or false");
	if ((p & MAILBOX_SET_USERNAME) && !text_ok(in->username, MAILBOX_USER_MAX))
		return bad(err, "username", "at most 254 bytes, no control characters");
	if ((p & MAILBOX_SET_PASSWORD) && !text_ok(in->password, MAILBOX_PASSWORD_MAX))
		return bad(err, "password", "at most 1024 bytes, no control characters");
	if ((p & MAILBOX_SET_FOLDER) && !folder_ok(in->folder))
		return bad(err, "folder", "a folder name (INBOX, Support/Orders), no * % \" or \\");
	if ((p & MAILBOX_SET_AFTER_FETCH) && !one_of(in->after_fetch, "seen", "move", "delete"))
		return bad(err, "after_fetch", "seen, move or delete");
	if ((p & MAILBOX_SET_MOVE_TO) && in->move_to[0] && !folder_ok(in->move_to))
		return bad(err, "move_to", "a folder name, no * % \" or \\");
	if ((p & MAILBOX_SET_POLL) &&
	    (in->poll_seconds < MAILBOX_POLL_MIN || in->poll_seconds > MAILBOX_POLL_MAX))
		return bad(err, "poll_seconds", "10 to 86400");
	if ((p & MAILBOX_SET_ENABLED) && in->enabled != 0 && in->enabled != 1)
		return bad(err, "enabled", "true or false");
	return 0;
}

/* The row as a whole after a change: "move" needs a folder other than the one read. */
static int row_check(const struct mailbox *m, struct kf_error *err)
{
	if (strcmp(m->after_fetch, "move") == 0 && !m->move_to[0])
		return kf_fail(err, KF_EINVAL, "required", "move_to",
		               "move_to is required when after_fetch is move");
	if (strcmp(m->after_fetch, "move") == 0 && strcmp(m->move_to, m->folder) == 0)
		return bad(err, "move_to", "a folder other than the one fetched");
	return 0;
}

/* m with in applied; *moved: 1 when host, port, user or folder changed. */
static void input_apply(const struct mailbox_input *in, struct mailbox *m, int *moved)
{
	unsigned p = in->present;
	*moved = ((p & MAILBOX_SET_HOST) && strcmp(m->host, in->host) != 0) ||
	        ((p & MAILBOX_SET_PORT) && m->port != in->port) ||
	        ((p & MAILBOX_SET_USERNAME) && strcmp(m->username, in->username) != 0) ||
	        ((p & MAILBOX_SET_FOLDER) && strcmp(m->folder, in->folder) != 0);
	if (p & MAILBOX_SET_NAME)
		str_copy(m->name, sizeof(m->name), in->name);
	if (p & MAILBOX_SET_ADDRESS)
		str_copy(m->address, sizeof(m->address), in->address);
	if (p & MAILBOX_SET_HOST)
		str_copy(m->host, sizeof(m->host), in->host);
	if (p & MAILBOX_SET_SECURITY)
		str_copy(m->security, sizeof(m->security), in->security);
	if (p & MAILBOX_SET_PORT)
		m->port = (int)in->port;
	if (p & MAILBOX_SET_TLS_VERIFY)
		m->tls_verify = (int)in->tls_verify;
	if (p & MAILBOX_SET_USERNAME)
		str_copy(m->username, sizeof(m->username), in->username);
	if (p & MAILBOX_SET_FOLDER)
		str_copy(m->folder, sizeof(m->folder), in->folder);
	if (p & MAILBOX_SET_AFTER_FETCH)
		str_copy(m->after_fetch, sizeof(m->after_fetch), in->after_fetch);
	if (p & MAILBOX_SET_MOVE_TO)
		str_copy(m->move_to, sizeof(m->move_to), in->move_to);
	if (p & MAILBOX_SET_POLL)
		m->poll_seconds = (int)in->poll_seconds;
	if (p & MAILBOX_SET_ENABLED)
		m->enabled = (int)in->enabled;
}

/* The defaults of a new mailbox. */
static void defaults(struct mailbox *m)
{
	memset(m, 0, sizeof(*m));
	str_copy(m->security, sizeof(m->security), "tls");
	m->tls_verify = 1;
	str_copy(m->folder, sizeof(m->folder), "INBOX");
	str_copy(m->after_fetch, sizeof(m->after_fetch), "seen");
	m->poll_seconds = 60;
	m->enabled = 1;
}

/* *sealed: the password column to store (owned) when in gives one, else NULL (keep). */
static int password_seal(const struct mailbox_input *in, char **sealed, struct kf_error *err)
{
	*sealed = NULL;
	if (!(in->present & MAILBOX_SET_PASSWORD))
		return 0;
	if (!in->password[0]) {
		*sealed = xstrdup("");
		return 0;
	}
	return secret_seal(in->password, sealed, err);
}

static int name_taken(int rc, struct kf_error *err)
{
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "exists", "name", "a mailbox with this name already exists");
	return rc;
}

int mailbox_create(struct db *db, const struct actor *a, int64_t now, const struct mailbox_input *in,
                   struct mailbox *out, struct kf_error *err)
{
	struct mailbox m;
	char *sealed = NULL;
	int64_t id = 0, count = 0;
	int moved;
	if (!(in->present & MAILBOX_SET_NAME) || !(in->present & MAILBOX_SET_HOST))
		return kf_fail(err, KF_EINVAL, "required", (in->present & MAILBOX_SET_NAME) ? "host" : "name",
		               "name and host are required");
	defaults(&m);
	int rc = input_check(in, err);
	if (rc == 0) {
		input_apply(in, &m, &moved);
		if (!(in->present & MAILBOX_SET_PORT))
			m.port = strcmp(m.security, "tls") == 0 ? 993 : 143;
		rc = row_check(&m, err);
	}
	if (rc == 0)
		rc = password_seal(in, &sealed, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		goto out;
	rc = db_query_int(db, &q_count, DB_NOARGS, &count, err);
	if (rc == 0 && count >= MAILBOX_MAX)
		rc = kf_fail(err, KF_ECONFLICT, "too_many", "mailbox", "at most %d mailboxes", MAILBOX_MAX);
	if (rc == 0)
		rc = db_query_int(db, &q_insert,
		                  DB_ARGS(db_text(m.name), db_text(m.address), db_text(m.host),
		                          db_int(m.port), db_text(m.security), db_int(m.tls_verify),
		                          db_text(m.username), db_text(sealed ? sealed : ""),
		                          db_text(m.folder), db_text(m.after_fetch), db_text(m.move_to),
		                          db_int(m.poll_seconds), db_int(m.enabled), db_int(now)),
		                  &id, err);
	rc = name_taken(rc, err);
	if (rc == 0)
		rc = mailbox_get(db, id, out, err);
	if (rc == 0) {
		json_t *after = mailbox_json(out);
		rc = audit_record(db, a, now, "mailbox.create", "mailbox", id, NULL, after, err);
		json_decref(after);
	}
	rc = db_finish(db, rc, err);
out:
	free(sealed);
	return rc;
}

static int update_row(struct db *db, int64_t version, const struct mailbox *m, const char *sealed, int moved,
                      int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_update,
	                 DB_ARGS(db_int(m->id), db_int(version), db_text(m->name), db_text(m->address),
	                         db_text(m->host), db_int(m->port), db_text(m->security),
	                         db_int(m->tls_verify), db_text(m->username), db_text(sealed),
	                         db_text(m->folder), db_text(m->after_fetch), db_text(m->move_to),
	                         db_int(m->poll_seconds), db_int(m->enabled), db_int(moved), db_int(now)),
	                 err);
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", "version",
		               "the mailbox was changed meanwhile; reload it");
	return name_taken(rc, err);
}

int mailbox_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                   const struct mailbox_input *in, struct mailbox *out, struct kf_error *err)
{
	struct mailbox m;
	char *sealed = NULL;
	json_t *before = NULL;
	int moved = 0;
	int rc = input_check(in, err);
	if (rc == 0)
		rc = password_seal(in, &sealed, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		goto out;
	rc = mailbox_get(db, id, &m, err);
	if (rc == 0 && m.version != version)
		rc = kf_fail(err, KF_ESTALE, "stale", "version",
		             "the mailbox was changed meanwhile; reload it");
	if (rc == 0) {
		before = mailbox_json(&m);
		input_apply(in, &m, &moved);
		rc = row_check(&m, err);
	}
	if (rc == 0 && !sealed)
		rc = sealed_get(db, id, &sealed, err);
	if (rc == 0)
		rc = update_row(db, version, &m, sealed, moved, now, err);
	if (rc >= 0)
		rc = mailbox_get(db, id, out, err);
	if (rc == 0) {
		json_t *after = mailbox_json(out);
		rc = audit_record(db, a, now, "mailbox.update", "mailbox", id, before, after, err);
		json_decref(after);
	}
	rc = db_finish(db, rc, err);
out:
	json_decref(before);
	free(sealed);
	return rc;
}

int mailbox_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	struct mailbox m;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = mailbox_get(db, id, &m, err);
	if (rc == 0)
		rc = db_exec(db, &q_delete, DB_ARGS(db_int(id)), err);
	if (rc >= 0) {
		json_t *before = mailbox_json(&m);
		rc = audit_record(db, a, now, "mailbox.delete", "mailbox", id, before, NULL, err);
		json_decref(before);
	}
	return db_finish(db, rc, err);
}

/* --- where fetching stands ------------------------------------------------------- */

static struct db_sql q_schedule = DB_SQL(
        "SELECT id, last_poll_at, last_poll_at + poll_seconds FROM mailboxes WHERE enabled = 1 ORDER BY id");
static struct db_sql q_claim = DB_SQL(
        "UPDATE mailboxes SET last_poll_at = $3 WHERE id = $1 AND last_poll_at = $2 AND enabled = 1");
static struct db_sql q_restart = DB_SQL(
        "UPDATE mailboxes SET uidvalidity = $2, last_uid = 0, stuck_uid = 0, stuck_count = 0 WHERE id = $1");
static struct db_sql q_stuck = DB_SQL(
        "UPDATE mailboxes SET stuck_count = CASE WHEN stuck_uid = $2 THEN stuck_count + 1 ELSE 1 END,"
        " stuck_uid = $2 WHERE id = $1");
static struct db_sql q_stuck_get = DB_SQL("SELECT stuck_count FROM mailboxes WHERE id = $1");
static struct db_sql q_advance = DB_SQL(
        "UPDATE mailboxes SET last_uid = CASE WHEN last_uid < $2 THEN $2 ELSE last_uid END,"
        " fetched = fetched + $3, failed = failed + $4 WHERE id = $1");
static struct db_sql q_set_error = DB_SQL("UPDATE mailboxes SET last_error = $2 WHERE id = $1");

int mailbox_schedule(struct db *db, struct mailbox_due *due, int max, int *n, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*n = 0;
	int rc = db_query(db, &q_schedule, DB_NOARGS, &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1 && *n < max) {
		due[*n].id = db_col_int(r, 0);
		due[*n].last_poll_at = db_col_int(r, 1);
		due[*n].due_at = db_col_int(r, 2);
		(*n)++;
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

int mailbox_claim(struct db *db, int64_t id, int64_t prev, int64_t now, struct kf_error *err)
{
	int rc = db_exec(db, &q_claim, DB_ARGS(db_int(id), db_int(prev), db_int(now)), err);
	return rc < 0 ? rc : rc > 0;
}

int mailbox_restart(struct db *db, int64_t id, int64_t uidvalidity, struct kf_error *err)
{
	int rc = db_exec(db, &q_restart, DB_ARGS(db_int(id), db_int(uidvalidity)), err);
	return rc < 0 ? rc : 0;
}

int mailbox_stuck_bump(struct db *db, int64_t id, int64_t uid, int *count, struct kf_error *err)
{
	int64_t c = 0;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_stuck, DB_ARGS(db_int(id), db_int(uid)), err);
	if (rc >= 0)
		rc = db_query_int(db, &q_stuck_get, DB_ARGS(db_int(id)), &c, err);
	*count = (int)c;
	return db_finish(db, rc, err);
}

int mailbox_advance(struct db *db, int64_t id, int64_t uid, int64_t fetched, int64_t failed,
                    struct kf_error *err)
{
	int rc = db_exec(db, &q_advance, DB_ARGS(db_int(id), db_int(uid), db_int(fetched), db_int(failed)),
	                 err);
	return rc < 0 ? rc : 0;
}

int mailbox_set_error(struct db *db, int64_t id, const char *msg, struct kf_error *err)
{
	char cut[MAILBOX_ERROR_MAX + 1];
	str_copy(cut, sizeof(cut), msg);
	kf_utf8_trim(cut);
	int rc = db_exec(db, &q_set_error, DB_ARGS(db_int(id), db_text(cut)), err);
	return rc < 0 ? rc : 0;
}
