/*
 * loyalty.c - see loyalty.h.
 */
#include "analytics/loyalty.h"

#include <string.h>

#include "base/err.h"

int loyalty_tucker(const int64_t *at, size_t n, int64_t max_gap_s)
{
	if (n < LOYALTY_TUCKER_RUN)
		return 0;
	if (max_gap_s <= 0)
		return 1;
	for (size_t i = n - LOYALTY_TUCKER_RUN + 1; i < n; i++)
		if (at[i] - at[i - 1] > max_gap_s)
			return 0;
	return 1;
}

double loyalty_share(int64_t ours_minor, int64_t category_minor)
{
	if (category_minor <= 0)
		return -1;
	if (ours_minor <= 0)
		return 0;
	if (ours_minor >= category_minor)
		return 1;
	return (double)ours_minor / (double)category_minor;
}

enum loyalty_attitude loyalty_attitude_of(int nps, int csat)
{
	if (nps >= 9 || csat >= 4)
		return LOYALTY_ATT_HIGH;
	if (nps >= 0 || csat >= 1)
		return LOYALTY_ATT_LOW;
	return LOYALTY_ATT_UNKNOWN;
}

int loyalty_patronage_high(int f_score, int tucker)
{
	return f_score >= 4 || tucker;
}

enum loyalty_cell loyalty_cell_of(enum loyalty_attitude att, int patronage_high)
{
	if (att == LOYALTY_ATT_UNKNOWN)
		return LOYALTY_UNKNOWN;
	if (att == LOYALTY_ATT_HIGH)
		return patronage_high ? LOYALTY_TRUE : LOYALTY_LATENT;
	return patronage_high ? LOYALTY_SPURIOUS : LOYALTY_NONE;
}

static const char *const cell_names[LOYALTY_CELLS] = {
	[LOYALTY_UNKNOWN] = "unknown",   [LOYALTY_TRUE] = "true", [LOYALTY_LATENT] = "latent",
	[LOYALTY_SPURIOUS] = "spurious", [LOYALTY_NONE] = "none",
};

const char *loyalty_cell_name(enum loyalty_cell c)
{
	if ((int)c < 0 || c >= LOYALTY_CELLS)
		KF_BUG("loyalty cell out of range");
	return cell_names[c];
}

int loyalty_cell_find(const char *name)
{
	for (int c = 0; name && c < LOYALTY_CELLS; c++)
		if (strcmp(cell_names[c], name) == 0)
			return c;
	return -1;
}
