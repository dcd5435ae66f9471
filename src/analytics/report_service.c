/*
 * report_service.c - the "service-level" report (PRODUCT.md L3): fill
 * rates, stockouts, completion, OTD, OTIF, perfect order, damage and
 * claim rates and the order cycle time, for the orders placed in
 * [from, to), by carrier, mode, region, category, day, week or month (or
 * one total row).  Definitions: docs/metrics/service-level.md.
 *
 * Two sources give the same table.  By default the report sums the daily
 * aggregates (service_daily, kept by the service_facts job), which needs
 * from and to on local midnights of the aggregates' zone and that zone as
 * the report's; otherwise, or with the option source=raw, it computes
 * straight from the raw tables with one streaming scan (sf_scan), and says
 * so in the note.  Both fold the same per-order facts into the same
 * counters, so they agree exactly once the job has caught up.
 */
#include "analytics/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/service_facts.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/strmap.h"
#include "base/tz.h"
#include "base/xalloc.h"

#define DAY_S 86400

enum { COL_GROUP, COL_ORDERS, COL_LINES, COL_UNITS, COL_RATE0, COL_OCT_MEAN = COL_RATE0 + SL_METRIC_COUNT };

static const struct report_col cols[] = {
	{ "group", "Group", "分组", RT_TEXT },
	{ "orders", "Orders", "订单数", RT_INT },
	{ "lines", "Lines (processed orders)", "订单行（已处理订单）", RT_INT },
	{ "units", "Units (processed orders)", "件数（已处理订单）", RT_INT },
	/* in enum sl_metric order */
	{ "stockout_rate", "Stockout frequency", "缺货频率", RT_RATE },
	{ "fill_rate_unit", "Unit fill rate", "件满足率", RT_RATE },
	{ "fill_rate_line", "Line fill rate", "订单行满足率", RT_RATE },
	{ "fill_rate_order", "Order fill rate", "订单满足率", RT_RATE },
	{ "order_completion", "Order completion rate", "订单完成率", RT_RATE },
	{ "otd", "On-time delivery", "准时交货率", RT_RATE },
	{ "otif", "On time in full", "准时足额交货率", RT_RATE },
	{ "perfect_order", "Perfect order rate (without documentation)", "完美订单率（不含单据准确）", RT_RATE },
	{ "damage_rate", "Damage rate", "货损率", RT_RATE },
	{ "claim_rate", "Claim rate", "索赔率", RT_RATE },
	{ "oct_mean", "Order cycle time, mean", "订单周期均值", RT_SECONDS },
	{ "oct_sd", "Order cycle time, SD", "订单周期标准差", RT_SECONDS },
	{ "oct_cv", "Order cycle time, CV", "订单周期变异系数", RT_NUM },
	{ "oct_p50", "Order cycle time, p50", "订单周期中位数", RT_SECONDS },
	{ "oct_p90", "Order cycle time, p90", "订单周期 p90", RT_SECONDS },
	{ "oct_p95", "Order cycle time, p95", "订单周期 p95", RT_SECONDS },
};
#define NCOLS (sizeof cols / sizeof cols[0])

/* What a "by" means: the aggregate kind to read and how a day becomes a group. */
enum period { P_NONE, P_DAY, P_WEEK, P_MONTH };
static const struct by_def {
	const char *by; /* the parameter */
	enum sf_kind kind; /* service_daily kind */
	enum period period; /* for kind all */
	const char *drill_key; /* orders list filter of the value, or NULL */
} bys[] = {
	{ "", SF_ALL, P_NONE, NULL },
	{ "carrier", SF_CARRIER, P_NONE, "carrier" },
	{ "mode", SF_MODE, P_NONE, "mode" },
	{ "region", SF_REGION, P_NONE, "region" },
	{ "category", SF_CATEGORY, P_NONE, "category" },
	{ "day", SF_ALL, P_DAY, NULL },
	{ "week", SF_ALL, P_WEEK, NULL },
	{ "month", SF_ALL, P_MONTH, NULL },
};

