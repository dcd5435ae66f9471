/*
 * cmd_ticket.c - kefu ticket (being written).
 */
#include <stdio.h>

#include "cli/cli.h"
#include "base/banned.h"

int cmd_ticket(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kefu ticket: not available yet\n");
	return EXIT_FAIL;
}
