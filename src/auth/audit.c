/*
 * audit.c - see audit.h.
 */
#include "auth/audit.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "store/db.h"

static struct db_sql q_insert = DB_SQL(
        "INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, object_type,"
        " object_id, before_json, after_json, addr, request_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");

/* clang-format off */
#define AUDIT_COLS(F, X) \
	F(AC_ID, "id") \
	X(AC_AT, "at") \
	X(AC_ACTOR_KIND, "actor_kind") \
	X(AC_ACTOR_ID, "actor_id") \
	X(AC_ACTOR_NAME, "actor_name") \
	X(AC_ACTION, "action") \
	X(AC_OBJECT_TYPE, "object_type") \
	X(AC_OBJECT_ID, "object_id") \
	X(AC_BEFORE, "before_json") \
	X(AC_AFTER, "after_json") \
	X(AC_ADDR, "addr") \
	X(AC_REQUEST_ID, "request_id")
/* clang-format on */
DB_COLS_ENUM(AUDIT_COLS, AC_NCOLS);
static struct db_sql q_list = DB_SQL("SELECT " DB_COLS_SQL(
        AUDIT_COLS) " FROM audit_log"
                    " WHERE ($1 = 0 OR id < $1) AND ($2 = '' OR object_type = $2) AND ($3 = 0"
                    " OR object_id = $3) ORDER BY id DESC LIMIT $4");

