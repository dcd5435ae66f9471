/*
 * mail_fetch.h - fetching the IMAP mailboxes (channels/mailbox.h) into
 * the desk, and the thread that does it.
 *
 * A pass over one mailbox: log in (channels/imap.h), STATUS the folder
 * (a new UIDVALIDITY starts the mailbox over from UID 0), then take, in
 * UID order, every message above last_uid and every \Seen-less one below
 * it, one at a time: download it (capped at mail_settings.max_message_bytes,
 * one message in memory), hand it to mail_in_deliver with {via "imap",
 * mailbox, UID}, and only once that has committed (a duplicate counts as
 * committed) mark it \Seen, move it or delete it on the server, then move
 * last_uid up to it (written every MAIL_FETCH_SAVE_EVERY messages and at the
 * end of the pass).  A crash anywhere in between re-reads the message on
 * the next pass and the dedupe of received mail makes it a duplicate:
 * nothing lost, nothing doubled.
 *
 * A message kefu cannot take (larger than the cap, unparsable, or one the
 * last MAIL_FETCH_STUCK_MAX passes started with and did not get past: a
 * message that keeps failing or takes the process down) is set aside: left
 * in the folder flagged \Seen \Flagged for a person to look at, counted in
 * mailboxes.failed and named in last_error; the pass goes on.  Any other
 * failure (kefu's database, the server, the network) ends the pass, keeps
 * the message for the next one and is recorded in last_error.
 *
 * The IMAP UID a message is stored with (mail_messages.imap_uid) is
 * mail_fetch_uid_key(UIDVALIDITY, UID), so a folder re-created with new
 * UIDs never passes its new messages for old ones.
 *
 * The thread (config imap_fetch) sleeps until the next mailbox is due
 * (last_poll_at + poll_seconds, base/clock.h) or it is woken
 * (mail_fetch_wake: a mailbox changed); it claims a due mailbox with a
 * compare-and-set on last_poll_at, so nodes sharing a database never run
 * one pass twice.  A backlog logs a progress line every
 * MAIL_FETCH_PROGRESS_EVERY messages ("imap: Support: 1500/10000").
 */
#ifndef KF_MAIL_FETCH_H
#define KF_MAIL_FETCH_H

#include <stdint.h>

#include "base/err.h"

struct db;
struct store;

#define MAIL_FETCH_STUCK_MAX 3 /* passes starting at one UID before its message is set aside */
#define MAIL_FETCH_PROGRESS_EVERY 500 /* messages between progress lines */
#define MAIL_FETCH_BATCH 1000 /* UIDs taken from one search; a pass searches again after them */
#define MAIL_FETCH_WINDOW 1000 /* UIDs one UID SEARCH covers (its answer line stays under 16 KB) */
#define MAIL_FETCH_SAVE_EVERY 50 /* messages between writes of last_uid (a crash re-reads at most these) */
#define MAIL_FETCH_IDLE_MAX_S 60 /* the thread looks at the table at least this often */

struct mail_fetch_counts {
	int64_t fetched; /* new mail stored */
	int64_t duplicates; /* stored before (counted as fetched in mailboxes.fetched) */
	int64_t failed; /* set aside */
	char error[320]; /* why the pass ended early, or the last message set aside; "" = fine */
};

struct mail_fetch_test {
	int ok;
	const char *stage; /* connect, tls, login, folder (static) */
	char message[320]; /* what the server or libcurl said */
	int64_t messages; /* in the folder, when ok */
	int64_t unseen;
};

/* The key of (uidvalidity, uid) for mail_messages.imap_uid. Pure. */
int64_t mail_fetch_uid_key(int64_t uidvalidity, int64_t uid);

/*
 * One pass over mailbox id now, whoever else might be fetching it (the
 * caller claimed it, or an admin asked).  KF_ENOTFOUND for no such
 * mailbox, KF_ECONFLICT "mailbox_busy" while this process fetches it
 * already; otherwise 0 with the counts and the error in *out (also in
 * the mailbox's last_error).  timeout_s: per IMAP command.
 */
int mail_fetch_mailbox(struct db *db, int64_t id, int timeout_s, struct mail_fetch_counts *out,
                       struct kf_error *err);
/*
 * Log in to mailbox id and STATUS its folder: ok, or the stage that failed
 * and why (also stored as last_error).  KF_ENOTFOUND for no such mailbox.
 */
int mail_fetch_test(struct db *db, int64_t id, int timeout_s, struct mail_fetch_test *out,
                    struct kf_error *err);
/*
 * Every due mailbox at now, each claimed first; *next_at: when the next is
 * due.  Returns the passes run, or KF_E* when the store failed.
 */
int mail_fetch_due(struct db *db, int64_t now, int timeout_s, int64_t *next_at, struct kf_error *err);

/* The seconds an IMAP command may take (config mail_timeout; 60 until set), for every pass. */
void mail_fetch_set_timeout(int timeout_s);
int mail_fetch_timeout(void);

/* The thread. */
struct mail_fetcher;
int mail_fetch_start(struct store *st, int timeout_s, struct mail_fetcher **out, struct kf_error *err);
void mail_fetch_stop(struct mail_fetcher *f); /* ends the pass in hand after its message; NULL-safe */
/* Make the thread look at the mailboxes now (one was added, changed or asked to fetch). */
void mail_fetch_wake(void);

#endif
