/*
 * complaint.c - see complaint.h.  The rules live in process_rules.c; this
 * file loads the record, applies a change, asks the rules, and writes.
 */
#include "desk/complaint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "desk/process_hooks.h"
#include "store/db.h"

/* clang-format off */
#define COMPLAINT_COLS(F, X) \
	F(CC_TICKET_ID, "ticket_id") \
	X(CC_STEP, "step") \
	X(CC_ACKNOWLEDGED_AT, "acknowledged_at") \
	X(CC_CLASSIFIED_AT, "classified_at") \
	X(CC_CATEGORY_ID, "category_id") \
	X(CC_INVESTIGATION_NOTES, "investigation_notes") \
	X(CC_ROOT_CAUSE, "root_cause") \
	X(CC_RESPONSIBLE_DEPARTMENT, "responsible_department") \
	X(CC_SOLUTION, "solution") \
	X(CC_COMPENSATION_MINOR, "compensation_minor") \
	X(CC_CURRENCY, "currency") \
	X(CC_IMPLEMENTED_AT, "implemented_at") \
	X(CC_CUSTOMER_CONFIRMATION, "customer_confirmation") \
	X(CC_CUSTOMER_CONFIRMED_AT, "customer_confirmed_at") \
	X(CC_FEEDBACK_TO_DEPARTMENT_AT, "feedback_to_department_at") \
	X(CC_ARCHIVED_AT, "archived_at") \
	X(CC_CREATED_AT, "created_at") \
	X(CC_UPDATED_AT, "updated_at") \
	X(CC_VERSION, "version")
/* clang-format on */
DB_COLS_ENUM(COMPLAINT_COLS, CC_NCOLS);
#define COLUMNS DB_COLS_SQL(COMPLAINT_COLS)
static struct db_sql q_get = DB_SQL("SELECT " COLUMNS " FROM complaints WHERE ticket_id = $1");
static struct db_sql q_ensure = DB_SQL(
        "INSERT INTO complaints (ticket_id, created_at, updated_at) VALUES ($1, $2, $2)"
        " ON CONFLICT (ticket_id) DO NOTHING");
static struct db_sql q_update = DB_SQL(
        "UPDATE complaints SET step = $3, acknowledged_at = $4, classified_at = $5, category_id = $6,"
        " investigation_notes = $7, root_cause = $8, responsible_department = $9, solution = $10,"
        " compensation_minor = $11, currency = $12, implemented_at = $13, customer_confirmation = $14,"
        " customer_confirmed_at = $15, feedback_to_department_at = $16, archived_at = $17, updated_at = $18,"
        " version = version + 1 WHERE ticket_id = $1 AND version = $2");
static struct db_sql q_category = DB_SQL("SELECT COUNT(*) FROM categories WHERE id = $1");

