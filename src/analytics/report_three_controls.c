/*
 * report_three_controls.c - the "three controls" report (海尔"三个控制":
 * 投诉率 complaint rate, 遗漏率 omission rate, 不满意率 dissatisfaction
 * rate; PRODUCT.md Q2) for a period, by day, week, month, team or
 * category, with a total row.  Definitions: docs/metrics/quality.md.
 *
 * Seven reads, each over the events of the period, each event added to
 * its group and to the total: tickets created (contacts, complaints),
 * orders placed, SLA clocks due, follow-ups due, complaints archived,
 * survey responses, complaint solutions confirmed or rejected.  Orders
 * belong to no team or category: their column is filled only for time
 * buckets and the total.  The note lists open improvement actions past
 * their due date.
 */
#include <stdio.h>
#include <string.h>

#include "analytics/report_quality_int.h"
#include "base/buf.h"
#include "analytics/improvement.h"

#define FOLLOWUP_GRACE_H 24.0 /* default hours a follow-up may run late before it counts as missed */

enum tc_counter {
	TC_COMPLAINTS,
	TC_ORDERS,
	TC_CONTACTS,
	TC_CLOCKS,
	TC_CLOCKS_MISSED,
	TC_FOLLOWUPS,
	TC_FOLLOWUPS_MISSED,
	TC_ARCHIVED,
	TC_NO_FEEDBACK,
	TC_RESPONSES,
	TC_DISSATISFIED,
	TC_CONFIRMED,
	TC_REJECTED,
};

