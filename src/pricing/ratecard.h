/*
 * ratecard.h - a carrier's freight rate card and the freight it charges
 * (PRODUCT.md P1, P2; seed 002 物流服务定价).
 *
 * A card belongs to one carrier and mode and prices one origin.  Its
 * columns are zones: a destination is placed in a zone by the longest
 * matching postcode prefix, else by its region (province) name, else by
 * the "*" default — single-zone (uniform) pricing is a card with one "*"
 * zone; multi-zone pricing has many; distance pricing places the
 * destination by its distance in km into bands that play the part of
 * zones.  Its rows are weight breaks: break b covers billable weights
 * from break_min_g[b] up to the next break's minimum.  Each (zone, break)
 * cell has a base charge and a rate per kg, or is missing (-1: the card
 * does not carry that weight to that zone).
 *
 * Billable weight = max(actual, dimensional) rounded up to weight_step_g,
 * where dimensional = L x W x H (cm^3) / dim_divisor (cm^3 per kg, e.g.
 * 5000 express, 6000 IATA air), itself rounded up to the gram.
 * Freight = base + rate x kg, at least min_charge.  With the deficit-weight
 * rule on, a weight is also priced as the next break's minimum at that
 * break's rate and the lower of the two is billed (LTL practice).
 * Surcharges follow: a percentage of freight (fuel), a flat amount or an
 * amount per kg, each always or only for hazardous goods or special
 * handling; insurance is a rate (bp) on the declared value with a minimum.
 *
 * All money is integer minor units (pricing/money.h); weights grams;
 * lengths millimetres.  A card is built in memory (rc_* setters) or read
 * from CSV (ratecard_csv.h) and must pass rc_validate before use.
 */
#ifndef KF_RATECARD_H
#define KF_RATECARD_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define RC_CODE_MAX 24
#define RC_MAX_ZONES 512
#define RC_MAX_BREAKS 64
#define RC_MAX_SURCHARGES 16
#define RC_NO_RATE (-1)

enum rc_mode { RC_ROAD, RC_SEA, RC_AIR, RC_EXPRESS, RC_MODE_COUNT };
enum rc_geo { RC_GEO_ZONE, RC_GEO_DISTANCE };
enum rc_match_kind { RC_MATCH_POSTCODE, RC_MATCH_REGION, RC_MATCH_DEFAULT };
enum rc_sc_kind { RC_SC_PERCENT, RC_SC_FLAT, RC_SC_PER_KG };
enum rc_sc_when { RC_SC_ALWAYS, RC_SC_HAZARDOUS, RC_SC_SPECIAL };

struct rc_zone {
	char code[RC_CODE_MAX];
	int64_t min_km; /* RC_GEO_DISTANCE: the band starts here (inclusive) */
	int transit_min_days, transit_max_days; /* business days on this lane */
};

struct rc_match {
	enum rc_match_kind kind;
	char key[RC_CODE_MAX]; /* postcode prefix or region name; "" for the default */
	size_t len;
	int zone;
};

struct rc_surcharge {
	char code[RC_CODE_MAX];
	enum rc_sc_kind kind;
	enum rc_sc_when when;
	int64_t value; /* bp for PERCENT, minor units for FLAT, minor units per kg for PER_KG */
};

struct rate_card {
	char carrier[RC_CODE_MAX];
	enum rc_mode mode;
	enum rc_geo geo;
	char currency[4];
	int64_t dim_divisor; /* cm^3 per kg; 0 = no dimensional weight */
	int64_t weight_step_g; /* billable weight rounded up to a multiple; >= 1 */
	int64_t min_charge;
	int deficit_rule;
	int64_t insurance_bp, insurance_min;

	size_t nzones;
	struct rc_zone zones[RC_MAX_ZONES];
	size_t nbreaks;
	int64_t break_min_g[RC_MAX_BREAKS];
	int64_t *base, *per_kg; /* nzones x nbreaks, zone-major; RC_NO_RATE = missing */
	size_t ncells_cap;

	size_t nmatch, match_cap;
	struct rc_match *match; /* sorted by rc_validate: longest key first */

	size_t nsurcharges;
	struct rc_surcharge surcharges[RC_MAX_SURCHARGES];
};

void rc_init(struct rate_card *c, const char *carrier, enum rc_mode mode, enum rc_geo geo);
void rc_release(struct rate_card *c);

/* Building.  Each returns the new index or a negative KF_E code with err. */
int rc_add_zone(struct rate_card *c, const char *code, int64_t min_km, int tmin, int tmax,
                struct kf_error *err);
int rc_add_break(struct rate_card *c, int64_t min_g, struct kf_error *err);
/* Route destinations to a zone: kind POSTCODE (prefix), REGION (exact name)
 * or DEFAULT (key ignored). */
int rc_add_match(struct rate_card *c, enum rc_match_kind kind, const char *key, int zone, struct kf_error *err);
/* The charge for zone z and break b. */
int rc_set_rate(struct rate_card *c, int zone, int brk, int64_t base, int64_t per_kg, struct kf_error *err);
int rc_add_surcharge(struct rate_card *c, const char *code, enum rc_sc_kind kind, enum rc_sc_when when,
                     int64_t value, struct kf_error *err);
int rc_zone_index(const struct rate_card *c, const char *code);

/* Check the card is usable: at least one zone and break; breaks strictly
 * increasing from 0 (err "overlapping_breaks" / "first_break_not_zero");
 * distance bands strictly increasing from 0; every zone reachable; every
 * zone has a rate in the first break ("missing_rate", field names the zone);
 * step >= 1; no two matchers with the same key.  Sorts the matchers. */
int rc_validate(struct rate_card *c, struct kf_error *err);

/* The zone for a destination; -1 when none matches. */
int rc_zone_for(const struct rate_card *c, const char *postcode, const char *region, int64_t distance_km);

/* The billable weight (grams) for an actual weight and outer dimensions. */
int64_t rc_dim_weight_g(const struct rate_card *c, int64_t len_mm, int64_t wid_mm, int64_t hei_mm);
int64_t rc_billable_g(const struct rate_card *c, int64_t actual_g, int64_t dim_g);

/* The break that holds weight w (grams); -1 below the first break. */
int rc_break_for(const struct rate_card *c, int64_t w);

/* Freight for billable weight w to zone z, before surcharges, with the
 * minimum charge and the deficit-weight rule applied.  KF_ENOTFOUND
 * "no_rate" when the card has no rate for that zone and weight;
 * KF_EINVAL on overflow.  *deficit is set to 1 when the next break was
 * cheaper and billed. */
int rc_freight(const struct rate_card *c, int zone, int64_t w, int64_t *out, int *deficit,
               struct kf_error *err);

const char *rc_mode_name(enum rc_mode m);
int rc_mode_parse(const char *s, enum rc_mode *out);

#endif
