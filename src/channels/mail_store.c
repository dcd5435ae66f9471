/*
 * mail_store.c - see mail_store.h.
 */
#include "channels/mail_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/privacy.h"
#include "store/db.h"

static struct db_sql q_insert = DB_SQL(
        "INSERT INTO mail_messages (direction, kind, ticket_id, message_id, mailbox_id, imap_uid, rfc_message_id,"
        " in_reply_to, refs, from_addr, from_name, to_addrs, cc_addrs, subject, status, reason, next_at,"
        " raw_sha256, size, quote_at, html, skipped, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,"
        " $21, $22, $23, $23) RETURNING id");
static struct db_sql q_seen_rfc = DB_SQL(
        "SELECT id, ticket_id FROM mail_messages WHERE direction = $1 AND rfc_message_id = $2");
static struct db_sql q_seen_uid = DB_SQL(
        "SELECT id, ticket_id FROM mail_messages WHERE mailbox_id = $1 AND imap_uid = $2");
static struct db_sql q_ticket_of = DB_SQL("SELECT ticket_id FROM mail_messages WHERE rfc_message_id = $1"
                                          " AND ticket_id IS NOT NULL ORDER BY id DESC LIMIT 1");
static struct db_sql q_sender_count = DB_SQL(
        "SELECT COUNT(*) FROM mail_messages WHERE direction = 'in' AND from_addr = $1 AND created_at >= $2"
        " AND status = 'received'");
static struct db_sql q_bounce = DB_SQL(
        "UPDATE mail_messages SET status = 'bounced', last_error = $2, updated_at = $3"
        " WHERE direction = 'out' AND rfc_message_id = $1");
static struct db_sql q_ref = DB_SQL(
        "SELECT id, ticket_id, direction, raw_sha256 FROM mail_messages WHERE id = $1");
static struct db_sql q_html = DB_SQL("SELECT html FROM mail_messages WHERE id = $1");

/* clang-format off */
#define MAIL_COLS(F, X) \
	F(MC_ID, "id") \
	X(MC_DIRECTION, "direction") \
	X(MC_KIND, "kind") \
	X(MC_TICKET_ID, "ticket_id") \
	X(MC_MESSAGE_ID, "message_id") \
	X(MC_MAILBOX_ID, "mailbox_id") \
	X(MC_RFC, "rfc_message_id") \
	X(MC_IN_REPLY_TO, "in_reply_to") \
	X(MC_FROM_ADDR, "from_addr") \
	X(MC_FROM_NAME, "from_name") \
	X(MC_TO, "to_addrs") \
	X(MC_CC, "cc_addrs") \
	X(MC_SUBJECT, "subject") \
	X(MC_STATUS, "status") \
	X(MC_REASON, "reason") \
	X(MC_ATTEMPTS, "attempts") \
	X(MC_NEXT_AT, "next_at") \
	X(MC_LAST_ERROR, "last_error") \
	X(MC_QUOTE_AT, "quote_at") \
	X(MC_HAS_HTML, "CASE WHEN html = '' THEN 0 ELSE 1 END") \
	X(MC_SIZE, "size") \
	X(MC_SKIPPED, "skipped") \
	X(MC_CREATED_AT, "created_at") \
	X(MC_UPDATED_AT, "updated_at")
/* clang-format on */
DB_COLS_ENUM(MAIL_COLS, MC_NCOLS);

static struct db_sql q_ticket = DB_SQL("SELECT " DB_COLS_SQL(
        MAIL_COLS) " FROM mail_messages WHERE ticket_id = $1"
                   " OR message_id IN (SELECT id FROM ticket_messages WHERE ticket_id = $1)"
                   " ORDER BY id LIMIT 1000");
static struct db_sql q_list = DB_SQL(
        "SELECT " DB_COLS_SQL(MAIL_COLS) " FROM mail_messages"
                                         " WHERE (CAST($1 AS TEXT) = '' OR direction = $1)"
                                         " AND (CAST($2 AS TEXT) = '' OR status = $2)"
                                         " AND ($3 = 0 OR id < $3) ORDER BY id DESC LIMIT $4");

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static struct db_arg id_or_null(int64_t v)
{
	return v > 0 ? db_int(v) : db_null();
}

