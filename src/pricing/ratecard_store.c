/*
 * ratecard_store.c - rate cards in the database and the process-wide cache
 * of parsed cards (see ratecard_store.h).
 */
#include "pricing/ratecard_store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "pricing/ratecard_csv.h"
#include "store/db.h"

/* ---- the parsed-card cache ---------------------------------------------- */

#define CACHE_SLOTS 64

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ratecard_entry *cache[CACHE_SLOTS];
static unsigned cache_next;

static void entry_free(struct ratecard_entry *e)
{
	rc_release(e->card);
	free(e->card);
	free(e);
}

void ratecard_store_release(struct ratecard_entry *e)
{
	pthread_mutex_lock(&cache_mu);
	int dead = --e->refs == 0 && e->stale;
	pthread_mutex_unlock(&cache_mu);
	if (dead)
		entry_free(e);
}

/* Replace slot i's entry with e (NULL to empty it); the old one is freed
 * now or by its last borrower.  Called with cache_mu held. */
static void slot_set(unsigned i, struct ratecard_entry *e)
{
	struct ratecard_entry *old = cache[i];
	cache[i] = e;
	if (!old)
		return;
	old->stale = 1;
	if (old->refs == 0)
		entry_free(old);
}

void ratecard_store_cache_clear(void)
{
	pthread_mutex_lock(&cache_mu);
	for (unsigned i = 0; i < CACHE_SLOTS; i++)
		slot_set(i, NULL);
	pthread_mutex_unlock(&cache_mu);
}

static struct db_sql q_card_version = DB_SQL("SELECT version, active FROM rate_cards WHERE id = $1");
static struct db_sql q_card_csv = DB_SQL("SELECT csv, version, active FROM rate_cards WHERE id = $1");

static struct ratecard_entry *cache_find(int64_t id, int64_t version)
{
	struct ratecard_entry *hit = NULL;
	pthread_mutex_lock(&cache_mu);
	for (unsigned i = 0; i < CACHE_SLOTS && !hit; i++)
		if (cache[i] && cache[i]->id == id && cache[i]->version == version) {
			hit = cache[i];
			hit->refs++;
		}
	pthread_mutex_unlock(&cache_mu);
	return hit;
}

static struct ratecard_entry *cache_add(struct ratecard_entry *e)
{
	pthread_mutex_lock(&cache_mu);
	unsigned slot = CACHE_SLOTS;
	for (unsigned i = 0; i < CACHE_SLOTS; i++)
		if (cache[i] && cache[i]->id == e->id)
			slot = i; /* an older version of the same card */
	if (slot == CACHE_SLOTS)
		slot = cache_next++ % CACHE_SLOTS;
	e->refs = 1; /* the caller; the cache owns it until it is replaced */
	slot_set(slot, e);
	pthread_mutex_unlock(&cache_mu);
	return e;
}

static int card_acquire(struct db *db, int64_t id, struct ratecard_entry **out, struct kf_error *err)
{
	return ratecard_store_acquire(db, id, 0, out, err);
}

/* As card_acquire, with the card's current version already read (0 = read it). */
int ratecard_store_acquire(struct db *db, int64_t id, int64_t version, struct ratecard_entry **out,
                           struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = 1;
	if (!version) {
		rc = db_query(db, &q_card_version, DB_ARGS(db_int(id)), &r, err);
		if (rc >= 0 && (rc = db_next(r, err)) == 1)
			version = db_col_int(r, 0);
		db_done(r);
	}
	if (rc < 0)
		return rc;
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "card_id", "no rate card %lld", (long long)id);
	if ((*out = cache_find(id, version)))
		return 0;
	struct ratecard_entry *e = xcalloc(1, sizeof *e);
	e->card = xcalloc(1, sizeof *e->card);
	e->id = id;
	rc = db_query(db, &q_card_csv, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0 && (rc = db_next(r, err)) == 1) {
		e->version = db_col_int(r, 1);
		e->active = (int)db_col_int(r, 2);
		rc = rc_read_csv(e->card, db_col_text(r, 0), db_col_len(r, 0), err);
	} else if (rc == 0) {
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "card_id", "no rate card %lld", (long long)id);
	}
	db_done(r);
	if (rc < 0) {
		free(e->card);
		free(e);
		return rc;
	}
	*out = cache_add(e);
	return 0;
}

/* ---- labels ------------------------------------------------------------- */
/* ---- card summaries ----------------------------------------------------- */

