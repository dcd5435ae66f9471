/*
 * quote.c - composing a quote from a rate card, a price policy and the
 * request (the order of the steps is in quote.h).
 */
#include "pricing/quote.h"
#include "base/str.h"

#include <string.h>

#include "pricing/money.h"

static const char *const kind_names[QL_KIND_COUNT] = {
	"goods",     "quantity_discount", "promotion",        "freight", "contract_discount",
	"surcharge", "insurance",         "pickup_allowance",
};

const char *quote_line_kind_name(enum quote_line_kind k)
{
	return (unsigned)k < QL_KIND_COUNT ? kind_names[k] : "?";
}

const char *quote_terms_name(enum quote_terms t)
{
	return t == QT_FOB_ORIGIN ? "fob_origin" : "fob_destination";
}

int quote_terms_parse(const char *s, enum quote_terms *out)
{
	if (strcmp(s, "fob_origin") == 0)
		*out = QT_FOB_ORIGIN;
	else if (strcmp(s, "fob_destination") == 0 || strcmp(s, "delivered") == 0)
		*out = QT_FOB_DESTINATION;
	else
		return -1;
	return 0;
}

static int overflow(struct kf_error *err)
{
	return kf_fail(err, KF_EINVAL, "too_large", "quantity", "the amounts are too large to price");
}

static int add_line(struct quote *q, enum quote_line_kind kind, const char *code, int64_t amount, int in_price)
{
	if (q->nlines == QUOTE_MAX_LINES)
		return -1;
	struct quote_line *l = &q->lines[q->nlines++];
	l->kind = kind;
	str_copy(l->code, sizeof l->code, code);
	l->amount = amount;
	l->in_price = in_price;
	return 0;
}

static int check_req(const struct quote_req *r, struct kf_error *err)
{
	if (r->quantity < 1)
		return kf_fail(err, KF_EINVAL, "invalid", "quantity", "quantity must be at least 1");
	if (r->unit_price < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "unit_price", "the unit price cannot be negative");
	if (r->weight_g <= 0)
		return kf_fail(err, KF_EINVAL, "invalid", "weight_g", "the weight must be more than 0 g");
	if (r->len_mm < 0 || r->wid_mm < 0 || r->hei_mm < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "dimensions", "dimensions cannot be negative");
	if (r->declared_value < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "declared_value",
		               "the declared value cannot be negative");
	if (r->contract_bp < 0 || r->contract_bp > 10000)
		return kf_fail(err, KF_EINVAL, "out_of_range", "contract_bp",
		               "a contract discount is 0 to 10000 bp");
	return 0;
}

/* Freight for the request on one card: zone, weights, freight before
 * surcharges.  Fills the weight fields of q from the card used. */
static int card_freight(const struct rate_card *c, const struct quote_req *r, struct quote *q,
                        int64_t *freight, struct kf_error *err)
{
	int zone = rc_zone_for(c, r->postcode, r->region, r->distance_km);
	if (zone < 0)
		return kf_fail(err, KF_ENOTFOUND, "no_zone",
		               c->geo == RC_GEO_DISTANCE ? "distance_km" : "postcode",
		               "carrier %s does not deliver to this destination", c->carrier);
	int64_t dim = rc_dim_weight_g(c, r->len_mm, r->wid_mm, r->hei_mm);
	int64_t bill = rc_billable_g(c, r->weight_g, dim);
	int deficit;
	int rc = rc_freight(c, zone, bill, freight, &deficit, err);
	if (rc)
		return rc;
	q->zone = zone;
	q->actual_g = r->weight_g;
	q->dim_g = dim;
	q->billable_g = bill;
	q->deficit = deficit;
	q->transit_min_days = c->zones[zone].transit_min_days;
	q->transit_max_days = c->zones[zone].transit_max_days;
	return 0;
}

/* Step 1: the charged freight (and under basing points the actual one). */
static int freight_step(const struct rate_card *card, const struct quote_basing *bp, const struct quote_req *r,
                        struct quote *q, int64_t *charged, int64_t *actual, struct kf_error *err)
{
	if (!bp) {
		int rc = card_freight(card, r, q, charged, err);
		*actual = *charged;
		return rc;
	}
	if (bp->npoints == 0 || bp->npoints > QUOTE_MAX_BASING || !bp->actual)
		return kf_fail(err, KF_EINVAL, "invalid", "basing_points",
		               "basing-point pricing needs 1 to %d points", QUOTE_MAX_BASING);
	struct quote tmp = *q;
	int best = -1;
	for (size_t i = 0; i < bp->npoints; i++) {
		int64_t f;
		struct kf_error e2 = KF_ERROR_INIT;
		if (card_freight(bp->points[i], r, &tmp, &f, &e2) == 0 && (best < 0 || f < *charged)) {
			best = (int)i;
			*charged = f;
		}
	}
	if (best < 0)
		return kf_fail(err, KF_ENOTFOUND, "no_rate", "basing_points",
		               "no basing point delivers to this destination");
	int rc = card_freight(bp->actual, r, q, actual, err); /* weights and transit from the shipping plant */
	if (rc)
		return rc;
	q->basing = 1;
	q->basing_point = best;
	q->freight_charged = *charged;
	q->freight_actual = *actual;
	q->phantom = *charged > *actual ? *charged - *actual : 0;
	q->absorption = *actual > *charged ? *actual - *charged : 0;
	return 0;
}

