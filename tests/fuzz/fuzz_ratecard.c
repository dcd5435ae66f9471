/*
 * fuzz_ratecard.c - libFuzzer harness for the rate-card CSV reader
 * (pricing/ratecard_csv.c) and the quote arithmetic over whatever card it
 * accepts (pricing/quote.c).  Invariants: a refused card leaves nothing
 * behind (LeakSanitizer); an accepted card written back out reads back to
 * the same CSV; a quote either fails with an error or its lines add up to
 * its total.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "pricing/quote.h"
#include "pricing/ratecard_csv.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void price(const struct rate_card *c, int64_t weight, const char *postcode, int terms)
{
	static struct quote q;
	struct kf_error err = KF_ERROR_INIT;
	struct quote_req r = {
		.unit_price = 1999,
		.quantity = 3,
		.weight_g = weight,
		.len_mm = 400,
		.wid_mm = 300,
		.hei_mm = 200,
		.declared_value = 50000,
		.hazardous = terms,
		.postcode = postcode,
		.region = "上海",
		.distance_km = weight % 5000,
		.terms = terms ? QT_FOB_DESTINATION : QT_FOB_ORIGIN,
		.contract_bp = 500,
	};
	if (quote_compute(c, NULL, NULL, &r, &q, &err) != 0)
		return;
	int64_t sum = 0;
	for (size_t i = 0; i < q.nlines; i++)
		sum += q.lines[i].amount;
	if (sum != q.total)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rate_card c, d;
	struct kf_error err = KF_ERROR_INIT;
	if (rc_read_csv(&c, (const char *)data, size, &err) != 0)
		return 0;
	struct buf once = BUF_INIT, twice = BUF_INIT;
	rc_write_csv(&c, &once);
	if (rc_read_csv(&d, buf_cstr(&once), once.len, &err) != 0)
		__builtin_trap(); /* what we write we must read */
	rc_write_csv(&d, &twice);
	if (once.len != twice.len || memcmp(buf_cstr(&once), buf_cstr(&twice), once.len) != 0)
		__builtin_trap();
	price(&c, 1, "200030", 0);
	price(&c, 2300, "", 1);
	price(&c, 999999, "9", 0);
	buf_release(&once);
	buf_release(&twice);
	rc_release(&c);
	rc_release(&d);
	return 0;
}
