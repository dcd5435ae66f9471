/*
 * mail_settings.c - see mail_settings.h.
 */
#include "channels/mail_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/secret.h"
#include "base/limits.h"
#include "base/str.h"
#include "base/textlen.h"
#include "base/xalloc.h"
#include "store/db.h"

#define SETTINGS_COLS(F, X) \
	F(MS_ADDRESS, "address") \
	X(MS_FROM_NAME, "from_name") \
	X(MS_RELAY_HOST, "relay_host") \
	X(MS_RELAY_PORT, "relay_port") \
	X(MS_RELAY_SECURITY, "relay_security") \
	X(MS_RELAY_USERNAME, "relay_username") \
	X(MS_RELAY_PASSWORD, "relay_password_enc") \
	X(MS_REOPEN_DAYS, "reopen_days") \
	X(MS_MAX_BYTES, "max_message_bytes") \
	X(MS_SENDER_RATE, "sender_rate_per_hour") \
	X(MS_SEND_ACK, "send_ack") \
	X(MS_VERSION, "version") \
	X(MS_UPDATED_AT, "updated_at")
DB_COLS_ENUM(SETTINGS_COLS, MS_NCOLS);

static struct db_sql q_get = DB_SQL("SELECT " DB_COLS_SQL(SETTINGS_COLS) " FROM mail_settings WHERE id = 1");
static struct db_sql q_password = DB_SQL("SELECT relay_password_enc FROM mail_settings WHERE id = 1");
static struct db_sql q_put = DB_SQL(
        "UPDATE mail_settings SET address = $1, from_name = $2, relay_host = $3, relay_port = $4, "
        "relay_security = $5, relay_username = $6, relay_password_enc = $7, reopen_days = $8, "
        "max_message_bytes = $9, sender_rate_per_hour = $10, send_ack = $11, version = version + 1, "
        "updated_at = $12 WHERE id = 1 AND version = $13");

#define MAX_BYTES_MIN 1024
#define MAX_BYTES_MAX ((int64_t)KF_MAX_MAIL_BYTES)

static void row_read(struct db_rows *r, struct mail_settings *s)
{
	str_copy(s->address, sizeof(s->address), db_col_text(r, MS_ADDRESS));
	str_copy(s->from_name, sizeof(s->from_name), db_col_text(r, MS_FROM_NAME));
	str_copy(s->relay_host, sizeof(s->relay_host), db_col_text(r, MS_RELAY_HOST));
	s->relay_port = (int)db_col_int(r, MS_RELAY_PORT);
	str_copy(s->relay_security, sizeof(s->relay_security), db_col_text(r, MS_RELAY_SECURITY));
	str_copy(s->relay_username, sizeof(s->relay_username), db_col_text(r, MS_RELAY_USERNAME));
	const char *pw = db_col_text(r, MS_RELAY_PASSWORD);
	s->relay_password_set = pw && pw[0];
	s->reopen_days = (int)db_col_int(r, MS_REOPEN_DAYS);
	s->max_message_bytes = db_col_int(r, MS_MAX_BYTES);
	s->sender_rate_per_hour = (int)db_col_int(r, MS_SENDER_RATE);
	s->send_ack = db_col_int(r, MS_SEND_ACK) != 0;
	s->version = db_col_int(r, MS_VERSION);
	s->updated_at = db_col_int(r, MS_UPDATED_AT);
}

int mail_settings_get(struct db *db, struct mail_settings *out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	memset(out, 0, sizeof(*out));
	int rc = db_query(db, &q_get, NULL, 0, &r, err);
	if (rc == 0) {
		rc = db_next(r, err);
		if (rc == 1)
			row_read(r, out);
		else if (rc == 0)
			rc = kf_fail(err, KF_EDB, "mail_settings_missing", NULL,
			             "the mail settings row is missing");
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

json_t *mail_settings_json(const struct mail_settings *s)
{
	return json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:b,s:i,s:I,s:i,s:b,s:I,s:I}", "address", s->address,
	                 "from_name", s->from_name, "relay_host", s->relay_host, "relay_port", s->relay_port,
	                 "relay_security", s->relay_security, "relay_username", s->relay_username,
	                 "relay_password_set", s->relay_password_set, "reopen_days", s->reopen_days,
	                 "max_message_bytes", (json_int_t)s->max_message_bytes, "sender_rate_per_hour",
	                 s->sender_rate_per_hour, "send_ack", s->send_ack, "version", (json_int_t)s->version,
	                 "updated_at", (json_int_t)s->updated_at);
}

