/*
 * optim.c - BFGS with a backtracking line search, and Nelder-Mead.
 *
 * BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., algorithm 6.1)
 * keeps an approximation H of the inverse Hessian, steps along d = -H g
 * and updates H from the step s and the change of gradient y:
 *     H <- (I - rho s y') H (I - rho y s') + rho s s',   rho = 1 / (y's).
 * H starts as the identity and is rescaled to (y's)/(y'y) before the first
 * update (N&W eq. 6.20).  The update is skipped when y's is not positive
 * (curvature condition), which keeps H positive definite.  The step
 * length comes from backtracking: start at 1 (at most OPTIM_MAX_STEP in any
 * coordinate), accept when the Armijo condition f(x + t d) <= f(x) +
 * 1e-4 t g'd holds, otherwise shrink t by quadratic interpolation (clamped
 * to [0.1 t, 0.5 t]), or by 10 where f is not finite; it gives up on a
 * direction at once when f(x + t d) differs from f(x) by rounding only
 * (f is flat there at double precision).  When no step is accepted along
 * d, H is reset to the identity (steepest descent) once; a second failure
 * ends the run: converged if max |g_i| <= OPTIM_STALL_SLACK * gtol (the
 * gradient is as small as f's rounding lets it get), stalled otherwise.
 *
 * Nelder-Mead is the textbook simplex (reflection 1, expansion 2,
 * contraction 1/2, shrink 1/2) started from x and x + 0.5 e_i.
 */
#include "analytics/optim.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define OPTIM_MAX_STEP 5.0 /* largest first trial step in any coordinate (log-parameters: a factor e^5) */
#define OPTIM_LS_TRIES 60 /* line-search shrinks before giving up on a direction */
#define OPTIM_ARMIJO 1e-4
#define OPTIM_FLAT 16 /* f values this many ulps apart count as equal */
#define OPTIM_STALL_SLACK 1e3 /* a stall with max|g| <= this * gtol counts as converged */

static const struct optim_opts defaults = { 500, 1e-8, 1e-12, 0 };

static struct optim_opts resolve(const struct optim_opts *o)
{
	struct optim_opts r = o ? *o : defaults;
	if (r.max_iter <= 0)
		r.max_iter = defaults.max_iter;
	if (r.gtol <= 0)
		r.gtol = defaults.gtol;
	if (r.ftol <= 0)
		r.ftol = defaults.ftol;
	return r;
}

const char *optim_status_name(enum optim_status s)
{
	switch (s) {
	case OPTIM_OK:
		return "converged";
	case OPTIM_MAX_ITER:
		return "iteration limit reached";
	case OPTIM_STALLED:
		return "line search stalled";
	case OPTIM_NONFINITE:
		return "objective not finite at the start";
	case OPTIM_BOUND:
		return "a parameter diverged";
	case OPTIM_BADARG:
		return "bad dimension";
	}
	return "unknown";
}

static double dot(const double *u, const double *v, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += u[i] * v[i];
	return s;
}

static double maxabs(const double *u, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		m = fmax(m, fabs(u[i]));
	return m;
}

static int all_finite(const double *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(u[i]))
			return 0;
	return 1;
}

static int out_of_bound(const double *x, size_t n, double xbound)
{
	return xbound > 0 && maxabs(x, n) > xbound;
}

static void set_identity(double *h, size_t n, double scale)
{
	memset(h, 0, n * n * sizeof *h);
	for (size_t i = 0; i < n; i++)
		h[i * n + i] = scale;
}

/* H <- (I - rho s y') H (I - rho y s') + rho s s', written with Hy:
 * H + rho^2 (y'Hy) s s' + rho s s' - rho (Hy s' + s (Hy)'). */
static void bfgs_update(double *h, const double *s, const double *y, double sy, size_t n)
{
	double hy[OPTIM_MAX_DIM];
	for (size_t i = 0; i < n; i++)
		hy[i] = dot(&h[i * n], y, n);
	double rho = 1.0 / sy;
	double yhy = dot(y, hy, n);
	double c = rho * rho * yhy + rho;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			h[i * n + j] += c * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
}

/* The state of one BFGS run. */
struct bfgs {
	optim_fn fn;
	void *arg;
	size_t n;
	double f; /* at x */
	double x[OPTIM_MAX_DIM], g[OPTIM_MAX_DIM];
	double xn[OPTIM_MAX_DIM], gn[OPTIM_MAX_DIM], fn_new; /* the accepted trial point */
	int evals;
};

