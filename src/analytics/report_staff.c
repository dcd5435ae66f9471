/*
 * report_staff.c - staff performance (seed 000 §6.2 客户服务绩效评估;
 * PRODUCT.md Q3) by agent (the ticket's current assignee) or team, with
 * a total row: volume, first-response and resolution times (wall clock:
 * mean, median, 90th percentile), SLA compliance, sunset (日落原则)
 * compliance, CSAT and reopen rate.  Definitions:
 * docs/metrics/quality.md.
 */
#include <stdio.h>
#include <string.h>

#include "analytics/report_quality_int.h"

enum st_counter {
	ST_HANDLED, /* tickets created in the period */
	ST_RESOLVED, /* tickets resolved in the period */
	ST_SLA_DUE,
	ST_SLA_MET,
	ST_SUNSET_DUE,
	ST_SUNSET_MET,
	ST_CSAT_N,
	ST_CSAT_SUM,
	ST_CSAT_GOOD, /* CSAT 4 or 5 */
	ST_REOPENS,
};
enum { VEC_FRT, VEC_RES };

static const struct report_col cols[] = {
	{ "group", "Group", "分组", RT_TEXT },
	{ "name", "Name", "名称", RT_TEXT },
	{ "handled", "Tickets handled", "受理工单", RT_INT },
	{ "resolved", "Tickets resolved", "解决工单", RT_INT },
	{ "frt_mean", "First response, mean", "首次响应均值", RT_SECONDS },
	{ "frt_p50", "First response, median", "首次响应中位数", RT_SECONDS },
	{ "frt_p90", "First response, 90th pct", "首次响应P90", RT_SECONDS },
	{ "resolution_mean", "Resolution, mean", "解决时长均值", RT_SECONDS },
	{ "resolution_p50", "Resolution, median", "解决时长中位数", RT_SECONDS },
	{ "resolution_p90", "Resolution, 90th pct", "解决时长P90", RT_SECONDS },
	{ "sla_due", "SLA clocks due", "到期SLA时钟", RT_INT },
	{ "sla_met", "SLA clocks met", "达标SLA时钟", RT_INT },
	{ "sla_compliance", "SLA compliance", "SLA达标率", RT_RATE },
	{ "sunset_due", "Sunset tickets due", "日落原则应结工单", RT_INT },
	{ "sunset_met", "Sunset tickets met", "日落原则按时解决", RT_INT },
	{ "sunset_compliance", "Sunset compliance", "日落原则达标率", RT_RATE },
	{ "csat_responses", "CSAT responses", "满意度回复", RT_INT },
	{ "csat_mean", "CSAT mean (1-5)", "满意度均分", RT_NUM },
	{ "csat_score", "CSAT (share 4-5)", "满意率", RT_RATE },
	{ "reopens", "Reopens", "重开次数", RT_INT },
	{ "reopen_rate", "Reopen rate", "重开率", RT_RATE },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* Every read starts with: instant, assignee id, username, display name, team id, team name. */
#define WHO " t.assignee_id, u.username, u.display_name, t.team_id, tm.name"
#define JOIN_WHO " LEFT JOIN users u ON u.id = t.assignee_id LEFT JOIN teams tm ON tm.id = t.team_id"
enum { WHO_AT, WHO_USER_ID, WHO_USERNAME, WHO_DISPLAY_NAME, WHO_TEAM_ID, WHO_TEAM_NAME, WHO_NCOLS };
_Static_assert(WHO_NCOLS == 6, "the instant and the five columns of WHO (q_csat writes them out)");
/* Each read's own columns after WHO. */
enum { CR_FIRST_RESPONSE_AT = WHO_NCOLS };
enum { RV_CREATED_AT = WHO_NCOLS };
enum {
	CL_FIRST_DONE_AT = WHO_NCOLS,
	CL_FIRST_BREACHED_AT,
	CL_RESOLVE_DUE_AT,
	CL_RESOLVE_DONE_AT,
	CL_RESOLVE_BREACHED_AT,
	CL_SUNSET
};
enum { CS_CSAT = WHO_NCOLS };

static struct db_sql q_created = DB_SQL(
        "SELECT t.created_at," WHO ", COALESCE(t.first_response_at, 0)"
        " FROM tickets t" JOIN_WHO
        " WHERE t.created_at >= $1 AND t.created_at < $2 AND t.merged_into_id IS NULL");
static struct db_sql q_resolved = DB_SQL("SELECT t.resolved_at," WHO ", t.created_at FROM tickets t" JOIN_WHO
                                         " WHERE t.resolved_at >= $1 AND t.resolved_at < $2");
static struct db_sql q_clocks = DB_SQL(
        "SELECT s.first_due_at," WHO
        ", s.first_done_at, s.first_breached_at, s.resolve_due_at, s.resolve_done_at,"
        " s.resolve_breached_at, p.sunset FROM ticket_sla s JOIN tickets t ON t.id = s.ticket_id"
        " LEFT JOIN sla_policies p ON p.id = s.policy_id" JOIN_WHO
        " WHERE (s.first_due_at >= $1 AND s.first_due_at < $2) OR (s.resolve_due_at >= $1 AND s.resolve_due_at < $2)");
static struct db_sql q_csat = DB_SQL(
        "SELECT r.created_at, r.agent_id, u.username, u.display_name, r.team_id, tm.name, r.csat"
        " FROM survey_responses r LEFT JOIN users u ON u.id = r.agent_id LEFT JOIN teams tm ON tm.id = r.team_id"
        " WHERE r.created_at >= $1 AND r.created_at < $2 AND r.csat IS NOT NULL");
/* A reopen is the state change resolved|closed -> open (desk/ticket_state.c ticket_state_is_reopen). */
static struct db_sql q_reopens = DB_SQL(
        "SELECT e.at," WHO " FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id" JOIN_WHO
        " WHERE e.at >= $1 AND e.at < $2 AND e.action = 'state' AND e.after_json LIKE '%\"open\"%'"
        " AND (e.before_json LIKE '%\"resolved\"%' OR e.before_json LIKE '%\"closed\"%')");

struct st_ctx {
	const struct report_params *p;
	const char *by; /* agent or team */
	struct qgroups gs, tot;
	struct qgroup *total;
};

/* The row's group: its agent (WHO_USER_ID..WHO_DISPLAY_NAME) or team (WHO_TEAM_ID, WHO_TEAM_NAME). */
static struct qgroup *group_of(struct st_ctx *c, struct db_rows *r)
{
	int team = strcmp(c->by, "team") == 0;
	int64_t id = db_col_int(r, team ? WHO_TEAM_ID : WHO_USER_ID);
	const char *key = db_col_text(r, team ? WHO_TEAM_NAME : WHO_USERNAME);
	const char *name = team ? key : db_col_text(r, WHO_DISPLAY_NAME);
	if (id <= 0 || !key)
		return qgroups_get(&c->gs, "(none)", team ? "无团队 / No team" : "未分配 / Unassigned", 0, 0);
	return qgroups_get(&c->gs, key, name && *name ? name : key, id, 0);
}

static void add(struct st_ctx *c, struct db_rows *r, enum st_counter k, int64_t v)
{
	group_of(c, r)->n[k] += v;
	c->total->n[k] += v;
}

static void add_time(struct st_ctx *c, struct db_rows *r, int which, int64_t secs)
{
	qvec_add(&group_of(c, r)->vec[which], (double)secs);
	qvec_add(&c->total->vec[which], (double)secs);
}

static int on_created(void *ctx, struct db_rows *r)
{
	int64_t created = db_col_int(r, WHO_AT), first = db_col_int(r, CR_FIRST_RESPONSE_AT);
	add(ctx, r, ST_HANDLED, 1);
	if (first > 0 && first >= created)
		add_time(ctx, r, VEC_FRT, first - created);
	return 0;
}

static int on_resolved(void *ctx, struct db_rows *r)
{
	int64_t resolved = db_col_int(r, WHO_AT), created = db_col_int(r, RV_CREATED_AT);
	add(ctx, r, ST_RESOLVED, 1);
	if (resolved >= created)
		add_time(ctx, r, VEC_RES, resolved - created);
	return 0;
}

static void clock(struct st_ctx *c, struct db_rows *r, int64_t due, int64_t done, int64_t breached, int sunset)
{
	if (due < c->p->from || due >= c->p->to)
		return;
	enum quality_verdict v = quality_clock(due, done, breached, c->p->now);
	if (v == QV_NOT_YET)
		return;
	add(c, r, ST_SLA_DUE, 1);
	add(c, r, ST_SLA_MET, v == QV_MET);
	if (!sunset)
		return;
	add(c, r, ST_SUNSET_DUE, 1);
	add(c, r, ST_SUNSET_MET, v == QV_MET);
}

static int on_clocks(void *ctx, struct db_rows *r)
{
	clock(ctx, r, db_col_int(r, WHO_AT), db_col_int(r, CL_FIRST_DONE_AT),
	      db_col_int(r, CL_FIRST_BREACHED_AT), 0);
	clock(ctx, r, db_col_int(r, CL_RESOLVE_DUE_AT), db_col_int(r, CL_RESOLVE_DONE_AT),
	      db_col_int(r, CL_RESOLVE_BREACHED_AT), db_col_int(r, CL_SUNSET) != 0);
	return 0;
}

static int on_csat(void *ctx, struct db_rows *r)
{
	int64_t csat = db_col_int(r, CS_CSAT);
	add(ctx, r, ST_CSAT_N, 1);
	add(ctx, r, ST_CSAT_SUM, csat);
	add(ctx, r, ST_CSAT_GOOD, csat >= 4);
	return 0;
}

static int on_reopen(void *ctx, struct db_rows *r)
{
	add(ctx, r, ST_REOPENS, 1);
	return 0;
}

static int gather(struct db *db, struct st_ctx *c, struct kf_error *err)
{
	static const struct {
		struct db_sql *q;
		qrow_fn fn;
	} reads[] = {
		{ &q_created, on_created }, { &q_resolved, on_resolved }, { &q_clocks, on_clocks },
		{ &q_csat, on_csat },       { &q_reopens, on_reopen },
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

static void put_times(struct report_table *t, size_t r, size_t col, struct qvec *v)
{
	double mean, p50, p90;
	if (!qvec_summary(v, &mean, &p50, &p90))
		return;
	report_set_int(t, r, col, (int64_t)(mean + 0.5));
	report_set_int(t, r, col + 1, (int64_t)(p50 + 0.5));
	report_set_int(t, r, col + 2, (int64_t)(p90 + 0.5));
}

static void put_row(struct report_table *t, const struct report_params *p, struct qgroup *g, const char *by)
{
	const int64_t *n = g->n;
	size_t r = report_row(t);
	report_set_text(t, r, 0, g->key);
	report_set_text(t, r, 1, g->name);
	report_set_int(t, r, 2, n[ST_HANDLED]);
	report_set_int(t, r, 3, n[ST_RESOLVED]);
	put_times(t, r, 4, &g->vec[VEC_FRT]);
	put_times(t, r, 7, &g->vec[VEC_RES]);
	report_set_int(t, r, 10, n[ST_SLA_DUE]);
	report_set_int(t, r, 11, n[ST_SLA_MET]);
	report_set_rate(t, r, 12, n[ST_SLA_MET], n[ST_SLA_DUE]);
	report_set_int(t, r, 13, n[ST_SUNSET_DUE]);
	report_set_int(t, r, 14, n[ST_SUNSET_MET]);
	report_set_rate(t, r, 15, n[ST_SUNSET_MET], n[ST_SUNSET_DUE]);
	report_set_int(t, r, 16, n[ST_CSAT_N]);
	if (n[ST_CSAT_N])
		report_set_num(t, r, 17, (double)n[ST_CSAT_SUM] / (double)n[ST_CSAT_N]);
	report_set_rate(t, r, 18, n[ST_CSAT_GOOD], n[ST_CSAT_N]);
	report_set_int(t, r, 19, n[ST_REOPENS]);
	report_set_rate(t, r, 20, n[ST_REOPENS], n[ST_RESOLVED]);
	qset_drill(t, r, p, by, g, NULL);
}

static int run(struct db *db, const struct report_params *p, struct report_table *t, struct kf_error *err)
{
	struct st_ctx c = { .p = p, .by = p->by && strcmp(p->by, "team") == 0 ? "team" : "agent" };
	qgroups_init(&c.gs);
	qgroups_init(&c.tot);
	c.total = qgroups_get(&c.tot, "total", "合计 / Total", 0, 0);
	int rc = gather(db, &c, err);
	report_table_init(t, cols, NCOLS);
	qgroups_sort(&c.gs, ST_HANDLED);
	for (size_t i = 0; rc == 0 && i < c.gs.n; i++)
		put_row(t, p, &c.gs.g[i], c.by);
	if (rc == 0)
		put_row(t, p, c.total, "");
	qgroups_release(&c.gs);
	qgroups_release(&c.tot);
	return rc;
}

static const char *const by_allowed[] = { "agent", "team", NULL };

const struct report_def report_staff = {
	.name = "staff",
	.title_en = "Staff performance",
	.title_zh = "客服绩效",
	.by_allowed = by_allowed,
	.perm = "report.read",
	.run = run,
};
