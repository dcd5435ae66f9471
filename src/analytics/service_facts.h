/*
 * service_facts.h - the raw facts behind the service-level KPIs, and the
 * precomputed aggregates kept from them (PRODUCT.md L3; tables in
 * migration 0012; definitions in docs/metrics/service-level.md).
 *
 * sf_scan streams orders in id order with everything sl_eval needs,
 * gathered by one ordered query per table (orders, order_lines, shipments,
 * claims, damage complaints) merged in C, in chunks of SF_SCAN_CHUNK ids so
 * that neither backend holds more than a chunk.  The region of an order is
 * the province of its customer's default address (else the customer's
 * first address, else ""); its carrier and mode are those of its first
 * parcel; it is delivered when every parcel is, at the last delivery.
 * Cancelled orders are not counted.
 *
 * The aggregates: order_facts remembers what each order added to
 * service_daily (per local day of placed_at, in service_state.tz, under
 * the kinds all / carrier / mode / region / category).  The job
 * "service_facts" (every SF_EVERY_S) finds the orders changed since its
 * watermark (orders, shipments and claims by updated_at, complaint tickets
 * by updated_at; tracking events that move a parcel bump its updated_at),
 * takes each one's old fact out of service_daily and puts the new one in,
 * SF_BATCH orders per transaction.  Running it again changes nothing.
 */
#ifndef KF_SERVICE_FACTS_H
#define KF_SERVICE_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "analytics/service_level.h"
#include "base/err.h"

struct db;
struct tz;

#define SF_JOB_KIND "service_facts"
#define SF_EVERY_S 60 /* the job runs again this long after it finished */
#define SF_LAG_S 300 /* changes this long before the watermark are read again (late committers) */
#define SF_BATCH 2000 /* orders per transaction */
#define SF_SCAN_CHUNK 65536 /* order ids per set of scan queries */

/* The dimension kinds of service_daily. */
enum sf_kind { SF_ALL, SF_CARRIER, SF_MODE, SF_REGION, SF_CATEGORY, SF_KIND_COUNT };
const char *sf_kind_name(enum sf_kind k);

/* One order as the scan hands it over; everything borrowed for the callback. */
struct sf_order {
	int64_t id;
	int64_t placed_at; /* UTC seconds */
	int64_t day; /* local day of placed_at in the scan's zone */
	int cancelled; /* not counted: fact is all zero */
	const char *carrier, *mode, *region; /* "" when unknown */
	struct sl_fact fact; /* the whole order */
	size_t ncat; /* distinct product categories of its lines */
	const char **cat; /* ncat names */
	const struct sl_fact *cat_fact; /* ncat facts: the order judged on that category's lines */
};

typedef int (*sf_order_fn)(void *arg, const struct sf_order *o, struct kf_error *err);

/*
 * Stream every order with lo <= id <= hi, in id order, through fn (a
 * negative return stops the scan and is returned).  z is the zone of
 * sf_order.day.
 */
int sf_scan(struct db *db, const struct tz *z, int64_t lo, int64_t hi, sf_order_fn fn, void *arg,
            struct kf_error *err);

/* The zone of the aggregates' days (service_state.tz); *z borrowed forever. */
int sf_zone(struct db *db, const struct tz **z, struct kf_error *err);
/* The watermark: -1 when the aggregates were never built. */
int sf_watermark(struct db *db, int64_t *out, struct kf_error *err);

/*
 * Bring the aggregates up to date at now: a first run (watermark -1)
 * builds them from a full scan in one transaction; later runs fold in the
 * orders changed since the watermark.  *changed (may be NULL) is the
 * number of orders whose fact changed.
 */
int sf_refresh(struct db *db, int64_t now, int64_t *changed, struct kf_error *err);

/* Where a service_daily row of (value, day) is to be added; borrowed. */
typedef struct sl_agg *(*sf_daily_fn)(void *arg, const char *value, int64_t day);
/* Add every service_daily row of kind k with day0 <= day < day1 into the aggregate fn names for it. */
int sf_daily_scan(struct db *db, enum sf_kind k, int64_t day0, int64_t day1, sf_daily_fn fn, void *arg,
                  struct kf_error *err);

/* The scheduler's job (ref_id unused): sf_refresh, then again in SF_EVERY_S. */
int sf_job(struct db *db, int64_t ref_id, int64_t now, struct kf_error *err);

#endif
