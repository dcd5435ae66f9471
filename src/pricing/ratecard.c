/*
 * ratecard.c - building, checking and reading a freight rate card (see
 * ratecard.h for the model).
 */
#include "pricing/ratecard.h"

#include "base/str.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "pricing/money.h"

__extension__ typedef __int128 i128;

static const char *const mode_names[RC_MODE_COUNT] = { "road", "sea", "air", "express" };

const char *rc_mode_name(enum rc_mode m)
{
	return (unsigned)m < RC_MODE_COUNT ? mode_names[m] : "?";
}

int rc_mode_parse(const char *s, enum rc_mode *out)
{
	for (int i = 0; i < RC_MODE_COUNT; i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum rc_mode)i;
			return 0;
		}
	return -1;
}

void rc_init(struct rate_card *c, const char *carrier, enum rc_mode mode, enum rc_geo geo)
{
	memset(c, 0, sizeof *c);
	str_copy(c->carrier, sizeof c->carrier, carrier);
	c->mode = mode;
	c->geo = geo;
	memcpy(c->currency, "CNY", 4);
	c->weight_step_g = 1;
}

void rc_release(struct rate_card *c)
{
	free(c->base);
	free(c->per_kg);
	free(c->match);
	c->base = c->per_kg = NULL;
	c->match = NULL;
	c->ncells_cap = c->nmatch = c->match_cap = 0;
}

static int copy_code(char *dst, const char *src, const char *field, struct kf_error *err)
{
	size_t n = src ? strlen(src) : 0;
	if (n == 0)
		return kf_fail(err, KF_EINVAL, "required", field, "%s is required", field);
	if (n >= RC_CODE_MAX)
		return kf_fail(err, KF_EINVAL, "too_long", field, "%s is longer than %d characters", field,
		               RC_CODE_MAX - 1);
	memcpy(dst, src, n + 1);
	return 0;
}

/* Re-lay the cell arrays for a new zone or break count, keeping values. */
static void cells_resize(struct rate_card *c, size_t nz, size_t nb)
{
	size_t n = nz * nb;
	int64_t *base = xreallocarray(NULL, n ? n : 1, sizeof *base);
	int64_t *per = xreallocarray(NULL, n ? n : 1, sizeof *per);
	for (size_t z = 0; z < nz; z++)
		for (size_t b = 0; b < nb; b++) {
			int old = z < c->nzones && b < c->nbreaks && c->base;
			base[z * nb + b] = old ? c->base[z * c->nbreaks + b] : RC_NO_RATE;
			per[z * nb + b] = old ? c->per_kg[z * c->nbreaks + b] : RC_NO_RATE;
		}
	free(c->base);
	free(c->per_kg);
	c->base = base;
	c->per_kg = per;
	c->ncells_cap = n;
}

int rc_add_zone(struct rate_card *c, const char *code, int64_t min_km, int tmin, int tmax, struct kf_error *err)
{
	if (c->nzones == RC_MAX_ZONES)
		return kf_fail(err, KF_ETOOBIG, "too_many", "zone", "a card has at most %d zones",
		               RC_MAX_ZONES);
	if (rc_zone_index(c, code ? code : "") >= 0)
		return kf_fail(err, KF_EINVAL, "duplicate", "zone", "zone %s is defined twice", code);
	if (min_km < 0 || tmin < 0 || tmax < tmin)
		return kf_fail(err, KF_EINVAL, "invalid", "transit_days",
		               "transit days must be 0 or more, minimum not above maximum");
	struct rc_zone z = { .min_km = min_km, .transit_min_days = tmin, .transit_max_days = tmax };
	int rc = copy_code(z.code, code, "zone", err);
	if (rc)
		return rc;
	cells_resize(c, c->nzones + 1, c->nbreaks);
	c->zones[c->nzones] = z;
	return (int)c->nzones++;
}

int rc_add_break(struct rate_card *c, int64_t min_g, struct kf_error *err)
{
	if (c->nbreaks == RC_MAX_BREAKS)
		return kf_fail(err, KF_ETOOBIG, "too_many", "weight_from_g",
		               "a card has at most %d weight breaks", RC_MAX_BREAKS);
	if (min_g < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "weight_from_g", "a weight break cannot be negative");
	cells_resize(c, c->nzones, c->nbreaks + 1);
	c->break_min_g[c->nbreaks] = min_g;
	return (int)c->nbreaks++;
}

