/*
 * db_json.h - the common "query, one JSON object per row, into an array"
 * loop that every area's read functions need.
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

#endif
