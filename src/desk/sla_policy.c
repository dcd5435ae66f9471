/*
 * sla_policy.c - see sla_policy.h.
 */
#include "desk/sla_policy.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/textlen.h"
#include "desk/calendar_store.h"
#include "desk/desk_settings.h"
#include "desk/desk_store.h"
#include "store/db.h"

static struct db_sql q_pol_all = DB_SQL(
        "SELECT id, name, ticket_type, priority, customer_tier, first_response_s, next_response_s, resolution_s,"
        " sunset, calendar_id, rank, version FROM sla_policies WHERE id > $1 ORDER BY id LIMIT $2");
static struct db_sql q_pol_one = DB_SQL(
        "SELECT id, name, ticket_type, priority, customer_tier, first_response_s, next_response_s, resolution_s,"
        " sunset, calendar_id, rank, version FROM sla_policies WHERE id = $1");
static struct db_sql q_pol_insert = DB_SQL(
        "INSERT INTO sla_policies (name, ticket_type, priority, customer_tier, first_response_s, next_response_s,"
        " resolution_s, sunset, calendar_id, rank, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id");
static struct db_sql q_pol_update = DB_SQL(
        "UPDATE sla_policies SET name = $3, ticket_type = $4, priority = $5, customer_tier = $6,"
        " first_response_s = $7, next_response_s = $8, resolution_s = $9, sunset = $10, calendar_id = $11,"
        " rank = $12, updated_at = $13, version = version + 1 WHERE id = $1 AND version = $2");
static struct db_sql q_pol_delete = DB_SQL("DELETE FROM sla_policies WHERE id = $1");
static struct db_sql q_pol_count = DB_SQL("SELECT COUNT(*) FROM sla_policies");

static void policy_row(struct db_rows *r, struct sla_policy *p, char *name, size_t name_n, int64_t *version)
{
	memset(p, 0, sizeof(*p));
	p->id = db_col_int(r, 0);
	if (name)
		desk_store_copy_col(name, name_n, db_col_text(r, 1));
	desk_store_copy_col(p->ticket_type, sizeof(p->ticket_type), db_col_text(r, 2));
	desk_store_copy_col(p->priority, sizeof(p->priority), db_col_text(r, 3));
	desk_store_copy_col(p->customer_tier, sizeof(p->customer_tier), db_col_text(r, 4));
	p->first_response_s = db_col_int(r, 5);
	p->next_response_s = db_col_int(r, 6);
	p->resolution_s = db_col_int(r, 7);
	p->sunset = (int)db_col_int(r, 8);
	p->calendar_id = db_col_int(r, 9);
	p->rank = (int)db_col_int(r, 10);
	if (version)
		*version = db_col_int(r, 11);
}

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

json_t *sla_policy_to_json(const struct sla_policy *p, const char *name)
{
	return json_pack("{s:I,s:s,s:o,s:o,s:o,s:I,s:I,s:I,s:b,s:I,s:i}", "id", (json_int_t)p->id, "name",
	                 name, "ticket_type", str_or_null(p->ticket_type), "priority",
	                 str_or_null(p->priority), "customer_tier", str_or_null(p->customer_tier),
	                 "first_response_s", (json_int_t)p->first_response_s, "next_response_s",
	                 (json_int_t)p->next_response_s, "resolution_s", (json_int_t)p->resolution_s,
	                 "sunset", p->sunset, "calendar_id", (json_int_t)p->calendar_id, "rank", p->rank);
}

int sla_policy_load_all(struct db *db, struct sla_policy *out, int max, int *n, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*n = 0;
	int rc = db_query(db, &q_pol_all, DB_ARGS(db_int(0), db_int(max)), &r, err);
	while (rc >= 0 && *n < max && (rc = db_next(r, err)) == 1)
		policy_row(r, &out[(*n)++], NULL, 0, NULL);
	db_done(r);
	return rc < 0 ? rc : 0;
}

