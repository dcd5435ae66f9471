/*
 * report_complaints.c - the complaints Pareto (seed 000 §9.1 客户投诉分类,
 * §9.2 客户投诉处理流程; ch. 12 持续改进; PRODUCT.md Q4): complaint
 * tickets created in the period grouped by category, root cause,
 * responsible department, product (the first line of the ticket's order:
 * its category, or its SKU with product=sku), carrier (the ticket's
 * shipment) or month; count, share, cumulative share (the Pareto line),
 * mean resolution time and compensation paid.  Rows by count, most first
 * (by month: in time order, without a cumulative share).  The note names
 * the "vital few": the groups that make the first `cut` (default 80 %) of
 * complaints.  Definitions: docs/metrics/quality.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/report_quality_int.h"
#include "base/xalloc.h"

enum cp_counter { CP_COUNT, CP_RESOLVED, CP_COMPENSATION };

static const struct report_col cols[] = {
	{ "group", "Group", "分组", RT_TEXT },
	{ "name", "Name", "名称", RT_TEXT },
	{ "complaints", "Complaints", "投诉数", RT_INT },
	{ "share", "Share", "占比", RT_RATE },
	{ "cumulative_share", "Cumulative share", "累计占比", RT_RATE },
	{ "resolved", "Resolved", "已解决", RT_INT },
	{ "resolution_mean", "Mean resolution time", "平均解决时长", RT_SECONDS },
	{ "compensation", "Compensation", "补偿金额", RT_MONEY },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

enum {
	C_AT,
	C_CAT_ID,
	C_CAT_CODE,
	C_CAT_ZH,
	C_CAT_EN,
	C_ROOT,
	C_DEPT,
	C_LINE_CAT,
	C_LINE_SKU,
	C_CARRIER,
	C_RESOLVED,
	C_COMP,
};
static struct db_sql q_complaints = DB_SQL(
        "SELECT t.created_at, c.id, c.code, c.name_zh, c.name_en, k.root_cause, k.responsible_department,"
        " (SELECT ol.category FROM order_lines ol WHERE ol.order_id = t.order_id ORDER BY ol.line_no LIMIT 1),"
        " (SELECT ol.sku FROM order_lines ol WHERE ol.order_id = t.order_id ORDER BY ol.line_no LIMIT 1),"
        " s.carrier, COALESCE(t.resolved_at, 0), COALESCE(k.compensation_minor, 0)"
        " FROM tickets t LEFT JOIN complaints k ON k.ticket_id = t.id"
        " LEFT JOIN categories c ON c.id = COALESCE(k.category_id, t.category_id)"
        " LEFT JOIN shipments s ON s.id = t.shipment_id"
        " WHERE t.type = 'complaint' AND t.created_at >= $1 AND t.created_at < $2 AND t.merged_into_id IS NULL");

struct cp_ctx {
	const struct report_params *p;
	const char *by;
	int sku; /* product=sku */
	const struct tz *z;
	struct qgroups gs, tot;
	struct qgroup *total;
};

/* A text dimension: its value, or "(none)" when missing or blank. */
static struct qgroup *text_group(struct qgroups *gs, const char *v)
{
	if (!v || !*v)
		return qgroups_get(gs, "(none)", "未填写 / Not recorded", 0, 0);
	return qgroups_get(gs, v, v, 0, 0);
}

static struct qgroup *group_of(struct cp_ctx *c, struct db_rows *r)
{
	char key[64], name[256];
	int64_t order;
	if (strcmp(c->by, "month") == 0) {
		quality_bucket("month", c->z, db_col_int(r, C_AT), key, sizeof(key), &order);
		return qgroups_get(&c->gs, key, key, 0, order);
	}
	if (strcmp(c->by, "category") == 0) {
		const char *code = db_col_text(r, C_CAT_CODE);
		if (!code)
			return qgroups_get(&c->gs, "(none)", "未分类 / Uncategorised", 0, 0);
		qcat_name(db_col_text(r, C_CAT_ZH), db_col_text(r, C_CAT_EN), name, sizeof(name));
		return qgroups_get(&c->gs, code, name, db_col_int(r, C_CAT_ID), 0);
	}
	int col = strcmp(c->by, "root_cause") == 0 ? C_ROOT
	        : strcmp(c->by, "department") == 0 ? C_DEPT
	        : strcmp(c->by, "carrier") == 0    ? C_CARRIER
	        : c->sku                           ? C_LINE_SKU
	                                           : C_LINE_CAT;
	return text_group(&c->gs, db_col_text(r, col));
}

