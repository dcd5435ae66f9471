/*
 * cmd_portal.c - kefu portal add LOGIN: create a customer portal account.
 */
#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "base/limits.h"
#include "auth/portal.h"
#include "cli/cli.h"
#include "crm/customer.h"
#include "store/db.h"

/* The name the portal greets with: --name, else the linked customer's name (NULL: the login). */
static const char *shown_name(const char *name, int64_t customer_id, const struct customer *c)
{
	if (name && *name)
		return name;
	return customer_id && c->name[0] ? c->name : NULL;
}

int cmd_portal(int argc, char **argv)
{
	const char *name = NULL, *customer = NULL;
	int from_stdin = 0;
	const struct cli_flag flags[] = {
		{ "name", 1, &name, NULL, "the customer's display name" },
		{ "customer", 1, &customer, NULL, "the customer record (id) the account sees in the portal" },
		{ "password-stdin", 0, NULL, &from_stdin, "read the password from standard input" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	struct actor a = cli_actor();
	const char *pos[2];
	char pw[KF_MAX_PASSWORD_BYTES + 2];
	int64_t id = 0, customer_id = 0;
	struct customer c;
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("portal"), flags, &cfg, pos, 2, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (npos != 2 || strcmp(pos[0], "add") != 0) {
		fprintf(stderr,
		        "usage: kefu portal add LOGIN [--customer ID] [--name NAME] [--password-stdin]\n");
		return EXIT_USAGE;
	}
	if (customer && (customer_id = cli_parse_id(customer)) <= 0) {
		fprintf(stderr, "kefu portal: --customer must be a customer id\n");
		return EXIT_USAGE;
	}
	if (!from_stdin) {
		password_generate(pw);
	} else if (cli_read_line(pw, sizeof(pw)) < 0) {
		fprintf(stderr, "kefu: no password on standard input\n");
		return EXIT_FAIL;
	}
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? 0 : -1;
	if (rc == 0 && customer_id)
		rc = customer_portal_linkable(db, customer_id, &c, &err);
	if (rc == 0)
		rc = portal_account_create(db, &a, cli_now(), pos[1], shown_name(name, customer_id, &c), pw,
		                           customer_id, &id, &err);
	store_close(st);
	if (rc < 0)
		return cli_fail(&err);
	printf("created portal account %s (id %lld)\n", pos[1], (long long)id);
	if (!from_stdin)
		printf("password: %s\n", pw);
	return EXIT_OK;
}
