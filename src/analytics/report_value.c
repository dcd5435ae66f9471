/*
 * report_value.c - see report_value.h.  Both sources are folded into one
 * summary (counts and sums per RFM cell, ABC class, loyalty cell and
 * stage): from the snapshot with one GROUP BY over customer_value, or
 * from a fresh value_compute.  Each report then lays out its part of the
 * summary.  Definitions: docs/metrics/customer-value.md.
 */
#include "analytics/report_value.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analytics/value.h"
#include "base/tz.h"
#include "store/db.h"

#define PERM "report.read"

/* clang-format off */
#define SNAPSHOT_COLS(F, X) \
	F(SNC_R, "COALESCE(r, 0)") \
	X(SNC_F, "COALESCE(f, 0)") \
	X(SNC_ABC, "abc_class") \
	X(SNC_LOYALTY, "loyalty") \
	X(SNC_STAGE, "stage") \
	X(SNC_TUCKER, "tucker") \
	X(SNC_CUSTOMERS, "COUNT(*)") \
	X(SNC_RECENCY_SUM, "CAST(COALESCE(SUM(CASE WHEN last_purchase_at >= $1 THEN 0 ELSE ($1 - last_purchase_at) / 86400 END), 0) AS BIGINT)") \
	X(SNC_FREQ_SUM, "CAST(SUM(frequency) AS BIGINT)") \
	X(SNC_MONEY_SUM, "CAST(SUM(monetary_minor) AS BIGINT)")
/* clang-format on */
DB_COLS_ENUM(SNAPSHOT_COLS, SNC_NCOLS);
static struct db_sql q_snapshot = DB_SQL(
        "SELECT " DB_COLS_SQL(SNAPSHOT_COLS) " FROM customer_value"
                                             " GROUP BY r, f, abc_class, loyalty, stage, tucker");

/* Counts and sums over a group of customers. */
struct group {
	int64_t n; /* customers */
	int64_t buyers; /* of them with a purchase */
	int64_t recency_sum; /* days, over the buyers */
	int64_t freq_sum, money_sum;
	int64_t tucker; /* Tucker-loyal customers */
};

struct summary {
	int snapshot; /* 1: read from customer_value */
	int64_t as_of; /* the "now" of the numbers */
	int64_t from, to; /* the period, when computed (0 = open) */
	struct abc_thresholds abc;
	struct group all;
	struct group rf[6][6]; /* [r][f], 0 = no purchase */
	struct group abc_cls[3];
	struct group loyalty[LOYALTY_CELLS];
	struct group stage[LIFECYCLE_STAGES];
};

static void group_add(struct group *g, int64_t n, int64_t buyers, int64_t recency_sum, int64_t freq_sum,
                      int64_t money_sum, int64_t tucker)
{
	g->n += n;
	g->buyers += buyers;
	g->recency_sum += recency_sum;
	g->freq_sum += freq_sum;
	g->money_sum += money_sum;
	g->tucker += tucker;
}

/* Add n customers who share every key to all groups they belong to. */
static void summary_add(struct summary *s, int r, int f, char abc, int loyalty, int stage, int tucker,
                        int64_t n, int64_t recency_sum, int64_t freq_sum, int64_t money_sum)
{
	int64_t buyers = r > 0 ? n : 0, tk = tucker ? n : 0;
	if (r < 0 || r > 5 || f < 0 || f > 5 || abc < 'A' || abc > 'C' || loyalty < 0 || stage < 0)
		return; /* a row the checks of 0011 do not allow */
	group_add(&s->all, n, buyers, recency_sum, freq_sum, money_sum, tk);
	group_add(&s->rf[r][f], n, buyers, recency_sum, freq_sum, money_sum, tk);
	group_add(&s->abc_cls[abc - 'A'], n, buyers, recency_sum, freq_sum, money_sum, tk);
	group_add(&s->loyalty[loyalty], n, buyers, recency_sum, freq_sum, money_sum, tk);
	group_add(&s->stage[stage], n, buyers, recency_sum, freq_sum, money_sum, tk);
}

