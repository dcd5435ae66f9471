/*
 * process_hooks.h - what the complaint, return and claim modules
 * (desk/complaint.c, returns.c, claims.c) share: reading the ticket a
 * process hangs off, and appending to the ticket's event timeline.  Also
 * desk_can_resolve, which asks the module of the ticket's type whether its
 * process allows resolving.
 */
#ifndef KF_PROCESS_HOOKS_H
#define KF_PROCESS_HOOKS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

/*
 * Asked by the ticket module before a ticket enters resolved: 0 to go
 * ahead, or KF_ECONFLICT with a message naming what is missing (a
 * complaint needs root cause, responsible department and solution; a
 * return its inspection and refund; a claim its decision).  Dispatches to
 * the process module of type (desk/complaint.c, returns.c, claims.c).
 */
int desk_can_resolve(struct db *db, int64_t ticket_id, const char *type, struct kf_error *err);

/* The ticket columns a process reads. */
struct process_ticket {
	int64_t id; /* tickets.id */
	char type[16]; /* "complaint", "return", "claim", ... */
	char state[20]; /* ticket state */
	int64_t category_id; /* 0 = none */
	int64_t order_id; /* 0 = none */
	int64_t shipment_id; /* 0 = none */
	int64_t created_at; /* UTC seconds */
};

/*
 * Load ticket id.  KF_ENOTFOUND "not_found" (field "ticket") when there is
 * none; KF_ECONFLICT "wrong_ticket_type" when want_type is not NULL and the
 * ticket is of another type.
 */
int process_ticket_load(struct db *db, int64_t id, const char *want_type, struct process_ticket *out,
                        struct kf_error *err);

/*
 * Append one ticket_events row (action e.g. "complaint.advance"; before
 * and after borrowed, may be NULL) in the caller's transaction.
 */
int process_event_add(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                      const char *action, json_t *before, json_t *after, struct kf_error *err);

#endif
