/*
 * cmd_backup.c - kefu backup DEST: a consistent copy of the live
 * database, safe to take while kefu serves.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "store/db.h"

int cmd_backup(int argc, char **argv)
{
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct db *db = NULL;
	const char *pos[1];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("backup"), NULL, &cfg, pos, 1, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (npos != 1) {
		fprintf(stderr, "usage: kefu backup DEST\n");
		return EXIT_USAGE;
	}
	rc = db_open(cfg.db, &o, &db, &err);
	if (rc == 0)
		rc = db_backup(db, pos[0], &err);
	db_close(db);
	if (rc < 0)
		return cli_fail(&err);
	printf("backup of %s written to %s\n", cfg.db, pos[0]);
	return EXIT_OK;
}
