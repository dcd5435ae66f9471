/*
 * cmd_analytics.c - kefu analytics recompute: the nightly customer-value
 * job (analytics/value.h) run now: RFM, ABC, loyalty and lifecycle for
 * every customer, customer_value and customers.tier/stage written where
 * they changed.  --a/--b set the ABC thresholds (kept for the nightly
 * runs); --dry-run computes and prints without writing.  A progress bar
 * goes to stderr when it is a terminal (or with --progress).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analytics/value.h"
#include "cli/cli.h"
#include "store/db.h"

struct bar {
	int last; /* the last percentage drawn, -1 = none */
};

static void progress(void *arg, uint64_t done, uint64_t total)
{
	struct bar *b = arg;
	int pct = (int)(total ? done * 100 / total : 100), width = 40, fill = pct * width / 100;
	if (pct == b->last)
		return;
	b->last = pct;
	fprintf(stderr, "\rkefu analytics: [");
	for (int i = 0; i < width; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %3d %%", pct);
	if (done >= total)
		fputc('\n', stderr);
}

/* A number in [lo, hi]; -1 when s is not one. */
static int parse_share(const char *s, double lo, double hi, double *out)
{
	char *end = NULL;
	if (!s)
		return 0;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || !*s || *end || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* --dry-run: compute and print the class counts. */
static int dry_run(struct db *db, const struct value_opts *o, struct kf_error *err)
{
	struct value_set s = VALUE_SET_INIT;
	struct timespec t0;
	int64_t n[3] = { 0, 0, 0 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = value_compute(db, o, &s, err);
	double secs = seconds_since(&t0);
	for (size_t i = 0; rc == 0 && i < s.n; i++)
		n[s.rows[i].abc - 'A']++;
	if (rc == 0)
		printf("kefu analytics: %zu customers, %zu buyers, %lld orders, revenue %lld (minor units);"
		       " A %lld, B %lld, C %lld; computed in %.2f s (nothing written)\n",
		       s.n, s.buyers, (long long)s.orders, (long long)s.revenue_minor, (long long)n[0],
		       (long long)n[1], (long long)n[2], secs);
	value_set_release(&s);
	return rc;
}

static int recompute(struct db *db, const struct value_opts *o, struct kf_error *err)
{
	struct value_stats st;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = value_recompute(db, o, &st, err);
	if (rc == 0)
		printf("kefu analytics: %lld customers, %lld buyers, %lld orders, revenue %lld (minor units);"
		       " %lld rows written, %lld tiers and %lld stages changed, in %.2f s\n",
		       (long long)st.customers, (long long)st.buyers, (long long)st.orders,
		       (long long)st.revenue_minor, (long long)st.rows_written, (long long)st.tiers_changed,
		       (long long)st.stages_changed, seconds_since(&t0));
	return rc;
}

int cmd_analytics(int argc, char **argv)
{
	static const char *a = NULL, *b = NULL;
	static int dry = 0, force_bar = 0;
	const struct cli_flag flags[] = {
		{ "a", 1, &a, NULL,
		  "ABC: cumulative revenue share closing class A (default 0.80, or the last run's)" },
		{ "b", 1, &b, NULL, "ABC: the share of class B (default 0.15, or the last run's); a + b <= 1" },
		{ "dry-run", 0, NULL, &dry, "compute and print the counts, write nothing" },
		{ "progress", 0, NULL, &force_bar, "draw the progress bar even when stderr is not a terminal" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT, none = KF_ERROR_INIT;
	struct db_options dbo = DB_OPTIONS_INIT;
	struct store *st = NULL;
	struct value_opts o;
	struct value_run last;
	struct bar bar = { -1 };
	const char *pos[1];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("analytics"), flags, &cfg, pos, 1, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (npos != 1 || strcmp(pos[0], "recompute") != 0) {
		fprintf(stderr, "usage: %s\n", cli_cmd_find("analytics")->usage);
		return EXIT_USAGE;
	}
	value_opts_init(&o, cli_now());
	rc = store_open(cfg.db, &dbo, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	if (!db) {
		store_close(st);
		return cli_fail(&err);
	}
	if (value_last_run(db, &last, &none) == 0 && abc_thresholds_valid(&last.abc))
		o.abc = last.abc;
	if (parse_share(a, 0.01, 1.0, &o.abc.a) < 0 || parse_share(b, 0.0, 0.99, &o.abc.b) < 0 ||
	    !abc_thresholds_valid(&o.abc)) {
		store_close(st);
		fprintf(stderr, "kefu analytics: --a must be in (0, 1], --b in [0, 1), and a + b at most 1\n");
		return EXIT_USAGE;
	}
	if (force_bar || isatty(2)) {
		o.progress = progress;
		o.progress_arg = &bar;
	}
	rc = dry ? dry_run(db, &o, &err) : recompute(db, &o, &err);
	store_close(st);
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}
