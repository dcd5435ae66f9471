/*
 * cmd_import.c - kefu import (being written).
 */
#include <stdio.h>

#include "cli/cli.h"
#include "base/banned.h"

int cmd_import(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kefu import: not available yet\n");
	return EXIT_FAIL;
}