/* Recency is stored as the last purchase time; in days to the run's as_of, as the pass computes it. */
static int read_snapshot(struct db *db, struct summary *s, struct kf_error *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &q_snapshot, DB_ARGS(db_int(s->as_of)), &r, err);
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		const char *abc = db_col_text(r, SNC_ABC);
		summary_add(s, (int)db_col_int(r, SNC_R), (int)db_col_int(r, SNC_F), abc ? abc[0] : '?',
		            loyalty_cell_find(db_col_text(r, SNC_LOYALTY)),
		            lifecycle_stage_find(db_col_text(r, SNC_STAGE)), (int)db_col_int(r, SNC_TUCKER),
		            db_col_int(r, SNC_CUSTOMERS), db_col_int(r, SNC_RECENCY_SUM),
		            db_col_int(r, SNC_FREQ_SUM), db_col_int(r, SNC_MONEY_SUM));
	}
	db_done(r);
	return rc < 0 ? rc : 0;
}

static int compute(struct db *db, const struct report_params *p, struct summary *s, struct kf_error *err)
{
	struct value_opts o;
	struct value_set set = VALUE_SET_INIT;
	value_opts_init(&o, p->to && p->to < p->now ? p->to : p->now);
	o.from = p->from;
	o.to = p->to;
	o.abc = s->abc;
	o.progress = p->progress;
	o.progress_arg = p->progress_arg;
	int rc = value_compute(db, &o, &set, err);
	for (size_t i = 0; rc == 0 && i < set.n; i++) {
		const struct value_row *v = &set.rows[i];
		summary_add(s, v->r, v->f, v->abc, v->loyalty, v->stage, v->tucker, 1,
		            v->frequency ? v->recency_days : 0, v->frequency, v->monetary_minor);
	}
	s->as_of = o.now;
	value_set_release(&set);
	return rc;
}

static int same_thresholds(const struct abc_thresholds *x, const struct abc_thresholds *y)
{
	return fabs(x->a - y->a) < 1e-9 && fabs(x->b - y->b) < 1e-9;
}

/* Options a and b (the ABC thresholds), then the source: snapshot if fresh and fitting, else compute. */
static int summarise(struct db *db, const struct report_params *p, struct summary *s, struct kf_error *err)
{
	struct value_run run;
	struct kf_error none = KF_ERROR_INIT;
	double a, b;
	memset(s, 0, sizeof(*s));
	int rc = report_opt_num(p, "a", 0.80, 0.01, 1.0, &a, err);
	if (rc == 0)
		rc = report_opt_num(p, "b", 0.15, 0.0, 0.99, &b, err);
	if (rc < 0)
		return rc;
	s->abc = (struct abc_thresholds){ a, b };
	if (!abc_thresholds_valid(&s->abc))
		return kf_fail(err, KF_EINVAL, "out_of_range", "b", "a + b must not exceed 1");
	s->from = p->from;
	s->to = p->to;
	if (!p->from && !p->to && value_last_run(db, &run, &none) == 0 &&
	    run.as_of >= p->now - VALUE_FRESH_S && same_thresholds(&run.abc, &s->abc)) {
		s->snapshot = 1;
		s->as_of = run.as_of;
		return read_snapshot(db, s, err);
	}
	return compute(db, p, s, err);
}

static void fmt_day(int64_t t, char *out, size_t n)
{
	int64_t y;
	int m, d;
	tz_civil_from_days(tz_floordiv(t, 86400), &y, &m, &d);
	snprintf(out, n, "%04lld-%02d-%02d", (long long)y, m, d);
}

/* "as of 2026-11-26 (snapshot)" or "orders placed 2026-01-01 .. 2026-07-01, as of ...", then extra (en, zh). */
static void note_source(struct report_table *t, const struct summary *s, const char *extra, const char *extra_zh)
{
	char asof[16], from[16] = "start", to[16] = "now";
	fmt_day(s->as_of, asof, sizeof(asof));
	if (s->from)
		fmt_day(s->from, from, sizeof(from));
	if (s->to)
		fmt_day(s->to, to, sizeof(to));
	if (s->snapshot) {
		report_set_note(t, "As of %s UTC, from the nightly customer_value snapshot. %s", asof, extra);
		report_set_note_zh(t, "截至 %s（UTC），来自每晚的客户价值快照。%s", asof, extra_zh);
		return;
	}
	report_set_note(t, "Computed from orders placed %s .. %s (UTC), as of %s. %s", from, to, asof, extra);
	report_set_note_zh(t, "根据 %s 至 %s（UTC）下的订单计算，截至 %s。%s", s->from ? from : "最早",
	                   s->to ? to : "现在", asof, extra_zh);
}

