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

int stats_hist_bucket(int64_t x)
{
	if (x <= 0)
		return 0;
	if (x >= (int64_t)STATS_HIST_LAST * STATS_HIST_WIDTH)
		return STATS_HIST_LAST;
	return (int)(x / STATS_HIST_WIDTH);
}

void stats_hist_add(struct stats_hist *h, int64_t x, int w)
{
	h->c[stats_hist_bucket(x)] += w;
	h->n += w;
}

void stats_hist_merge(struct stats_hist *a, const struct stats_hist *b, int sign)
{
	for (int i = 0; i < STATS_HIST_BUCKETS; i++)
		a->c[i] += sign * b->c[i];
	a->n += sign * b->n;
}

int stats_hist_empty(const struct stats_hist *h)
{
	for (int i = 0; i < STATS_HIST_BUCKETS; i++)
		if (h->c[i])
			return 0;
	return 1;
}

/* The value placed at rank k (0-based) of the evenly spread buckets. */
static double hist_value_at(const struct stats_hist *h, int64_t k)
{
	int64_t below = 0;
	for (int b = 0; b < STATS_HIST_BUCKETS; b++) {
		int64_t c = h->c[b] > 0 ? h->c[b] : 0;
		if (k < below + c) {
			if (b == STATS_HIST_LAST)
				return (double)STATS_HIST_LAST * STATS_HIST_WIDTH;
			return ((double)b + ((double)(k - below) + 0.5) / (double)c) * STATS_HIST_WIDTH;
		}
		below += c;
	}
	return (double)STATS_HIST_LAST * STATS_HIST_WIDTH;
}

int stats_hist_percentile(const struct stats_hist *h, double q, double *out)
{
	if (h->n < 1 || !(q >= 0 && q <= 1))
		return 0;
	double r = (double)(h->n - 1) * q;
	int64_t lo = (int64_t)floor(r);
	double x0 = hist_value_at(h, lo);
	if (lo >= h->n - 1) {
		*out = x0;
		return 1;
	}
	*out = x0 + (r - (double)lo) * (hist_value_at(h, lo + 1) - x0);
	return 1;
}

size_t stats_hist_encode(const struct stats_hist *h, unsigned char *out)
{
	size_t n = 0;
	for (int b = 0; b < STATS_HIST_BUCKETS; b++) {
		if (!h->c[b])
			continue;
		uint32_t c = (uint32_t)h->c[b];
		out[n++] = (unsigned char)(b & 0xff);
		out[n++] = (unsigned char)(b >> 8);
		for (int i = 0; i < 4; i++)
			out[n++] = (unsigned char)(c >> (8 * i));
	}
	return n;
}

int stats_hist_decode(struct stats_hist *h, const unsigned char *p, size_t n, int sign)
{
	if (n % 6)
		return -1;
	int prev = -1;
	for (size_t i = 0; i < n; i += 6) { /* check everything before touching h */
		int b = p[i] | p[i + 1] << 8;
		if (b >= STATS_HIST_BUCKETS || b <= prev)
			return -1;
		prev = b;
	}
	for (size_t i = 0; i < n; i += 6) {
		uint32_t c = (uint32_t)p[i + 2] | (uint32_t)p[i + 3] << 8 | (uint32_t)p[i + 4] << 16 |
		        (uint32_t)p[i + 5] << 24;
		int32_t v = (int32_t)c;
		h->c[p[i] | p[i + 1] << 8] += sign * v;
		h->n += sign * (int64_t)v;
	}
	return 0;
}
