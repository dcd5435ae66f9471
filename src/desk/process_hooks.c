/*
 * process_hooks.c - see process_hooks.h: the ticket a process hangs off,
 * its event timeline, and desk_can_resolve dispatching by ticket type.
 */
#include "desk/process_hooks.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk/claims.h"
#include "desk/complaint.h"
#include "desk/returns.h"
#include "events/outbox.h"
#include "store/db.h"

/* clang-format off */
#define PTICKET_COLS(F, X) \
	F(PTC_ID, "id") \
	X(PTC_TYPE, "type") \
	X(PTC_STATE, "state") \
	X(PTC_CATEGORY_ID, "category_id") \
	X(PTC_ORDER_ID, "order_id") \
	X(PTC_SHIPMENT_ID, "shipment_id") \
	X(PTC_CREATED_AT, "created_at")
/* clang-format on */
DB_COLS_ENUM(PTICKET_COLS, PTC_NCOLS);
static struct db_sql q_ticket = DB_SQL("SELECT " DB_COLS_SQL(PTICKET_COLS) " FROM tickets"
                                                                           " WHERE id = $1");
static struct db_sql q_event = DB_SQL(
        "INSERT INTO ticket_events (ticket_id, at, actor_kind, actor_id, actor_name, action, before_json,"
        " after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");

int process_ticket_load(struct db *db, int64_t id, const char *want_type, struct process_ticket *out,
                        struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_ticket, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		out->id = db_col_int(r, PTC_ID);
		str_copy(out->type, sizeof(out->type),
		         db_col_text(r, PTC_TYPE) ? db_col_text(r, PTC_TYPE) : "");
		str_copy(out->state, sizeof(out->state),
		         db_col_text(r, PTC_STATE) ? db_col_text(r, PTC_STATE) : "");
		out->category_id = db_col_int(r, PTC_CATEGORY_ID);
		out->order_id = db_col_int(r, PTC_ORDER_ID);
		out->shipment_id = db_col_int(r, PTC_SHIPMENT_ID);
		out->created_at = db_col_int(r, PTC_CREATED_AT);
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "ticket", "no such ticket");
	if (rc < 0)
		return rc;
	if (want_type && strcmp(out->type, want_type) != 0)
		return kf_fail(err, KF_ECONFLICT, "wrong_ticket_type", "ticket",
		               "ticket %lld is a %s ticket, not a %s ticket", (long long)id, out->type,
		               want_type);
	return 0;
}

/* Compact JSON text of j, or NULL; the caller frees it. */
static char *dump(json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

/*
 * complaint.advanced, return.advanced or claim.advanced for action
 * ("complaint.advance", "claim.decide", ...; not the "*.update" of free
 * fields): the action and the process's step, status or decision, never
 * its free texts (docs/events.md).
 */
static int process_emit(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                        const char *action, json_t *after, struct kf_error *err)
{
	static const char *const kinds[] = { "complaint", "return", "claim" };
	const char *dot = strchr(action, '.');
	if (dot && strcmp(dot, ".update") == 0)
		return 0;
	for (size_t i = 0; dot && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strlen(kinds[i]) != (size_t)(dot - action) ||
		    strncmp(action, kinds[i], (size_t)(dot - action)) != 0)
			continue;
		char type[EVENT_TYPE_MAX];
		snprintf(type, sizeof(type), "%s.advanced", kinds[i]);
		json_t *p = json_pack("{s:s}", "action", dot + 1);
		const char *keys[] = { "step", "status", "state", "decision" };
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (json_is_string(json_object_get(after, keys[k])))
				json_object_set(p, keys[k], json_object_get(after, keys[k]));
		struct event ev = { .type = type,
			            .entity = "ticket",
			            .entity_id = ticket_id,
			            .payload = p,
			            .created_at_ms = now * 1000 };
		int rc = outbox_append(db, &ev, a, err);
		json_decref(p);
		return rc;
	}
	return 0;
}

int process_event_add(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                      const char *action, json_t *before, json_t *after, struct kf_error *err)
{
	char *jb = dump(before), *ja = dump(after);
	int rc = db_exec(db, &q_event,
	                 DB_ARGS(db_int(ticket_id), db_int(now), db_text(a->kind), db_int(a->id),
	                         db_text(a->name ? a->name : ""), db_text(action), db_text(jb), db_text(ja)),
	                 err);
	free(jb);
	free(ja);
	return rc < 0 ? rc : process_emit(db, a, now, ticket_id, action, after, err);
}

/* One row per ticket type that has a process: the check before resolving. */
static const struct {
	const char *type; /* tickets.type */
	int (*can_resolve)(struct db *db, int64_t ticket_id, struct kf_error *err);
} resolvers[] = {
	{ "complaint", complaint_can_resolve },
	{ "return", return_can_resolve },
	{ "claim", claim_can_resolve },
};

int desk_can_resolve(struct db *db, int64_t ticket_id, const char *type, struct kf_error *err)
{
	for (size_t i = 0; type && i < sizeof(resolvers) / sizeof(resolvers[0]); i++)
		if (strcmp(resolvers[i].type, type) == 0)
			return resolvers[i].can_resolve(db, ticket_id, err);
	return 0;
}
