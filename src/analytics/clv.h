/*
 * clv.h - customer lifetime value: the BG/NBD model of repeat purchasing
 * and the Gamma-Gamma model of spend, fitted by maximum likelihood, and
 * the discounted value of a customer's expected future purchases.
 *
 * A customer is summarised, over a calibration period, by
 *     x    the number of repeat purchases (purchase days after the first),
 *     t_x  the time of the last repeat purchase, from the first purchase,
 *     T    the time from the first purchase to the end of the calibration,
 *     m    the mean value of the repeat purchases (0 when x = 0),
 * with times in weeks (days / 7).  clv_summary_* builds these from a
 * purchase log.  Data come in as parallel arrays (struct clv_data); the
 * fits collapse identical customers internally, so a million customers
 * with day-resolution times cost little more than the distinct ones.
 *
 * Formulas: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
 * Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2);
 * Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value"
 * (brucehardie.com note 025); the CLV sum of lifetimes'
 * utils._customer_lifetime_value.  docs/metrics/clv.md has the details.
 * Pure: no store, no clock, no globals.
 */
#ifndef KF_CLV_H
#define KF_CLV_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct clv_bgnbd {
	double r, alpha; /* purchase rate ~ Gamma(shape r, rate alpha), per week */
	double a, b; /* dropout probability after a purchase ~ Beta(a, b) */
};

struct clv_gg {
	double p; /* shape of each purchase's value ~ Gamma(p, nu) */
	double q, gamma; /* nu ~ Gamma(shape q, rate gamma) across customers */
};

struct clv_data {
	size_t n;
	const double *x; /* repeat purchases; whole numbers >= 0 */
	const double *t_x; /* weeks; 0 <= t_x <= T; 0 when x = 0 */
	const double *T; /* weeks; >= 0 */
	const double *m; /* mean repeat-purchase value; read by the Gamma-Gamma only; may be NULL otherwise */
	const double *w; /* how many customers each entry stands for (> 0); NULL = 1 each */
};

struct clv_fit_opts {
	int max_iter; /* optimiser iterations; 0 = 500 */
};

struct clv_fit_info {
	double ll; /* the maximised log-likelihood */
	size_t customers; /* customers used (sum of weights, rounded) */
	size_t groups; /* distinct entries the likelihood loops over */
	int iters, evals; /* optimiser iterations and likelihood evaluations */
	int fallback; /* 1 when Nelder-Mead had to take over from BFGS */
};

/* ---- BG/NBD ---- */

/* One customer's log-likelihood (FHL 2005 eq. 6), or NaN for parameters <= 0. */
double clv_bgnbd_ll_i(const struct clv_bgnbd *par, double x, double t_x, double T);

/*
 * The total log-likelihood of d at par into *ll, and when grad is not NULL
 * its gradient with respect to (ln r, ln alpha, ln a, ln b).  KF_EINVAL
 * (field "data") when an entry is invalid (see struct clv_data) or d is
 * empty, (field "params") when a parameter is not > 0.
 */
int clv_bgnbd_ll(const struct clv_data *d, const struct clv_bgnbd *par, double *ll, double grad[4],
                 struct kf_error *err);

/*
 * Fit the BG/NBD to d by maximum likelihood (BFGS over the log-parameters,
 * Nelder-Mead as a fallback).  opts and info may be NULL.  KF_EINVAL with
 * key "invalid" (field "data") for bad or empty data, "no_repeat" when no
 * customer has a repeat purchase, "not_converged" when the optimiser does
 * not converge; *out is then untouched and never NaN.
 */
int clv_bgnbd_fit(const struct clv_data *d, const struct clv_fit_opts *opts, struct clv_bgnbd *out,
                  struct clv_fit_info *info, struct kf_error *err);

/* P(alive | x, t_x, T): the probability the customer has not dropped out. */
double clv_bgnbd_p_alive(const struct clv_bgnbd *par, double x, double t_x, double T);

/*
 * E[Y(t) | x, t_x, T]: expected purchases in the next t weeks (FHL 2005
 * eq. 10).  NaN only if the hypergeometric series does not converge
 * (t / (alpha + T + t) beyond ~0.9999).
 */
double clv_bgnbd_expected(const struct clv_bgnbd *par, double x, double t_x, double T, double t);

/* E[X(t)]: expected purchases in t weeks of a customer just acquired (FHL 2005 eq. 7). */
double clv_bgnbd_unconditional(const struct clv_bgnbd *par, double t);

/*
 * The Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 and
 * c > 0, by its power series (after Euler's transformation when
 * c - a - b < 0, so the terms stay bounded).  NaN outside that domain or
 * when the series does not converge within CLV_HYP2F1_MAX_TERMS terms.
 */
#define CLV_HYP2F1_MAX_TERMS 200000
double clv_hyp2f1(double a, double b, double c, double z);

