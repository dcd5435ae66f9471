/*
 * canned.c - see canned.h.
 */
#include "desk/canned.h"
#include "base/str.h"

#include <stdio.h>
#include <string.h>

#include "base/textlen.h"
#include "desk/ticket.h"
#include "store/db.h"

/* clang-format off */
#define CANNED_COLS(F, X) \
	F(CNC_ID, "id") \
	X(CNC_TITLE, "title") \
	X(CNC_BODY, "body") \
	X(CNC_LANGUAGE, "language") \
	X(CNC_CATEGORY_ID, "category_id") \
	X(CNC_CREATED_BY, "created_by") \
	X(CNC_CREATED_AT, "created_at") \
	X(CNC_UPDATED_AT, "updated_at") \
	X(CNC_VERSION, "version")
/* clang-format on */
DB_COLS_ENUM(CANNED_COLS, CNC_NCOLS);
static struct db_sql q_list = DB_SQL("SELECT " DB_COLS_SQL(CANNED_COLS) " FROM canned_replies"
                                                                        " ORDER BY id");
static struct db_sql q_get = DB_SQL("SELECT " DB_COLS_SQL(CANNED_COLS) " FROM canned_replies"
                                                                       " WHERE id = $1");
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO canned_replies (title, body, language, category_id, created_by, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id");
static struct db_sql q_update = DB_SQL(
        "UPDATE canned_replies SET title = $3, body = $4, updated_at = $5, version = version + 1"
        " WHERE id = $1 AND version = $2");
static struct db_sql q_delete = DB_SQL("DELETE FROM canned_replies WHERE id = $1");
/* The values of one ticket; the joined tables may have no row (LEFT JOIN). */
static struct db_sql q_values = DB_SQL(
        "SELECT c.name, o.number, s.tracking_number, t.subject FROM tickets t"
        " LEFT JOIN customers c ON c.id = t.customer_id LEFT JOIN orders o ON o.id = t.order_id"
        " LEFT JOIN shipments s ON s.id = t.shipment_id WHERE t.id = $1");

/* The value of variable name (n bytes); 1 found (*val may be NULL), 0 unknown. */
static int lookup(const struct canned_vars *v, const char *name, size_t n, const char **val)
{
	const struct {
		const char *name;
		const char *value;
	} vars[] = {
		{ "customer.name", v->customer_name },   { "ticket.number", v->ticket_number },
		{ "ticket.subject", v->ticket_subject }, { "agent.name", v->agent_name },
		{ "order.number", v->order_number },     { "shipment.tracking_number", v->tracking_number },
	};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (strlen(vars[i].name) == n && memcmp(vars[i].name, name, n) == 0) {
			*val = vars[i].value;
			return 1;
		}
	return 0;
}

/* One {{...}} at p (after the braces); *end is past the closing braces. */
static int expand(const char *p, const struct canned_vars *v, struct buf *out, const char **end,
                  struct kf_error *err)
{
	const char *close = strstr(p, "}}");
	const char *val = NULL;
	if (!close)
		return kf_fail(err, KF_EINVAL, "invalid", "body", "a {{ has no matching }}");
	const char *s = p, *e = close;
	while (s < e && *s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	if (!lookup(v, s, (size_t)(e - s), &val))
		return kf_fail(err, KF_EINVAL, "unknown_variable", "body", "unknown variable {{%.*s}}",
		               (int)(e - s > 64 ? 64 : e - s), s);
	*end = close + 2;
	return val ? buf_adds(out, val) : 0;
}

int canned_render(const char *tmpl, const struct canned_vars *v, struct buf *out, struct kf_error *err)
{
	const char *p = tmpl;
	while (*p) {
		const char *open = strstr(p, "{{");
		size_t n = open ? (size_t)(open - p) : strlen(p);
		int rc = buf_add(out, p, n);
		if (rc < 0)
			return kf_fail(err, rc, "too_long", "body", "the rendered text is too long");
		if (!open)
			break;
		rc = expand(open + 2, v, out, &p, err);
		if (rc < 0)
			return rc;
	}
	if (!out->p)
		buf_adds(out, "");
	return 0;
}

static json_t *row_json(struct db_rows *r)
{
	return json_pack(
	        "{s:I,s:s,s:s,s:s,s:o,s:I,s:I,s:I,s:I}", "id", (json_int_t)db_col_int(r, CNC_ID), "title",
	        db_col_text(r, CNC_TITLE), "body", db_col_text(r, CNC_BODY), "language",
	        db_col_text(r, CNC_LANGUAGE), "category_id",
	        db_col_isnull(r, CNC_CATEGORY_ID) ? json_null() : json_integer(db_col_int(r, CNC_CATEGORY_ID)),
	        "created_by", (json_int_t)db_col_int(r, CNC_CREATED_BY), "created_at",
	        (json_int_t)db_col_int(r, CNC_CREATED_AT), "updated_at",
	        (json_int_t)db_col_int(r, CNC_UPDATED_AT), "version", (json_int_t)db_col_int(r, CNC_VERSION));
}

static int fetch(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, json_t *arr,
                 json_t **one, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, q, args, nargs, &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		if (arr)
			json_array_append_new(arr, row_json(r));
		else
			*one = row_json(r);
	}
	db_done(r);
	return rc;
}

int canned_list(struct db *db, json_t **items, struct kf_error *err)
{
	*items = json_array();
	int rc = fetch(db, &q_list, DB_NOARGS, *items, NULL, err);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

static int canned_get(struct db *db, int64_t id, json_t **out, struct kf_error *err)
{
	*out = NULL;
	int rc = fetch(db, &q_get, DB_ARGS(db_int(id)), NULL, out, err);
	if (rc == 0 && !*out)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "canned_reply", "no such canned reply");
	return rc < 0 ? rc : 0;
}

/* A template must be non-empty, capped, and use only known variables. */
static int check_body(const char *body, struct kf_error *err)
{
	struct canned_vars none = { 0 };
	struct buf b = BUF_INIT;
	if (!body || !*body)
		return kf_fail(err, KF_EINVAL, "required", "body", "body is required");
	if (textlen_chars(body) > CANNED_BODY_MAX)
		return kf_fail(err, KF_ETOOBIG, "too_long", "body", "body may have at most %d characters",
		               CANNED_BODY_MAX);
	int rc = canned_render(body, &none, &b, err);
	buf_release(&b);
	return rc;
}

int canned_create(struct db *db, const struct actor *a, int64_t now, const char *title, const char *body,
                  const char *language, int64_t category_id, json_t **out, struct kf_error *err)
{
	int64_t id = 0;
	*out = NULL;
	int rc = check_body(body, err);
	if (rc == 0 && language && strcmp(language, "zh") != 0 && strcmp(language, "en") != 0)
		rc = kf_fail(err, KF_EINVAL, "invalid", "language", "language must be zh or en");
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_query_int(db, &q_insert,
	                  DB_ARGS(db_text(title), db_text(body), db_text(language ? language : "zh"),
	                          category_id > 0 ? db_int(category_id) : db_null(), db_int(a->id), db_int(now)),
	                  &id, err);
	if (rc == 0)
		rc = canned_get(db, id, out, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "canned.create", "canned_reply", id, NULL, *out, err);
	return db_finish(db, rc, err);
}

int canned_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                  const char *title, const char *body, json_t **out, struct kf_error *err)
{
	json_t *before = NULL;
	*out = NULL;
	int rc = body ? check_body(body, err) : 0;
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = canned_get(db, id, &before, err);
	if (rc == 0) {
		const char *t = title ? title : json_string_value(json_object_get(before, "title"));
		const char *b = body ? body : json_string_value(json_object_get(before, "body"));
		rc = db_exec(db, &q_update,
		             DB_ARGS(db_int(id), db_int(version), db_text(t), db_text(b), db_int(now)), err);
		if (rc == 0)
			rc = kf_fail(err, KF_ESTALE, "stale", NULL,
			             "the canned reply was changed by someone else");
	}
	if (rc > 0)
		rc = canned_get(db, id, out, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "canned.update", "canned_reply", id, before, *out, err);
	json_decref(before);
	return db_finish(db, rc, err);
}

