/*
 * value_job.c - the writing half of value.h: compare a fresh computation
 * with customer_value and the customers' tier and stage, write what
 * changed in short transactions with an audit row per customer changed,
 * record the run, and the nightly job around it.
 */
#include "analytics/value.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "base/tz.h"
#include "base/xalloc.h"
#include "jobs/job.h"
#include "store/db.h"

static const struct actor value_actor = { "system", 0, "customer_value", NULL, NULL };

/* clang-format off */
#define EXISTING_COLS(F, X) \
	F(EC_CUSTOMER_ID, "customer_id") \
	X(EC_LAST_PURCHASE_AT, "COALESCE(last_purchase_at, 0)") \
	X(EC_FREQUENCY, "frequency") \
	X(EC_MONETARY_MINOR, "monetary_minor") \
	X(EC_R, "COALESCE(r, 0)") \
	X(EC_F, "COALESCE(f, 0)") \
	X(EC_M, "COALESCE(m, 0)") \
	X(EC_SEGMENT, "COALESCE(segment, '')") \
	X(EC_ABC_CLASS, "abc_class") \
	X(EC_TUCKER, "tucker") \
	X(EC_SHARE_OF_WALLET, "COALESCE(share_of_wallet, -1)") \
	X(EC_LOYALTY, "loyalty") \
	X(EC_STAGE, "stage")
/* clang-format on */
DB_COLS_ENUM(EXISTING_COLS, EC_NCOLS);
static struct db_sql q_existing = DB_SQL(
        "SELECT " DB_COLS_SQL(EXISTING_COLS) " FROM customer_value"
                                             " WHERE customer_id > $1 ORDER BY customer_id LIMIT $2");
static struct db_sql q_upsert = DB_SQL(
        "INSERT INTO customer_value (customer_id, last_purchase_at, frequency, monetary_minor, r, f, m, segment,"
        " abc_class, tucker, share_of_wallet, loyalty, stage, computed_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        " ON CONFLICT (customer_id) DO UPDATE SET last_purchase_at = excluded.last_purchase_at,"
        " frequency = excluded.frequency, monetary_minor = excluded.monetary_minor, r = excluded.r,"
        " f = excluded.f, m = excluded.m, segment = excluded.segment, abc_class = excluded.abc_class,"
        " tucker = excluded.tucker, share_of_wallet = excluded.share_of_wallet, loyalty = excluded.loyalty,"
        " stage = excluded.stage, computed_at = excluded.computed_at");
static struct db_sql q_reclassify = DB_SQL(
        "UPDATE customers SET tier = $2, stage = $3, updated_at = $6, version = version + 1"
        " WHERE id = $1 AND tier = $4 AND stage = $5 AND erased_at IS NULL");
static struct db_sql q_drop_erased = DB_SQL(
        "DELETE FROM customer_value WHERE customer_id IN (SELECT id FROM customers WHERE erased_at IS NOT NULL)");
