/*
 * lifecycle.h - the customer's lifecycle stage (PRODUCT.md C2: potential
 * -> new -> satisfied -> loyal; at_risk, lapsed), the values of
 * customers.stage.  Pure; docs/metrics/customer-value.md.
 *
 * The rules, first match wins (the warning stages before the good ones,
 * so a loyal customer with an open complaint shows as at_risk):
 *   1. no purchase ever                                   -> potential
 *   2. last purchase more than lapsed_days ago            -> lapsed
 *   3. an open complaint                                  -> at_risk
 *   4. recent CSAT 1 or 2 (dissatisfied)                  -> at_risk
 *   5. last purchase more than at_risk_days ago           -> at_risk
 *   6. RFM cell at_risk or cant_loose (R <= 2, F >= 3):
 *      a good customer who has gone quiet                 -> at_risk
 *   7. >= loyal_orders purchases, F score >= 4, and no
 *      recent CSAT below 4                                -> loyal
 *   8. >= 2 purchases, or recent CSAT >= 4                -> satisfied
 *   9. otherwise (one purchase, no good answer yet)       -> new
 * "Recent CSAT" is the customer's latest CSAT answer no older than
 * LIFECYCLE_CSAT_DAYS; a repeat purchase is read as satisfaction (a
 * dissatisfied customer does not come back).
 */
#ifndef KF_LIFECYCLE_H
#define KF_LIFECYCLE_H

#include <stdint.h>

#define LIFECYCLE_CSAT_DAYS 365

enum lifecycle_stage {
	STAGE_POTENTIAL,
	STAGE_NEW,
	STAGE_SATISFIED,
	STAGE_LOYAL,
	STAGE_AT_RISK,
	STAGE_LAPSED,
};
#define LIFECYCLE_STAGES 6

struct lifecycle_rules {
	int64_t at_risk_days; /* silence that puts a customer at risk */
	int64_t lapsed_days; /* silence after which the customer has lapsed */
	int64_t loyal_orders; /* purchases a loyal customer has made at least */
};
#define LIFECYCLE_RULES_DEFAULT \
	{ \
		180, 365, 3 \
	}

struct lifecycle_in {
	int64_t orders; /* purchases ever (orders not cancelled) */
	int64_t last_order_days; /* days since the last one (orders > 0) */
	int csat; /* recent CSAT 1..5, 0 = none */
	int64_t open_complaints; /* complaint tickets not resolved or closed */
	int r, f; /* RFM scores 1..5, 0 = not scored */
};

enum lifecycle_stage lifecycle_stage_of(const struct lifecycle_in *in, const struct lifecycle_rules *rules);
/* "potential", "new", ... as in customers.stage. */
const char *lifecycle_stage_name(enum lifecycle_stage s);
/* The stage named name, or -1. */
int lifecycle_stage_find(const char *name);

#endif
