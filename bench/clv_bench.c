/*
 * clv_bench.c - figures for analytics/clv.c (bench/clv.sh runs it).
 *
 *   clv_bench DATA_DIR [CUSTOMERS] [SEED]
 *   clv_bench --report DB_URL
 *
 * 1. CDNOW: the BG/NBD and Gamma-Gamma fits on the 2,357-customer
 *    calibration summary (DATA_DIR/cdnow/...csv), best of 20 runs each.
 * 2. Synthetic: CUSTOMERS (default 1,000,000) customers drawn from the
 *    CDNOW estimates - first purchase uniform over the first 12 weeks,
 *    calibration to day 272 (39 weeks), purchase rate ~ Gamma(r, alpha),
 *    dropout after each repeat purchase with p ~ Beta(a, b), purchase
 *    values ~ Gamma(p, nu), nu ~ Gamma(q, gamma) - as a purchase log in
 *    days; then the summary, both fits, and the valuation of every
 *    customer (P(alive), E[Y(52)], 12-month discounted CLV), each timed
 *    once, with the recovered parameters next to the true ones.
 * 3. --report: the clv report (top 100, 52 weeks, 10 %) on an existing
 *    database, as of now, timed once (the database is migrated if needed:
 *    use a copy).
 * Prints figures; never passes or fails on them.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytics/clv.h"
#include "analytics/report.h"
#include "store/db.h"
#include "base/xalloc.h"
#include "base/banned.h"

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

/* A point in time: wall clock and this process's CPU time (the machine is shared). */
struct stamp {
	double wall, cpu;
};

static struct stamp stamp(void)
{
	return (struct stamp){ now_ms(), clock_ms(CLOCK_PROCESS_CPUTIME_ID) };
}

static void line(const char *what, struct stamp a, struct stamp b, const char *rest)
{
	printf("  %-28s %7.0f ms wall %7.0f ms CPU  %s\n", what, b.wall - a.wall, b.cpu - a.cpu, rest);
}

/* ---- random numbers: splitmix64, exponential, gamma (Marsaglia & Tsang 2000), beta ---- */

static uint64_t rng_state;

