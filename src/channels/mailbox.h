/*
 * mailbox.h - the IMAP mailboxes kefu fetches mail from (table mailboxes,
 * migration 0021): where each is (host, port, tls/starttls/none, whether
 * the certificate is checked), whose it is (user, password sealed with the
 * server key, auth/secret.h), which folder is read, what happens to a
 * message once its ticket is committed (marked \Seen, moved to another
 * folder, or deleted), how often it is polled, and where fetching stands
 * (UIDVALIDITY, the last UID stored, counters, the last error).
 *
 * The password never leaves this module except through mailbox_password
 * (for the IMAP client); JSON and the audit trail say only password_set.
 * Changes are versioned (If-Match) and audited ("mailbox.create",
 * "mailbox.update", "mailbox.delete").  Changing where a mailbox points
 * (host, port, user, folder) starts its fetching over: the dedupe of
 * received mail (Message-ID, mailbox + UID) makes a re-read harmless.
 */
#ifndef KF_MAILBOX_H
#define KF_MAILBOX_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

#define MAILBOX_NAME_MAX 100 /* characters of a mailbox's name */
#define MAILBOX_HOST_MAX 253 /* bytes of a host name */
#define MAILBOX_USER_MAX 254 /* bytes of a user name */
#define MAILBOX_PASSWORD_MAX 1024 /* bytes of a password */
#define MAILBOX_FOLDER_MAX 200 /* bytes of a folder name (UTF-8) */
#define MAILBOX_ERROR_MAX 300 /* bytes of last_error kept */
#define MAILBOX_POLL_MIN 10 /* seconds */
#define MAILBOX_POLL_MAX 86400
#define MAILBOX_MAX 200 /* mailboxes one kefu fetches */

struct mailbox {
	int64_t id;
	char name[4 * MAILBOX_NAME_MAX + 1];
	char address[256]; /* the address mail to it is sent to ("" = not said) */
	char host[MAILBOX_HOST_MAX + 1];
	int port;
	char security[12]; /* tls, starttls, none */
	int tls_verify; /* check the server's certificate (0: accept a self-signed one) */
	char username[MAILBOX_USER_MAX + 1];
	int password_set;
	char folder[MAILBOX_FOLDER_MAX + 1]; /* UTF-8; sent in IMAP's modified UTF-7 */
	char after_fetch[8]; /* seen, move, delete */
	char move_to[MAILBOX_FOLDER_MAX + 1]; /* the folder for "move" */
	int poll_seconds;
	int enabled;
	int64_t uidvalidity; /* of the folder when last read; 0 = never read */
	int64_t last_uid; /* every message up to this UID is stored (or set aside) */
	int64_t last_poll_at; /* when a pass last started */
	char last_error[MAILBOX_ERROR_MAX + 1]; /* "" after a pass without trouble */
	int64_t fetched; /* messages stored (duplicates included) */
	int64_t failed; /* messages set aside (too big, unparsable, failing again and again) */
	int64_t stuck_uid; /* the UID the last passes started with */
	int stuck_count; /* how many passes started with it */
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

/* Which fields an input gives. */
enum mailbox_field {
	MAILBOX_SET_NAME = 1 << 0,
	MAILBOX_SET_ADDRESS = 1 << 1,
	MAILBOX_SET_HOST = 1 << 2,
	MAILBOX_SET_PORT = 1 << 3,
	MAILBOX_SET_SECURITY = 1 << 4,
	MAILBOX_SET_TLS_VERIFY = 1 << 5,
	MAILBOX_SET_USERNAME = 1 << 6,
	MAILBOX_SET_PASSWORD = 1 << 7,
	MAILBOX_SET_FOLDER = 1 << 8,
	MAILBOX_SET_AFTER_FETCH = 1 << 9,
	MAILBOX_SET_MOVE_TO = 1 << 10,
	MAILBOX_SET_POLL = 1 << 11,
	MAILBOX_SET_ENABLED = 1 << 12,
};

/* A create or change, parsed at the edge (strings borrowed); checked here. */
struct mailbox_input {
	unsigned present; /* enum mailbox_field bits */
	const char *name;
	const char *address; /* "" clears */
	const char *host;
	int64_t port; /* 1..65535; on create default 993 for tls, else 143 */
	const char *security;
	int64_t tls_verify; /* 0 or 1 */
	const char *username;
	const char *password; /* "" clears; sealed before it is stored */
	const char *folder;
	const char *after_fetch;
	const char *move_to;
	int64_t poll_seconds;
	int64_t enabled; /* 0 or 1 */
};

/* m as JSON (owned): password_set, never the password. */
json_t *mailbox_json(const struct mailbox *m);
/* Every mailbox by id as a new JSON array. */
int mailbox_list(struct db *db, json_t **items, struct kf_error *err);
/* One mailbox; KF_ENOTFOUND "not_found". */
int mailbox_get(struct db *db, int64_t id, struct mailbox *out, struct kf_error *err);
/* Its password, opened (owned; secret_wipe it); *out = NULL when none is set. */
int mailbox_password(struct db *db, int64_t id, char **out, struct kf_error *err);

/*
 * Create from in (name, host required; KF_EEXIST "exists" on a taken name,
 * KF_EINVAL naming a bad field, KF_EINVAL "secret_key_missing" for a
 * password without a server key); audited.  *out: the new row.
 */
int mailbox_create(struct db *db, const struct actor *a, int64_t now, const struct mailbox_input *in,
                   struct mailbox *out, struct kf_error *err);
/* Apply in to mailbox id at version (KF_ESTALE when it moved on); all or nothing; audited. */
int mailbox_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                   const struct mailbox_input *in, struct mailbox *out, struct kf_error *err);
/* Delete; the mail already received stays.  Audited. */
int mailbox_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);

/* --- where fetching stands (channels/mail_fetch.c) --- */

/* When an enabled mailbox is next due: its last_poll_at and last_poll_at + poll_seconds. */
struct mailbox_due {
	int64_t id;
	int64_t last_poll_at;
	int64_t due_at;
};

/* The enabled mailboxes (up to max) into due[], *n set. */
int mailbox_schedule(struct db *db, struct mailbox_due *due, int max, int *n, struct kf_error *err);
/*
 * Take mailbox id for a pass at now if its last_poll_at is still prev (so
 * two nodes never run one pass twice): 1 taken, 0 someone else took it.
 */
int mailbox_claim(struct db *db, int64_t id, int64_t prev, int64_t now, struct kf_error *err);
/* The folder's UIDVALIDITY changed (or was first seen): start over from UID 0. */
int mailbox_restart(struct db *db, int64_t id, int64_t uidvalidity, struct kf_error *err);
/*
 * A pass starts at uid: count it (stuck_count + 1 if the last pass started
 * there too, else 1) and give the new count in *count.
 */
int mailbox_stuck_bump(struct db *db, int64_t id, int64_t uid, int *count, struct kf_error *err);
/*
 * Messages up to uid are dealt with, fetched of them stored and failed set
 * aside since the last call: last_uid moves up to uid (never down), the
 * counters grow.
 */
int mailbox_advance(struct db *db, int64_t id, int64_t uid, int64_t fetched, int64_t failed,
                    struct kf_error *err);
/* The pass ended: last_error = msg ("" = fine), at most MAILBOX_ERROR_MAX bytes kept. */
int mailbox_set_error(struct db *db, int64_t id, const char *msg, struct kf_error *err);

#endif
