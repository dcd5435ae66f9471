/*
 * mail_compose.h - the bytes of a mail kefu sends, built with GMime 3.
 *
 * From "from_name <support@shop>", Reply-To "support+TOKEN@shop" (the
 * ticket's reply token, channels/mail_token.h), To the customer, Cc the
 * participants; display names are RFC 2047-encoded by GMime.  Message-ID
 * <kefu.{16 random hex}.{ticket id}@domain>: kefu trusts Message-IDs when
 * threading replies, so they must be unguessable.  In-Reply-To and
 * References point at the ticket's latest received mail and its chain
 * (capped at MAIL_COMPOSE_REFS_MAX ids, the oldest kept first as RFC 5322
 * suggests).  Subject "… [#000123]" with the tag once.  The body is
 * multipart/alternative (text/plain + text/html, UTF-8), inside
 * multipart/mixed with the attachments when there are any.
 * Auto-Submitted: auto-replied on automatic mail (acknowledgement,
 * resolved), never on an agent's reply; X-Kefu-Ticket names the ticket.
 * Lines end in CRLF (as SMTP and .eml files want).
 *
 * Everything here is pure: no store, no clock (the date is passed in).
 */
#ifndef KF_MAIL_COMPOSE_H
#define KF_MAIL_COMPOSE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define MAIL_COMPOSE_ID_MAX 256 /* bytes of a Message-ID without <> */
#define MAIL_COMPOSE_REFS_MAX 20 /* Message-IDs kept in References */
#define MAIL_COMPOSE_REFS_BYTES 4096 /* bytes of a References value */
#define MAIL_COMPOSE_SUBJECT_MAX 1024 /* bytes of a subject with its tag */

/* A name and an address (borrowed). */
struct mail_addr {
	const char *name; /* "" or NULL: no display name */
	const char *address;
};

/* A file to attach (borrowed). */
struct mail_file {
	const char *filename;
	const char *content_type; /* "image/png"; NULL or malformed: application/octet-stream */
	const void *data;
	size_t len;
};

/* What a mail says (everything borrowed). */
struct mail_compose_in {
	struct mail_addr from;
	const char *reply_to; /* support+TOKEN@domain; NULL = none */
	struct mail_addr to;
	const struct mail_addr *cc; /* ncc entries */
	int ncc;
	const char *message_id; /* without <> */
	const char *in_reply_to; /* without <>; NULL or "" = none */
	const char *references; /* space-separated ids without <>; NULL = none */
	const char *subject; /* with its tag already (mail_compose_subject) */
	const char *text; /* UTF-8 */
	const char *html; /* UTF-8; NULL = text only */
	int auto_submitted; /* 1: Auto-Submitted: auto-replied */
	const char *ticket_number; /* X-Kefu-Ticket; NULL = none */
	int64_t date; /* UTC seconds */
	const struct mail_file *files; /* nfiles attachments */
	int nfiles;
};

/*
 * The message as RFC 5322 bytes: *out (owned, NUL-terminated, free) of
 * *len bytes.  KF_EINVAL when an address is not one (field "to", "cc",
 * "from").
 */
int mail_compose(const struct mail_compose_in *in, char **out, size_t *len, struct kf_error *err);

/* A new unguessable Message-ID (without <>) for a mail about ticket_id, from domain. */
void mail_compose_message_id(const char *domain, int64_t ticket_id, char out[MAIL_COMPOSE_ID_MAX]);

/*
 * subject with " [#000123]" (tag = "[#000123]") added unless it already
 * carries tag; out holds n bytes (the subject is cut between characters
 * to leave room for the tag).
 */
void mail_compose_subject(const char *subject, const char *tag, char *out, size_t n);

/*
 * The References of a reply to the mail parent_id whose own References
 * were parent_refs (space-separated, with or without <>): parent_refs then
 * parent_id, without duplicates, the first and the last
 * MAIL_COMPOSE_REFS_MAX - 1 kept when longer; space-separated without <>.
 */
void mail_compose_references(const char *parent_refs, const char *parent_id, char out[MAIL_COMPOSE_REFS_BYTES]);

/* The domain part of address ("shop.cn"), or address itself without '@'. Pure. */
const char *mail_compose_domain(const char *address);

#endif