int mail_settings_relay_password(struct db *db, char **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*out = NULL;
	int rc = db_query(db, &q_password, NULL, 0, &r, err);
	if (rc == 0 && (rc = db_next(r, err)) == 1) {
		const char *sealed = db_col_text(r, 0);
		rc = sealed && sealed[0] ? secret_open(sealed, out, err) : 0;
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

int mail_settings_address_valid(const char *addr)
{
	size_t len = strlen(addr);
	const char *at = strrchr(addr, '@');
	if (len == 0 || len > 254 || !at || at == addr || !at[1] || !strchr(at + 1, '.'))
		return 0;
	if (at[strlen(at) - 1] == '.' || at[1] == '.')
		return 0;
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == '"' || *p == ',' ||
		    *p == ';' || *p == '\\' || (*p == '@' && (const char *)p != at))
			return 0;
	return 1;
}

static int bad(struct kf_error *err, const char *field, const char *what)
{
	return kf_fail(err, KF_EINVAL, "invalid", field, "%s: %s", field, what);
}

static int text_ok(const char *s, size_t max_bytes)
{
	if (strlen(s) > max_bytes)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < ' ' || *p == 0x7f)
			return 0;
	return 1; /* the edge hands in valid UTF-8 (jansson) */
}

/* Check in's fields; 0 or KF_EINVAL naming the first bad one. */
static int input_check(const struct mail_settings_input *in, struct kf_error *err)
{
	unsigned p = in->present;
	if ((p & MAIL_SET_ADDRESS) && in->address[0] && !mail_settings_address_valid(in->address))
		return bad(err, "address", "not a mail address (name@example.com)");
	if ((p & MAIL_SET_FROM_NAME) &&
	    (!text_ok(in->from_name, sizeof(((struct mail_settings *)0)->from_name) - 1) ||
	     textlen_chars(in->from_name) > MAIL_SETTINGS_NAME_MAX))
		return bad(err, "from_name", "at most 100 characters, no control characters");
	if ((p & MAIL_SET_RELAY_HOST) &&
	    (!text_ok(in->relay_host, MAIL_SETTINGS_HOST_MAX) || strpbrk(in->relay_host, " /@:")))
		return bad(err, "relay_host", "a host name or address");
	if ((p & MAIL_SET_RELAY_PORT) && (in->relay_port < 1 || in->relay_port > 65535))
		return bad(err, "relay_port", "1 to 65535");
	if ((p & MAIL_SET_RELAY_SECURITY) && strcmp(in->relay_security, "tls") != 0 &&
	    strcmp(in->relay_security, "starttls") != 0 && strcmp(in->relay_security, "none") != 0)
		return bad(err, "relay_security", "tls, starttls or none");
	if ((p & MAIL_SET_RELAY_USERNAME) && !text_ok(in->relay_username, MAIL_SETTINGS_USER_MAX))
		return bad(err, "relay_username", "at most 254 bytes, no control characters");
	if ((p & MAIL_SET_RELAY_PASSWORD) && !text_ok(in->relay_password, MAIL_SETTINGS_PASSWORD_MAX))
		return bad(err, "relay_password", "at most 1024 bytes, no control characters");
	if ((p & MAIL_SET_REOPEN_DAYS) && (in->reopen_days < 0 || in->reopen_days > 3650))
		return bad(err, "reopen_days", "0 to 3650");
	if ((p & MAIL_SET_MAX_BYTES) &&
	    (in->max_message_bytes < MAX_BYTES_MIN || in->max_message_bytes > MAX_BYTES_MAX))
		return bad(err, "max_message_bytes", "1024 to 41943040 (40 MiB)");
	if ((p & MAIL_SET_SENDER_RATE) && (in->sender_rate_per_hour < 0 || in->sender_rate_per_hour > 100000))
		return bad(err, "sender_rate_per_hour", "0 (no limit) to 100000");
	if ((p & MAIL_SET_SEND_ACK) && in->send_ack != 0 && in->send_ack != 1)
		return bad(err, "send_ack", "true or false");
	return 0;
}

