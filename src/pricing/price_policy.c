/*
 * price_policy.c - the price policy in the database: quantity tiers,
 * promotions and the pickup allowance (see price_policy.h).
 */
#include "pricing/price_policy.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "desk/calendar.h"
#include "store/db.h"

/* ---- the price policy --------------------------------------------------- */

static struct db_sql q_policy_get = DB_SQL("SELECT body, version FROM price_policy WHERE id = 1");
static struct db_sql q_policy_put = DB_SQL(
        "UPDATE price_policy SET body = $2, updated_at = $3, version = version + 1 WHERE id = 1 AND version = $1");

/* An instant given as an ISO 8601 string. */
static int get_instant(json_t *o, const char *key, const char *field, int64_t *out, struct kf_error *err)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s || calendar_parse_iso(s, out) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", field, "%s must be an ISO 8601 time", field);
	return 0;
}

/* Read and check a policy document into *pol. */
static int policy_parse(json_t *body, struct quote_policy *pol, struct kf_error *err)
{
	static const char *const keys[] = { "tiers", "promotions", "pickup_allowance_bp", NULL };
	static const char *const tier_keys[] = { "min_qty", "bp", NULL };
	static const char *const promo_keys[] = { "code", "start", "end", "bp", NULL };
	memset(pol, 0, sizeof *pol);
	int rc = json_only_keys(body, keys, err);
	json_t *tiers = json_object_get(body, "tiers"), *promos = json_object_get(body, "promotions");
	if (rc == 0 && tiers && (!json_is_array(tiers) || json_array_size(tiers) > QUOTE_MAX_TIERS))
		rc = kf_fail(err, KF_EINVAL, "invalid", "tiers", "tiers is a list of at most %d tiers",
		             QUOTE_MAX_TIERS);
	if (rc == 0 && promos && (!json_is_array(promos) || json_array_size(promos) > QUOTE_MAX_PROMOS))
		rc = kf_fail(err, KF_EINVAL, "invalid", "promotions", "promotions is a list of at most %d",
		             QUOTE_MAX_PROMOS);
	for (size_t i = 0; rc == 0 && i < json_array_size(tiers); i++) {
		json_t *t = json_array_get(tiers, i);
		if (!json_is_object(t))
			return kf_fail(err, KF_EINVAL, "invalid", "tiers", "each tier is an object");
		if ((rc = json_only_keys(t, tier_keys, err)) == 0 &&
		    (rc = json_get_int(t, "min_qty", 1, 1, INT64_MAX, &pol->tiers[i].min_qty, err)) >= 0)
			rc = json_get_int(t, "bp", 1, 0, 10000, &pol->tiers[i].bp, err);
		rc = rc < 0 ? rc : 0;
		pol->ntiers = i + 1;
	}
	for (size_t i = 0; rc == 0 && i < json_array_size(promos); i++) {
		json_t *p = json_array_get(promos, i);
		const char *code = NULL;
		if (!json_is_object(p))
			return kf_fail(err, KF_EINVAL, "invalid", "promotions", "each promotion is an object");
		struct quote_promo *q = &pol->promos[i];
		if ((rc = json_only_keys(p, promo_keys, err)) == 0 &&
		    (rc = json_get_str(p, "code", 1, RC_CODE_MAX - 1, &code, err)) >= 0 &&
		    (rc = get_instant(p, "start", "promotions.start", &q->start, err)) == 0 &&
		    (rc = get_instant(p, "end", "promotions.end", &q->end, err)) == 0)
			rc = json_get_int(p, "bp", 1, 0, 10000, &q->bp, err);
		if (rc >= 0 && q->end <= q->start)
			rc = kf_fail(err, KF_EINVAL, "invalid", "promotions.end",
			             "a promotion must end after it starts");
		if (rc >= 0)
			snprintf(q->code, sizeof q->code, "%s", code);
		rc = rc < 0 ? rc : 0;
		pol->npromos = i + 1;
	}
	pol->pickup_allowance_bp = 10000;
	if (rc == 0)
		rc = json_get_int(body, "pickup_allowance_bp", 0, 0, 10000, &pol->pickup_allowance_bp, err);
	return rc < 0 ? rc : 0;
}

