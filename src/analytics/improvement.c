/*
 * improvement.c - see improvement.h.
 */
#include "analytics/improvement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/report.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/tz.h"
#include "store/db.h"
#include "store/db_json.h"

#define ACTION_COLS \
	"id, title, description, owner_id, due_at, status, target_report, target_metric, target_by," \
	" target_value, baseline_from, baseline_to, measured_from, measured_to, baseline_value, after_value," \
	" version, created_at, updated_at, completed_at"

static struct db_sql q_get = DB_SQL("SELECT " ACTION_COLS " FROM improvement_actions WHERE id = $1");
static struct db_sql q_list = DB_SQL("SELECT " ACTION_COLS " FROM improvement_actions WHERE id > $1"
                                     " AND ($2 = '' OR status = $2) ORDER BY id LIMIT $3");
static struct db_sql q_insert = DB_SQL(
        "INSERT INTO improvement_actions (title, description, owner_id, due_at, status, target_report,"
        " target_metric, target_by, target_value, baseline_from, baseline_to, baseline_value, created_at,"
        " updated_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id");
static struct db_sql q_update = DB_SQL(
        "UPDATE improvement_actions SET title = $3, description = $4, owner_id = $5, due_at = $6, status = $7,"
        " measured_from = $8, measured_to = $9, after_value = $10, completed_at = $11, updated_at = $12,"
        " version = version + 1 WHERE id = $1 AND version = $2");
static struct db_sql q_delete = DB_SQL("DELETE FROM improvement_actions WHERE id = $1");
static struct db_sql q_user = DB_SQL("SELECT id FROM users WHERE id = $1");
static struct db_sql q_overdue = DB_SQL(
        "SELECT id, title FROM improvement_actions WHERE status IN ('open', 'in_progress')"
        " AND due_at IS NOT NULL AND due_at < $1 ORDER BY due_at, id");

static const char *const statuses[] = { "open", "in_progress", "done", "cancelled", NULL };

int improvement_status_valid(const char *s)
{
	for (const char *const *p = statuses; s && *p; p++)
		if (strcmp(*p, s) == 0)
			return 1;
	return 0;
}

int improvement_status_allowed(const char *from, const char *to)
{
	int live = strcmp(from, "open") == 0 || strcmp(from, "in_progress") == 0;
	if (!improvement_status_valid(from) || !improvement_status_valid(to))
		return 0;
	return strcmp(from, to) == 0 || live;
}

/* ---- reading a report's value ---- */

/* The row for value into *row: 1 found, 0 none in this period, KF_EINVAL when none can be chosen. */
static int pick_row(const struct report_table *t, const char *value, size_t *row, struct kf_error *err)
{
	const char *want = value && *value ? value : "total";
	for (size_t r = 0; r < t->nrows; r++) {
		const struct report_cell *c = report_cell(t, r, 0);
		if (t->cols[0].type == RT_TEXT && !c->null && c->s && strcmp(c->s, want) == 0) {
			*row = r;
			return 1;
		}
	}
	if (value && *value)
		return 0;
	if (t->nrows == 1) {
		*row = 0;
		return 1;
	}
	return kf_fail(err, KF_EINVAL, "invalid", "target_value",
	               "this report has no total row: give target_by and target_value");
}

int improvement_pick(const struct report_table *t, const char *metric, const char *value, double *out,
                     struct kf_error *err)
{
	size_t row = 0;
	int col = report_col_index(t, metric);
	if (col < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "target_metric", "the report has no column %s",
		               metric);
	if (t->cols[col].type == RT_TEXT)
		return kf_fail(err, KF_EINVAL, "invalid", "target_metric", "column %s is not a number", metric);
	int rc = pick_row(t, value, &row, err);
	if (rc <= 0)
		return rc;
	const struct report_cell *c = report_cell(t, row, (size_t)col);
	if (c->null)
		return 0;
	enum report_type ty = t->cols[col].type;
	*out = ty == RT_NUM || ty == RT_RATE ? c->d : (double)c->i;
	return 1;
}

