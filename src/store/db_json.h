/*
 * db_json.h - the two read loops every area needs: one JSON object per
 * row into an array, and one row into a struct.
 */
#ifndef KF_DB_JSON_H
#define KF_DB_JSON_H

#include <jansson.h>

#include "store/db.h"

/*
 * Run q with args and append row(r) for each result row to the array
 * into.  Returns the number of rows appended, or KF_E* (rows appended
 * before the error stay).
 */
int db_rows_json(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs,
                 json_t *(*row)(struct db_rows *r), json_t *into, struct kf_error *err);

/*
 * The rows of q(id) as a new array set as obj[key] (an empty array when
 * there are none).  0 or KF_E*.
 */
int db_rows_json_set(struct db *db, struct db_sql *q, int64_t id, json_t *obj, const char *key,
                     json_t *(*row)(struct db_rows *r), struct kf_error *err);

/*
 * Run q with args and, if it returns a row, call fill(r, out) on the
 * first one.  Returns 1 when a row was found, 0 when none, or KF_E*.
 */
int db_query_row(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs,
                 void (*fill)(struct db_rows *r, void *out), void *out, struct kf_error *err);

#endif
