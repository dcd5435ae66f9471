/*
 * service_level.c - see service_level.h.  Formulas: Bowersox, Closs &
 * Cooper, Supply Chain Logistics Management (fill rates, stockout
 * frequency, cycle time and its consistency); McKinsey 2019 (OTIF); SCOR
 * RL.1.1 (perfect order fulfillment).
 */
#include "analytics/service_level.h"

#include <math.h>
#include <string.h>

/* Counts over the lines; 1 when every line is shipped (resp. delivered) complete. */
static void eval_lines(const struct sl_line *l, size_t n, struct sl_fact *f, int *all_shipped,
                       int *all_delivered)
{
	*all_shipped = *all_delivered = n > 0;
	for (size_t i = 0; i < n; i++) {
		int complete = l[i].shipped >= l[i].quantity;
		f->lines++;
		f->units += l[i].quantity;
		f->units_shipped += complete ? l[i].quantity : l[i].shipped;
		f->lines_complete += complete;
		f->lines_stockout += !complete || l[i].backordered > 0;
		*all_shipped &= complete;
		*all_delivered &= l[i].delivered >= l[i].quantity;
	}
}

static int processed(const struct sl_line *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (l[i].shipped > 0 || l[i].backordered > 0 || l[i].delivered > 0)
			return 1;
	return 0;
}

/* The delivery flags and the cycle time. */
static void eval_delivery(const struct sl_order *o, struct sl_fact *f)
{
	if (o->delivered_at <= 0)
		return;
	f->flags |= SL_DELIVERED;
	f->cycle_s = o->delivered_at >= o->placed_at ? o->delivered_at - o->placed_at : 0;
	if (o->promised_at <= 0)
		return;
	f->flags |= SL_DUE;
	if (o->delivered_at <= o->promised_at)
		f->flags |= SL_ON_TIME;
}

void sl_eval(const struct sl_order *o, const struct sl_line *l, size_t n, struct sl_fact *f)
{
	memset(f, 0, sizeof *f);
	f->cycle_s = -1;
	eval_delivery(o, f);
	if (!processed(l, n))
		return;
	int all_shipped, all_delivered;
	f->flags |= SL_PROCESSED;
	eval_lines(l, n, f, &all_shipped, &all_delivered);
	if (all_shipped)
		f->flags |= SL_COMPLETE;
	if (all_delivered)
		f->flags |= SL_IN_FULL;
	if (o->damaged)
		f->flags |= SL_DAMAGED;
	if (o->claimed)
		f->flags |= SL_CLAIMED;
	if ((f->flags & SL_ON_TIME) && all_delivered)
		f->flags |= SL_OTIF;
	if ((f->flags & SL_OTIF) && !o->damaged && !o->claimed && o->docs_ok)
		f->flags |= SL_PERFECT;
}

int sl_fact_equal(const struct sl_fact *a, const struct sl_fact *b)
{
	return a->flags == b->flags && a->lines == b->lines && a->lines_complete == b->lines_complete &&
	        a->lines_stockout == b->lines_stockout && a->units == b->units &&
	        a->units_shipped == b->units_shipped && a->cycle_s == b->cycle_s;
}

void sl_agg_init(struct sl_agg *a)
{
	memset(a, 0, sizeof *a);
}

/* Which flag each order counter counts. */
static const struct {
	enum sl_counter c;
	unsigned flag;
} flag_counters[] = {
	{ SL_C_PROCESSED, SL_PROCESSED }, { SL_C_COMPLETE, SL_COMPLETE }, { SL_C_IN_FULL, SL_IN_FULL },
	{ SL_C_DELIVERED, SL_DELIVERED }, { SL_C_DUE, SL_DUE },           { SL_C_ON_TIME, SL_ON_TIME },
	{ SL_C_OTIF, SL_OTIF },           { SL_C_PERFECT, SL_PERFECT },   { SL_C_DAMAGED, SL_DAMAGED },
	{ SL_C_CLAIMED, SL_CLAIMED },
};

