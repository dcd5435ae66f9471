/*
 * category.c - see category.h.  The tree is small (tens of rows): read
 * it in one ordered query and hang each row under its parent.
 */
#include "desk/category.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"

/* clang-format off */
#define CATEGORY_COLS(F, X) \
	F(CC_ID, "id") \
	X(CC_PARENT_ID, "parent_id") \
	X(CC_CODE, "code") \
	X(CC_NAME_ZH, "name_zh") \
	X(CC_NAME_EN, "name_en") \
	X(CC_SORT, "sort") \
	X(CC_RETURN_WINDOW_DAYS, "return_window_days") \
	X(CC_VERSION, "version")
/* clang-format on */
DB_COLS_ENUM(CATEGORY_COLS, CC_NCOLS);
static struct db_sql q_all = DB_SQL("SELECT " DB_COLS_SQL(CATEGORY_COLS) " FROM categories"
                                                                         " ORDER BY sort, id");

static json_t *row_json(struct db_rows *r)
{
	json_t *rw = db_col_isnull(r, CC_RETURN_WINDOW_DAYS)
	        ? json_null()
	        : json_integer(db_col_int(r, CC_RETURN_WINDOW_DAYS));
	return json_pack(
	        "{s:I,s:o,s:s,s:s,s:s,s:I,s:o,s:I,s:[]}", "id", (json_int_t)db_col_int(r, CC_ID), "parent_id",
	        db_col_isnull(r, CC_PARENT_ID) ? json_null() : json_integer(db_col_int(r, CC_PARENT_ID)),
	        "code", db_col_text(r, CC_CODE), "name_zh", db_col_text(r, CC_NAME_ZH), "name_en",
	        db_col_text(r, CC_NAME_EN), "sort", (json_int_t)db_col_int(r, CC_SORT), "return_window_days",
	        rw, "version", (json_int_t)db_col_int(r, CC_VERSION), "children");
}

/* Hang every node of byid under its parent (or into roots). */
static void link_tree(json_t *byid, json_t *order, json_t *roots)
{
	size_t i;
	json_t *node;
	json_array_foreach(order, i, node)
	{
		json_t *pid = json_object_get(node, "parent_id");
		char k[24];
		snprintf(k, sizeof(k), "%lld", (long long)json_integer_value(pid));
		json_t *parent = json_is_null(pid) ? NULL : json_object_get(byid, k);
		json_array_append(parent ? json_object_get(parent, "children") : roots, node);
	}
}

int category_tree(struct db *db, json_t **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	json_t *byid = json_object(), *order = json_array();
	*out = json_array();
	int rc = db_query(db, &q_all, DB_NOARGS, &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		char k[24];
		json_t *node = row_json(r);
		snprintf(k, sizeof(k), "%lld", (long long)db_col_int(r, CC_ID));
		json_object_set(byid, k, node);
		json_array_append_new(order, node);
	}
	db_done(r);
	if (rc >= 0)
		link_tree(byid, order, *out);
	json_decref(byid);
	json_decref(order);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc < 0 ? rc : 0;
}

static struct db_sql q_one = DB_SQL("SELECT " DB_COLS_SQL(CATEGORY_COLS) " FROM categories"
                                                                         " WHERE id = $1");
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO categories (parent_id, code, name_zh, name_en, sort, return_window_days)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
static struct db_sql q_update = DB_SQL(
        "UPDATE categories SET name_zh = $3, name_en = $4, sort = $5, return_window_days = $6,"
        " version = version + 1 WHERE id = $1 AND version = $2");

static int category_get(struct db *db, int64_t id, const char *field, json_t **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*out = NULL;
	int rc = db_query(db, &q_one, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		*out = row_json(r);
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", field, "no such category");
	return rc < 0 ? rc : 0;
}

static int code_valid(const char *code, struct kf_error *err)
{
	size_t n = code ? strlen(code) : 0;
	for (size_t i = 0; i < n; i++)
		if (!((code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9') ||
		      code[i] == '_'))
			n = 0;
	if (n == 0 || n > 64)
		return kf_fail(err, KF_EINVAL, "invalid", "code", "code must be 1 to 64 of a-z, 0-9 and _");
	return 0;
}

static struct db_arg window_arg(int64_t days)
{
	return days >= 0 ? db_int(days) : db_null();
}

int category_create(struct db *db, const struct actor *a, int64_t now, const struct category_fields *f,
                    json_t **out, struct kf_error *err)
{
	json_t *parent = NULL;
	int64_t id = 0;
	*out = NULL;
	int rc = code_valid(f->code, err);
	if (rc == 0 && (!f->name_zh || !f->name_en))
		rc = kf_fail(err, KF_EINVAL, "required", f->name_zh ? "name_en" : "name_zh",
		             "both names are required");
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	if (f->parent_id > 0)
		rc = category_get(db, f->parent_id, "parent_id", &parent, err);
	json_decref(parent);
	if (rc == 0)
		rc = db_query_int(db, &q_insert,
		                  DB_ARGS(f->parent_id > 0 ? db_int(f->parent_id) : db_null(),
		                          db_text(f->code), db_text(f->name_zh), db_text(f->name_en),
		                          db_int(f->sort == CATEGORY_KEEP ? 0 : f->sort),
		                          window_arg(f->return_window_days)),
		                  &id, err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "code", "category %s already exists", f->code);
	if (rc == 0)
		rc = category_get(db, id, "category", out, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "category.create", "category", id, NULL, *out, err);
	return db_finish(db, rc, err);
}

static const char *str_or(const char *s, json_t *row, const char *key)
{
	return s ? s : json_string_value(json_object_get(row, key));
}

int category_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                    const struct category_fields *f, json_t **out, struct kf_error *err)
{
	json_t *before = NULL;
	*out = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = category_get(db, id, "category", &before, err);
	if (rc == 0) {
		json_t *w = json_object_get(before, "return_window_days");
		int64_t window = f->return_window_days != CATEGORY_KEEP ? f->return_window_days
		        : json_is_null(w)                               ? -1
		                                                        : json_integer_value(w);
		int64_t sort = f->sort != CATEGORY_KEEP ? f->sort
		                                        : json_integer_value(json_object_get(before, "sort"));
		rc = db_exec(db, &q_update,
		             DB_ARGS(db_int(id), db_int(version), db_text(str_or(f->name_zh, before, "name_zh")),
		                     db_text(str_or(f->name_en, before, "name_en")), db_int(sort),
		                     window_arg(window)),
		             err);
		if (rc == 0)
			rc = kf_fail(err, KF_ESTALE, "stale", NULL, "the category was changed by someone else");
	}
	if (rc > 0)
		rc = category_get(db, id, "category", out, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "category.update", "category", id, before, *out, err);
	json_decref(before);
	return db_finish(db, rc, err);
}
