/*
 * attachment.h - files attached to tickets.
 *
 * Accepted types: image/png, image/jpeg, image/gif, image/webp,
 * application/pdf, text/plain, text/csv, application/zip; the bytes must
 * match the declared type (magic numbers; text must be UTF-8 without NUL),
 * else KF_EUNSUPPORTED "attachment_type".  At most ATTACHMENT_MAX bytes
 * (the server's max_body caps a request first).  The bytes are stored in
 * the database in attachment_blobs keyed by their SHA-256: written in the
 * same transaction as the attachment row, stored once however often they
 * are attached, and backed up with everything else.  File names are
 * sanitised (no path, no control characters or quotes).
 */
#ifndef KF_ATTACHMENT_H
#define KF_ATTACHMENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/textlen.h"
#include "base/limits.h"

struct db;

#define ATTACHMENT_MAX KF_MAX_UPLOAD_BYTES /* bytes of one attachment */
#define ATTACHMENT_NAME_MAX 200 /* characters of a sanitised file name */
#define ATTACHMENT_EXT_MAX 16 /* characters of an extension kept when a long name is cut */

struct attachment {
	int64_t id;
	int64_t ticket_id;
	char filename[TEXTLEN_BYTES(ATTACHMENT_NAME_MAX)];
	const char *content_type; /* static: one of the accepted types */
	int64_t size;
	char sha256[65];
	int64_t created_at;
};

/*
 * Sanitise name (may be NULL) into out (TEXTLEN_BYTES(ATTACHMENT_NAME_MAX) bytes): the last path
 * component, without leading dots and spaces, control and shell-special characters and bytes that
 * are not UTF-8 replaced by "_", at most ATTACHMENT_NAME_MAX characters (a longer name keeps its
 * extension of up to ATTACHMENT_EXT_MAX characters and loses the end of its stem; a cut never
 * splits a character).  "attachment" when nothing is left.  Pure.
 */
void attachment_clean_name(const char *name, char *out);
/* The accepted type for a Content-Type header value (parameters ignored) whose magic data has; NULL if none. Pure. */
const char *attachment_check_type(const char *content_type, const void *data, size_t len);

/* Attach len bytes to ticket ticket_id; *out is the new attachment's JSON. */
int attachment_add(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, const char *filename,
                   const char *content_type, const void *data, size_t len, json_t **out, struct kf_error *err);
/* The attachment id with its bytes appended to bytes. */
int attachment_get(struct db *db, int64_t id, struct attachment *out, struct buf *bytes, struct kf_error *err);
/* The attachments of a ticket (no bytes); *items is a new array. */
int attachment_list(struct db *db, int64_t ticket_id, json_t **items, struct kf_error *err);

/* --- for the channels, inside their own transaction --- */
/* Store len bytes in attachment_blobs (once per content); their SHA-256 as hex into sha256. */
int attachment_blob_put(struct db *db, const void *data, size_t len, char sha256[65], struct kf_error *err);
/* Append the blob sha256's bytes to bytes; KF_ENOTFOUND when there is none. */
int attachment_blob_get(struct db *db, const char *sha256, struct buf *bytes, struct kf_error *err);
/* Record that attachment id arrived with ticket message message_id. */
int attachment_set_message(struct db *db, int64_t id, int64_t message_id, struct kf_error *err);
/*
 * Give attachment id, uploaded to ticket_id and on no message yet, to message message_id (a reply that
 * sends it); KF_EINVAL naming field "attachments" when it is not such an attachment.
 */
int attachment_attach(struct db *db, int64_t ticket_id, int64_t id, int64_t message_id, struct kf_error *err);

#endif
