/*
 * timeline.c - see timeline.h.
 */
#include "crm/timeline.h"

#include "store/db.h"

static struct db_sql q_add = DB_SQL(
        "INSERT INTO timeline (customer_id, at, kind, ref_id, summary) VALUES ($1, $2, $3, $4, $5)");
/* clang-format off */
#define TIMELINE_COLS(F, X) \
	F(TLC_ID, "id") \
	X(TLC_AT, "at") \
	X(TLC_KIND, "kind") \
	X(TLC_REF_ID, "ref_id") \
	X(TLC_SUMMARY, "summary")
/* clang-format on */
DB_COLS_ENUM(TIMELINE_COLS, TLC_NCOLS);
static struct db_sql q_page = DB_SQL("SELECT " DB_COLS_SQL(
        TIMELINE_COLS) " FROM timeline"
                       " WHERE customer_id = $1 AND ($2 = 0 OR at < $2 OR (at = $2 AND id < $3))"
                       " ORDER BY at DESC, id DESC LIMIT $4");
static struct db_sql q_erase = DB_SQL("UPDATE timeline SET summary = '' WHERE customer_id = $1");

int timeline_add(struct db *db, int64_t customer_id, int64_t at, const char *kind, int64_t ref_id,
                 const char *summary, struct kf_error *err)
{
	if (customer_id <= 0)
		return 0;
	int rc = db_exec(db, &q_add,
	                 DB_ARGS(db_int(customer_id), db_int(at), db_text(kind), db_int(ref_id),
	                         db_text(summary ? summary : "")),
	                 err);
	return rc < 0 ? rc : 0;
}

int timeline_page(struct db *db, int64_t customer_id, int64_t before_at, int64_t before_id, int limit,
                  json_t **items, int64_t *last_at, int64_t *last_id, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int n = 0;
	*items = json_array();
	*last_at = *last_id = 0;
	int rc = db_query(db, &q_page,
	                  DB_ARGS(db_int(customer_id), db_int(before_at), db_int(before_id), db_int(limit)),
	                  &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*last_id = db_col_int(r, TLC_ID);
		*last_at = db_col_int(r, TLC_AT);
		json_array_append_new(*items,
		                      json_pack("{s:I,s:I,s:s,s:I,s:s}", "id", (json_int_t)*last_id, "at",
		                                (json_int_t)*last_at, "kind", db_col_text(r, TLC_KIND),
		                                "ref_id", (json_int_t)db_col_int(r, TLC_REF_ID), "summary",
		                                db_col_text(r, TLC_SUMMARY)));
		n++;
	}
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	if (n < limit)
		*last_at = *last_id = 0;
	return 0;
}

int timeline_erase(struct db *db, int64_t customer_id, struct kf_error *err)
{
	int rc = db_exec(db, &q_erase, DB_ARGS(db_int(customer_id)), err);
	return rc < 0 ? rc : 0;
}