int sla_policy_list(struct db *db, int64_t after, int limit, json_t **items, int64_t *last, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*items = json_array();
	*last = 0;
	int rc = db_query(db, &q_pol_all, DB_ARGS(db_int(after), db_int(limit)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		struct sla_policy p;
		char name[TEXTLEN_BYTES(DESK_NAME_MAX_CHARS)];
		int64_t v;
		policy_row(r, &p, name, sizeof(name), &v);
		json_t *j = sla_policy_to_json(&p, name);
		json_object_set_new(j, "version", json_integer(v));
		json_array_append_new(*items, j);
		*last = p.id;
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static int policy_read(struct db *db, int64_t id, struct sla_policy *p, char *name, int64_t *version,
                       struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_pol_one, DB_ARGS(db_int(id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 0)
		rc = desk_store_not_found(err, "SLA policy");
	if (rc > 0)
		policy_row(r, p, name, TEXTLEN_BYTES(DESK_NAME_MAX_CHARS), version);
	db_done(r);
	return rc < 0 ? rc : 0;
}

int sla_policy_get(struct db *db, int64_t id, json_t **out, int64_t *version, struct kf_error *err)
{
	struct sla_policy p;
	char name[TEXTLEN_BYTES(DESK_NAME_MAX_CHARS)];
	int rc = policy_read(db, id, &p, name, version, err);
	if (rc < 0)
		return rc;
	*out = sla_policy_to_json(&p, name);
	json_object_set_new(*out, "version", json_integer(*version));
	return 0;
}

static const char *const policy_types[] = { "inquiry",    "complaint", "return", "claim",
	                                    "suggestion", "follow_up", "care",   NULL };
static const char *const policy_prios[] = { "low", "normal", "high", "urgent", NULL };
static const char *const policy_tiers[] = { "A", "B", "C", NULL };

static int apply_choice(const struct sla_policy_input *in, unsigned bit, const char *key, const char *s,
                        const char *const *allowed, char *dst, size_t n, struct kf_error *err)
{
	if (!(in->present & bit))
		return 0;
	int rc = desk_store_check_choice(key, s, allowed, err);
	if (rc == 0)
		snprintf(dst, n, "%s", s);
	return rc;
}

static int apply_int(const struct sla_policy_input *in, unsigned bit, const char *key, int64_t v, int64_t min,
                     int64_t max, int64_t *dst, struct kf_error *err)
{
	if (!(in->present & bit))
		return 0;
	int rc = desk_store_check_range(key, v, min, max, err);
	if (rc == 0)
		*dst = v;
	return rc;
}

static int apply_name(const struct sla_policy_input *in, int create, char *name, struct kf_error *err)
{
	if (create && !(in->present & SLA_POLICY_HAS_NAME))
		return kf_fail(err, KF_EINVAL, "required", "name", "name is required");
	if (!(in->present & SLA_POLICY_HAS_NAME))
		return 0;
	int rc = desk_store_check_text("name", in->name, DESK_NAME_MAX_CHARS, err);
	if (rc == 0)
		snprintf(name, TEXTLEN_BYTES(DESK_NAME_MAX_CHARS), "%s", in->name);
	return rc;
}

static int apply_fields(const struct sla_policy_input *in, int create, struct sla_policy *p, char *name,
                        int64_t *cal, int64_t *rank, struct kf_error *err)
{
	const int64_t target_max = 366LL * 86400;
	int rc = apply_name(in, create, name, err);
	if (rc == 0)
		rc = apply_choice(in, SLA_POLICY_HAS_TICKET_TYPE, "ticket_type", in->ticket_type,
		                  policy_types, p->ticket_type, sizeof(p->ticket_type), err);
	if (rc == 0)
		rc = apply_choice(in, SLA_POLICY_HAS_PRIORITY, "priority", in->priority, policy_prios,
		                  p->priority, sizeof(p->priority), err);
	if (rc == 0)
		rc = apply_choice(in, SLA_POLICY_HAS_CUSTOMER_TIER, "customer_tier", in->customer_tier,
		                  policy_tiers, p->customer_tier, sizeof(p->customer_tier), err);
	if (rc == 0)
		rc = apply_int(in, SLA_POLICY_HAS_FIRST_RESPONSE, "first_response_s", in->first_response_s, 0,
		               target_max, &p->first_response_s, err);
	if (rc == 0)
		rc = apply_int(in, SLA_POLICY_HAS_NEXT_RESPONSE, "next_response_s", in->next_response_s, 0,
		               target_max, &p->next_response_s, err);
	if (rc == 0)
		rc = apply_int(in, SLA_POLICY_HAS_RESOLUTION, "resolution_s", in->resolution_s, 0, target_max,
		               &p->resolution_s, err);
	if (rc == 0 && (in->present & SLA_POLICY_HAS_SUNSET))
		p->sunset = in->sunset ? 1 : 0;
	if (rc == 0)
		rc = apply_int(in, SLA_POLICY_HAS_CALENDAR, "calendar_id", in->calendar_id, 1, INT64_MAX, cal,
		               err);
	if (rc == 0)
		rc = apply_int(in, SLA_POLICY_HAS_RANK, "rank", in->rank, 0, 1000000, rank, err);
	return rc;
}

/* Apply what in gives onto p (defaults on create), then check the whole policy. */
static int policy_apply(struct db *db, const struct sla_policy_input *in, int create, struct sla_policy *p,
                        char *name, struct kf_error *err)
{
	int64_t cal = p->calendar_id, rank = p->rank;
	int rc = apply_fields(in, create, p, name, &cal, &rank, err);
	if (rc < 0)
		return rc;
	p->calendar_id = cal ? cal : desk_settings_get(db, "default_calendar_id", 1);
	p->rank = (int)rank;
	if (!p->sunset && p->first_response_s == 0 && p->resolution_s == 0)
		return kf_fail(err, KF_EINVAL, "no_target", "first_response_s",
		               "a policy needs a first-response or resolution target, or sunset");
	return calendar_store_exists(db, p->calendar_id, "calendar_id", err);
}

static struct db_arg opt_text(const char *s)
{
	return s[0] ? db_text(s) : db_null();
}

int sla_policy_create(struct db *db, const struct actor *a, int64_t now, const struct sla_policy_input *in,
                      int64_t *id, struct kf_error *err)
{
	struct sla_policy p;
	char name[TEXTLEN_BYTES(DESK_NAME_MAX_CHARS)] = "";
	memset(&p, 0, sizeof(p));
	p.rank = 100;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = policy_apply(db, in, 1, &p, name, err);
	if (rc == 0)
		rc = db_query_int(db, &q_pol_insert,
		                  DB_ARGS(db_text(name), opt_text(p.ticket_type), opt_text(p.priority),
		                          opt_text(p.customer_tier), db_int(p.first_response_s),
		                          db_int(p.next_response_s), db_int(p.resolution_s), db_int(p.sunset),
		                          db_int(p.calendar_id), db_int(p.rank), db_int(now)),
		                  id, err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "name", "a policy with this name already exists");
	if (rc == 0) {
		p.id = *id;
		rc = desk_store_audit(db, a, now, "sla_policy.create", "sla_policy", *id,
		                      sla_policy_to_json(&p, name), err);
	}
	return desk_store_tx_end(db, rc, err);
}

int sla_policy_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                      const struct sla_policy_input *in, struct kf_error *err)
{
	struct sla_policy p;
	char name[TEXTLEN_BYTES(DESK_NAME_MAX_CHARS)];
	int64_t stored;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = policy_read(db, id, &p, name, &stored, err);
	if (rc == 0 && stored != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the SLA policy was changed by someone else; reload and try again");
	if (rc == 0)
		rc = policy_apply(db, in, 0, &p, name, err);
	if (rc == 0)
		rc = db_exec(db, &q_pol_update,
		             DB_ARGS(db_int(id), db_int(version), db_text(name), opt_text(p.ticket_type),
		                     opt_text(p.priority), opt_text(p.customer_tier), db_int(p.first_response_s),
		                     db_int(p.next_response_s), db_int(p.resolution_s), db_int(p.sunset),
		                     db_int(p.calendar_id), db_int(p.rank), db_int(now)),
		             err);
	if (rc == KF_EEXIST)
		rc = kf_fail(err, KF_EEXIST, "exists", "name", "a policy with this name already exists");
	if (rc == 0)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL,
		             "the SLA policy was changed by someone else; reload and try again");
	if (rc > 0)
		rc = desk_store_audit(db, a, now, "sla_policy.update", "sla_policy", id,
		                      sla_policy_to_json(&p, name), err);
	return desk_store_tx_end(db, rc, err);
}

int sla_policy_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	int64_t n = 0;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_query_int(db, &q_pol_count, DB_NOARGS, &n, err);
	if (rc == 0 && n <= 1)
		rc = kf_fail(err, KF_ECONFLICT, "last_policy", NULL, "the last SLA policy cannot be deleted");
	if (rc == 0)
		rc = db_exec(db, &q_pol_delete, DB_ARGS(db_int(id)), err);
	if (rc == 0)
		rc = desk_store_not_found(err, "SLA policy");
	if (rc > 0)
		rc = desk_store_audit(db, a, now, "sla_policy.delete", "sla_policy", id, NULL, err);
	return desk_store_tx_end(db, rc, err);
}
