/*
 * test_optim.c - analytics/optim.c: BFGS and Nelder-Mead on functions with
 * known minima (Rosenbrock, an ill-conditioned quadratic, a function
 * undefined on half the plane), and every way a run can end (converged,
 * iteration limit, stalled, not finite at the start, diverging to a bound,
 * bad dimension).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "analytics/optim.h"
#include "base/banned.h"

#define assert_near(v, want, tol) \
	do { \
		double v_ = (v), w_ = (want); \
		if (!(fabs(v_ - w_) <= (tol))) \
			fail_msg("%s = %.10g, want %.10g +- %g", #v, v_, w_, (double)(tol)); \
	} while (0)

/* Rosenbrock: (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1). */
static double rosenbrock(const double *x, double *g, void *arg)
{
	(void)arg;
	double a = 1 - x[0], b = x[1] - x[0] * x[0];
	if (g) {
		g[0] = -2 * a - 400 * x[0] * b;
		g[1] = 200 * b;
	}
	return a * a + 100 * b * b;
}

/* sum_i 10^(i/2) (x_i - i)^2 over 8 coordinates: condition number 10^3.5. */
static double quadratic(const double *x, double *g, void *arg)
{
	(void)arg;
	double f = 0;
	for (int i = 0; i < 8; i++) {
		double c = pow(10, i / 2.0), d = x[i] - i;
		f += c * d * d;
		if (g)
			g[i] = 2 * c * d;
	}
	return f;
}

/* x - ln x + (y - 2)^2: defined only for x > 0 (NaN elsewhere), minimum 1 at (1, 2). */
static double half_plane(const double *x, double *g, void *arg)
{
	(void)arg;
	if (!(x[0] > 0))
		return NAN;
	if (g) {
		g[0] = 1 - 1 / x[0];
		g[1] = 2 * (x[1] - 2);
	}
	return x[0] - log(x[0]) + (x[1] - 2) * (x[1] - 2);
}

/* e^-x: no minimum; x runs to infinity. */
static double decaying(const double *x, double *g, void *arg)
{
	(void)arg;
	if (g)
		g[0] = -exp(-x[0]);
	return exp(-x[0]);
}

/* |x|: a kink at the minimum, where no gradient is small. */
static double kink(const double *x, double *g, void *arg)
{
	(void)arg;
	if (g)
		g[0] = x[0] >= 0 ? 1 : -1;
	return fabs(x[0]);
}

/* Counts its calls through arg. */
static double counted(const double *x, double *g, void *arg)
{
	(*(int *)arg)++;
	return quadratic(x, g, NULL);
}

static void test_bfgs_rosenbrock(void **state)
{
	(void)state;
	double x[2] = { -1.2, 1 };
	struct optim_result r;
	assert_int_equal(optim_bfgs(rosenbrock, NULL, 2, x, NULL, &r), OPTIM_OK);
	assert_near(x[0], 1, 1e-6);
	assert_near(x[1], 1, 1e-6);
	assert_true(r.f < 1e-12);
	assert_true(r.gmax <= 1e-8 * 1e3);
	assert_true(r.iters > 10 && r.iters < 200);
}

static void test_bfgs_quadratic(void **state)
{
	(void)state;
	double x[8] = { 0 };
	struct optim_result r;
	assert_int_equal(optim_bfgs(quadratic, NULL, 8, x, NULL, &r), OPTIM_OK);
	for (int i = 0; i < 8; i++)
		assert_near(x[i], i, 1e-8);
	assert_true(r.iters < 100);
}

static void test_bfgs_undefined_region(void **state)
{
	(void)state;
	double x[2] = { 20, -5 }; /* the first full step lands where f is NaN */
	struct optim_result r;
	assert_int_equal(optim_bfgs(half_plane, NULL, 2, x, NULL, &r), OPTIM_OK);
	assert_near(x[0], 1, 1e-7);
	assert_near(x[1], 2, 1e-7);
	assert_near(r.f, 1, 1e-14);
}

