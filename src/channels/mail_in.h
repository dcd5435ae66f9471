/*
 * mail_in.h - one received mail into the desk: a new ticket, a message on
 * the ticket it answers, a bounce on the mail that bounced, or nothing
 * (a duplicate, a loop, a flood), in one transaction.
 *
 * Threading, in this order (the first that names a ticket wins):
 *   1. a reply token in a recipient address (support+TOKEN@...);
 *   2. In-Reply-To, then References (newest first), against the
 *      Message-IDs kefu sent or received (mail_messages);
 *   3. the subject tag [#000123], only when the sender is the ticket's
 *      customer or one of its participants;
 * else a new ticket.  A merged ticket's mail goes to the ticket it was
 * merged into.  A reply to a closed ticket reopens it within reopen_days
 * of its closing, else opens a new ticket linked to the old one.  A sender
 * on To/Cc of a threaded mail (not the customer, not kefu's own address)
 * becomes a participant.
 *
 * Loops and abuse: a mail already stored (same Message-ID, or same mailbox
 * and IMAP UID) is a duplicate and changes nothing; a delivery status
 * notification marks the outgoing mail bounced and the address bouncing
 * (a delay notice only stays on the ticket);
 * past the sender's hourly rate the mail is kept as dropped (no ticket);
 * auto-replies and bulk mail are threaded as usual but never acknowledged
 * (mail_messages.kind auto_reply / bulk), and one answering a resolved or
 * closed ticket is kept on it without becoming a message or reopening it
 * (dropped, "auto_reply_closed").  A mail from kefu's own address, or
 * carrying a Message-ID kefu sent, is dropped as a "loop".
 * Every received mail keeps its raw bytes (attachment_blobs).
 *
 * Own addresses: mail_settings.address (with any +extension), the
 * Delivered-To / X-Original-To addresses of this copy and the address of
 * the mailbox it was fetched from; they never become participants.  A
 * received mail's reason says how it was threaded
 * (token, in_reply_to, references, tag, new, reopen_window).
 */
#ifndef KF_MAIL_IN_H
#define KF_MAIL_IN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;

/* Where a mail came from. */
struct mail_source {
	const char *via; /* "pipe", "imap" or "api" */
	int64_t mailbox_id; /* mailboxes.id, 0 = none */
	int64_t imap_uid; /* the UID in that mailbox, 0 = none */
};

enum mail_in_action {
	MAIL_IN_CREATED = 1, /* a new ticket */
	MAIL_IN_APPENDED, /* a message on an existing ticket */
	MAIL_IN_REOPENED, /* ... which it reopened */
	MAIL_IN_LINKED, /* a new ticket linked to a closed one past its reopen window */
	MAIL_IN_DUPLICATE, /* stored before: nothing changed */
	MAIL_IN_BOUNCE, /* a delivery status notification, recorded on the mail it is about */
	MAIL_IN_DROPPED, /* kept but not made a ticket (reason says why: rate_limited, ...) */
};

struct mail_in_result {
	enum mail_in_action action;
	int64_t mail_id; /* mail_messages.id (0 for a duplicate: the earlier one's) */
	int64_t ticket_id; /* 0 when none */
	int64_t message_id; /* ticket_messages.id, 0 when none */
	int64_t customer_id; /* 0 when none */
	char reason[48]; /* MAIL_IN_DROPPED: loop, no_sender, rate_limited, bounce_unmatched, delay_unmatched, auto_reply_closed; MAIL_IN_BOUNCE: "delayed" for a delay notice */
};

/* The name of an action ("created", "appended", ...). */
const char *mail_in_action_name(enum mail_in_action action);

/*
 * Store raw (len bytes) received at now.  Opens and commits its own transaction.
 * KF_ETOOBIG "mail_too_big" past mail_settings.max_message_bytes, KF_EINVAL
 * "mail_unparsable" when no header can be read; other errors are temporary.
 */
int mail_in_deliver(struct db *db, const struct mail_source *src, const char *raw, size_t len, int64_t now,
                    struct mail_in_result *out, struct kf_error *err);

#endif
