/*
 * survey_score.c - see survey_score.h.  Formulas: seed 000 ch. 6 and
 * shared/reference/metrics-and-methods.md §6; docs/metrics/surveys.md.
 */
#include "quality/survey_score.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct survey_score none = { 1, 0.0 };

static struct survey_score value(double v)
{
	struct survey_score s = { 0, v };
	return s;
}

/* num / den, or null for a zero denominator. */
static struct survey_score ratio(int64_t num, int64_t den)
{
	return den > 0 ? value((double)num / (double)den) : none;
}

void survey_tally_add(struct survey_tally *t, int csat, int nps, int ces, int64_t count)
{
	if (csat >= 1 && csat <= 5) {
		t->csat_n += count;
		t->csat_top += csat >= 4 ? count : 0;
	}
	if (nps >= 0 && nps <= 10) {
		t->nps_n += count;
		if (nps >= 9)
			t->promoters += count;
		else if (nps >= 7)
			t->passives += count;
		else
			t->detractors += count;
	}
	if (ces >= 1 && ces <= 7) {
		t->ces_n += count;
		t->ces_sum += (int64_t)ces * count;
		t->ces_agree += ces >= 5 ? count : 0;
	}
}

void survey_tally_merge(struct survey_tally *a, const struct survey_tally *b)
{
	a->csat_n += b->csat_n;
	a->csat_top += b->csat_top;
	a->nps_n += b->nps_n;
	a->promoters += b->promoters;
	a->passives += b->passives;
	a->detractors += b->detractors;
	a->ces_n += b->ces_n;
	a->ces_sum += b->ces_sum;
	a->ces_agree += b->ces_agree;
}

struct survey_score survey_csat(const struct survey_tally *t)
{
	return ratio(t->csat_top, t->csat_n);
}

/* Reichheld 2003: %promoters - %detractors; passives only in the denominator. */
struct survey_score survey_nps(const struct survey_tally *t)
{
	if (t->nps_n <= 0)
		return none;
	return value(100.0 * (double)(t->promoters - t->detractors) / (double)t->nps_n);
}

struct survey_score survey_ces_mean(const struct survey_tally *t)
{
	return ratio(t->ces_sum, t->ces_n);
}

struct survey_score survey_ces_agree(const struct survey_tally *t)
{
	return ratio(t->ces_agree, t->ces_n);
}

struct survey_score survey_response_rate(int64_t answered, int64_t sent)
{
	return ratio(answered, sent);
}

/* --- SERVQUAL ------------------------------------------------------------ */

static const char *const dim_names[SQ_DIMS] = { "tangibles", "reliability", "responsiveness", "assurance",
	                                        "empathy" };

const char *servqual_dim_name(enum servqual_dim d)
{
	return d < SQ_DIMS ? dim_names[d] : "";
}

int servqual_dim_parse(const char *name)
{
	for (int d = 0; name && d < SQ_DIMS; d++)
		if (strcmp(dim_names[d], name) == 0)
			return d;
	return -1;
}

void servqual_add(struct servqual_tally *t, enum servqual_dim d, int expectation, int perception, int64_t count)
{
	if (d >= SQ_DIMS || expectation < 1 || expectation > 7 || perception < 1 || perception > 7)
		return;
	t->n[d] += count;
	t->e_sum[d] += (int64_t)expectation * count;
	t->p_sum[d] += (int64_t)perception * count;
}

struct survey_score servqual_expectation(const struct servqual_tally *t, enum servqual_dim d)
{
	return d < SQ_DIMS ? ratio(t->e_sum[d], t->n[d]) : none;
}

struct survey_score servqual_perception(const struct servqual_tally *t, enum servqual_dim d)
{
	return d < SQ_DIMS ? ratio(t->p_sum[d], t->n[d]) : none;
}

/* Gap 5 of the gap model, per dimension: mean P - mean E (= mean of P - E). */
struct survey_score servqual_gap(const struct servqual_tally *t, enum servqual_dim d)
{
	return d < SQ_DIMS ? ratio(t->p_sum[d] - t->e_sum[d], t->n[d]) : none;
}

struct survey_score servqual_weighted_gap(const struct survey_score gap[SQ_DIMS], const double *w)
{
	double num = 0.0, den = 0.0;
	for (int d = 0; d < SQ_DIMS; d++) {
		double wd = w ? w[d] : 1.0;
		if (gap[d].null || !(wd > 0.0))
			continue;
		num += wd * gap[d].v;
		den += wd;
	}
	return den > 0.0 ? value(num / den) : none;
}

/* One weight at *p: a finite number >= 0; advances *p past it. */
static int parse_weight(const char **p, double *out)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(*p, &end);
	if (end == *p || errno != 0 || !isfinite(v) || v < 0.0)
		return -1;
	*out = v;
	*p = end;
	return 0;
}

int servqual_weights_parse(const char *s, const char *field, double w[SQ_DIMS], struct kf_error *err)
{
	const char *p = s ? s : "";
	double sum = 0.0;
	for (int d = 0; d < SQ_DIMS; d++) {
		if (parse_weight(&p, &w[d]) < 0 || *p != (d == SQ_DIMS - 1 ? '\0' : ','))
			return kf_fail(err, KF_EINVAL, "invalid", field,
			               "%s must be five non-negative numbers separated by commas (tangibles,"
			               " reliability, responsiveness, assurance, empathy)",
			               field);
		if (*p == ',')
			p++;
		sum += w[d];
	}
	if (!(sum > 0.0))
		return kf_fail(err, KF_EINVAL, "invalid", field, "%s must not all be zero", field);
	return 0;
}
