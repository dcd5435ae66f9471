/*
 * clv.c - BG/NBD and Gamma-Gamma: likelihoods, fits, predictions, CLV and
 * the purchase-log summary.  See clv.h and docs/metrics/clv.md.
 *
 * The likelihood is evaluated a few hundred times per fit, over up to
 * millions of customers, so the fits first compile the data: identical
 * (x, t_x, T) collapse into one group with a weight; the terms that depend
 * only on x (log-gamma and digamma differences) are computed once per
 * distinct x per evaluation, and ln(alpha + t) once per distinct t_x and
 * T.  What is left per group is one exp and one log1p.
 */
#include "analytics/clv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/optim.h"
#include "base/xalloc.h"

#define CLV_XBOUND \
	18.0 /* |ln parameter| beyond this (e^18 ~ 6.6e7): the likelihood has no interior maximum */
#define CLV_SERIES_EPS 1e-16

/* lgamma without the global signgam (thread-safe). */
static double lgam(double x)
{
	int sign;
	return lgamma_r(x, &sign);
}

/*
 * The digamma function psi(x) = d ln Gamma(x) / dx for x > 0: the
 * recurrence psi(x) = psi(x + 1) - 1/x up to x >= 6, then the asymptotic
 * series ln x - 1/(2x) - sum B_2k / (2k x^2k) (Abramowitz & Stegun 6.3.18),
 * accurate to ~1e-15 there.
 */
static double digamma(double x)
{
	double acc = 0;
	while (x < 6) {
		acc -= 1 / x;
		x += 1;
	}
	double f = 1 / (x * x);
	double t = f *
	        (-1.0 / 12 +
	         f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132 + f * (691.0 / 32760))))));
	return acc + log(x) - 0.5 / x + t;
}

static double weight(const struct clv_data *d, size_t i)
{
	return d->w ? d->w[i] : 1.0;
}

/* 1 when entry i is a valid customer summary (struct clv_data). */
static int entry_ok(const struct clv_data *d, size_t i)
{
	double x = d->x[i], tx = d->t_x[i], T = d->T[i], w = weight(d, i);
	if (!isfinite(x) || !isfinite(tx) || !isfinite(T) || !isfinite(w) || w <= 0)
		return 0;
	if (x < 0 || x != floor(x) || x > 1e9 || T < 0)
		return 0;
	return x == 0 || (tx >= 0 && tx <= T * (1 + 1e-12));
}

static int check_data(const struct clv_data *d, struct kf_error *err)
{
	if (!d || d->n == 0)
		return kf_fail(err, KF_EINVAL, "invalid", "data", "no customers to fit");
	for (size_t i = 0; i < d->n; i++)
		if (!entry_ok(d, i))
			return kf_fail(
			        err, KF_EINVAL, "invalid", "data",
			        "customer %zu: x must be a whole number >= 0, 0 <= t_x <= T, weights > 0", i);
	return 0;
}

/* ---- BG/NBD: the compiled data ---- */

struct bg_row {
	double x, tx, T, w;
};

struct bg_set {
	size_t ng; /* groups */
	uint32_t *xi, *ti, *Ti; /* per group: index of its x, t_x and T among the distinct values */
	double *w; /* per group: weight */
	size_t nx, ntx, nT;
	double *xs, *txs, *Ts; /* distinct values, ascending */
	double *wx; /* total weight per distinct x */
	double wsum, wxsum; /* total weight; total weight times x */
	/* scratch of one evaluation */
	double *kc, *kdr, *kda, *kdb, *kl4, *kib, *ks4; /* per distinct x */
	double *ltx, *itx, *lT, *iT; /* per distinct t_x / T: ln(alpha + t), 1 / (alpha + t) */
};

static int cmp_row(const void *pa, const void *pb)
{
	const struct bg_row *a = pa, *b = pb;
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->tx != b->tx)
		return a->tx < b->tx ? -1 : 1;
	if (a->T != b->T)
		return a->T < b->T ? -1 : 1;
	return 0;
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return a < b ? -1 : a > b;
}

/* Sort v[0..n-1] and drop duplicates; returns the distinct count. */
static size_t sort_unique(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || v[i] != v[k - 1])
			v[k++] = v[i];
	return k;
}

static uint32_t find_index(const double *v, size_t n, double key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

static void bg_set_free(struct bg_set *s)
{
	void *all[] = { s->xi,  s->ti,  s->Ti,  s->w,   s->xs,  s->txs, s->Ts,  s->wx, s->kc, s->kdr,
		        s->kda, s->kdb, s->kl4, s->kib, s->ks4, s->ltx, s->itx, s->lT, s->iT };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		free(all[i]);
	memset(s, 0, sizeof *s);
}

/* Collapse identical rows (sorted) into groups; t_x is 0 for x = 0. */
static void bg_collapse(struct bg_set *s, struct bg_row *rows, size_t n)
{
	qsort(rows, n, sizeof *rows, cmp_row);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && cmp_row(&rows[k - 1], &rows[i]) == 0)
			rows[k - 1].w += rows[i].w;
		else
			rows[k++] = rows[i];
	}
	s->ng = k;
}