void sl_agg_add(struct sl_agg *a, const struct sl_fact *f, int sign)
{
	a->c[SL_C_ORDERS] += sign;
	for (size_t i = 0; i < sizeof flag_counters / sizeof flag_counters[0]; i++)
		if (f->flags & flag_counters[i].flag)
			a->c[flag_counters[i].c] += sign;
	a->c[SL_C_LINES] += sign * f->lines;
	a->c[SL_C_LINES_COMPLETE] += sign * f->lines_complete;
	a->c[SL_C_LINES_STOCKOUT] += sign * f->lines_stockout;
	a->c[SL_C_UNITS] += sign * f->units;
	a->c[SL_C_UNITS_SHIPPED] += sign * f->units_shipped;
	if (f->flags & SL_DELIVERED) {
		a->c[SL_C_CYCLE_SUM] += sign * f->cycle_s;
		a->cycle_sumsq += (long double)sign * (long double)f->cycle_s * (long double)f->cycle_s;
		stats_hist_add(&a->hist, f->cycle_s, sign);
	}
}

void sl_agg_merge(struct sl_agg *a, const struct sl_agg *b, int sign)
{
	for (int i = 0; i < SL_C_COUNT; i++)
		a->c[i] += sign * b->c[i];
	a->cycle_sumsq += (long double)sign * b->cycle_sumsq;
	stats_hist_merge(&a->hist, &b->hist, sign);
}

int sl_agg_empty(const struct sl_agg *a)
{
	for (int i = 0; i < SL_C_COUNT; i++)
		if (a->c[i])
			return 0;
	return a->cycle_sumsq == 0 && stats_hist_empty(&a->hist);
}

/* Numerator and denominator counters of each metric. */
static const struct {
	enum sl_counter num, den;
} ratios[SL_METRIC_COUNT] = {
	[SL_STOCKOUT] = { SL_C_LINES_STOCKOUT, SL_C_LINES },
	[SL_FILL_UNIT] = { SL_C_UNITS_SHIPPED, SL_C_UNITS },
	[SL_FILL_LINE] = { SL_C_LINES_COMPLETE, SL_C_LINES },
	[SL_FILL_ORDER] = { SL_C_COMPLETE, SL_C_PROCESSED },
	[SL_COMPLETION] = { SL_C_IN_FULL, SL_C_PROCESSED },
	[SL_OTD] = { SL_C_ON_TIME, SL_C_DUE },
	[SL_OTIF_RATE] = { SL_C_OTIF, SL_C_DUE },
	[SL_PERFECT_RATE] = { SL_C_PERFECT, SL_C_DUE },
	[SL_DAMAGE_RATE] = { SL_C_DAMAGED, SL_C_PROCESSED },
	[SL_CLAIM_RATE] = { SL_C_CLAIMED, SL_C_PROCESSED },
};

void sl_ratio(const struct sl_agg *a, enum sl_metric m, int64_t *num, int64_t *den)
{
	*num = a->c[ratios[m].num];
	*den = a->c[ratios[m].den];
}

void sl_cycle(const struct sl_agg *a, struct sl_cycle *out)
{
	memset(out, 0, sizeof *out);
	int64_t n = a->c[SL_C_DELIVERED];
	out->n = n;
	if (n < 1)
		return;
	long double sum = (long double)a->c[SL_C_CYCLE_SUM];
	out->has_mean = 1;
	out->mean = (double)(sum / (long double)n);
	if (n >= 2) {
		long double var = (a->cycle_sumsq - sum * sum / (long double)n) / (long double)(n - 1);
		out->has_sd = 1;
		out->sd = var > 0 ? sqrt((double)var) : 0;
		out->has_cv = out->mean > 0;
		out->cv = out->has_cv ? out->sd / out->mean : 0;
	}
	out->has_pct = stats_hist_percentile(&a->hist, 0.50, &out->p50) &&
	        stats_hist_percentile(&a->hist, 0.90, &out->p90) &&
	        stats_hist_percentile(&a->hist, 0.95, &out->p95);
}
