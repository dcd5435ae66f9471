/*
 * test_pricing.c - the pricing arithmetic: money rounding, rate cards
 * (zones, breaks, dimensional weight, deficit rule, validation), quotes
 * (surcharges, insurance, discounts, terms, pickup, basing points) and
 * elasticity / newsvendor, on the worked examples of the seeds and
 * /work/shared/reference/metrics-and-methods.md §4, §6, §7.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "pricing/elasticity.h"
#include "pricing/money.h"
#include "pricing/quote.h"
#include "pricing/ratecard.h"
#include "pricing/ratecard_csv.h"
#include "base/buf.h"

static void test_money_rounding(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(money_muldiv(5, 1, 10, &v), 0); /* 0.5 -> 1 */
	assert_int_equal(v, 1);
	money_muldiv(-5, 1, 10, &v); /* -0.5 -> -1 */
	assert_int_equal(v, -1);
	money_muldiv(14, 1, 10, &v); /* 1.4 -> 1 */
	assert_int_equal(v, 1);
	money_muldiv(15, 1, 10, &v);
	assert_int_equal(v, 2);
	money_muldiv(25, 1, 10, &v); /* half away from zero, not to even */
	assert_int_equal(v, 3);
	money_bp(10000, 250, &v); /* 2.5 % of 100.00 */
	assert_int_equal(v, 250);
	money_bp(333, 1250, &v); /* 41.625 -> 42 */
	assert_int_equal(v, 42);
	assert_int_equal(money_muldiv(INT64_MAX, 2, 1, &v), -1);
	assert_int_equal(money_muldiv(1, 1, 0, &v), -1);
	assert_int_equal(money_add(INT64_MAX, 1, &v), -1);
	assert_int_equal(ceil_div(0, 5), 0);
	assert_int_equal(ceil_div(11, 5), 3);
}

/* A two-zone express card: zone 1 = postcodes 200*, 21* and 上海;
 * zone 2 = everything else; breaks 0, 1 kg, 5 kg. */
static void build_card(struct rate_card *c)
{
	struct kf_error err = KF_ERROR_INIT;
	rc_init(c, "SF", RC_EXPRESS, RC_GEO_ZONE);
	c->dim_divisor = 5000;
	c->weight_step_g = 500;
	c->min_charge = 800;
	assert_int_equal(rc_add_zone(c, "Z1", 0, 1, 2, &err), 0);
	assert_int_equal(rc_add_zone(c, "Z2", 0, 2, 4, &err), 1);
	assert_int_equal(rc_add_break(c, 0, &err), 0);
	assert_int_equal(rc_add_break(c, 1000, &err), 1);
	assert_int_equal(rc_add_break(c, 5000, &err), 2);
	rc_add_match(c, RC_MATCH_POSTCODE, "200", 0, &err);
	rc_add_match(c, RC_MATCH_POSTCODE, "21", 0, &err);
	rc_add_match(c, RC_MATCH_POSTCODE, "2001", 1, &err); /* longer prefix wins */
	rc_add_match(c, RC_MATCH_REGION, "上海", 0, &err);
	rc_add_match(c, RC_MATCH_DEFAULT, NULL, 1, &err);
	rc_set_rate(c, 0, 0, 1000, 0, &err); /* first kg flat 10.00 */
	rc_set_rate(c, 0, 1, 1000, 200, &err); /* 10.00 + 2.00/kg */
	rc_set_rate(c, 0, 2, 1000, 150, &err);
	rc_set_rate(c, 1, 0, 1200, 0, &err);
	rc_set_rate(c, 1, 1, 1200, 500, &err);
	/* zone 2 has no rate above 5 kg */
	assert_int_equal(rc_validate(c, &err), 0);
}

static void test_zone_lookup(void **state)
{
	(void)state;
	struct rate_card c;
	build_card(&c);
	assert_int_equal(rc_zone_for(&c, "200030", NULL, -1), 0);
	assert_int_equal(rc_zone_for(&c, "200130", NULL, -1), 1); /* 2001 beats 200 */
	assert_int_equal(rc_zone_for(&c, "215000", NULL, -1), 0);
	assert_int_equal(rc_zone_for(&c, "", "上海", -1), 0);
	assert_int_equal(rc_zone_for(&c, "100000", "北京", -1), 1); /* default */
	assert_int_equal(rc_zone_for(&c, NULL, NULL, -1), 1);
	rc_release(&c);

	struct kf_error err = KF_ERROR_INIT;
	struct rate_card d;
	rc_init(&d, "X", RC_ROAD, RC_GEO_ZONE);
	rc_add_zone(&d, "A", 0, 1, 1, &err);
	rc_add_break(&d, 0, &err);
	rc_add_match(&d, RC_MATCH_REGION, "广东", 0, &err);
	rc_set_rate(&d, 0, 0, 100, 10, &err);
	assert_int_equal(rc_validate(&d, &err), 0);
	assert_int_equal(rc_zone_for(&d, "510000", "广西", -1), -1); /* no default: no zone */
	rc_release(&d);
}

