/*
 * mail_store.h - the rows of mail_messages (migration 0021): every mail
 * kefu received (direction in) or is sending (out), one row each, with
 * its raw bytes in attachment_blobs (raw_sha256).  Insert, the lookups
 * threading and deduplication need, the hourly count of a sender, marking
 * an outgoing mail bounced, and the JSON the API shows (addresses masked
 * on request, crm/privacy.h).
 *
 * Addresses in to_addrs / cc_addrs are JSON arrays [{"name","address"}];
 * refs is space-separated, oldest first; Message-IDs are stored without <>.
 */
#ifndef KF_MAIL_STORE_H
#define KF_MAIL_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "channels/mail_parse.h"

struct db;

/* A row to insert; strings borrowed, NULL = "" (JSON columns: "[]"). */
struct mail_row {
	const char *direction; /* "in" or "out" */
	const char *kind; /* message, auto_reply, bulk, bounce (in); ack, reply, resolved (out) */
	int64_t ticket_id; /* 0 = none */
	int64_t message_id; /* ticket_messages.id, 0 = none */
	int64_t mailbox_id; /* 0 = none */
	int64_t imap_uid; /* 0 = none */
	const char *rfc_message_id; /* required */
	const char *in_reply_to;
	const char *refs;
	const char *from_addr;
	const char *from_name;
	const char *to_addrs; /* JSON text */
	const char *cc_addrs; /* JSON text */
	const char *subject;
	const char *status; /* received, dropped, queued, ... */
	const char *reason;
	int64_t next_at;
	const char *raw_sha256;
	int64_t size; /* bytes of the raw message */
	int64_t quote_at; /* -1 = none */
	const char *html;
	const char *skipped; /* JSON text */
	int64_t created_at;
};

/* Insert r; *id the new row's id.  KF_EEXIST when (direction, rfc_message_id) or (mailbox, uid) is taken. */
int mail_store_insert(struct db *db, const struct mail_row *r, int64_t *id, struct kf_error *err);

/*
 * The mail already stored with this direction and Message-ID, or (when
 * mailbox_id and imap_uid are set) this mailbox UID: 1 and its id and
 * ticket (0 = none) when found, 0 when not.
 */
int mail_store_seen(struct db *db, const char *direction, const char *rfc_message_id, int64_t mailbox_id,
                    int64_t imap_uid, int64_t *id, int64_t *ticket_id, struct kf_error *err);
/* The ticket of the newest mail (either direction) with this Message-ID that has one; 0 when none. */
int mail_store_ticket_of(struct db *db, const char *rfc_message_id, int64_t *ticket_id, struct kf_error *err);
/* How many mails from addr were received (status received) since since. */
int mail_store_sender_count(struct db *db, const char *addr, int64_t since, int64_t *n, struct kf_error *err);
/*
 * Mark the outgoing mail with this Message-ID bounced (last_error = why):
 * 1 with its id and ticket when there is one, 0 when not.
 */
int mail_store_bounced(struct db *db, const char *rfc_message_id, const char *why, int64_t now, int64_t *id,
                       int64_t *ticket_id, struct kf_error *err);

/* What the raw and html downloads need of one row. */
struct mail_ref {
	int64_t id;
	int64_t ticket_id; /* 0 = none */
	char direction[4];
	char raw_sha256[65];
};
/* Row id's ticket and raw hash; KF_ENOTFOUND when missing. */
int mail_store_ref(struct db *db, int64_t id, struct mail_ref *out, struct kf_error *err);
/* Append row id's sanitised HTML to out ("" when none); KF_ENOTFOUND when missing. */
int mail_store_html(struct db *db, int64_t id, struct buf *out, struct kf_error *err);

/* The mails of ticket_id (and those whose message a merge moved onto it), oldest first, as a new array (addresses masked when mask). */
int mail_store_ticket_json(struct db *db, int64_t ticket_id, int mask, json_t **items, struct kf_error *err);

/* The admin's log, newest first: direction/status "" = any, before_id 0 = from the newest. */
struct mail_store_filter {
	const char *direction;
	const char *status;
	int64_t before_id;
	int limit;
};
/* One page as a new array; *last_id the id of the last row given (0 = none). */
int mail_store_list_json(struct db *db, const struct mail_store_filter *f, int mask, json_t **items,
                         int64_t *last_id, struct kf_error *err);

/* [{"name","address"}] of n addresses (names and addresses borrowed), as JSON text (owned). */
char *mail_store_addrs_text(const struct mail_addr *a, size_t n);

#endif
