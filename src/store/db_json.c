/*
 * db_json.c - see db_json.h.
 */
#include "store/db_json.h"

int db_rows_json(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs,
                 json_t *(*row)(struct db_rows *r), json_t *into, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int n = 0;
	int rc = db_query(db, q, args, nargs, &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		json_array_append_new(into, row(r));
		n++;
	}
	db_done(r);
	return rc < 0 ? rc : n;
}

int db_query_row(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs,
                 void (*fill)(struct db_rows *r, void *out), void *out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, q, args, nargs, &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		fill(r, out);
	db_done(r);
	return rc;
}

int db_rows_json_set(struct db *db, struct db_sql *q, int64_t id, json_t *obj, const char *key,
                     json_t *(*row)(struct db_rows *r), struct kf_error *err)
{
	json_t *arr = json_array();
	json_object_set_new(obj, key, arr);
	int rc = db_rows_json(db, q, DB_ARGS(db_int(id)), row, arr, err);
	return rc < 0 ? rc : 0;
}