static const char *const sc_kind_name[] = { "percent", "flat", "per_kg" };
static const char *const sc_when_name[] = { "always", "hazardous", "special" };

static json_t *card_json(const struct rate_card *c, int full)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:b,s:I,s:I,s:I,s:I}", "carrier", c->carrier,
	                      "mode", rc_mode_name(c->mode), "geo", c->geo == RC_GEO_ZONE ? "zone" : "distance",
	                      "currency", c->currency, "dim_divisor", (json_int_t)c->dim_divisor,
	                      "weight_step_g", (json_int_t)c->weight_step_g, "min_charge",
	                      (json_int_t)c->min_charge, "deficit_rule", c->deficit_rule, "insurance_bp",
	                      (json_int_t)c->insurance_bp, "insurance_min", (json_int_t)c->insurance_min,
	                      "zone_count", (json_int_t)c->nzones, "break_count", (json_int_t)c->nbreaks);
	if (!full)
		return o;
	json_t *zones = json_array(), *breaks = json_array(), *sc = json_array();
	for (size_t z = 0; z < c->nzones; z++)
		json_array_append_new(zones,
		                      json_pack("{s:s,s:I,s:i,s:i}", "code", c->zones[z].code, "min_km",
		                                (json_int_t)c->zones[z].min_km, "transit_min_days",
		                                c->zones[z].transit_min_days, "transit_max_days",
		                                c->zones[z].transit_max_days));
	for (size_t b = 0; b < c->nbreaks; b++)
		json_array_append_new(breaks, json_integer(c->break_min_g[b]));
	for (size_t i = 0; i < c->nsurcharges; i++)
		json_array_append_new(sc,
		                      json_pack("{s:s,s:s,s:s,s:I}", "code", c->surcharges[i].code, "kind",
		                                sc_kind_name[c->surcharges[i].kind], "when",
		                                sc_when_name[c->surcharges[i].when], "value",
		                                (json_int_t)c->surcharges[i].value));
	json_object_set_new(o, "zones", zones);
	json_object_set_new(o, "breaks_g", breaks);
	json_object_set_new(o, "surcharges", sc);
	return o;
}

static struct db_sql q_card_row = DB_SQL(
        "SELECT id, name, active, created_at, updated_at, version FROM rate_cards WHERE id = $1");
static struct db_sql q_card_list = DB_SQL(
        "SELECT id, name, active, created_at, updated_at, version FROM rate_cards ORDER BY name");
static struct db_sql q_card_insert = DB_SQL(
        "INSERT INTO rate_cards (name, carrier, mode, csv, created_by, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id");
static struct db_sql q_card_update = DB_SQL(
        "UPDATE rate_cards SET csv = $3, carrier = $4, mode = $5, updated_at = $6, version = version + 1"
        " WHERE id = $1 AND version = $2");
static struct db_sql q_card_retire = DB_SQL(
        "UPDATE rate_cards SET active = 0, updated_at = $2, version = version + 1 WHERE id = $1 AND active = 1");

/* The stored fields of a rate_cards row. */
static json_t *card_row(struct db_rows *r)
{
	return json_pack("{s:I,s:s,s:b,s:I,s:I,s:I}", "id", (json_int_t)db_col_int(r, 0), "name",
	                 db_col_text(r, 1), "active", (int)db_col_int(r, 2), "created_at",
	                 (json_int_t)db_col_int(r, 3), "updated_at", (json_int_t)db_col_int(r, 4), "version",
	                 (json_int_t)db_col_int(r, 5));
}

static int card_with_body(struct db *db, json_t *row, int full, struct kf_error *err)
{
	struct ratecard_entry *e;
	int rc = card_acquire(db, json_integer_value(json_object_get(row, "id")), &e, err);
	if (rc < 0)
		return rc;
	json_t *body = card_json(e->card, full);
	json_object_update(row, body);
	json_decref(body);
	ratecard_store_release(e);
	return 0;
}