static void text(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void from_row(struct db_rows *r, struct complaint *c)
{
	c->ticket_id = db_col_int(r, CC_TICKET_ID);
	c->step = complaint_rules_step_parse(db_col_text(r, CC_STEP));
	c->acknowledged_at = db_col_int(r, CC_ACKNOWLEDGED_AT);
	c->classified_at = db_col_int(r, CC_CLASSIFIED_AT);
	c->category_id = db_col_int(r, CC_CATEGORY_ID);
	text(c->investigation_notes, sizeof(c->investigation_notes), db_col_text(r, CC_INVESTIGATION_NOTES));
	text(c->root_cause, sizeof(c->root_cause), db_col_text(r, CC_ROOT_CAUSE));
	text(c->responsible_department, sizeof(c->responsible_department),
	     db_col_text(r, CC_RESPONSIBLE_DEPARTMENT));
	text(c->solution, sizeof(c->solution), db_col_text(r, CC_SOLUTION));
	c->compensation_minor = db_col_int(r, CC_COMPENSATION_MINOR);
	text(c->currency, sizeof(c->currency), db_col_text(r, CC_CURRENCY));
	c->implemented_at = db_col_int(r, CC_IMPLEMENTED_AT);
	text(c->customer_confirmation, sizeof(c->customer_confirmation),
	     db_col_text(r, CC_CUSTOMER_CONFIRMATION));
	c->customer_confirmed_at = db_col_int(r, CC_CUSTOMER_CONFIRMED_AT);
	c->feedback_to_department_at = db_col_int(r, CC_FEEDBACK_TO_DEPARTMENT_AT);
	c->archived_at = db_col_int(r, CC_ARCHIVED_AT);
	c->created_at = db_col_int(r, CC_CREATED_AT);
	c->updated_at = db_col_int(r, CC_UPDATED_AT);
	c->version = db_col_int(r, CC_VERSION);
}

/* A complaint ticket with no record yet reads as just received. */
static void fresh(const struct process_ticket *t, struct complaint *c)
{
	memset(c, 0, sizeof(*c));
	c->ticket_id = t->id;
	c->step = CS_RECEIVED;
	text(c->currency, sizeof(c->currency), "CNY");
	c->created_at = c->updated_at = t->created_at;
	c->version = 1;
}

/* The stored record into *out; 0 when there is none (out untouched), 1 when read. */
static int load_row(struct db *db, int64_t ticket_id, struct complaint *out, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_get, DB_ARGS(db_int(ticket_id)), &r, err);
	if (rc >= 0)
		rc = db_next(r, err);
	if (rc == 1)
		from_row(r, out);
	db_done(r);
	return rc;
}

int complaint_get(struct db *db, int64_t ticket_id, struct complaint *out, struct kf_error *err)
{
	struct process_ticket t;
	int rc = process_ticket_load(db, ticket_id, "complaint", &t, err);
	if (rc < 0)
		return rc;
	rc = load_row(db, ticket_id, out, err);
	if (rc == 0)
		fresh(&t, out);
	return rc < 0 ? rc : 0;
}

static void facts_of(const struct complaint *c, struct complaint_facts *f)
{
	f->acknowledged = c->acknowledged_at != 0;
	f->classified = c->category_id != 0;
	f->has_investigation_notes = c->investigation_notes[0] != '\0';
	f->has_root_cause = c->root_cause[0] != '\0';
	f->has_responsible_department = c->responsible_department[0] != '\0';
	f->has_solution = c->solution[0] != '\0';
	f->implemented = c->implemented_at != 0;
	f->customer_confirmed = c->customer_confirmation[0] != '\0';
	f->feedback_sent = c->feedback_to_department_at != 0;
}

static int check_category(struct db *db, int64_t id, struct kf_error *err)
{
	int64_t n = 0;
	int rc = db_query_int(db, &q_category, DB_ARGS(db_int(id)), &n, err);
	if (rc == 0 && n == 0)
		rc = kf_fail(err, KF_EINVAL, "invalid", "category_id", "no category %lld", (long long)id);
	return rc;
}

/* The implementation facts may be recorded only from the implementation step on. */
static int check_late_fields(const struct complaint_patch *p, enum complaint_step step, struct kf_error *err)
{
	const char *field = p->implemented ? "implemented"
	        : p->customer_confirmation ? "customer_confirmation"
	        : p->feedback_sent         ? "feedback_sent"
	                                   : NULL;
	if (!field || step >= CS_IMPLEMENTATION)
		return 0;
	return kf_fail(err, KF_ECONFLICT, "wrong_step", field,
	               "%s can be recorded only once the complaint reached implementation", field);
}