static const struct by_def *by_find(const char *by)
{
	for (size_t i = 0; i < sizeof bys / sizeof bys[0]; i++)
		if (strcmp(bys[i].by, by ? by : "") == 0)
			return &bys[i];
	return &bys[0];
}

struct group {
	char *key; /* owned */
	int64_t day0, day1; /* local days covered: [day0, day1) */
	struct sl_agg *agg; /* owned */
};

struct run {
	const struct by_def *by;
	const struct tz *z;
	int64_t from, to; /* the period, UTC (0 = open) */
	struct strmap idx; /* key -> index in g */
	struct group *g;
	size_t n, cap;
	struct sl_agg *last; /* the group found last (rows come in runs) */
	int64_t last_day;
	char last_value[256];
};

/* The group a local day falls in, for the period kinds: key and day span. */
static void period_of(enum period p, int64_t day, char *key, size_t n, int64_t *d0, int64_t *d1)
{
	int64_t y;
	int m, d;
	if (p == P_WEEK)
		day -= (tz_weekday(day) + 6) % 7; /* back to Monday */
	tz_civil_from_days(day, &y, &m, &d);
	if (p == P_MONTH) {
		snprintf(key, n, "%04lld-%02d", (long long)y, m);
		*d0 = tz_days_from_civil(y, m, 1);
		*d1 = m == 12 ? tz_days_from_civil(y + 1, 1, 1) : tz_days_from_civil(y, m + 1, 1);
		return;
	}
	if (p == P_NONE)
		snprintf(key, n, "total");
	else
		snprintf(key, n, "%04lld-%02d-%02d", (long long)y, m, d);
	*d0 = p == P_NONE ? INT64_MIN : day;
	*d1 = p == P_NONE ? INT64_MAX : day + (p == P_WEEK ? 7 : 1);
}

static struct sl_agg *group_for(struct run *r, const char *value, int64_t day)
{
	char key[256];
	int64_t i, d0 = INT64_MIN, d1 = INT64_MAX;
	if (r->last && (r->by->kind == SF_ALL ? day == r->last_day : strcmp(value, r->last_value) == 0))
		return r->last;
	r->last_day = day;
	str_copy(r->last_value, sizeof r->last_value, value);
	if (r->by->kind == SF_ALL)
		period_of(r->by->period, day, key, sizeof key, &d0, &d1);
	else
		str_copy(key, sizeof key, value);
	if (strmap_get(&r->idx, key, &i))
		return r->last = r->g[i].agg;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->g = xreallocarray(r->g, r->cap, sizeof *r->g);
	}
	struct sl_agg *a = xmalloc(sizeof *a);
	sl_agg_init(a);
	r->g[r->n] = (struct group){ xstrdup(key), d0, d1, a };
	strmap_put(&r->idx, key, (int64_t)r->n++);
	return r->last = a;
}

static void run_release(struct run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->g[i].key);
		free(r->g[i].agg);
	}
	free(r->g);
	strmap_release(&r->idx);
}

/* ---- the two sources ---------------------------------------------------------- */

static int raw_order(void *arg, const struct sf_order *o, struct kf_error *err)
{
	struct run *r = arg;
	(void)err;
	if (o->cancelled || (r->from && o->placed_at < r->from) || (r->to && o->placed_at >= r->to))
		return 0;
	const char *v[] = {
		[SF_ALL] = "", [SF_CARRIER] = o->carrier, [SF_MODE] = o->mode, [SF_REGION] = o->region, [SF_CATEGORY] = ""
	};
	if (r->by->kind != SF_CATEGORY) {
		sl_agg_add(group_for(r, v[r->by->kind], o->day), &o->fact, 1);
		return 0;
	}
	for (size_t i = 0; i < o->ncat; i++)
		sl_agg_add(group_for(r, o->cat[i], o->day), &o->cat_fact[i], 1);
	return 0;
}

