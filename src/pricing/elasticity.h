/*
 * elasticity.h - price response and the service-level/cost optimum
 * (PRODUCT.md P3, P4; seed 000 第五章 服务定价决策, metrics-and-methods §6, §7).
 *
 * Price elasticity of demand E = %change in quantity / %change in price.
 * Simple (point): (dQ/Q0) / (dP/P0) - depends on the direction of the move.
 * Midpoint (arc): (dQ/((Q0+Q1)/2)) / (dP/((P0+P1)/2)) - the same both ways.
 * |E| > 1: elastic (a price rise loses revenue); < 1: inelastic.  The
 * seed's example: 20,000 subscribers, 10 -> 12 a month, 5,000 lost:
 * simple -1.25, midpoint -1.5714; revenue 200,000 -> 180,000.
 *
 * Newsvendor: with underage cost cu (margin lost on a missed sale, plus
 * goodwill) and overage cost co (cost of an unsold unit less salvage), the
 * cost-optimal cycle service level is the critical ratio cu / (cu + co);
 * with normal demand N(mu, sigma) the order quantity is mu + z sigma where
 * z = inverse normal CDF of the ratio, the expected shortage sigma L(z)
 * (L the standard normal loss function) and the unit fill rate
 * 1 - sigma L(z) / mu.
 */
#ifndef KF_ELASTICITY_H
#define KF_ELASTICITY_H

#include <stddef.h>

/* Each returns 0 and sets *e, or -1 when undefined (a zero base price,
 * quantity or price change). */
int elasticity_simple(double p0, double q0, double p1, double q1, double *e);
int elasticity_midpoint(double p0, double q0, double p1, double q1, double *e);

/* A what-if over prices: with a constant (midpoint) elasticity e fitted at
 * (p0, q0), the quantity at price p is q0 * (p / p0)^e (constant-elasticity
 * demand); revenue = p * q. */
struct whatif_row {
	double price, quantity, revenue;
};
int elasticity_whatif(double p0, double q0, double e, double from, double to, size_t steps,
                      struct whatif_row *out);

struct newsvendor {
	double critical_ratio; /* cu / (cu + co): the optimal cycle service level */
	double z; /* standard normal quantile of the ratio */
	double q; /* optimal order quantity */
	double expected_shortage, expected_sales, expected_leftover;
	double fill_rate; /* type 2: expected sales / mean demand */
	double expected_profit; /* price * sales + salvage * leftover - cost * q */
};

/* price p, unit cost c, salvage v, goodwill g; demand N(mu, sigma).
 * -1 unless p > c > v, sigma > 0, mu > 0. */
int newsvendor_normal(double p, double c, double v, double g, double mu, double sigma, struct newsvendor *out);

/* Standard normal pdf, cdf and its inverse (Acklam's rational
 * approximation refined by one Halley step: |error| < 1e-12). */
double normal_pdf(double z);
double normal_cdf(double z);
double normal_inv(double p);

#endif
