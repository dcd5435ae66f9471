/*
 * event_view.h - what one caller may see of an event, for the two faces of
 * the event stream (GET /api/v1/events and GET /api/v1/stream): both filter
 * and render through these functions, so they cannot disagree.
 *
 * An event is visible when the role may read its entity (ticket events
 * need ticket.read, customer events customer.read, orders and shipments
 * order.read, surveys report.read; an entity not listed here is shown to
 * nobody).  Personal values in the payload are masked for a role without
 * pii.read, by the same crm/privacy.h functions the customer endpoints use
 * and with the same keys masked: phone, mobile, email, an identity's value
 * (by its kind), recipient, birthday, line/address (the customer's name is
 * not personal data there, and is not here).  A ticket event with a
 * customer also carries "customer_name", rendered by customer_profile_json
 * as the ticket inbox renders it.
 */
#ifndef KF_EVENT_VIEW_H
#define KF_EVENT_VIEW_H

#include <jansson.h>

#include "base/err.h"

struct db;
struct event;

#define EVENT_VIEW_MAX_TYPES 32 /* types named in one ?types= */

/*
 * Parse "a,b,c" (NULL or "" = all types) into types, NULL-terminated
 * (pointers into buf, which must hold the text); *all set when no type is
 * named.  KF_EINVAL with field "types" on an unknown or repeated-empty name.
 */
int event_view_types(const char *text, char *buf, size_t bufsize, const char *types[EVENT_VIEW_MAX_TYPES + 1],
                     int *all, struct kf_error *err);

/* 1 when role may see ev (see above). */
int event_view_allowed(int role, const struct event *ev);

/* 1 when role sees personal data unmasked. */
int event_view_unmasked(int role);

/*
 * ev as JSON for a caller: {seq, type, entity, entity_id, actor {kind, id},
 * payload, created_at_ms}, payload masked when mask.  *out owned.
 */
int event_view_json(struct db *db, const struct event *ev, int mask, json_t **out, struct kf_error *err);

/* Mask the personal values of obj in place (nested objects and arrays included). */
void event_view_mask(json_t *obj);

#endif
