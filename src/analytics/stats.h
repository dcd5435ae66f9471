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

#endif
