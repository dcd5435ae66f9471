/*
 * rfm.c - see rfm.h.  The quintile edges follow numpy's linear quantile
 * (position (n - 1) * q between order statistics) and pandas' qcut bins
 * (right-closed, the lowest value included in the first bin).  The
 * segment grid is the regex map of the public recipe (metrics-and-methods.md
 * 5.1), written out as a 5 x 5 table.
 */
#include "analytics/rfm.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"

int64_t rfm_recency_days(int64_t last_at, int64_t now)
{
	return last_at >= now ? 0 : (now - last_at) / 86400;
}

void rfm_edges(const double *sorted, size_t n, double e[6])
{
	for (int k = 0; k <= 5; k++) {
		double pos = (double)(n - 1) * k / 5.0;
		size_t lo = (size_t)pos;
		double frac = pos - (double)lo;
		e[k] = lo + 1 < n ? sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]) : sorted[n - 1];
	}
}

int rfm_bin(double x, const double e[6])
{
	for (int k = 1; k < 5; k++)
		if (x <= e[k])
			return k;
	return 5;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sort keys for the frequency rank: (frequency, input position). */
struct fkey {
	int64_t freq;
	size_t pos;
};

static int cmp_fkey(const void *a, const void *b)
{
	const struct fkey *x = a, *y = b;
	if (x->freq != y->freq)
		return x->freq < y->freq ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* The bins of one value column: recency (R, reversed) when recency, else monetary (M). */
static void score_values(struct rfm_customer *c, size_t n, double *scratch, int recency)
{
	double e[6];
	for (size_t i = 0; i < n; i++)
		scratch[i] = (double)(recency ? c[i].recency_days : c[i].monetary_minor);
	qsort(scratch, n, sizeof(*scratch), cmp_double);
	rfm_edges(scratch, n, e);
	for (size_t i = 0; i < n; i++) {
		if (recency)
			c[i].r = 6 - rfm_bin((double)c[i].recency_days, e);
		else
			c[i].m = rfm_bin((double)c[i].monetary_minor, e);
	}
}

/* F: the bin of each customer's rank (1..n) among the ranks 1..n. */
static void score_frequency(struct rfm_customer *c, size_t n)
{
	struct fkey *k = xcalloc(n, sizeof(*k));
	double e[6];
	for (size_t i = 0; i < n; i++)
		k[i] = (struct fkey){ c[i].frequency, i };
	qsort(k, n, sizeof(*k), cmp_fkey);
	for (int q = 0; q <= 5; q++) /* the quantiles of 1..n: linear in q */
		e[q] = 1.0 + (double)(n - 1) * q / 5.0;
	for (size_t rank = 1; rank <= n; rank++)
		c[k[rank - 1].pos].f = rfm_bin((double)rank, e);
	free(k);
}

void rfm_score(struct rfm_customer *c, size_t n)
{
	if (n == 0)
		return;
	double *scratch = xcalloc(n, sizeof(*scratch));
	score_values(c, n, scratch, 1);
	score_values(c, n, scratch, 0);
	free(scratch);
	score_frequency(c, n);
}

/* grid[R - 1][F - 1] */
static const enum rfm_segment grid[5][5] = {
	{ RFM_HIBERNATING, RFM_HIBERNATING, RFM_AT_RISK, RFM_AT_RISK, RFM_CANT_LOOSE },
	{ RFM_HIBERNATING, RFM_HIBERNATING, RFM_AT_RISK, RFM_AT_RISK, RFM_CANT_LOOSE },
	{ RFM_ABOUT_TO_SLEEP, RFM_ABOUT_TO_SLEEP, RFM_NEED_ATTENTION, RFM_LOYAL_CUSTOMERS, RFM_LOYAL_CUSTOMERS },
	{ RFM_PROMISING, RFM_POTENTIAL_LOYALISTS, RFM_POTENTIAL_LOYALISTS, RFM_LOYAL_CUSTOMERS,
	  RFM_LOYAL_CUSTOMERS },
	{ RFM_NEW_CUSTOMERS, RFM_POTENTIAL_LOYALISTS, RFM_POTENTIAL_LOYALISTS, RFM_CHAMPIONS, RFM_CHAMPIONS },
};

static const char *const names[RFM_SEGMENTS] = {
	[RFM_HIBERNATING] = "hibernating",
	[RFM_AT_RISK] = "at_risk",
	[RFM_CANT_LOOSE] = "cant_loose",
	[RFM_ABOUT_TO_SLEEP] = "about_to_sleep",
	[RFM_NEED_ATTENTION] = "need_attention",
	[RFM_LOYAL_CUSTOMERS] = "loyal_customers",
	[RFM_PROMISING] = "promising",
	[RFM_NEW_CUSTOMERS] = "new_customers",
	[RFM_POTENTIAL_LOYALISTS] = "potential_loyalists",
	[RFM_CHAMPIONS] = "champions",
};

enum rfm_segment rfm_segment_of(int r, int f)
{
	if (r < 1 || r > 5 || f < 1 || f > 5)
		KF_BUG("rfm score out of range");
	return grid[r - 1][f - 1];
}

const char *rfm_segment_name(enum rfm_segment s)
{
	if ((int)s < 0 || s >= RFM_SEGMENTS)
		KF_BUG("rfm segment out of range");
	return names[s];
}

int rfm_segment_find(const char *name)
{
	for (int s = 0; name && s < RFM_SEGMENTS; s++)
		if (strcmp(names[s], name) == 0)
			return s;
	return -1;
}
