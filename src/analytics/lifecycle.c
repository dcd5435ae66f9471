/*
 * lifecycle.c - see lifecycle.h.
 */
#include "analytics/lifecycle.h"

#include <string.h>

#include "base/err.h"

/* Rules 3-6: the signs of a customer slipping away. */
static int at_risk(const struct lifecycle_in *in, const struct lifecycle_rules *rules)
{
	return in->open_complaints > 0 || (in->csat >= 1 && in->csat <= 2) ||
	        in->last_order_days > rules->at_risk_days || (in->r >= 1 && in->r <= 2 && in->f >= 3);
}

enum lifecycle_stage lifecycle_stage_of(const struct lifecycle_in *in, const struct lifecycle_rules *rules)
{
	if (in->orders <= 0)
		return STAGE_POTENTIAL;
	if (in->last_order_days > rules->lapsed_days)
		return STAGE_LAPSED;
	if (at_risk(in, rules))
		return STAGE_AT_RISK;
	if (in->orders >= rules->loyal_orders && in->f >= 4 && (in->csat == 0 || in->csat >= 4))
		return STAGE_LOYAL;
	if (in->orders >= 2 || in->csat >= 4)
		return STAGE_SATISFIED;
	return STAGE_NEW;
}

static const char *const stage_names[LIFECYCLE_STAGES] = {
	[STAGE_POTENTIAL] = "potential", [STAGE_NEW] = "new",         [STAGE_SATISFIED] = "satisfied",
	[STAGE_LOYAL] = "loyal",         [STAGE_AT_RISK] = "at_risk", [STAGE_LAPSED] = "lapsed",
};

const char *lifecycle_stage_name(enum lifecycle_stage s)
{
	if ((int)s < 0 || s >= LIFECYCLE_STAGES)
		KF_BUG("lifecycle stage out of range");
	return stage_names[s];
}

int lifecycle_stage_find(const char *name)
{
	for (int s = 0; name && s < LIFECYCLE_STAGES; s++)
		if (strcmp(stage_names[s], name) == 0)
			return s;
	return -1;
}