int ratecard_store_list(struct db *db, json_t **items, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	int rc = db_query(db, &q_card_list, DB_NOARGS, &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		json_array_append_new(*items, card_row(r));
	db_done(r);
	for (size_t i = 0; rc >= 0 && i < json_array_size(*items); i++)
		rc = card_with_body(db, json_array_get(*items, i), 0, err);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}

int ratecard_store_get(struct db *db, int64_t id, json_t **out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*out = NULL;
	int rc = db_query(db, &q_card_row, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0 && (rc = db_next(r, err)) == 1)
		*out = card_row(r);
	db_done(r);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "card_id", "no rate card %lld", (long long)id);
	if (rc >= 0)
		rc = card_with_body(db, *out, 1, err);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int ratecard_store_csv(struct db *db, int64_t id, char **csv, int64_t *version, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*csv = NULL;
	int rc = db_query(db, &q_card_csv, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0 && (rc = db_next(r, err)) == 1) {
		*csv = xstrdup(db_col_text(r, 0));
		*version = db_col_int(r, 1);
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "card_id", "no rate card %lld", (long long)id);
	return rc < 0 ? rc : 0;
}

static int check_csv(const char *csv, size_t len, struct rate_card *c, struct kf_error *err)
{
	if (!csv || len == 0)
		return kf_fail(err, KF_EINVAL, "required", "csv", "the rate card CSV is empty");
	if (len > RATECARD_STORE_CSV_MAX)
		return kf_fail(err, KF_ETOOBIG, "too_long", "csv", "a rate card may have at most %d bytes",
		               RATECARD_STORE_CSV_MAX);
	return rc_read_csv(c, csv, len, err);
}

int ratecard_store_create(struct db *db, const struct actor *a, int64_t now, const char *name,
                          const char *csv, size_t len, json_t **out, struct kf_error *err)
{
	struct rate_card *c = xcalloc(1, sizeof *c);
	int64_t id = 0;
	*out = NULL;
	int rc = name && *name ? 0 : kf_fail(err, KF_EINVAL, "required", "name", "name is required");
	if (rc == 0)
		rc = check_csv(csv, len, c, err);
	if (rc == 0 && (rc = db_begin(db, err)) == 0) {
		rc = db_query_int(db, &q_card_insert,
		                  DB_ARGS(db_text(name), db_text(c->carrier), db_text(rc_mode_name(c->mode)),
		                          db_text(csv), db_int(a->id), db_int(now)),
		                  &id, err);
		if (rc == KF_EEXIST)
			rc = kf_fail(err, KF_EEXIST, "exists", "name", "a rate card named %s exists", name);
		if (rc == 0) {
			json_t *after = json_pack("{s:s,s:s}", "name", name, "carrier", c->carrier);
			rc = audit_record(db, a, now, "ratecard.create", "rate_card", id, NULL, after, err);
			json_decref(after);
		}
		rc = db_finish(db, rc, err);
	}
	rc_release(c);
	free(c);
	if (rc < 0)
		return rc;
	return ratecard_store_get(db, id, out, err);
}

int ratecard_store_replace(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                           const char *csv, size_t len, json_t **out, struct kf_error *err)
{
	struct rate_card *c = xcalloc(1, sizeof *c);
	*out = NULL;
	int rc = check_csv(csv, len, c, err);
	if (rc == 0 && (rc = db_begin(db, err)) == 0) {
		rc = db_exec(db, &q_card_update,
		             DB_ARGS(db_int(id), db_int(version), db_text(csv), db_text(c->carrier),
		                     db_text(rc_mode_name(c->mode)), db_int(now)),
		             err);
		if (rc == 0) {
			int64_t v;
			rc = db_query_int(db, &q_card_version, DB_ARGS(db_int(id)), &v, err) == KF_ENOTFOUND
			        ? kf_fail(err, KF_ENOTFOUND, "not_found", "card_id", "no rate card %lld",
			                  (long long)id)
			        : kf_fail(err, KF_ESTALE, "stale", NULL,
			                  "the rate card was changed by someone else");
		}
		if (rc > 0) {
			json_t *after = json_pack("{s:s,s:I}", "carrier", c->carrier, "zones",
			                          (json_int_t)c->nzones);
			rc = audit_record(db, a, now, "ratecard.replace", "rate_card", id, NULL, after, err);
			json_decref(after);
		}
		rc = db_finish(db, rc, err);
	}
	rc_release(c);
	free(c);
	if (rc < 0)
		return rc;
	return ratecard_store_get(db, id, out, err);
}

int ratecard_store_retire(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_card_retire, DB_ARGS(db_int(id), db_int(now)), err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "card_id", "no active rate card %lld",
		             (long long)id);
	if (rc > 0)
		rc = audit_record(db, a, now, "ratecard.retire", "rate_card", id, NULL, NULL, err);
	return db_finish(db, rc, err);
}
