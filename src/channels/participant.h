/*
 * participant.h - the people besides the customer who take part in a
 * ticket's mail (ticket_participants, migration 0021): a colleague on Cc,
 * someone who replied from another address.  Outgoing mail copies them
 * (Cc); a subject tag [#n] from one of them threads like one from the
 * customer.  Each add and removal is a ticket event ("participant_added",
 * "participant_removed") with the address masked, so the history holds no
 * copy of it.
 */
#ifndef KF_PARTICIPANT_H
#define KF_PARTICIPANT_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

#define PARTICIPANT_NAME_MAX 200 /* characters of a display name */

/*
 * Add address (a valid mail address, lower-cased here) with name (may be
 * NULL) to ticket_id, inside the caller's transaction or its own; nothing
 * changes when it is there already.  *added (may be NULL): 1 when new.
 * KF_EINVAL "invalid" naming "address" / "name" for bad input.
 */
int participant_add(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, const char *address,
                    const char *name, int *added, struct kf_error *err);
/* Remove address from ticket_id; KF_ENOTFOUND when it is not a participant. */
int participant_remove(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                       const char *address, struct kf_error *err);
/* 1 when address is a participant of ticket_id, 0 when not. */
int participant_is(struct db *db, int64_t ticket_id, const char *address, struct kf_error *err);
/* [{"address","name","added_by","created_at"}] of ticket_id, masked when mask; a new array. */
int participant_list_json(struct db *db, int64_t ticket_id, int mask, json_t **items, struct kf_error *err);

#endif
