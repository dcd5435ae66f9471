/*
 * ticket_link.c - see ticket_link.h.
 */
#include "desk/ticket_link.h"

#include <string.h>

#include "desk/message.h"
#include "store/db.h"
#include "store/search.h"

static struct db_sql q_move_attachments = DB_SQL("UPDATE attachments SET ticket_id = $2 WHERE ticket_id = $1");
static struct db_sql q_link = DB_SQL(
        "INSERT INTO ticket_links (ticket_id, other_id, kind, created_at) VALUES ($1, $2, $3, $4)");
static struct db_sql q_unlink = DB_SQL(
        "DELETE FROM ticket_links WHERE (ticket_id = $1 AND other_id = $2) OR (ticket_id = $2 AND other_id = $1)");
/* clang-format off */
#define LINK_COLS(F, X) \
	F(LC_OTHER_ID, "other_id") \
	X(LC_KIND, "kind") \
	X(LC_CREATED_AT, "created_at")
/* clang-format on */
DB_COLS_ENUM(LINK_COLS, LC_NCOLS);
static struct db_sql q_links = DB_SQL(
        "SELECT " DB_COLS_SQL(LINK_COLS) " FROM ticket_links"
                                         " WHERE ticket_id = $1 ORDER BY other_id");

static int not_self(int64_t a, int64_t b, struct kf_error *err)
{
	if (a == b)
		return kf_fail(err, KF_EINVAL, "self_link", "into",
		               "a ticket cannot be merged or linked with itself");
	return 0;
}

/* Close the merged source directly: a merge ends it from any state. */
static int close_source(struct db *db, const struct actor *a, int64_t now, struct ticket *src, int64_t into,
                        struct kf_error *err)
{
	struct ticket before = *src;
	src->state = TS_CLOSED;
	src->closed_at = now;
	src->merged_into_id = into;
	int rc = ticket_count(db, &before, -1, err);
	if (rc == 0)
		rc = ticket_count(db, src, 1, err);
	if (rc == 0)
		rc = ticket_write(db, src, now, err);
	json_t *jb = json_pack("{s:s}", "state", ticket_state_name(before.state));
	json_t *ja = json_pack("{s:s,s:I}", "state", "closed", "merged_into_id", (json_int_t)into);
	if (rc == 0)
		rc = ticket_event_add(db, a, now, src->id, "merge", jb, ja, err);
	json_decref(jb);
	json_decref(ja);
	if (rc == 0) { /* the SLA listener stops the source's clocks (app/wiring.c) */
		json_t *x = json_pack("{s:s,s:I}", "from", ticket_state_name(before.state), "merged_into_id",
		                      (json_int_t)into);
		rc = ticket_emit(db, a, now, "ticket.merged", src, x, err);
		json_decref(x);
	}
	return rc;
}

/*
 * Only tickets of the same customer (or both without one) merge: the
 * merged conversation and files become part of the target's, which its
 * customer reads in the portal, so another customer's would leak.
 */
static int same_customer(const struct ticket *src, const struct ticket *into, struct kf_error *err)
{
	if (src->customer_id == into->customer_id)
		return 0;
	int rc = kf_fail(err, KF_ECONFLICT, "merge_different_customers", "into",
	                 "these tickets belong to different customers and cannot be merged; link them instead");
	kf_detail_int(err, "customer_id", src->customer_id);
	kf_detail_int(err, "into_customer_id", into->customer_id);
	return rc;
}

static int merge_in_tx(struct db *db, const struct actor *a, int64_t now, int64_t from, int64_t into,
                       struct ticket *out, struct kf_error *err)
{
	struct ticket src;
	int rc = ticket_get(db, from, &src, err);
	if (rc == 0)
		rc = ticket_get(db, into, out, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "into", "no such ticket");
	if (rc == 0 && (src.merged_into_id || out->merged_into_id))
		rc = kf_fail(err, KF_ECONFLICT, "merged", "into", "a merged ticket cannot be merged again");
	if (rc == 0)
		rc = same_customer(&src, out, err);
	if (rc == 0)
		rc = message_move_all(db, from, into, err);
	if (rc == 0) /* a message hit opens the ticket that now holds it */
		rc = search_reparent_messages(db, from, into, err);
	if (rc == 0)
		rc = db_exec(db, &q_move_attachments, DB_ARGS(db_int(from), db_int(into)), err);
	if (rc >= 0)
		rc = close_source(db, a, now, &src, into, err);
	json_t *ev = json_pack("{s:I}", "merged_from_id", (json_int_t)from);
	if (rc == 0)
		rc = ticket_write(db, out, now, err);
	if (rc == 0)
		rc = ticket_event_add(db, a, now, into, "merge", NULL, ev, err);
	json_decref(ev);
	return rc;
}