static struct sl_agg *daily_row(void *arg, const char *value, int64_t day)
{
	return group_for(arg, value, day);
}

/* 1 when t is 0 (open) or a local midnight; *day its local day. */
static int midnight(const struct tz *z, int64_t t, int64_t *day)
{
	*day = tz_floordiv(tz_to_local(z, t), DAY_S);
	return t == 0 || tz_from_local(z, *day * DAY_S) == t;
}

/* ---- the table ---------------------------------------------------------------- */

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->key, ((const struct group *)b)->key);
}

static void add_query_value(struct buf *b, const char *key, const char *v)
{
	buf_addf(b, "&%s=", key);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			buf_addch(b, (char)*p);
		else
			buf_addf(b, "%%%02X", *p);
	}
}

/* The orders placed in the group's days (and the period), with its value when the list can filter by it. */
static void set_drill(struct report_table *t, size_t row, const struct run *r, const struct group *g)
{
	struct buf b = BUF_INIT;
	int64_t from = r->from, to = r->to;
	if (g->day0 != INT64_MIN) {
		int64_t f = tz_from_local(r->z, g->day0 * DAY_S), e = tz_from_local(r->z, g->day1 * DAY_S);
		from = from > f ? from : f;
		to = to && to < e ? to : e;
	}
	buf_adds(&b, "/api/v1/orders?");
	buf_addf(&b, "placed_from=%lld", (long long)from);
	if (to)
		buf_addf(&b, "&placed_to=%lld", (long long)to);
	if (r->by->drill_key)
		add_query_value(&b, r->by->drill_key, g->key);
	report_set_drill(t, row, "%s", buf_cstr(&b));
	buf_release(&b);
}

static void fill_row(struct report_table *t, const struct run *r, const struct group *g)
{
	size_t row = report_row(t);
	const struct sl_agg *a = g->agg;
	struct sl_cycle c;
	report_set_text(t, row, COL_GROUP, g->key);
	report_set_int(t, row, COL_ORDERS, a->c[SL_C_ORDERS]);
	report_set_int(t, row, COL_LINES, a->c[SL_C_LINES]);
	report_set_int(t, row, COL_UNITS, a->c[SL_C_UNITS]);
	for (int m = 0; m < SL_METRIC_COUNT; m++) {
		int64_t num, den;
		sl_ratio(a, (enum sl_metric)m, &num, &den);
		report_set_rate(t, row, COL_RATE0 + (size_t)m, num, den);
	}
	sl_cycle(a, &c);
	if (c.has_mean)
		report_set_int(t, row, COL_OCT_MEAN, llround(c.mean));
	if (c.has_sd)
		report_set_int(t, row, COL_OCT_MEAN + 1, llround(c.sd));
	if (c.has_cv)
		report_set_num(t, row, COL_OCT_MEAN + 2, c.cv);
	if (c.has_pct) {
		report_set_int(t, row, COL_OCT_MEAN + 3, llround(c.p50));
		report_set_int(t, row, COL_OCT_MEAN + 4, llround(c.p90));
		report_set_int(t, row, COL_OCT_MEAN + 5, llround(c.p95));
	}
	set_drill(t, row, r, g);
}

static void fill_table(struct report_table *t, struct run *r)
{
	if (r->n > 1)
		qsort(r->g, r->n, sizeof *r->g, cmp_group);
	for (size_t i = 0; i < r->n; i++)
		fill_row(t, r, &r->g[i]);
}

/* The Chinese wording of raw_reason's answers. */
static const char *const reasons_zh[][2] = {
	{ "asked for", "按请求" },
	{ "the aggregates are not built yet", "汇总表尚未生成" },
	{ "the time zone differs from the aggregates'", "时区与汇总表不同" },
	{ "the period does not start and end at midnight", "期间的起止不在零点" },
};