static void set_mean(struct report_table *t, size_t row, size_t col, int64_t sum, int64_t n)
{
	if (n > 0)
		report_set_num(t, row, col, (double)sum / (double)n);
}

static void set_money_mean(struct report_table *t, size_t row, size_t col, int64_t sum, int64_t n)
{
	if (n > 0)
		report_set_int(t, row, col, (int64_t)llround((double)sum / (double)n));
}

/* ---- rfm ------------------------------------------------------------------------ */

/* The columns after the first (the group): the same whatever the report is by. */
#define RFM_VALUE_COLS(...) \
	__VA_ARGS__, { "customers", "Customers", "客户数", RT_INT }, \
	        { "share", "Share of buyers", "占购买客户比例", RT_RATE }, \
	        { "mean_recency_days", "Mean recency (days)", "平均最近购买天数", RT_NUM }, \
	        { "mean_frequency", "Mean frequency", "平均购买次数", RT_NUM }, \
	        { "mean_monetary", "Mean monetary", "平均消费金额", RT_MONEY }, \
	{ \
		"revenue_share", "Share of revenue", "收入占比", RT_RATE \
	}

static const struct report_col rfm_seg_cols[] = { RFM_VALUE_COLS({ "segment", "Segment", "客户分群", RT_TEXT }) };
static const struct report_col rfm_r_cols[] = { RFM_VALUE_COLS({ "r", "R score", "R 分", RT_INT }) };
static const struct report_col rfm_f_cols[] = { RFM_VALUE_COLS({ "f", "F score", "F 分", RT_INT }) };
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* Best first, in the order a marketer reads them. */
static const enum rfm_segment seg_order[RFM_SEGMENTS] = {
	RFM_CHAMPIONS,  RFM_LOYAL_CUSTOMERS, RFM_POTENTIAL_LOYALISTS, RFM_NEW_CUSTOMERS,
	RFM_PROMISING,  RFM_NEED_ATTENTION,  RFM_ABOUT_TO_SLEEP,      RFM_AT_RISK,
	RFM_CANT_LOOSE, RFM_HIBERNATING,
};

static void rfm_row(struct report_table *t, const struct summary *s, const struct group *g)
{
	size_t row = t->nrows - 1;
	report_set_int(t, row, 1, g->n);
	report_set_rate(t, row, 2, g->n, s->all.buyers);
	set_mean(t, row, 3, g->recency_sum, g->n);
	set_mean(t, row, 4, g->freq_sum, g->n);
	set_money_mean(t, row, 5, g->money_sum, g->n);
	report_set_rate(t, row, 6, g->money_sum, s->all.money_sum);
}

static void rfm_by_segment(struct report_table *t, const struct summary *s)
{
	struct group seg[RFM_SEGMENTS];
	memset(seg, 0, sizeof(seg));
	for (int r = 1; r <= 5; r++)
		for (int f = 1; f <= 5; f++) {
			const struct group *g = &s->rf[r][f];
			group_add(&seg[rfm_segment_of(r, f)], g->n, g->buyers, g->recency_sum, g->freq_sum,
			          g->money_sum, g->tucker);
		}
	for (int i = 0; i < RFM_SEGMENTS; i++) {
		const char *name = rfm_segment_name(seg_order[i]);
		size_t row = report_row(t);
		report_set_text(t, row, 0, name);
		rfm_row(t, s, &seg[seg_order[i]]);
		if (s->snapshot) /* the filter reads the snapshot */
			report_set_drill(t, row, "/api/v1/customers?segment=%s", name);
	}
}

/* by r (rows R 5..1) or by f (F 5..1). */
static void rfm_by_score(struct report_table *t, const struct summary *s, int by_r)
{
	for (int k = 5; k >= 1; k--) {
		struct group g;
		memset(&g, 0, sizeof(g));
		for (int j = 1; j <= 5; j++) {
			const struct group *c = by_r ? &s->rf[k][j] : &s->rf[j][k];
			group_add(&g, c->n, c->buyers, c->recency_sum, c->freq_sum, c->money_sum, c->tucker);
		}
		size_t row = report_row(t);
		report_set_int(t, row, 0, k);
		rfm_row(t, s, &g);
	}
}

