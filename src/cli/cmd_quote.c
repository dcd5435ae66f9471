/*
 * cmd_quote.c - pricing from the command line (PRODUCT.md P1-P4):
 *
 *   kefu ratecard import NAME FILE | check FILE | list | export ID
 *   kefu quote --card ID|--card-file FILE --weight-g N --to-postcode P ... [--store] [--json]
 *   kefu quote elasticity P0 Q0 P1 Q1
 *   kefu quote newsvendor --price P --cost C --salvage V [--goodwill G] --mean MU --sd SIGMA
 *
 * A quote against a stored card is the same domain call as POST
 * /api/v1/quotes (with the price policy and the customer's contract
 * rate); against a card file it is priced offline, without a database,
 * with no policy — handy to check a card before importing it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "pricing/elasticity.h"
#include "pricing/quote_store.h"
#include "pricing/ratecard_store.h"
#include "pricing/quote.h"
#include "pricing/ratecard_csv.h"
#include "store/db.h"

static int usage(struct kf_error *err, const char *msg)
{
	return kf_fail(err, KF_EINVAL, "usage", NULL, "%s", msg);
}

/* Exit 2 for a usage error, 1 for anything else. */
static int fail(const struct kf_error *err)
{
	if (strcmp(err->key, "usage") != 0)
		return cli_fail(err);
	fprintf(stderr, "kefu: %s\n", err->message);
	return EXIT_USAGE;
}

/* Read a whole file (at most RATECARD_STORE_CSV_MAX bytes) into *out. */
static int slurp(const char *path, struct buf *out, struct kf_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return kf_fail(err, KF_EIO, "io", "file", "cannot open %s: %s", path, strerror(errno));
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (out->len + n > RATECARD_STORE_CSV_MAX) {
			fclose(f);
			return kf_fail(err, KF_ETOOBIG, "too_long", "file", "%s is larger than %d bytes",
			               path, RATECARD_STORE_CSV_MAX);
		}
		buf_add(out, chunk, n);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return kf_fail(err, KF_EIO, "io", "file", "cannot read %s", path);
	if (!out->p)
		buf_adds(out, "");
	return 0;
}

static void print_json(json_t *o)
{
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	putchar('\n');
}

static void money(int64_t v, char *out, size_t n)
{
	snprintf(out, n, "%s%lld.%02lld", v < 0 ? "-" : "", (long long)llabs(v) / 100,
	         (long long)llabs(v) % 100);
}

/* An answer (the API's JSON shape) as a table of lines. */
static void print_answer(json_t *q)
{
	char a[32];
	size_t i;
	json_t *l;
	json_t *w = json_object_get(q, "weight"), *tr = json_object_get(q, "transit");
	printf("%s %s, zone %s, billable %lld g (actual %lld g, dimensional %lld g), transit %lld-%lld business days\n",
	       json_string_value(json_object_get(q, "carrier")), json_string_value(json_object_get(q, "mode")),
	       json_string_value(json_object_get(q, "zone")) ? json_string_value(json_object_get(q, "zone"))
	                                                     : "-",
	       (long long)json_integer_value(json_object_get(w, "billable_g")),
	       (long long)json_integer_value(json_object_get(w, "actual_g")),
	       (long long)json_integer_value(json_object_get(w, "dimensional_g")),
	       (long long)json_integer_value(json_object_get(tr, "min_days")),
	       (long long)json_integer_value(json_object_get(tr, "max_days")));
	json_array_foreach(json_object_get(q, "lines"), i, l)
	{
		money(json_integer_value(json_object_get(l, "amount")), a, sizeof a);
		printf("  %-24s %-12s %12s\n", json_string_value(json_object_get(l, "label_en")),
		       json_string_value(json_object_get(l, "code")), a);
	}
	money(json_integer_value(json_object_get(q, "total")), a, sizeof a);
	printf("  %-37s %12s %s\n", "Total", a, json_string_value(json_object_get(q, "currency")));
	printf("terms %s: freight paid by the %s, risk in transit with the %s\n",
	       json_string_value(json_object_get(q, "terms")),
	       json_string_value(json_object_get(q, "freight_payer")),
	       json_string_value(json_object_get(q, "risk_in_transit")));
	if (json_object_get(q, "id"))
		printf("stored as quote %lld\n", (long long)json_integer_value(json_object_get(q, "id")));
}