/* Steps 3-4 on a card: surcharges and insurance, appended as lines. */
static int extras_step(const struct rate_card *c, const struct quote_req *r, struct quote *q, int64_t freight,
                       int in_price, int64_t *sum)
{
	*sum = 0;
	for (size_t i = 0; i < c->nsurcharges; i++) {
		const struct rc_surcharge *s = &c->surcharges[i];
		if ((s->when == RC_SC_HAZARDOUS && !r->hazardous) || (s->when == RC_SC_SPECIAL && !r->special))
			continue;
		int64_t a = 0;
		int bad = 0;
		if (s->kind == RC_SC_PERCENT)
			bad = money_bp(freight, s->value, &a);
		else if (s->kind == RC_SC_FLAT)
			a = s->value;
		else
			bad = money_muldiv(s->value, q->billable_g, 1000, &a);
		if (bad || money_add(*sum, a, sum) || add_line(q, QL_SURCHARGE, s->code, a, in_price))
			return -1;
	}
	if (r->declared_value > 0 && (c->insurance_bp > 0 || c->insurance_min > 0)) {
		int64_t a;
		if (money_bp(r->declared_value, c->insurance_bp, &a))
			return -1;
		if (a < c->insurance_min)
			a = c->insurance_min;
		if (money_add(*sum, a, sum) || add_line(q, QL_INSURANCE, "", a, in_price))
			return -1;
	}
	return 0;
}

/* Step 5: goods less the best tier and an active promotion. */
static int goods_step(const struct quote_policy *pol, const struct quote_req *r, struct quote *q, int64_t *goods)
{
	int64_t gross;
	if (__builtin_mul_overflow(r->unit_price, r->quantity, &gross) || add_line(q, QL_GOODS, "", gross, 1))
		return -1;
	*goods = gross;
	if (!pol)
		return 0;
	int64_t best = 0;
	for (size_t i = 0; i < pol->ntiers; i++)
		if (r->quantity >= pol->tiers[i].min_qty && pol->tiers[i].bp > best)
			best = pol->tiers[i].bp;
	if (best > 0) {
		int64_t d;
		if (money_bp(gross, best, &d) || add_line(q, QL_QTY_DISCOUNT, "", -d, 1))
			return -1;
		*goods -= d;
	}
	for (size_t i = 0; i < pol->npromos; i++) {
		const struct quote_promo *p = &pol->promos[i];
		if (r->at >= p->start && r->at < p->end) {
			int64_t d;
			if (money_bp(*goods, p->bp, &d) || add_line(q, QL_PROMO, p->code, -d, 1))
				return -1;
			*goods -= d;
			break; /* one promotion at a time: the first listed that runs */
		}
	}
	return 0;
}

static int check_policy(const struct quote_policy *pol, struct kf_error *err)
{
	if (!pol)
		return 0;
	for (size_t i = 0; i < pol->ntiers; i++)
		if (pol->tiers[i].bp < 0 || pol->tiers[i].bp > 10000 || pol->tiers[i].min_qty < 1)
			return kf_fail(err, KF_EINVAL, "invalid", "tiers",
			               "a quantity tier needs min_qty >= 1 and 0-10000 bp");
	for (size_t i = 0; i < pol->npromos; i++)
		if (pol->promos[i].bp < 0 || pol->promos[i].bp > 10000 ||
		    pol->promos[i].end <= pol->promos[i].start)
			return kf_fail(err, KF_EINVAL, "invalid", "promotions",
			               "a promotion needs 0-10000 bp and an end after its start");
	if (pol->pickup_allowance_bp < 0 || pol->pickup_allowance_bp > 10000)
		return kf_fail(err, KF_EINVAL, "out_of_range", "pickup_allowance_bp",
		               "a pickup allowance is 0 to 10000 bp");
	return 0;
}

int quote_compute(const struct rate_card *card, const struct quote_basing *basing,
                  const struct quote_policy *pol, const struct quote_req *req, struct quote *q,
                  struct kf_error *err)
{
	memset(q, 0, sizeof *q);
	q->zone = -1;
	int rc = check_req(req, err);
	if (!rc)
		rc = check_policy(pol, err);
	if (rc)
		return rc;
	const struct rate_card *c = basing ? basing->actual : card;
	int64_t goods, charged = 0, actual = 0, extras = 0;
	if (goods_step(pol, req, q, &goods))
		return overflow(err);
	q->goods = goods;
	int delivered = req->terms == QT_FOB_DESTINATION;
	q->freight_payer = delivered ? QP_SELLER : QP_BUYER;
	q->risk_bearer = delivered ? QP_SELLER : QP_BUYER;
	if (req->pickup && !delivered) { /* the buyer's own carriage: no freight at all */
		q->total = q->delivered_price = goods;
		return 0;
	}
	rc = freight_step(card, basing, req, q, &charged, &actual, err);
	if (rc)
		return rc;
	int64_t freight = charged, d = 0;
	if (add_line(q, QL_FREIGHT, "", charged, delivered))
		return overflow(err);
	if (req->contract_bp > 0) {
		if (money_bp(charged, req->contract_bp, &d) || add_line(q, QL_CONTRACT, "", -d, delivered))
			return overflow(err);
		freight -= d;
	}
	if (extras_step(c, req, q, freight, delivered, &extras) || money_add(freight, extras, &freight))
		return overflow(err);
	if (req->pickup) { /* delivered terms, buyer collects: give back up to the actual cost */
		int64_t cost, a; /* the seller's actual delivery cost: its carrier's freight and extras */
		if (money_add(actual, extras, &cost))
			return overflow(err);
		int64_t cap = freight < cost ? freight : cost;
		if (money_bp(cap, pol ? pol->pickup_allowance_bp : 0, &a) || add_line(q, QL_PICKUP, "", -a, 1))
			return overflow(err);
		freight -= a;
	}
	q->freight = freight;
	if (money_add(goods, freight, &q->total))
		return overflow(err);
	q->delivered_price = delivered ? q->total : goods;
	return 0;
}
