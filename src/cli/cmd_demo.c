/*
 * cmd_demo.c - kefu demo --customers N --seed S: fill a freshly
 * initialised database with the demo data set (demo/demo.h), print the
 * row counts, the time it took and the demo staff's password.  "Today"
 * of the data is the current UTC day, so the same seed on the same day
 * gives the same database.  Progress goes to stderr when it is a
 * terminal.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "demo/demo.h"
#include "store/db.h"

/* A decimal number in [lo, hi]; -1 when s is not one. */
static int64_t parse_num(const char *s, int64_t lo, int64_t hi)
{
	int64_t v = 0;
	if (!s || !*s || strlen(s) > 18)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v < lo || v > hi ? -1 : v;
}

static void progress(void *ctx, int64_t done, int64_t total)
{
	(void)ctx;
	fprintf(stderr, "\rkefu demo: %lld / %lld customers (%d %%)", (long long)done, (long long)total,
	        (int)(done * 100 / (total ? total : 1)));
	if (done == total)
		fputc('\n', stderr);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void report(const struct demo_counts *c, double secs)
{
	int64_t total = demo_counts_total(c);
	printf("kefu demo: %lld customers (%lld identities, %lld addresses, %lld preferences, %lld tags, %lld consents)\n",
	       (long long)c->customers, (long long)c->identities, (long long)c->addresses,
	       (long long)c->preferences, (long long)c->tags, (long long)c->consents);
	printf("  %lld orders, %lld order lines, %lld shipments, %lld tracking events, %lld delay notices, %lld jobs\n",
	       (long long)c->orders, (long long)c->order_lines, (long long)c->shipments,
	       (long long)c->tracking_events, (long long)c->delay_notices, (long long)c->jobs);
	printf("  %lld tickets, %lld messages, %lld ticket events, %lld complaints, %lld returns, %lld claims\n",
	       (long long)c->tickets, (long long)c->messages, (long long)c->ticket_events,
	       (long long)c->complaints, (long long)c->returns, (long long)c->claims);
	printf("  %lld timeline rows, %lld search documents, %lld staff users, %lld teams\n",
	       (long long)c->timeline, (long long)c->search_docs, (long long)c->users, (long long)c->teams);
	printf("  %lld rows in %.1f s (%.0f rows/s)\n", (long long)total, secs,
	       secs > 0 ? (double)total / secs : 0.0);
	printf("\nDEMO ONLY - the staff users zhaomin (manager), wangfang, liuyang, chenjing, zhangwei, huanglei,\n"
	       "emily (agents), sunli (crm) and zhouqiang (analyst) all have the password: %s\n"
	       "Never use this data set or this password in production.\n",
	       DEMO_PASSWORD);
}

int cmd_demo(int argc, char **argv)
{
	static const char *customers = NULL, *seed = "1";
	const struct cli_flag flags[] = {
		{ "customers", 1, &customers, NULL, "how many customers (about 5 orders and 5 tickets each)" },
		{ "seed", 1, &seed, NULL, "the random seed (default 1); the same seed gives the same data" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	struct demo_counts counts;
	struct actor a = cli_actor();
	struct timespec t0;
	const char *pos[1];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("demo"), flags, &cfg, pos, 0, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	int64_t n = parse_num(customers, 1, DEMO_MAX_CUSTOMERS), s = parse_num(seed, 0, INT64_MAX);
	if (n < 0 || s < 0) {
		fprintf(stderr, "kefu demo: %s\n",
		        n < 0 ? "--customers must be a number from 1 to 2000000" : "--seed must be a number");
		return EXIT_USAGE;
	}
	struct demo_opts d = { n, (uint64_t)s, cli_now() / 86400 * 86400, isatty(2) ? progress : NULL, NULL };
	/*
	 * The load makes its data durable itself, once at the end (demo_generate):
	 * no WAL fsync after each commit, which SQLite's load mode would not
	 * have a WAL for.
	 */
	o.sync_full = 0;
	/* The page cache grows and shrinks all the time: keep freed memory instead of trimming the heap. */
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	if (!db)
		rc = -1;
	if (rc == 0)
		rc = demo_generate(db, &a, &d, &counts, &err);
	store_close(st);
	if (rc < 0)
		return cli_fail(&err);
	report(&counts, seconds_since(&t0));
	return EXIT_OK;
}
