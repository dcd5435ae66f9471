/*
 * attachment.c - see attachment.h.
 */
#include "desk/attachment.h"
#include "base/str.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xalloc.h"
#include "desk/ticket.h"
#include "store/db.h"

static struct db_sql q_blob = DB_SQL(
        "INSERT INTO attachment_blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING");
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO attachments (ticket_id, filename, content_type, size, sha256, created_by, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
/* q_get reads ATTACHMENT_COLS through a. (see q_list), then the bytes: checked by hand. */
static struct db_sql q_get = DB_SQL(
        "SELECT a.id, a.ticket_id, a.filename, a.content_type, a.size, a.sha256, a.created_at, b.bytes"
        " FROM attachments a JOIN attachment_blobs b ON b.sha256 = a.sha256 WHERE a.id = $1");
/* clang-format off */
#define ATTACHMENT_COLS(F, X) \
	F(AC_ID, "id") \
	X(AC_TICKET_ID, "ticket_id") \
	X(AC_FILENAME, "filename") \
	X(AC_CONTENT_TYPE, "content_type") \
	X(AC_SIZE, "size") \
	X(AC_SHA256, "sha256") \
	X(AC_CREATED_AT, "created_at")
/* clang-format on */
DB_COLS_ENUM(ATTACHMENT_COLS, AC_NCOLS);
enum { AC_BYTES = AC_NCOLS };
static struct db_sql q_list = DB_SQL(
        "SELECT " DB_COLS_SQL(ATTACHMENT_COLS) " FROM attachments"
                                               " WHERE ticket_id = $1 ORDER BY id");

/* Each accepted type and the bytes its files start with (at offset). */
static const struct {
	const char *type; /* canonical Content-Type */
	const char *magic; /* NULL: text (UTF-8, no NUL) */
	size_t magic_len;
	size_t offset;
	const char *magic2; /* a second marker at offset2 (WEBP), or NULL */
	size_t offset2;
} types[] = {
	{ "image/png", "\x89PNG\r\n\x1a\n", 8, 0, NULL, 0 },
	{ "image/jpeg", "\xff\xd8\xff", 3, 0, NULL, 0 },
	{ "image/gif", "GIF8", 4, 0, NULL, 0 },
	{ "image/webp", "RIFF", 4, 0, "WEBP", 8 },
	{ "application/pdf", "%PDF-", 5, 0, NULL, 0 },
	{ "application/zip", "PK", 2, 0, NULL, 0 },
	{ "text/plain", NULL, 0, 0, NULL, 0 },
	{ "text/csv", NULL, 0, 0, NULL, 0 },
};

static int at(const void *data, size_t len, size_t off, const char *magic, size_t n)
{
	return len >= off + n && memcmp((const char *)data + off, magic, n) == 0;
}

static int is_text(const void *data, size_t len)
{
	json_t *j = json_stringn(data, len); /* jansson checks UTF-8 and refuses NUL */
	int ok = j != NULL && memchr(data, '\0', len) == NULL;
	json_decref(j);
	return ok;
}

const char *attachment_check_type(const char *content_type, const void *data, size_t len)
{
	size_t n = content_type ? strcspn(content_type, "; ") : 0;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strlen(types[i].type) != n || strncasecmp(types[i].type, content_type, n) != 0)
			continue;
		if (!types[i].magic)
			return len > 0 && is_text(data, len) ? types[i].type : NULL;
		if (!at(data, len, types[i].offset, types[i].magic, types[i].magic_len))
			return NULL;
		if (types[i].magic2 &&
		    !at(data, len, types[i].offset2, types[i].magic2, strlen(types[i].magic2)))
			return NULL;
		return types[i].type;
	}
	return NULL;
}

/* The length of the valid UTF-8 sequence at p (1 for ASCII), or 0 when none starts there (RFC 3629). */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n = c < 0x80              ? 1
	        : c >= 0xC2 && c <= 0xDF ? 2
	        : c >= 0xE0 && c <= 0xEF ? 3
	        : c >= 0xF0 && c <= 0xF4 ? 4
	                                 : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) || (c == 0xF0 && p[1] < 0x90) ||
	    (c == 0xF4 && p[1] >= 0x90))
		return 0; /* overlong, surrogate or above U+10FFFF */
	return n;
}