static void bg_index(struct bg_set *s, const struct bg_row *rows)
{
	size_t ng = s->ng;
	s->xs = xcalloc(ng, sizeof(double));
	s->txs = xcalloc(ng, sizeof(double));
	s->Ts = xcalloc(ng, sizeof(double));
	for (size_t g = 0; g < ng; g++) {
		s->xs[g] = rows[g].x;
		s->txs[g] = rows[g].tx;
		s->Ts[g] = rows[g].T;
	}
	s->nx = sort_unique(s->xs, ng);
	s->ntx = sort_unique(s->txs, ng);
	s->nT = sort_unique(s->Ts, ng);
	s->xi = xcalloc(ng, sizeof(uint32_t));
	s->ti = xcalloc(ng, sizeof(uint32_t));
	s->Ti = xcalloc(ng, sizeof(uint32_t));
	s->w = xcalloc(ng, sizeof(double));
	s->wx = xcalloc(s->nx, sizeof(double));
	for (size_t g = 0; g < ng; g++) {
		s->xi[g] = find_index(s->xs, s->nx, rows[g].x);
		s->ti[g] = find_index(s->txs, s->ntx, rows[g].tx);
		s->Ti[g] = find_index(s->Ts, s->nT, rows[g].T);
		s->w[g] = rows[g].w;
		s->wx[s->xi[g]] += rows[g].w;
		s->wsum += rows[g].w;
		s->wxsum += rows[g].w * rows[g].x;
	}
}

static void bg_scratch(struct bg_set *s)
{
	double **perx[] = { &s->kc, &s->kdr, &s->kda, &s->kdb, &s->kl4, &s->kib, &s->ks4 };
	for (size_t i = 0; i < sizeof perx / sizeof perx[0]; i++)
		*perx[i] = xcalloc(s->nx, sizeof(double));
	s->ltx = xcalloc(s->ntx, sizeof(double));
	s->itx = xcalloc(s->ntx, sizeof(double));
	s->lT = xcalloc(s->nT, sizeof(double));
	s->iT = xcalloc(s->nT, sizeof(double));
}

static int bg_compile(const struct clv_data *d, struct bg_set *s, struct kf_error *err)
{
	memset(s, 0, sizeof *s);
	int rc = check_data(d, err);
	if (rc < 0)
		return rc;
	struct bg_row *rows = xcalloc(d->n, sizeof *rows);
	for (size_t i = 0; i < d->n; i++)
		rows[i] = (struct bg_row){ d->x[i], d->x[i] > 0 ? d->t_x[i] : 0, d->T[i], weight(d, i) };
	bg_collapse(s, rows, d->n);
	bg_index(s, rows);
	free(rows);
	bg_scratch(s);
	return 0;
}

/* ---- BG/NBD: the likelihood ---- */

/*
 * FHL 2005 eq. 6, per customer:
 *   A1 = lnG(r+x) - lnG(r) + r ln alpha
 *   A2 = lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x)
 *   A3 = -(r+x) ln(alpha+T)
 *   A4 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x)      (x > 0 only)
 *   LL = A1 + A2 + ln(e^A3 + [x>0] e^A4)
 * The per-x parts go into the k* scratch arrays.
 */
static void bg_per_x(struct bg_set *s, const struct clv_bgnbd *p)
{
	double r = p->r, a = p->a, b = p->b, lal = log(p->alpha), la = log(a);
	double lgr = lgam(r), psr = digamma(r), lgb = lgam(b), psb = digamma(b);
	double lgab = lgam(a + b), psab = digamma(a + b);
	for (size_t k = 0; k < s->nx; k++) {
		double x = s->xs[k];
		double psabx = digamma(a + b + x);
		s->kc[k] = lgam(r + x) - lgr + r * lal + lgab + lgam(b + x) - lgb - lgam(a + b + x);
		s->kdr[k] = digamma(r + x) - psr + lal;
		s->kda[k] = psab - psabx;
		s->kdb[k] = psab + digamma(b + x) - psb - psabx;
		s->kl4[k] = x > 0 ? la - log(b + x - 1) : 0;
		s->kib[k] = x > 0 ? 1 / (b + x - 1) : 0;
		s->ks4[k] = 0;
	}
	for (size_t j = 0; j < s->ntx; j++) {
		s->ltx[j] = log(p->alpha + s->txs[j]);
		s->itx[j] = 1 / (p->alpha + s->txs[j]);
	}
	for (size_t j = 0; j < s->nT; j++) {
		s->lT[j] = log(p->alpha + s->Ts[j]);
		s->iT[j] = 1 / (p->alpha + s->Ts[j]);
	}
}

