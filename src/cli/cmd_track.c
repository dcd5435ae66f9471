/*
 * cmd_track.c - kefu track NUMBER: the public view of a tracking number,
 * the same domain call as GET /api/v1/track/:number (status with its
 * Chinese and English labels, carrier, cities, ETA, events; nothing about
 * the customer or the order).
 */
#include <stdio.h>
#include <string.h>

#include "base/tz.h"
#include "cli/cli.h"
#include "logistics/shipment.h"
#include "store/db.h"

#define TRACK_NUMBER_MAX 64 /* bytes; longer numbers exist nowhere (the API's check) */

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

/* "已签收 / Delivered (delivered)" for an object with status and status_label. */
static void print_status(json_t *o)
{
	json_t *l = json_object_get(o, "status_label");
	printf("%s / %s (%s)", str(l, "zh"), str(l, "en"), str(o, "status"));
}

static void print_track(json_t *t)
{
	char a[32], b[32];
	size_t i;
	json_t *ev;
	printf("tracking %s: ", str(t, "tracking_number"));
	print_status(t);
	printf("\n  carrier:   %s (%s)\n  route:     %s -> %s\n", str(t, "carrier"), str(t, "mode"),
	       str(t, "origin"), str(t, "destination"));
	printf("  eta:       %s\n  delivered: %s\nevents:\n", when(json_object_get(t, "eta_at"), a, sizeof(a)),
	       when(json_object_get(t, "delivered_at"), b, sizeof(b)));
	json_array_foreach(json_object_get(t, "events"), i, ev)
	{
		printf("  %s  %-12s ", when(json_object_get(ev, "at"), a, sizeof(a)), str(ev, "location"));
		print_status(ev);
		putchar('\n');
	}
}

static int track_run(struct db *db, const char *number, int as_json, struct kf_error *err)
{
	json_t *t = NULL;
	if (strlen(number) > TRACK_NUMBER_MAX)
		return kf_fail(err, KF_ENOTFOUND, "not_found", "number",
		               "no shipment with this tracking number");
	int rc = shipment_track_json(db, number, &t, err);
	if (rc == 0 && as_json) {
		json_dumpf(t, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else if (rc == 0) {
		print_track(t);
	}
	json_decref(t);
	return rc;
}

int cmd_track(int argc, char **argv)
{
	int as_json = 0;
	const struct cli_flag flags[] = {
		{ "json", 0, NULL, &as_json, "print JSON (the public tracking endpoint's shape)" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	const char *pos[1];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("track"), flags, &cfg, pos, 1, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (npos != 1 || !*pos[0]) {
		fprintf(stderr, "kefu track: needs one tracking number\n");
		return EXIT_USAGE;
	}
	o.sync_full = cfg.sync_full;
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? track_run(db, pos[0], as_json, &err) : -1;
	store_close(st);
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}
