/*
 * optim.h - unconstrained minimisation of a smooth function of a few
 * variables (the maximum-likelihood fits in clv.c).
 *
 * Two methods over one objective callback:
 *  - optim_bfgs: quasi-Newton (BFGS update of the inverse Hessian) with a
 *    backtracking Armijo line search; needs the gradient.
 *  - optim_nelder_mead: the derivative-free simplex method (Nelder & Mead
 *    1965, with the standard coefficients 1, 2, 1/2, 1/2), a fallback for
 *    when BFGS stalls.
 * Both minimise; a caller maximising a likelihood passes its negative.
 * Parameters are unconstrained reals: a caller with positive parameters
 * optimises their logarithms.  docs/metrics/clv.md describes the stopping
 * rules.  No allocation, no globals; dimension at most OPTIM_MAX_DIM.
 */
#ifndef KF_OPTIM_H
#define KF_OPTIM_H

#include <stddef.h>

#define OPTIM_MAX_DIM 8

/*
 * The objective: f(x), and when g is not NULL its gradient into g[0..n-1].
 * Returns a non-finite value (NaN or infinity) where f is undefined; the
 * optimisers then step back.
 */
typedef double (*optim_fn)(const double *x, double *g, void *arg);

enum optim_status {
	OPTIM_OK = 0, /* converged: max |g_i| <= gtol (BFGS) or simplex collapsed (Nelder-Mead) */
	OPTIM_MAX_ITER = 1, /* the iteration budget ran out first */
	OPTIM_STALLED = 2, /* no step lowers f, yet the gradient is not small */
	OPTIM_NONFINITE = 3, /* f or its gradient is not finite at the start */
	OPTIM_BOUND = 4, /* a coordinate left [-xbound, xbound]: the minimum is at infinity */
	OPTIM_BADARG = 5, /* n is 0 or above OPTIM_MAX_DIM */
};

struct optim_opts {
	int max_iter; /* iterations (BFGS) or function evaluations / 20 (Nelder-Mead); 0 = 500 */
	double gtol; /* BFGS stops when max |g_i| <= gtol; 0 = 1e-8 */
	double ftol; /* Nelder-Mead stops when the simplex's f values differ by <= ftol; 0 = 1e-12 */
	double xbound; /* every |x_i| must stay <= xbound; 0 = no bound */
};

struct optim_result {
	double f; /* f at the returned point */
	double gmax; /* max |g_i| there (BFGS; Nelder-Mead leaves it NaN) */
	int iters; /* iterations done */
	int evals; /* objective evaluations */
	enum optim_status status;
};

/*
 * Minimise fn from x[0..n-1]; on return x holds the best point found (even
 * when not converged) and *res what happened.  Returns res->status.
 * opts may be NULL (defaults).
 */
enum optim_status optim_bfgs(optim_fn fn, void *arg, size_t n, double *x, const struct optim_opts *opts,
                             struct optim_result *res);
enum optim_status optim_nelder_mead(optim_fn fn, void *arg, size_t n, double *x,
                                    const struct optim_opts *opts, struct optim_result *res);

/* A short English name for a status ("converged", "iteration limit", ...). */
const char *optim_status_name(enum optim_status s);

#endif