/* Offline: the same arithmetic on a card file, answered in the same shape (no transit dates). */
static int quote_file(const char *path, const struct quote_req *r, json_t **out, struct kf_error *err)
{
	struct buf text = BUF_INIT;
	struct rate_card *c = xcalloc(1, sizeof *c);
	struct quote *q = xcalloc(1, sizeof *q);
	int rc = slurp(path, &text, err);
	if (rc == 0)
		rc = rc_read_csv(c, buf_cstr(&text), text.len, err);
	if (rc == 0 && (rc = quote_compute(c, NULL, NULL, r, q, err)) == 0) {
		json_t *lines = json_array();
		for (size_t i = 0; i < q->nlines; i++)
			json_array_append_new(lines,
			                      json_pack("{s:s,s:s,s:s,s:I}", "kind",
			                                quote_line_kind_name(q->lines[i].kind), "code",
			                                q->lines[i].code, "label_en",
			                                quote_line_kind_name(q->lines[i].kind), "amount",
			                                (json_int_t)q->lines[i].amount));
		*out = json_pack("{s:s,s:s,s:s,s:s,s:{s:I,s:I,s:I},s:{s:i,s:i},s:o,s:I,s:s,s:s,s:s}",
		                 "carrier", c->carrier, "mode", rc_mode_name(c->mode), "currency",
		                 c->currency, "zone", c->zones[q->zone].code, "weight", "actual_g",
		                 (json_int_t)q->actual_g, "dimensional_g", (json_int_t)q->dim_g, "billable_g",
		                 (json_int_t)q->billable_g, "transit", "min_days", q->transit_min_days,
		                 "max_days", q->transit_max_days, "lines", lines, "total",
		                 (json_int_t)q->total, "terms", quote_terms_name(r->terms), "freight_payer",
		                 q->freight_payer == QP_BUYER ? "buyer" : "seller", "risk_in_transit",
		                 q->risk_bearer == QP_BUYER ? "buyer" : "seller");
		rc = 0;
	}
	if (c)
		rc_release(c);
	free(c);
	free(q);
	buf_release(&text);
	return rc;
}

struct qflags {
	const char *card, *card_file, *weight, *postcode, *region, *distance, *len, *wid, *hei, *price, *qty,
	        *declared, *terms, *customer, *ticket, *order;
	int hazardous, special, pickup, store, json;
};

/* A non-negative integer flag into *out; absent = nothing (returns 0, *given unset). */
static int int_flag(const char *v, const char *key, int64_t *out, struct kf_error *err)
{
	if (!v)
		return 0;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end || n < 0)
		return kf_fail(err, KF_EINVAL, "invalid", key, "--%s must be a whole number of at least 0",
		               key);
	*out = n;
	return 0;
}

/*
 * The flags into the request struct.  An id flag given as 0 becomes -1,
 * so that the store's check says "range" for it (0 means none there).
 */
static int build_request(const struct qflags *f, struct quote_request *in, struct kf_error *err)
{
	static const char *const names[] = { "weight_g",   "length_mm", "width_mm",       "height_mm",
		                             "unit_price", "quantity",  "declared_value", "customer_id",
		                             "ticket_id",  "order_id" };
	struct quote_req *r = &in->req;
	const char *vals[] = { f->weight, f->len,      f->wid,      f->hei,    f->price,
		               f->qty,    f->declared, f->customer, f->ticket, f->order };
	int64_t *dst[] = { &r->weight_g, &r->len_mm,         &r->wid_mm,       &r->hei_mm,     &r->unit_price,
		           &r->quantity, &r->declared_value, &in->customer_id, &in->ticket_id, &in->order_id };
	memset(in, 0, sizeof *in);
	r->quantity = 1;
	r->distance_km = -1;
	r->weight_g = QUOTE_WEIGHT_UNSET;
	r->at = cli_now();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof names / sizeof names[0]; i++)
		rc = int_flag(vals[i], names[i], dst[i], err);
	for (int64_t **id = &dst[7]; id < dst + 10; id++)
		if (vals[id - dst] && **id == 0)
			**id = -1;
	if (rc == 0 && f->distance)
		rc = int_flag(f->distance, "distance_km", &r->distance_km, err);
	r->postcode = f->postcode;
	r->region = f->region;
	if (rc == 0 && f->terms && quote_terms_parse(f->terms, &r->terms) < 0)
		rc = kf_fail(err, KF_EINVAL, "invalid", "terms",
		             "--terms must be fob_origin or fob_destination");
	r->hazardous = f->hazardous;
	r->special = f->special;
	r->pickup = f->pickup;
	return rc;
}