int mail_store_insert(struct db *db, const struct mail_row *r, int64_t *id, struct kf_error *err)
{
	return db_query_int(db, &q_insert,
	                    DB_ARGS(db_text(r->direction), db_text(r->kind ? r->kind : "message"),
	                            id_or_null(r->ticket_id), id_or_null(r->message_id),
	                            id_or_null(r->mailbox_id), id_or_null(r->imap_uid),
	                            db_text(r->rfc_message_id), db_text(or_empty(r->in_reply_to)),
	                            db_text(or_empty(r->refs)), db_text(or_empty(r->from_addr)),
	                            db_text(or_empty(r->from_name)), db_text(r->to_addrs ? r->to_addrs : "[]"),
	                            db_text(r->cc_addrs ? r->cc_addrs : "[]"), db_text(or_empty(r->subject)),
	                            db_text(r->status), db_text(or_empty(r->reason)), db_int(r->next_at),
	                            db_text(or_empty(r->raw_sha256)), db_int(r->size), db_int(r->quote_at),
	                            db_text(or_empty(r->html)), db_text(r->skipped ? r->skipped : "[]"),
	                            db_int(r->created_at)),
	                    id, err);
}

/* The first row of q: 1 with its id and ticket, 0 when none. */
static int id_ticket(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, int64_t *id,
                     int64_t *ticket_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, q, args, nargs, &r, err);
	if (rc == 0 && (rc = db_next(r, err)) == 1) {
		*id = db_col_int(r, 0);
		*ticket_id = db_col_isnull(r, 1) ? 0 : db_col_int(r, 1);
	}
	db_done(r);
	return rc;
}

int mail_store_seen(struct db *db, const char *direction, const char *rfc_message_id, int64_t mailbox_id,
                    int64_t imap_uid, int64_t *id, int64_t *ticket_id, struct kf_error *err)
{
	int rc = 0;
	*id = *ticket_id = 0;
	if (mailbox_id > 0 && imap_uid > 0)
		rc = id_ticket(db, &q_seen_uid, DB_ARGS(db_int(mailbox_id), db_int(imap_uid)), id, ticket_id,
		               err);
	if (rc == 0)
		rc = id_ticket(db, &q_seen_rfc, DB_ARGS(db_text(direction), db_text(rfc_message_id)), id,
		               ticket_id, err);
	return rc;
}

int mail_store_ticket_of(struct db *db, const char *rfc_message_id, int64_t *ticket_id, struct kf_error *err)
{
	*ticket_id = 0;
	int rc = db_query_int(db, &q_ticket_of, DB_ARGS(db_text(rfc_message_id)), ticket_id, err);
	return rc == KF_ENOTFOUND ? 0 : rc;
}

int mail_store_sender_count(struct db *db, const char *addr, int64_t since, int64_t *n, struct kf_error *err)
{
	return db_query_int(db, &q_sender_count, DB_ARGS(db_text(addr), db_int(since)), n, err);
}

int mail_store_bounced(struct db *db, const char *rfc_message_id, const char *why, int64_t now, int64_t *id,
                       int64_t *ticket_id, struct kf_error *err)
{
	*id = *ticket_id = 0;
	int rc = db_exec(db, &q_bounce, DB_ARGS(db_text(rfc_message_id), db_text(why), db_int(now)), err);
	if (rc <= 0)
		return rc;
	return id_ticket(db, &q_seen_rfc, DB_ARGS(db_text("out"), db_text(rfc_message_id)), id, ticket_id, err);
}

int mail_store_ref(struct db *db, int64_t id, struct mail_ref *out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	memset(out, 0, sizeof(*out));
	int rc = db_query(db, &q_ref, DB_ARGS(db_int(id)), &r, err);
	if (rc == 0 && (rc = db_next(r, err)) == 1) {
		out->id = db_col_int(r, 0);
		out->ticket_id = db_col_isnull(r, 1) ? 0 : db_col_int(r, 1);
		snprintf(out->direction, sizeof(out->direction), "%s", or_empty(db_col_text(r, 2)));
		snprintf(out->raw_sha256, sizeof(out->raw_sha256), "%s", or_empty(db_col_text(r, 3)));
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "no such mail");
	return rc < 0 ? rc : 0;
}

int mail_store_html(struct db *db, int64_t id, struct buf *out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_html, DB_ARGS(db_int(id)), &r, err);
	if (rc == 0 && (rc = db_next(r, err)) == 1)
		rc = buf_adds(out, or_empty(db_col_text(r, 0))) < 0 ? KF_ETOOBIG : 1;
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", NULL, "no such mail");
	if (rc == KF_ETOOBIG)
		return kf_fail(err, KF_EDB, NULL, NULL, "mail too large to read");
	return rc < 0 ? rc : 0;
}