int canned_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	json_t *before = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = canned_get(db, id, &before, err);
	if (rc == 0)
		rc = db_exec(db, &q_delete, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = audit_record(db, a, now, "canned.delete", "canned_reply", id, before, NULL, err);
	json_decref(before);
	return db_finish(db, rc, err);
}

/* Fill v from ticket id; strings are copied into store (6 x 512 bytes). */
static int ticket_vars(struct db *db, int64_t id, struct canned_vars *v, char store[4][512],
                       struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_values, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		const char **slot[4] = { &v->customer_name, &v->order_number, &v->tracking_number,
			                 &v->ticket_subject };
		for (int i = 0; i < 4; i++) {
			str_copy(store[i], 512, db_col_isnull(r, i) ? "" : db_col_text(r, i));
			*slot[i] = db_col_isnull(r, i) ? NULL : store[i];
		}
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "ticket", "no such ticket");
	return rc < 0 ? rc : 0;
}

int canned_render_for_ticket(struct db *db, int64_t ticket_id, int64_t id, const char *agent_name,
                             json_t **out, struct kf_error *err)
{
	struct canned_vars v = { 0 };
	struct buf b = BUF_INIT;
	char store[4][512], num[24];
	json_t *row = NULL;
	*out = NULL;
	int rc = ticket_vars(db, ticket_id, &v, store, err);
	if (rc == 0)
		rc = canned_get(db, id, &row, err);
	ticket_number(ticket_id, num, sizeof(num));
	v.ticket_number = num;
	v.agent_name = agent_name;
	if (rc == 0)
		rc = canned_render(json_string_value(json_object_get(row, "body")), &v, &b, err);
	if (rc == 0)
		*out = json_pack("{s:I,s:I,s:s}", "canned_reply_id", (json_int_t)id, "ticket_id",
		                 (json_int_t)ticket_id, "text", buf_cstr(&b));
	json_decref(row);
	buf_release(&b);
	return rc;
}
