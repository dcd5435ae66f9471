/*
 * imap.h - a small IMAP client over libcurl: what kefu needs to read a
 * support mailbox and no more.
 *
 * One struct imap is one libcurl easy handle, so one connection and one
 * login reused for every command of a pass.  TLS: "tls" speaks imaps://
 * (993), "starttls" imap:// with STARTTLS required (CURLUSESSL_ALL), "none"
 * plain imap://; tls_verify 0 accepts any certificate.  The folder name is
 * UTF-8 and travels in IMAP's modified UTF-7 (RFC 3501 5.1.3).
 *
 * Commands used: CAPABILITY, STATUS (UIDVALIDITY, UIDNEXT, MESSAGES,
 * UNSEEN), SELECT (curl's own, checking the UIDVALIDITY given), UID SEARCH
 * (over windows of UIDs: libcurl cuts a line longer than its 16 KB buffer
 * without a word, and refuses more than 300 KB of answer to one command),
 * NOOP,
 * UID FETCH n BODY[] (curl's download, into a capped buffer: one message in
 * memory at a time), UID STORE, UID MOVE (or UID COPY + \Deleted + UID
 * EXPUNGE without MOVE; EXPUNGE without UIDPLUS).
 *
 * Errors are KF_EIO with a key saying where it failed: imap_connect,
 * imap_tls, imap_login, imap_folder (STATUS/SELECT refused, UIDVALIDITY
 * changed), imap_command (another command refused); KF_ETOOBIG
 * "mail_too_big" for a message past the cap; KF_ENOTFOUND "imap_gone" for
 * a UID no longer there.  imap_stage() names the stage for people.
 */
#ifndef KF_IMAP_H
#define KF_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define IMAP_FOLDER_WIRE_MAX 1024 /* bytes of a folder name in modified UTF-7 */
#define IMAP_SEARCH_MAX (16u << 20) /* bytes of a UID SEARCH answer kefu reads */

struct imap_conf {
	const char *host; /* name or address (an IPv6 address without brackets) */
	int port;
	const char *security; /* tls, starttls, none */
	int tls_verify; /* 0: accept any certificate */
	const char *username;
	const char *password; /* NULL or "": none */
	int timeout_s; /* per command (config mail_timeout) */
	int (*cancelled)(void); /* NULL, or: nonzero ends the command in hand (shutting down) */
};

struct imap_status {
	int64_t uidvalidity;
	int64_t uidnext;
	int64_t messages;
	int64_t unseen;
};

struct imap;

/* Connect, secure and log in (CAPABILITY after login).  *out owned: imap_close. */
int imap_open(const struct imap_conf *conf, struct imap **out, struct kf_error *err);
/* Log out and free; NULL-safe. */
void imap_close(struct imap *im);
/* Whether the server announced capability name (upper case: "MOVE", "UIDPLUS") after login. */
int imap_has(const struct imap *im, const char *name);

/* STATUS of folder (not selecting it). */
int imap_status(struct imap *im, const char *folder, struct imap_status *out, struct kf_error *err);
/* NOOP in folder: lets the server report what changed since the last command. */
int imap_noop(struct imap *im, const char *folder, int64_t uidvalidity, struct kf_error *err);
/*
 * UID SEARCH criteria (ASCII, e.g. "UID 5:*" or "UNSEEN") in folder, which
 * must still have uidvalidity.  *uids: a new ascending array (free), *n
 * its length.
 */
int imap_search(struct imap *im, const char *folder, int64_t uidvalidity, const char *criteria,
                int64_t **uids, size_t *n, struct kf_error *err);
/*
 * The raw message uid of folder into out (reset first), at most max_bytes
 * (KF_ETOOBIG "mail_too_big" past them).  The server may set \Seen.
 */
int imap_fetch(struct imap *im, const char *folder, int64_t uidvalidity, int64_t uid, size_t max_bytes,
               struct buf *out, struct kf_error *err);
/* Add flags ("\\Seen", "\\Seen \\Flagged") to uid. */
int imap_flag(struct imap *im, const char *folder, int64_t uidvalidity, int64_t uid, const char *flags,
              struct kf_error *err);
/* Move uid to folder dest (MOVE, else COPY + \Deleted + expunge). */
int imap_move(struct imap *im, const char *folder, int64_t uidvalidity, int64_t uid, const char *dest,
              struct kf_error *err);
/* Delete uid (\Deleted + UID EXPUNGE, or EXPUNGE without UIDPLUS). */
int imap_delete(struct imap *im, const char *folder, int64_t uidvalidity, int64_t uid, struct kf_error *err);

/* The stage an imap_* error happened at: connect, tls, login, folder, or command. */
const char *imap_stage(const struct kf_error *err);

/*
 * Pure helpers, for the client and the tests.
 * imap_folder_encode: UTF-8 folder name -> modified UTF-7 in out (cap
 * bytes); KF_EINVAL for invalid UTF-8 or a control character, KF_ETOOBIG
 * when it does not fit.
 */
int imap_folder_encode(const char *utf8, char *out, size_t cap);
/*
 * The UIDs in text (len bytes): the numbers of "* SEARCH" lines and the
 * UID items of "* n FETCH (...)" lines, ascending and without repeats,
 * into *uids (new array, free) and *n.
 */
int imap_parse_uids(const char *text, size_t len, int64_t **uids, size_t *n);
/* The STATUS response items of the "* STATUS" line in text; 0, or KF_EINVAL when there is none. */
int imap_parse_status(const char *text, size_t len, struct imap_status *out);

#endif
