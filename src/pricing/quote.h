/*
 * quote.h - a price quote: goods, freight from a rate card, surcharges,
 * insurance, discounts and the delivery terms, as a list of lines that
 * add up to the total (PRODUCT.md P1, P2; seed 002 物流服务定价).
 *
 * Order of the arithmetic (each step rounded once, money.h):
 *   1. billable weight and zone (ratecard.h); freight from the card, or
 *      under basing-point pricing the freight from the cheapest basing
 *      point (charged) beside the freight from the actual origin (actual):
 *      phantom freight = charged - actual when positive, freight absorption
 *      = actual - charged when positive;
 *   2. a key-customer contract discount on freight (bp);
 *   3. surcharges on the discounted freight (fuel %, flat, per kg;
 *      hazardous and special-handling ones only when the goods are);
 *   4. insurance: bp of the declared value, at least the card's minimum,
 *      only when a value is declared;
 *   5. goods: unit price x quantity, less the best quantity tier (bp,
 *      all-units) and a promotion whose [start, end) holds the quote time;
 *   6. a pickup (backhaul) allowance when the buyer collects: it removes the
 *      freight, and may not exceed the seller's actual delivery cost
 *      (49 U.S.C. 13713: capped at that cost);
 *   7. terms: FOB origin - the buyer pays the freight as its own line and
 *      bears the risk in transit; FOB destination (delivered) - the freight
 *      is built into the delivered price and the seller bears the risk.
 * The total is what the buyer pays.
 */
#ifndef KF_QUOTE_H
#define KF_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "pricing/ratecard.h"

enum quote_terms { QT_FOB_ORIGIN, QT_FOB_DESTINATION };
enum quote_party { QP_BUYER, QP_SELLER };

#define QUOTE_MAX_TIERS 16
#define QUOTE_MAX_PROMOS 8
#define QUOTE_MAX_BASING 8
#define QUOTE_MAX_LINES 40

struct quote_tier {
	int64_t min_qty;
	int64_t bp; /* discount in basis points on the goods */
};

struct quote_promo {
	char code[RC_CODE_MAX];
	int64_t start, end; /* [start, end) UTC seconds */
	int64_t bp;
};

/* The seller's price policy: discounts that apply to anyone who qualifies. */
struct quote_policy {
	size_t ntiers;
	struct quote_tier tiers[QUOTE_MAX_TIERS];
	size_t npromos;
	struct quote_promo promos[QUOTE_MAX_PROMOS];
	int64_t pickup_allowance_bp; /* share of the actual delivery cost given back on pickup; 10000 = all */
};

struct quote_req {
	/* goods */
	int64_t unit_price; /* minor units */
	int64_t quantity;
	/* the parcel */
	int64_t weight_g;
	int64_t len_mm, wid_mm, hei_mm; /* 0 = unknown: no dimensional weight */
	int64_t declared_value; /* 0 = no insurance */
	int hazardous, special;
	/* where it goes */
	const char *postcode, *region;
	int64_t distance_km; /* for distance cards; -1 unknown */
	/* how */
	enum quote_terms terms;
	int pickup; /* the buyer collects at the shipping point */
	int64_t contract_bp; /* key-customer discount on freight */
	int64_t at; /* quote time (promotions) */
};

/* Basing-point pricing: the cards that price freight from each basing
 * point to the buyer, and the card from the plant that actually ships. */
struct quote_basing {
	size_t npoints;
	const struct rate_card *points[QUOTE_MAX_BASING];
	const struct rate_card *actual;
};

enum quote_line_kind {
	QL_GOODS,
	QL_QTY_DISCOUNT,
	QL_PROMO,
	QL_FREIGHT,
	QL_CONTRACT,
	QL_SURCHARGE,
	QL_INSURANCE,
	QL_PICKUP,
	QL_KIND_COUNT
};

struct quote_line {
	enum quote_line_kind kind;
	char code[RC_CODE_MAX]; /* surcharge or promotion code, else "" */
	int64_t amount; /* minor units; discounts negative */
	int in_price; /* built into the delivered goods price (FOB destination) */
};

struct quote {
	size_t nlines;
	struct quote_line lines[QUOTE_MAX_LINES];
	int zone;
	int64_t actual_g, dim_g, billable_g;
	int deficit; /* the next weight break was cheaper and billed */
	int transit_min_days, transit_max_days;
	int64_t goods; /* net goods after discounts */
	int64_t freight; /* net freight after contract discount, with surcharges and insurance */
	int64_t total; /* what the buyer pays */
	int64_t delivered_price; /* FOB destination: goods + freight as one price; else goods */
	enum quote_party freight_payer, risk_bearer;
	/* basing-point pricing */
	int basing; /* 1 when computed from basing points */
	int basing_point; /* index of the basing point charged */
	int64_t freight_charged, freight_actual, phantom, absorption;
};

/* Price req against card (single origin) or, when basing is not NULL,
 * against its basing points (card ignored).  KF_EINVAL with the field for
 * bad input; KF_ENOTFOUND "no_zone" / "no_rate" when the card cannot
 * carry it. */
int quote_compute(const struct rate_card *card, const struct quote_basing *basing,
                  const struct quote_policy *pol, const struct quote_req *req, struct quote *q,
                  struct kf_error *err);

const char *quote_line_kind_name(enum quote_line_kind k);
const char *quote_terms_name(enum quote_terms t);
int quote_terms_parse(const char *s, enum quote_terms *out);

#endif
