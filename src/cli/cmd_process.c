/*
 * cmd_process.c - kefu complaint|return|claim show TICKET: the process
 * record of a complaint, return or claim ticket (the step or status it
 * reached and everything recorded on the way), read with the same domain
 * calls as GET /api/v1/tickets/:id/complaint, /return and /claim.  One
 * file serves the three commands: they differ only in the getter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tz.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "desk/claims.h"
#include "desk/complaint.h"
#include "desk/returns.h"
#include "store/db.h"

/* The process record of a ticket as JSON (owned); the shape of claim_get and return_get. */
typedef int (*process_get_fn)(struct db *db, int64_t ticket_id, json_t **out, int64_t *version,
                              struct kf_error *err);

/* complaint_get in the shape of the others. */
static int complaint_get_json(struct db *db, int64_t ticket_id, json_t **out, int64_t *version,
                              struct kf_error *err)
{
	struct complaint *c = xcalloc(1, sizeof(*c));
	int rc = complaint_get(db, ticket_id, c, err);
	*out = rc == 0 ? complaint_to_json(c) : NULL;
	*version = c->version;
	free(c);
	return rc;
}

/* A ticket id: "24" or the ticket number "#000024"; 0 when s is neither. */
static int64_t parse_ticket(const char *s)
{
	if (s && *s == '#')
		s++;
	while (s && *s == '0')
		s++;
	return cli_parse_id(s);
}

/* One JSON value for people: times ("*_at") in UTC, null as "-", arrays joined. */
static void print_value(const char *key, json_t *v)
{
	size_t klen = strlen(key), i;
	json_t *x;
	if (json_is_integer(v) && klen > 3 && strcmp(key + klen - 3, "_at") == 0) {
		int64_t y, at = json_integer_value(v), day = tz_floordiv(at, 86400), s = at - day * 86400;
		int m, d;
		tz_civil_from_days(day, &y, &m, &d);
		printf("%04lld-%02d-%02d %02d:%02d UTC", (long long)y, m, d, (int)(s / 3600),
		       (int)(s % 3600 / 60));
	} else if (json_is_string(v)) {
		printf("%s", json_string_value(v));
	} else if (json_is_null(v)) {
		printf("-");
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			printf(i ? ", " : "");
			print_value("", x);
		}
	} else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		printf("%s", s ? s : "?");
		free(s);
	}
}

/* Every field of a process record, one a line. */
static void print_record(const char *what, int64_t ticket_id, json_t *rec)
{
	const char *key;
	json_t *v;
	printf("%s of ticket #%06lld\n", what, (long long)ticket_id);
	json_object_foreach(rec, key, v)
	{
		printf("  %-26s ", key);
		print_value(key, v);
		putchar('\n');
	}
}

static int process_show(struct db *db, const char *what, process_get_fn get, int64_t ticket_id, int as_json,
                        struct kf_error *err)
{
	json_t *rec = NULL;
	int64_t version;
	int rc = get(db, ticket_id, &rec, &version, err);
	if (rc == 0 && as_json) {
		json_dumpf(rec, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else if (rc == 0) {
		print_record(what, ticket_id, rec);
	}
	json_decref(rec);
	return rc;
}

/* The shared body of the three commands. */
static int process_cmd(int argc, char **argv, const char *name, process_get_fn get)
{
	int as_json = 0;
	const struct cli_flag flags[] = {
		{ "json", 0, NULL, &as_json, "print JSON (the API's shape)" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	const char *pos[2];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find(name), flags, &cfg, pos, 2, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	int64_t id = npos == 2 ? parse_ticket(pos[1]) : 0;
	if (npos == 0 || strcmp(pos[0], "show") != 0 || !id) {
		fprintf(stderr, "kefu %s: usage: kefu %s show TICKET_ID (a number such as 24 or #000024)\n",
		        name, name);
		return EXIT_USAGE;
	}
	o.sync_full = cfg.sync_full;
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? process_show(db, name, get, id, as_json, &err) : -1;
	store_close(st);
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}

int cmd_complaint(int argc, char **argv)
{
	return process_cmd(argc, argv, "complaint", complaint_get_json);
}

int cmd_return(int argc, char **argv)
{
	return process_cmd(argc, argv, "return", return_get);
}

int cmd_claim(int argc, char **argv)
{
	return process_cmd(argc, argv, "claim", claim_get);
}
