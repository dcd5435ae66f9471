/*
 * pricing.c - in-process quote throughput (issue 6 figure: >= 1,000,000
 * quotes/s on one core for a 50-zone, 20-break card).  Built and run by
 * bench/pricing.sh; prints quotes per second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pricing/quote.h"
#include "pricing/ratecard.h"

#define NREQ 4096

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 5000000;
	struct kf_error err = KF_ERROR_INIT;
	static struct rate_card c;
	rc_init(&c, "BENCH", RC_EXPRESS, RC_GEO_ZONE);
	c.dim_divisor = 6000;
	c.weight_step_g = 500;
	c.min_charge = 800;
	c.insurance_bp = 30;
	c.insurance_min = 200;
	char key[16];
	for (int z = 0; z < 50; z++) {
		snprintf(key, sizeof key, "Z%02d", z);
		rc_add_zone(&c, key, 0, 1 + z / 10, 2 + z / 10, &err);
		for (int p = 0; p < 4; p++) { /* four postcode prefixes per zone */
			snprintf(key, sizeof key, "%d%02d", p + 1, z);
			rc_add_match(&c, RC_MATCH_POSTCODE, key, z, &err);
		}
	}
	rc_add_match(&c, RC_MATCH_DEFAULT, NULL, 49, &err);
	for (int b = 0; b < 20; b++)
		rc_add_break(&c, b * 2000, &err);
	for (int z = 0; z < 50; z++)
		for (int b = 0; b < 20; b++)
			rc_set_rate(&c, z, b, 1000 + z * 20, 400 - b * 10 + z, &err);
	rc_add_surcharge(&c, "fuel", RC_SC_PERCENT, RC_SC_ALWAYS, 1250, &err);
	rc_add_surcharge(&c, "dangerous", RC_SC_FLAT, RC_SC_HAZARDOUS, 3000, &err);
	if (rc_validate(&c, &err)) {
		fprintf(stderr, "card: %s\n", err.message);
		return 1;
	}
	static char codes[NREQ][8];
	static struct quote_req req[NREQ];
	srand(42);
	for (int i = 0; i < NREQ; i++) {
		snprintf(codes[i], sizeof codes[i], "%d%02d%03d", 1 + rand() % 4, rand() % 55, rand() % 1000);
		req[i] = (struct quote_req){ .unit_price = 100 + rand() % 10000,
			                     .quantity = 1 + rand() % 20,
			                     .weight_g = 100 + rand() % 39000,
			                     .len_mm = 300,
			                     .wid_mm = 200,
			                     .hei_mm = 100 + rand() % 400,
			                     .declared_value = rand() % 2 ? 50000 : 0,
			                     .hazardous = rand() % 10 == 0,
			                     .postcode = codes[i],
			                     .distance_km = -1,
			                     .terms = rand() % 2 ? QT_FOB_ORIGIN : QT_FOB_DESTINATION,
			                     .contract_bp = rand() % 3 ? 0 : 500 };
	}
	struct quote q;
	long bad = 0;
	int64_t sum = 0;
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		if (quote_compute(&c, NULL, NULL, &req[i % NREQ], &q, &err))
			bad++;
		sum += q.total;
	}
	double dt = now_s() - t0;
	printf("card: 50 zones x 20 breaks, 201 postcode matchers, 2 surcharges + insurance\n");
	printf("quotes: %ld in %.3f s = %.0f quotes/s on one core (%.0f ns each; %ld refused; checksum %lld)\n",
	       n, dt, (double)n / dt, dt * 1e9 / (double)n, bad, (long long)sum);
	rc_release(&c);
	return 0;
}