/* Backtrack along d from t0; 1 with (xn, gn, fn_new) set when Armijo holds, else 0. */
static int line_search(struct bfgs *b, const double *d, double slope)
{
	double dmax = maxabs(d, b->n);
	double t = dmax > OPTIM_MAX_STEP ? OPTIM_MAX_STEP / dmax : 1.0;
	for (int k = 0; k < OPTIM_LS_TRIES; k++) {
		for (size_t i = 0; i < b->n; i++)
			b->xn[i] = b->x[i] + t * d[i];
		double fnew = b->fn(b->xn, b->gn, b->arg);
		b->evals++;
		int ok = isfinite(fnew) && all_finite(b->gn, b->n);
		/* Strictly lower too: where t * slope is below f's rounding the
		 * Armijo test alone would accept a step that gains nothing. */
		if (ok && fnew < b->f && fnew <= b->f + OPTIM_ARMIJO * t * slope) {
			b->fn_new = fnew;
			return 1;
		}
		if (!ok) {
			t *= 0.1;
			continue;
		}
		/* No lower and no higher than rounding: f is flat along d at
		 * this precision, and shorter steps will not do better. */
		if (fnew - b->f <= OPTIM_FLAT * DBL_EPSILON * (1 + fabs(b->f)))
			return 0;
		/* Minimum of the quadratic through f(0), f'(0) and f(t). */
		double tq = -slope * t * t / (2 * (fnew - b->f - slope * t));
		t = fmin(fmax(tq, 0.1 * t), 0.5 * t);
	}
	return 0;
}

static void finish(struct optim_result *res, const struct bfgs *b, int iters, enum optim_status st)
{
	res->f = b->f;
	res->gmax = maxabs(b->g, b->n);
	res->iters = iters;
	res->evals = b->evals;
	res->status = st;
}

enum optim_status optim_bfgs(optim_fn fn, void *arg, size_t n, double *x, const struct optim_opts *opts,
                             struct optim_result *res)
{
	struct optim_opts o = resolve(opts);
	struct bfgs b = { .fn = fn, .arg = arg, .n = n };
	memset(res, 0, sizeof *res);
	res->status = OPTIM_BADARG;
	if (n == 0 || n > OPTIM_MAX_DIM)
		return OPTIM_BADARG;
	memcpy(b.x, x, n * sizeof *x);
	b.f = fn(b.x, b.g, arg);
	b.evals = 1;
	if (!isfinite(b.f) || !all_finite(b.g, n)) {
		finish(res, &b, 0, OPTIM_NONFINITE);
		return OPTIM_NONFINITE;
	}
	double h[OPTIM_MAX_DIM * OPTIM_MAX_DIM];
	set_identity(h, n, 1.0);
	int scaled = 0, reset = 0;
	enum optim_status st = OPTIM_MAX_ITER;
	int it;
	for (it = 0; it < o.max_iter; it++) {
		if (maxabs(b.g, n) <= o.gtol) {
			st = OPTIM_OK;
			break;
		}
		double d[OPTIM_MAX_DIM];
		for (size_t i = 0; i < n; i++)
			d[i] = -dot(&h[i * n], b.g, n);
		double slope = dot(b.g, d, n);
		if (!(slope < 0)) { /* not a descent direction: fall back to -g */
			set_identity(h, n, 1.0);
			for (size_t i = 0; i < n; i++)
				d[i] = -b.g[i];
			slope = -dot(b.g, b.g, n);
		}
		if (!line_search(&b, d, slope)) {
			if (!reset) {
				set_identity(h, n, 1.0);
				scaled = 0;
				reset = 1;
				continue;
			}
			st = maxabs(b.g, n) <= OPTIM_STALL_SLACK * o.gtol ? OPTIM_OK : OPTIM_STALLED;
			break;
		}
		reset = 0;
		double s[OPTIM_MAX_DIM], y[OPTIM_MAX_DIM];
		for (size_t i = 0; i < n; i++) {
			s[i] = b.xn[i] - b.x[i];
			y[i] = b.gn[i] - b.g[i];
		}
		memcpy(b.x, b.xn, n * sizeof *x);
		memcpy(b.g, b.gn, n * sizeof *x);
		b.f = b.fn_new;
		if (out_of_bound(b.x, n, o.xbound)) {
			st = OPTIM_BOUND;
			break;
		}
		double sy = dot(s, y, n);
		if (sy > 1e-12 * sqrt(dot(s, s, n) * dot(y, y, n))) {
			if (!scaled) {
				set_identity(h, n, sy / dot(y, y, n));
				scaled = 1;
			}
			bfgs_update(h, s, y, sy, n);
		}
	}
	memcpy(x, b.x, n * sizeof *x);
	finish(res, &b, it, st);
	return st;
}

/* ---- Nelder-Mead ---- */

struct simplex {
	optim_fn fn;
	void *arg;
	size_t n;
	double p[OPTIM_MAX_DIM + 1][OPTIM_MAX_DIM]; /* vertices */
	double f[OPTIM_MAX_DIM + 1]; /* f at each vertex; +inf where not finite */
	int evals;
};