static void test_distance_bands(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	struct rate_card c;
	rc_init(&c, "LTL", RC_ROAD, RC_GEO_DISTANCE);
	rc_add_zone(&c, "0-300", 0, 1, 2, &err);
	rc_add_zone(&c, "300-800", 300, 2, 3, &err);
	rc_add_zone(&c, "800+", 800, 3, 5, &err);
	rc_add_break(&c, 0, &err);
	for (int z = 0; z < 3; z++)
		rc_set_rate(&c, z, 0, 500 * (z + 1), 0, &err);
	assert_int_equal(rc_validate(&c, &err), 0);
	assert_int_equal(rc_zone_for(&c, NULL, NULL, 0), 0);
	assert_int_equal(rc_zone_for(&c, NULL, NULL, 299), 0);
	assert_int_equal(rc_zone_for(&c, NULL, NULL, 300), 1);
	assert_int_equal(rc_zone_for(&c, NULL, NULL, 5000), 2);
	assert_int_equal(rc_zone_for(&c, NULL, NULL, -1), -1);
	rc_release(&c);
}

/* metrics-and-methods §4.6: 50 x 40 x 30 cm = 60,000 cm^3: 12 kg at 5000, 10 kg at 6000. */
static void test_dimensional_weight(void **state)
{
	(void)state;
	struct rate_card c;
	rc_init(&c, "X", RC_AIR, RC_GEO_ZONE);
	c.dim_divisor = 5000;
	assert_int_equal(rc_dim_weight_g(&c, 500, 400, 300), 12000);
	c.dim_divisor = 6000;
	assert_int_equal(rc_dim_weight_g(&c, 500, 400, 300), 10000);
	assert_int_equal(rc_dim_weight_g(&c, 0, 400, 300), 0);
	c.dim_divisor = 0;
	assert_int_equal(rc_dim_weight_g(&c, 500, 400, 300), 0);
	c.weight_step_g = 1000; /* rounded up to whole kg */
	assert_int_equal(rc_billable_g(&c, 10001, 0), 11000);
	assert_int_equal(rc_billable_g(&c, 3000, 12000), 12000); /* dimensional wins */
	assert_int_equal(rc_billable_g(&c, 12500, 12000), 13000);
	rc_release(&c);
}

static void test_freight_breaks_and_minimum(void **state)
{
	(void)state;
	struct rate_card c;
	build_card(&c);
	struct kf_error err = KF_ERROR_INIT;
	int64_t f;
	int deficit;
	assert_int_equal(rc_freight(&c, 0, 500, &f, &deficit, &err), 0);
	assert_int_equal(f, 1000);
	assert_int_equal(rc_freight(&c, 0, 2500, &f, &deficit, &err), 0);
	assert_int_equal(f, 1500); /* 10.00 + 2.5 kg x 2.00 */
	assert_int_equal(rc_freight(&c, 0, 5000, &f, &deficit, &err), 0);
	assert_int_equal(f, 1750); /* the 5 kg break */
	assert_int_equal(rc_freight(&c, 1, 6000, &f, &deficit, &err), KF_ENOTFOUND);
	assert_string_equal(err.key, "no_rate");
	c.min_charge = 1300;
	rc_freight(&c, 0, 500, &f, &deficit, &err);
	assert_int_equal(f, 1300);
	rc_release(&c);
}

/* §4.4: 450 lb at 14.38/cwt = 64.71, or 500 lb at 10.29/cwt = 51.45: bill
 * 51.45.  Scaled: 450 kg at 1438/kg vs 500 kg at 1029/kg. */
