/*
 * ticket_link.h - merging duplicate tickets and linking related ones.
 *
 * Merge moves the source's messages and attachments into the target,
 * records merged_into_id, closes the source (whatever its state: a merged
 * ticket is finished) and writes a "merge" event on both.  Links are
 * stored in both directions (kind parent on one side is child on the
 * other; related and duplicate are symmetric).
 */
#ifndef KF_TICKET_LINK_H
#define KF_TICKET_LINK_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "desk/ticket.h"

struct db;

/* Merge ticket from into ticket into; *out gets the target after the merge. */
int ticket_merge(struct db *db, const struct actor *a, int64_t now, int64_t from, int64_t into,
                 struct ticket *out, struct kf_error *err);
/* Link id to other with kind (related, duplicate, parent, child); KF_EEXIST if linked. */
int ticket_link_add(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t other,
                    const char *kind, struct kf_error *err);
/* Remove the link between id and other; KF_ENOTFOUND if none. */
int ticket_link_remove(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t other,
                       struct kf_error *err);
/* [{"ticket_id", "kind", "created_at"}] of id's links. */
int ticket_link_list(struct db *db, int64_t id, json_t **items, struct kf_error *err);

#endif