/* Copy the patch's values into c; now stamps the recorded moments. */
static int apply(struct db *db, const struct complaint_patch *p, int64_t now, struct complaint *c,
                 struct kf_error *err)
{
	if (p->category_id) {
		int rc = check_category(db, p->category_id, err);
		if (rc < 0)
			return rc;
		c->category_id = p->category_id;
		c->classified_at = now;
	}
	if (p->investigation_notes)
		text(c->investigation_notes, sizeof(c->investigation_notes), p->investigation_notes);
	if (p->root_cause)
		text(c->root_cause, sizeof(c->root_cause), p->root_cause);
	if (p->responsible_department)
		text(c->responsible_department, sizeof(c->responsible_department), p->responsible_department);
	if (p->solution)
		text(c->solution, sizeof(c->solution), p->solution);
	if (p->compensation_minor >= 0)
		c->compensation_minor = p->compensation_minor;
	if (p->currency)
		text(c->currency, sizeof(c->currency), p->currency);
	if (p->implemented && !c->implemented_at)
		c->implemented_at = now;
	if (p->customer_confirmation) {
		text(c->customer_confirmation, sizeof(c->customer_confirmation), p->customer_confirmation);
		c->customer_confirmed_at = now;
	}
	if (p->feedback_sent && !c->feedback_to_department_at)
		c->feedback_to_department_at = now;
	return 0;
}

/* Move c to step to, stamping the moments the seed's steps record. */
static int advance(enum complaint_step to, int64_t now, struct complaint *c, struct kf_error *err)
{
	struct complaint_facts f;
	if (to == CS_INITIAL_HANDLING && !c->acknowledged_at)
		c->acknowledged_at = now; /* 初步处理 starts with the acknowledgement */
	facts_of(c, &f);
	int rc = complaint_rules_check_advance(c->step, to, &f, err);
	if (rc < 0)
		return rc;
	c->step = to;
	if (to == CS_ARCHIVED)
		c->archived_at = now;
	return 0;
}

static struct db_arg opt_int(int64_t v)
{
	return v ? db_int(v) : db_null();
}

static struct db_arg opt_text(const char *s)
{
	return s[0] ? db_text(s) : db_null();
}

static int write(struct db *db, const struct complaint *c, int64_t version, int64_t now, struct kf_error *err)
{
	int rc = db_exec(
	        db, &q_update,
	        DB_ARGS(db_int(c->ticket_id), db_int(version), db_text(complaint_rules_step_name(c->step)),
	                opt_int(c->acknowledged_at), opt_int(c->classified_at), opt_int(c->category_id),
	                opt_text(c->investigation_notes), opt_text(c->root_cause),
	                opt_text(c->responsible_department), opt_text(c->solution),
	                db_int(c->compensation_minor), db_text(c->currency), opt_int(c->implemented_at),
	                opt_text(c->customer_confirmation), opt_int(c->customer_confirmed_at),
	                opt_int(c->feedback_to_department_at), opt_int(c->archived_at), db_int(now)),
	        err);
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", NULL,
		               "the complaint was changed by someone else; reload and try again");
	return rc < 0 ? rc : 0;
}

/* Load (creating the record if needed) and check the version. */
static int load_for_change(struct db *db, int64_t ticket_id, int64_t version, int64_t now,
                           struct complaint *c, struct kf_error *err)
{
	struct process_ticket t;
	int rc = process_ticket_load(db, ticket_id, "complaint", &t, err);
	if (rc == 0)
		rc = db_exec(db, &q_ensure, DB_ARGS(db_int(ticket_id), db_int(now)), err);
	if (rc >= 0)
		rc = load_row(db, ticket_id, c, err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "ticket", "no such complaint");
	if (rc < 0)
		return rc;
	if (c->version != version)
		return kf_fail(err, KF_ESTALE, "stale", NULL,
		               "the complaint was changed by someone else; reload and try again");
	if (c->step == CS_ARCHIVED)
		return kf_fail(err, KF_ECONFLICT, "archived", NULL,
		               "the complaint is archived and can no longer change");
	return 0;
}

