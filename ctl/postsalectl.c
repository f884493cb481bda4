/*
 * postsalectl - the tool people use by hand: check an invoice or a message, and look at
 * what the filter recorded. This file only dispatches to the ctl/cmd_*.c commands.
 *
 * The table below is the list of commands: the usage it prints is what the man page
 * coverage test (tests/man/coverage.py) holds postsalectl(1) to. Exit statuses are
 * sysexits (ctl_common.h).
 *
 * Trusts its command line; every file it is given is untrusted input.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "commands.h"
#include "ctl_common.h"
#include "store/store.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
} commands[] = {
	{"check", cmd_check, "check [--json] FILE...                  check invoices (.xml, .pdf) or messages (.eml)"},
	{"simulate", cmd_simulate, "simulate [--from ADDR] [--rcpt ADDR]... [--client ADDR] [--auth USER]\n"
	    "                     [--now TIME] [--json] FILE.eml\n"
	    "                                          what the filter would do to a message"},
	{"invoices", cmd_invoices, "invoices [--flagged] [--since DATE] [--json]\n"
	    "                                          the invoices the filter saw"},
	{"show", cmd_show, "show ID                                 one invoice: findings, message, release"},
	{"review", cmd_review, "review ID --note TEXT                   mark a flagged invoice reviewed"},
	{"customers", cmd_customers, "customers [--json]                      customers and their journeys"},
	{"customer", cmd_customer, "customer add ADDRESS --since DATE [--name N] [--manager M] [--renewal DATE]\n"
	    "                                          start a journey on its onboarding date\n"
	    "  postsalectl customer import FILE.csv    the same for every row of a CSV file\n"
	    "  postsalectl customer offboard ADDRESS | customer renewal ADDRESS DATE"},
	{"managers", cmd_managers, "managers [--refresh] [--json]           account managers, their hours and next free slot"},
	{"checkins", cmd_checkins, "checkins [--customer ADDRESS] [--json]  planned and sent check-ins\n"
	    "  postsalectl checkins --unanswered [--manager A] [--now TIME] [--json]\n"
	    "                                          check-ins without an answer"},
	{"checkin", cmd_checkin, "checkin move ID TIME [--force] | checkin cancel ID | checkin accept-counter ID"},
	{"user", cmd_user, "user add NAME --role ROLE [--password-stdin] | user passwd NAME [--password-stdin]\n"
	    "                     | user del NAME | user list\n"
	    "                                          the finance console's users; ROLE: finance,\n"
	    "                                          manager or admin"},
	{"unrecorded", cmd_unrecorded, "unrecorded [--json] | unrecorded replay\n"
	    "                                          what the filter could not record yet"},
	{"store", cmd_store, "store migrate                           bring the store to this build's schema\n"
	    "  postsalectl store copy FROM TO          copy a whole store into an empty one (a file\n"
	    "                                          or a postgresql:// URI, either side)"},
};

/* usage - list the commands on fp */
static void
usage(FILE *fp)
{
	fprintf(fp, "usage: postsalectl [-c CONFIG] COMMAND [ARGS]\n"
	    "       postsalectl -h | --help | -V | --version\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  postsalectl %s\n", commands[i].synopsis);
	fprintf(fp, "TIME, DATE: 2026-11-29, \"2026-11-29 10:30\" (UTC), 2026-11-29T10:30:00+01:00 or @UNIX.\n"
	    "Exit status: 0 done; 1 check, simulate: an invoice is flagged; 64 usage; 65 bad data;\n"
	    "66 no such file or record; 75 the store is busy, try later; 77 no permission; 78 config.\n"
	    "See postsalectl(1).\n");
}

int
main(int argc, char **argv)
{
	int status;

	if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
		ctl_config_path = argv[2];
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
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
	/* a command says its own error once: no outage lines of the PostgreSQL driver */
	store_outage_quiet();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			status = commands[i].run(argc - 1, argv + 1);
			ctl_close();
			return status;
		}
	fprintf(stderr, "postsalectl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EX_USAGE;
}