static char *dump_or_null(json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

int audit_record(struct db *db, const struct actor *a, int64_t at, const char *action, const char *object_type,
                 int64_t object_id, json_t *before, json_t *after, struct kf_error *err)
{
	char *b = dump_or_null(before), *f = dump_or_null(after);
	int rc = db_exec(db, &q_insert,
	                 DB_ARGS(db_int(at), db_text(a->kind), a->id ? db_int(a->id) : db_null(),
	                         db_text(a->name ? a->name : ""), db_text(action), db_text(object_type),
	                         object_id ? db_int(object_id) : db_null(), db_text(b), db_text(f),
	                         db_text(a->addr), db_text(a->rid)),
	                 err);
	free(b);
	free(f);
	return rc < 0 ? rc : 0;
}

static json_t *parsed_or_null(const char *s)
{
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;
	return j ? j : json_null();
}

static json_t *audit_row(struct db_rows *r)
{
	return json_pack(
	        "{s:I,s:I,s:s,s:o,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)db_col_int(r, AC_ID),
	        "at", (json_int_t)db_col_int(r, AC_AT), "actor_kind", db_col_text(r, AC_ACTOR_KIND), "actor_id",
	        db_col_isnull(r, AC_ACTOR_ID) ? json_null() : json_integer(db_col_int(r, AC_ACTOR_ID)),
	        "actor_name", db_col_text(r, AC_ACTOR_NAME), "action", db_col_text(r, AC_ACTION),
	        "object_type", db_col_text(r, AC_OBJECT_TYPE), "object_id",
	        db_col_isnull(r, AC_OBJECT_ID) ? json_null() : json_integer(db_col_int(r, AC_OBJECT_ID)),
	        "before", parsed_or_null(db_col_text(r, AC_BEFORE)), "after",
	        parsed_or_null(db_col_text(r, AC_AFTER)), "addr", json_str_or_null(db_col_text(r, AC_ADDR)),
	        "request_id", json_str_or_null(db_col_text(r, AC_REQUEST_ID)));
}

int audit_list(struct db *db, const char *object_type, int64_t object_id, int64_t before_id, int limit,
               json_t **items, int64_t *last_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	*last_id = 0;
	int rc = db_query(db, &q_list,
	                  DB_ARGS(db_int(before_id), db_text(object_type ? object_type : ""),
	                          db_int(object_id), db_int(limit)),
	                  &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last_id = db_col_int(r, AC_ID);
		json_array_append_new(*items, audit_row(r));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

/* --- redaction (erasure) ------------------------------------------------ */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The length of value matched at p (s its start), else 0.  A value with
 * '*' and no '@' is a masked phone (138****5678): each '*' stands for one
 * digit, and the match may not sit inside a longer run of digits.  A
 * masked e-mail (a***@example.com) is matched as written.
 */
static size_t match_at(const char *s, const char *p, const char *value)
{
	size_t n = strlen(value);
	if (!strchr(value, '*') || strchr(value, '@')) /* a masked e-mail is matched as written */
		return n && strncmp(p, value, n) == 0 ? n : 0;
	if (p > s && is_digit(p[-1]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (value[i] == '*' ? !is_digit(p[i]) : p[i] != value[i])
			return 0;
	return is_digit(p[n]) ? 0 : n;
}

char *audit_text_redact(const char *s, const struct audit_redaction *r)
{
	struct buf b = BUF_INIT;
	int hit = 0;
	const char *p = s;
	while (*p) {
		size_t k = 0;
		for (size_t i = 0; i < r->nvalues && !k; i++)
			k = match_at(s, p, r->values[i]);
		if (k) {
			buf_adds(&b, r->mark);
			p += k;
			hit = 1;
		} else {
			buf_addch(&b, *p++);
		}
	}
	char *out = hit ? xstrdup(buf_cstr(&b)) : NULL;
	buf_release(&b);
	return out;
}

static int is_key(const char *key, const char *const *keys)
{
	for (; keys && *keys; keys++)
		if (strcmp(key, *keys) == 0)
			return 1;
	return 0;
}

/* The string j (a member or element) redacted in place; 1 if it changed. */
static int redact_string(json_t *j, const struct audit_redaction *r, int whole)
{
	const char *s = json_string_value(j);
	if (whole && *s && strcmp(s, r->mark) != 0)
		return json_string_set(j, r->mark) == 0;
	char *t = audit_text_redact(s, r);
	int changed = t && json_string_set(j, t) == 0;
	free(t);
	return changed;
}

int audit_json_redact(json_t *j, const struct audit_redaction *r, int whole_keys)
{
	int n = 0;
	if (json_is_object(j)) {
		const char *key;
		json_t *v;
		json_object_foreach(j, key, v)
		{
			if (json_is_string(v))
				n += redact_string(v, r, whole_keys && is_key(key, r->keys));
			else
				n += audit_json_redact(v, r, whole_keys);
		}
	} else if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v)
		{
			if (json_is_string(v))
				n += redact_string(v, r, 0);
			else
				n += audit_json_redact(v, r, whole_keys);
		}
	}
	return n;
}

/* clang-format off */
#define COPY_COLS(F, X) \
	F(CPC_ID, "id") \
	X(CPC_BEFORE, "before_json") \
	X(CPC_AFTER, "after_json")
/* clang-format on */
DB_COLS_ENUM(COPY_COLS, CPC_NCOLS);
static struct db_sql q_own = DB_SQL(
        "SELECT " DB_COLS_SQL(COPY_COLS) " FROM audit_log"
                                         " WHERE object_type = $1 AND object_id = $2");
static struct db_sql q_containing = DB_SQL("SELECT " DB_COLS_SQL(
        COPY_COLS) " FROM audit_log"
                   " WHERE before_json LIKE $1 ESCAPE '!' OR after_json LIKE $1 ESCAPE '!'");
static struct db_sql q_redact = DB_SQL("UPDATE audit_log SET before_json = $2, after_json = $3 WHERE id = $1");

/* "%value%" for LIKE with '!' as the escape character. */
static char *like_pattern(const char *v)
{
	struct buf b = BUF_INIT;
	buf_addch(&b, '%');
	for (; *v; v++) {
		if (*v == '%' || *v == '_' || *v == '!')
			buf_addch(&b, '!');
		buf_addch(&b, *v);
	}
	buf_addch(&b, '%');
	char *out = xstrdup(buf_cstr(&b));
	buf_release(&b);
	return out;
}

/* One stored copy redacted: the new text into *out (NULL when unchanged or not JSON). */
static void redact_text(const char *text, const struct audit_redaction *r, int own, char **out)
{
	*out = NULL;
	json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	if (j && audit_json_redact(j, r, own) > 0)
		*out = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_decref(j);
}

struct audit_copy {
	int64_t id;
	char *before, *after;
};

/* The rows of an open query (id, before, after), collected; *n how many. */
static int collect_rows(struct db *db, struct db_rows *rs, struct audit_copy **rows, size_t *n,
                        struct kf_error *err)
{
	int rc;
	size_t cap = *n;
	(void)db;
	while ((rc = db_next(rs, err)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*rows = xreallocarray(*rows, cap, sizeof(**rows));
		}
		(*rows)[(*n)++] = (struct audit_copy){
			db_col_int(rs, CPC_ID),
			db_col_isnull(rs, CPC_BEFORE) ? NULL : xstrdup(db_col_text(rs, CPC_BEFORE)),
			db_col_isnull(rs, CPC_AFTER) ? NULL : xstrdup(db_col_text(rs, CPC_AFTER))
		};
	}
	return rc;
}

static int redact_rows(struct db *db, struct audit_copy *rows, size_t n, const struct audit_redaction *r,
                       int own, struct kf_error *err)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		char *b = NULL, *a = NULL;
		redact_text(rows[i].before, r, own, &b);
		redact_text(rows[i].after, r, own, &a);
		if (b || a)
			rc = db_exec(db, &q_redact,
			             DB_ARGS(db_int(rows[i].id), db_text(b ? b : rows[i].before),
			                     db_text(a ? a : rows[i].after)),
			             err);
		free(b);
		free(a);
	}
	return rc < 0 ? rc : 0;
}

static void rows_free(struct audit_copy *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].before);
		free(rows[i].after);
	}
	free(rows);
}

int audit_redact(struct db *db, const char *object_type, int64_t object_id, const struct audit_redaction *r,
                 struct kf_error *err)
{
	struct audit_copy *rows = NULL;
	struct db_rows *rs = NULL;
	size_t n = 0;
	int rc = db_query(db, &q_own, DB_ARGS(db_text(object_type), db_int(object_id)), &rs, err);
	if (rc >= 0)
		rc = collect_rows(db, rs, &rows, &n, err);
	db_done(rs);
	if (rc >= 0)
		rc = redact_rows(db, rows, n, r, 1, err);
	rows_free(rows, n);
	for (size_t v = 0; v < r->nvalues && rc >= 0; v++) {
		if (strchr(r->values[v], '*') && !strchr(r->values[v], '@'))
			continue; /* a masked phone: LIKE cannot look for it */
		char *pat = like_pattern(r->values[v]);
		rows = NULL;
		n = 0;
		rs = NULL;
		rc = db_query(db, &q_containing, DB_ARGS(db_text(pat)), &rs, err);
		if (rc >= 0)
			rc = collect_rows(db, rs, &rows, &n, err);
		db_done(rs);
		if (rc >= 0)
			rc = redact_rows(db, rows, n, r, 0, err);
		rows_free(rows, n);
		free(pat);
	}
	return rc < 0 ? rc : 0;
}