/* The audit record: what was given, the password only as set/cleared. */
static json_t *input_audit(const struct mail_settings_input *in)
{
	json_t *o = json_object();
	unsigned p = in->present;
	if (p & MAIL_SET_ADDRESS)
		json_object_set_new(o, "address", json_string(in->address));
	if (p & MAIL_SET_FROM_NAME)
		json_object_set_new(o, "from_name", json_string(in->from_name));
	if (p & MAIL_SET_RELAY_HOST)
		json_object_set_new(o, "relay_host", json_string(in->relay_host));
	if (p & MAIL_SET_RELAY_PORT)
		json_object_set_new(o, "relay_port", json_integer(in->relay_port));
	if (p & MAIL_SET_RELAY_SECURITY)
		json_object_set_new(o, "relay_security", json_string(in->relay_security));
	if (p & MAIL_SET_RELAY_USERNAME)
		json_object_set_new(o, "relay_username", json_string(in->relay_username));
	if (p & MAIL_SET_RELAY_PASSWORD)
		json_object_set_new(o, "relay_password",
		                    json_string(in->relay_password[0] ? "set" : "cleared"));
	if (p & MAIL_SET_REOPEN_DAYS)
		json_object_set_new(o, "reopen_days", json_integer(in->reopen_days));
	if (p & MAIL_SET_MAX_BYTES)
		json_object_set_new(o, "max_message_bytes", json_integer(in->max_message_bytes));
	if (p & MAIL_SET_SENDER_RATE)
		json_object_set_new(o, "sender_rate_per_hour", json_integer(in->sender_rate_per_hour));
	if (p & MAIL_SET_SEND_ACK)
		json_object_set_new(o, "send_ack", json_boolean(in->send_ack));
	return o;
}

/* cur with in applied; *sealed: the relay password column to store (owned). */
static int input_apply(const struct mail_settings_input *in, struct mail_settings *cur, char **sealed,
                       struct kf_error *err)
{
	unsigned p = in->present;
	if (p & MAIL_SET_ADDRESS)
		str_copy(cur->address, sizeof(cur->address), in->address);
	if (p & MAIL_SET_FROM_NAME)
		str_copy(cur->from_name, sizeof(cur->from_name), in->from_name);
	if (p & MAIL_SET_RELAY_HOST)
		str_copy(cur->relay_host, sizeof(cur->relay_host), in->relay_host);
	if (p & MAIL_SET_RELAY_PORT)
		cur->relay_port = (int)in->relay_port;
	if (p & MAIL_SET_RELAY_SECURITY)
		str_copy(cur->relay_security, sizeof(cur->relay_security), in->relay_security);
	if (p & MAIL_SET_RELAY_USERNAME)
		str_copy(cur->relay_username, sizeof(cur->relay_username), in->relay_username);
	if (p & MAIL_SET_REOPEN_DAYS)
		cur->reopen_days = (int)in->reopen_days;
	if (p & MAIL_SET_MAX_BYTES)
		cur->max_message_bytes = in->max_message_bytes;
	if (p & MAIL_SET_SENDER_RATE)
		cur->sender_rate_per_hour = (int)in->sender_rate_per_hour;
	if (p & MAIL_SET_SEND_ACK)
		cur->send_ack = (int)in->send_ack;
	*sealed = NULL;
	if ((p & MAIL_SET_RELAY_PASSWORD) && in->relay_password[0])
		return secret_seal(in->relay_password, sealed, err);
	if (p & MAIL_SET_RELAY_PASSWORD)
		*sealed = xstrdup("");
	return 0;
}

int mail_settings_put(struct db *db, const struct actor *a, int64_t now, int64_t version,
                      const struct mail_settings_input *in, struct mail_settings *out, struct kf_error *err)
{
	struct mail_settings cur;
	char *sealed = NULL;
	int rc = input_check(in, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = mail_settings_get(db, &cur, err);
	if (rc == 0 && cur.version != version)
		rc = kf_fail(err, KF_ESTALE, "stale", "version",
		             "the mail settings were changed meanwhile; reload them");
	if (rc == 0)
		rc = input_apply(in, &cur, &sealed, err);
	if (rc == 0 && !sealed) {
		struct db_rows *r = NULL;
		rc = db_query(db, &q_password, NULL, 0, &r, err);
		if (rc == 0 && (rc = db_next(r, err)) == 1)
			sealed = xstrdup(db_col_text(r, 0) ? db_col_text(r, 0) : "");
		db_done(r);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0) {
		rc = db_exec(db, &q_put,
		             DB_ARGS(db_text(cur.address), db_text(cur.from_name), db_text(cur.relay_host),
		                     db_int(cur.relay_port), db_text(cur.relay_security),
		                     db_text(cur.relay_username), db_text(sealed ? sealed : ""),
		                     db_int(cur.reopen_days), db_int(cur.max_message_bytes),
		                     db_int(cur.sender_rate_per_hour), db_int(cur.send_ack), db_int(now),
		                     db_int(version)),
		             err);
		if (rc == 0)
			rc = kf_fail(err, KF_ESTALE, "stale", "version",
			             "the mail settings were changed meanwhile; reload them");
	}
	free(sealed);
	if (rc >= 0) {
		json_t *after = input_audit(in);
		rc = audit_record(db, a, now, "mail.settings", "mail_settings", 1, NULL, after, err);
		json_decref(after);
	}
	if (rc >= 0)
		rc = mail_settings_get(db, out, err);
	return db_finish(db, rc, err);
}