static void test_deficit_weight_rule(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	struct rate_card c;
	rc_init(&c, "LTL", RC_ROAD, RC_GEO_ZONE);
	rc_add_zone(&c, "ALL", 0, 2, 3, &err);
	rc_add_match(&c, RC_MATCH_DEFAULT, NULL, 0, &err);
	rc_add_break(&c, 0, &err);
	rc_add_break(&c, 500000, &err);
	rc_set_rate(&c, 0, 0, 0, 1438, &err);
	rc_set_rate(&c, 0, 1, 0, 1029, &err);
	assert_int_equal(rc_validate(&c, &err), 0);
	int64_t f;
	int deficit;
	rc_freight(&c, 0, 450000, &f, &deficit, &err);
	assert_int_equal(f, 647100);
	assert_int_equal(deficit, 0);
	c.deficit_rule = 1;
	rc_freight(&c, 0, 450000, &f, &deficit, &err);
	assert_int_equal(f, 514500);
	assert_int_equal(deficit, 1);
	rc_freight(&c, 0, 300000, &f, &deficit, &err); /* below the break point 357.8 kg: own rate */
	assert_int_equal(f, 431400);
	assert_int_equal(deficit, 0);
	rc_release(&c);
}

static void test_bad_cards(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	struct rate_card c;

	rc_init(&c, "X", RC_ROAD, RC_GEO_ZONE);
	assert_int_equal(rc_validate(&c, &err), KF_EINVAL);
	assert_string_equal(err.key, "no_zones");
	rc_add_zone(&c, "A", 0, 1, 1, &err);
	assert_int_equal(rc_add_zone(&c, "A", 0, 1, 1, &err), KF_EINVAL);
	assert_string_equal(err.key, "duplicate");
	assert_int_equal(rc_add_zone(&c, "B", 0, 3, 1, &err), KF_EINVAL); /* min above max */
	assert_int_equal(rc_validate(&c, &err), KF_EINVAL);
	assert_string_equal(err.key, "no_breaks");
	rc_add_break(&c, 1000, &err);
	rc_add_match(&c, RC_MATCH_DEFAULT, NULL, 0, &err);
	rc_set_rate(&c, 0, 0, 100, 0, &err);
	assert_int_equal(rc_validate(&c, &err), KF_EINVAL);
	assert_string_equal(err.key, "first_break_not_zero");
	rc_release(&c);

	rc_init(&c, "X", RC_ROAD, RC_GEO_ZONE);
	rc_add_zone(&c, "A", 0, 1, 1, &err);
	rc_add_zone(&c, "B", 0, 1, 1, &err);
	rc_add_break(&c, 0, &err);
	rc_add_break(&c, 5000, &err);
	rc_add_break(&c, 5000, &err); /* overlaps */
	rc_add_match(&c, RC_MATCH_DEFAULT, NULL, 0, &err);
	rc_add_match(&c, RC_MATCH_REGION, "江苏", 1, &err);
	rc_set_rate(&c, 0, 0, 100, 0, &err);
	rc_set_rate(&c, 1, 0, 100, 0, &err);
	assert_int_equal(rc_validate(&c, &err), KF_EINVAL);
	assert_string_equal(err.key, "overlapping_breaks");
	c.break_min_g[2] = 9000;
	assert_int_equal(rc_validate(&c, &err), 0);
	c.base[1 * c.nbreaks] = RC_NO_RATE; /* zone B loses its first rate */
	assert_int_equal(rc_validate(&c, &err), KF_EINVAL);
	assert_string_equal(err.key, "missing_rate");
	c.base[1 * c.nbreaks] = 100;
	rc_add_match(&c, RC_MATCH_REGION, "江苏", 0, &err);
	assert_int_equal(rc_validate(&c, &err), KF_EINVAL);
	assert_string_equal(err.key, "duplicate");
	assert_int_equal(rc_set_rate(&c, 5, 0, 1, 1, &err), KF_EINVAL);
	assert_int_equal(rc_set_rate(&c, 0, 0, -1, 1, &err), KF_EINVAL);
	rc_release(&c);

	rc_init(&c, "X", RC_ROAD, RC_GEO_ZONE);
	rc_add_zone(&c, "A", 0, 1, 1, &err);
	rc_add_zone(&c, "B", 0, 1, 1, &err);
	rc_add_break(&c, 0, &err);
	rc_add_match(&c, RC_MATCH_REGION, "江苏", 0, &err);
	rc_set_rate(&c, 0, 0, 100, 0, &err);
	rc_set_rate(&c, 1, 0, 100, 0, &err);
	assert_int_equal(rc_validate(&c, &err), KF_EINVAL);
	assert_string_equal(err.key, "unreachable_zone");
	rc_release(&c);

	rc_init(&c, "X", RC_ROAD, RC_GEO_DISTANCE);
	rc_add_zone(&c, "near", 0, 1, 1, &err);
	rc_add_zone(&c, "far", 0, 1, 1, &err);
	rc_add_break(&c, 0, &err);
	rc_set_rate(&c, 0, 0, 100, 0, &err);
	rc_set_rate(&c, 1, 0, 100, 0, &err);
	assert_int_equal(rc_validate(&c, &err), KF_EINVAL);
	assert_string_equal(err.key, "overlapping_bands");
	rc_release(&c);
}

