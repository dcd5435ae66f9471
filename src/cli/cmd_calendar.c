/*
 * cmd_calendar.c - kefu calendar list | holiday add | holiday remove:
 * business calendars and their holidays (or make-up workdays) from the
 * command line.  The same domain calls as /api/v1/calendars; changes are
 * audited as the OS user (actor kind "cli") and bump the calendar's
 * version, so SLA due times computed afterwards follow them.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "desk/calendar_store.h"
#include "store/db.h"

#define CAL_PAGE 200 /* calendars per calendar_list call */

struct calendar_args {
	const char *name; /* holiday add: --name */
	int workday; /* holiday add: --workday (a make-up workday, 调休) */
	int json; /* list: --json */
};

static int usage(struct kf_error *err, const char *msg)
{
	return kf_fail(err, KF_EINVAL, "usage", NULL, "%s", msg);
}

/* Every calendar with its hours and holidays (calendar_get), into all. */
static int calendar_collect(struct db *db, json_t *all, struct kf_error *err)
{
	int64_t after = 0, version;
	size_t n, i;
	json_t *c;
	do {
		json_t *items = NULL;
		int rc = calendar_store_list(db, after, CAL_PAGE, &items, &after, err);
		n = json_array_size(items);
		json_array_foreach(items, i, c)
		{
			json_t *full = NULL;
			if (rc == 0)
				rc = calendar_store_get(db, json_integer_value(json_object_get(c, "id")),
				                        &full, &version, err);
			if (rc == 0)
				json_array_append_new(all, full);
		}
		json_decref(items);
		if (rc < 0)
			return rc;
	} while (n == CAL_PAGE && after);
	return 0;
}

static void print_calendar(json_t *c)
{
	size_t i;
	json_t *h;
	json_t *hols = json_object_get(c, "holidays");
	printf("%-6lld %-32s %-20s %zu holidays/workdays\n",
	       (long long)json_integer_value(json_object_get(c, "id")),
	       json_string_value(json_object_get(c, "name")),
	       json_string_value(json_object_get(c, "time_zone")), json_array_size(hols));
	json_array_foreach(hols, i, h) printf(
	        "         %-6lld %s %-8s %s\n", (long long)json_integer_value(json_object_get(h, "id")),
	        json_string_value(json_object_get(h, "date")), json_string_value(json_object_get(h, "kind")),
	        json_string_value(json_object_get(h, "name")));
}

static int calendar_list_print(struct db *db, int as_json, struct kf_error *err)
{
	size_t i;
	json_t *c, *all = json_array();
	int rc = calendar_collect(db, all, err);
	if (rc == 0 && as_json) {
		json_t *wrap = json_pack("{s:O}", "items", all);
		json_dumpf(wrap, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
		json_decref(wrap);
	} else if (rc == 0) {
		printf("%-6s %-32s %-20s %s\n", "ID", "NAME", "TIME ZONE", "HOLIDAYS (ID DATE KIND NAME)");
		json_array_foreach(all, i, c) print_calendar(c);
	}
	json_decref(all);
	return rc;
}

static int holiday_add(struct db *db, const char *cal, const char *date, const struct calendar_args *ca,
                       struct kf_error *err)
{
	struct actor a = cli_actor();
	int64_t cal_id = cli_parse_id(cal), hid = 0;
	if (!cal_id)
		return usage(err, "the calendar id must be a positive number");
	struct calendar_holiday_input in = { .date = date,
		                             .kind = ca->workday ? "workday" : "holiday",
		                             .name = ca->name };
	int rc = calendar_store_holiday_add(db, &a, cli_now(), cal_id, &in, &hid, err);
	if (rc == 0)
		printf("added %s %s to calendar %lld (id %lld)\n", ca->workday ? "workday" : "holiday", date,
		       (long long)cal_id, (long long)hid);
	return rc;
}

static int holiday_remove(struct db *db, const char *cal, const char *hol, struct kf_error *err)
{
	struct actor a = cli_actor();
	int64_t cal_id = cli_parse_id(cal), hid = cli_parse_id(hol);
	if (!cal_id || !hid)
		return usage(err, "the calendar id and the holiday id must be positive numbers");
	int rc = calendar_store_holiday_delete(db, &a, cli_now(), cal_id, hid, err);
	if (rc == 0)
		printf("removed holiday %lld from calendar %lld\n", (long long)hid, (long long)cal_id);
	return rc;
}

static int calendar_run(struct db *db, const char **pos, int npos, const struct calendar_args *ca,
                        struct kf_error *err)
{
	if (strcmp(pos[0], "list") == 0 && npos == 1)
		return calendar_list_print(db, ca->json, err);
	if (strcmp(pos[0], "holiday") == 0 && npos == 4 && strcmp(pos[1], "add") == 0)
		return holiday_add(db, pos[2], pos[3], ca, err);
	if (strcmp(pos[0], "holiday") == 0 && npos == 4 && strcmp(pos[1], "remove") == 0)
		return holiday_remove(db, pos[2], pos[3], err);
	return usage(err,
	             "kefu calendar list, kefu calendar holiday add CAL_ID YYYY-MM-DD,"
	             " kefu calendar holiday remove CAL_ID HOLIDAY_ID");
}

int cmd_calendar(int argc, char **argv)
{
	struct calendar_args ca = { NULL, 0, 0 };
	const struct cli_flag flags[] = {
		{ "name", 1, &ca.name, NULL, "holiday add: what the day is (国庆节 / National Day)" },
		{ "workday", 0, NULL, &ca.workday,
		  "holiday add: a make-up workday (调休) instead of a holiday" },
		{ "json", 0, NULL, &ca.json, "list: print JSON" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	const char *pos[4];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("calendar"), flags, &cfg, pos, 4, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (npos == 0) {
		fprintf(stderr, "kefu calendar: which action? (list, holiday add, holiday remove)\n");
		return EXIT_USAGE;
	}
	o.sync_full = cfg.sync_full;
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? calendar_run(db, pos, npos, &ca, &err) : -1;
	store_close(st);
	if (rc < 0)
		return strcmp(err.key, "usage") == 0 ? (fprintf(stderr, "kefu: %s\n", err.message), EXIT_USAGE)
		                                     : cli_fail(&err);
	return EXIT_OK;
}