static int policy_load(struct db *db, json_t **doc, int64_t *version, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*doc = NULL;
	int rc = db_query(db, &q_policy_get, DB_NOARGS, &r, err);
	if (rc >= 0 && (rc = db_next(r, err)) == 1) {
		rc = json_parse_object(db_col_text(r, 0), db_col_len(r, 0), doc, err);
		*version = db_col_int(r, 1);
	} else if (rc == 0) {
		rc = kf_fail(err, KF_EDB, "no_policy", "", "the price policy row is missing");
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static struct db_sql q_policy_version = DB_SQL("SELECT version FROM price_policy WHERE id = 1");
static pthread_mutex_t policy_mu = PTHREAD_MUTEX_INITIALIZER;
static struct quote_policy policy_cache;
static int64_t policy_cache_version; /* 0 = empty */

/* The parsed policy, re-read only when its version moved. */
int price_policy_current(struct db *db, int64_t v, struct quote_policy *pol, struct kf_error *err)
{
	int rc = v ? 0 : db_query_int(db, &q_policy_version, DB_NOARGS, &v, err);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&policy_mu);
	int hit = policy_cache_version == v;
	if (hit)
		*pol = policy_cache;
	pthread_mutex_unlock(&policy_mu);
	if (hit)
		return 0;
	json_t *doc = NULL;
	rc = policy_load(db, &doc, &v, err);
	if (rc == 0)
		rc = policy_parse(doc, pol, err);
	json_decref(doc);
	if (rc == 0) {
		pthread_mutex_lock(&policy_mu);
		policy_cache = *pol;
		policy_cache_version = v;
		pthread_mutex_unlock(&policy_mu);
	}
	return rc;
}

int price_policy_get(struct db *db, json_t **out, int64_t *version, struct kf_error *err)
{
	int rc = policy_load(db, out, version, err);
	if (rc == 0)
		json_object_set_new(*out, "version", json_integer(*version));
	return rc;
}

/* in[min, max]; KF_EINVAL "range" naming field (as the API says it). */
static int check_range(const char *field, int64_t v, int64_t min, int64_t max, struct kf_error *err)
{
	if (v >= min && v <= max)
		return 0;
	return kf_fail(err, KF_EINVAL, "range", field, "%s must be between %lld and %lld", field,
	               (long long)min, (long long)max);
}

static int check_promo(const struct price_policy_promo_input *p, struct kf_error *err)
{
	int64_t start, end;
	if (!p->code || !p->code[0] || strlen(p->code) > RC_CODE_MAX - 1)
		return kf_fail(err, KF_EINVAL, "invalid", "code", "code must be 1 to %d bytes",
		               RC_CODE_MAX - 1);
	if (!p->start || calendar_parse_iso(p->start, &start) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "promotions.start",
		               "promotions.start must be an ISO 8601 time");
	if (!p->end || calendar_parse_iso(p->end, &end) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "promotions.end",
		               "promotions.end must be an ISO 8601 time");
	int rc = check_range("bp", p->bp, 0, 10000, err);
	if (rc == 0 && end <= start)
		rc = kf_fail(err, KF_EINVAL, "invalid", "promotions.end",
		             "a promotion must end after it starts");
	return rc;
}

/* The checks of the API, for every caller (the same order, codes and fields). */
static int input_check(const struct price_policy_input *in, struct kf_error *err)
{
	if (in->ntiers > QUOTE_MAX_TIERS)
		return kf_fail(err, KF_EINVAL, "invalid", "tiers", "tiers is a list of at most %d tiers",
		               QUOTE_MAX_TIERS);
	if (in->npromos > QUOTE_MAX_PROMOS)
		return kf_fail(err, KF_EINVAL, "invalid", "promotions", "promotions is a list of at most %d",
		               QUOTE_MAX_PROMOS);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < in->ntiers; i++) {
		rc = check_range("min_qty", in->tiers[i].min_qty, 1, INT64_MAX, err);
		if (rc == 0)
			rc = check_range("bp", in->tiers[i].bp, 0, 10000, err);
	}
	for (size_t i = 0; rc == 0 && i < in->npromos; i++)
		rc = check_promo(&in->promos[i], err);
	if (rc == 0 && (in->present & PRICE_POLICY_HAS_PICKUP))
		rc = check_range("pickup_allowance_bp", in->pickup_allowance_bp, 0, 10000, err);
	return rc;
}

/* The document of in, as the API received it. */
static json_t *input_document(const struct price_policy_input *in)
{
	json_t *o = json_object();
	if (in->present & PRICE_POLICY_HAS_TIERS) {
		json_t *tiers = json_array();
		for (size_t i = 0; i < in->ntiers; i++)
			json_array_append_new(tiers,
			                      json_pack("{s:I,s:I}", "min_qty", (json_int_t)in->tiers[i].min_qty,
			                                "bp", (json_int_t)in->tiers[i].bp));
		json_object_set_new(o, "tiers", tiers);
	}
	if (in->present & PRICE_POLICY_HAS_PROMOS) {
		json_t *promos = json_array();
		for (size_t i = 0; i < in->npromos; i++) {
			const struct price_policy_promo_input *p = &in->promos[i];
			json_array_append_new(promos,
			                      json_pack("{s:s,s:s,s:s,s:I}", "code", p->code, "start",
			                                p->start, "end", p->end, "bp", (json_int_t)p->bp));
		}
		json_object_set_new(o, "promotions", promos);
	}
	if (in->present & PRICE_POLICY_HAS_PICKUP)
		json_object_set_new(o, "pickup_allowance_bp", json_integer(in->pickup_allowance_bp));
	return o;
}

int price_policy_put(struct db *db, const struct actor *a, int64_t now, int64_t version,
                     const struct price_policy_input *in, json_t **out, struct kf_error *err)
{
	*out = NULL;
	int rc = input_check(in, err);
	if (rc < 0)
		return rc;
	json_t *doc = input_document(in);
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	if ((rc = db_begin(db, err)) == 0) {
		rc = db_exec(db, &q_policy_put, DB_ARGS(db_int(version), db_text(text), db_int(now)), err);
		if (rc == 0)
			rc = kf_fail(err, KF_ESTALE, "stale", NULL,
			             "the price policy was changed by someone else");
		if (rc > 0)
			rc = audit_record(db, a, now, "price_policy.update", "price_policy", 1, NULL, doc, err);
		rc = db_finish(db, rc, err);
	}
	free(text);
	json_decref(doc);
	int64_t v;
	return rc < 0 ? rc : price_policy_get(db, out, &v, err);
}
void price_policy_cache_clear(void)
{
	pthread_mutex_lock(&policy_mu);
	policy_cache_version = 0;
	pthread_mutex_unlock(&policy_mu);
}