static const char good_csv[] = "kind,a,b,c,d,e,f,g,h,i,j\r\n"
                               "# an express card\n"
                               "card,\"SF, express\",express,zone,CNY,5000,500,800,1,30,200\n"
                               "zone,Z1,0,1,2\n"
                               "zone,Z2,0,2,4\n"
                               "match,postcode,200,Z1\n"
                               "match,region,上海,Z1\n"
                               "match,default,,Z2\n"
                               "break,0\n"
                               "break,1000\n"
                               "rate,Z1,0,1000,0\n"
                               "rate,Z1,1000,1000,200\n"
                               "rate,Z2,0,1200,0\n"
                               "surcharge,fuel,percent,always,1250\n";

static void test_csv_round_trip(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	struct rate_card c, d;
	assert_int_equal(rc_read_csv(&c, good_csv, strlen(good_csv), &err), 0);
	assert_string_equal(c.carrier, "SF, express");
	assert_int_equal(c.mode, RC_EXPRESS);
	assert_int_equal(c.nzones, 2);
	assert_int_equal(c.nbreaks, 2);
	assert_int_equal(c.deficit_rule, 1);
	assert_int_equal(c.insurance_min, 200);
	assert_int_equal(rc_zone_for(&c, "", "上海", -1), 0);
	assert_int_equal(c.per_kg[1], 200);
	assert_int_equal(c.base[1 * c.nbreaks + 1], RC_NO_RATE);
	struct buf out = BUF_INIT, again = BUF_INIT;
	rc_write_csv(&c, &out);
	assert_int_equal(rc_read_csv(&d, buf_cstr(&out), out.len, &err), 0);
	rc_write_csv(&d, &again);
	assert_string_equal(buf_cstr(&out), buf_cstr(&again));
	assert_memory_equal(c.base, d.base, c.nzones * c.nbreaks * sizeof *c.base);
	assert_int_equal(d.surcharges[0].value, 1250);
	buf_release(&out);
	buf_release(&again);
	rc_release(&c);
	rc_release(&d);
}

/* Each bad card is refused with its line and reason. */
static void test_csv_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *text, *key, *line;
	} cases[] = {
		{ "zone,Z1,0,1,2\n", "invalid", "line 1:" }, /* card row first */
		{ "card,X,boat,zone,CNY,0,1,0,0,0,0\n", "invalid", "line 1:" },
		{ "card,X,road,zone,CNY,0,0,0,0,0,0\n", "invalid", "line 1:" }, /* step 0 */
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nmatch,default,,A\nbreak,0\nbreak,0\n",
		  "overlapping_breaks", "line 5:" },
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nmatch,default,,A\nbreak,500\n",
		  "first_break_not_zero", "line 4:" },
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nzone,B,0,1,1\nmatch,default,,A\nbreak,0\nrate,A,0,1,1\n",
		  "missing_rate", "line 3:" },
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nzone,B,0,1,1\nmatch,default,,A\nbreak,0\nrate,A,0,1,1\n"
		  "rate,B,0,1,1\n",
		  "unreachable_zone", "line 3:" },
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nmatch,region,江苏,Q\n", "unknown_zone",
		  "line 3:" },
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nmatch,region,江苏,A\nmatch,region,江苏,A\n",
		  "duplicate", "line 4:" },
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nmatch,default,,A\nbreak,0\nrate,A,7,1,1\n",
		  "unknown_break", "line 5:" },
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nmatch,default,,A\nbreak,0\nrate,A,0,-1,1\n",
		  "invalid", "line 5:" },
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nmatch,default,,A\nbreak,0\nrate,A,0,1,1\nrate,A,0,2,2\n",
		  "duplicate", "line 6:" },
		{ "card,X,road,distance,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nzone,B,0,1,1\n", "overlapping_bands",
		  "line 3:" },
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1\n", "invalid", "line 2:" }, /* too few fields */
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nsurcharge,fuel,percent,sometimes,10\n", "invalid",
		  "line 2:" },
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nfoo,1\n", "invalid", "line 2:" },
		{ "card,X,road,zone,CNY,0,1,0,0,0,0\nzone,A,0,1,1\nmatch,default,,A\nbreak,0\nrate,A,0,1x,1\n",
		  "invalid", "line 5:" },
		{ "", "required", "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct kf_error err = KF_ERROR_INIT;
		struct rate_card c;
		int rc = rc_read_csv(&c, cases[i].text, strlen(cases[i].text), &err);
		if (rc != KF_EINVAL || strcmp(err.key, cases[i].key) ||
		    strncmp(err.message, cases[i].line, strlen(cases[i].line)))
			fail_msg("case %zu: rc %d key %s message %s", i, rc, err.key, err.message);
	}
}

