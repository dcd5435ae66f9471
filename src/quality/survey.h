/*
 * survey.h - satisfaction surveys (PRODUCT.md Q1; seed 000 ch. 6): the
 * invitation, its one-time link, the public form and the response.
 *
 * An invitation is made by a job some time after a ticket is resolved
 * ("survey_resolution", ref = ticket id; desk setting
 * survey_delay_resolution_s, default 3600) or after every shipment of an
 * order is delivered ("survey_delivery", ref = order id; desk setting
 * survey_delay_delivery_s, default 86400), at most once per ticket or
 * order.  Its link /survey/<token> carries a random 256-bit token
 * (auth/password.h token_random); the database keeps only the token's
 * hash (token_hash_hex), so a leaked database opens no survey.  The link
 * works once, until expires_at (desk setting survey_expiry_days, default
 * 14).  A ticket's invitation is delivered as a public system message on
 * the ticket in the ticket's language, so the customer sees it in the
 * portal; an order's as a customer timeline entry and the portal's list
 * of open surveys, whose link the owner asks for with survey_relink (a
 * fresh token replaces the stored hash: the old link stops working).
 *
 * Tickets of type care and follow_up, merged tickets and tickets or
 * orders without a customer get no survey.  Every write runs in one
 * transaction (nesting inside the caller's).
 */
#ifndef KF_SURVEY_H
#define KF_SURVEY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/password.h"
#include "base/err.h"

struct db;

#define SURVEY_COMMENT_MAX 2000 /* characters of a free-text comment (base/textlen.h) */
#define SURVEY_PORTAL_MAX 50 /* open invitations listed to one customer */
#define SURVEY_RESOLUTION_JOB "survey_resolution"
#define SURVEY_DELIVERY_JOB "survey_delivery"

/*
 * What quality/ needs to know of a ticket: app/wiring.c fills it from
 * desk/ (quality/ calls no desk/ function).  The strings are the caller's.
 */
struct survey_ticket {
	int64_t id, customer_id, order_id, assignee_id, team_id; /* 0 = none */
	int64_t merged_into_id; /* 0 = not merged */
	const char *type; /* inquiry, complaint, ..., care, follow_up */
	const char *language; /* zh or en */
	const char *subject;
	int settled; /* resolved or closed */
};

#define SURVEY_POST_MAX 512 /* bytes of the message that carries a ticket's link */

/* Ticket t was resolved: schedule its survey job when the ticket may get one. */
int survey_on_resolved(struct db *db, const struct survey_ticket *t, int64_t now, struct kf_error *err);
/* A shipment of order_id was delivered: when all are, schedule the order's survey job. */
int survey_on_delivered(struct db *db, int64_t order_id, int64_t now, struct kf_error *err);

/*
 * The survey of ticket t (still resolved or closed), in the caller's
 * transaction: at most one invitation per ticket.  When it invites, post
 * gets (n bytes) the public message that carries the link, which the
 * caller posts on the ticket in the same transaction (the job
 * "survey_resolution" in app/wiring.c); otherwise post is "".
 */
int survey_ticket_invite(struct db *db, const struct survey_ticket *t, int64_t now, char *post, size_t n,
                         struct kf_error *err);
/* Job "survey_delivery": invite the customer of order_id (recently delivered); idempotent. */
int survey_job_delivery(struct db *db, int64_t order_id, int64_t now, struct kf_error *err);

/*
 * The public form of token: {"kind","language","questions":[...],
 * "servqual_dimensions":[...] (delivery), "ticket_number","subject" or
 * "order_number","expires_at"} - no personal data.  KF_ENOTFOUND for an
 * unknown token; KF_ECONFLICT "survey_used" once answered, "survey_expired"
 * after expires_at.
 */
int survey_form(struct db *db, const char *token, int64_t now, json_t **out, struct kf_error *err);

/*
 * Answer the survey of token with body {"csat":1-5,"nps":0-10,"ces":1-7,
 * "comment":"...","servqual":{"<dimension>":{"expectation":1-7,
 * "perception":1-7},...}} (every part optional, at least one score;
 * servqual only for a delivery survey).  Bad input is KF_EINVAL naming the
 * field (e.g. "servqual.empathy.perception"); token errors as survey_form.
 * *out gets {"id","created_at"}.
 */
int survey_submit(struct db *db, const char *token, json_t *body, int64_t now, json_t **out,
                  struct kf_error *err);

/* The open (unanswered, unexpired) invitations of customer_id, newest first: *items owned. */
int survey_portal_list(struct db *db, int64_t customer_id, int64_t now, json_t **items, struct kf_error *err);
/*
 * A fresh link for invitation id of customer_id: token gets the new
 * token, whose hash replaces the stored one.  KF_ENOTFOUND when it is
 * not theirs; KF_ECONFLICT survey_used / survey_expired.
 */
int survey_relink(struct db *db, int64_t customer_id, int64_t id, int64_t now, char token[TOKEN_TEXT_MAX],
                  int64_t *expires_at, struct kf_error *err);

/* Staff list filter; 0 / NULL = any. */
struct survey_filter {
	int64_t from, to; /* created_at in [from, to); to 0 = open */
	const char *kind; /* "resolution" or "delivery" */
	int64_t agent_id;
	int64_t team_id;
};

/* One page of responses, newest first, before response before_id (0 = from the newest). */
int survey_list(struct db *db, const struct survey_filter *f, int64_t before_id, int limit, json_t **items,
                int64_t *last_id, struct kf_error *err);

#endif
