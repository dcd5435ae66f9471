/*
 * cmd_order.c - kefu order show|list: a shop order (by its number or id)
 * with its lines and shipments, or one customer's orders.  Read only; the
 * same domain calls as GET /api/v1/orders/:id and GET /api/v1/orders.
 * --json prints the API's shapes for scripts.
 */
#include <stdio.h>
#include <string.h>

#include "base/tz.h"
#include "cli/cli.h"
#include "logistics/order.h"
#include "store/db.h"

#define ORDER_PAGE 200 /* orders per order_list call */

struct order_args {
	const char *customer; /* list: --customer ID */
	int json; /* --json */
};

static int usage(struct kf_error *err, const char *msg)
{
	return kf_fail(err, KF_EINVAL, "usage", NULL, "%s", msg);
}

/* "YYYY-MM-DD HH:MM UTC" for a JSON time, "-" for null. */
static const char *when(json_t *t, char *out, size_t n)
{
	int64_t y;
	int m, d;
	if (!json_is_integer(t))
		return "-";
	int64_t at = json_integer_value(t), day = tz_floordiv(at, 86400), s = at - day * 86400;
	tz_civil_from_days(day, &y, &m, &d);
	snprintf(out, n, "%04lld-%02d-%02d %02d:%02d UTC", (long long)y, m, d, (int)(s / 3600),
	         (int)(s % 3600 / 60));
	return out;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? s : "-";
}

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static int print_json(json_t *j)
{
	int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	putchar('\n');
	return rc;
}

static void print_order(json_t *o)
{
	char a[32], b[32];
	size_t i;
	json_t *x;
	printf("order %s (id %lld)\n", str(o, "number"), num(o, "id"));
	if (json_is_integer(json_object_get(o, "customer_id")))
		printf("  customer:  %lld\n", num(o, "customer_id"));
	printf("  status:    %s\n  placed:    %s\n  promised:  %s\n", str(o, "status"),
	       when(json_object_get(o, "placed_at"), a, sizeof(a)),
	       when(json_object_get(o, "promised_at"), b, sizeof(b)));
	printf("  shipping:  %s / %s\n  total:     %lld %s (minor units)\n", str(o, "shipping_mode"),
	       str(o, "shipping_terms"), num(o, "total_minor"), str(o, "currency"));
	printf("lines:\n  %-4s %-16s %5s %7s %9s %s\n", "NO", "SKU", "QTY", "SHIPPED", "DELIVERED", "NAME");
	json_array_foreach(json_object_get(o, "lines"), i, x) printf(
	        "  %-4lld %-16s %5lld %7lld %9lld %s\n", num(x, "line_no"), str(x, "sku"), num(x, "quantity"),
	        num(x, "quantity_shipped"), num(x, "quantity_delivered"), str(x, "name"));
	printf("shipments:\n");
	json_array_foreach(json_object_get(o, "shipments"), i, x)
	        printf("  %-20s %-22s %-10s %s\n", str(x, "tracking_number"), str(x, "status"),
	               str(x, "carrier"), when(json_object_get(x, "delivered_at"), a, sizeof(a)));
}

/* The order named by its shop number, or else by its id. */
static int order_resolve(struct db *db, const char *ref, int64_t *id, struct kf_error *err)
{
	int rc = order_id_by_number(db, ref, id, err);
	if (rc != KF_ENOTFOUND || !cli_parse_id(ref))
		return rc;
	*id = cli_parse_id(ref);
	return 0;
}

static int order_show(struct db *db, const char *ref, const struct order_args *oa, struct kf_error *err)
{
	json_t *o = NULL;
	int64_t id = 0, version;
	int rc = order_resolve(db, ref, &id, err);
	if (rc == 0)
		rc = order_get_json(db, id, &o, &version, err);
	if (rc == 0 && oa->json)
		print_json(o);
	else if (rc == 0)
		print_order(o);
	json_decref(o);
	return rc;
}

/* Every order of the customer, all pages, into one array. */
static int order_collect(struct db *db, int64_t customer_id, json_t *all, struct kf_error *err)
{
	int64_t after = 0;
	size_t n;
	do {
		json_t *items = NULL;
		int rc = order_list(db, customer_id, after, ORDER_PAGE, &items, &after, err);
		if (rc < 0) {
			json_decref(items);
			return rc;
		}
		n = json_array_size(items);
		json_array_extend(all, items);
		json_decref(items);
	} while (n == ORDER_PAGE && after);
	return 0;
}

static int order_list_print(struct db *db, const struct order_args *oa, struct kf_error *err)
{
	char a[32];
	size_t i;
	json_t *o, *all = json_array();
	int64_t cid = cli_parse_id(oa->customer);
	if (!cid) {
		json_decref(all);
		return usage(err, "kefu order list needs --customer ID (a positive number)");
	}
	int rc = order_collect(db, cid, all, err);
	if (rc == 0 && oa->json) {
		json_t *wrap = json_pack("{s:O}", "items", all);
		print_json(wrap);
		json_decref(wrap);
	} else if (rc == 0) {
		printf("%-8s %-22s %-18s %-20s %s\n", "ID", "NUMBER", "STATUS", "PLACED", "TOTAL");
		json_array_foreach(all, i, o)
		        printf("%-8lld %-22s %-18s %-20s %lld %s\n", num(o, "id"), str(o, "number"),
		               str(o, "status"), when(json_object_get(o, "placed_at"), a, sizeof(a)),
		               num(o, "total_minor"), str(o, "currency"));
		printf("%zu orders\n", json_array_size(all));
	}
	json_decref(all);
	return rc;
}

static int order_run(struct db *db, const char **pos, int npos, const struct order_args *oa,
                     struct kf_error *err)
{
	if (strcmp(pos[0], "list") == 0 && npos == 1)
		return order_list_print(db, oa, err);
	if (strcmp(pos[0], "show") == 0 && npos == 2)
		return order_show(db, pos[1], oa, err);
	return usage(err, "kefu order show NUMBER|ID, kefu order list --customer ID");
}

int cmd_order(int argc, char **argv)
{
	struct order_args oa = { NULL, 0 };
	const struct cli_flag flags[] = {
		{ "customer", 1, &oa.customer, NULL, "list: the customer's id" },
		{ "json", 0, NULL, &oa.json, "print JSON (the API's shape)" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	const char *pos[2];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("order"), flags, &cfg, pos, 2, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (npos == 0) {
		fprintf(stderr, "kefu order: which action? (show, list)\n");
		return EXIT_USAGE;
	}
	o.sync_full = cfg.sync_full;
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? order_run(db, pos, npos, &oa, &err) : -1;
	store_close(st);
	if (rc < 0)
		return strcmp(err.key, "usage") == 0 ? (fprintf(stderr, "kefu: %s\n", err.message), EXIT_USAGE)
		                                     : cli_fail(&err);
	return EXIT_OK;
}
