/*
 * ratecard_csv.h - rate cards in and out of CSV (PRODUCT.md P1).
 *
 * One card per file, one row per fact, the first field naming the fact:
 *
 *   card,CARRIER,MODE,GEO,CURRENCY,DIM_DIVISOR,WEIGHT_STEP_G,MIN_CHARGE,DEFICIT_RULE,INSURANCE_BP,INSURANCE_MIN
 *   zone,CODE,MIN_KM,TRANSIT_MIN_DAYS,TRANSIT_MAX_DAYS
 *   match,postcode|region|default,KEY,ZONE
 *   break,WEIGHT_FROM_G
 *   rate,ZONE,WEIGHT_FROM_G,BASE,PER_KG
 *   surcharge,CODE,percent|flat|per_kg,always|hazardous|special,VALUE
 *
 * MODE road|sea|air|express; GEO zone|distance; money in minor units;
 * percent surcharges and insurance in basis points; a header row starting
 * with "kind" and lines starting with "#" are skipped.  The card row comes
 * first; zones and breaks before the rates that name them.  Anything wrong
 * is refused with the line number and the reason in the message (and the
 * column as the field): overlapping weight breaks, a zone without a rate
 * in the first break, a zone no destination reaches, an unknown zone, a
 * duplicate, a bad number.  Nothing of a refused card is kept.
 */
#ifndef KF_RATECARD_CSV_H
#define KF_RATECARD_CSV_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "pricing/ratecard.h"

/* Read a card from p[0..n); on success *c is validated and owned by the
 * caller (rc_release); on failure *c is released. */
int rc_read_csv(struct rate_card *c, const char *p, size_t n, struct kf_error *err);

/* Append the card as CSV (the format above, with a header row); reading
 * the output back gives the same card. */
void rc_write_csv(const struct rate_card *c, struct buf *out);

#endif
