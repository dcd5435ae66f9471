/*
 * survey_score.h - the arithmetic of satisfaction surveys (PRODUCT.md Q1,
 * seed 000 ch. 6; definitions and worked examples in docs/metrics/surveys.md).
 *
 * Pure: a tally is filled answer by answer (or from grouped counts), and
 * the scores are read from it.  No store, no clock.  A score whose
 * denominator is zero is null (struct survey_score.null = 1), never NaN.
 *
 *   CSAT      share of 4-5 among the 1-5 answers (a rate in [0, 1])
 *   NPS       %promoters (9-10) - %detractors (0-6), passives (7-8) in the
 *             denominator; -100 ... +100 (Reichheld 2003)
 *   CES 2.0   mean of the 1-7 agreement answers, and the share of 5-7
 *             ("agree"; Dixon, Toman & DeLisi 2013)
 *   SERVQUAL  per dimension: mean expectation E, mean perception P, gap
 *             P - E; overall gap unweighted (mean of the dimension gaps)
 *             or weighted by points split across the five dimensions
 *             (Parasuraman, Zeithaml & Berry 1985/1988)
 *   response rate  answered / sent, over invitations sent in a period
 */
#ifndef KF_SURVEY_SCORE_H
#define KF_SURVEY_SCORE_H

#include <stdint.h>

#include "base/err.h"

#define SURVEY_SKIPPED (-1) /* a question the customer did not answer */

struct survey_score {
	int null; /* 1: no value (zero denominator) */
	double v; /* the value when not null */
};

/* Counts of the answers to the three single questions. */
struct survey_tally {
	int64_t csat_n; /* CSAT answers (1-5) */
	int64_t csat_top; /* of them 4 or 5 */
	int64_t nps_n; /* NPS answers (0-10) */
	int64_t promoters; /* 9-10 */
	int64_t passives; /* 7-8 */
	int64_t detractors; /* 0-6 */
	int64_t ces_n; /* CES answers (1-7) */
	int64_t ces_sum; /* sum of the CES answers */
	int64_t ces_agree; /* of them 5-7 */
};

/*
 * Count one response: each score or SURVEY_SKIPPED.  A value outside its
 * scale counts as skipped (the store's CHECKs keep them out anyway).
 * count is how many identical responses this is (1, or a GROUP BY count).
 */
void survey_tally_add(struct survey_tally *t, int csat, int nps, int ces, int64_t count);
/* Add every count of b into a. */
void survey_tally_merge(struct survey_tally *a, const struct survey_tally *b);

struct survey_score survey_csat(const struct survey_tally *t); /* rate in [0, 1] */
struct survey_score survey_nps(const struct survey_tally *t); /* -100 ... 100 */
struct survey_score survey_ces_mean(const struct survey_tally *t); /* 1 ... 7 */
struct survey_score survey_ces_agree(const struct survey_tally *t); /* rate in [0, 1] */
/* answered / sent; null when sent is 0. */
struct survey_score survey_response_rate(int64_t answered, int64_t sent);

/* --- SERVQUAL ------------------------------------------------------------ */
enum servqual_dim { SQ_TANGIBLES, SQ_RELIABILITY, SQ_RESPONSIVENESS, SQ_ASSURANCE, SQ_EMPATHY, SQ_DIMS };

/* "tangibles", "reliability", ... */
const char *servqual_dim_name(enum servqual_dim d);
/* The dimension named name, or -1. */
int servqual_dim_parse(const char *name);

struct servqual_tally {
	int64_t n[SQ_DIMS]; /* answered pairs per dimension */
	int64_t e_sum[SQ_DIMS]; /* sum of expectations (1-7) */
	int64_t p_sum[SQ_DIMS]; /* sum of perceptions (1-7) */
};

/* Count one (expectation, perception) pair of dimension d, count times. */
void servqual_add(struct servqual_tally *t, enum servqual_dim d, int expectation, int perception,
                  int64_t count);
struct survey_score servqual_expectation(const struct servqual_tally *t, enum servqual_dim d);
struct survey_score servqual_perception(const struct servqual_tally *t, enum servqual_dim d);
/* P - E of dimension d (mean perception minus mean expectation). */
struct survey_score servqual_gap(const struct servqual_tally *t, enum servqual_dim d);

/*
 * The overall gap: sum(w_d * gap_d) / sum(w_d) over the dimensions whose gap
 * is not null; w NULL = equal weights (the unweighted mean of the gaps).
 * Null when no dimension with a positive weight has a gap.
 */
struct survey_score servqual_weighted_gap(const struct survey_score gap[SQ_DIMS], const double *w);

/*
 * Parse weights "10,30,25,20,15": five non-negative numbers in the order
 * tangibles, reliability, responsiveness, assurance, empathy, with a
 * positive sum (points need not add up to 100).  KF_EINVAL naming field.
 */
int servqual_weights_parse(const char *s, const char *field, double w[SQ_DIMS], struct kf_error *err);

#endif