/* base with unsafe characters and non-UTF-8 bytes replaced by '_', as a new string (never longer). */
static char *sanitise(const char *base)
{
	char *out = xmalloc(strlen(base) + 1);
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)base;
	while (*p) {
		size_t len = utf8_seq(p);
		int bad = len == 0 || (len == 1 && (*p < 0x20 || *p == 0x7f || strchr("\"\\:*?<>|;", *p)));
		if (bad) {
			out[n++] = '_';
			p++;
			continue;
		}
		memcpy(out + n, p, len);
		n += len;
		p += len;
	}
	out[n] = '\0';
	return out;
}

/* Cut s (valid UTF-8) to ATTACHMENT_NAME_MAX characters into out, keeping a short extension. */
static void cut_name(const char *s, char *out)
{
	size_t cap = TEXTLEN_BYTES(ATTACHMENT_NAME_MAX);
	if (textlen_chars(s) <= ATTACHMENT_NAME_MAX) {
		snprintf(out, cap, "%s", s);
		return;
	}
	const char *dot = strrchr(s, '.');
	size_t ext = dot && dot != s ? textlen_chars(dot) : 0;
	if (ext > ATTACHMENT_EXT_MAX)
		ext = 0;
	size_t stem = textlen_prefix(s, ATTACHMENT_NAME_MAX - ext, cap - 1);
	snprintf(out, cap, "%.*s%s", (int)stem, s, ext ? dot : "");
}

void attachment_clean_name(const char *name, char *out)
{
	const char *base = name ? name : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	while (*base == '.' || *base == ' ')
		base++;
	char *clean = sanitise(base);
	cut_name(clean, out);
	free(clean);
	if (!out[0])
		snprintf(out, TEXTLEN_BYTES(ATTACHMENT_NAME_MAX), "attachment");
}

static json_t *attachment_json(const struct attachment *x)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:I,s:s,s:I}", "id", (json_int_t)x->id, "ticket_id",
	                 (json_int_t)x->ticket_id, "filename", x->filename, "content_type", x->content_type,
	                 "size", (json_int_t)x->size, "sha256", x->sha256, "created_at",
	                 (json_int_t)x->created_at);
}

static int check(const char *content_type, const void *data, size_t len, const char **type, struct kf_error *err)
{
	if (len > ATTACHMENT_MAX)
		return kf_fail(err, KF_ETOOBIG, "too_large", "body",
		               "an attachment may have at most %u bytes", ATTACHMENT_MAX);
	*type = attachment_check_type(content_type, data, len);
	if (!*type)
		return kf_fail(
		        err, KF_EUNSUPPORTED, "attachment_type", "Content-Type",
		        "attachments must be png, jpeg, gif, webp, pdf, plain text, csv or zip, and the bytes must match the type");
	return 0;
}

static int store_rows(struct db *db, const struct actor *a, int64_t now, struct attachment *x,
                      const void *data, size_t len, struct kf_error *err)
{
	struct ticket t;
	int rc = ticket_get(db, x->ticket_id, &t, err);
	if (rc == 0)
		rc = db_exec(db, &q_blob, DB_ARGS(db_text(x->sha256), db_blob(data, len)), err);
	if (rc >= 0)
		rc = db_query_int(db, &q_insert,
		                  DB_ARGS(db_int(x->ticket_id), db_text(x->filename), db_text(x->content_type),
		                          db_int((int64_t)len), db_text(x->sha256), db_int(a->id), db_int(now)),
		                  &x->id, err);
	json_t *ev = rc == 0 ? attachment_json(x) : NULL;
	if (rc == 0)
		rc = ticket_event_add(db, a, now, x->ticket_id, "attachment", NULL, ev, err);
	json_decref(ev);
	return rc;
}

