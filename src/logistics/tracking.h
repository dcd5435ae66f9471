/*
 * tracking.h - the shipment status model (seed 000 ch. 4, 货物跟踪): the
 * statuses a parcel goes through, their names and bilingual labels, and
 * the rule that decides whether a tracking event moves a shipment's
 * status.  Pure functions: no store, no clock.
 *
 * The rule (tracking_apply):
 *   - delivered is final: nothing moves a delivered shipment.
 *   - pending is only the starting state: an event never moves a
 *     shipment back to pending.
 *   - an event older than the event that set the current status (its
 *     at < the shipment's status_at) is history only: carriers send
 *     events late and out of order, and a late "in transit" must not undo
 *     a newer "out for delivery".  An event at the same second moves it.
 *   - any other event moves the shipment to the event's status, so a new
 *     "in transit" after an "exception" clears the exception.
 */
#ifndef KF_TRACKING_H
#define KF_TRACKING_H

#include <stdint.h>

enum tracking_status {
	TRACK_NONE = -1, /* not a status (parse failure) */
	TRACK_PENDING = 0, /* created, the carrier knows nothing yet */
	TRACK_INFO_RECEIVED, /* the carrier has the shipping information */
	TRACK_IN_TRANSIT, /* moving between hubs */
	TRACK_OUT_FOR_DELIVERY, /* on the delivery vehicle */
	TRACK_FAILED_ATTEMPT, /* delivery attempted, nobody there */
	TRACK_AVAILABLE_FOR_PICKUP, /* waiting at a pickup point */
	TRACK_DELIVERED, /* handed over; final */
	TRACK_EXCEPTION, /* held, damaged, returned, customs... */
	TRACK_EXPIRED, /* no news from the carrier for too long */
	TRACK_COUNT
};

/* The status named s ("in_transit"), or TRACK_NONE. */
enum tracking_status tracking_parse(const char *s);
/* The name of st ("in_transit"); "" for TRACK_NONE.  Static. */
const char *tracking_name(enum tracking_status st);
/* The label for people: lang "zh" gives Chinese, anything else English.  Static. */
const char *tracking_label(enum tracking_status st, const char *lang);

/*
 * Whether an event (ev at ev_at) moves a shipment whose status cur was
 * set at cur_at: returns the new status (ev), or cur when it does not
 * move (see the rule above).  *moved is set to 1 or 0.
 */
enum tracking_status tracking_apply(enum tracking_status cur, int64_t cur_at, enum tracking_status ev,
                                    int64_t ev_at, int *moved);

/* Whether a shipment in st still waits for delivery (for the ETA check). */
int tracking_open(enum tracking_status st);

#endif
