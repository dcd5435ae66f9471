/*
 * report_surveys.c - the "surveys" and "servqual" reports (PRODUCT.md Q1;
 * definitions in docs/metrics/surveys.md).
 *
 * surveys: per group (kind, agent, team, or the day / week / month in the
 * report's zone) the invitations sent in the period and how many of them
 * were answered (the response rate), and over the responses received in
 * the period CSAT, NPS with its promoters, passives and detractors, CES
 * mean and CES agree; a last row "total" over everything.
 * servqual: per group and SERVQUAL dimension the mean expectation E, mean
 * perception P and the gap P - E, and per group an "overall" row with the
 * unweighted mean gap and the gap weighted by option weights (points for
 * tangibles, reliability, responsiveness, assurance, empathy; default
 * equal).
 *
 * The database groups (by the key and the score, so a row of the result is
 * a count of identical answers); time buckets come from 15-minute slots
 * (every zone's offset is a multiple of 15 minutes) turned into local days
 * here.  The arithmetic is analytics/survey_score.c's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/report.h"
#include "quality/survey_score.h"
#include "base/str.h"
#include "base/strmap.h"
#include "base/tz.h"
#include "base/xalloc.h"
#include "store/db.h"

#define SLOT_S 900 /* time buckets are built from 15-minute slots */
#define GROUPS_MAX 5000 /* rows a report shows at most */

/* The SQL of one breakdown: each SELECT starts with (label, key id). */
struct breakdown {
	const char *by; /* "kind", "agent", ...; "" = one group */
	int slots; /* 1: key id is a 15-minute slot to bucket into days, weeks or months */
	const char *drill_key; /* the /api/v1/surveys filter for this key, or NULL */
	struct db_sql responses; /* label, id, csat, nps, ces, count */
	struct db_sql invitations; /* label, id, sent, answered */
	struct db_sql servqual; /* label, id, dimension, expectation, perception, count */
};

/* Every statement starts with (label, key id), then its own columns (see struct breakdown). */
enum { BD_LABEL, BD_KEY, BD_NCOLS };
enum { RESP_CSAT = BD_NCOLS, RESP_NPS, RESP_CES, RESP_COUNT, RESP_NCOLS };
enum { INV_SENT = BD_NCOLS, INV_ANSWERED, INV_NCOLS };
enum { SQ_DIMENSION = BD_NCOLS, SQ_EXPECTATION, SQ_PERCEPTION, SQ_COUNT, SQ_NCOLS };
_Static_assert(RESP_NCOLS == 6 && INV_NCOLS == 4 && SQ_NCOLS == 6,
               "RESP_SCORES, INV_COUNTS, SQ_PAIRS after the label and the key");
#define RESP_WHERE " WHERE r.created_at >= $1 AND r.created_at < $2 "
#define INV_WHERE " WHERE i.sent_at >= $1 AND i.sent_at < $2 "
#define RESP_SCORES ", r.csat, r.nps, r.ces, COUNT(*) FROM survey_responses r "
#define INV_COUNTS \
	", COUNT(*), SUM(CASE WHEN i.responded_at IS NULL THEN 0 ELSE 1 END) FROM survey_invitations i "
#define SQ_PAIRS \
	", s.dimension, s.expectation, s.perception, COUNT(*) FROM survey_servqual s" \
	" JOIN survey_responses r ON r.id = s.response_id "
#define GROUP_SCORES ", r.csat, r.nps, r.ces"
#define GROUP_PAIRS ", s.dimension, s.expectation, s.perception"

/* label, id, joins, group-by expression list: one breakdown's three statements. */
#define BREAKDOWN(by, slots, drill, rlabel, rid, rjoin, rgroup, ilabel, iid, ijoin, igroup) \
	{ \
		by, slots, drill, \
		        DB_SQL("SELECT " rlabel ", " rid RESP_SCORES rjoin RESP_WHERE \
		               "GROUP BY " rgroup GROUP_SCORES), \
		        DB_SQL("SELECT " ilabel ", " iid INV_COUNTS ijoin INV_WHERE "GROUP BY " igroup), \
		        DB_SQL("SELECT " rlabel ", " rid SQ_PAIRS rjoin RESP_WHERE \
		               "GROUP BY " rgroup GROUP_PAIRS), \
	}