int attachment_add(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, const char *filename,
                   const char *content_type, const void *data, size_t len, json_t **out, struct kf_error *err)
{
	struct attachment x;
	unsigned char h[crypto_hash_sha256_BYTES];
	*out = NULL;
	memset(&x, 0, sizeof(x));
	int rc = check(content_type, data, len, &x.content_type, err);
	if (rc < 0)
		return rc;
	x.ticket_id = ticket_id;
	x.size = (int64_t)len;
	x.created_at = now;
	attachment_clean_name(filename, x.filename);
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(x.sha256, sizeof(x.sha256), h, sizeof(h));
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = store_rows(db, a, now, &x, data, len, err);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, err);
	if (rc == 0)
		*out = attachment_json(&x);
	return rc;
}

/* The static type string for a stored content type. */
static const char *canonical(const char *s)
{
	for (size_t i = 0; s && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].type, s) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static void from_row(struct db_rows *r, struct attachment *x)
{
	x->id = db_col_int(r, AC_ID);
	x->ticket_id = db_col_int(r, AC_TICKET_ID);
	str_copy(x->filename, sizeof(x->filename), db_col_text(r, AC_FILENAME));
	x->content_type = canonical(db_col_text(r, AC_CONTENT_TYPE));
	x->size = db_col_int(r, AC_SIZE);
	str_copy(x->sha256, sizeof(x->sha256), db_col_text(r, AC_SHA256));
	x->created_at = db_col_int(r, AC_CREATED_AT);
}

int attachment_get(struct db *db, int64_t id, struct attachment *out, struct buf *bytes, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_get, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		from_row(r, out);
		rc = buf_add(bytes, db_col_text(r, AC_BYTES), db_col_len(r, AC_BYTES)) < 0 ? KF_ETOOBIG : 1;
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "attachment", "no such attachment");
	if (rc == KF_ETOOBIG)
		return kf_fail(err, KF_EDB, NULL, NULL, "attachment too large to read");
	return rc < 0 ? rc : 0;
}

int attachment_list(struct db *db, int64_t ticket_id, json_t **items, struct kf_error *err)
{
	struct db_rows *r = NULL;
	struct attachment x;
	*items = json_array();
	int rc = db_query(db, &q_list, DB_ARGS(db_int(ticket_id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		from_row(r, &x);
		json_array_append_new(*items, attachment_json(&x));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

static struct db_sql q_blob_get = DB_SQL("SELECT bytes FROM attachment_blobs WHERE sha256 = $1");
static struct db_sql q_set_message = DB_SQL("UPDATE attachments SET message_id = $2 WHERE id = $1");

int attachment_blob_put(struct db *db, const void *data, size_t len, char sha256[65], struct kf_error *err)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(sha256, 65, h, sizeof(h));
	int rc = db_exec(db, &q_blob, DB_ARGS(db_text(sha256), db_blob(data, len)), err);
	return rc < 0 ? rc : 0;
}

int attachment_blob_get(struct db *db, const char *sha256, struct buf *bytes, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_blob_get, DB_ARGS(db_text(sha256)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		rc = buf_add(bytes, db_col_text(r, 0), db_col_len(r, 0)) < 0 ? KF_ETOOBIG : 1;
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "no such file");
	if (rc == KF_ETOOBIG)
		return kf_fail(err, KF_EDB, NULL, NULL, "file too large to read");
	return rc < 0 ? rc : 0;
}

int attachment_set_message(struct db *db, int64_t id, int64_t message_id, struct kf_error *err)
{
	int rc = db_exec(db, &q_set_message, DB_ARGS(db_int(id), db_int(message_id)), err);
	return rc < 0 ? rc : 0;
}

static struct db_sql q_attach = DB_SQL(
        "UPDATE attachments SET message_id = $3 WHERE id = $2 AND ticket_id = $1 AND message_id IS NULL");

int attachment_attach(struct db *db, int64_t ticket_id, int64_t id, int64_t message_id, struct kf_error *err)
{
	int rc = db_exec(db, &q_attach, DB_ARGS(db_int(ticket_id), db_int(id), db_int(message_id)), err);
	if (rc == 0)
		return kf_fail(err, KF_EINVAL, "invalid", "attachments",
		               "attachment %lld is not a file of this ticket waiting to be sent",
		               (long long)id);
	return rc < 0 ? rc : 0;
}