/* Sums over the groups that the gradient needs. */
struct bg_sums {
	double ll; /* sum w ln(e^A3 + e^A4) */
	double sr; /* sum w (w3 ln(alpha+T) + w4 ln(alpha+t_x)) */
	double sa; /* sum w (r+x) (w3 / (alpha+T) + w4 / (alpha+t_x)) */
};

static void bg_groups(struct bg_set *s, double r, struct bg_sums *out)
{
	double ll = 0, sr = 0, sa = 0;
	for (size_t g = 0; g < s->ng; g++) {
		uint32_t k = s->xi[g], tj = s->Ti[g];
		double rx = r + s->xs[k], w = s->w[g];
		double a3 = -rx * s->lT[tj];
		if (s->xs[k] == 0) {
			ll += w * a3;
			sr += w * s->lT[tj];
			sa += w * rx * s->iT[tj];
			continue;
		}
		uint32_t xj = s->ti[g];
		double a4 = s->kl4[k] - rx * s->ltx[xj];
		double dlt = a4 - a3, e = exp(-fabs(dlt));
		double lse = fmax(a3, a4) + log1p(e);
		double w4 = dlt > 0 ? 1 / (1 + e) : e / (1 + e), w3 = 1 - w4;
		ll += w * lse;
		sr += w * (w3 * s->lT[tj] + w4 * s->ltx[xj]);
		sa += w * rx * (w3 * s->iT[tj] + w4 * s->itx[xj]);
		s->ks4[k] += w * w4;
	}
	*out = (struct bg_sums){ ll, sr, sa };
}

/* Total LL at p; gradient w.r.t. the log-parameters into g when not NULL. */
static double bg_eval(struct bg_set *s, const struct clv_bgnbd *p, double g[4])
{
	bg_per_x(s, p);
	struct bg_sums t;
	bg_groups(s, p->r, &t);
	double ll = t.ll, dr = -t.sr, dal = -t.sa + s->wsum * p->r / p->alpha, da = 0, db = 0;
	for (size_t k = 0; k < s->nx; k++) {
		double wk = s->wx[k];
		ll += wk * s->kc[k];
		dr += wk * s->kdr[k];
		da += wk * s->kda[k] + s->ks4[k] / p->a;
		db += wk * s->kdb[k] - s->ks4[k] * s->kib[k];
	}
	if (g) {
		g[0] = dr * p->r;
		g[1] = dal * p->alpha;
		g[2] = da * p->a;
		g[3] = db * p->b;
	}
	return ll;
}

static int params_ok(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]) || v[i] <= 0)
			return 0;
	return 1;
}

double clv_bgnbd_ll_i(const struct clv_bgnbd *p, double x, double t_x, double T)
{
	if (!params_ok((const double[]){ p->r, p->alpha, p->a, p->b }, 4))
		return NAN;
	double r = p->r, al = p->alpha, a = p->a, b = p->b;
	double a1 = lgam(r + x) - lgam(r) + r * log(al);
	double a2 = lgam(a + b) + lgam(b + x) - lgam(b) - lgam(a + b + x);
	double a3 = -(r + x) * log(al + T);
	if (x == 0)
		return a1 + a2 + a3;
	double a4 = log(a) - log(b + x - 1) - (r + x) * log(al + t_x);
	return a1 + a2 + fmax(a3, a4) + log1p(exp(-fabs(a3 - a4)));
}

int clv_bgnbd_ll(const struct clv_data *d, const struct clv_bgnbd *par, double *ll, double grad[4],
                 struct kf_error *err)
{
	if (!params_ok((const double[]){ par->r, par->alpha, par->a, par->b }, 4))
		return kf_fail(err, KF_EINVAL, "invalid", "params", "r, alpha, a and b must be > 0");
	struct bg_set s;
	int rc = bg_compile(d, &s, err);
	if (rc == 0)
		*ll = bg_eval(&s, par, grad);
	bg_set_free(&s);
	return rc;
}

/* ---- fitting ---- */

static struct clv_bgnbd bg_from_log(const double *v)
{
	return (struct clv_bgnbd){ exp(v[0]), exp(v[1]), exp(v[2]), exp(v[3]) };
}