/* Where the numbers come from, in both languages; the watermark as a local date and time. */
static void set_note(struct report_table *t, const char *why, int64_t watermark, const struct tz *z)
{
	if (why) {
		const char *zh = why;
		for (size_t i = 0; i < sizeof(reasons_zh) / sizeof(reasons_zh[0]); i++)
			if (strcmp(reasons_zh[i][0], why) == 0)
				zh = reasons_zh[i][1];
		report_set_note(t, "computed from the raw tables (%s); days in %s", why, z->name);
		report_set_note_zh(t, "由原始数据计算（%s）；日期按 %s", zh, z->name);
		return;
	}
	int64_t local = tz_to_local(z, watermark), y;
	int64_t s = local - tz_floordiv(local, 86400) * 86400;
	int m, d;
	tz_civil_from_days(tz_floordiv(local, 86400), &y, &m, &d);
	report_set_note(t, "from the daily aggregates as of %04lld-%02d-%02d %02d:%02d; days in %s",
	                (long long)y, m, d, (int)(s / 3600), (int)(s / 60 % 60), z->name);
	report_set_note_zh(t, "来自每日汇总，截至 %04lld-%02d-%02d %02d:%02d；日期按 %s", (long long)y, m, d,
	                   (int)(s / 3600), (int)(s / 60 % 60), z->name);
}

/* Why the aggregates cannot answer (NULL when they can). */
static const char *raw_reason(const struct report_params *p, const struct tz *z, int64_t watermark)
{
	int64_t d;
	const char *src = report_opt(p, "source");
	if (src && strcmp(src, "raw") == 0)
		return "asked for";
	if (watermark < 0)
		return "the aggregates are not built yet";
	if (p->tz && *p->tz && strcmp(p->tz, z->name) != 0)
		return "the time zone differs from the aggregates'";
	if (!midnight(z, p->from, &d) || !midnight(z, p->to, &d))
		return "the period does not start and end at midnight";
	return NULL;
}

static int check_source(const struct report_params *p, struct kf_error *err)
{
	const char *src = report_opt(p, "source");
	if (src && strcmp(src, "raw") != 0 && strcmp(src, "aggregates") != 0)
		return kf_fail(err, KF_EINVAL, "invalid", "source", "source must be raw or aggregates");
	return 0;
}

static int run_service(struct db *db, const struct report_params *p, struct report_table *t,
                       struct kf_error *err)
{
	struct run r = { .by = by_find(p->by), .from = p->from, .to = p->to, .idx = STRMAP_INIT((size_t)-1) };
	int64_t watermark = -1, d0 = INT64_MIN / 4, d1 = INT64_MAX / 4;
	const struct tz *z = NULL;
	int rc = check_source(p, err);
	if (rc == 0)
		rc = sf_zone(db, &z, err);
	if (rc == 0)
		rc = sf_watermark(db, &watermark, err);
	if (rc < 0)
		return rc;
	const char *why = raw_reason(p, z, watermark);
	if (why && p->tz && *p->tz)
		rc = tz_load(p->tz, &z, err);
	r.z = z;
	if (rc == 0 && why) {
		rc = sf_scan(db, z, 0, INT64_MAX, raw_order, &r, err);
	} else if (rc == 0) {
		if (p->from)
			midnight(z, p->from, &d0);
		if (p->to)
			midnight(z, p->to, &d1);
		rc = sf_daily_scan(db, r.by->kind, d0, d1, daily_row, &r, err);
	}
	report_table_init(t, cols, NCOLS);
	if (rc == 0) {
		fill_table(t, &r);
		set_note(t, why, watermark, z);
	}
	run_release(&r);
	return rc;
}

static const char *const by_allowed[] = { "carrier", "mode", "region", "category",
	                                  "day",     "week", "month",  NULL };

const struct report_def report_service_level = {
	.name = "service-level",
	.title_en = "Logistics service level",
	.title_zh = "物流服务水平",
	.by_allowed = by_allowed,
	.perm = "report.read",
	.run = run_service,
};