static int run_rfm(struct db *db, const struct report_params *p, struct report_table *t, struct kf_error *err)
{
	struct summary s;
	const char *by = p->by && *p->by ? p->by : "segment";
	int rc = summarise(db, p, &s, err);
	if (rc < 0)
		return rc;
	if (strcmp(by, "r") == 0) {
		report_table_init(t, rfm_r_cols, NCOLS(rfm_r_cols));
		rfm_by_score(t, &s, 1);
	} else if (strcmp(by, "f") == 0) {
		report_table_init(t, rfm_f_cols, NCOLS(rfm_f_cols));
		rfm_by_score(t, &s, 0);
	} else {
		report_table_init(t, rfm_seg_cols, NCOLS(rfm_seg_cols));
		rfm_by_segment(t, &s);
	}
	char extra[160], extra_zh[160];
	snprintf(extra, sizeof(extra),
	         "%lld buyers scored by quintiles; %lld customers without a purchase are not scored.",
	         (long long)s.all.buyers, (long long)(s.all.n - s.all.buyers));
	snprintf(extra_zh, sizeof(extra_zh), "%lld 位购买客户按五分位评分；%lld 位没有购买的客户不评分。",
	         (long long)s.all.buyers, (long long)(s.all.n - s.all.buyers));
	note_source(t, &s, extra, extra_zh);
	return 0;
}

static const char *const rfm_by[] = { "segment", "r", "f", NULL };
const struct report_def report_rfm = { "rfm", "RFM segments", "RFM 客户分群", rfm_by, PERM, run_rfm };

/* ---- abc ------------------------------------------------------------------------ */

static const struct report_col abc_cols[] = {
	{ "class", "Class", "类别", RT_TEXT },
	{ "customers", "Customers", "客户数", RT_INT },
	{ "customer_share", "Share of customers", "客户占比", RT_RATE },
	{ "revenue", "Revenue", "收入", RT_MONEY },
	{ "revenue_share", "Share of revenue", "收入占比", RT_RATE },
};

static int run_abc(struct db *db, const struct report_params *p, struct report_table *t, struct kf_error *err)
{
	struct summary s;
	int rc = summarise(db, p, &s, err);
	if (rc < 0)
		return rc;
	report_table_init(t, abc_cols, NCOLS(abc_cols));
	for (int c = 0; c < 3; c++) {
		const struct group *g = &s.abc_cls[c];
		char name[2] = { (char)('A' + c), '\0' };
		size_t row = report_row(t);
		report_set_text(t, row, 0, name);
		report_set_int(t, row, 1, g->n);
		report_set_rate(t, row, 2, g->n, s.all.n);
		report_set_int(t, row, 3, g->money_sum);
		report_set_rate(t, row, 4, g->money_sum, s.all.money_sum);
		if (s.snapshot)
			report_set_drill(t, row, "/api/v1/customers?tier=%s", name);
	}
	char extra[200], extra_zh[200];
	snprintf(extra, sizeof(extra),
	         "Thresholds: A up to %.4g %% of cumulative revenue, B up to %.4g %%, C the rest; customers"
	         " without revenue are C.",
	         s.abc.a * 100, (s.abc.a + s.abc.b) * 100);
	snprintf(extra_zh, sizeof(extra_zh),
	         "阈值：累计收入的前 %.4g %% 为 A 类，至 %.4g %% 为 B 类，其余为 C 类；没有收入的客户为 C 类。",
	         s.abc.a * 100, (s.abc.a + s.abc.b) * 100);
	note_source(t, &s, extra, extra_zh);
	return 0;
}

const struct report_def report_abc = {
	"abc", "ABC classification by revenue", "按收入的 ABC 分类", NULL, PERM, run_abc
};

/* ---- loyalty -------------------------------------------------------------------- */

static const struct report_col loyalty_cols[] = {
	{ "cell", "Loyalty (Dick & Basu)", "忠诚类型(迪克和巴苏)", RT_TEXT },
	{ "attitude", "Relative attitude", "态度取向", RT_TEXT },
	{ "patronage", "Repeat patronage", "重复购买", RT_TEXT },
	{ "customers", "Customers", "客户数", RT_INT },
	{ "share", "Share of customers", "客户占比", RT_RATE },
	{ "buyers", "Buyers", "购买客户数", RT_INT },
	{ "tucker_loyal", "Tucker-loyal (3 in a row)", "塔克忠诚(连续3次购买)", RT_INT },
	{ "tucker_rate", "Tucker repeat rate", "塔克重复购买率", RT_RATE },
};

