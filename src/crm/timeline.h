/*
 * timeline.h - the customer's 360° timeline: orders, shipments, tickets,
 * messages, surveys, follow-ups and notices, newest first.  Each area
 * calls timeline_add in the transaction that creates the thing; the
 * timeline endpoint pages over one indexed table.
 */
#ifndef KF_TIMELINE_H
#define KF_TIMELINE_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

struct db;

/*
 * kind: "order", "shipment", "tracking", "ticket", "message", "follow_up",
 * "care", "survey", "delay_notice", ...; ref_id: the row in that area's
 * table; summary: a short line for people (an order number, a subject).
 * A customer_id of 0 (not linked to a customer) adds nothing.
 */
int timeline_add(struct db *db, int64_t customer_id, int64_t at, const char *kind, int64_t ref_id,
                 const char *summary, struct kf_error *err);

/*
 * One page, newest first: rows older than the cursor (before_at,
 * before_id; 0, 0 = from the newest).  The items are a new array of
 * {id, at, kind, ref_id, summary}; last_at and last_id are the cursor for the
 * next page (0 when this was the last).
 */
int timeline_page(struct db *db, int64_t customer_id, int64_t before_at, int64_t before_id, int limit,
                  json_t **items, int64_t *last_at, int64_t *last_id, struct kf_error *err);

/* Blank the summaries of one customer (erasure keeps the kinds and times). */
int timeline_erase(struct db *db, int64_t customer_id, struct kf_error *err);

#endif