static struct quote_req base_req(void)
{
	return (struct quote_req){
		.unit_price = 5000,
		.quantity = 2,
		.weight_g = 2300,
		.postcode = "200030",
		.distance_km = -1,
		.terms = QT_FOB_ORIGIN,
		.at = 1000,
	};
}

static int64_t line_sum(const struct quote *q)
{
	int64_t s = 0;
	for (size_t i = 0; i < q->nlines; i++)
		s += q->lines[i].amount;
	return s;
}

static const struct quote_line *find_line(const struct quote *q, enum quote_line_kind k, const char *code)
{
	for (size_t i = 0; i < q->nlines; i++)
		if (q->lines[i].kind == k && (!code || strcmp(q->lines[i].code, code) == 0))
			return &q->lines[i];
	return NULL;
}

static void test_quote_plain_and_terms(void **state)
{
	(void)state;
	struct rate_card c;
	build_card(&c);
	struct kf_error err = KF_ERROR_INIT;
	struct quote q;
	struct quote_req r = base_req();
	assert_int_equal(quote_compute(&c, NULL, NULL, &r, &q, &err), 0);
	assert_int_equal(q.billable_g, 2500); /* 2.3 kg rounded up to 500 g */
	assert_int_equal(q.zone, 0);
	assert_int_equal(q.goods, 10000);
	assert_int_equal(q.freight, 1500);
	assert_int_equal(q.total, 11500);
	assert_int_equal(line_sum(&q), q.total);
	assert_int_equal(q.freight_payer, QP_BUYER);
	assert_int_equal(q.risk_bearer, QP_BUYER);
	assert_int_equal(q.delivered_price, 10000); /* freight shown separately */
	assert_false(find_line(&q, QL_FREIGHT, NULL)->in_price);
	assert_int_equal(q.transit_min_days, 1);
	assert_int_equal(q.transit_max_days, 2);

	r.terms = QT_FOB_DESTINATION;
	assert_int_equal(quote_compute(&c, NULL, NULL, &r, &q, &err), 0);
	assert_int_equal(q.total, 11500);
	assert_int_equal(q.delivered_price, 11500); /* freight built into the price */
	assert_int_equal(q.freight_payer, QP_SELLER);
	assert_int_equal(q.risk_bearer, QP_SELLER);
	assert_true(find_line(&q, QL_FREIGHT, NULL)->in_price);

	/* dimensional weight: a light, big box */
	r.len_mm = 400;
	r.wid_mm = 300;
	r.hei_mm = 200; /* 24,000 cm^3 / 5000 = 4.8 kg -> 5 kg */
	quote_compute(&c, NULL, NULL, &r, &q, &err);
	assert_int_equal(q.dim_g, 4800);
	assert_int_equal(q.billable_g, 5000);
	assert_int_equal(q.freight, 1750);
	rc_release(&c);
}