/* {"name","address"}, masked when mask. */
static json_t *addr_json(const char *name, const char *address, int mask)
{
	char n[1024], a[300];
	if (!mask)
		return json_pack("{s:s,s:s}", "name", or_empty(name), "address", or_empty(address));
	privacy_mask_text(or_empty(name), n, sizeof(n));
	privacy_mask_email(or_empty(address), a, sizeof(a));
	return json_pack("{s:s,s:s}", "name", n, "address", a);
}

/* A stored address list, masked when mask; [] when the text is not one. */
static json_t *addrs_json(const char *text, int mask)
{
	json_t *in = json_loads(or_empty(text), 0, NULL), *out = json_array(), *v;
	size_t i;
	json_array_foreach(in, i, v)
	{
		json_array_append_new(out,
		                      addr_json(json_string_value(json_object_get(v, "name")),
		                                json_string_value(json_object_get(v, "address")), mask));
	}
	json_decref(in);
	return out;
}

static json_t *id_or_json_null(struct db_rows *r, int col)
{
	return db_col_isnull(r, col) ? json_null() : json_integer(db_col_int(r, col));
}

static json_t *row_json(struct db_rows *r, int mask)
{
	json_t *skipped = json_loads(or_empty(db_col_text(r, MC_SKIPPED)), 0, NULL);
	return json_pack(
	        "{s:I,s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:s,s:I,s:I,s:s,s:I,s:b,s:I,s:o,s:I,s:I}",
	        "id", (json_int_t)db_col_int(r, MC_ID), "direction", or_empty(db_col_text(r, MC_DIRECTION)),
	        "kind", or_empty(db_col_text(r, MC_KIND)), "ticket_id", id_or_json_null(r, MC_TICKET_ID),
	        "message_id", id_or_json_null(r, MC_MESSAGE_ID), "mailbox_id",
	        id_or_json_null(r, MC_MAILBOX_ID), "rfc_message_id", or_empty(db_col_text(r, MC_RFC)),
	        "in_reply_to", or_empty(db_col_text(r, MC_IN_REPLY_TO)), "from",
	        addr_json(db_col_text(r, MC_FROM_NAME), db_col_text(r, MC_FROM_ADDR), mask), "to",
	        addrs_json(db_col_text(r, MC_TO), mask), "cc", addrs_json(db_col_text(r, MC_CC), mask),
	        "subject", or_empty(db_col_text(r, MC_SUBJECT)), "status",
	        or_empty(db_col_text(r, MC_STATUS)), "reason", or_empty(db_col_text(r, MC_REASON)),
	        "attempts", (json_int_t)db_col_int(r, MC_ATTEMPTS), "next_at",
	        (json_int_t)db_col_int(r, MC_NEXT_AT), "last_error", or_empty(db_col_text(r, MC_LAST_ERROR)),
	        "quote_at", (json_int_t)db_col_int(r, MC_QUOTE_AT), "has_html",
	        (int)db_col_int(r, MC_HAS_HTML), "size", (json_int_t)db_col_int(r, MC_SIZE), "skipped",
	        skipped ? skipped : json_array(), "created_at", (json_int_t)db_col_int(r, MC_CREATED_AT),
	        "updated_at", (json_int_t)db_col_int(r, MC_UPDATED_AT));
}

/* Every row of q as JSON into a new array; *last_id the last row's id. */
static int rows_json(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, int mask,
                     json_t **items, int64_t *last_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	*last_id = 0;
	int rc = db_query(db, q, args, nargs, &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last_id = db_col_int(r, MC_ID);
		json_array_append_new(*items, row_json(r, mask));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

int mail_store_ticket_json(struct db *db, int64_t ticket_id, int mask, json_t **items, struct kf_error *err)
{
	int64_t last;
	return rows_json(db, &q_ticket, DB_ARGS(db_int(ticket_id)), mask, items, &last, err);
}

int mail_store_list_json(struct db *db, const struct mail_store_filter *f, int mask, json_t **items,
                         int64_t *last_id, struct kf_error *err)
{
	return rows_json(db, &q_list,
	                 DB_ARGS(db_text(or_empty(f->direction)), db_text(or_empty(f->status)),
	                         db_int(f->before_id), db_int(f->limit)),
	                 mask, items, last_id, err);
}

char *mail_store_addrs_text(const struct mail_addr *a, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, addr_json(a[i].name, a[i].address, 0));
	char *text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return text;
}