/* The objective: minus the mean log-likelihood per customer. */
static double bg_objective(const double *v, double *g, void *arg)
{
	struct bg_set *s = arg;
	struct clv_bgnbd p = bg_from_log(v);
	if (!params_ok((const double[]){ p.r, p.alpha, p.a, p.b }, 4))
		return NAN;
	double gr[4];
	double ll = bg_eval(s, &p, g ? gr : NULL);
	if (g)
		for (int i = 0; i < 4; i++)
			g[i] = -gr[i] / s->wsum;
	return -ll / s->wsum;
}

/*
 * BFGS from v; when it stalls or runs out of iterations, Nelder-Mead from
 * where it stopped, then BFGS again to converge on the gradient.
 */
static int maximise(optim_fn fn, void *arg, size_t n, double *v, const struct clv_fit_opts *opts,
                    struct clv_fit_info *info, struct kf_error *err)
{
	struct optim_opts o = { .max_iter = opts ? opts->max_iter : 0, .xbound = CLV_XBOUND };
	struct optim_result res;
	enum optim_status st = optim_bfgs(fn, arg, n, v, &o, &res);
	int iters = res.iters, evals = res.evals;
	info->fallback = 0;
	if (st == OPTIM_STALLED || st == OPTIM_MAX_ITER) {
		info->fallback = 1;
		st = optim_nelder_mead(fn, arg, n, v, &o, &res);
		evals += res.evals;
		if (st == OPTIM_OK || st == OPTIM_MAX_ITER) {
			st = optim_bfgs(fn, arg, n, v, &o, &res);
			iters += res.iters;
			evals += res.evals;
		}
	}
	info->iters = iters;
	info->evals = evals;
	info->ll = -res.f;
	if (st != OPTIM_OK || !isfinite(res.f))
		return kf_fail(err, KF_EINVAL, "not_converged", "data",
		               "the model could not be fitted to these data (%s after %d iterations)",
		               optim_status_name(st), iters);
	return 0;
}

int clv_bgnbd_fit(const struct clv_data *d, const struct clv_fit_opts *opts, struct clv_bgnbd *out,
                  struct clv_fit_info *info, struct kf_error *err)
{
	struct clv_fit_info tmp;
	info = info ? info : &tmp;
	memset(info, 0, sizeof *info);
	struct bg_set s;
	int rc = bg_compile(d, &s, err);
	if (rc < 0)
		goto out;
	info->customers = (size_t)llround(s.wsum);
	info->groups = s.ng;
	if (s.wxsum <= 0) {
		rc = kf_fail(err, KF_EINVAL, "no_repeat", "data",
		             "no customer has a repeat purchase: the BG/NBD cannot be fitted");
		goto out;
	}
	/* Start: r = 1, a = b = 1, alpha from the mean purchase rate r / alpha = sum x / sum T. */
	double sumT = 0;
	for (size_t g = 0; g < s.ng; g++)
		sumT += s.w[g] * s.Ts[s.Ti[g]];
	double alpha0 = fmin(fmax(sumT / s.wxsum, 1e-3), 1e6);
	double v[4] = { 0, log(alpha0), 0, 0 };
	rc = maximise(bg_objective, &s, 4, v, opts, info, err);
	if (rc < 0)
		goto out;
	info->ll *= s.wsum;
	*out = bg_from_log(v);
out:
	bg_set_free(&s);
	return rc;
}

/* ---- BG/NBD: predictions ---- */

double clv_bgnbd_p_alive(const struct clv_bgnbd *p, double x, double t_x, double T)
{
	if (x <= 0)
		return 1.0;
	double lr = log(p->a / (p->b + x - 1)) + (p->r + x) * (log(p->alpha + T) - log(p->alpha + t_x));
	return lr > 0 ? exp(-lr) / (1 + exp(-lr)) : 1 / (1 + exp(lr));
}

/* Stop a series of terms whose ratio tends to rho_lim < 1 once the tail is below eps of the sum. */
static int tail_small(double term, double rho, double sum)
{
	return rho < 1 && fabs(term) * rho / (1 - rho) <= CLV_SERIES_EPS * fabs(sum);
}