static void test_quote_surcharges_insurance(void **state)
{
	(void)state;
	struct rate_card c;
	build_card(&c);
	struct kf_error err = KF_ERROR_INIT;
	rc_add_surcharge(&c, "fuel", RC_SC_PERCENT, RC_SC_ALWAYS, 1250, &err); /* 12.5 % */
	rc_add_surcharge(&c, "dangerous", RC_SC_FLAT, RC_SC_HAZARDOUS, 3000, &err);
	rc_add_surcharge(&c, "handling", RC_SC_PER_KG, RC_SC_SPECIAL, 100, &err);
	assert_int_equal(rc_add_surcharge(&c, "fuel", RC_SC_FLAT, RC_SC_ALWAYS, 1, &err), KF_EINVAL);
	c.insurance_bp = 30; /* 0.3 % */
	c.insurance_min = 200;
	struct quote q;
	struct quote_req r = base_req();

	/* each on its own */
	quote_compute(&c, NULL, NULL, &r, &q, &err);
	assert_int_equal(find_line(&q, QL_SURCHARGE, "fuel")->amount, 188); /* 12.5 % of 15.00 = 1.875 -> 1.88 */
	assert_null(find_line(&q, QL_SURCHARGE, "dangerous"));
	assert_null(find_line(&q, QL_SURCHARGE, "handling"));
	assert_null(find_line(&q, QL_INSURANCE, NULL));
	assert_int_equal(q.freight, 1688);

	r.hazardous = 1;
	quote_compute(&c, NULL, NULL, &r, &q, &err);
	assert_int_equal(find_line(&q, QL_SURCHARGE, "dangerous")->amount, 3000);
	r.hazardous = 0;
	r.special = 1;
	quote_compute(&c, NULL, NULL, &r, &q, &err);
	assert_int_equal(find_line(&q, QL_SURCHARGE, "handling")->amount, 250); /* 2.5 kg x 1.00 */
	r.special = 0;
	r.declared_value = 20000; /* 0.3 % = 0.60, below the 2.00 minimum */
	quote_compute(&c, NULL, NULL, &r, &q, &err);
	assert_int_equal(find_line(&q, QL_INSURANCE, NULL)->amount, 200);
	r.declared_value = 1000000; /* 0.3 % of 10,000.00 = 30.00 */
	quote_compute(&c, NULL, NULL, &r, &q, &err);
	assert_int_equal(find_line(&q, QL_INSURANCE, NULL)->amount, 3000);

	/* all together, with a contract rate: fuel is on the discounted freight */
	r.hazardous = r.special = 1;
	r.contract_bp = 2000;
	quote_compute(&c, NULL, NULL, &r, &q, &err);
	assert_int_equal(find_line(&q, QL_CONTRACT, NULL)->amount, -300);
	assert_int_equal(find_line(&q, QL_SURCHARGE, "fuel")->amount, 150);
	assert_int_equal(q.freight, 1500 - 300 + 150 + 3000 + 250 + 3000);
	assert_int_equal(line_sum(&q), q.total);
	rc_release(&c);
}

static void test_quote_discounts(void **state)
{
	(void)state;
	struct rate_card c;
	build_card(&c);
	struct kf_error err = KF_ERROR_INIT;
	struct quote_policy pol = {
		.ntiers = 2,
		.tiers = { { 10, 500 }, { 100, 1000 } },
		.npromos = 1,
		.promos = { { "双十一", 100, 200, 1000 } },
		.pickup_allowance_bp = 10000,
	};
	struct quote q;
	struct quote_req r = base_req();
	quote_compute(&c, NULL, &pol, &r, &q, &err); /* 2 units, outside the promotion */
	assert_null(find_line(&q, QL_QTY_DISCOUNT, NULL));
	assert_null(find_line(&q, QL_PROMO, NULL));
	r.quantity = 10;
	quote_compute(&c, NULL, &pol, &r, &q, &err);
	assert_int_equal(find_line(&q, QL_QTY_DISCOUNT, NULL)->amount, -2500); /* 5 % of 500.00 */
	r.quantity = 150;
	quote_compute(&c, NULL, &pol, &r, &q, &err);
	assert_int_equal(find_line(&q, QL_QTY_DISCOUNT, NULL)->amount, -75000); /* 10 % of 7,500.00 */
	r.at = 150;
	quote_compute(&c, NULL, &pol, &r, &q, &err);
	assert_int_equal(find_line(&q, QL_PROMO, "双十一")->amount, -67500); /* 10 % of the discounted 6,750.00 */
	assert_int_equal(q.goods, 750000 - 75000 - 67500);
	r.at = 200; /* the end is exclusive */
	quote_compute(&c, NULL, &pol, &r, &q, &err);
	assert_null(find_line(&q, QL_PROMO, NULL));
	assert_int_equal(line_sum(&q), q.total);

	/* pickup under FOB origin: no freight at all */
	r = base_req();
	r.pickup = 1;
	quote_compute(&c, NULL, &pol, &r, &q, &err);
	assert_null(find_line(&q, QL_FREIGHT, NULL));
	assert_int_equal(q.total, 10000);
	/* pickup under delivered pricing: the allowance gives the freight back */
	r.terms = QT_FOB_DESTINATION;
	quote_compute(&c, NULL, &pol, &r, &q, &err);
	assert_int_equal(find_line(&q, QL_PICKUP, NULL)->amount, -1500);
	assert_int_equal(q.total, 10000);
	pol.pickup_allowance_bp = 5000;
	quote_compute(&c, NULL, &pol, &r, &q, &err);
	assert_int_equal(find_line(&q, QL_PICKUP, NULL)->amount, -750);
	assert_int_equal(line_sum(&q), q.total);

	/* bad policy and request */
	pol.tiers[0].bp = 20000;
	assert_int_equal(quote_compute(&c, NULL, &pol, &r, &q, &err), KF_EINVAL);
	assert_string_equal(err.field, "tiers");
	r.quantity = 0;
	assert_int_equal(quote_compute(&c, NULL, NULL, &r, &q, &err), KF_EINVAL);
	assert_string_equal(err.field, "quantity");
	r = base_req();
	r.weight_g = 0;
	assert_int_equal(quote_compute(&c, NULL, NULL, &r, &q, &err), KF_EINVAL);
	assert_string_equal(err.field, "weight_g");
	r = base_req();
	r.weight_g = 9000;
	r.postcode = "100000"; /* zone 2 carries nothing over 5 kg */
	assert_int_equal(quote_compute(&c, NULL, NULL, &r, &q, &err), KF_ENOTFOUND);
	assert_string_equal(err.key, "no_rate");
	rc_release(&c);
}