static int change_in_tx(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                        enum complaint_step to, const struct complaint_patch *p, struct complaint *before,
                        struct complaint *out, struct kf_error *err)
{
	int rc = load_for_change(db, ticket_id, version, now, before, err);
	if (rc < 0)
		return rc;
	*out = *before;
	rc = apply(db, p, now, out, err);
	if (rc == 0 && to != CS_NONE)
		rc = advance(to, now, out, err);
	if (rc == 0)
		rc = check_late_fields(p, out->step, err);
	if (rc == 0)
		rc = write(db, out, version, now, err);
	if (rc == 0)
		rc = complaint_get(db, ticket_id, out, err);
	if (rc < 0)
		return rc;
	json_t *jb = complaint_to_json(before), *ja = complaint_to_json(out);
	rc = process_event_add(db, a, now, ticket_id,
	                       to != CS_NONE ? "complaint.advance" : "complaint.update", jb, ja, err);
	json_decref(jb);
	json_decref(ja);
	return rc;
}

int complaint_change(struct db *db, const struct actor *a, int64_t now, int64_t ticket_id, int64_t version,
                     enum complaint_step to, const struct complaint_patch *p, struct complaint *out,
                     struct kf_error *err)
{
	struct complaint *before = xcalloc(1, sizeof(*before)); /* ~12 KB: off the stack */
	int rc = db_begin(db, err);
	if (rc == 0) {
		rc = change_in_tx(db, a, now, ticket_id, version, to, p, before, out, err);
		if (rc < 0)
			db_rollback(db);
		else
			rc = db_commit(db, err);
	}
	free(before);
	return rc;
}

static json_t *opt_time(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

static json_t *opt_str(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

/* What the next step still needs, as a JSON array of field names. */
static json_t *missing_json(const struct complaint *c)
{
	const char *missing[COMPLAINT_MISSING_MAX];
	struct complaint_facts f;
	json_t *a = json_array();
	if (c->step == CS_ARCHIVED)
		return a;
	facts_of(c, &f);
	size_t n = complaint_rules_missing(c->step + 1, &f, missing);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(missing[i]));
	return a;
}

json_t *complaint_to_json(const struct complaint *c)
{
	json_t *j = json_object();
	json_object_set_new(j, "ticket_id", json_integer(c->ticket_id));
	json_object_set_new(j, "step", json_string(complaint_rules_step_name(c->step)));
	json_object_set_new(j, "next_step",
	                    c->step == CS_ARCHIVED ? json_null()
	                                           : json_string(complaint_rules_step_name(c->step + 1)));
	json_object_set_new(j, "missing_for_next", missing_json(c));
	json_object_set_new(j, "acknowledged_at", opt_time(c->acknowledged_at));
	json_object_set_new(j, "classified_at", opt_time(c->classified_at));
	json_object_set_new(j, "category_id", c->category_id ? json_integer(c->category_id) : json_null());
	json_object_set_new(j, "investigation_notes", opt_str(c->investigation_notes));
	json_object_set_new(j, "root_cause", opt_str(c->root_cause));
	json_object_set_new(j, "responsible_department", opt_str(c->responsible_department));
	json_object_set_new(j, "solution", opt_str(c->solution));
	json_object_set_new(j, "compensation_minor", json_integer(c->compensation_minor));
	json_object_set_new(j, "currency", json_string(c->currency));
	json_object_set_new(j, "implemented_at", opt_time(c->implemented_at));
	json_object_set_new(j, "customer_confirmation", opt_str(c->customer_confirmation));
	json_object_set_new(j, "customer_confirmed_at", opt_time(c->customer_confirmed_at));
	json_object_set_new(j, "feedback_to_department_at", opt_time(c->feedback_to_department_at));
	json_object_set_new(j, "archived_at", opt_time(c->archived_at));
	json_object_set_new(j, "created_at", json_integer(c->created_at));
	json_object_set_new(j, "updated_at", json_integer(c->updated_at));
	json_object_set_new(j, "version", json_integer(c->version));
	return j;
}

int complaint_can_resolve(struct db *db, int64_t ticket_id, struct kf_error *err)
{
	struct complaint *c = xcalloc(1, sizeof(*c));
	struct complaint_facts f;
	int rc = complaint_get(db, ticket_id, c, err);
	if (rc == 0) {
		facts_of(c, &f);
		rc = complaint_rules_check_resolve(&f, err);
	}
	free(c);
	return rc;
}