double clv_hyp2f1(double a, double b, double c, double z)
{
	if (!(z >= 0 && z < 1) || !(c > 0) || !isfinite(a) || !isfinite(b) || !isfinite(c))
		return NAN;
	double pre = 1;
	if (c - a - b < 0) { /* Euler: F(a,b;c;z) = (1-z)^(c-a-b) F(c-a, c-b; c; z) */
		pre = pow(1 - z, c - a - b);
		double a2 = c - a, b2 = c - b;
		a = a2;
		b = b2;
	}
	double term = 1, sum = 1;
	for (int k = 0; k < CLV_HYP2F1_MAX_TERMS; k++) {
		double ratio = (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
		term *= ratio;
		sum += term;
		if (term == 0 || !isfinite(sum))
			break;
		if (tail_small(term, fmax(fabs(ratio), z), sum))
			return pre * sum;
	}
	return term == 0 ? pre * sum : NAN;
}

#define CLV_SCALE 1e200 /* a scaled series moves this factor into its log-scale */

/*
 * e^ls * S, S = sum_{k>=1} z^k (A)_k (a)_{k-1} / ((C)_k k!), the part of
 * 2F1(A, a-1; C; z) = 1 + (a-1) S that survives division by a - 1.  The
 * terms carry the scale e^ls separately, so neither the terms (which
 * grow like (1-z)^-(a-1) for large a) nor the prefactor overflow.
 */
static double bg_series(double A, double a, double C, double z, double ls)
{
	if (z == 0)
		return 0;
	double term = z * A / C, sum = term;
	for (int k = 1; k < CLV_HYP2F1_MAX_TERMS; k++) {
		double ratio = z * (A + k) * (a + k - 1) / ((C + k) * (k + 1.0));
		term *= ratio;
		sum += term;
		if (fabs(term) > CLV_SCALE) {
			term /= CLV_SCALE;
			sum /= CLV_SCALE;
			ls += log(CLV_SCALE);
		}
		if (term == 0 || !isfinite(sum))
			return term == 0 ? sum * exp(ls) : NAN;
		if (tail_small(term, fmax(fabs(ratio), z), sum))
			return sum * exp(ls);
	}
	return NAN;
}

/*
 * The numerator of FHL eq. 10 after Pfaff's transformation
 * 2F1(A, B; C; z) = (1-z)^-B 2F1(C-A, B; C; w), w = z/(z-1) = -t/(alpha+T):
 *     N = -C sum_{k>=1} (r+x)_k (a)_{k-1} w^k / ((C)_k k!),  C = a+b+x-1,
 * whose first term is (r+x) t/(alpha+T).  Its terms alternate and shrink
 * fast when C is large against a and r+x (a large b: rare dropout), where
 * the Euler form needs thousands of terms.  NaN (use the Euler form) as
 * soon as a term ratio exceeds 1/2: then it converges slowly or not at all.
 */
static double bg_pfaff(double rx, double a, double C, double w)
{
	double term = -rx * w, sum = term;
	for (int k = 1; k < 2000; k++) {
		double ratio = w * (rx + k) * (a + k - 1) / ((C + k) * (k + 1.0));
		if (fabs(ratio) > 0.5)
			return NAN;
		term *= ratio;
		sum += term;
		if (term == 0 || fabs(term) <= CLV_SERIES_EPS * fabs(sum))
			return sum;
	}
	return NAN;
}

/*
 * (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)],
 * z = t/(alpha+T+t), the numerator of FHL eq. 10.  Pfaff's form when it
 * converges fast (above), else Euler's: the bracket is
 * 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z); writing 2F1 = 1 + (a-1) S
 * and dividing by a-1 gives
 *     G = -expm1((a-1) L)/(a-1) - (1-z)^(a-1) S,  L = ln(1-z),
 * which has no pole at a = 1 and no overflowing terms for large x.
 */
static double bg_growth(const struct clv_bgnbd *p, double x, double T, double t)
{
	if (t == 0)
		return 0;
	double base = p->alpha + T, C = p->a + p->b + x - 1;
	double n = bg_pfaff(p->r + x, p->a, C, -t / base);
	if (isfinite(n))
		return n;
	double z = t / (base + t), L = log(base / (base + t)), am1 = p->a - 1;
	double first = am1 != 0 ? -expm1(am1 * L) / am1 : -L;
	return C * (first - bg_series(p->a + p->b - 1 - p->r, p->a, C, z, am1 * L));
}

double clv_bgnbd_expected(const struct clv_bgnbd *p, double x, double t_x, double T, double t)
{
	if (!(t >= 0))
		return NAN;
	double num = bg_growth(p, x, T, t);
	if (x <= 0)
		return num;
	double lr = log(p->a / (p->b + x - 1)) + (p->r + x) * (log(p->alpha + T) - log(p->alpha + t_x));
	/* num / (1 + e^lr), without overflowing e^lr */
	return lr > 0 ? num * exp(-lr) / (1 + exp(-lr)) : num / (1 + exp(lr));
}

double clv_bgnbd_unconditional(const struct clv_bgnbd *p, double t)
{
	return clv_bgnbd_expected(p, 0, 0, 0, t);
}

/* ---- Gamma-Gamma ---- */

double clv_gg_ll_i(const struct clv_gg *p, double x, double m)
{
	if (!params_ok((const double[]){ p->p, p->q, p->gamma }, 3) || !(x > 0) || !(m > 0))
		return NAN;
	double px = p->p * x;
	return lgam(px + p->q) - lgam(px) - lgam(p->q) + p->q * log(p->gamma) + (px - 1) * log(m) +
	        px * log(x) - (px + p->q) * log(p->gamma + x * m);
}

/* The compiled Gamma-Gamma data: customers with x > 0 and m > 0, sorted by x. */
struct gg_set {
	size_t n;
	double *x, *xm, *w; /* x, x * m and the weight per customer */
	size_t nx;
	double *xs, *wx; /* distinct x and the total weight of each */
	uint32_t *xi; /* per customer: index into xs */
	double wsum;
	double slm, sxlm, sxlx; /* sum w ln m, sum w x ln m, sum w x ln x */
};

struct gg_row {
	double x, m, w;
};

static int cmp_gg_row(const void *pa, const void *pb)
{
	const struct gg_row *a = pa, *b = pb;
	return a->x < b->x ? -1 : a->x > b->x;
}

static void gg_set_free(struct gg_set *s)
{
	free(s->x);
	free(s->xm);
	free(s->w);
	free(s->xs);
	free(s->wx);
	free(s->xi);
	memset(s, 0, sizeof *s);
}

static void gg_fill(struct gg_set *s, const struct gg_row *rows, size_t n)
{
	s->n = n;
	s->x = xcalloc(n ? n : 1, sizeof(double));
	s->xm = xcalloc(n ? n : 1, sizeof(double));
	s->w = xcalloc(n ? n : 1, sizeof(double));
	s->xs = xcalloc(n ? n : 1, sizeof(double));
	s->wx = xcalloc(n ? n : 1, sizeof(double));
	s->xi = xcalloc(n ? n : 1, sizeof(uint32_t));
	for (size_t i = 0; i < n; i++) {
		const struct gg_row *g = &rows[i];
		if (s->nx == 0 || s->xs[s->nx - 1] != g->x)
			s->xs[s->nx++] = g->x;
		s->xi[i] = (uint32_t)(s->nx - 1);
		s->wx[s->nx - 1] += g->w;
		s->x[i] = g->x;
		s->xm[i] = g->x * g->m;
		s->w[i] = g->w;
		s->wsum += g->w;
		s->slm += g->w * log(g->m);
		s->sxlm += g->w * g->x * log(g->m);
		s->sxlx += g->w * g->x * log(g->x);
	}
}

static int gg_compile(const struct clv_data *d, struct gg_set *s, struct kf_error *err)
{
	memset(s, 0, sizeof *s);
	int rc = check_data(d, err);
	if (rc < 0)
		return rc;
	if (!d->m)
		return kf_fail(err, KF_EINVAL, "invalid", "data",
		               "the Gamma-Gamma needs the mean purchase values m");
	struct gg_row *rows = xcalloc(d->n, sizeof *rows);
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (!isfinite(d->m[i]) || d->m[i] < 0) {
			free(rows);
			return kf_fail(err, KF_EINVAL, "invalid", "data", "customer %zu: m must be >= 0", i);
		}
		if (d->x[i] > 0 && d->m[i] > 0)
			rows[n++] = (struct gg_row){ d->x[i], d->m[i], weight(d, i) };
	}
	qsort(rows, n, sizeof *rows, cmp_gg_row);
	gg_fill(s, rows, n);
	free(rows);
	return 0;
}

