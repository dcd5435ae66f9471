/*
 * ratecard_csv.c - reading and writing rate cards as CSV (format in
 * ratecard_csv.h).
 */
#include "pricing/ratecard_csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/xalloc.h"

struct reader {
	struct csv csv;
	struct rate_card *c;
	int have_card;
	int64_t zone_line[RC_MAX_ZONES];
};

/* Refuse with the line number in front of the reason. */
static int fail_at(struct reader *r, struct kf_error *err, const char *key, const char *field, const char *what)
{
	return kf_fail(err, KF_EINVAL, key, field, "line %lld: %s", (long long)r->csv.line, what);
}

static int num(struct reader *r, int i, const char *field, int64_t lo, int64_t *out, struct kf_error *err)
{
	const char *s = csv_field(&r->csv, i, NULL);
	if (!s || !*s)
		return fail_at(r, err, "required", field, field);
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < lo) {
		char msg[128];
		snprintf(msg, sizeof msg, "%s must be a whole number of at least %lld, not \"%.40s\"", field,
		         (long long)lo, s);
		return fail_at(r, err, "invalid", field, msg);
	}
	*out = v;
	return 0;
}

static const char *field(struct reader *r, int i)
{
	const char *s = i < r->csv.nfields ? csv_field(&r->csv, i, NULL) : NULL;
	return s ? csv_unneutralise(s) : ""; /* the export's formula guard round-trips */
}

static int want_fields(struct reader *r, int n, const char *kind, struct kf_error *err)
{
	if (r->csv.nfields == n)
		return 0;
	char msg[96];
	snprintf(msg, sizeof msg, "a %s row has %d fields, this one has %d", kind, n, r->csv.nfields);
	return fail_at(r, err, "invalid", "kind", msg);
}

/* A builder error gets the line in front. */
static int relay(struct reader *r, int rc, struct kf_error *err)
{
	if (rc >= 0)
		return 0;
	char msg[KF_ERR_MSG_MAX], key[KF_ERR_KEY_MAX], fld[KF_ERR_FIELD_MAX];
	memcpy(msg, err->message, sizeof msg);
	memcpy(key, err->key, sizeof key);
	memcpy(fld, err->field, sizeof fld);
	return kf_fail(err, rc, key, fld, "line %lld: %.280s", (long long)r->csv.line, msg);
}

static int row_card(struct reader *r, struct kf_error *err)
{
	struct rate_card *c = r->c;
	if (r->have_card)
		return fail_at(r, err, "duplicate", "kind", "a file holds one card row");
	int rc = want_fields(r, 11, "card", err);
	if (rc)
		return rc;
	enum rc_mode mode;
	if (rc_mode_parse(field(r, 2), &mode))
		return fail_at(r, err, "invalid", "mode", "mode must be road, sea, air or express");
	const char *geo = field(r, 3);
	if (strcmp(geo, "zone") && strcmp(geo, "distance"))
		return fail_at(r, err, "invalid", "geo", "geo must be zone or distance");
	if (!*field(r, 1) || strlen(field(r, 1)) >= RC_CODE_MAX)
		return fail_at(r, err, "invalid", "carrier", "the carrier is required (at most 23 bytes)");
	rc_init(c, field(r, 1), mode, strcmp(geo, "zone") ? RC_GEO_DISTANCE : RC_GEO_ZONE);
	const char *cur = field(r, 4);
	if (strlen(cur) != 3)
		return fail_at(r, err, "invalid", "currency", "the currency is a three-letter code");
	memcpy(c->currency, cur, 4);
	int64_t deficit;
	if ((rc = num(r, 5, "dim_divisor", 0, &c->dim_divisor, err)) ||
	    (rc = num(r, 6, "weight_step_g", 1, &c->weight_step_g, err)) ||
	    (rc = num(r, 7, "min_charge", 0, &c->min_charge, err)) ||
	    (rc = num(r, 8, "deficit_rule", 0, &deficit, err)) ||
	    (rc = num(r, 9, "insurance_bp", 0, &c->insurance_bp, err)) ||
	    (rc = num(r, 10, "insurance_min", 0, &c->insurance_min, err)))
		return rc;
	c->deficit_rule = deficit != 0;
	r->have_card = 1;
	return 0;
}

static int row_zone(struct reader *r, struct kf_error *err)
{
	int64_t km, tmin, tmax;
	int rc = want_fields(r, 5, "zone", err);
	if (rc || (rc = num(r, 2, "min_km", 0, &km, err)) ||
	    (rc = num(r, 3, "transit_min_days", 0, &tmin, err)) ||
	    (rc = num(r, 4, "transit_max_days", 0, &tmax, err)))
		return rc;
	if (r->c->geo == RC_GEO_DISTANCE && r->c->nzones > 0 && km <= r->c->zones[r->c->nzones - 1].min_km)
		return fail_at(r, err, "overlapping_bands", "min_km",
		               "this distance band overlaps the one before it");
	rc = rc_add_zone(r->c, field(r, 1), km, (int)tmin, (int)tmax, err);
	if (rc >= 0)
		r->zone_line[rc] = r->csv.line;
	return relay(r, rc, err);
}

