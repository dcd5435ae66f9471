/*
 * message.h - the conversation of a ticket: public replies (the customer
 * sees them), internal notes (staff only, never shown to a customer) and
 * customer messages (arriving through the agent UI or a channel).
 *
 * Side effects, decided after the mature help desks (Zendesk, Freshdesk):
 *   - the first public reply sets first_response_at; a public reply on a
 *     new ticket opens it unless the reply names another state;
 *   - a reply or note may carry a target state, moved in the same
 *     transaction (an illegal one refuses the whole message);
 *   - a customer message moves pending_customer back to open and reopens
 *     a resolved or closed ticket (nothing the customer writes is left in
 *     an archived ticket unseen); on new/open/pending_internal the state
 *     stays.
 * Hooks: DESK_PUBLIC_REPLY and DESK_CUSTOMER_REPLY; public and customer
 * messages also go to the customer's timeline.
 */
#ifndef KF_MESSAGE_H
#define KF_MESSAGE_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"
#include "desk/ticket.h"

struct db;

enum message_kind { MESSAGE_PUBLIC, MESSAGE_NOTE, MESSAGE_CUSTOMER };

/*
 * Add a message of kind to ticket ticket_id; to is the state to move to
 * (TS_NONE = the default above).  *t gets the ticket after the change and
 * *message the new message as JSON (owned).
 */
int message_add(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, enum message_kind kind,
                const char *body, enum ticket_state to, struct ticket *t, json_t **message,
                struct kf_error *err);
/*
 * message_add, and in its transaction the nfiles attachments of files (uploaded to the ticket, on
 * no message yet) become the new message's (desk/attachment.h attachment_attach): a reply sends
 * them (the e-mail channel attaches them).  Nothing is added when one of them is not such a file.
 */
int message_add_files(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id,
                      enum message_kind kind, const char *body, enum ticket_state to, const int64_t *files,
                      int nfiles, struct ticket *t, json_t **message, struct kf_error *err);
/* Oldest first after message after_id; *items is a new array. */
int message_list(struct db *db, int64_t ticket_id, int64_t after_id, int limit, json_t **items,
                 int64_t *last_id, struct kf_error *err);
/* Move every message of ticket from to ticket into (merge). */
int message_move_all(struct db *db, int64_t from, int64_t into, struct kf_error *err);

#endif
