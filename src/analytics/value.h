/*
 * value.h - customer value over the store: RFM, ABC, loyalty and the
 * lifecycle stage of every customer, computed in one pass, stored in
 * customer_value by a nightly job, and summed up for the reports (rfm,
 * abc, loyalty, lifecycle).  The arithmetic is in rfm.h, abc.h,
 * loyalty.h and lifecycle.h; this module gathers the inputs and writes
 * the results.  Definitions: docs/metrics/customer-value.md.
 *
 * The pass (value_compute).  Customers (not erased) are loaded in id order;
 * then orders are streamed once in primary-key order, in pages, and each
 * row is added to its customer: count, sum, last three purchase times
 * (for Tucker), sales in the last LOYALTY_WALLET_DAYS.  Primary-key order
 * reads the table as it is stored (SQLite) and keeps memory bounded on
 * both backends (PostgreSQL buffers a whole result).  A purchase is an
 * order that is not cancelled, has a customer, and was placed in
 * [from, to) (0 = open end) and not after now.  Survey answers, open
 * complaint tickets and the stated category spend are read the same way.
 * Then RFM is scored over the buyers (in id order), ABC over all
 * customers, and loyalty and stage per customer.
 *
 * The job (value_recompute, value_job).  Writes customer_value rows that
 * changed (upsert) and sets customers.tier = abc_class and customers.stage
 * = stage where they differ, compare-and-set on the values read (a tier an
 * agent changed meanwhile is left for the next run), with an audit row
 * per customer changed; in transactions of VALUE_TX_ROWS customers.  A run
 * row records when and with which thresholds.  The nightly job uses the
 * thresholds of the latest run (set by `kefu analytics recompute --a --b`),
 * else 80/15.
 */
#ifndef KF_VALUE_H
#define KF_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "analytics/abc.h"
#include "analytics/lifecycle.h"
#include "analytics/loyalty.h"
#include "analytics/rfm.h"
#include "base/err.h"

struct db;

#define VALUE_JOB_KIND "customer_value"
#define VALUE_JOB_HOUR_UTC 19 /* the nightly run: 03:00 in China (UTC+8) */
#define VALUE_FRESH_S (36 * 3600) /* a run younger than this serves reports */
#define VALUE_TX_ROWS 1000 /* customers per write transaction */
#define VALUE_PAGE_ROWS 50000 /* rows per read page */

struct value_opts {
	int64_t from, to; /* purchases placed in [from, to); 0 = open end */
	int64_t now; /* recency and "recent" are measured to this instant */
	struct abc_thresholds abc;
	int64_t tucker_gap_s; /* loyalty_tucker's max_gap; 0 = no limit */
	struct lifecycle_rules stages;
	void (*progress)(void *arg, uint64_t done, uint64_t total); /* may be NULL */
	void *progress_arg;
};
/* Sets the defaults: open period, 80/15, a 365-day Tucker gap, the default stage rules. */
void value_opts_init(struct value_opts *o, int64_t now);

/* One customer: what was read (in), what was computed (out). */
struct value_row {
	int64_t customer_id;
	/* in */
	int64_t frequency; /* purchases */
	int64_t monetary_minor; /* their total */
	int64_t last_at[LOYALTY_TUCKER_RUN]; /* the latest min(frequency, 3) purchase times, ascending */
	int64_t recent_minor; /* sales in the last LOYALTY_WALLET_DAYS before now */
	int64_t wallet_minor; /* stated category spend; 0 = unknown */
	int64_t att_at, csat_at; /* when the attitude and CSAT answers below were given; 0 = none */
	int64_t open_complaints;
	int8_t nps, att_csat; /* the latest answer with NPS or CSAT (-1 = not answered) */
	int8_t csat; /* the latest CSAT answer, 0 = none */
	char tier; /* customers.tier as read */
	int8_t cur_stage; /* customers.stage as read (enum lifecycle_stage) */
	/* out */
	int64_t last_purchase_at; /* 0 when no purchase */
	int64_t recency_days; /* -1 when no purchase */
	int8_t r, f, m; /* 0 when no purchase */
	int8_t segment; /* enum rfm_segment, -1 when no purchase */
	char abc; /* 'A', 'B', 'C' */
	int8_t tucker; /* 1 = Tucker-loyal */
	double share; /* share of wallet, -1 unknown */
	int8_t loyalty; /* enum loyalty_cell */
	int8_t stage; /* enum lifecycle_stage */
};

struct value_set {
	struct value_row *rows; /* customers in id order; owned */
	size_t n, cap;
	int64_t orders; /* purchases counted */
	int64_t revenue_minor; /* their total */
	size_t buyers; /* customers with a purchase */
	int64_t orders_max_id; /* the largest orders.id when the pass began (progress) */
	int32_t *slot; /* slot[id - base] = index in rows or -1, when ids are dense; else NULL */
	int64_t base; /* the smallest customer id */
	size_t nslot;
};
#define VALUE_SET_INIT \
	{ \
		NULL, 0, 0, 0, 0, 0, 0, NULL, 0, 0 \
	}
void value_set_release(struct value_set *s);

/* The pass described above; *s (initialised, empty) receives every customer. */
int value_compute(struct db *db, const struct value_opts *o, struct value_set *s, struct kf_error *err);

/* What a recompute did. */
struct value_stats {
	int64_t customers, buyers, orders, revenue_minor;
	int64_t rows_written; /* customer_value rows inserted or changed */
	int64_t tiers_changed, stages_changed;
};

/* Compute (as of o->now, o->from/to ignored: all purchases) and write, as described above. */
int value_recompute(struct db *db, const struct value_opts *o, struct value_stats *st, struct kf_error *err);

/* The job handler: ref 0 (seeded at start) plans the nightly run (ref 1), which recomputes. */
int value_job(struct db *db, int64_t ref_id, int64_t now, struct kf_error *err);
/* The first nightly slot (VALUE_JOB_HOUR_UTC:00) strictly after now. */
int64_t value_next_slot(int64_t now);

/* The newest run, for freshness and its thresholds. */
struct value_run {
	int64_t as_of; /* the instant the run measured to (its "now") */
	struct abc_thresholds abc;
	int64_t customers, buyers, orders, revenue_minor;
};
/* KF_ENOTFOUND when there has been no run. */
int value_last_run(struct db *db, struct value_run *run, struct kf_error *err);

#endif