static int row_match(struct reader *r, struct kf_error *err)
{
	int rc = want_fields(r, 4, "match", err);
	if (rc)
		return rc;
	const char *k = field(r, 1);
	enum rc_match_kind kind = !strcmp(k, "postcode") ? RC_MATCH_POSTCODE
	        : !strcmp(k, "region")                   ? RC_MATCH_REGION
	        : !strcmp(k, "default")                  ? RC_MATCH_DEFAULT
	                                                 : (enum rc_match_kind) - 1;
	if ((int)kind < 0)
		return fail_at(r, err, "invalid", "match", "a match is postcode, region or default");
	int zone = rc_zone_index(r->c, field(r, 3));
	if (zone < 0)
		return fail_at(r, err, "unknown_zone", "zone", "the zone is not defined above");
	for (size_t i = 0; i < r->c->nmatch; i++) {
		const struct rc_match *m = &r->c->match[i];
		if (m->kind == kind && (kind == RC_MATCH_DEFAULT || strcmp(m->key, field(r, 2)) == 0))
			return fail_at(r, err, "duplicate", "match",
			               "this destination is already routed to a zone");
	}
	return relay(r, rc_add_match(r->c, kind, field(r, 2), zone, err), err);
}

static int row_break(struct reader *r, struct kf_error *err)
{
	int64_t g;
	int rc = want_fields(r, 2, "break", err);
	if (rc || (rc = num(r, 1, "weight_from_g", 0, &g, err)))
		return rc;
	const struct rate_card *c = r->c;
	if (c->nbreaks == 0 && g != 0)
		return fail_at(r, err, "first_break_not_zero", "weight_from_g",
		               "the first weight break must start at 0 g");
	if (c->nbreaks > 0 && g <= c->break_min_g[c->nbreaks - 1])
		return fail_at(r, err, "overlapping_breaks", "weight_from_g",
		               "this weight break overlaps the one before it (breaks must increase)");
	return relay(r, rc_add_break(r->c, g, err), err);
}

static int row_rate(struct reader *r, struct kf_error *err)
{
	int64_t g, base, per;
	int rc = want_fields(r, 5, "rate", err);
	if (rc || (rc = num(r, 2, "weight_from_g", 0, &g, err)) || (rc = num(r, 3, "base", 0, &base, err)) ||
	    (rc = num(r, 4, "per_kg", 0, &per, err)))
		return rc;
	int zone = rc_zone_index(r->c, field(r, 1));
	if (zone < 0)
		return fail_at(r, err, "unknown_zone", "zone", "the zone is not defined above");
	int brk = -1;
	for (size_t b = 0; b < r->c->nbreaks; b++)
		if (r->c->break_min_g[b] == g)
			brk = (int)b;
	if (brk < 0)
		return fail_at(r, err, "unknown_break", "weight_from_g",
		               "no weight break starts at this weight");
	if (r->c->base[(size_t)zone * r->c->nbreaks + (size_t)brk] != RC_NO_RATE)
		return fail_at(r, err, "duplicate", "rate", "this zone and weight break already have a rate");
	return relay(r, rc_set_rate(r->c, zone, brk, base, per, err), err);
}

static int row_surcharge(struct reader *r, struct kf_error *err)
{
	int64_t v;
	int rc = want_fields(r, 5, "surcharge", err);
	if (rc || (rc = num(r, 4, "value", 0, &v, err)))
		return rc;
	const char *k = field(r, 2), *w = field(r, 3);
	enum rc_sc_kind kind;
	enum rc_sc_when when;
	if (!strcmp(k, "percent"))
		kind = RC_SC_PERCENT;
	else if (!strcmp(k, "flat"))
		kind = RC_SC_FLAT;
	else if (!strcmp(k, "per_kg"))
		kind = RC_SC_PER_KG;
	else
		return fail_at(r, err, "invalid", "surcharge", "a surcharge is percent, flat or per_kg");
	if (!strcmp(w, "always"))
		when = RC_SC_ALWAYS;
	else if (!strcmp(w, "hazardous"))
		when = RC_SC_HAZARDOUS;
	else if (!strcmp(w, "special"))
		when = RC_SC_SPECIAL;
	else
		return fail_at(r, err, "invalid", "when", "a surcharge applies always, hazardous or special");
	return relay(r, rc_add_surcharge(r->c, field(r, 1), kind, when, v, err), err);
}

