/*
 * cmd_migrate.c - kefu migrate [--check]: apply pending migrations, or
 * only say where the database stands.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "store/db.h"
#include "store/migrate.h"

int cmd_migrate(int argc, char **argv)
{
	int check = 0;
	const struct cli_flag flags[] = {
		{ "check", 0, NULL, &check, "only report the schema version; change nothing" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct db *db = NULL;
	const char *pos[1];
	int before = 0, applied = 0;
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("migrate"), flags, &cfg, pos, 0, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	o.sync_full = cfg.sync_full;
	rc = db_open(cfg.db, &o, &db, &err);
	if (rc == 0)
		rc = migrate_current(db, &before, &err);
	if (rc == 0 && !check)
		rc = migrate_apply(db, &applied, &err);
	db_close(db);
	if (rc < 0)
		return cli_fail(&err);
	if (check)
		printf("schema version %d; this kefu knows %d%s\n", before, migrate_latest(),
		       before < migrate_latest() ? " (run kefu migrate)" : "");
	else
		printf("schema version %d -> %d (%d applied)\n", before, before + applied, applied);
	return check && before < migrate_latest() ? EXIT_FAIL : EXIT_OK;
}