static void flat_card(struct rate_card *c, const char *name, int64_t freight)
{
	struct kf_error err = KF_ERROR_INIT;
	rc_init(c, name, RC_ROAD, RC_GEO_ZONE);
	rc_add_zone(c, "ALL", 0, 1, 3, &err);
	rc_add_match(c, RC_MATCH_DEFAULT, NULL, 0, &err);
	rc_add_break(c, 0, &err);
	rc_set_rate(c, 0, 0, freight, 0, &err);
	assert_int_equal(rc_validate(c, &err), 0);
}

/* Seed 002 (物流服务定价, the basing-point figure): delivered price 100 =
 * product 75 + freight 25 from the basing point; a plant whose actual
 * freight is 20 collects 5 of phantom freight; one whose actual freight is
 * 35 absorbs 10. */
static void test_basing_point_seed(void **state)
{
	(void)state;
	struct rate_card basing, plant_a, plant_c, second;
	flat_card(&basing, "basing", 2500);
	flat_card(&plant_a, "A", 2000);
	flat_card(&plant_c, "C", 3500);
	struct kf_error err = KF_ERROR_INIT;
	struct quote q;
	struct quote_req r = base_req();
	r.unit_price = 7500;
	r.quantity = 1;
	r.terms = QT_FOB_DESTINATION;
	struct quote_basing b = { .npoints = 1, .points = { &basing }, .actual = &plant_a };
	assert_int_equal(quote_compute(NULL, &b, NULL, &r, &q, &err), 0);
	assert_int_equal(q.delivered_price, 10000);
	assert_int_equal(q.freight_charged, 2500);
	assert_int_equal(q.freight_actual, 2000);
	assert_int_equal(q.phantom, 500);
	assert_int_equal(q.absorption, 0);
	b.actual = &plant_c;
	quote_compute(NULL, &b, NULL, &r, &q, &err);
	assert_int_equal(q.delivered_price, 10000);
	assert_int_equal(q.phantom, 0);
	assert_int_equal(q.absorption, 1000);
	/* several basing points: the buyer is charged from the cheapest */
	flat_card(&second, "basing2", 2200);
	b.npoints = 2;
	b.points[1] = &second;
	quote_compute(NULL, &b, NULL, &r, &q, &err);
	assert_int_equal(q.basing_point, 1);
	assert_int_equal(q.freight_charged, 2200);
	assert_int_equal(q.absorption, 1300);
	assert_int_equal(q.delivered_price, 9700);
	b.npoints = 0;
	assert_int_equal(quote_compute(NULL, &b, NULL, &r, &q, &err), KF_EINVAL);
	rc_release(&basing);
	rc_release(&plant_a);
	rc_release(&plant_c);
	rc_release(&second);
}