static const struct report_col cols[] = {
	{ "group", "Group", "分组", RT_TEXT },
	{ "name", "Name", "名称", RT_TEXT },
	{ "complaints", "Complaints", "投诉数", RT_INT },
	{ "orders", "Orders", "订单数", RT_INT },
	{ "contacts", "Contacts", "来访数", RT_INT },
	{ "complaint_rate_orders", "Complaint rate (per order)", "投诉率（按订单）", RT_RATE },
	{ "complaint_rate_contacts", "Complaint rate (per contact)", "投诉率（按来访）", RT_RATE },
	{ "sla_clocks", "SLA clocks due", "到期SLA时钟", RT_INT },
	{ "sla_missed", "SLA clocks missed", "超时SLA时钟", RT_INT },
	{ "followups_due", "Follow-ups due", "应回访", RT_INT },
	{ "followups_missed", "Follow-ups missed", "遗漏回访", RT_INT },
	{ "complaints_archived", "Complaints archived", "结案投诉", RT_INT },
	{ "closed_without_feedback", "Closed without feedback", "未反馈结案", RT_INT },
	{ "omissions", "Omissions", "遗漏数", RT_INT },
	{ "omission_rate", "Omission rate", "遗漏率", RT_RATE },
	{ "responses", "Survey responses", "调查回复", RT_INT },
	{ "dissatisfied", "Dissatisfied", "不满意", RT_INT },
	{ "dissatisfaction_rate", "Dissatisfaction rate", "不满意率", RT_RATE },
	{ "solutions_confirmed", "Solutions confirmed", "方案确认", RT_INT },
	{ "solutions_rejected", "Solutions rejected", "方案被拒", RT_INT },
	{ "rejection_rate", "Solution rejection rate", "方案拒绝率", RT_RATE },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* Every read but orders starts with: instant, team id, team name, category id, code, name_zh, name_en. */
#define DIMS " t.team_id, tm.name, c.id, c.code, c.name_zh, c.name_en"
#define JOIN_DIMS " LEFT JOIN teams tm ON tm.id = t.team_id LEFT JOIN categories c ON c.id = t.category_id"
enum {
	DIM_AT,
	DIM_TEAM_ID,
	DIM_TEAM_NAME,
	DIM_CAT_ID,
	DIM_CAT_CODE,
	DIM_CAT_NAME_ZH,
	DIM_CAT_NAME_EN,
	DIM_NCOLS
};
_Static_assert(DIM_NCOLS == 7, "the instant and the six columns of DIMS (q_responses writes them out)");
/* Each read's own columns after the dimensions. */
enum { TK_TYPE = DIM_NCOLS };
enum {
	CL_FIRST_DONE_AT = DIM_NCOLS,
	CL_FIRST_BREACHED_AT,
	CL_RESOLVE_DUE_AT,
	CL_RESOLVE_DONE_AT,
	CL_RESOLVE_BREACHED_AT
};
enum { FU_DONE_AT = DIM_NCOLS };
enum { AR_CONFIRMED = DIM_NCOLS, AR_FED_BACK };
enum { CF_CONFIRMATION = DIM_NCOLS };
enum { RS_CSAT = DIM_NCOLS, RS_NPS };

static struct db_sql q_tickets = DB_SQL("SELECT t.created_at," DIMS ", t.type FROM tickets t" JOIN_DIMS
                                        " WHERE t.created_at >= $1 AND t.created_at < $2"
                                        " AND t.merged_into_id IS NULL");
static struct db_sql q_orders = DB_SQL("SELECT placed_at FROM orders WHERE placed_at >= $1 AND placed_at < $2");
static struct db_sql q_clocks = DB_SQL(
        "SELECT s.first_due_at," DIMS ", s.first_done_at, s.first_breached_at, s.resolve_due_at,"
        " s.resolve_done_at, s.resolve_breached_at FROM ticket_sla s JOIN tickets t ON t.id = s.ticket_id" JOIN_DIMS
        " WHERE (s.first_due_at >= $1 AND s.first_due_at < $2) OR (s.resolve_due_at >= $1 AND s.resolve_due_at < $2)");
static struct db_sql q_followups = DB_SQL("SELECT f.due_at," DIMS ", COALESCE(f.done_at, 0) FROM followups f"
                                          " JOIN tickets t ON t.id = f.complaint_id" JOIN_DIMS
                                          " WHERE f.due_at >= $1 AND f.due_at < $2");
static struct db_sql q_archived = DB_SQL("SELECT k.archived_at," DIMS
                                         ", CASE WHEN k.customer_confirmation IS NULL THEN 0 ELSE 1 END,"
                                         " CASE WHEN k.feedback_to_department_at IS NULL THEN 0 ELSE 1 END"
                                         " FROM complaints k JOIN tickets t ON t.id = k.ticket_id" JOIN_DIMS
                                         " WHERE k.archived_at >= $1 AND k.archived_at < $2");
static struct db_sql q_confirmed = DB_SQL(
        "SELECT k.customer_confirmed_at," DIMS ", k.customer_confirmation FROM complaints k"
        " JOIN tickets t ON t.id = k.ticket_id" JOIN_DIMS
        " WHERE k.customer_confirmed_at >= $1 AND k.customer_confirmed_at < $2 AND k.customer_confirmation IS NOT NULL");
static struct db_sql q_responses = DB_SQL(
        "SELECT r.created_at, COALESCE(r.team_id, t.team_id), tm.name, c.id, c.code, c.name_zh, c.name_en,"
        " COALESCE(r.csat, 0), COALESCE(r.nps, -1) FROM survey_responses r LEFT JOIN tickets t ON t.id = r.ticket_id"
        " LEFT JOIN teams tm ON tm.id = COALESCE(r.team_id, t.team_id) LEFT JOIN categories c ON c.id = t.category_id"
        " WHERE r.created_at >= $1 AND r.created_at < $2");

struct tc_ctx {
	const struct report_params *p;
	const char *by; /* p->by, or "month" when empty */
	const struct tz *z;
	int64_t grace; /* follow-up grace, seconds */
	struct qgroups gs; /* the groups of p->by */
	struct qgroup *total; /* one group holding everything (in its own table) */
	struct qgroups tot;
};

/* Count one event of counter k at instant at in its group and in the total. */
static void count(struct tc_ctx *c, int64_t at, struct db_rows *r, enum tc_counter k)
{
	struct qgroup *g = r ? qgroup_for(&c->gs, c->by, c->z, at, r, DIM_TEAM_ID, DIM_CAT_ID) : NULL;
	if (!r) { /* orders: time buckets only */
		char key[64];
		int64_t order;
		if (quality_bucket(c->by, c->z, at, key, sizeof(key), &order) == 0)
			g = qgroups_get(&c->gs, key, key, 0, order);
	}
	if (g)
		g->n[k]++;
	c->total->n[k]++;
}

static int on_ticket(void *ctx, struct db_rows *r)
{
	const char *type = db_col_text(r, TK_TYPE);
	if (!type || strcmp(type, "follow_up") == 0 || strcmp(type, "care") == 0)
		return 0; /* outbound work the desk started, not a customer contact */
	count(ctx, db_col_int(r, DIM_AT), r, TC_CONTACTS);
	if (strcmp(type, "complaint") == 0)
		count(ctx, db_col_int(r, DIM_AT), r, TC_COMPLAINTS);
	return 0;
}

static int on_order(void *ctx, struct db_rows *r)
{
	count(ctx, db_col_int(r, 0), NULL, TC_ORDERS);
	return 0;
}

/* One clock whose due lies in the period. */
static void clock(struct tc_ctx *c, struct db_rows *r, int64_t due, int64_t done, int64_t breached)
{
	if (due < c->p->from || due >= c->p->to)
		return;
	enum quality_verdict v = quality_clock(due, done, breached, c->p->now);
	if (v == QV_NOT_YET)
		return;
	count(c, due, r, TC_CLOCKS);
	if (v == QV_MISSED)
		count(c, due, r, TC_CLOCKS_MISSED);
}

static int on_clocks(void *ctx, struct db_rows *r)
{
	clock(ctx, r, db_col_int(r, DIM_AT), db_col_int(r, CL_FIRST_DONE_AT),
	      db_col_int(r, CL_FIRST_BREACHED_AT));
	clock(ctx, r, db_col_int(r, CL_RESOLVE_DUE_AT), db_col_int(r, CL_RESOLVE_DONE_AT),
	      db_col_int(r, CL_RESOLVE_BREACHED_AT));
	return 0;
}

static int on_followup(void *ctx, struct db_rows *r)
{
	struct tc_ctx *c = ctx;
	int64_t due = db_col_int(r, DIM_AT);
	enum quality_verdict v = quality_followup(due, db_col_int(r, FU_DONE_AT), c->grace, c->p->now);
	if (v == QV_NOT_YET)
		return 0;
	count(c, due, r, TC_FOLLOWUPS);
	if (v == QV_MISSED)
		count(c, due, r, TC_FOLLOWUPS_MISSED);
	return 0;
}

static int on_archived(void *ctx, struct db_rows *r)
{
	int64_t at = db_col_int(r, DIM_AT);
	count(ctx, at, r, TC_ARCHIVED);
	if (quality_closed_without_feedback((int)db_col_int(r, AR_CONFIRMED), (int)db_col_int(r, AR_FED_BACK)))
		count(ctx, at, r, TC_NO_FEEDBACK);
	return 0;
}

static int on_confirmed(void *ctx, struct db_rows *r)
{
	const char *v = db_col_text(r, CF_CONFIRMATION);
	count(ctx, db_col_int(r, DIM_AT), r, TC_CONFIRMED);
	if (v && strcmp(v, "rejected") == 0)
		count(ctx, db_col_int(r, DIM_AT), r, TC_REJECTED);
	return 0;
}

static int on_response(void *ctx, struct db_rows *r)
{
	int d = quality_dissatisfied((int)db_col_int(r, RS_CSAT), (int)db_col_int(r, RS_NPS));
	if (d < 0)
		return 0;
	count(ctx, db_col_int(r, DIM_AT), r, TC_RESPONSES);
	if (d)
		count(ctx, db_col_int(r, DIM_AT), r, TC_DISSATISFIED);
	return 0;
}

static int gather(struct db *db, struct tc_ctx *c, struct kf_error *err)
{
	static const struct {
		struct db_sql *q;
		qrow_fn fn;
	} reads[] = {
		{ &q_tickets, on_ticket },     { &q_orders, on_order },      { &q_clocks, on_clocks },
		{ &q_followups, on_followup }, { &q_archived, on_archived }, { &q_confirmed, on_confirmed },
		{ &q_responses, on_response },
	};
	const size_t n = sizeof(reads) / sizeof(reads[0]);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = qdb_each(db, reads[i].q, DB_ARGS(db_int(c->p->from), db_int(c->p->to)), reads[i].fn, c,
		              err);
		qprogress(c->p, i + 1, n);
	}
	return rc;
}