/*
 * Sum over customers of (Fader & Hardie 2013, note 025)
 *   lnG(px+q) - lnG(px) - lnG(q) + q ln gamma + (px-1) ln m + px ln x - (px+q) ln(gamma + x m)
 * with the per-x gamma functions once per distinct x and the ln m, ln x
 * sums precomputed.  Gradient w.r.t. (ln p, ln q, ln gamma).
 */
static double gg_eval(const struct gg_set *s, const struct clv_gg *par, double g[3])
{
	double p = par->p, q = par->q, gm = par->gamma;
	double ll = s->wsum * (q * log(gm) - lgam(q)) + p * (s->sxlm + s->sxlx) - s->slm;
	double dp = s->sxlm + s->sxlx, dq = s->wsum * (log(gm) - digamma(q)), dg = s->wsum * q / gm;
	for (size_t k = 0; k < s->nx; k++) {
		double px = p * s->xs[k], wk = s->wx[k];
		double psq = digamma(px + q);
		ll += wk * (lgam(px + q) - lgam(px));
		dp += wk * s->xs[k] * (psq - digamma(px));
		dq += wk * psq;
	}
	for (size_t i = 0; i < s->n; i++) {
		double den = gm + s->xm[i], px = p * s->x[i], w = s->w[i];
		double l = log(den);
		ll -= w * (px + q) * l;
		dp -= w * s->x[i] * l;
		dq -= w * l;
		dg -= w * (px + q) / den;
	}
	if (g) {
		g[0] = dp * p;
		g[1] = dq * q;
		g[2] = dg * gm;
	}
	return ll;
}