int rc_add_match(struct rate_card *c, enum rc_match_kind kind, const char *key, int zone, struct kf_error *err)
{
	if (zone < 0 || (size_t)zone >= c->nzones)
		return kf_fail(err, KF_EINVAL, "unknown_zone", "zone", "no such zone");
	struct rc_match m = { .kind = kind, .zone = zone };
	if (kind != RC_MATCH_DEFAULT) {
		int rc = copy_code(m.key, key, kind == RC_MATCH_POSTCODE ? "postcode_prefix" : "region", err);
		if (rc)
			return rc;
		m.len = strlen(m.key);
	}
	if (c->nmatch == c->match_cap) {
		c->match_cap = c->match_cap ? c->match_cap * 2 : 16;
		c->match = xreallocarray(c->match, c->match_cap, sizeof *c->match);
	}
	c->match[c->nmatch] = m;
	return (int)c->nmatch++;
}

int rc_set_rate(struct rate_card *c, int zone, int brk, int64_t base, int64_t per_kg, struct kf_error *err)
{
	if (zone < 0 || (size_t)zone >= c->nzones)
		return kf_fail(err, KF_EINVAL, "unknown_zone", "zone", "no such zone");
	if (brk < 0 || (size_t)brk >= c->nbreaks)
		return kf_fail(err, KF_EINVAL, "unknown_break", "weight_from_g", "no such weight break");
	if (base < 0 || per_kg < 0)
		return kf_fail(err, KF_EINVAL, "invalid", base < 0 ? "base" : "per_kg",
		               "a rate cannot be negative");
	c->base[(size_t)zone * c->nbreaks + (size_t)brk] = base;
	c->per_kg[(size_t)zone * c->nbreaks + (size_t)brk] = per_kg;
	return 0;
}

int rc_add_surcharge(struct rate_card *c, const char *code, enum rc_sc_kind kind, enum rc_sc_when when,
                     int64_t value, struct kf_error *err)
{
	if (c->nsurcharges == RC_MAX_SURCHARGES)
		return kf_fail(err, KF_ETOOBIG, "too_many", "surcharge", "a card has at most %d surcharges",
		               RC_MAX_SURCHARGES);
	if (value < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "value", "a surcharge cannot be negative");
	struct rc_surcharge s = { .kind = kind, .when = when, .value = value };
	int rc = copy_code(s.code, code, "surcharge", err);
	if (rc)
		return rc;
	for (size_t i = 0; i < c->nsurcharges; i++)
		if (strcmp(c->surcharges[i].code, s.code) == 0)
			return kf_fail(err, KF_EINVAL, "duplicate", "surcharge",
			               "surcharge %s is defined twice", s.code);
	c->surcharges[c->nsurcharges] = s;
	return (int)c->nsurcharges++;
}

int rc_zone_index(const struct rate_card *c, const char *code)
{
	for (size_t i = 0; i < c->nzones; i++)
		if (strcmp(c->zones[i].code, code) == 0)
			return (int)i;
	return -1;
}

/* Postcode matchers first, longest key first; then regions; the default last. */
static int match_cmp(const void *a, const void *b)
{
	const struct rc_match *x = a, *y = b;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return strcmp(x->key, y->key);
}

int rc_validate(struct rate_card *c, struct kf_error *err)
{
	if (c->nzones == 0)
		return kf_fail(err, KF_EINVAL, "no_zones", "zone", "the card has no zones");
	if (c->nbreaks == 0)
		return kf_fail(err, KF_EINVAL, "no_breaks", "weight_from_g", "the card has no weight breaks");
	if (c->weight_step_g < 1)
		return kf_fail(err, KF_EINVAL, "invalid", "weight_step_g",
		               "the weight step must be at least 1 g");
	if (c->dim_divisor < 0 || c->min_charge < 0 || c->insurance_bp < 0 || c->insurance_min < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "card",
		               "divisor, minimum and insurance cannot be negative");
	if (c->break_min_g[0] != 0)
		return kf_fail(err, KF_EINVAL, "first_break_not_zero", "weight_from_g",
		               "the first weight break must start at 0 g");
	for (size_t b = 1; b < c->nbreaks; b++)
		if (c->break_min_g[b] <= c->break_min_g[b - 1])
			return kf_fail(err, KF_EINVAL, "overlapping_breaks", "weight_from_g",
			               "weight break %lld g overlaps the break before it (%lld g)",
			               (long long)c->break_min_g[b], (long long)c->break_min_g[b - 1]);
	if (c->geo == RC_GEO_DISTANCE) {
		if (c->zones[0].min_km != 0)
			return kf_fail(err, KF_EINVAL, "first_band_not_zero", "min_km",
			               "the first distance band must start at 0 km");
		for (size_t z = 1; z < c->nzones; z++)
			if (c->zones[z].min_km <= c->zones[z - 1].min_km)
				return kf_fail(err, KF_EINVAL, "overlapping_bands", "min_km",
				               "distance band %s overlaps the band before it",
				               c->zones[z].code);
	}
	for (size_t z = 0; z < c->nzones; z++)
		if (c->base[z * c->nbreaks] == RC_NO_RATE)
			return kf_fail(err, KF_EINVAL, "missing_rate", "zone",
			               "zone %s has no rate for the first weight break", c->zones[z].code);
	if (c->nmatch > 1)
		qsort(c->match, c->nmatch, sizeof *c->match, match_cmp);
	for (size_t i = 1; i < c->nmatch; i++)
		if (match_cmp(&c->match[i - 1], &c->match[i]) == 0)
			return kf_fail(err, KF_EINVAL, "duplicate", "postcode_prefix",
			               "destination %s is routed to two zones", c->match[i].key);
	if (c->geo == RC_GEO_ZONE) {
		for (size_t z = 0; z < c->nzones; z++) {
			size_t i = 0;
			while (i < c->nmatch && c->match[i].zone != (int)z)
				i++;
			if (i == c->nmatch)
				return kf_fail(err, KF_EINVAL, "unreachable_zone", "zone",
				               "no destination is routed to zone %s", c->zones[z].code);
		}
	}
	return 0;
}

