/*
 * cmd_ticket.c - kefu ticket list|show|create|reply|note|transition:
 * tickets from the command line, recorded as the OS user (actor kind
 * "cli").  The same domain calls as the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "desk/message.h"
#include "desk/ticket.h"
#include "store/db.h"

struct ticket_args {
	const char *state, *type, *subject, *customer, *body;
};

static int usage(struct kf_error *err, const char *msg)
{
	return kf_fail(err, KF_EINVAL, "usage", NULL, "%s", msg);
}

/* A positive id from text; KF_EINVAL naming what otherwise. */
static int parse_id(const char *s, const char *what, int64_t *out, struct kf_error *err)
{
	char *end = NULL;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || v <= 0)
		return kf_fail(err, KF_EINVAL, "usage", NULL, "%s must be a positive number", what);
	*out = v;
	return 0;
}

static void print_ticket(const struct ticket *t)
{
	char num[24];
	ticket_number(t->id, num, sizeof(num));
	printf("%-8s %-10s %-17s %-7s %s\n", num, t->type, ticket_state_name(t->state), t->priority,
	       t->subject);
}

static int ticket_list_print(struct db *db, const struct ticket_args *ta, struct kf_error *err)
{
	struct ticket_filter f;
	json_t *items = NULL, *it;
	int64_t last[3];
	size_t i;
	memset(&f, 0, sizeof(f));
	f.type = ta->type;
	if (ta->state) {
		enum ticket_state s = ticket_state_parse(ta->state);
		if (s == TS_NONE)
			return usage(
			        err,
			        "--state must be new, open, pending_customer, pending_internal, resolved or closed");
		f.states = 1u << s;
	}
	int rc = ticket_list(db, &f, 200, &items, last, err);
	if (rc < 0)
		return rc;
	printf("%-8s %-10s %-17s %-7s %s\n", "NUMBER", "TYPE", "STATE", "PRIO", "SUBJECT");
	json_array_foreach(items, i, it)
	        printf("%-8s %-10s %-17s %-7s %s\n", json_string_value(json_object_get(it, "number")),
	               json_string_value(json_object_get(it, "type")),
	               json_string_value(json_object_get(it, "state")),
	               json_string_value(json_object_get(it, "priority")),
	               json_string_value(json_object_get(it, "subject")));
	json_decref(items);
	return 0;
}

static int ticket_show(struct db *db, int64_t id, struct kf_error *err)
{
	struct ticket t;
	json_t *items = NULL, *m;
	int64_t last;
	size_t i;
	int rc = ticket_get(db, id, &t, err);
	if (rc == 0)
		rc = message_list(db, id, 0, 200, &items, &last, err);
	if (rc < 0)
		return rc;
	print_ticket(&t);
	json_array_foreach(items, i, m)
	        printf("  [%s] %s: %s\n", json_string_value(json_object_get(m, "kind")),
	               json_string_value(json_object_get(json_object_get(m, "author"), "name")),
	               json_string_value(json_object_get(m, "body")));
	json_decref(items);
	return 0;
}

static int ticket_new(struct db *db, const struct ticket_args *ta, struct kf_error *err)
{
	struct ticket_new in;
	struct ticket t;
	struct actor a = cli_actor();
	memset(&in, 0, sizeof(in));
	in.type = ta->type;
	in.subject = ta->subject;
	in.body = ta->body;
	in.channel = "system";
	if (!ta->type || !ta->subject)
		return usage(err, "kefu ticket create needs --type and --subject");
	int rc = ta->customer ? parse_id(ta->customer, "--customer", &in.customer_id, err) : 0;
	if (rc == 0)
		rc = ticket_create(db, &a, cli_now(), &in, &t, err);
	if (rc == 0)
		print_ticket(&t);
	return rc;
}

static int ticket_message(struct db *db, int64_t id, enum message_kind kind, const char *text,
                          struct kf_error *err)
{
	struct ticket t;
	struct actor a = cli_actor();
	json_t *msg = NULL;
	int rc = message_add(db, &a, cli_now(), id, kind, text, TS_NONE, &t, &msg, err);
	json_decref(msg);
	if (rc == 0)
		print_ticket(&t);
	return rc;
}

static int ticket_move_to(struct db *db, int64_t id, const char *state, struct kf_error *err)
{
	struct ticket t;
	struct actor a = cli_actor();
	enum ticket_state to = ticket_state_parse(state);
	if (to == TS_NONE)
		return usage(
		        err,
		        "the state must be new, open, pending_customer, pending_internal, resolved or closed");
	int rc = ticket_transition(db, &a, cli_now(), id, 0, to, &t, err);
	if (rc == 0)
		print_ticket(&t);
	return rc;
}

static int ticket_run(struct db *db, const char **pos, int npos, const struct ticket_args *ta,
                      struct kf_error *err)
{
	const char *verb = pos[0];
	int64_t id = 0;
	if (strcmp(verb, "list") == 0 && npos == 1)
		return ticket_list_print(db, ta, err);
	if (strcmp(verb, "create") == 0 && npos == 1)
		return ticket_new(db, ta, err);
	if (npos < 2 || parse_id(pos[1], "the ticket number", &id, err) < 0)
		return usage(err, "kefu ticket show|reply|note|transition needs a ticket number");
	if (strcmp(verb, "show") == 0 && npos == 2)
		return ticket_show(db, id, err);
	if (npos != 3)
		return usage(err, "kefu ticket reply|note N TEXT, kefu ticket transition N STATE");
	if (strcmp(verb, "reply") == 0)
		return ticket_message(db, id, MESSAGE_PUBLIC, pos[2], err);
	if (strcmp(verb, "note") == 0)
		return ticket_message(db, id, MESSAGE_NOTE, pos[2], err);
	if (strcmp(verb, "transition") == 0)
		return ticket_move_to(db, id, pos[2], err);
	return usage(err, "unknown action (list, show, create, reply, note, transition)");
}

int cmd_ticket(int argc, char **argv)
{
	struct ticket_args ta = { NULL, NULL, NULL, NULL, NULL };
	const struct cli_flag flags[] = {
		{ "state", 1, &ta.state, NULL, "list: only tickets in this state" },
		{ "type", 1, &ta.type, NULL, "list: only this type; create: the type" },
		{ "subject", 1, &ta.subject, NULL, "create: the subject" },
		{ "customer", 1, &ta.customer, NULL, "create: the customer id" },
		{ "body", 1, &ta.body, NULL, "create: the customer's first message" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	const char *pos[3];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("ticket"), flags, &cfg, pos, 3, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (npos == 0) {
		fprintf(stderr, "kefu ticket: which action? (list, show, create, reply, note, transition)\n");
		return EXIT_USAGE;
	}
	o.sync_full = cfg.sync_full;
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? ticket_run(db, pos, npos, &ta, &err) : -1;
	store_close(st);
	if (rc < 0)
		return strcmp(err.key, "usage") == 0 ? (fprintf(stderr, "kefu: %s\n", err.message), EXIT_USAGE)
		                                     : cli_fail(&err);
	return EXIT_OK;
}