#define TIME_BREAKDOWN(by) \
	BREAKDOWN(by, 1, NULL, "''", "r.created_at / 900", "", "r.created_at / 900", "''", \
	          "i.sent_at / 900", "", "i.sent_at / 900")

static struct breakdown breakdowns[] = {
	BREAKDOWN("", 0, NULL, "'all'", "0", "", "1", "'all'", "0", "", "1"),
	BREAKDOWN("kind", 0, "kind", "r.kind", "0", "", "r.kind", "i.kind", "0", "", "i.kind"),
	BREAKDOWN("agent", 0, "agent_id", "COALESCE(u.display_name, '')", "COALESCE(r.agent_id, 0)",
	          "LEFT JOIN users u ON u.id = r.agent_id", "u.display_name, r.agent_id",
	          "COALESCE(u.display_name, '')", "COALESCE(i.agent_id, 0)",
	          "LEFT JOIN users u ON u.id = i.agent_id", "u.display_name, i.agent_id"),
	BREAKDOWN("team", 0, "team_id", "COALESCE(t.name, '')", "COALESCE(r.team_id, 0)",
	          "LEFT JOIN teams t ON t.id = r.team_id", "t.name, r.team_id", "COALESCE(t.name, '')",
	          "COALESCE(i.team_id, 0)", "LEFT JOIN teams t ON t.id = i.team_id", "t.name, i.team_id"),
	TIME_BREAKDOWN("day"),
	TIME_BREAKDOWN("week"),
	TIME_BREAKDOWN("month"),
};

struct group {
	char label[128]; /* what the row shows */
	int64_t id; /* agent or team id (0 = none); for time buckets the bucket's start, UTC */
	int64_t end; /* time buckets: the next bucket's start, UTC */
	int64_t sent, answered; /* invitations sent in the period, and of them answered */
	int64_t responses; /* responses received in the period */
	struct survey_tally tally;
	struct servqual_tally sq;
};

struct groups {
	struct group *g;
	size_t n, cap;
	struct strmap index; /* key -> position in g */
	int cut; /* rows past GROUPS_MAX were dropped */
	struct breakdown *b; /* the statements are prepared once per connection: not const */
	const struct tz *zone;
};

static struct breakdown *breakdown_find(const char *by)
{
	for (size_t i = 0; i < sizeof(breakdowns) / sizeof(breakdowns[0]); i++)
		if (strcmp(breakdowns[i].by, by ? by : "") == 0)
			return &breakdowns[i];
	return NULL;
}

/* The local bucket of a 15-minute slot: its label and its [start, end) in UTC. */
static void bucket_of(const struct groups *gs, int64_t slot, struct group *g)
{
	int64_t local = tz_to_local(gs->zone, slot * SLOT_S);
	int64_t day = tz_floordiv(local, 86400), y, start, next;
	int m, d;
	if (strcmp(gs->b->by, "week") == 0) {
		start = day - (tz_weekday(day) + 6) % 7; /* weeks start on Monday (ISO 8601) */
		next = start + 7;
	} else if (strcmp(gs->b->by, "month") == 0) {
		tz_civil_from_days(day, &y, &m, &d);
		start = tz_days_from_civil(y, m, 1);
		next = m == 12 ? tz_days_from_civil(y + 1, 1, 1) : tz_days_from_civil(y, m + 1, 1);
	} else {
		start = day;
		next = day + 1;
	}
	tz_civil_from_days(start, &y, &m, &d);
	if (strcmp(gs->b->by, "month") == 0)
		snprintf(g->label, sizeof(g->label), "%04" PRId64 "-%02d", y, m);
	else
		snprintf(g->label, sizeof(g->label), "%04" PRId64 "-%02d-%02d", y, m, d);
	g->id = tz_from_local(gs->zone, start * 86400);
	g->end = tz_from_local(gs->zone, next * 86400);
}