/* The checks rc_validate makes that belong to a zone, reported at its line. */
static int check_zones(struct reader *r, struct kf_error *err)
{
	const struct rate_card *c = r->c;
	for (size_t z = 0; z < c->nzones; z++) {
		r->csv.line = r->zone_line[z];
		if (c->nbreaks > 0 && c->base[z * c->nbreaks] == RC_NO_RATE)
			return fail_at(r, err, "missing_rate", "zone",
			               "this zone has no rate for the first weight break");
		if (c->geo != RC_GEO_ZONE)
			continue;
		size_t i = 0;
		while (i < c->nmatch && c->match[i].zone != (int)z)
			i++;
		if (i == c->nmatch)
			return fail_at(r, err, "unreachable_zone", "zone",
			               "no match row routes a destination to this zone");
	}
	return 0;
}

static int read_rows(struct reader *r, struct kf_error *err)
{
	static const struct {
		const char *kind;
		int (*fn)(struct reader *, struct kf_error *);
	} rows[] = { { "card", row_card },   { "zone", row_zone }, { "match", row_match },
		     { "break", row_break }, { "rate", row_rate }, { "surcharge", row_surcharge } };
	int rc;
	while ((rc = csv_next(&r->csv, err)) == 1) {
		const char *kind = field(r, 0);
		if (kind[0] == '#' || strcmp(kind, "kind") == 0)
			continue;
		size_t i = 0;
		while (i < sizeof rows / sizeof rows[0] && strcmp(rows[i].kind, kind))
			i++;
		if (i == sizeof rows / sizeof rows[0])
			return fail_at(r, err, "invalid", "kind",
			               "the first field must be card, zone, match, break, rate or surcharge");
		if (!r->have_card && i != 0)
			return fail_at(r, err, "invalid", "kind", "the card row must come first");
		if ((rc = rows[i].fn(r, err)))
			return rc;
	}
	if (rc < 0)
		return rc;
	if (!r->have_card)
		return kf_fail(err, KF_EINVAL, "required", "kind", "the file has no card row");
	return check_zones(r, err);
}

int rc_read_csv(struct rate_card *c, const char *p, size_t n, struct kf_error *err)
{
	struct reader *r = xcalloc(1, sizeof *r);
	r->c = c;
	memset(c, 0, sizeof *c);
	csv_init_mem(&r->csv, p, n);
	int rc = read_rows(r, err);
	if (!rc)
		rc = rc_validate(c, err);
	csv_release(&r->csv);
	free(r);
	if (rc)
		rc_release(c);
	return rc;
}

void rc_write_csv(const struct rate_card *c, struct buf *out)
{
	static const char *const sc_kind[] = { "percent", "flat", "per_kg" };
	static const char *const sc_when[] = { "always", "hazardous", "special" };
	static const char *const match_kind[] = { "postcode", "region", "default" };
	buf_adds(out, "kind,a,b,c,d,e,f,g,h,i,j\n");
	buf_adds(out, "card,");
	csv_write_field(out, c->carrier);
	buf_addf(out, ",%s,%s,%s,%lld,%lld,%lld,%d,%lld,%lld\n", rc_mode_name(c->mode),
	         c->geo == RC_GEO_ZONE ? "zone" : "distance", c->currency, (long long)c->dim_divisor,
	         (long long)c->weight_step_g, (long long)c->min_charge, c->deficit_rule,
	         (long long)c->insurance_bp, (long long)c->insurance_min);
	for (size_t z = 0; z < c->nzones; z++) {
		buf_adds(out, "zone,");
		csv_write_field(out, c->zones[z].code);
		buf_addf(out, ",%lld,%d,%d\n", (long long)c->zones[z].min_km, c->zones[z].transit_min_days,
		         c->zones[z].transit_max_days);
	}
	for (size_t i = 0; i < c->nmatch; i++) {
		buf_addf(out, "match,%s,", match_kind[c->match[i].kind]);
		csv_write_field(out, c->match[i].key);
		buf_addch(out, ',');
		csv_write_field(out, c->zones[c->match[i].zone].code);
		buf_addch(out, '\n');
	}
	for (size_t b = 0; b < c->nbreaks; b++)
		buf_addf(out, "break,%lld\n", (long long)c->break_min_g[b]);
	for (size_t z = 0; z < c->nzones; z++)
		for (size_t b = 0; b < c->nbreaks; b++) {
			size_t i = z * c->nbreaks + b;
			if (c->base[i] == RC_NO_RATE)
				continue;
			buf_adds(out, "rate,");
			csv_write_field(out, c->zones[z].code);
			buf_addf(out, ",%lld,%lld,%lld\n", (long long)c->break_min_g[b],
			         (long long)c->base[i], (long long)c->per_kg[i]);
		}
	for (size_t i = 0; i < c->nsurcharges; i++) {
		buf_adds(out, "surcharge,");
		csv_write_field(out, c->surcharges[i].code);
		buf_addf(out, ",%s,%s,%lld\n", sc_kind[c->surcharges[i].kind], sc_when[c->surcharges[i].when],
		         (long long)c->surcharges[i].value);
	}
}
