/*
 * shipment.h - shipments of orders and their tracking events (seed 000
 * ch. 3-4: 出货流程, 货物跟踪; PRODUCT.md L2).
 *
 * A shipment ships some lines of one order (shipment lines), or the whole
 * order when it has none.  Creating one adds to the order lines'
 * quantity_shipped (never past the quantity ordered); delivering it adds
 * to quantity_delivered.  Tracking events are appended, never changed; a
 * re-sent event (same shipment, time and status) is ignored.  Whether an
 * event moves the shipment's status is logistics/tracking.h's rule.  An
 * "exception" that moves the status raises a delay notice at once; a
 * shipment with an ETA has a "shipment_eta" job at that time
 * (logistics/delay.h).  origin and destination are cities, never address
 * lines: the public tracking page shows them.
 */
#ifndef KF_SHIPMENT_H
#define KF_SHIPMENT_H

#include <jansson.h>
#include <stdint.h>

#include "auth/audit.h"
#include "base/err.h"

struct db;

#define SHIPMENT_MAX_LINES 1000

struct shipment_line_in {
	int64_t order_line_id; /* a line of the shipment's order */
	int64_t quantity; /* > 0 */
};

struct shipment_in {
	int64_t order_id; /* required */
	const char *tracking_number; /* required, unique, 1..64 bytes */
	const char *carrier; /* may be NULL */
	const char *mode; /* road|sea|air|express|rail|pickup; NULL = road */
	const char *origin; /* city; may be NULL */
	const char *destination; /* city; may be NULL */
	int64_t shipped_at; /* 0 = none */
	int64_t eta_at; /* 0 = none */
	const struct shipment_line_in *lines; /* borrowed; none = the whole order */
	int nlines;
};

struct shipment_patch {
	int has_eta_at; /* eta_at given (0 clears it) */
	int64_t eta_at;
	const char *status; /* NULL = unchanged; applied as a staff tracking event now */
	const char *carrier; /* NULL = unchanged */
	const char *origin;
	const char *destination;
};

struct tracking_event_in {
	int64_t at; /* required */
	const char *status; /* a tracking status name */
	const char *location; /* may be NULL */
	const char *description; /* may be NULL */
	const char *source; /* "api", "import", "staff"; NULL = api */
};

int shipment_validate(const struct shipment_in *in, struct kf_error *err);
int tracking_event_validate(const struct tracking_event_in *ev, struct kf_error *err);

/* Create, audit and add to the customer's timeline, in one transaction; KF_EEXIST for a taken number. */
int shipment_create(struct db *db, const struct actor *a, int64_t now, const struct shipment_in *in,
                    int64_t *id, struct kf_error *err);
/* The same without a transaction of its own or an audit row (the import). */
int shipment_insert(struct db *db, int64_t now, const struct shipment_in *in, int64_t *id,
                    struct kf_error *err);
/* For the import: set carrier, mode, origin, destination, shipped_at and eta_at of an existing shipment. */
int shipment_refresh(struct db *db, int64_t now, int64_t id, const struct shipment_in *in,
                     struct kf_error *err);
/* The shipment with this tracking number; KF_ENOTFOUND. */
int shipment_id_by_number(struct db *db, const char *number, int64_t *id, struct kf_error *err);

/* The shipment with "lines" and "events" (oldest first); *version for the ETag. */
int shipment_get_json(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err);
/* Change ETA, status, carrier, cities if version matches (KF_ESTALE); audited. */
int shipment_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                    const struct shipment_patch *p, struct kf_error *err);

/* Append an event in its own transaction; *added = 0 for a re-sent one. */
int shipment_add_event(struct db *db, int64_t now, int64_t id, const struct tracking_event_in *ev, int *added,
                       struct kf_error *err);
/* The same inside the caller's transaction (the import). */
int shipment_event_apply(struct db *db, int64_t now, int64_t id, const struct tracking_event_in *ev,
                         int *added, struct kf_error *err);

/*
 * The public view of a tracking number: status with labels in Chinese and
 * English, carrier, mode, origin and destination cities, ETA, delivery
 * time and the events (time, status, labels, location).  Nothing about
 * the customer, the order or addresses.  KF_ENOTFOUND for an unknown number.
 */
int shipment_track_json(struct db *db, const char *number, json_t **out, struct kf_error *err);

#endif
