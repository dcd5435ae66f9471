/*
 * view.c - see view.h.
 */
#include "desk/view.h"

#include <stdlib.h>
#include <string.h>

#include "store/db.h"

/* clang-format off */
#define VIEW_ROW_COLS(F, X) \
	F(VC_ID, "id") \
	X(VC_NAME, "name") \
	X(VC_KIND, "kind") \
	X(VC_QUERY, "query") \
	X(VC_CREATED_AT, "created_at") \
	X(VC_UPDATED_AT, "updated_at") \
	X(VC_VERSION, "version")
/* clang-format on */
DB_COLS_ENUM(VIEW_ROW_COLS, VC_NCOLS);
#define VIEW_COLS DB_COLS_SQL(VIEW_ROW_COLS)
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO saved_views (user_id, name, kind, query, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id");
static struct db_sql q_list = DB_SQL("SELECT " VIEW_COLS
                                     " FROM saved_views WHERE user_id = $1 ORDER BY name, id");
static struct db_sql q_get = DB_SQL("SELECT " VIEW_COLS " FROM saved_views WHERE user_id = $1 AND id = $2");
static struct db_sql q_update = DB_SQL(
        "UPDATE saved_views SET name = COALESCE($4, name), query = COALESCE($5, query), updated_at = $6,"
        " version = version + 1 WHERE user_id = $1 AND id = $2 AND version = $3");
static struct db_sql q_delete = DB_SQL("DELETE FROM saved_views WHERE user_id = $1 AND id = $2");

int view_kind_valid(const char *kind, struct kf_error *err)
{
	static const char *const kinds[] = { "tickets", "customers", "orders", NULL };
	for (const char *const *k = kinds; *k; k++)
		if (strcmp(*k, kind) == 0)
			return 0;
	return kf_fail(err, KF_EINVAL, "invalid", "kind", "kind must be tickets, customers or orders");
}

static json_t *view_row(struct db_rows *r)
{
	json_t *q = json_loads(db_col_text(r, VC_QUERY), 0, NULL);
	return json_pack("{s:I,s:s,s:s,s:o,s:I,s:I,s:I}", "id", (json_int_t)db_col_int(r, VC_ID), "name",
	                 db_col_text(r, VC_NAME), "kind", db_col_text(r, VC_KIND), "query",
	                 q ? q : json_object(), "created_at", (json_int_t)db_col_int(r, VC_CREATED_AT),
	                 "updated_at", (json_int_t)db_col_int(r, VC_UPDATED_AT), "version",
	                 (json_int_t)db_col_int(r, VC_VERSION));
}

static int view_rows(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, json_t *into,
                     struct kf_error *err)
{
	struct db_rows *r = NULL;
	int n = 0;
	int rc = db_query(db, q, args, nargs, &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		json_array_append_new(into, view_row(r));
		n++;
	}
	db_done(r);
	return rc < 0 ? rc : n;
}

int view_get(struct db *db, int64_t user_id, int64_t id, json_t **out, struct kf_error *err)
{
	json_t *a = json_array();
	int rc = view_rows(db, &q_get, DB_ARGS(db_int(user_id), db_int(id)), a, err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "view", "no such view");
	if (rc > 0) {
		*out = json_incref(json_array_get(a, 0));
		rc = 0;
	}
	json_decref(a);
	return rc;
}

int view_list(struct db *db, int64_t user_id, json_t **items, struct kf_error *err)
{
	*items = json_array();
	int rc = view_rows(db, &q_list, DB_ARGS(db_int(user_id)), *items, err);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

int view_create(struct db *db, int64_t user_id, const char *name, const char *kind, json_t *query,
                int64_t now, json_t **out, struct kf_error *err)
{
	int64_t id = 0;
	int rc = view_kind_valid(kind, err);
	if (rc < 0)
		return rc;
	char *text = json_dumps(query, JSON_COMPACT | JSON_SORT_KEYS);
	rc = db_query_int(db, &q_insert,
	                  DB_ARGS(db_int(user_id), db_text(name), db_text(kind), db_text(text), db_int(now)),
	                  &id, err);
	free(text);
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "exists", "name", "you already have a view named %s", name);
	return rc < 0 ? rc : view_get(db, user_id, id, out, err);
}

int view_update(struct db *db, int64_t user_id, int64_t id, int64_t version, const char *name, json_t *query,
                int64_t now, json_t **out, struct kf_error *err)
{
	json_t *cur = NULL;
	char *text = query ? json_dumps(query, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = view_get(db, user_id, id, &cur, err);
	json_decref(cur);
	if (rc == 0)
		rc = db_exec(db, &q_update,
		             DB_ARGS(db_int(user_id), db_int(id), db_int(version), db_text(name),
		                     db_text(text), db_int(now)),
		             err);
	free(text);
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", NULL, "the view was changed meanwhile; reload it");
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "exists", "name", "you already have a view named %s", name);
	return rc < 0 ? rc : view_get(db, user_id, id, out, err);
}

int view_delete(struct db *db, int64_t user_id, int64_t id, struct kf_error *err)
{
	int rc = db_exec(db, &q_delete, DB_ARGS(db_int(user_id), db_int(id)), err);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "view", "no such view");
	return rc < 0 ? rc : 0;
}