static void put_row(struct report_table *t, const struct report_params *p, const struct qgroup *g,
                    const char *by, int with_orders)
{
	const int64_t *n = g->n;
	int64_t omissions = n[TC_CLOCKS_MISSED] + n[TC_FOLLOWUPS_MISSED] + n[TC_NO_FEEDBACK];
	size_t r = report_row(t);
	report_set_text(t, r, 0, g->key);
	report_set_text(t, r, 1, g->name);
	report_set_int(t, r, 2, n[TC_COMPLAINTS]);
	if (with_orders) {
		report_set_int(t, r, 3, n[TC_ORDERS]);
		report_set_rate(t, r, 5, n[TC_COMPLAINTS], n[TC_ORDERS]);
	}
	report_set_int(t, r, 4, n[TC_CONTACTS]);
	report_set_rate(t, r, 6, n[TC_COMPLAINTS], n[TC_CONTACTS]);
	for (int k = TC_CLOCKS; k <= TC_NO_FEEDBACK; k++)
		report_set_int(t, r, (size_t)(7 + k - TC_CLOCKS), n[k]);
	report_set_int(t, r, 13, omissions);
	report_set_rate(t, r, 14, omissions, n[TC_CLOCKS] + n[TC_FOLLOWUPS] + n[TC_ARCHIVED]);
	report_set_int(t, r, 15, n[TC_RESPONSES]);
	report_set_int(t, r, 16, n[TC_DISSATISFIED]);
	report_set_rate(t, r, 17, n[TC_DISSATISFIED], n[TC_RESPONSES]);
	report_set_int(t, r, 18, n[TC_CONFIRMED]);
	report_set_int(t, r, 19, n[TC_REJECTED]);
	report_set_rate(t, r, 20, n[TC_REJECTED], n[TC_CONFIRMED]);
	qset_drill(t, r, p, by, g, "complaint");
}

