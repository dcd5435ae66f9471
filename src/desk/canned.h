/*
 * canned.h - canned replies (快捷回复): stored texts with variables that
 * an agent fills from the ticket before sending.
 *
 * Variables are {{name}} (spaces inside the braces allowed):
 * customer.name, ticket.number, ticket.subject, agent.name, order.number,
 * shipment.tracking_number.  An unknown variable is an error naming it
 * (templates are checked when saved, so a typo never reaches a
 * customer).  A known variable without a value (a ticket with no order)
 * renders empty: the agent reviews the text before it is sent.
 * Rendering is pure (canned_render); no escaping, the text is plain.
 */
#ifndef KF_CANNED_H
#define KF_CANNED_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/buf.h"
#include "base/err.h"

struct db;

#define CANNED_BODY_MAX 16384 /* characters of a template */

struct canned_vars {
	const char *customer_name; /* NULL = no value; likewise the rest */
	const char *ticket_number;
	const char *ticket_subject;
	const char *agent_name;
	const char *order_number;
	const char *tracking_number;
};

/* Render tmpl with v into out; KF_EINVAL "unknown_variable" / "invalid" naming the problem. */
int canned_render(const char *tmpl, const struct canned_vars *v, struct buf *out, struct kf_error *err);

/* The stored replies, by id; *items is a new array. */
int canned_list(struct db *db, json_t **items, struct kf_error *err);
/* Create ({title, body, language, category_id}); *out is the new row. */
int canned_create(struct db *db, const struct actor *a, int64_t now, const char *title, const char *body,
                  const char *language, int64_t category_id, json_t **out, struct kf_error *err);
/* Change title/body (NULL = keep) at version; KF_ESTALE when it moved. */
int canned_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                  const char *title, const char *body, json_t **out, struct kf_error *err);
int canned_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err);
/* Reply id rendered for ticket ticket_id by agent agent_name: {"text": ...}. */
int canned_render_for_ticket(struct db *db, int64_t ticket_id, int64_t id, const char *agent_name,
                             json_t **out, struct kf_error *err);

#endif