/* The group of a result row (BD_LABEL, BD_KEY); NULL when the rows were cut. */
static struct group *group_of(struct groups *gs, struct db_rows *r)
{
	struct group g;
	char key[160];
	int64_t at = 0;
	memset(&g, 0, sizeof(g));
	if (gs->b->slots) {
		bucket_of(gs, db_col_int(r, BD_KEY), &g);
		str_copy(key, sizeof(key), g.label);
	} else {
		const char *label = db_col_text(r, BD_LABEL);
		g.id = db_col_int(r, BD_KEY);
		str_copy(g.label, sizeof(g.label), label && *label ? label : "-");
		snprintf(key, sizeof(key), "%" PRId64 ":%s", g.id, gs->b->drill_key && g.id ? "" : g.label);
	}
	if (strmap_get(&gs->index, key, &at))
		return &gs->g[at];
	if (gs->n >= GROUPS_MAX) {
		gs->cut = 1;
		return NULL;
	}
	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? gs->cap * 2 : 16;
		gs->g = xreallocarray(gs->g, gs->cap, sizeof(*gs->g));
	}
	gs->g[gs->n] = g;
	strmap_put(&gs->index, key, (int64_t)gs->n);
	return &gs->g[gs->n++];
}

static int score_col(struct db_rows *r, int col)
{
	return db_col_isnull(r, col) ? SURVEY_SKIPPED : (int)db_col_int(r, col);
}

enum gather { G_RESPONSES, G_INVITATIONS, G_SERVQUAL };

static void gather_row(struct groups *gs, enum gather what, struct db_rows *r)
{
	struct group *g = group_of(gs, r);
	if (!g)
		return;
	if (what == G_RESPONSES) {
		survey_tally_add(&g->tally, score_col(r, RESP_CSAT), score_col(r, RESP_NPS),
		                 score_col(r, RESP_CES), db_col_int(r, RESP_COUNT));
		g->responses += db_col_int(r, RESP_COUNT);
	} else if (what == G_INVITATIONS) {
		g->sent += db_col_int(r, INV_SENT);
		g->answered += db_col_int(r, INV_ANSWERED);
	} else {
		int d = servqual_dim_parse(db_col_text(r, SQ_DIMENSION));
		if (d >= 0)
			servqual_add(&g->sq, (enum servqual_dim)d, (int)db_col_int(r, SQ_EXPECTATION),
			             (int)db_col_int(r, SQ_PERCEPTION), db_col_int(r, SQ_COUNT));
	}
}