static void loyalty_row(struct report_table *t, const struct summary *s, const char *cell, const char *att,
                        const char *pat, const struct group *g)
{
	size_t row = report_row(t);
	report_set_text(t, row, 0, cell);
	if (att)
		report_set_text(t, row, 1, att);
	if (pat)
		report_set_text(t, row, 2, pat);
	report_set_int(t, row, 3, g->n);
	report_set_rate(t, row, 4, g->n, s->all.n);
	report_set_int(t, row, 5, g->buyers);
	report_set_int(t, row, 6, g->tucker);
	report_set_rate(t, row, 7, g->tucker, g->buyers);
}

static int run_loyalty(struct db *db, const struct report_params *p, struct report_table *t,
                       struct kf_error *err)
{
	static const struct {
		enum loyalty_cell cell;
		const char *att, *pat;
	} cells[] = {
		{ LOYALTY_TRUE, "high", "high" },     { LOYALTY_LATENT, "high", "low" },
		{ LOYALTY_SPURIOUS, "low", "high" },  { LOYALTY_NONE, "low", "low" },
		{ LOYALTY_UNKNOWN, "unknown", NULL },
	};
	struct summary s;
	int rc = summarise(db, p, &s, err);
	if (rc < 0)
		return rc;
	report_table_init(t, loyalty_cols, NCOLS(loyalty_cols));
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
		loyalty_row(t, &s, loyalty_cell_name(cells[i].cell), cells[i].att, cells[i].pat,
		            &s.loyalty[cells[i].cell]);
	loyalty_row(t, &s, "all", NULL, NULL, &s.all);
	note_source(t, &s,
	            "Attitude: latest survey answer NPS >= 9 or CSAT >= 4 is high. Patronage: RFM F >= 4 or"
	            " Tucker-loyal (last 3 purchases each within 365 days of the one before).",
	            "态度：最近一次调查 NPS ≥ 9 或 CSAT ≥ 4 为高。惠顾：RFM 的 F ≥ 4，或符合塔克忠诚"
	            "（最近 3 次购买各与前一次相隔不超过 365 天）为高。");
	return 0;
}

const struct report_def report_loyalty = { "loyalty",
	                                   "Loyalty: Dick & Basu matrix and Tucker repeat purchase",
	                                   "客户忠诚度:迪克和巴苏矩阵与塔克重复购买",
	                                   NULL,
	                                   PERM,
	                                   run_loyalty };

/* ---- lifecycle ------------------------------------------------------------------ */

static const struct report_col lifecycle_cols[] = {
	{ "stage", "Stage", "生命周期阶段", RT_TEXT },
	{ "customers", "Customers", "客户数", RT_INT },
	{ "share", "Share of customers", "客户占比", RT_RATE },
	{ "revenue", "Revenue", "收入", RT_MONEY },
	{ "mean_recency_days", "Mean recency (days)", "平均最近购买天数", RT_NUM },
};

static int run_lifecycle(struct db *db, const struct report_params *p, struct report_table *t,
                         struct kf_error *err)
{
	struct summary s;
	int rc = summarise(db, p, &s, err);
	if (rc < 0)
		return rc;
	report_table_init(t, lifecycle_cols, NCOLS(lifecycle_cols));
	for (int st = 0; st < LIFECYCLE_STAGES; st++) {
		const struct group *g = &s.stage[st];
		const char *name = lifecycle_stage_name((enum lifecycle_stage)st);
		size_t row = report_row(t);
		report_set_text(t, row, 0, name);
		report_set_int(t, row, 1, g->n);
		report_set_rate(t, row, 2, g->n, s.all.n);
		report_set_int(t, row, 3, g->money_sum);
		set_mean(t, row, 4, g->recency_sum, g->buyers);
		if (s.snapshot)
			report_set_drill(t, row, "/api/v1/customers?stage=%s", name);
	}
	note_source(t, &s, "Stage rules: docs/metrics/customer-value.md.",
	            "阶段规则见 docs/metrics/customer-value.md。");
	return 0;
}

const struct report_def report_lifecycle = {
	"lifecycle", "Customers by lifecycle stage", "客户生命周期阶段", NULL, PERM, run_lifecycle
};