/* Seed 000 第五章: 20,000 subscribers, 10 -> 12, 5,000 lost. */
static void test_elasticity_seed(void **state)
{
	(void)state;
	double e;
	assert_int_equal(elasticity_simple(10, 20000, 12, 15000, &e), 0);
	assert_float_equal(e, -1.25, 1e-12);
	assert_int_equal(elasticity_midpoint(10, 20000, 12, 15000, &e), 0);
	assert_float_equal(e, -1.571428, 1e-6);
	elasticity_simple(12, 15000, 10, 20000, &e); /* the reverse move */
	assert_float_equal(e, -2.0, 1e-12);
	elasticity_midpoint(12, 15000, 10, 20000, &e);
	assert_float_equal(e, -1.571428, 1e-6);
	assert_int_equal(elasticity_simple(0, 1, 1, 1, &e), -1);
	assert_int_equal(elasticity_simple(10, 1, 10, 2, &e), -1);
	assert_int_equal(elasticity_midpoint(10, 0, 12, 0, &e), -1);
	struct whatif_row rows[3];
	assert_int_equal(elasticity_whatif(10, 20000, -1.25, 10, 12, 3, rows), 0);
	assert_float_equal(rows[0].revenue, 200000, 1e-6);
	assert_float_equal(rows[1].price, 11, 1e-12);
	assert_true(rows[2].revenue < rows[0].revenue); /* elastic: a rise loses revenue */
	assert_int_equal(elasticity_whatif(10, 20000, -1.25, 12, 10, 3, rows), -1);
}

/* §7: p 12, c 7, v 3, N(1000, 200^2): CR 5/9, z 0.1397, Q* 1027.9,
 * shortage 66.6, fill 93.3 %, leftover 94.5, profit 4,288.9. */
static void test_newsvendor(void **state)
{
	(void)state;
	struct newsvendor n;
	assert_int_equal(newsvendor_normal(12, 7, 3, 0, 1000, 200, &n), 0);
	assert_float_equal(n.critical_ratio, 5.0 / 9.0, 1e-12);
	assert_float_equal(n.z, 0.1397, 1e-4);
	assert_float_equal(n.q, 1027.9, 0.05);
	assert_float_equal(n.expected_shortage, 66.6, 0.05);
	assert_float_equal(n.fill_rate, 0.933, 5e-4);
	assert_float_equal(n.expected_leftover, 94.5, 0.05);
	assert_float_equal(n.expected_profit, 4288.9, 0.5);
	/* imi-lab: c 20, p 50, s 10, g 5 -> cu 35, co 10, CR 0.778 */
	newsvendor_normal(50, 20, 10, 5, 100, 10, &n);
	assert_float_equal(n.critical_ratio, 35.0 / 45.0, 1e-12);
	assert_int_equal(newsvendor_normal(7, 7, 3, 0, 1000, 200, &n), -1);
	assert_int_equal(newsvendor_normal(12, 7, 3, 0, 1000, 0, &n), -1);
	/* the inverse normal against known quantiles */
	assert_float_equal(normal_inv(0.975), 1.959963985, 1e-9);
	assert_float_equal(normal_inv(0.5), 0, 1e-12);
	assert_float_equal(normal_inv(0.001), -3.090232306, 1e-8);
	assert_float_equal(normal_cdf(normal_inv(0.9999)), 0.9999, 1e-12);
	assert_true(isinf(normal_inv(1)));
	assert_true(isnan(normal_inv(1.5)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money_rounding),
		cmocka_unit_test(test_zone_lookup),
		cmocka_unit_test(test_distance_bands),
		cmocka_unit_test(test_dimensional_weight),
		cmocka_unit_test(test_freight_breaks_and_minimum),
		cmocka_unit_test(test_deficit_weight_rule),
		cmocka_unit_test(test_bad_cards),
		cmocka_unit_test(test_csv_round_trip),
		cmocka_unit_test(test_csv_refusals),
		cmocka_unit_test(test_quote_plain_and_terms),
		cmocka_unit_test(test_quote_surcharges_insurance),
		cmocka_unit_test(test_quote_discounts),
		cmocka_unit_test(test_basing_point_seed),
		cmocka_unit_test(test_elasticity_seed),
		cmocka_unit_test(test_newsvendor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
