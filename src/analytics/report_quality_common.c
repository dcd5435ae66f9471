/*
 * report_quality_common.c - see report_quality_int.h.
 */
#include "analytics/report_quality_int.h"

#include <stdio.h>
#include <string.h>

#include "base/tz.h"

#define NO_GROUP "(none)" /* key of events without a team or category */

int qdb_each(struct db *db, struct db_sql *q, const struct db_arg *args, int nargs, qrow_fn fn, void *ctx,
             struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, q, args, nargs, &r, err);
	while (rc == 0 && (rc = db_next(r, err)) == 1)
		rc = fn(ctx, r);
	db_done(r);
	return rc < 0 ? rc : 0;
}

void qprogress(const struct report_params *p, uint64_t done, uint64_t total)
{
	if (p->progress)
		p->progress(p->progress_arg, done, total);
}

int qzone(const struct report_params *p, const struct tz **z, struct kf_error *err)
{
	if (tz_load(p->tz && *p->tz ? p->tz : "UTC", z, NULL) < 0)
		return kf_fail(err, KF_EINVAL, "invalid", "tz",
		               "tz must be an IANA time zone such as Asia/Shanghai");
	return 0;
}

void qcat_name(const char *zh, const char *en, char *out, size_t n)
{
	snprintf(out, n, "%s / %s", zh ? zh : "", en ? en : "");
}

struct qgroup *qgroup_for(struct qgroups *gs, const char *by, const struct tz *z, int64_t at,
                          struct db_rows *r, int team_col, int cat_col)
{
	char key[64], name[256];
	int64_t order;
	if (quality_bucket(by, z, at, key, sizeof(key), &order) == 0)
		return qgroups_get(gs, key, key, 0, order);
	if (strcmp(by, "team") == 0) {
		int64_t id = db_col_int(r, team_col);
		const char *tn = db_col_text(r, team_col + 1);
		if (id <= 0 || !tn)
			return qgroups_get(gs, NO_GROUP, "无团队 / No team", 0, 0);
		return qgroups_get(gs, tn, tn, id, 0);
	}
	if (strcmp(by, "category") == 0) {
		int64_t id = db_col_int(r, cat_col);
		const char *code = db_col_text(r, cat_col + 1);
		if (id <= 0 || !code)
			return qgroups_get(gs, NO_GROUP, "未分类 / Uncategorised", 0, 0);
		qcat_name(db_col_text(r, cat_col + 2), db_col_text(r, cat_col + 3), name, sizeof(name));
		return qgroups_get(gs, code, name, id, 0);
	}
	return NULL;
}

void qgroups_prefill(struct qgroups *gs, const char *by, const struct tz *z, const struct report_params *p)
{
	char key[64];
	int64_t order;
	if (!p->from || !p->to || quality_bucket(by, z, p->from, key, sizeof(key), &order) < 0)
		return;
	int64_t first = tz_floordiv(tz_to_local(z, p->from), 86400);
	int64_t last = tz_floordiv(tz_to_local(z, p->to - 1), 86400);
	for (int64_t d = first; d <= last; d++) {
		quality_bucket(by, z, tz_from_local(z, d * 86400 + 43200), key, sizeof(key), &order);
		qgroups_get(gs, key, key, 0, order);
	}
}

void qset_drill(struct report_table *t, size_t row, const struct report_params *p, const char *by,
                const struct qgroup *g, const char *type)
{
	const char *tp = type ? "type=" : "", *tv = type ? type : "", *amp = type ? "&" : "";
	const char *key = strcmp(by, "team") == 0 ? "team"
	        : strcmp(by, "category") == 0     ? "category_id"
	        : strcmp(by, "agent") == 0        ? "assignee"
	                                          : NULL;
	char period[96];
	if (g->id <= 0 || !key)
		return;
	report_period_query(p, "created_from", "created_to", period, sizeof(period));
	report_set_drill(t, row, "/api/v1/tickets?%s%s%s%s=%lld&merged=false%s", tp, tv, amp, key,
	                 (long long)g->id, period);
}
