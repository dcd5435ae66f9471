/*
 * cmd_info.c - kefu version and kefu permissions: facts about this build.
 */
#include <stdio.h>

#include "auth/rbac.h"
#include "cli/cli.h"
#include "store/migrate.h"
#include "base/version.h"

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("kefu %s (%s), schema %d\n", KF_VERSION, KF_GIT_REV, migrate_latest());
	return EXIT_OK;
}

int cmd_permissions(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	size_t n;
	const struct perm_info *t = rbac_table(&n);
	printf("| permission | roles | what it allows |\n|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		printf("| `%s` |", t[i].name);
		for (int r = ROLE_ADMIN; r < ROLE_COUNT; r++)
			if (t[i].roles & (1u << r))
				printf(" %s", role_name((enum role)r));
		printf(" | %s |\n", t[i].about);
	}
	return EXIT_OK;
}
