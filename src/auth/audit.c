/*
 * audit.c - see audit.h.
 */
#include "auth/audit.h"

#include <stdlib.h>

#include "base/json.h"
#include "store/db.h"
#include "base/banned.h"

static struct db_sql q_insert = DB_SQL(
        "INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, object_type,"
        " object_id, before_json, after_json, addr, request_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");

static struct db_sql q_list = DB_SQL(
        "SELECT id, at, actor_kind, actor_id, actor_name, action, object_type, object_id,"
        " before_json, after_json, addr, request_id FROM audit_log"
        " WHERE ($1 = 0 OR id < $1) AND ($2 = '' OR object_type = $2)"
        " AND ($3 = 0 OR object_id = $3) ORDER BY id DESC LIMIT $4");

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
	        "{s:I,s:I,s:s,s:o,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)db_col_int(r, 0), "at",
	        (json_int_t)db_col_int(r, 1), "actor_kind", db_col_text(r, 2), "actor_id",
	        db_col_isnull(r, 3) ? json_null() : json_integer(db_col_int(r, 3)), "actor_name",
	        db_col_text(r, 4), "action", db_col_text(r, 5), "object_type", db_col_text(r, 6), "object_id",
	        db_col_isnull(r, 7) ? json_null() : json_integer(db_col_int(r, 7)), "before",
	        parsed_or_null(db_col_text(r, 8)), "after", parsed_or_null(db_col_text(r, 9)), "addr",
	        json_str_or_null(db_col_text(r, 10)), "request_id", json_str_or_null(db_col_text(r, 11)));
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
		*last_id = db_col_int(r, 0);
		json_array_append_new(*items, audit_row(r));
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}
