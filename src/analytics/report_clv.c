/*
 * report_clv.c - the "clv" report: customer lifetime value per customer
 * from the BG/NBD and Gamma-Gamma models (analytics/clv.h).
 *
 * One streaming query reads every non-cancelled order of a known customer
 * placed before the end of the calibration (params->to, or now), ordered
 * by customer and time; clv_summary turns each customer's orders into
 * (x, t_x, T, m) in weeks of local days (params->tz, UTC by default).  Both
 * models are fitted on all customers, then every customer is valued over
 * the horizon and the top `limit` by CLV are listed.  The definitions are
 * in docs/metrics/clv.md.
 *
 * Options: limit (1..100000, default 100), horizon_weeks (0..520,
 * default 52), discount (annual rate 0..10, default 0.1).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/clv.h"
#include "analytics/report.h"
#include "base/tz.h"
#include "base/xalloc.h"
#include "store/db.h"

enum { C_CUSTOMER, C_X, C_RECENCY, C_AGE, C_ALIVE, C_PURCHASES, C_SPEND, C_CLV, C_NCOLS };

static const struct report_col clv_cols[C_NCOLS] = {
	{ "customer_id", "Customer", "客户", RT_INT },
	{ "x", "Repeat purchases", "重复购买次数", RT_INT },
	{ "recency_weeks", "Last repeat purchase (weeks after the first)", "最近一次重复购买 (首购后周数)",
	  RT_NUM },
	{ "age_weeks", "Customer age (weeks)", "客户年龄 (周)", RT_NUM },
	{ "p_alive", "P(alive)", "仍活跃概率", RT_RATE },
	{ "expected_purchases", "Expected purchases in the horizon", "预期购买次数 (预测期内)", RT_NUM },
	{ "expected_spend", "Expected spend per purchase", "预期每单金额", RT_MONEY },
	{ "clv", "CLV (discounted)", "客户终身价值 (折现)", RT_MONEY },
};

/* clang-format off */
#define ORDER_COLS(F, X) \
	F(OC_CUSTOMER_ID, "customer_id") \
	X(OC_PLACED_AT, "placed_at") \
	X(OC_TOTAL_MINOR, "total_minor")
/* clang-format on */
DB_COLS_ENUM(ORDER_COLS, OC_NCOLS);
static struct db_sql q_orders = DB_SQL("SELECT " DB_COLS_SQL(
        ORDER_COLS) " FROM orders"
                    " WHERE customer_id IS NOT NULL AND status <> 'cancelled' AND placed_at < $1"
                    " ORDER BY customer_id, placed_at");

struct clv_opts {
	double limit, horizon, discount;
};

static int read_opts(const struct report_params *p, struct clv_opts *o, struct kf_error *err)
{
	int rc = report_opt_num(p, "limit", 100, 1, 100000, &o->limit, err);
	if (rc == 0)
		rc = report_opt_num(p, "horizon_weeks", 52, 0, 520, &o->horizon, err);
	if (rc == 0)
		rc = report_opt_num(p, "discount", 0.1, 0, 10, &o->discount, err);
	if (rc == 0 && o->limit != floor(o->limit))
		rc = kf_fail(err, KF_EINVAL, "invalid", "limit", "limit must be a whole number");
	return rc;
}

/* The local day of a UTC instant (UTC when z is NULL). */
static int64_t local_day(const struct tz *z, int64_t t)
{
	return tz_floordiv(z ? tz_to_local(z, t) : t, 86400);
}

/* Stream the orders into s (calibration end: the day of end - 1). */
static int gather(struct db *db, const struct tz *z, int64_t end, struct clv_summary *s, struct kf_error *err)
{
	struct db_rows *r = NULL;
	clv_summary_init(s, local_day(z, end - 1));
	int rc = db_query(db, &q_orders, DB_ARGS(db_int(end)), &r, err);
	int64_t cur = 0, last = 0;
	while (rc >= 0 && (rc = db_next(r, err)) == 1) {
		int64_t id = db_col_int(r, OC_CUSTOMER_ID), day = local_day(z, db_col_int(r, OC_PLACED_AT));
		/* A daylight-saving fall-back can step the local day back within one customer. */
		if (id == cur && day < last)
			day = last;
		cur = id;
		last = day;
		rc = clv_summary_add(s, id, day, (double)db_col_int(r, OC_TOTAL_MINOR), err);
	}
	db_done(r);
	if (rc < 0)
		return rc;
	clv_summary_finish(s);
	return 0;
}

/* One customer's figures. */
struct clv_row {
	int64_t id;
	double x, tx, T, alive, purchases, spend, clv;
};

struct clv_fits {
	struct clv_bgnbd bg;
	struct clv_gg gg;
	struct clv_fit_info bgi, ggi;
};

static int fit(const struct clv_summary *s, struct clv_fits *f, struct kf_error *err)
{
	struct clv_data d = clv_summary_data(s);
	int rc = clv_bgnbd_fit(&d, NULL, &f->bg, &f->bgi, err);
	if (rc == 0)
		rc = clv_gg_fit(&d, NULL, &f->gg, &f->ggi, err);
	return rc;
}