int clv_gg_ll(const struct clv_data *d, const struct clv_gg *par, double *ll, double grad[3],
              struct kf_error *err)
{
	if (!params_ok((const double[]){ par->p, par->q, par->gamma }, 3))
		return kf_fail(err, KF_EINVAL, "invalid", "params", "p, q and gamma must be > 0");
	struct gg_set s;
	int rc = gg_compile(d, &s, err);
	if (rc == 0)
		*ll = gg_eval(&s, par, grad);
	gg_set_free(&s);
	return rc;
}

static double gg_objective(const double *v, double *g, void *arg)
{
	const struct gg_set *s = arg;
	struct clv_gg p = { exp(v[0]), exp(v[1]), exp(v[2]) };
	if (!params_ok((const double[]){ p.p, p.q, p.gamma }, 3))
		return NAN;
	double gr[3];
	double ll = gg_eval(s, &p, g ? gr : NULL);
	if (g)
		for (int i = 0; i < 3; i++)
			g[i] = -gr[i] / s->wsum;
	return -ll / s->wsum;
}

int clv_gg_fit(const struct clv_data *d, const struct clv_fit_opts *opts, struct clv_gg *out,
               struct clv_fit_info *info, struct kf_error *err)
{
	struct clv_fit_info tmp;
	info = info ? info : &tmp;
	memset(info, 0, sizeof *info);
	struct gg_set s;
	int rc = gg_compile(d, &s, err);
	if (rc < 0)
		goto out;
	info->customers = (size_t)llround(s.wsum);
	info->groups = s.n;
	if (s.n == 0) {
		rc = kf_fail(
		        err, KF_EINVAL, "no_repeat", "data",
		        "no customer has a repeat purchase with a positive value: the Gamma-Gamma cannot be fitted");
		goto out;
	}
	/* Start: p = 1, q = 2, so the population mean p gamma / (q - 1) = gamma = the mean m. */
	double msum = 0;
	for (size_t i = 0; i < s.n; i++)
		msum += s.w[i] * s.xm[i] / s.x[i];
	double v[3] = { 0, log(2.0), log(msum / s.wsum) };
	rc = maximise(gg_objective, &s, 3, v, opts, info, err);
	if (rc < 0)
		goto out;
	info->ll *= s.wsum;
	*out = (struct clv_gg){ exp(v[0]), exp(v[1]), exp(v[2]) };
out:
	gg_set_free(&s);
	return rc;
}

double clv_gg_mean(const struct clv_gg *p, double x, double m)
{
	double den = p->p * x + p->q - 1;
	if (!(den > 0))
		return NAN;
	return p->p * (p->gamma + x * m) / den;
}

/* ---- value ---- */

double clv_discounted_purchases(const struct clv_bgnbd *par, double x, double t_x, double T, double horizon,
                                double annual_rate, double *undiscounted)
{
	if (undiscounted)
		*undiscounted = NAN;
	if (!(horizon >= 0) || !(annual_rate > -1) || !isfinite(horizon))
		return NAN;
	double d = pow(1 + annual_rate, 1.0 / 12) - 1;
	double prev = 0, sum = 0, disc = 1;
	for (int i = 1; (i - 1) * CLV_PERIOD_WEEKS < horizon - 1e-9; i++) {
		double t = fmin(i * CLV_PERIOD_WEEKS, horizon);
		double n = clv_bgnbd_expected(par, x, t_x, T, t);
		disc *= 1 + d;
		sum += (n - prev) / disc;
		prev = n;
	}
	if (undiscounted)
		*undiscounted = prev;
	return sum;
}

struct value_key {
	double x, tx, T;
	size_t i;
};

static int cmp_value_key(const void *pa, const void *pb)
{
	const struct value_key *a = pa, *b = pb;
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->tx != b->tx)
		return a->tx < b->tx ? -1 : 1;
	return a->T < b->T ? -1 : a->T > b->T;
}

static int check_value_args(const struct clv_data *d, double horizon, double annual_rate,
                            const struct clv_values *out, struct kf_error *err)
{
	int rc = check_data(d, err);
	if (rc < 0)
		return rc;
	if ((out->spend || out->clv) && !d->m)
		return kf_fail(err, KF_EINVAL, "invalid", "data",
		               "spend and CLV need the mean purchase values m");
	if (!(horizon >= 0 && horizon <= 1e4))
		return kf_fail(err, KF_EINVAL, "out_of_range", "horizon",
		               "the horizon must be 0 to 10000 weeks");
	if (!(annual_rate > -1) || !isfinite(annual_rate))
		return kf_fail(err, KF_EINVAL, "out_of_range", "discount",
		               "the discount rate must be above -1");
	return 0;
}