static struct db_sql q_run_insert = DB_SQL(
        "INSERT INTO customer_value_runs (as_of, abc_a, abc_b, customers, buyers, orders, revenue_minor,"
        " rows_written, tiers_changed, stages_changed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
/* clang-format off */
#define RUN_COLS(F, X) \
	F(RC_AS_OF, "as_of") \
	X(RC_ABC_A, "abc_a") \
	X(RC_ABC_B, "abc_b") \
	X(RC_CUSTOMERS, "customers") \
	X(RC_BUYERS, "buyers") \
	X(RC_ORDERS, "orders") \
	X(RC_REVENUE_MINOR, "revenue_minor")
/* clang-format on */
DB_COLS_ENUM(RUN_COLS, RC_NCOLS);
static struct db_sql q_run_last = DB_SQL("SELECT " DB_COLS_SQL(RUN_COLS) " FROM customer_value_runs"
                                                                         " ORDER BY id DESC LIMIT 1");

static const char *text_or_empty(const char *s)
{
	return s ? s : "";
}

static const char *segment_name(const struct value_row *v)
{
	return v->segment < 0 ? "" : rfm_segment_name((enum rfm_segment)v->segment);
}

/* 1 when the stored row (r, at its current position) says what v says. */
static int same_row(struct db_rows *r, const struct value_row *v)
{
	double share = db_col_real(r, EC_SHARE_OF_WALLET);
	int share_same = (share < 0 && v->share < 0) ||
	        (share >= 0 && v->share >= 0 && share - v->share < 1e-9 && v->share - share < 1e-9);
	return db_col_int(r, EC_LAST_PURCHASE_AT) == v->last_purchase_at &&
	        db_col_int(r, EC_FREQUENCY) == v->frequency &&
	        db_col_int(r, EC_MONETARY_MINOR) == v->monetary_minor && db_col_int(r, EC_R) == v->r &&
	        db_col_int(r, EC_F) == v->f && db_col_int(r, EC_M) == v->m &&
	        strcmp(text_or_empty(db_col_text(r, EC_SEGMENT)), segment_name(v)) == 0 &&
	        text_or_empty(db_col_text(r, EC_ABC_CLASS))[0] == v->abc &&
	        db_col_int(r, EC_TUCKER) == v->tucker && share_same &&
	        strcmp(text_or_empty(db_col_text(r, EC_LOYALTY)),
	               loyalty_cell_name((enum loyalty_cell)v->loyalty)) == 0 &&
	        strcmp(text_or_empty(db_col_text(r, EC_STAGE)),
	               lifecycle_stage_name((enum lifecycle_stage)v->stage)) == 0;
}

/* Mark in same[] the customers whose stored row needs no write (rows and stored rows both by id). */
static int mark_unchanged(struct db *db, const struct value_set *s, unsigned char *same, struct kf_error *err)
{
	int64_t after = 0;
	size_t i = 0;
	for (int64_t got = VALUE_PAGE_ROWS; got == VALUE_PAGE_ROWS;) {
		struct db_rows *r = NULL;
		got = 0;
		int rc = db_query(db, &q_existing, DB_ARGS(db_int(after), db_int(VALUE_PAGE_ROWS)), &r, err);
		while (rc >= 0 && (rc = db_next(r, err)) == 1) {
			after = db_col_int(r, EC_CUSTOMER_ID);
			got++;
			while (i < s->n && s->rows[i].customer_id < after)
				i++;
			if (i < s->n && s->rows[i].customer_id == after)
				same[i] = (unsigned char)same_row(r, &s->rows[i]);
		}
		db_done(r);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int write_row(struct db *db, const struct value_row *v, int64_t now, struct kf_error *err)
{
	int buyer = v->frequency > 0;
	return db_exec(db, &q_upsert,
	               DB_ARGS(db_int(v->customer_id), buyer ? db_int(v->last_purchase_at) : db_null(),
	                       db_int(v->frequency), db_int(v->monetary_minor), buyer ? db_int(v->r) : db_null(),
	                       buyer ? db_int(v->f) : db_null(), buyer ? db_int(v->m) : db_null(),
	                       buyer ? db_text(segment_name(v)) : db_null(), db_textn(&v->abc, 1),
	                       db_int(v->tucker), v->share >= 0 ? db_real(v->share) : db_null(),
	                       db_text(loyalty_cell_name((enum loyalty_cell)v->loyalty)),
	                       db_text(lifecycle_stage_name((enum lifecycle_stage)v->stage)), db_int(now)),
	               err);
}

/* Set tier and stage if they are still what was read; audit it.  1 = changed, 0 = left alone. */
static int reclassify(struct db *db, const struct value_row *v, int64_t now, struct kf_error *err)
{
	const char *old_stage = lifecycle_stage_name((enum lifecycle_stage)v->cur_stage);
	const char *new_stage = lifecycle_stage_name((enum lifecycle_stage)v->stage);
	int rc = db_exec(db, &q_reclassify,
	                 DB_ARGS(db_int(v->customer_id), db_textn(&v->abc, 1), db_text(new_stage),
	                         db_textn(&v->tier, 1), db_text(old_stage), db_int(now)),
	                 err);
	if (rc <= 0)
		return rc;
	json_t *before = json_pack("{s:s%,s:s}", "tier", &v->tier, (size_t)1, "stage", old_stage);
	json_t *after = json_pack("{s:s%,s:s}", "tier", &v->abc, (size_t)1, "stage", new_stage);
	rc = audit_record(db, &value_actor, now, "customer.reclassify", "customer", v->customer_id, before,
	                  after, err);
	json_decref(before);
	json_decref(after);
	return rc < 0 ? rc : 1;
}

/* Write one customer's changes; counts into st. */
static int write_one(struct db *db, const struct value_row *v, int same, int64_t now, struct value_stats *st,
                     struct kf_error *err)
{
	int rc = 0;
	if (!same) {
		rc = write_row(db, v, now, err);
		st->rows_written += rc >= 0;
	}
	if (rc >= 0 && (v->abc != v->tier || v->stage != v->cur_stage)) {
		rc = reclassify(db, v, now, err);
		if (rc == 1) {
			st->tiers_changed += v->abc != v->tier;
			st->stages_changed += v->stage != v->cur_stage;
		}
	}
	return rc < 0 ? rc : 0;
}

static int needs_write(const struct value_row *v, int same)
{
	return !same || v->abc != v->tier || v->stage != v->cur_stage;
}

/* Everything that changed, VALUE_TX_ROWS customers per transaction. */
static int write_changes(struct db *db, const struct value_set *s, const unsigned char *same,
                         const struct value_opts *o, struct value_stats *st, struct kf_error *err)
{
	size_t i = 0;
	while (i < s->n) {
		int rc = db_begin(db, err);
		for (size_t done = 0; rc >= 0 && i < s->n && done < VALUE_TX_ROWS; i++) {
			if (!needs_write(&s->rows[i], same[i]))
				continue;
			rc = write_one(db, &s->rows[i], same[i], o->now, st, err);
			done++;
		}
		if (rc < 0) {
			db_rollback(db);
			return rc;
		}
		rc = db_commit(db, err);
		if (rc < 0)
			return rc;
		if (o->progress)
			o->progress(o->progress_arg, (uint64_t)(s->orders_max_id + (int64_t)i),
			            (uint64_t)(s->orders_max_id + (int64_t)s->n));
	}
	return 0;
}

static int finish_run(struct db *db, const struct value_opts *o, const struct value_stats *st,
                      struct kf_error *err)
{
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = db_exec(db, &q_drop_erased, DB_NOARGS, err);
	if (rc >= 0)
		rc = db_exec(db, &q_run_insert,
		             DB_ARGS(db_int(o->now), db_real(o->abc.a), db_real(o->abc.b),
		                     db_int(st->customers), db_int(st->buyers), db_int(st->orders),
		                     db_int(st->revenue_minor), db_int(st->rows_written),
		                     db_int(st->tiers_changed), db_int(st->stages_changed)),
		             err);
	return db_finish(db, rc, err);
}

/* The pass's progress as part of the whole run: the writes (one step per customer) follow it. */
struct relay {
	const struct value_opts *o;
	const struct value_set *s;
};

static void relay_progress(void *arg, uint64_t done, uint64_t total)
{
	const struct relay *r = arg;
	r->o->progress(r->o->progress_arg, done, total + r->s->n);
}

int value_recompute(struct db *db, const struct value_opts *o, struct value_stats *st, struct kf_error *err)
{
	struct value_set s = VALUE_SET_INIT;
	struct value_opts all = *o;
	struct relay relay = { o, &s };
	unsigned char *same = NULL;
	memset(st, 0, sizeof(*st));
	all.from = all.to = 0;
	if (o->progress) {
		all.progress = relay_progress;
		all.progress_arg = &relay;
	}
	int rc = value_compute(db, &all, &s, err);
	if (rc < 0)
		goto out;
	same = xcalloc(s.n ? s.n : 1, 1);
	st->customers = (int64_t)s.n;
	st->buyers = (int64_t)s.buyers;
	st->orders = s.orders;
	st->revenue_minor = s.revenue_minor;
	rc = mark_unchanged(db, &s, same, err);
	all.progress = o->progress;
	all.progress_arg = o->progress_arg;
	if (rc == 0)
		rc = write_changes(db, &s, same, &all, st, err);
	if (rc == 0)
		rc = finish_run(db, &all, st, err);
out:
	free(same);
	value_set_release(&s);
	return rc;
}

int value_last_run(struct db *db, struct value_run *run, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_run_last, DB_NOARGS, &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1) {
		run->as_of = db_col_int(r, RC_AS_OF);
		run->abc.a = db_col_real(r, RC_ABC_A);
		run->abc.b = db_col_real(r, RC_ABC_B);
		run->customers = db_col_int(r, RC_CUSTOMERS);
		run->buyers = db_col_int(r, RC_BUYERS);
		run->orders = db_col_int(r, RC_ORDERS);
		run->revenue_minor = db_col_int(r, RC_REVENUE_MINOR);
	}
	db_done(r);
	if (rc == 0)
		return kf_fail(err, KF_ENOTFOUND, "not_found", NULL,
		               "customer value has not been computed yet");
	return rc < 0 ? rc : 0;
}

int64_t value_next_slot(int64_t now)
{
	int64_t slot = tz_floordiv(now, 86400) * 86400 + VALUE_JOB_HOUR_UTC * 3600;
	return slot > now ? slot : slot + 86400;
}

/*
 * Ref 0 is what scheduler_seed makes at every start, due at once; it only
 * makes sure the nightly run (ref 1) is pending, so a server that starts
 * does not reclassify its customers under the feet of whoever uses it.
 * Ref 1 recomputes with the latest run's thresholds and plans the next night.
 */
int value_job(struct db *db, int64_t ref_id, int64_t now, struct kf_error *err)
{
	int64_t due;
	if (ref_id == 0) {
		int rc = job_due(db, VALUE_JOB_KIND, 1, &due, err);
		if (rc == KF_ENOTFOUND)
			rc = job_schedule(db, VALUE_JOB_KIND, 1, value_next_slot(now), now, err);
		return rc < 0 ? rc : 0;
	}
	struct value_opts o;
	struct value_run last;
	struct value_stats st;
	struct kf_error none = KF_ERROR_INIT; /* no run yet is not an error */
	value_opts_init(&o, now);
	if (value_last_run(db, &last, &none) == 0 && abc_thresholds_valid(&last.abc))
		o.abc = last.abc;
	int rc = value_recompute(db, &o, &st, err);
	if (rc == 0)
		rc = job_schedule(db, VALUE_JOB_KIND, 1, value_next_slot(now), now, err);
	return rc;
}