static int gather(struct db *db, struct groups *gs, enum gather what, const struct report_params *p,
                  struct kf_error *err)
{
	struct db_sql *q = what == G_RESPONSES ? &gs->b->responses
	        : what == G_INVITATIONS        ? &gs->b->invitations
	                                       : &gs->b->servqual;
	struct db_rows *r = NULL;
	int rc = db_query(db, q, DB_ARGS(db_int(p->from), db_int(p->to > 0 ? p->to : INT64_MAX)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1)
		gather_row(gs, what, r);
	db_done(r);
	return rc < 0 ? rc : 0;
}

static int by_label(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c = strcmp(x->label, y->label);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int groups_load(struct db *db, const struct report_params *p, struct groups *gs, int servqual,
                       struct kf_error *err)
{
	memset(gs, 0, sizeof(*gs));
	gs->index = (struct strmap)STRMAP_INIT(GROUPS_MAX);
	gs->b = breakdown_find(p->by);
	if (!gs->b)
		return kf_fail(err, KF_EINVAL, "invalid", "by", "unknown breakdown");
	int rc = tz_load(p->tz && *p->tz ? p->tz : "UTC", &gs->zone, err);
	if (rc == 0 && !servqual)
		rc = gather(db, gs, G_INVITATIONS, p, err);
	if (rc == 0 && !servqual)
		rc = gather(db, gs, G_RESPONSES, p, err);
	if (rc == 0 && servqual)
		rc = gather(db, gs, G_SERVQUAL, p, err);
	if (rc == 0 && gs->n > 1)
		qsort(gs->g, gs->n, sizeof(*gs->g), by_label);
	return rc;
}

static void groups_release(struct groups *gs)
{
	free(gs->g);
	strmap_release(&gs->index);
}

/* The drill-down of group g: the responses behind it. */
static void drill(struct report_table *t, size_t row, const struct groups *gs, const struct group *g,
                  const struct report_params *p)
{
	int64_t from = p->from, to = p->to;
	if (gs->b->slots) {
		from = g->id > from ? g->id : from;
		to = to > 0 && to < g->end ? to : g->end;
	}
	if (gs->b->drill_key && strcmp(gs->b->drill_key, "kind") == 0)
		report_set_drill(t, row, "/api/v1/surveys?from=%" PRId64 "&to=%" PRId64 "&kind=%s", from, to,
		                 g->label);
	else if (gs->b->drill_key && g->id)
		report_set_drill(t, row, "/api/v1/surveys?from=%" PRId64 "&to=%" PRId64 "&%s=%" PRId64, from,
		                 to, gs->b->drill_key, g->id);
	else if (!gs->b->drill_key)
		report_set_drill(t, row, "/api/v1/surveys?from=%" PRId64 "&to=%" PRId64, from, to);
}

/* --- surveys ---------------------------------------------------------------- */

enum {
	C_KEY,
	C_SENT,
	C_ANSWERED,
	C_RATE,
	C_RESPONSES,
	C_CSAT,
	C_NPS,
	C_PRO,
	C_PAS,
	C_DET,
	C_CES,
	C_AGREE,
	C_N
};

static const struct report_col survey_cols[C_N] = {
	{ "key", "Group", "分组", RT_TEXT },
	{ "invitations", "Invitations", "邀请数", RT_INT },
	{ "answered", "Answered", "已答邀请", RT_INT },
	{ "response_rate", "Response rate", "回复率", RT_RATE },
	{ "responses", "Responses", "回复数", RT_INT },
	{ "csat", "CSAT", "满意度 (CSAT)", RT_RATE },
	{ "nps", "NPS", "净推荐值 (NPS)", RT_NUM },
	{ "promoters", "Promoters", "推荐者", RT_INT },
	{ "passives", "Passives", "被动者", RT_INT },
	{ "detractors", "Detractors", "贬损者", RT_INT },
	{ "ces_mean", "CES mean", "费力度均值 (CES)", RT_NUM },
	{ "ces_agree", "CES agree", "CES 认同比例", RT_RATE },
};

static void set_score(struct report_table *t, size_t row, size_t col, struct survey_score s)
{
	if (!s.null)
		report_set_num(t, row, col, s.v);
}

static void survey_row(struct report_table *t, const char *label, const struct group *g)
{
	size_t row = report_row(t);
	const struct survey_tally *y = &g->tally;
	report_set_text(t, row, C_KEY, label);
	report_set_int(t, row, C_SENT, g->sent);
	report_set_int(t, row, C_ANSWERED, g->answered);
	set_score(t, row, C_RATE, survey_response_rate(g->answered, g->sent));
	report_set_int(t, row, C_RESPONSES, g->responses);
	set_score(t, row, C_CSAT, survey_csat(y));
	set_score(t, row, C_NPS, survey_nps(y));
	report_set_int(t, row, C_PRO, y->promoters);
	report_set_int(t, row, C_PAS, y->passives);
	report_set_int(t, row, C_DET, y->detractors);
	set_score(t, row, C_CES, survey_ces_mean(y));
	set_score(t, row, C_AGREE, survey_ces_agree(y));
}

static int run_surveys(struct db *db, const struct report_params *p, struct report_table *t,
                       struct kf_error *err)
{
	struct groups gs;
	struct group total;
	memset(&total, 0, sizeof(total));
	report_table_init(t, survey_cols, C_N);
	int rc = groups_load(db, p, &gs, 0, err);
	for (size_t i = 0; rc == 0 && i < gs.n; i++) {
		survey_row(t, gs.g[i].label, &gs.g[i]);
		drill(t, t->nrows - 1, &gs, &gs.g[i], p);
		total.sent += gs.g[i].sent;
		total.answered += gs.g[i].answered;
		total.responses += gs.g[i].responses;
		survey_tally_merge(&total.tally, &gs.g[i].tally);
	}
	if (rc == 0 && gs.n != 1)
		survey_row(t, "total", &total);
	if (rc == 0 && gs.cut) {
		report_set_note(t, "only the first %d groups are shown; the total covers them only",
		                GROUPS_MAX);
		report_set_note_zh(t, "只显示前 %d 个分组，合计只包括这些分组", GROUPS_MAX);
	}
	groups_release(&gs);
	return rc;
}

static const char *const surveys_by[] = { "kind", "agent", "team", "day", "week", "month", NULL };

const struct report_def report_surveys = {
	"surveys", "Satisfaction surveys", "满意度调查", surveys_by, "report.read", run_surveys,
};

/* --- servqual --------------------------------------------------------------- */

enum { S_KEY, S_DIM, S_N, S_E, S_P, S_GAP, S_WEIGHT, S_WGAP, S_NCOLS };

static const struct report_col servqual_cols[S_NCOLS] = {
	{ "key", "Group", "分组", RT_TEXT },
	{ "dimension", "Dimension", "维度", RT_TEXT },
	{ "answers", "Answers", "回答数", RT_INT },
	{ "expectation", "Expectation (E)", "期望 (E)", RT_NUM },
	{ "perception", "Perception (P)", "感知 (P)", RT_NUM },
	{ "gap", "Gap (P - E)", "差距 (P - E)", RT_NUM },
	{ "weight", "Weight", "权重", RT_RATE },
	{ "weighted_gap", "Weighted gap", "加权差距", RT_NUM },
};

static void servqual_rows(struct report_table *t, const struct group *g, const double w[SQ_DIMS])
{
	struct survey_score gap[SQ_DIMS];
	double wsum = 0.0;
	for (int d = 0; d < SQ_DIMS; d++)
		wsum += w[d];
	for (int d = 0; d < SQ_DIMS; d++) {
		size_t row = report_row(t);
		gap[d] = servqual_gap(&g->sq, (enum servqual_dim)d);
		report_set_text(t, row, S_KEY, g->label);
		report_set_text(t, row, S_DIM, servqual_dim_name((enum servqual_dim)d));
		report_set_int(t, row, S_N, g->sq.n[d]);
		set_score(t, row, S_E, servqual_expectation(&g->sq, (enum servqual_dim)d));
		set_score(t, row, S_P, servqual_perception(&g->sq, (enum servqual_dim)d));
		set_score(t, row, S_GAP, gap[d]);
		report_set_num(t, row, S_WEIGHT, w[d] / wsum);
	}
	size_t row = report_row(t);
	report_set_text(t, row, S_KEY, g->label);
	report_set_text(t, row, S_DIM, "overall");
	set_score(t, row, S_GAP, servqual_weighted_gap(gap, NULL));
	set_score(t, row, S_WGAP, servqual_weighted_gap(gap, w));
}

static int run_servqual(struct db *db, const struct report_params *p, struct report_table *t,
                        struct kf_error *err)
{
	struct groups gs;
	double w[SQ_DIMS] = { 1, 1, 1, 1, 1 };
	const char *ws = report_opt(p, "weights");
	report_table_init(t, servqual_cols, S_NCOLS);
	int rc = ws && *ws ? servqual_weights_parse(ws, "weights", w, err) : 0;
	if (rc < 0)
		return rc;
	rc = groups_load(db, p, &gs, 1, err);
	for (size_t i = 0; rc == 0 && i < gs.n; i++) {
		size_t first = t->nrows;
		servqual_rows(t, &gs.g[i], w);
		for (size_t row = first; row < t->nrows; row++)
			drill(t, row, &gs, &gs.g[i], p);
	}
	if (rc == 0 && gs.cut) {
		report_set_note(t, "only the first %d groups are shown", GROUPS_MAX);
		report_set_note_zh(t, "只显示前 %d 个分组", GROUPS_MAX);
	}
	groups_release(&gs);
	return rc;
}

static const char *const servqual_by[] = { "kind", "agent", "team", "day", "week", "month", NULL };

const struct report_def report_servqual = {
	"servqual", "SERVQUAL gaps", "SERVQUAL 服务质量差距", servqual_by, "report.read", run_servqual,
};
