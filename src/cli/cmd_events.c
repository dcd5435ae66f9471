/*
 * cmd_events.c - kefu events consumers | dead | retry CONSUMER SEQ: the
 * event stream's durable consumers from the command line, as JSON (the
 * same calls as /api/v1/events/consumers, /dead and the retry action;
 * a retry is audited as the OS user).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "events/consumer.h"
#include "store/db.h"

static int usage(struct kf_error *err)
{
	return kf_fail(err, KF_EINVAL, "usage", NULL, "%s",
	               "kefu events consumers, kefu events dead, kefu events retry CONSUMER SEQ");
}

static int print_list(json_t *items)
{
	char *s = json_dumps(items, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		puts(s);
	free(s);
	json_decref(items);
	return 0;
}

static int events_retry(struct db *db, const char *name, const char *seq_text, struct kf_error *err)
{
	struct actor a = cli_actor();
	int64_t seq = cli_parse_id(seq_text);
	if (!seq || strlen(name) >= CONSUMER_NAME_MAX)
		return usage(err);
	json_t *what = json_pack("{s:s,s:I}", "consumer", name, "seq", (json_int_t)seq);
	int rc = db_begin(db, err);
	if (rc >= 0)
		rc = consumer_retry(db, name, seq, cli_now(), err);
	if (rc >= 0)
		rc = audit_record(db, &a, cli_now(), "event.retry", "event", seq, NULL, what, err);
	json_decref(what);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, err);
	if (rc >= 0)
		printf("event %lld of consumer %s: back to be retried\n", (long long)seq, name);
	return rc < 0 ? rc : 0;
}

static int events_run(struct db *db, const char **pos, int npos, struct kf_error *err)
{
	json_t *items = NULL;
	int rc;
	if (strcmp(pos[0], "consumers") == 0 && npos == 1) {
		rc = consumer_list(db, &items, err);
		return rc < 0 ? (json_decref(items), rc) : print_list(items);
	}
	if (strcmp(pos[0], "dead") == 0 && npos == 1) {
		rc = consumer_dead_list(db, 1000, &items, err);
		return rc < 0 ? (json_decref(items), rc) : print_list(items);
	}
	if (strcmp(pos[0], "retry") == 0 && npos == 3)
		return events_retry(db, pos[1], pos[2], err);
	return usage(err);
}

int cmd_events(int argc, char **argv)
{
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	const char *pos[3];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("events"), NULL, &cfg, pos, 3, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (npos == 0) {
		fprintf(stderr, "kefu events: which action? (consumers, dead, retry)\n");
		return EXIT_USAGE;
	}
	o.sync_full = cfg.sync_full;
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? events_run(db, pos, npos, &err) : -1;
	store_close(st);
	if (rc < 0)
		return strcmp(err.key, "usage") == 0 ? (fprintf(stderr, "kefu: %s\n", err.message), EXIT_USAGE)
		                                     : cli_fail(&err);
	return EXIT_OK;
}