int rc_zone_for(const struct rate_card *c, const char *postcode, const char *region, int64_t distance_km)
{
	if (c->geo == RC_GEO_DISTANCE) {
		if (distance_km < 0)
			return -1;
		int z = -1;
		for (size_t i = 0; i < c->nzones && c->zones[i].min_km <= distance_km; i++)
			z = (int)i;
		return z;
	}
	size_t plen = postcode ? strlen(postcode) : 0;
	for (size_t i = 0; i < c->nmatch; i++) {
		const struct rc_match *m = &c->match[i];
		switch (m->kind) {
		case RC_MATCH_POSTCODE:
			if (m->len <= plen && memcmp(postcode, m->key, m->len) == 0)
				return m->zone;
			break;
		case RC_MATCH_REGION:
			if (region && strcmp(region, m->key) == 0)
				return m->zone;
			break;
		case RC_MATCH_DEFAULT:
			return m->zone;
		}
	}
	return -1;
}

int64_t rc_dim_weight_g(const struct rate_card *c, int64_t len_mm, int64_t wid_mm, int64_t hei_mm)
{
	if (c->dim_divisor <= 0 || len_mm <= 0 || wid_mm <= 0 || hei_mm <= 0)
		return 0;
	/* mm^3 / 1000 = cm^3; g = cm^3 * 1000 / divisor, so g = mm^3 / divisor. */
	i128 mm3 = (i128)len_mm * wid_mm * hei_mm;
	i128 g = (mm3 + c->dim_divisor - 1) / c->dim_divisor;
	return g > INT64_MAX ? INT64_MAX : (int64_t)g;
}

int64_t rc_billable_g(const struct rate_card *c, int64_t actual_g, int64_t dim_g)
{
	int64_t w = actual_g > dim_g ? actual_g : dim_g;
	if (w <= 0)
		return 0;
	return ceil_div(w, c->weight_step_g) * c->weight_step_g;
}

int rc_break_for(const struct rate_card *c, int64_t w)
{
	size_t lo = 0, hi = c->nbreaks; /* first break with min > w */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->break_min_g[mid] <= w)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int)lo - 1;
}

/* base + per_kg * w / 1000 for one cell; -1 when missing. */
static int cell_charge(const struct rate_card *c, int zone, int brk, int64_t w, int64_t *out)
{
	size_t i = (size_t)zone * c->nbreaks + (size_t)brk;
	if (c->base[i] == RC_NO_RATE)
		return 1;
	int64_t var;
	if (money_muldiv(c->per_kg[i], w, 1000, &var) || money_add(var, c->base[i], out))
		return -1;
	return 0;
}

int rc_freight(const struct rate_card *c, int zone, int64_t w, int64_t *out, int *deficit, struct kf_error *err)
{
	*deficit = 0;
	int b = rc_break_for(c, w);
	if (zone < 0 || (size_t)zone >= c->nzones || b < 0)
		return kf_fail(err, KF_ENOTFOUND, "no_rate", "zone",
		               "the card has no rate for this destination");
	int64_t f;
	int rc = cell_charge(c, zone, b, w, &f);
	if (rc < 0)
		return kf_fail(err, KF_EINVAL, "too_large", "weight_g", "the charge is too large");
	if (rc > 0)
		return kf_fail(err, KF_ENOTFOUND, "no_rate", "weight_g",
		               "the card has no rate for %lld g to zone %s", (long long)w, c->zones[zone].code);
	if (c->deficit_rule && (size_t)b + 1 < c->nbreaks) {
		int64_t g;
		if (cell_charge(c, zone, b + 1, c->break_min_g[b + 1], &g) == 0 && g < f) {
			f = g;
			*deficit = 1;
		}
	}
	*out = f < c->min_charge ? c->min_charge : f;
	return 0;
}