int ticket_merge(struct db *db, const struct actor *a, int64_t now, int64_t from, int64_t into,
                 struct ticket *out, struct kf_error *err)
{
	int rc = not_self(from, into, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = merge_in_tx(db, a, now, from, into, out, err);
	return db_finish(db, rc, err);
}

static const char *inverse(const char *kind)
{
	if (strcmp(kind, "parent") == 0)
		return "child";
	if (strcmp(kind, "child") == 0)
		return "parent";
	return kind;
}

static int link_in_tx(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t other,
                      const char *kind, struct kf_error *err)
{
	struct ticket t;
	int rc = ticket_get(db, id, &t, err);
	if (rc == 0)
		rc = ticket_get(db, other, &t, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "ticket_id", "no such ticket");
	if (rc == 0)
		rc = db_exec(db, &q_link, DB_ARGS(db_int(id), db_int(other), db_text(kind), db_int(now)), err);
	if (rc >= 0)
		rc = db_exec(db, &q_link,
		             DB_ARGS(db_int(other), db_int(id), db_text(inverse(kind)), db_int(now)), err);
	if (rc == KF_EEXIST)
		return kf_fail(err, KF_EEXIST, "exists", "ticket_id", "these tickets are already linked");
	json_t *ja = json_pack("{s:I,s:s}", "ticket_id", (json_int_t)other, "kind", kind);
	json_t *jb = json_pack("{s:I,s:s}", "ticket_id", (json_int_t)id, "kind", inverse(kind));
	if (rc >= 0)
		rc = ticket_event_add(db, a, now, id, "link", NULL, ja, err);
	if (rc == 0)
		rc = ticket_event_add(db, a, now, other, "link", NULL, jb, err);
	json_decref(ja);
	json_decref(jb);
	return rc;
}

int ticket_link_add(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t other,
                    const char *kind, struct kf_error *err)
{
	static const char *const kinds[] = { "related", "duplicate", "parent", "child" };
	int ok = 0;
	for (size_t i = 0; kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		ok |= strcmp(kinds[i], kind) == 0;
	if (!ok)
		return kf_fail(err, KF_EINVAL, "invalid", "kind",
		               "kind must be related, duplicate, parent or child");
	int rc = not_self(id, other, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = link_in_tx(db, a, now, id, other, kind, err);
	return db_finish(db, rc, err);
}

int ticket_link_remove(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t other,
                       struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_unlink, DB_ARGS(db_int(id), db_int(other)), err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "other", "these tickets are not linked");
	json_t *jb = json_pack("{s:I}", "ticket_id", (json_int_t)other);
	json_t *jo = json_pack("{s:I}", "ticket_id", (json_int_t)id);
	if (rc > 0)
		rc = ticket_event_add(db, a, now, id, "unlink", jb, NULL, err);
	if (rc == 0)
		rc = ticket_event_add(db, a, now, other, "unlink", jo, NULL, err);
	json_decref(jb);
	json_decref(jo);
	return db_finish(db, rc, err);
}

int ticket_link_list(struct db *db, int64_t id, json_t **items, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	int rc = db_query(db, &q_links, DB_ARGS(db_int(id)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_array_append_new(*items,
		                      json_pack("{s:I,s:s,s:I}", "ticket_id",
		                                (json_int_t)db_col_int(r, LC_OTHER_ID), "kind",
		                                db_col_text(r, LC_KIND), "created_at",
		                                (json_int_t)db_col_int(r, LC_CREATED_AT)));
	db_done(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}