/* Run the target report for [from, to) and read the metric: 1 found, 0 none, or KF_E*. */
static int capture(struct db *db, const char *report, const char *metric, const char *by, const char *value,
                   int64_t from, int64_t to, int64_t now, double *out, struct kf_error *err)
{
	const struct report_def *def = report_find(report);
	struct report_table t = { 0 };
	char zone[TZ_NAME_MAX];
	if (!def)
		return kf_fail(err, KF_EINVAL, "invalid", "target_report", "there is no report named %s",
		               report);
	report_desk_tz(db, zone, sizeof(zone));
	struct report_params p = { .from = from, .to = to, .now = now, .tz = zone };
	p.by = by && *by ? by : report_default_by(def);
	int rc = report_check_params(def, &p, err);
	if (rc == KF_EINVAL && strcmp(err->field, "by") == 0)
		snprintf(err->field, sizeof(err->field), "target_by");
	if (rc == 0)
		rc = def->run(db, &p, &t, err);
	if (rc == 0)
		rc = improvement_pick(&t, metric, value, out, err);
	report_table_free(&t);
	return rc;
}

/* ---- JSON ---- */

static json_t *int_or_null(struct db_rows *r, int col)
{
	return db_col_isnull(r, col) ? json_null() : json_integer(db_col_int(r, col));
}

static json_t *action_row(struct db_rows *r)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "id",
	                      (json_int_t)db_col_int(r, 0), "title", db_col_text(r, 1), "description",
	                      db_col_text(r, 2), "owner_id", int_or_null(r, 3), "due_at", int_or_null(r, 4),
	                      "status", db_col_text(r, 5), "target_report", db_col_text(r, 6),
	                      "target_metric", db_col_text(r, 7), "target_by", db_col_text(r, 8),
	                      "target_value", db_col_text(r, 9), "baseline_from",
	                      (json_int_t)db_col_int(r, 10), "baseline_to", (json_int_t)db_col_int(r, 11));
	json_object_set_new(o, "measured_from", int_or_null(r, 12));
	json_object_set_new(o, "measured_to", int_or_null(r, 13));
	json_object_set_new(o, "baseline_value",
	                    db_col_isnull(r, 14) ? json_null() : json_real(db_col_real(r, 14)));
	json_object_set_new(o, "after_value",
	                    db_col_isnull(r, 15) ? json_null() : json_real(db_col_real(r, 15)));
	json_object_set_new(o, "version", json_integer(db_col_int(r, 16)));
	json_object_set_new(o, "created_at", json_integer(db_col_int(r, 17)));
	json_object_set_new(o, "updated_at", json_integer(db_col_int(r, 18)));
	json_object_set_new(o, "completed_at", int_or_null(r, 19));
	return o;
}

int improvement_get(struct db *db, int64_t id, json_t **out, struct kf_error *err)
{
	json_t *a = json_array();
	int rc = db_rows_json(db, &q_get, DB_ARGS(db_int(id)), action_row, a, err);
	if (rc == 0)
		rc = kf_fail(err, KF_ENOTFOUND, "not_found", "id", "no such improvement action");
	if (rc > 0)
		*out = json_incref(json_array_get(a, 0));
	json_decref(a);
	return rc < 0 ? rc : 0;
}

