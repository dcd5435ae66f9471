/*
 * stats.c - descriptive statistics (see stats.h for the definitions).
 */
#include "analytics/stats.h"

#include <math.h>
#include <stdlib.h>

void stats_add(struct stats_acc *a, double x)
{
	a->n++;
	if (a->n == 1) {
		a->min = a->max = x;
	} else {
		if (x < a->min)
			a->min = x;
		if (x > a->max)
			a->max = x;
	}
	double d = x - a->mean;
	a->mean += d / (double)a->n;
	a->m2 += d * (x - a->mean);
}

void stats_merge(struct stats_acc *a, const struct stats_acc *b)
{
	if (b->n == 0)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	double na = (double)a->n, nb = (double)b->n, n = na + nb;
	double d = b->mean - a->mean;
	a->mean += d * nb / n;
	a->m2 += b->m2 + d * d * na * nb / n;
	a->n += b->n;
	if (b->min < a->min)
		a->min = b->min;
	if (b->max > a->max)
		a->max = b->max;
}

int stats_mean(const struct stats_acc *a, double *out)
{
	if (a->n < 1)
		return 0;
	*out = a->mean;
	return 1;
}

int stats_sd(const struct stats_acc *a, double *out)
{
	if (a->n < 2)
		return 0;
	double var = a->m2 / (double)(a->n - 1);
	*out = var > 0 ? sqrt(var) : 0;
	return 1;
}

int stats_cv(const struct stats_acc *a, double *out)
{
	double sd;
	if (!stats_sd(a, &sd) || a->mean == 0)
		return 0;
	*out = sd / a->mean;
	return 1;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

void stats_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_double);
}

int stats_percentile_sorted(const double *v, size_t n, double q, double *out)
{
	if (n == 0 || !(q >= 0 && q <= 1))
		return 0;
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);
	if (lo >= n - 1) {
		*out = v[n - 1];
		return 1;
	}
	*out = v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
	return 1;
}
