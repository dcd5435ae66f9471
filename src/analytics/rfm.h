/*
 * rfm.h - RFM scoring by quintiles and the ten named R x F segments
 * (PRODUCT.md Q5; docs/metrics/customer-value.md; the public recipe in
 * metrics-and-methods.md 5.1).
 *
 * Pure: plain numbers in, scores out; no store, no clock.
 *
 * Recency is whole days from the last purchase to now; frequency the
 * number of purchases; monetary their total in minor units.  Each is cut
 * into five quintile bins the way pandas' qcut does it: five edges at the
 * 0.2, 0.4, 0.6, 0.8 quantiles (linear interpolation between order
 * statistics, numpy's default), a value falls in the first bin whose upper
 * edge it does not exceed.  So:
 *   R = 6 - bin(recency_days)        (the most recent customers score 5)
 *   F = bin(rank of frequency)       (ranks 1..n, ties broken by input order,
 *                                     pandas' rank(method="first"))
 *   M = bin(monetary)
 * Ties in recency or monetary always get the same score; where ties make
 * two edges equal the bin between them is empty, so a score may be unused
 * (pandas raises instead).  F never has ties: ranking spreads equal
 * frequencies over adjacent bins in input order (customer id order in
 * kefu), which is exactly what the recipe asks for.  With one customer
 * every edge equals the value: R = 5, F = 1, M = 1.
 */
#ifndef KF_RFM_H
#define KF_RFM_H

#include <stddef.h>
#include <stdint.h>

#define RFM_SEGMENTS 10

enum rfm_segment {
	RFM_HIBERNATING,
	RFM_AT_RISK,
	RFM_CANT_LOOSE,
	RFM_ABOUT_TO_SLEEP,
	RFM_NEED_ATTENTION,
	RFM_LOYAL_CUSTOMERS,
	RFM_PROMISING,
	RFM_NEW_CUSTOMERS,
	RFM_POTENTIAL_LOYALISTS,
	RFM_CHAMPIONS,
};

struct rfm_customer {
	int64_t recency_days; /* in: days since the last purchase (>= 0) */
	int64_t frequency; /* in: purchases (>= 1) */
	int64_t monetary_minor; /* in: their total, minor units */
	int r, f, m; /* out: scores 1..5 */
};

/* Whole days from last_at to now, rounded down; 0 when last_at is after now. */
int64_t rfm_recency_days(int64_t last_at, int64_t now);

/* The quintile edges e[0..5] (min, 20 %, 40 %, 60 %, 80 %, max) of n >= 1 sorted values. */
void rfm_edges(const double *sorted, size_t n, double e[6]);
/* The bin 1..5 of x: the first k with x <= e[k] (values at or below e[1] are bin 1). */
int rfm_bin(double x, const double e[6]);

/*
 * Score c[0..n-1] in place (r, f, m).  The array order is the "first" in
 * rank(method="first"): pass customers in id order.  O(n log n); allocates
 * O(n) scratch memory.
 */
void rfm_score(struct rfm_customer *c, size_t n);

/* The segment of the R x F cell (r, f in 1..5); KF_BUG outside. */
enum rfm_segment rfm_segment_of(int r, int f);
/* "champions", "cant_loose", ...: the names of the public recipe. */
const char *rfm_segment_name(enum rfm_segment s);
/* The segment named name, or -1. */
int rfm_segment_find(const char *name);

#endif
