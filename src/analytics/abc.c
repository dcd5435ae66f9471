/*
 * abc.c - see abc.h.  One sort of an index by value (descending), then one
 * walk that accumulates whole runs of equal values.  Shares are compared
 * in long double with a 1e-9 slack, so a cumulative share that is exactly
 * on a threshold in decimal (0.95 of a total in minor units) counts as
 * on it, whatever the binary rounding of 0.80 + 0.15.
 */
#include "analytics/abc.h"

#include <stdlib.h>

#include "base/xalloc.h"

#define ABC_SLACK 1e-9L /* shares within this of a threshold count as on it */

int abc_thresholds_valid(const struct abc_thresholds *t)
{
	return t->a > 0 && t->a <= 1 && t->b >= 0 && t->a + t->b <= 1 + (double)ABC_SLACK;
}

/* What is sorted: a value and where it came from (no globals, so reports may run in parallel). */
struct ranked {
	int64_t value;
	size_t pos;
};

static int cmp_desc(const void *x, const void *y)
{
	int64_t a = ((const struct ranked *)x)->value, b = ((const struct ranked *)y)->value;
	return (a < b) - (a > b);
}

/* The class of a run of ties ending at cumulative cum of total. */
static char class_of(int64_t cum, int64_t total, const struct abc_thresholds *t, int first)
{
	long double share = (long double)cum / (long double)total;
	if (first || share <= (long double)t->a + ABC_SLACK)
		return 'A';
	if (share <= (long double)t->a + (long double)t->b + ABC_SLACK)
		return 'B';
	return 'C';
}

void abc_classify(struct abc_item *items, size_t n, const struct abc_thresholds *t)
{
	struct ranked *rk = xcalloc(n ? n : 1, sizeof(*rk));
	int64_t total = 0;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		items[i].cls = 'C';
		if (items[i].value > 0) {
			rk[m++] = (struct ranked){ items[i].value, i };
			total += items[i].value;
		}
	}
	qsort(rk, m, sizeof(*rk), cmp_desc);
	int64_t cum = 0;
	for (size_t i = 0; i < m;) {
		size_t j = i;
		while (j < m && rk[j].value == rk[i].value)
			cum += rk[j++].value;
		char c = class_of(cum, total, t, i == 0);
		for (; i < j; i++)
			items[rk[i].pos].cls = c;
	}
	free(rk);
}
