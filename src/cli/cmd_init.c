/*
 * cmd_init.c - kefu init: create and migrate the database, create the
 * first admin and print its generated password once.
 */
#include <stdio.h>

#include "auth/password.h"
#include "auth/user.h"
#include "cli/cli.h"
#include "store/db.h"

static struct db_sql q_users = DB_SQL("SELECT COUNT(*) FROM users");

int cmd_init(int argc, char **argv)
{
	static const char *admin = "admin";
	const struct cli_flag flags[] = {
		{ "admin", 1, &admin, NULL, "name of the first admin user (default admin)" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	struct user u;
	struct actor a = cli_actor();
	const char *pos[1];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("init"), flags, &cfg, pos, 0, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	o.create = 1;
	o.sync_full = cfg.sync_full;
	char pw[17];
	int64_t users = 0;
	password_generate(pw);
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	if (!db)
		rc = -1;
	if (rc == 0)
		rc = db_query_int(db, &q_users, DB_NOARGS, &users, &err);
	if (rc == 0 && users > 0)
		rc = kf_fail(&err, KF_EEXIST, "exists", NULL,
		             "%s is already initialised (%lld users); nothing changed", cfg.db,
		             (long long)users);
	if (rc == 0)
		rc = user_create(db, &a, cli_now(), admin, "Administrator", ROLE_ADMIN, pw, &u, &err);
	store_close(st);
	if (rc < 0)
		return cli_fail(&err);
	printf("kefu: initialised %s\nadmin user: %s\nadmin password: %s\n(shown once; change it with: kefu user passwd %s)\n",
	       cfg.db, admin, pw, admin);
	return EXIT_OK;
}