static int on_complaint(void *ctx, struct db_rows *r)
{
	struct cp_ctx *c = ctx;
	struct qgroup *g = group_of(c, r);
	int64_t resolved = db_col_int(r, C_RESOLVED), created = db_col_int(r, C_AT);
	int64_t comp = db_col_int(r, C_COMP);
	struct qgroup *both[2] = { g, c->total };
	for (int i = 0; i < 2; i++) {
		both[i]->n[CP_COUNT]++;
		both[i]->n[CP_COMPENSATION] += comp;
		if (resolved > 0 && resolved >= created) {
			both[i]->n[CP_RESOLVED]++;
			qvec_add(&both[i]->vec[0], (double)(resolved - created));
		}
	}
	return 0;
}

/* share < 0: no share (an empty total). */
static void put_row(struct report_table *t, const struct report_params *p, struct qgroup *g, double share,
                    double cum, int with_cum)
{
	double mean, p50, p90;
	char period[96];
	size_t r = report_row(t);
	report_set_text(t, r, 0, g->key);
	report_set_text(t, r, 1, g->name);
	report_set_int(t, r, 2, g->n[CP_COUNT]);
	if (share >= 0)
		report_set_num(t, r, 3, share);
	if (with_cum)
		report_set_num(t, r, 4, cum);
	report_set_int(t, r, 5, g->n[CP_RESOLVED]);
	if (qvec_summary(&g->vec[0], &mean, &p50, &p90))
		report_set_int(t, r, 6, (int64_t)(mean + 0.5));
	report_set_int(t, r, 7, g->n[CP_COMPENSATION]);
	report_period_query(p, "created_from", "created_to", period, sizeof(period));
	if (g->id > 0)
		report_set_drill(t, r,
		                 "/api/v1/tickets?type=complaint&complaint_category_id=%lld&merged=false%s",
		                 (long long)g->id, period);
}

/* The rows in Pareto order, their shares, the total row and the note. */
static void fill(struct cp_ctx *c, struct report_table *t, double cut)
{
	size_t n = c->gs.n;
	int timed = strcmp(c->by, "month") == 0;
	qgroups_sort(&c->gs, timed ? -1 : CP_COUNT);
	int64_t *count = xcalloc(n ? n : 1, sizeof *count);
	double *share = xcalloc(n ? n : 1, sizeof *share), *cum = xcalloc(n ? n : 1, sizeof *cum);
	for (size_t i = 0; i < n; i++)
		count[i] = c->gs.g[i].n[CP_COUNT];
	size_t vital = quality_pareto(count, n, cut, share, cum);
	for (size_t i = 0; i < n; i++)
		put_row(t, c->p, &c->gs.g[i], share[i], cum[i], !timed);
	put_row(t, c->p, c->total, c->total->n[CP_COUNT] ? 1.0 : -1.0, 0, 0);
	if (!timed && vital) {
		report_set_note(t, "%zu of %zu groups make %.0f%% of complaints (the vital few)", vital, n,
		                cut * 100);
		report_set_note_zh(t, "%zu 个分组（共 %zu 个）占投诉的 %.0f%%（关键少数）", vital, n,
		                   cut * 100);
	}
	free(count);
	free(share);
	free(cum);
}

static int run(struct db *db, const struct report_params *p, struct report_table *t, struct kf_error *err)
{
	struct cp_ctx c = { .p = p, .by = p->by && *p->by ? p->by : "category" };
	const char *prod = report_opt(p, "product");
	double cut;
	int rc = qzone(p, &c.z, err);
	if (rc == 0)
		rc = report_opt_num(p, "cut", 0.8, 0.5, 1.0, &cut, err);
	if (rc == 0 && prod && strcmp(prod, "sku") != 0 && strcmp(prod, "category") != 0)
		rc = kf_fail(err, KF_EINVAL, "invalid", "product", "product must be category or sku");
	if (rc < 0)
		return rc;
	c.sku = prod && strcmp(prod, "sku") == 0;
	qgroups_init(&c.gs);
	qgroups_init(&c.tot);
	c.total = qgroups_get(&c.tot, "total", "合计 / Total", 0, 0);
	rc = qdb_each(db, &q_complaints, DB_ARGS(db_int(p->from), db_int(p->to)), on_complaint, &c, err);
	qprogress(p, 1, 1);
	report_table_init(t, cols, NCOLS);
	if (rc == 0)
		fill(&c, t, cut);
	qgroups_release(&c.gs);
	qgroups_release(&c.tot);
	return rc;
}

static const char *const by_allowed[] = { "category", "root_cause", "department", "product",
	                                  "carrier",  "month",      NULL };

const struct report_def report_complaints = {
	.name = "complaints",
	.title_en = "Complaints Pareto",
	.title_zh = "投诉帕累托分析",
	.by_allowed = by_allowed,
	.perm = "report.read",
	.run = run,
};
