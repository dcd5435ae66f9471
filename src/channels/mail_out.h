/*
 * mail_out.h - kefu writing to customers by e-mail: the durable outbox
 * (mail_messages rows with direction 'out') and the threads that empty it.
 *
 * Filling.  The durable consumer "mail" (app/consumers.c) calls
 * mail_out_handle for
 *   - ticket.created: the acknowledgement ("ack"), when the ticket came by
 *     mail (channel email), its first received mail is an ordinary message
 *     (not an auto-reply or bulk mail) and mail_settings.send_ack is on;
 *   - ticket.replied by staff: the agent's reply ("reply"), with the files
 *     attached to that message (attachments.message_id);
 *   - ticket.replied by kefu itself (the survey link posted when a ticket
 *     is resolved, app/wiring.c): the resolved mail ("resolved") with the
 *     link.  (survey.sent carries no link -- only its hash is stored -- so
 *     the message that carries it is the one to answer.)
 * A ticket gets mail when its channel is email or it already has mail; the
 * customer is reached at the address their mail came from, else their
 * first e-mail identity; the ticket's participants are on Cc.  The mail is
 * composed (mail_template, mail_compose) in the delivery transaction and
 * queued: raw bytes in attachment_blobs, the row keyed by the event's seq
 * (unique), so a redelivered event queues nothing twice.  Without a
 * support address or relay, or without a recipient, nothing is queued.
 *
 * Emptying.  mail_senders threads claim due rows (queued or deferred,
 * next_at <= now) with a lease (next_at moved ahead in an UPDATE that
 * names the old next_at, so two threads or nodes never send one row
 * twice), send through smtp.c and record sent, deferred (4xx, relay
 * unreachable: retried after 1 min, 5 min, 15 min, 1 h, 4 h, then every
 * 4 h) or failed (5xx, or still undelivered 48 h after it was queued),
 * with attempts and the relay's reply.  "now" is base/clock.h's, so the
 * test clock drives retries.  A commit that queues mail wakes them.
 */
#ifndef KF_MAIL_OUT_H
#define KF_MAIL_OUT_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "events/outbox.h"

struct db;
struct store;

#define MAIL_OUT_GIVE_UP_S (48 * 3600) /* a mail still undelivered this long after queuing fails */
#define MAIL_OUT_POLL_MS 1000 /* senders look for due mail at least this often */
#define MAIL_OUT_MAX_FILES 20 /* attachments on one mail */

/* The consumer handler (events/consumer.h) for ticket.created and ticket.replied. */
int mail_out_handle(struct db *db, const struct event *ev, struct kf_error *err);

/* The delay before try number attempts + 1 after attempts failed ones (>= 1). Pure. */
int64_t mail_out_backoff(int attempts);

/*
 * After a temporary failure at now of a mail queued at created_at that has
 * now failed attempts times: 1 and *next_at when it is to be tried again,
 * 0 when it is to fail (MAIL_OUT_GIVE_UP_S passed). Pure.
 */
int mail_out_retry_at(int64_t created_at, int64_t now, int attempts, int64_t *next_at);

/*
 * Queue the failed or deferred outgoing mail id again, due now (admin or
 * agent action).  KF_ENOTFOUND when id is no outgoing mail, KF_ECONFLICT
 * "mail_not_retryable" when it is queued, sent or bounced.  *row: the row
 * as {id, ticket_id, status, attempts, next_at, last_error} (owned).
 */
int mail_out_retry(struct db *db, int64_t id, int64_t now, json_t **row, struct kf_error *err);

/*
 * Render template (name, lang) -- subject and body as given, NULL for the
 * stored ones -- for ticket_id's mail (0: with sample values), the subject
 * tagged as sent.  For the admin's preview; *out released by the caller.
 */
struct mail_rendered;
int mail_out_preview(struct db *db, const char *name, const char *lang, const char *subject, const char *body,
                     int64_t ticket_id, struct mail_rendered *out, struct kf_error *err);

/*
 * Try the stored relay (connect, TLS, login, NOOP) within timeout_s:
 * *out = {ok, stage, message} (owned).  The password stays inside.
 */
int mail_out_test(struct db *db, int timeout_s, json_t **out, struct kf_error *err);

/* The sending threads: nthreads (0: none), each exchange at most timeout_s. */
struct mail_sender;
int mail_out_start(struct store *st, int nthreads, int timeout_s, struct mail_sender **out,
                   struct kf_error *err);
void mail_out_stop(struct mail_sender *s); /* NULL-safe; waits for a send under way */

/* Wake the senders (after a commit that queued mail). */
void mail_out_wake(void);

#endif
