/*
 * elasticity.c - price elasticity and the newsvendor optimum (see
 * elasticity.h for the definitions).
 */
#include "pricing/elasticity.h"

#include <math.h>

int elasticity_simple(double p0, double q0, double p1, double q1, double *e)
{
	if (p0 == 0 || q0 == 0 || p1 == p0)
		return -1;
	*e = ((q1 - q0) / q0) / ((p1 - p0) / p0);
	return 0;
}

int elasticity_midpoint(double p0, double q0, double p1, double q1, double *e)
{
	double qm = (q0 + q1) / 2, pm = (p0 + p1) / 2;
	if (qm == 0 || pm == 0 || p1 == p0)
		return -1;
	*e = ((q1 - q0) / qm) / ((p1 - p0) / pm);
	return 0;
}

int elasticity_whatif(double p0, double q0, double e, double from, double to, size_t steps,
                      struct whatif_row *out)
{
	if (p0 <= 0 || q0 < 0 || from <= 0 || to < from || steps < 1 || !isfinite(e))
		return -1;
	for (size_t i = 0; i < steps; i++) {
		double p = steps == 1 ? from : from + (to - from) * (double)i / (double)(steps - 1);
		double q = q0 * pow(p / p0, e);
		out[i] = (struct whatif_row){ p, q, p * q };
	}
	return 0;
}

double normal_pdf(double z)
{
	return exp(-0.5 * z * z) / sqrt(2 * M_PI);
}

double normal_cdf(double z)
{
	return 0.5 * erfc(-z / sqrt(2));
}

/* P. J. Acklam's algorithm, then one Halley refinement step. */
double normal_inv(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
		                    1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
		                    6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
		                    -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
		                    3.754408661907416e+00 };
	if (!(p > 0 && p < 1))
		return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
	double x, q, r;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p > 1 - 0.02425) {
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	double e = normal_cdf(x) - p;
	double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

int newsvendor_normal(double p, double c, double v, double g, double mu, double sigma, struct newsvendor *out)
{
	if (!(p > c && c > v) || g < 0 || !(sigma > 0) || !(mu > 0))
		return -1;
	double cu = p - c + g, co = c - v;
	double cr = cu / (cu + co);
	double z = normal_inv(cr);
	double loss = normal_pdf(z) - z * (1 - normal_cdf(z));
	double q = mu + z * sigma;
	double shortage = sigma * loss;
	double sales = mu - shortage;
	double left = q - sales;
	*out = (struct newsvendor){
		.critical_ratio = cr,
		.z = z,
		.q = q,
		.expected_shortage = shortage,
		.expected_sales = sales,
		.expected_leftover = left,
		.fill_rate = sales / mu,
		.expected_profit = p * sales + v * left - c * q - g * shortage,
	};
	return 0;
}