static uint64_t next_u64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform on (0, 1). */
static double uniform(void)
{
	return ((double)(next_u64() >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void)
{
	return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

/* Gamma(shape k, scale 1). */
static double gamma_draw(double k)
{
	if (k < 1)
		return gamma_draw(k + 1) * pow(uniform(), 1 / k);
	double d = k - 1.0 / 3, c = 1 / sqrt(9 * d);
	for (;;) {
		double z = normal(), v = 1 + c * z;
		if (v <= 0)
			continue;
		v = v * v * v;
		double u = uniform();
		if (log(u) < 0.5 * z * z + d - d * v + d * log(v))
			return d * v;
	}
}

static double beta_draw(double a, double b)
{
	double x = gamma_draw(a), y = gamma_draw(b);
	return x / (x + y);
}

/* ---- CDNOW ---- */

static size_t read_cdnow(const char *dir, double *x, double *tx, double *T, double *m)
{
	char path[512], line[256];
	snprintf(path, sizeof(path), "%s/cdnow/cdnow_customers_summary_with_transactions.csv", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "clv_bench: cannot open %s\n", path);
		exit(1);
	}
	size_t n = 0;
	if (!fgets(line, sizeof(line), f))
		exit(1);
	while (n < 2400 && fgets(line, sizeof(line), f)) {
		char *p = line + strcspn(line, ",") + 1;
		x[n] = strtod(p, &p);
		tx[n] = strtod(p + 1, &p);
		T[n] = strtod(p + 1, &p);
		m[n] = strtod(p + 1, &p);
		n++;
	}
	fclose(f);
	return n;
}

static void bench_cdnow(const char *dir)
{
	static double x[2400], tx[2400], T[2400], m[2400];
	size_t n = read_cdnow(dir, x, tx, T, m);
	struct clv_data d = { n, x, tx, T, m, NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct clv_bgnbd bg;
	struct clv_gg gg;
	struct clv_fit_info bi, gi;
	double best_bg = 1e30, best_gg = 1e30;
	for (int k = 0; k < 20; k++) {
		double t0 = now_ms();
		if (clv_bgnbd_fit(&d, NULL, &bg, &bi, &err) < 0)
			goto fail;
		double t1 = now_ms();
		if (clv_gg_fit(&d, NULL, &gg, &gi, &err) < 0)
			goto fail;
		double t2 = now_ms();
		best_bg = fmin(best_bg, t1 - t0);
		best_gg = fmin(best_gg, t2 - t1);
	}
	printf("CDNOW (%zu customers, %zu distinct (x, t_x, T)):\n", n, bi.groups);
	printf("  BG/NBD fit       %8.2f ms  r=%.4f alpha=%.4f a=%.4f b=%.4f LL=%.2f (%d iterations, %d evaluations)\n",
	       best_bg, bg.r, bg.alpha, bg.a, bg.b, bi.ll, bi.iters, bi.evals);
	printf("  Gamma-Gamma fit  %8.2f ms  p=%.4f q=%.4f gamma=%.4f LL=%.4f (%zu customers, %d iterations)\n",
	       best_gg, gg.p, gg.q, gg.gamma, gi.ll, gi.customers, gi.iters);
	printf("  both             %8.2f ms  (best of 20; target < 50 ms)\n", best_bg + best_gg);
	return;
fail:
	fprintf(stderr, "clv_bench: CDNOW fit failed: %s\n", err.message);
	exit(1);
}

/* ---- synthetic ---- */

struct events {
	size_t n, cap;
	int64_t *cust, *day;
	double *amount;
};

static void push(struct events *e, int64_t c, int64_t day, double amount)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 1 << 20;
		e->cust = xreallocarray(e->cust, e->cap, sizeof *e->cust);
		e->day = xreallocarray(e->day, e->cap, sizeof *e->day);
		e->amount = xreallocarray(e->amount, e->cap, sizeof *e->amount);
	}
	e->cust[e->n] = c;
	e->day[e->n] = day;
	e->amount[e->n] = amount;
	e->n++;
}

#define CAL_END_DAY 272

/* One customer's purchases by the BG/NBD story, in days, until the end of the calibration. */
static void draw_customer(struct events *e, int64_t c, const struct clv_bgnbd *bg, const struct clv_gg *gg)
{
	double lambda = gamma_draw(bg->r) / bg->alpha; /* per week */
	double pdrop = beta_draw(bg->a, bg->b);
	double nu = gamma_draw(gg->q) / gg->gamma;
	int64_t first = (int64_t)(uniform() * 84);
	double t = (double)first; /* days */
	push(e, c, first, gamma_draw(gg->p) / nu);
	for (;;) {
		t += -7 * log(uniform()) / lambda; /* infinite when lambda underflows to 0 */
		if (!(t < CAL_END_DAY + 1))
			return;
		int64_t day = (int64_t)floor(t);
		push(e, c, day, gamma_draw(gg->p) / nu);
		if (uniform() < pdrop)
			return;
	}
}

static void value_all(const struct clv_summary *s, const struct clv_bgnbd *bg, const struct clv_gg *gg)
{
	struct clv_data d = clv_summary_data(s);
	double *v = xcalloc(2 * s->n, sizeof *v);
	struct clv_values out = { .p_alive = v, .clv = v + s->n };
	struct kf_error err = KF_ERROR_INIT;
	if (clv_value(bg, gg, &d, 52, 0.1, &out, &err) < 0) {
		fprintf(stderr, "clv_bench: clv_value: %s\n", err.message);
		exit(1);
	}
	double alive = 0, sum = 0;
	for (size_t i = 0; i < s->n; i++) {
		alive += out.p_alive[i];
		sum += out.clv[i];
	}
	free(v);
	printf("      mean P(alive) %.4f, total 12-month CLV %.4g\n", alive / (double)s->n, sum);
}

static void bench_synthetic(size_t n, uint64_t seed)
{
	const struct clv_bgnbd truth = { 0.243, 4.414, 0.793, 2.426 };
	const struct clv_gg gtruth = { 6.25, 3.74, 15.44 };
	struct events e = { 0 };
	struct kf_error err = KF_ERROR_INIT;
	char rest[200];
	rng_state = seed;
	struct stamp t0 = stamp();
	for (size_t c = 1; c <= n; c++)
		draw_customer(&e, (int64_t)c, &truth, &gtruth);
	struct stamp t1 = stamp();
	struct clv_summary s;
	clv_summary_init(&s, CAL_END_DAY);
	for (size_t i = 0; i < e.n; i++)
		if (clv_summary_add(&s, e.cust[i], e.day[i], e.amount[i], &err) < 0)
			goto fail;
	clv_summary_finish(&s);
	struct stamp t2 = stamp();
	struct clv_data d = clv_summary_data(&s);
	struct clv_bgnbd bg;
	struct clv_gg gg;
	struct clv_fit_info bi, gi;
	if (clv_bgnbd_fit(&d, NULL, &bg, &bi, &err) < 0)
		goto fail;
	struct stamp t3 = stamp();
	if (clv_gg_fit(&d, NULL, &gg, &gi, &err) < 0)
		goto fail;
	struct stamp t4 = stamp();
	printf("Synthetic: %zu customers, %zu purchases (seed %llu)\n", s.n, e.n, (unsigned long long)seed);
	line("drawing the purchase log", t0, t1, "(not part of the figure)");
	line("summary of the purchase log", t1, t2, "");
	snprintf(rest, sizeof(rest), "%zu distinct (x, t_x, T); %d iterations, %d evaluations", bi.groups,
	         bi.iters, bi.evals);
	line("BG/NBD fit", t2, t3, rest);
	printf("      r=%.4f alpha=%.4f a=%.4f b=%.4f  (drawn from r=0.243 alpha=4.414 a=0.793 b=2.426)\n",
	       bg.r, bg.alpha, bg.a, bg.b);
	snprintf(rest, sizeof(rest), "%zu repeat customers; %d iterations, %d evaluations", gi.customers,
	         gi.iters, gi.evals);
	line("Gamma-Gamma fit", t3, t4, rest);
	printf("      p=%.4f q=%.4f gamma=%.4f  (drawn from p=6.25 q=3.74 gamma=15.44)\n", gg.p, gg.q,
	       gg.gamma);
	line("summary + both fits", t1, t4, "(target < 5000 ms)");
	struct stamp t5 = stamp();
	value_all(&s, &bg, &gg);
	line("valuing every customer", t5, stamp(), "(P(alive), E[Y(52)], 12 discounted months)");
	clv_summary_release(&s);
	free(e.cust);
	free(e.day);
	free(e.amount);
	return;
fail:
	fprintf(stderr, "clv_bench: synthetic fit failed: %s\n", err.message);
	exit(1);
}

static int bench_report(const char *url)
{
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	struct store *st = NULL;
	struct report_table t = { 0 };
	int rc = store_open(url, &opt, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	if (!db)
		goto out;
	struct report_params p = { .now = (int64_t)time(NULL), .by = "", .tz = "" };
	const struct report_def *def = report_find("clv");
	struct stamp t0 = stamp();
	rc = def->run(db, &p, &t, &err);
	struct stamp t1 = stamp();
	if (rc < 0)
		goto out;
	printf("clv report on %s:\n", url);
	line("report (read, fit, value)", t0, t1, "");
	printf("  %zu rows; %s\n", t.nrows, t.note ? t.note : "");
	for (size_t r = 0; r < t.nrows && r < 3; r++)
		printf("  #%zu customer %lld: x=%lld P(alive)=%.3f E[Y]=%.2f CLV=%lld\n", r + 1,
		       (long long)report_cell(&t, r, 0)->i, (long long)report_cell(&t, r, 1)->i,
		       report_cell(&t, r, 4)->d, report_cell(&t, r, 5)->d, (long long)report_cell(&t, r, 7)->i);
out:
	if (!db || rc < 0)
		fprintf(stderr, "clv_bench: %s\n", err.message);
	report_table_free(&t);
	store_close(st);
	return db && rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--report") == 0)
		return bench_report(argv[2]);
	if (argc < 2) {
		fprintf(stderr, "usage: clv_bench DATA_DIR [CUSTOMERS] [SEED] | clv_bench --report DB_URL\n");
		return 2;
	}
	size_t n = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 1000000;
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
	bench_cdnow(argv[1]);
	if (n > 0)
		bench_synthetic(n, seed);
	return 0;
}