/* "2 open improvement actions are past due: #4 …, #7 …" in the note, if any. */
static int overdue_note(struct db *db, const struct report_params *p, struct report_table *t,
                        struct kf_error *err)
{
	struct buf b = BUF_INIT;
	int64_t n = 0;
	int rc = improvement_overdue(db, p->now, &n, &b, err);
	if (rc == 0 && n > 0) {
		report_set_note(t, "%lld open improvement action(s) past due: %s", (long long)n, buf_cstr(&b));
		report_set_note_zh(t, "%lld 项改进措施逾期未完成：%s", (long long)n, buf_cstr(&b));
	}
	buf_release(&b);
	return rc;
}

static int run(struct db *db, const struct report_params *p, struct report_table *t, struct kf_error *err)
{
	struct tc_ctx c = { .p = p, .by = p->by && *p->by ? p->by : "month" };
	double grace_h;
	int rc = qzone(p, &c.z, err);
	if (rc == 0)
		rc = report_opt_num(p, "followup_grace_hours", FOLLOWUP_GRACE_H, 0, 24 * 365, &grace_h, err);
	if (rc < 0)
		return rc;
	c.grace = (int64_t)(grace_h * 3600);
	qgroups_init(&c.gs);
	qgroups_init(&c.tot);
	c.total = qgroups_get(&c.tot, "total", "合计 / Total", 0, 0);
	qgroups_prefill(&c.gs, c.by, c.z, p);
	rc = gather(db, &c, err);
	report_table_init(t, cols, NCOLS);
	int timed = strcmp(c.by, "team") != 0 && strcmp(c.by, "category") != 0;
	qgroups_sort(&c.gs, timed ? -1 : TC_COMPLAINTS);
	for (size_t i = 0; rc == 0 && i < c.gs.n; i++)
		put_row(t, c.p, &c.gs.g[i], c.by, timed);
	if (rc == 0)
		put_row(t, c.p, c.total, "", 1);
	if (rc == 0)
		rc = overdue_note(db, p, t, err);
	qgroups_release(&c.gs);
	qgroups_release(&c.tot);
	return rc;
}

static const char *const by_allowed[] = { "month", "week", "day", "team", "category", NULL };

const struct report_def report_three_controls = {
	.name = "three-controls",
	.title_en = "Three controls: complaint, omission and dissatisfaction rates",
	.title_zh = "三个控制：投诉率、遗漏率、不满意率",
	.by_allowed = by_allowed,
	.perm = "report.read",
	.run = run,
};