static int quote_price_cmd(int argc, char **argv, struct kf_error *err)
{
	struct qflags f = { 0 };
	const struct cli_flag flags[] = {
		{ "card", 1, &f.card, NULL, "stored rate card id" },
		{ "card-file", 1, &f.card_file, NULL, "price offline against a rate card CSV file" },
		{ "weight-g", 1, &f.weight, NULL, "actual weight in grams" },
		{ "to-postcode", 1, &f.postcode, NULL, "destination postcode" },
		{ "to-region", 1, &f.region, NULL, "destination province or region" },
		{ "distance-km", 1, &f.distance, NULL, "distance (distance-priced cards)" },
		{ "length-mm", 1, &f.len, NULL, "outer length" },
		{ "width-mm", 1, &f.wid, NULL, "outer width" },
		{ "height-mm", 1, &f.hei, NULL, "outer height" },
		{ "unit-price", 1, &f.price, NULL, "goods price per unit, minor units" },
		{ "quantity", 1, &f.qty, NULL, "units (quantity tiers)" },
		{ "declared-value", 1, &f.declared, NULL, "declared value for insurance, minor units" },
		{ "terms", 1, &f.terms, NULL, "fob_origin (default) or fob_destination" },
		{ "customer", 1, &f.customer, NULL, "customer id (contract rate; attach)" },
		{ "ticket", 1, &f.ticket, NULL, "attach to this ticket (with --store)" },
		{ "order", 1, &f.order, NULL, "attach to this order (with --store)" },
		{ "hazardous", 0, NULL, &f.hazardous, "hazardous goods" },
		{ "special", 0, NULL, &f.special, "special handling" },
		{ "pickup", 0, NULL, &f.pickup, "the buyer collects" },
		{ "store", 0, NULL, &f.store, "store the quote (stored cards only)" },
		{ "json", 0, NULL, &f.json, "print the API's JSON" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	const char *pos[1];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("quote"), flags, &cfg, pos, 1, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? 1 : usage(err, "see kefu quote --help");
	if (!f.card == !f.card_file)
		return usage(err, "kefu quote: give --card ID or --card-file FILE");
	struct quote_request *in = xcalloc(1, sizeof(*in));
	json_t *out = NULL;
	rc = build_request(&f, in, err);
	if (rc == 0 && f.card_file) {
		if (in->req.weight_g == QUOTE_WEIGHT_UNSET)
			in->req.weight_g = 0; /* offline: quote_compute says what is missing */
		rc = quote_file(f.card_file, &in->req, &out, err);
	} else if (rc == 0) {
		struct db_options o = DB_OPTIONS_INIT;
		struct store *st = NULL;
		struct actor a = cli_actor();
		in->card_id = cli_parse_id(f.card);
		if (in->card_id == 0)
			in->card_id = -1; /* unreadable: the store's check says "range" */
		o.sync_full = cfg.sync_full;
		o.migrate = 0;
		rc = store_open(cfg.db, &o, &st, err);
		struct db *db = rc == 0 ? store_db(st, err) : NULL;
		rc = db ? quote_store_price(db, &a, cli_now(), in, f.store, &out, err) : -1;
		store_close(st);
	}
	if (rc == 0 && f.json)
		print_json(out);
	else if (rc == 0)
		print_answer(out);
	free(in);
	json_decref(out);
	return rc;
}

static int parse_num(const char *s, const char *name, double *out, struct kf_error *err)
{
	char *end;
	errno = 0;
	*out = s ? strtod(s, &end) : 0;
	if (!s || errno || *end || !isfinite(*out))
		return kf_fail(err, KF_EINVAL, "invalid", name, "%s must be a number", name);
	return 0;
}

static int elasticity_cmd(int argc, char **argv, struct kf_error *err)
{
	double v[4], simple, mid;
	static const char *const names[] = { "P0", "Q0", "P1", "Q1" };
	if (argc != 6 && argc != 9)
		return usage(err,
		             "kefu quote elasticity P0 Q0 P1 Q1 [FROM TO STEPS] (prices and quantities before and "
		             "after; a what-if over prices FROM..TO)");
	for (int i = 0; i < 4; i++)
		if (parse_num(argv[2 + i], names[i], &v[i], err))
			return KF_EINVAL;
	if (elasticity_simple(v[0], v[1], v[2], v[3], &simple) ||
	    elasticity_midpoint(v[0], v[1], v[2], v[3], &mid))
		return kf_fail(err, KF_EINVAL, "invalid", "P1",
		               "elasticity needs a price change and non-zero bases");
	printf("simple elasticity:   %.4f\nmidpoint elasticity: %.4f (%s)\nrevenue: %.2f -> %.2f\n", simple,
	       mid,
	       fabs(mid) > 1 ? "elastic: a price rise loses revenue" : "inelastic: a price rise gains revenue",
	       v[0] * v[1], v[2] * v[3]);
	if (argc == 6)
		return 0;
	double from, to, steps;
	struct whatif_row rows[101];
	if (parse_num(argv[6], "FROM", &from, err) || parse_num(argv[7], "TO", &to, err) ||
	    parse_num(argv[8], "STEPS", &steps, err))
		return KF_EINVAL;
	if (steps < 1 || steps > 101 || steps != floor(steps) ||
	    elasticity_whatif(v[0], v[1], mid, from, to, (size_t)steps, rows))
		return usage(err, "kefu quote elasticity: what-if needs 0 < FROM <= TO and 1..101 STEPS");
	printf("what-if at the midpoint elasticity (constant-elasticity demand q = Q0 (p / P0)^E):\n%12s %14s %16s\n",
	       "price", "quantity", "revenue");
	for (size_t i = 0; i < (size_t)steps; i++)
		printf("%12.2f %14.1f %16.2f\n", rows[i].price, rows[i].quantity, rows[i].revenue);
	return 0;
}

static int newsvendor_cmd(int argc, char **argv, struct kf_error *err)
{
	const char *s[6] = { 0 };
	const struct cli_flag flags[] = {
		{ "price", 1, &s[0], NULL, "selling price per unit" },
		{ "cost", 1, &s[1], NULL, "unit cost" },
		{ "salvage", 1, &s[2], NULL, "salvage value of an unsold unit" },
		{ "goodwill", 1, &s[3], NULL, "goodwill cost of a missed sale (default 0)" },
		{ "mean", 1, &s[4], NULL, "mean demand" },
		{ "sd", 1, &s[5], NULL, "standard deviation of demand" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	const char *pos[1];
	int npos, rc = cli_parse(argc - 1, argv + 1, cli_cmd_find("quote"), flags, &cfg, pos, 1, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? 1 : usage(err, "see kefu quote --help");
	static const char *const names[] = { "price", "cost", "salvage", "goodwill", "mean", "sd" };
	double v[6];
	for (int i = 0; i < 6; i++)
		if (i == 3 && !s[i])
			v[i] = 0;
		else if (parse_num(s[i], names[i], &v[i], err))
			return KF_EINVAL;
	struct newsvendor n;
	if (newsvendor_normal(v[0], v[1], v[2], v[3], v[4], v[5], &n))
		return usage(err, "kefu quote newsvendor: needs price > cost > salvage, mean > 0 and sd > 0");
	printf("critical ratio (optimal cycle service level): %.4f\nz: %.4f\norder quantity: %.1f\n"
	       "expected shortage: %.1f\nexpected sales: %.1f\nfill rate: %.4f\nexpected leftover: %.1f\n"
	       "expected profit: %.2f\n",
	       n.critical_ratio, n.z, n.q, n.expected_shortage, n.expected_sales, n.fill_rate,
	       n.expected_leftover, n.expected_profit);
	return 0;
}

int cmd_quote(int argc, char **argv)
{
	struct kf_error err = KF_ERROR_INIT;
	int rc;
	if (argc >= 2 && strcmp(argv[1], "elasticity") == 0)
		rc = elasticity_cmd(argc, argv, &err);
	else if (argc >= 2 && strcmp(argv[1], "newsvendor") == 0)
		rc = newsvendor_cmd(argc, argv, &err);
	else
		rc = quote_price_cmd(argc, argv, &err);
	if (rc == 1)
		return EXIT_OK; /* --help */
	return rc < 0 ? fail(&err) : EXIT_OK;
}

/* ---- kefu ratecard ---- */

static int ratecard_run(struct db *db, int npos, const char **pos, int as_json, struct kf_error *err)
{
	struct actor a = cli_actor();
	json_t *out = NULL;
	struct buf text = BUF_INIT;
	int rc;
	if (strcmp(pos[0], "list") == 0 && npos == 1) {
		rc = ratecard_store_list(db, &out, err);
		size_t i;
		json_t *c;
		if (rc == 0 && !as_json)
			json_array_foreach(out, i, c)
			        printf("%-6lld %-24s %-10s %-8s %-8s %3lld zones %3lld breaks%s\n",
			               (long long)json_integer_value(json_object_get(c, "id")),
			               json_string_value(json_object_get(c, "name")),
			               json_string_value(json_object_get(c, "carrier")),
			               json_string_value(json_object_get(c, "mode")),
			               json_string_value(json_object_get(c, "geo")),
			               (long long)json_integer_value(json_object_get(c, "zone_count")),
			               (long long)json_integer_value(json_object_get(c, "break_count")),
			               json_is_true(json_object_get(c, "active")) ? "" : " (retired)");
	} else if (strcmp(pos[0], "import") == 0 && npos == 3) {
		rc = slurp(pos[2], &text, err);
		if (rc == 0)
			rc = ratecard_store_create(db, &a, cli_now(), pos[1], buf_cstr(&text), text.len, &out,
			                           err);
		if (rc == 0 && !as_json)
			printf("imported rate card %lld (%s)\n",
			       (long long)json_integer_value(json_object_get(out, "id")), pos[1]);
	} else if (strcmp(pos[0], "export") == 0 && npos == 2 && cli_parse_id(pos[1])) {
		char *csv = NULL;
		int64_t version;
		rc = ratecard_store_csv(db, cli_parse_id(pos[1]), &csv, &version, err);
		if (rc == 0)
			fputs(csv, stdout);
		free(csv);
		as_json = 0;
	} else {
		rc = usage(err, "kefu ratecard import NAME FILE | check FILE | list | export ID");
	}
	if (rc == 0 && as_json && out)
		print_json(out);
	json_decref(out);
	buf_release(&text);
	return rc;
}

int cmd_ratecard(int argc, char **argv)
{
	int as_json = 0;
	const struct cli_flag flags[] = {
		{ "json", 0, NULL, &as_json, "print JSON" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	const char *pos[3];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("ratecard"), flags, &cfg, pos, 3, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (npos < 1) {
		fprintf(stderr, "kefu ratecard: import NAME FILE | check FILE | list | export ID\n");
		return EXIT_USAGE;
	}
	if (strcmp(pos[0], "check") == 0) { /* no database: is this file a good card? */
		struct buf text = BUF_INIT;
		struct rate_card *c = xcalloc(1, sizeof *c);
		rc = npos == 2 ? slurp(pos[1], &text, &err) : usage(&err, "kefu ratecard check FILE");
		if (rc == 0 && (rc = rc_read_csv(c, buf_cstr(&text), text.len, &err)) == 0) {
			printf("ok: %s %s, %zu zones, %zu weight breaks, %zu surcharges\n", c->carrier,
			       rc_mode_name(c->mode), c->nzones, c->nbreaks, c->nsurcharges);
			rc_release(c);
		}
		free(c);
		buf_release(&text);
		return rc < 0 ? cli_fail(&err) : EXIT_OK;
	}
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	o.sync_full = cfg.sync_full;
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? ratecard_run(db, npos, pos, as_json, &err) : -1;
	store_close(st);
	return rc < 0 ? fail(&err) : EXIT_OK;
}