/* ---- Gamma-Gamma ---- */

/* One customer's log-likelihood of the mean value m of x > 0 repeat purchases; NaN if undefined. */
double clv_gg_ll_i(const struct clv_gg *par, double x, double m);

/*
 * The total log-likelihood over the entries of d with x > 0 and m > 0,
 * and its gradient with respect to (ln p, ln q, ln gamma).  Errors as
 * clv_bgnbd_ll (d->m is required).
 */
int clv_gg_ll(const struct clv_data *d, const struct clv_gg *par, double *ll, double grad[3],
              struct kf_error *err);

/* Fit the Gamma-Gamma on the entries of d with x > 0 and m > 0.  Errors as clv_bgnbd_fit ("no_repeat"). */
int clv_gg_fit(const struct clv_data *d, const struct clv_fit_opts *opts, struct clv_gg *out,
               struct clv_fit_info *info, struct kf_error *err);

/*
 * E[M | x, m]: the expected value of a future purchase, p (gamma + x m) /
 * (p x + q - 1).  For x = 0 this is the population mean p gamma / (q - 1).
 * NaN when the denominator is not > 0 (q <= 1 and x = 0).
 */
double clv_gg_mean(const struct clv_gg *par, double x, double m);

/* ---- value ---- */

#define CLV_PERIOD_WEEKS 4.345 /* one month, as lifetimes' weekly factor */

/*
 * The discounted expected number of purchases over the next horizon
 * weeks, in months of CLV_PERIOD_WEEKS (the last one cut at the horizon):
 *     sum_{i=1..k} (E[Y(t_i)] - E[Y(t_{i-1})]) / (1 + d)^i,
 *     t_i = min(i * CLV_PERIOD_WEEKS, horizon),  d = (1 + annual_rate)^(1/12) - 1.
 * Multiplied by E[M] this is the CLV of lifetimes' _customer_lifetime_value.
 * *undiscounted receives E[Y(horizon)] (may be NULL).  NaN as
 * clv_bgnbd_expected; horizon < 0 or annual_rate <= -1 give NaN.
 */
double clv_discounted_purchases(const struct clv_bgnbd *par, double x, double t_x, double T, double horizon,
                                double annual_rate, double *undiscounted);

/* Per-customer outputs of clv_value: caller-owned arrays of d->n entries; any may be NULL. */
struct clv_values {
	double *p_alive; /* P(alive | x, t_x, T) */
	double *purchases; /* E[Y(horizon) | x, t_x, T] */
	double *spend; /* E[M | x, m] */
	double *clv; /* spend x clv_discounted_purchases(...) */
};

/*
 * Value every customer of d over the horizon (weeks) at the annual
 * discount rate.  The purchase forecast depends only on (x, t_x, T), so
 * it is computed once per distinct triple.  An output that is undefined
 * (spend with q <= 1 and x = 0) is NaN.  KF_EINVAL for invalid data (as
 * clv_bgnbd_ll; d->m is needed for spend and clv), horizon outside
 * [0, 1e4] or annual_rate <= -1 (field "horizon" / "discount").
 */
int clv_value(const struct clv_bgnbd *bg, const struct clv_gg *gg, const struct clv_data *d, double horizon,
              double annual_rate, const struct clv_values *out, struct kf_error *err);

/* ---- summary of a purchase log ---- */

/*
 * Builds (x, t_x, T, m) per customer from purchases fed in order of
 * customer, then day.  Purchases on one day merge into one transaction
 * (amounts summed); purchases after cal_end_day are ignored; a customer
 * whose first purchase is after cal_end_day is left out.  Times are
 * (day - first day) / 7; m is the mean of the repeat transactions.
 * The arrays are owned and grow as customers are added.
 */
struct clv_summary {
	size_t n, cap;
	int64_t *id; /* customer ids, ascending */
	double *x, *t_x, *T, *m;
	/* the customer being read */
	int64_t cal_end_day;
	int open; /* a customer is being read */
	int has_first; /* ... and has a purchase on or before cal_end_day */
	int64_t cur, first_day, last_day, prev_day; /* prev_day: the last day fed, for the order check */
	double day_amount; /* the open day's amount so far */
	double repeat_sum, repeats; /* closed repeat transactions */
};

void clv_summary_init(struct clv_summary *s, int64_t cal_end_day);
/* Add one purchase; KF_EINVAL (field "log") when out of order. */
int clv_summary_add(struct clv_summary *s, int64_t customer, int64_t day, double amount, struct kf_error *err);
/* Close the last customer; call once after the last clv_summary_add. */
void clv_summary_finish(struct clv_summary *s);
void clv_summary_release(struct clv_summary *s);
/* The summary as data for the fits (borrowed arrays; w = NULL). */
struct clv_data clv_summary_data(const struct clv_summary *s);

#endif
