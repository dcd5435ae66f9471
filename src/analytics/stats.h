/*
 * stats.h - descriptive statistics for reports: mean, sample standard
 * deviation, coefficient of variation and percentiles (docs/metrics.md).
 *
 * Two ways in: a streaming accumulator (Welford's method, numerically
 * stable over millions of values) for mean/sd/CV, and a sorted array for
 * percentiles.  Percentiles use linear interpolation between closest ranks
 * (Hyndman & Fan type 7, numpy's and Excel PERCENTILE.INC's default):
 * for sorted x[0..n-1] and q in [0, 1], h = (n-1)q, the result is
 * x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 * Empty input gives "no value" (return 0 / ok = 0), never NaN.
 */
#ifndef KF_STATS_H
#define KF_STATS_H

#include <stddef.h>
#include <stdint.h>

struct stats_acc {
	uint64_t n;
	double mean;
	double m2; /* sum of squared deviations from the mean */
	double min, max;
};

#define STATS_ACC_INIT \
	{ \
		0, 0, 0, 0, 0 \
	}

void stats_add(struct stats_acc *a, double x);
/* Fold b into a (parallel/segment merge, Chan et al.). */
void stats_merge(struct stats_acc *a, const struct stats_acc *b);
/* Each returns 1 and sets *out when defined, else 0: mean needs n >= 1,
 * the sample standard deviation (divisor n-1) n >= 2, CV also mean != 0. */
int stats_mean(const struct stats_acc *a, double *out);
int stats_sd(const struct stats_acc *a, double *out);
int stats_cv(const struct stats_acc *a, double *out);

/* Sort v[0..n-1] ascending in place. */
void stats_sort(double *v, size_t n);
/* The q-quantile (0 <= q <= 1) of sorted v; 0 when n == 0. */
int stats_percentile_sorted(const double *v, size_t n, double q, double *out);

/*
 * A fixed-bucket histogram of durations in seconds, so that percentiles
 * of millions of values can be kept in (and summed from) precomputed
 * aggregates.  Bucket b < STATS_HIST_LAST holds [b * W, (b + 1) * W) with
 * W = STATS_HIST_WIDTH (one hour), up to 60 days; the last bucket holds
 * everything from 60 days on, and negative values count as 0.  Counts are
 * signed so a histogram can also be a delta (an order's old value taken
 * out, its new one put in).
 *
 * The percentile estimate places the c values of a bucket evenly inside
 * it (the k-th at lo + (k + 0.5) W / c) and then applies type 7 to that
 * sequence.  Each placed value lies in the same bucket as the true value
 * of the same rank, so for q whose ranks fall below 60 days the estimate
 * is within W (3600 s) of the exact type-7 percentile; a rank in the
 * overflow bucket reads as 60 days (a lower bound).
 */
#define STATS_HIST_WIDTH 3600
#define STATS_HIST_LAST 1440 /* the overflow bucket: 60 days and more */
#define STATS_HIST_BUCKETS (STATS_HIST_LAST + 1)

struct stats_hist {
	int64_t n; /* sum of c[] */
	int32_t c[STATS_HIST_BUCKETS]; /* values per bucket */
};

/* The bucket of x seconds. */
int stats_hist_bucket(int64_t x);
/* Count x with weight w (+1 adds a value, -1 takes it out). */
void stats_hist_add(struct stats_hist *h, int64_t x, int w);
/* a += sign * b. */
void stats_hist_merge(struct stats_hist *a, const struct stats_hist *b, int sign);
/* 1 when every count is 0. */
int stats_hist_empty(const struct stats_hist *h);
/* The q-quantile estimate described above; 1 and *out when n >= 1 and 0 <= q <= 1, else 0. */
int stats_hist_percentile(const struct stats_hist *h, double q, double *out);
/*
 * The compact form stored in aggregates: for each non-zero bucket in
 * ascending order, the bucket (2 bytes) and the count (4 bytes, signed),
 * little-endian.  encode writes at most 6 * STATS_HIST_BUCKETS bytes to out
 * and returns the length; decode adds sign * the counts in p[0..n-1] to h
 * and returns 0, or -1 (h unchanged) when the bytes are not such a list.
 */
#define STATS_HIST_BYTES_MAX (6 * STATS_HIST_BUCKETS)
size_t stats_hist_encode(const struct stats_hist *h, unsigned char *out);
int stats_hist_decode(struct stats_hist *h, const unsigned char *p, size_t n, int sign);

#endif
