/*
 * cmd_customer.c - kefu customer (being written).
 */
#include <stdio.h>

#include "cli/cli.h"
#include "base/banned.h"

int cmd_customer(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kefu customer: not available yet\n");
	return EXIT_FAIL;
}