static void test_bfgs_endings(void **state)
{
	(void)state;
	struct optim_result r;
	/* iteration limit: x is still the best point so far */
	double x[2] = { -1.2, 1 };
	struct optim_opts o = { .max_iter = 3 };
	assert_int_equal(optim_bfgs(rosenbrock, NULL, 2, x, &o, &r), OPTIM_MAX_ITER);
	assert_int_equal(r.iters, 3);
	assert_true(r.f < rosenbrock((double[]){ -1.2, 1 }, NULL, NULL));
	assert_near(r.f, rosenbrock(x, NULL, NULL), 0);
	/* diverging: caught by the bound (without one, the gradient e^-x
	 * would fall below gtol near x = 18 and count as converged) */
	double y[1] = { 0 };
	o = (struct optim_opts){ .xbound = 10 };
	assert_int_equal(optim_bfgs(decaying, NULL, 1, y, &o, &r), OPTIM_BOUND);
	assert_true(y[0] > 10);
	/* a kink: no step lowers f, and |g| = 1 */
	double k[1] = { 0.3 };
	assert_int_equal(optim_bfgs(kink, NULL, 1, k, NULL, &r), OPTIM_STALLED);
	assert_true(fabs(k[0]) < 0.3);
	/* not finite at the start */
	double h[2] = { -1, 0 };
	assert_int_equal(optim_bfgs(half_plane, NULL, 2, h, NULL, &r), OPTIM_NONFINITE);
	assert_near(h[0], -1, 0);
	/* bad dimensions */
	double big[OPTIM_MAX_DIM + 1] = { 0 };
	assert_int_equal(optim_bfgs(quadratic, NULL, 0, big, NULL, &r), OPTIM_BADARG);
	assert_int_equal(optim_bfgs(quadratic, NULL, OPTIM_MAX_DIM + 1, big, NULL, &r), OPTIM_BADARG);
	assert_string_equal(optim_status_name(OPTIM_BOUND), "a parameter diverged");
	assert_string_equal(optim_status_name(OPTIM_OK), "converged");
}

static void test_nelder_mead(void **state)
{
	(void)state;
	struct optim_result r;
	double x[2] = { -1.2, 1 };
	assert_int_equal(optim_nelder_mead(rosenbrock, NULL, 2, x, NULL, &r), OPTIM_OK);
	assert_near(x[0], 1, 1e-5);
	assert_near(x[1], 1, 1e-5);
	assert_true(isnan(r.gmax));
	double h[2] = { 5, 5 };
	assert_int_equal(optim_nelder_mead(half_plane, NULL, 2, h, NULL, &r), OPTIM_OK);
	assert_near(h[0], 1, 1e-5);
	assert_near(h[1], 2, 1e-5);
	/* the evaluation budget is 20 x max_iter */
	int calls = 0;
	double q[8] = { 0 };
	struct optim_opts o = { .max_iter = 10 };
	assert_int_equal(optim_nelder_mead(counted, &calls, 8, q, &o, &r), OPTIM_MAX_ITER);
	assert_int_equal(calls, r.evals);
	assert_true(r.evals >= 200 && r.evals < 200 + 2 * 8 + 2);
	double y[1] = { 0 };
	o = (struct optim_opts){ .xbound = 10 };
	assert_int_equal(optim_nelder_mead(decaying, NULL, 1, y, &o, &r), OPTIM_BOUND);
	double bad[2] = { -1, 0 };
	assert_int_equal(optim_nelder_mead(half_plane, NULL, 2, bad, NULL, &r), OPTIM_NONFINITE);
	assert_int_equal(optim_nelder_mead(quadratic, NULL, 0, q, NULL, &r), OPTIM_BADARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bfgs_rosenbrock),       cmocka_unit_test(test_bfgs_quadratic),
		cmocka_unit_test(test_bfgs_undefined_region), cmocka_unit_test(test_bfgs_endings),
		cmocka_unit_test(test_nelder_mead),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