static double nm_eval(struct simplex *s, const double *x)
{
	double v = s->fn(x, NULL, s->arg);
	s->evals++;
	return isfinite(v) ? v : INFINITY;
}

/* Insertion sort of the vertices by f (n + 1 <= 9 of them). */
static void nm_sort(struct simplex *s)
{
	for (size_t i = 1; i <= s->n; i++)
		for (size_t j = i; j > 0 && s->f[j] < s->f[j - 1]; j--) {
			double tf = s->f[j];
			s->f[j] = s->f[j - 1];
			s->f[j - 1] = tf;
			double tp[OPTIM_MAX_DIM];
			memcpy(tp, s->p[j], sizeof tp);
			memcpy(s->p[j], s->p[j - 1], sizeof tp);
			memcpy(s->p[j - 1], tp, sizeof tp);
		}
}

/* out = c + k (w - c) */
static void nm_point(const struct simplex *s, const double *c, const double *w, double k, double *out)
{
	for (size_t i = 0; i < s->n; i++)
		out[i] = c[i] + k * (w[i] - c[i]);
}

static void nm_replace_worst(struct simplex *s, const double *x, double f)
{
	memcpy(s->p[s->n], x, s->n * sizeof *x);
	s->f[s->n] = f;
}

static void nm_shrink(struct simplex *s)
{
	for (size_t v = 1; v <= s->n; v++) {
		nm_point(s, s->p[0], s->p[v], 0.5, s->p[v]);
		s->f[v] = nm_eval(s, s->p[v]);
	}
}

/* One Nelder-Mead step on a sorted simplex. */
static void nm_step(struct simplex *s)
{
	size_t n = s->n;
	double c[OPTIM_MAX_DIM] = { 0 }, xr[OPTIM_MAX_DIM], xe[OPTIM_MAX_DIM], xc[OPTIM_MAX_DIM];
	for (size_t v = 0; v < n; v++)
		for (size_t i = 0; i < n; i++)
			c[i] += s->p[v][i] / (double)n;
	nm_point(s, c, s->p[n], -1.0, xr);
	double fr = nm_eval(s, xr);
	if (fr < s->f[0]) {
		nm_point(s, c, s->p[n], -2.0, xe);
		double fe = nm_eval(s, xe);
		if (fe < fr)
			nm_replace_worst(s, xe, fe);
		else
			nm_replace_worst(s, xr, fr);
		return;
	}
	if (fr < s->f[n - 1]) {
		nm_replace_worst(s, xr, fr);
		return;
	}
	int outside = fr < s->f[n];
	nm_point(s, c, outside ? xr : s->p[n], 0.5, xc);
	double fc = nm_eval(s, xc);
	if (fc < (outside ? fr : s->f[n]))
		nm_replace_worst(s, xc, fc);
	else
		nm_shrink(s);
}

static double nm_size(const struct simplex *s)
{
	double m = 0;
	for (size_t v = 1; v <= s->n; v++)
		for (size_t i = 0; i < s->n; i++)
			m = fmax(m, fabs(s->p[v][i] - s->p[0][i]));
	return m;
}

enum optim_status optim_nelder_mead(optim_fn fn, void *arg, size_t n, double *x,
                                    const struct optim_opts *opts, struct optim_result *res)
{
	struct optim_opts o = resolve(opts);
	struct simplex s = { .fn = fn, .arg = arg, .n = n };
	memset(res, 0, sizeof *res);
	res->gmax = NAN;
	res->status = OPTIM_BADARG;
	if (n == 0 || n > OPTIM_MAX_DIM)
		return OPTIM_BADARG;
	for (size_t v = 0; v <= n; v++) {
		memcpy(s.p[v], x, n * sizeof *x);
		if (v > 0)
			s.p[v][v - 1] += 0.5;
		s.f[v] = nm_eval(&s, s.p[v]);
	}
	enum optim_status st = isfinite(s.f[0]) ? OPTIM_MAX_ITER : OPTIM_NONFINITE;
	int it = 0;
	while (st == OPTIM_MAX_ITER && s.evals < 20 * o.max_iter) {
		nm_sort(&s);
		if (out_of_bound(s.p[0], n, o.xbound)) {
			st = OPTIM_BOUND;
			break;
		}
		if (s.f[n] - s.f[0] <= o.ftol * (1 + fabs(s.f[0])) && nm_size(&s) <= 1e-7) {
			st = OPTIM_OK;
			break;
		}
		nm_step(&s);
		it++;
	}
	nm_sort(&s);
	memcpy(x, s.p[0], n * sizeof *x);
	res->f = s.f[0];
	res->iters = it;
	res->evals = s.evals;
	res->status = st;
	return st;
}