int improvement_list(struct db *db, const char *status, int64_t after, int limit, json_t **items,
                     int64_t *last, struct kf_error *err)
{
	if (status && *status && !improvement_status_valid(status))
		return kf_fail(err, KF_EINVAL, "invalid", "status",
		               "status must be open, in_progress, done or cancelled");
	*items = json_array();
	int rc = db_rows_json(db, &q_list, DB_ARGS(db_int(after), db_text(status ? status : ""), db_int(limit)),
	                      action_row, *items, err);
	size_t n = json_array_size(*items);
	*last = n ? json_integer_value(json_object_get(json_array_get(*items, n - 1), "id")) : 0;
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

/* ---- create ---- */

struct action_in {
	const char *title, *description, *report, *metric, *by, *value;
	int64_t owner_id, due_at, baseline_from, baseline_to;
	int has_owner, has_due;
};

/* The json_get_* helpers return 1 when the key was there: 0 here. */
static int ok(int rc)
{
	return rc < 0 ? rc : 0;
}

static int get_opt_int(json_t *body, const char *key, int64_t min, int64_t max, int64_t *out, int *has,
                       struct kf_error *err)
{
	json_t *v = json_object_get(body, key);
	*has = v && !json_is_null(v);
	return *has ? ok(json_get_int(body, key, 1, min, max, out, err)) : 0;
}

static int check_owner(struct db *db, int64_t owner, struct kf_error *err)
{
	int64_t id;
	int rc = db_query_int(db, &q_user, DB_ARGS(db_int(owner)), &id, err);
	if (rc == KF_ENOTFOUND)
		return kf_fail(err, KF_EINVAL, "invalid", "owner_id", "owner_id is not a staff user");
	return rc;
}

static int read_create(struct db *db, json_t *body, struct action_in *in, struct kf_error *err)
{
	static const char *const keys[] = { "title",         "description",   "owner_id",  "due_at",
		                            "target_report", "target_metric", "target_by", "target_value",
		                            "baseline_from", "baseline_to",   NULL };
	static const char *const required[] = { "title",         "target_report", "target_metric",
		                                "baseline_from", "baseline_to",   NULL };
	int rc = json_only_keys(body, keys, err);
	rc = rc < 0 ? rc : json_require(body, required, err);
	rc = rc < 0 ? rc : ok(json_get_text(body, "title", 1, IMPROVEMENT_TITLE_MAX, &in->title, err));
	rc = rc < 0 ? rc : ok(json_get_text(body, "description", 0, KF_MAX_TEXT_CHARS, &in->description, err));
	rc = rc < 0 ? rc : ok(json_get_str(body, "target_report", 1, 64, &in->report, err));
	rc = rc < 0 ? rc : ok(json_get_str(body, "target_metric", 1, 64, &in->metric, err));
	rc = rc < 0 ? rc : ok(json_get_str(body, "target_by", 0, 64, &in->by, err));
	rc = rc < 0 ? rc : ok(json_get_str(body, "target_value", 0, 256, &in->value, err));
	rc = rc < 0 ? rc : ok(get_opt_int(body, "owner_id", 1, INT64_MAX, &in->owner_id, &in->has_owner, err));
	rc = rc < 0 ? rc : ok(get_opt_int(body, "due_at", 0, INT64_MAX / 2, &in->due_at, &in->has_due, err));
	rc = rc < 0 ? rc
	            : ok(json_get_int(body, "baseline_from", 1, 0, INT64_MAX / 2, &in->baseline_from, err));
	rc = rc < 0 ? rc : ok(json_get_int(body, "baseline_to", 1, 0, INT64_MAX / 2, &in->baseline_to, err));
	if (rc == 0 && in->baseline_to <= in->baseline_from)
		rc = kf_fail(err, KF_EINVAL, "invalid", "baseline_to",
		             "baseline_to must be after baseline_from");
	if (rc == 0 && in->value && *in->value && !(in->by && *in->by))
		rc = kf_fail(err, KF_EINVAL, "required", "target_by", "target_value needs target_by");
	if (rc == 0 && in->has_owner)
		rc = check_owner(db, in->owner_id, err);
	return rc < 0 ? rc : 0;
}

static int insert(struct db *db, const struct actor *a, int64_t now, const struct action_in *in, json_t **out,
                  struct kf_error *err)
{
	double base = 0;
	int64_t id = 0;
	int found = capture(db, in->report, in->metric, in->by, in->value, in->baseline_from, in->baseline_to,
	                    now, &base, err);
	if (found < 0)
		return found;
	int rc = db_query_int(db, &q_insert,
	                      DB_ARGS(db_text(in->title), db_text(in->description ? in->description : ""),
	                              in->has_owner ? db_int(in->owner_id) : db_null(),
	                              in->has_due ? db_int(in->due_at) : db_null(), db_text(in->report),
	                              db_text(in->metric), db_text(in->by ? in->by : ""),
	                              db_text(in->value ? in->value : ""), db_int(in->baseline_from),
	                              db_int(in->baseline_to), found ? db_real(base) : db_null(), db_int(now)),
	                      &id, err);
	if (rc == 0)
		rc = improvement_get(db, id, out, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "improvement.create", "improvement_action", id, NULL, *out, err);
	return rc;
}

int improvement_create(struct db *db, const struct actor *a, int64_t now, json_t *body, json_t **out,
                       struct kf_error *err)
{
	struct action_in in = { 0 };
	*out = NULL;
	int rc = read_create(db, body, &in, err);
	if (rc < 0)
		return rc;
	rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = insert(db, a, now, &in, out, err);
	if (rc < 0) {
		db_rollback(db);
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	rc = db_commit(db, err);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- update ---- */

/* The action after the change, as the columns the UPDATE writes. */
struct action_upd {
	const char *title, *description, *status, *old_status;
	int64_t owner_id, due_at, measured_from, measured_to, completed_at;
	int has_owner, has_due, has_measured, has_after, has_completed;
	double after;
};

static int64_t opt_field(json_t *cur, const char *key, int *has)
{
	json_t *v = json_object_get(cur, key);
	*has = json_is_integer(v);
	return *has ? json_integer_value(v) : 0;
}

static void from_current(json_t *cur, struct action_upd *u)
{
	int has_to = 0;
	u->title = json_string_value(json_object_get(cur, "title"));
	u->description = json_string_value(json_object_get(cur, "description"));
	u->status = u->old_status = json_string_value(json_object_get(cur, "status"));
	u->owner_id = opt_field(cur, "owner_id", &u->has_owner);
	u->due_at = opt_field(cur, "due_at", &u->has_due);
	u->measured_from = opt_field(cur, "measured_from", &u->has_measured);
	u->measured_to = opt_field(cur, "measured_to", &has_to);
	u->completed_at = opt_field(cur, "completed_at", &u->has_completed);
	json_t *after = json_object_get(cur, "after_value");
	u->has_after = json_is_number(after);
	u->after = u->has_after ? json_number_value(after) : 0;
}

static int read_update(struct db *db, json_t *body, struct action_upd *u, struct kf_error *err)
{
	static const char *const keys[] = { "title",  "description",   "owner_id",    "due_at",
		                            "status", "measured_from", "measured_to", NULL };
	int has_from = 0, has_to = 0;
	int64_t mf = 0, mt = 0;
	int rc = json_only_keys(body, keys, err);
	if (rc == KF_EINVAL && strncmp(err->field, "target_", 7) == 0)
		return kf_fail(err, KF_EINVAL, "invalid", err->field,
		               "an action's target cannot change; make a new one");
	rc = rc < 0 ? rc : ok(json_get_text(body, "title", 0, IMPROVEMENT_TITLE_MAX, &u->title, err));
	rc = rc < 0 ? rc : ok(json_get_text(body, "description", 0, KF_MAX_TEXT_CHARS, &u->description, err));
	rc = rc < 0 ? rc : ok(json_get_str(body, "status", 0, 16, &u->status, err));
	if (rc == 0 && json_object_get(body, "owner_id"))
		rc = get_opt_int(body, "owner_id", 1, INT64_MAX, &u->owner_id, &u->has_owner, err);
	if (rc == 0 && json_object_get(body, "due_at"))
		rc = get_opt_int(body, "due_at", 0, INT64_MAX / 2, &u->due_at, &u->has_due, err);
	rc = rc < 0 ? rc : ok(get_opt_int(body, "measured_from", 0, INT64_MAX / 2, &mf, &has_from, err));
	rc = rc < 0 ? rc : ok(get_opt_int(body, "measured_to", 0, INT64_MAX / 2, &mt, &has_to, err));
	if (rc == 0 && has_from != has_to)
		rc = kf_fail(err, KF_EINVAL, "required", has_from ? "measured_to" : "measured_from",
		             "measured_from and measured_to go together");
	if (rc == 0 && has_from && mt <= mf)
		rc = kf_fail(err, KF_EINVAL, "invalid", "measured_to",
		             "measured_to must be after measured_from");
	if (rc == 0 && has_from) {
		u->measured_from = mf;
		u->measured_to = mt;
		u->has_measured = 1;
	}
	if (rc == 0 && !improvement_status_valid(u->status))
		rc = kf_fail(err, KF_EINVAL, "invalid", "status",
		             "status must be open, in_progress, done or cancelled");
	if (rc == 0 && !improvement_status_allowed(u->old_status, u->status))
		rc = kf_fail(err, KF_ECONFLICT, "conflict", "status", "a %s action cannot become %s",
		             u->old_status, u->status);
	if (rc == 0 && u->has_owner && json_object_get(body, "owner_id"))
		rc = check_owner(db, u->owner_id, err);
	return rc < 0 ? rc : 0;
}

/* Marked done now: measure the after value (default period: as long as the baseline, ending now). */
static int complete(struct db *db, json_t *cur, int64_t now, struct action_upd *u, struct kf_error *err)
{
	int64_t bf = json_integer_value(json_object_get(cur, "baseline_from"));
	int64_t bt = json_integer_value(json_object_get(cur, "baseline_to"));
	if (!u->has_measured) {
		u->measured_from = now - (bt - bf);
		u->measured_to = now;
		u->has_measured = 1;
	}
	u->completed_at = now;
	u->has_completed = 1;
	int found = capture(db, json_string_value(json_object_get(cur, "target_report")),
	                    json_string_value(json_object_get(cur, "target_metric")),
	                    json_string_value(json_object_get(cur, "target_by")),
	                    json_string_value(json_object_get(cur, "target_value")), u->measured_from,
	                    u->measured_to, now, &u->after, err);
	u->has_after = found == 1;
	return found < 0 ? found : 0;
}

static int write_update(struct db *db, int64_t id, int64_t version, int64_t now, const struct action_upd *u,
                        struct kf_error *err)
{
	int rc = db_exec(db, &q_update,
	                 DB_ARGS(db_int(id), db_int(version), db_text(u->title), db_text(u->description),
	                         u->has_owner ? db_int(u->owner_id) : db_null(),
	                         u->has_due ? db_int(u->due_at) : db_null(), db_text(u->status),
	                         u->has_measured ? db_int(u->measured_from) : db_null(),
	                         u->has_measured ? db_int(u->measured_to) : db_null(),
	                         u->has_after ? db_real(u->after) : db_null(),
	                         u->has_completed ? db_int(u->completed_at) : db_null(), db_int(now)),
	                 err);
	if (rc == 0)
		return kf_fail(err, KF_ESTALE, "stale", NULL, "the action was changed meanwhile; reload it");
	return rc < 0 ? rc : 0;
}

static int change(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                  json_t *body, json_t **out, struct kf_error *err)
{
	json_t *cur = NULL;
	struct action_upd u = { 0 };
	int rc = improvement_get(db, id, &cur, err);
	if (rc == 0 && json_integer_value(json_object_get(cur, "version")) != version)
		rc = kf_fail(err, KF_ESTALE, "stale", NULL, "the action was changed meanwhile; reload it");
	if (rc == 0) {
		from_current(cur, &u);
		rc = read_update(db, body, &u, err);
	}
	if (rc == 0 && strcmp(u.status, "done") == 0 && strcmp(u.old_status, "done") != 0)
		rc = complete(db, cur, now, &u, err);
	if (rc == 0)
		rc = write_update(db, id, version, now, &u, err);
	if (rc == 0)
		rc = improvement_get(db, id, out, err);
	if (rc == 0)
		rc = audit_record(db, a, now, "improvement.update", "improvement_action", id, cur, *out, err);
	json_decref(cur);
	return rc;
}

int improvement_update(struct db *db, const struct actor *a, int64_t now, int64_t id, int64_t version,
                       json_t *body, json_t **out, struct kf_error *err)
{
	*out = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = change(db, a, now, id, version, body, out, err);
	if (rc < 0) {
		db_rollback(db);
	} else {
		rc = db_commit(db, err);
	}
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int improvement_delete(struct db *db, const struct actor *a, int64_t now, int64_t id, struct kf_error *err)
{
	json_t *cur = NULL;
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = improvement_get(db, id, &cur, err);
	if (rc == 0)
		rc = db_exec(db, &q_delete, DB_ARGS(db_int(id)), err);
	if (rc >= 0)
		rc = audit_record(db, a, now, "improvement.delete", "improvement_action", id, cur, NULL, err);
	json_decref(cur);
	return db_finish(db, rc, err);
}

int improvement_overdue(struct db *db, int64_t now, int64_t *count, struct buf *names, struct kf_error *err)
{
	struct db_rows *r = NULL;
	*count = 0;
	int rc = db_query(db, &q_overdue, DB_ARGS(db_int(now)), &r, err);
	while (rc == 0 && (rc = db_next(r, err)) == 1) {
		if (*count < IMPROVEMENT_OVERDUE_LISTED)
			rc = buf_addf(names, "%s#%lld %s", *count ? "; " : "", (long long)db_col_int(r, 0),
			              db_col_text(r, 1));
		(*count)++;
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0 && *count > IMPROVEMENT_OVERDUE_LISTED)
		rc = buf_addf(names, "; …");
	db_done(r);
	return rc < 0 ? rc : 0;
}
