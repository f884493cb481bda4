/*
 * postsalectl - the tool people use by hand: check an invoice or a message, and look at
 * what the filter recorded. This file only dispatches to the ctl/cmd_*.c commands.
 *
 * Trusts its command line; every file it is given is untrusted input.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "commands.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
} commands[] = {
	{"check", cmd_check, "check [--json] FILE...   check invoices (.xml, .pdf) or messages (.eml)"},
};

/* usage - list the commands on fp */
static void
usage(FILE *fp)
{
	fprintf(fp, "usage: postsalectl COMMAND [ARGS]\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  postsalectl %s\n", commands[i].synopsis);
	fprintf(fp, "See postsalectl(1).\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EX_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("postsalectl " PACKAGE_VERSION "\n");
		return EX_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "postsalectl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EX_USAGE;
}
