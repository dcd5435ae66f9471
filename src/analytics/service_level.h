/*
 * service_level.h - logistics service-level KPIs (PRODUCT.md L3; Bowersox,
 * Closs & Cooper; SCOR RL.1.1; definitions in docs/metrics/service-level.md).
 *
 * Pure arithmetic in two steps.  sl_eval turns one order's raw facts (its
 * lines' ordered / shipped / delivered / back-ordered quantities, the
 * promise, the delivery, damage, documentation and claim) into a fact:
 * flags and counts.  Facts add into an sl_agg, a bag of additive counters
 * plus the sums and the histogram of the order cycle time; an aggregate can
 * also take a fact out again (sign -1), which is how precomputed aggregates
 * follow an order that changes.  The KPIs are ratios of two counters of an
 * aggregate (sl_ratio) and the cycle-time statistics (sl_cycle).
 *
 * The variant choices, fixed here once:
 *  - an order is "processed" once anything was shipped or back-ordered;
 *    fill rates and stockouts count processed orders only;
 *  - a line is complete when shipped >= ordered; a "stockout event" is a
 *    line of a processed order shipped short or with a back-order;
 *  - the order is delivered when all its parcels are; on time means
 *    delivered_at <= promised_at (early counts, no grace window), and is
 *    judged only for delivered orders that have a promise ("due");
 *  - in full is judged at line level on delivered quantities: every line
 *    delivered >= ordered;
 *  - perfect = on time, in full, undamaged, no claim and documents right.
 *    kefu records no documentation errors, so callers pass docs_ok = 1 and
 *    the reported rate is the perfect order without RL.2.3.
 */
#ifndef KF_SERVICE_LEVEL_H
#define KF_SERVICE_LEVEL_H

#include <stddef.h>
#include <stdint.h>

#include "analytics/stats.h"

struct sl_line {
	int64_t quantity; /* ordered */
	int64_t shipped; /* quantity_shipped */
	int64_t delivered; /* quantity_delivered */
	int64_t backordered; /* quantity_backordered */
};

struct sl_order {
	int64_t placed_at; /* UTC seconds */
	int64_t promised_at; /* 0 = no promise */
	int64_t delivered_at; /* 0 = not (wholly) delivered */
	int damaged; /* a damage claim or a complaint in a damage category */
	int claimed; /* any claim (damage, loss, late) */
	int docs_ok; /* documentation right; 1 when unknown */
};

enum sl_flag {
	SL_PROCESSED = 1 << 0, /* something shipped or back-ordered */
	SL_COMPLETE = 1 << 1, /* processed and every line shipped complete */
	SL_DELIVERED = 1 << 2, /* delivered (cycle time defined) */
	SL_DUE = 1 << 3, /* delivered with a promise: on time is judged */
	SL_ON_TIME = 1 << 4, /* due and delivered_at <= promised_at */
	SL_IN_FULL = 1 << 5, /* processed and every line delivered in full */
	SL_OTIF = 1 << 6, /* on time and in full */
	SL_PERFECT = 1 << 7, /* OTIF, undamaged, no claim, documents right */
	SL_DAMAGED = 1 << 8, /* processed and damaged */
	SL_CLAIMED = 1 << 9, /* processed and a claim was filed */
};

struct sl_fact {
	unsigned flags; /* enum sl_flag */
	int64_t lines; /* lines of a processed order, else 0 */
	int64_t lines_complete; /* of those, shipped complete */
	int64_t lines_stockout; /* of those, shipped short or back-ordered */
	int64_t units; /* units ordered on a processed order */
	int64_t units_shipped; /* units shipped, at most the ordered quantity per line */
	int64_t cycle_s; /* delivered_at - placed_at (>= 0) when delivered, else -1 */
};

/* Evaluate one order (or the lines of one category of it) from n lines. */
void sl_eval(const struct sl_order *o, const struct sl_line *l, size_t n, struct sl_fact *f);
/* 1 when two facts are the same (nothing to correct). */
int sl_fact_equal(const struct sl_fact *a, const struct sl_fact *b);

/* The additive counters; SL_C_COUNT of them, in this order everywhere
 * (the service_daily columns too). */
enum sl_counter {
	SL_C_ORDERS, /* orders counted (not cancelled) */
	SL_C_PROCESSED,
	SL_C_LINES,
	SL_C_LINES_COMPLETE,
	SL_C_LINES_STOCKOUT,
	SL_C_UNITS,
	SL_C_UNITS_SHIPPED,
	SL_C_COMPLETE,
	SL_C_IN_FULL,
	SL_C_DELIVERED,
	SL_C_DUE,
	SL_C_ON_TIME,
	SL_C_OTIF,
	SL_C_PERFECT,
	SL_C_DAMAGED,
	SL_C_CLAIMED,
	SL_C_CYCLE_SUM, /* seconds, over delivered orders */
	SL_C_COUNT
};

/* The sum of squared cycle times is a long double: over millions of
 * orders it outgrows int64, and integers below 2^64 are exact in it, so
 * adding and taking out facts stays exact. */
struct sl_agg {
	int64_t c[SL_C_COUNT]; /* enum sl_counter */
	long double cycle_sumsq; /* seconds squared, over delivered orders */
	struct stats_hist hist; /* cycle times of delivered orders */
};

/* Zero a. */
void sl_agg_init(struct sl_agg *a);
/* a += sign * f (sign +1 or -1). */
void sl_agg_add(struct sl_agg *a, const struct sl_fact *f, int sign);
/* a += sign * b. */
void sl_agg_merge(struct sl_agg *a, const struct sl_agg *b, int sign);
/* 1 when every counter and bucket is 0. */
int sl_agg_empty(const struct sl_agg *a);

enum sl_metric {
	SL_STOCKOUT, /* stockout lines / lines */
	SL_FILL_UNIT, /* units shipped / units ordered */
	SL_FILL_LINE, /* lines complete / lines */
	SL_FILL_ORDER, /* orders shipped complete / processed orders */
	SL_COMPLETION, /* orders delivered in full / processed orders */
	SL_OTD, /* on time / due */
	SL_OTIF_RATE, /* on time and in full / due */
	SL_PERFECT_RATE, /* perfect / due */
	SL_DAMAGE_RATE, /* damaged / processed orders */
	SL_CLAIM_RATE, /* claimed / processed orders */
	SL_METRIC_COUNT
};

/* The numerator and denominator of metric m in a (the rate is num/den; den 0 = no value). */
void sl_ratio(const struct sl_agg *a, enum sl_metric m, int64_t *num, int64_t *den);

struct sl_cycle {
	int64_t n; /* delivered orders */
	int has_mean, has_sd, has_cv; /* mean needs n >= 1, sd n >= 2, cv also mean > 0 */
	double mean, sd, cv; /* seconds; cv = sd / mean */
	int has_pct; /* n >= 1 */
	double p50, p90, p95; /* seconds, from the histogram (within one hour, stats.h) */
};

/* The order cycle time statistics of a (sample sd, divisor n - 1). */
void sl_cycle(const struct sl_agg *a, struct sl_cycle *out);

#endif