/* CLV descending, undefined values last, then customer id ascending. */
static int cmp_clv(const void *pa, const void *pb)
{
	const struct clv_row *a = pa, *b = pb;
	int fa = isfinite(a->clv), fb = isfinite(b->clv);
	if (fa != fb)
		return fa ? -1 : 1;
	if (fa && a->clv != b->clv)
		return a->clv > b->clv ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Value every customer (clv_value), then order the rows by CLV. */
static int value_all(const struct clv_summary *s, const struct clv_fits *f, const struct clv_opts *o,
                     struct clv_row *rows, struct kf_error *err)
{
	struct clv_data d = clv_summary_data(s);
	double *v = xcalloc(4 * s->n, sizeof *v);
	struct clv_values out = { v, v + s->n, v + 2 * s->n, v + 3 * s->n };
	int rc = clv_value(&f->bg, &f->gg, &d, o->horizon, o->discount, &out, err);
	for (size_t i = 0; rc == 0 && i < s->n; i++)
		rows[i] = (struct clv_row){ s->id[i],       s->x[i],          s->t_x[i],    s->T[i],
			                    out.p_alive[i], out.purchases[i], out.spend[i], out.clv[i] };
	free(v);
	if (rc == 0)
		qsort(rows, s->n, sizeof *rows, cmp_clv);
	return rc;
}

static void set_money(struct report_table *t, size_t row, size_t col, double v)
{
	if (isfinite(v) && fabs(v) < 9e18)
		report_set_int(t, row, col, llround(v));
}

static void fill(struct report_table *t, const struct clv_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct clv_row *w = &rows[i];
		size_t row = report_row(t);
		report_set_int(t, row, C_CUSTOMER, w->id);
		report_set_int(t, row, C_X, (int64_t)w->x);
		report_set_num(t, row, C_RECENCY, w->tx);
		report_set_num(t, row, C_AGE, w->T);
		report_set_num(t, row, C_ALIVE, w->alive);
		report_set_num(t, row, C_PURCHASES, w->purchases);
		set_money(t, row, C_SPEND, w->spend);
		set_money(t, row, C_CLV, w->clv);
		report_set_drill(t, row, "/api/v1/customers/%lld", (long long)w->id);
	}
}

static void note(struct report_table *t, const struct clv_summary *s, const struct clv_fits *f,
                 const struct clv_opts *o, size_t shown)
{
	int64_t y;
	int m, d;
	tz_civil_from_days(s->cal_end_day, &y, &m, &d);
	report_set_note(t,
	                "BG/NBD r=%.4f alpha=%.4f a=%.4f b=%.4f (LL %.2f, %zu customers); "
	                "Gamma-Gamma p=%.4f q=%.4f gamma=%.4f (LL %.2f, %zu repeat customers); "
	                "calibration to %04lld-%02d-%02d, horizon %g weeks, discount %g/year; "
	                "top %zu of %zu customers by CLV; money in minor units",
	                f->bg.r, f->bg.alpha, f->bg.a, f->bg.b, f->bgi.ll, f->bgi.customers, f->gg.p, f->gg.q,
	                f->gg.gamma, f->ggi.ll, f->ggi.customers, (long long)y, m, d, o->horizon, o->discount,
	                shown, s->n);
	report_set_note_zh(t,
	                   "BG/NBD r=%.4f alpha=%.4f a=%.4f b=%.4f（对数似然 %.2f，%zu 位客户）；"
	                   "Gamma-Gamma p=%.4f q=%.4f gamma=%.4f（对数似然 %.2f，%zu 位重复购买客户）；"
	                   "校准期截至 %04lld-%02d-%02d，预测 %g 周，年折现率 %g；"
	                   "按 CLV 显示前 %zu 位（共 %zu 位）客户",
	                   f->bg.r, f->bg.alpha, f->bg.a, f->bg.b, f->bgi.ll, f->bgi.customers, f->gg.p,
	                   f->gg.q, f->gg.gamma, f->ggi.ll, f->ggi.customers, (long long)y, m, d, o->horizon,
	                   o->discount, shown, s->n);
}

static void progress(const struct report_params *p, uint64_t done)
{
	if (p->progress)
		p->progress(p->progress_arg, done, 3);
}

static int clv_run(struct db *db, const struct report_params *p, struct report_table *t, struct kf_error *err)
{
	struct clv_summary s;
	struct clv_opts o;
	struct clv_fits f;
	const struct tz *z = NULL;
	struct clv_row *rows = NULL;
	clv_summary_init(&s, 0);
	report_table_init(t, clv_cols, C_NCOLS);
	int rc = read_opts(p, &o, err);
	if (rc == 0 && p->tz && *p->tz)
		rc = tz_load(p->tz, &z, err);
	int64_t end = p->to ? p->to : p->now;
	if (rc == 0)
		rc = gather(db, z, end, &s, err);
	if (rc < 0)
		goto out;
	progress(p, 1);
	if (s.n == 0) {
		report_set_note(t, "no purchases before the end of the calibration: nothing to fit");
		report_set_note_zh(t, "校准期结束前没有购买记录，无法拟合");
		goto out;
	}
	rc = fit(&s, &f, err);
	if (rc < 0)
		goto out;
	progress(p, 2);
	rows = xcalloc(s.n, sizeof *rows);
	rc = value_all(&s, &f, &o, rows, err);
	if (rc < 0)
		goto out;
	size_t shown = s.n < (size_t)o.limit ? s.n : (size_t)o.limit;
	fill(t, rows, shown);
	note(t, &s, &f, &o, shown);
	progress(p, 3);
out:
	free(rows);
	clv_summary_release(&s);
	return rc;
}

const struct report_def report_clv = {
	.name = "clv",
	.title_en = "Customer lifetime value (BG/NBD + Gamma-Gamma)",
	.title_zh = "客户终身价值 (BG/NBD + Gamma-Gamma)",
	.by_allowed = NULL,
	.perm = "report.read",
	.run = clv_run,
};