int clv_value(const struct clv_bgnbd *bg, const struct clv_gg *gg, const struct clv_data *d, double horizon,
              double annual_rate, const struct clv_values *out, struct kf_error *err)
{
	int rc = check_value_args(d, horizon, annual_rate, out, err);
	if (rc < 0)
		return rc;
	struct value_key *keys = xcalloc(d->n, sizeof *keys);
	for (size_t i = 0; i < d->n; i++)
		keys[i] = (struct value_key){ d->x[i], d->x[i] > 0 ? d->t_x[i] : 0, d->T[i], i };
	qsort(keys, d->n, sizeof *keys, cmp_value_key);
	double disc = NAN, und = NAN;
	for (size_t k = 0; k < d->n; k++) {
		const struct value_key *v = &keys[k];
		if (k == 0 || cmp_value_key(&keys[k - 1], v) != 0)
			disc = clv_discounted_purchases(bg, v->x, v->tx, v->T, horizon, annual_rate, &und);
		size_t i = v->i;
		double spend = d->m ? clv_gg_mean(gg, v->x, d->m[i]) : NAN;
		if (out->p_alive)
			out->p_alive[i] = clv_bgnbd_p_alive(bg, v->x, v->tx, v->T);
		if (out->purchases)
			out->purchases[i] = und;
		if (out->spend)
			out->spend[i] = spend;
		if (out->clv)
			out->clv[i] = spend * disc;
	}
	free(keys);
	return 0;
}

/* ---- summary ---- */

void clv_summary_init(struct clv_summary *s, int64_t cal_end_day)
{
	memset(s, 0, sizeof *s);
	s->cal_end_day = cal_end_day;
}

void clv_summary_release(struct clv_summary *s)
{
	free(s->id);
	free(s->x);
	free(s->t_x);
	free(s->T);
	free(s->m);
	memset(s, 0, sizeof *s);
}

static void summary_push(struct clv_summary *s, double x, double tx, double T, double m)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		s->id = xreallocarray(s->id, cap, sizeof *s->id);
		s->x = xreallocarray(s->x, cap, sizeof *s->x);
		s->t_x = xreallocarray(s->t_x, cap, sizeof *s->t_x);
		s->T = xreallocarray(s->T, cap, sizeof *s->T);
		s->m = xreallocarray(s->m, cap, sizeof *s->m);
		s->cap = cap;
	}
	s->id[s->n] = s->cur;
	s->x[s->n] = x;
	s->t_x[s->n] = tx;
	s->T[s->n] = T;
	s->m[s->n] = m;
	s->n++;
}

/* The open day ends: it is a repeat transaction unless it is the first day. */
static void close_day(struct clv_summary *s)
{
	if (s->last_day != s->first_day) {
		s->repeats += 1;
		s->repeat_sum += s->day_amount;
	}
}

static void close_customer(struct clv_summary *s)
{
	if (s->open && s->has_first) {
		close_day(s);
		double m = s->repeats > 0 ? s->repeat_sum / s->repeats : 0;
		summary_push(s, s->repeats, (double)(s->last_day - s->first_day) / 7.0,
		             (double)(s->cal_end_day - s->first_day) / 7.0, m);
	}
	s->open = 0;
	s->has_first = 0;
}

int clv_summary_add(struct clv_summary *s, int64_t customer, int64_t day, double amount, struct kf_error *err)
{
	if (s->open && (customer < s->cur || (customer == s->cur && day < s->prev_day)))
		return kf_fail(err, KF_EINVAL, "invalid", "log",
		               "the purchase log must be ordered by customer, then day");
	if (!isfinite(amount))
		return kf_fail(err, KF_EINVAL, "invalid", "log", "a purchase amount is not a number");
	if (!s->open || customer != s->cur) {
		close_customer(s);
		s->open = 1;
		s->cur = customer;
		s->repeats = s->repeat_sum = 0;
	}
	s->prev_day = day;
	if (day > s->cal_end_day)
		return 0;
	if (!s->has_first) {
		s->has_first = 1;
		s->first_day = s->last_day = day;
		s->day_amount = amount;
		return 0;
	}
	if (day == s->last_day) {
		s->day_amount += amount;
		return 0;
	}
	close_day(s);
	s->last_day = day;
	s->day_amount = amount;
	return 0;
}

void clv_summary_finish(struct clv_summary *s)
{
	close_customer(s);
}

struct clv_data clv_summary_data(const struct clv_summary *s)
{
	return (struct clv_data){ .n = s->n, .x = s->x, .t_x = s->t_x, .T = s->T, .m = s->m, .w = NULL };
}
