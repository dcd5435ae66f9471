/*
 * cmd_sla.c - kefu sla preview: which SLA policy applies to a contact of
 * a type, priority and customer tier arriving at a time, and its due
 * times; the same domain call (sla_preview) as GET /api/v1/sla/preview.
 * Times are shown on the policy's calendar's wall clock and in UTC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tz.h"
#include "cli/cli.h"
#include "desk/calendar.h"
#include "desk/calendar_store.h"
#include "desk/sla_clock.h"
#include "store/db.h"

struct sla_args {
	const char *type, *priority, *tier; /* NULL = any (tier: C, as the API) */
	const char *at; /* NULL = now */
	int json; /* --json */
};

/* --at as UTC seconds or ISO 8601, inside tz_time_check's range; now when absent.  -1 for anything else. */
static int parse_at(const char *s, int64_t *at)
{
	char *end = NULL;
	*at = cli_now();
	if (!s)
		return 0;
	long long v = strtoll(s, &end, 10);
	if (*s && *end == '\0' && v >= 0)
		*at = v;
	else if (calendar_parse_iso(s, at) < 0)
		return -1;
	return tz_time_check(*at, "at", NULL) < 0 ? -1 : 0;
}

static int check_usage(const struct sla_args *sa, int64_t *at)
{
	if (sa->tier && strcmp(sa->tier, "A") && strcmp(sa->tier, "B") && strcmp(sa->tier, "C")) {
		fprintf(stderr, "kefu sla: --tier must be A, B or C\n");
		return EXIT_USAGE;
	}
	if (parse_at(sa->at, at) < 0) {
		fprintf(stderr,
		        "kefu sla: --at must be UTC seconds or an ISO 8601 time such as "
		        "2026-11-24T19:30:00+08:00, between the years 0000 and 9999\n");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* "YYYY-MM-DD HH:MM ZONE" for wall-clock seconds secs in zone. */
static void fmt_time(int64_t secs, const char *zone, char *out, size_t n)
{
	int64_t y;
	int m, d;
	int64_t day = tz_floordiv(secs, 86400), s = secs - day * 86400;
	tz_civil_from_days(day, &y, &m, &d);
	snprintf(out, n, "%04lld-%02d-%02d %02d:%02d %s", (long long)y, m, d, (int)(s / 3600),
	         (int)(s % 3600 / 60), zone);
}

/* "2026-11-25 18:00 Asia/Shanghai (2026-11-25 10:00 UTC)"; "-" for null; z NULL = UTC only. */
static void print_time(const char *label, json_t *t, const struct tz *z)
{
	char local[TZ_NAME_MAX + 24], utc[32];
	if (!json_is_integer(t)) {
		printf("  %-24s -\n", label);
		return;
	}
	int64_t at = json_integer_value(t);
	fmt_time(at, "UTC", utc, sizeof(utc));
	if (!z) {
		printf("  %-24s %s\n", label, utc);
		return;
	}
	fmt_time(tz_to_local(z, at), z->name, local, sizeof(local));
	printf("  %-24s %s (%s)\n", label, local, utc);
}

/* The zone of the policy's calendar, for showing times; NULL (UTC) when unknown. */
static const struct tz *policy_zone(struct db *db, json_t *policy)
{
	struct kf_error err = KF_ERROR_INIT;
	const struct tz *z = NULL;
	json_t *cal = NULL;
	int64_t version;
	json_t *cid = json_object_get(policy, "calendar_id");
	if (calendar_store_get(db, json_is_integer(cid) ? json_integer_value(cid) : 0, &cal, &version, &err) ==
	    0)
		tz_load(json_string_value(json_object_get(cal, "time_zone")), &z, &err);
	json_decref(cal);
	return z;
}

static void print_preview(struct db *db, json_t *p)
{
	json_t *pol = json_object_get(p, "policy");
	const struct tz *z = policy_zone(db, pol);
	printf("policy %s (id %lld)%s\n", json_string_value(json_object_get(pol, "name")),
	       (long long)json_integer_value(json_object_get(pol, "id")),
	       json_is_true(json_object_get(pol, "sunset")) ? ", sunset rule" : "");
	print_time("arrives", json_object_get(p, "at"), z);
	printf("  %-24s %s\n", "in business hours",
	       json_is_true(json_object_get(p, "business_time")) ? "yes" : "no");
	print_time("first response warning", json_object_get(p, "first_response_warn_at"), z);
	print_time("first response due", json_object_get(p, "first_response_due_at"), z);
	print_time("resolution warning", json_object_get(p, "resolution_warn_at"), z);
	print_time("resolution due", json_object_get(p, "resolution_due_at"), z);
}

static int sla_run(struct db *db, const struct sla_args *sa, int64_t at, struct kf_error *err)
{
	json_t *p = NULL;
	int rc = sla_preview(db, sa->type, sa->priority, sa->tier, at, &p, err);
	if (rc == 0 && sa->json) {
		json_dumpf(p, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else if (rc == 0) {
		print_preview(db, p);
	}
	json_decref(p);
	return rc;
}

int cmd_sla(int argc, char **argv)
{
	struct sla_args sa = { NULL, NULL, NULL, NULL, 0 };
	const struct cli_flag flags[] = {
		{ "type", 1, &sa.type, NULL, "the ticket type (default: any)" },
		{ "priority", 1, &sa.priority, NULL, "low, normal, high or urgent (default: any)" },
		{ "tier", 1, &sa.tier, NULL, "the customer tier: A, B or C (default C)" },
		{ "at", 1, &sa.at, NULL, "arrival: UTC seconds or ISO 8601 with offset (default now)" },
		{ "json", 0, NULL, &sa.json, "print JSON (the API's shape)" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	const char *pos[1];
	int64_t at = 0;
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("sla"), flags, &cfg, pos, 1, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (npos != 1 || strcmp(pos[0], "preview") != 0) {
		fprintf(stderr, "kefu sla: which action? (preview)\n");
		return EXIT_USAGE;
	}
	rc = check_usage(&sa, &at);
	if (rc != EXIT_OK)
		return rc;
	o.sync_full = cfg.sync_full;
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? sla_run(db, &sa, at, &err) : -1;
	store_close(st);
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}
