/*
 * mail_settings.h - the settings of the e-mail channel, one row
 * (mail_settings, migration 0021): the support address kefu answers from
 * (its local part takes the reply token: support+TOKEN@shop.cn), the
 * display name, the outgoing relay (host, port, tls/starttls/none, user,
 * password sealed with the server key, auth/secret.h), how long a closed
 * ticket reopens on a reply, the largest message accepted, the hourly
 * number of mails one sender may open tickets with, and whether new
 * tickets get an acknowledgement.
 *
 * The relay password never leaves this module except through
 * mail_settings_relay_password (for the SMTP client); JSON and the audit
 * trail say only whether one is set.
 */
#ifndef KF_MAIL_SETTINGS_H
#define KF_MAIL_SETTINGS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

#define MAIL_SETTINGS_HOST_MAX 253 /* bytes of a relay host name */
#define MAIL_SETTINGS_USER_MAX 254 /* bytes of a relay user name */
#define MAIL_SETTINGS_NAME_MAX 100 /* characters of the display name */
#define MAIL_SETTINGS_PASSWORD_MAX 1024 /* bytes of a relay password */

struct mail_settings {
	char address[256]; /* "" = not configured: kefu sends no mail */
	char from_name[4 * MAIL_SETTINGS_NAME_MAX + 1];
	char relay_host[MAIL_SETTINGS_HOST_MAX + 1]; /* "" = no relay: kefu sends no mail */
	int relay_port;
	char relay_security[12]; /* tls, starttls, none */
	char relay_username[MAIL_SETTINGS_USER_MAX + 1];
	int relay_password_set;
	int reopen_days; /* 0..3650: a reply this many days after closing reopens; later: a new linked ticket */
	int64_t max_message_bytes; /* 1 KiB .. 100 MiB */
	int sender_rate_per_hour; /* 0 = no limit */
	int send_ack; /* acknowledge new tickets opened by mail */
	int64_t version;
	int64_t updated_at;
};

/* The settings row. */
int mail_settings_get(struct db *db, struct mail_settings *out, struct kf_error *err);
/* s as JSON (owned), with relay_password_set instead of the password. */
json_t *mail_settings_json(const struct mail_settings *s);
/* The relay password, opened (owned; secret_wipe it); *out = NULL when none is set. */
int mail_settings_relay_password(struct db *db, char **out, struct kf_error *err);

/* Which fields a change gives. */
enum mail_settings_field {
	MAIL_SET_ADDRESS = 1 << 0,
	MAIL_SET_FROM_NAME = 1 << 1,
	MAIL_SET_RELAY_HOST = 1 << 2,
	MAIL_SET_RELAY_PORT = 1 << 3,
	MAIL_SET_RELAY_SECURITY = 1 << 4,
	MAIL_SET_RELAY_USERNAME = 1 << 5,
	MAIL_SET_RELAY_PASSWORD = 1 << 6,
	MAIL_SET_REOPEN_DAYS = 1 << 7,
	MAIL_SET_MAX_BYTES = 1 << 8,
	MAIL_SET_SENDER_RATE = 1 << 9,
	MAIL_SET_SEND_ACK = 1 << 10,
};

/* A change, parsed at the edge; checked here. */
struct mail_settings_input {
	unsigned present; /* enum mail_settings_field bits */
	const char *address; /* "" clears; else a valid address */
	const char *from_name;
	const char *relay_host;
	int64_t relay_port; /* 1..65535 */
	const char *relay_security;
	const char *relay_username;
	const char *relay_password; /* "" clears; sealed before it is stored (KF_EINVAL secret_key_missing without a key) */
	int64_t reopen_days;
	int64_t max_message_bytes;
	int64_t sender_rate_per_hour;
	int64_t send_ack; /* 0 or 1 */
};

/*
 * Apply in at version (KF_ESTALE when the row has moved on); all or nothing, audited as
 * "mail.settings" (the password as "set"/"cleared" only).  *out: the settings after the change.
 */
int mail_settings_put(struct db *db, const struct actor *a, int64_t now, int64_t version,
                      const struct mail_settings_input *in, struct mail_settings *out, struct kf_error *err);

/* Whether addr looks like a mail address a relay will take (local@domain, no spaces or controls). Pure. */
int mail_settings_address_valid(const char *addr);

#endif
