/*
 * cmd_customer.c - postsalectl customer add|import|offboard|renewal: start a journey on a
 * given onboarding date, from the command line or a CSV file, end one, set a renewal
 * date. Thin: parse the arguments, call lib/journey and lib/journey_import.
 *
 * Trusts the command line only as far as it parses it; the CSV file is untrusted and
 * checked row by row by journey_import_csv().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "ctl_common.h"
#include "journey/journey.h"
#include "journey/journey_import.h"
#include "store/store_journey.h"

#define IMPORT_MAX_BYTES (64u * 1024 * 1024)

/* customer_usage - the synopsis of every customer subcommand */
static int
customer_usage(void)
{
	fprintf(stderr, "usage: postsalectl customer add ADDRESS --since YYYY-MM-DD [--name NAME]"
	    " [--manager ADDRESS] [--renewal YYYY-MM-DD]\n"
	    "       postsalectl customer import FILE.csv\n"
	    "       postsalectl customer offboard ADDRESS\n"
	    "       postsalectl customer renewal ADDRESS YYYY-MM-DD\n");
	return CTL_USAGE;
}

/* customer_add - customer add ADDRESS --since DATE [--name N] [--manager M] [--renewal D] */
static int
customer_add(struct ps_conf *conf, struct store *st, int argc, char **argv)
{
	struct journey_new nc = { .address = argv[2] };
	struct journey_added out;
	char err[1024];

	for (int i = 3; i < argc; i++) {
		const char **dst = strcmp(argv[i], "--since") == 0 ? &nc.since :
		    strcmp(argv[i], "--name") == 0 ? &nc.name :
		    strcmp(argv[i], "--manager") == 0 ? &nc.manager :
		    strcmp(argv[i], "--renewal") == 0 ? &nc.renewal : NULL;
		if (dst == NULL || i + 1 >= argc)
			return customer_usage();
		*dst = argv[++i];
	}
	if (nc.since == NULL) {
		fprintf(stderr, "postsalectl: customer add: --since YYYY-MM-DD is required\n");
		return CTL_USAGE;
	}
	if (store_journey_begin(st, err, sizeof(err)) != 0)
		return ctl_store_failed(st, "customer add", err);
	if (journey_add(st, conf, &nc, time(NULL), &out, err, sizeof(err)) != 0) {
		store_journey_rollback(st);
		fprintf(stderr, "postsalectl: customer add %s: %s\n", nc.address, err);
		return CTL_DATAERR;
	}
	if (store_journey_commit(st, err, sizeof(err)) != 0)
		return ctl_store_failed(st, "customer add", err);
	if (out.existed)
		printf("%s: onboarded on %s already; nothing changed\n", nc.address, nc.since);
	else
		printf("%s: onboarded on %s, %d check-in%s planned, %d already past (skipped,"
		    " never sent)\n", nc.address, nc.since, out.planned, out.planned == 1 ? "" : "s",
		    out.skipped);
	return CTL_OK;
}

/* import_report - print one problem of the file */
static void
import_report(void *arg, const char *msg)
{
	(void) arg;
	fprintf(stderr, "postsalectl: %s\n", msg);
}

/* customer_import - customer import FILE.csv: all rows or none */
static int
customer_import(struct ps_conf *conf, struct store *st, const char *path)
{
	struct journey_import_result res;
	unsigned char *buf;
	size_t len;
	char err[1024];
	int rc;

	if ((rc = ctl_read_file(path, IMPORT_MAX_BYTES, &buf, &len, err, sizeof(err))) != 0) {
		fprintf(stderr, "postsalectl: %s\n", err);
		return rc;
	}
	rc = journey_import_csv(st, conf, path, (const char *) buf, len, time(NULL), &res,
	    import_report, NULL, err, sizeof(err));
	free(buf);
	if (rc < 0)
		return ctl_store_failed(st, "customer import", err);
	if (rc > 0) {
		fprintf(stderr, "postsalectl: %s: %zu bad line%s: nothing imported\n", path, res.bad,
		    res.bad == 1 ? "" : "s");
		return CTL_DATAERR;
	}
	printf("%s: %zu row%s: %zu customer%s onboarded, %zu unchanged; %zu check-in%s planned,"
	    " %zu already past (skipped, never sent)\n", path, res.rows, res.rows == 1 ? "" : "s",
	    res.added, res.added == 1 ? "" : "s", res.unchanged, res.planned,
	    res.planned == 1 ? "" : "s", res.skipped);
	return CTL_OK;
}

int
cmd_customer(int argc, char **argv)
{
	struct ps_conf *conf;
	struct store *st;
	struct store_customer c;
	char err[1024];
	int rc;

	int y, m, d;

	if (argc < 3 || (strcmp(argv[1], "offboard") == 0 && argc != 3) ||
	    (strcmp(argv[1], "renewal") == 0 && argc != 4) ||
	    (strcmp(argv[1], "import") == 0 && argc != 3) ||
	    (strcmp(argv[1], "offboard") != 0 && strcmp(argv[1], "renewal") != 0 &&
	    strcmp(argv[1], "add") != 0 && strcmp(argv[1], "import") != 0))
		return customer_usage();
	if (strcmp(argv[1], "renewal") == 0 && timetext_parse_date(argv[3], &y, &m, &d) != 0) {
		fprintf(stderr, "postsalectl customer renewal: %s is not a date (YYYY-MM-DD)\n", argv[3]);
		return CTL_USAGE;
	}
	if ((conf = ctl_conf()) == NULL || (st = ctl_store(STORE_CREATE)) == NULL)
		return ctl_status();
	if (strcmp(argv[1], "add") == 0)
		return customer_add(conf, st, argc, argv);
	if (strcmp(argv[1], "import") == 0)
		return customer_import(conf, st, argv[2]);
	if ((rc = store_customer_get(st, argv[2], &c, err, sizeof(err))) != 0) {
		if (rc < 0)
			return ctl_store_failed(st, "customer", err);
		fprintf(stderr, "postsalectl: %s: unknown customer\n", argv[2]);
		return CTL_NOTFOUND;
	}
	store_customer_clear(&c);
	if (strcmp(argv[1], "offboard") == 0) {
		if ((rc = journey_stop(st, conf, argv[2], time(NULL), err, sizeof(err))) < 0)
			return ctl_store_failed(st, "customer offboard", err);
		printf("%s: off-boarded, %d future check-in%s cancelled\n", argv[2], rc, rc == 1 ? "" : "s");
		return CTL_OK;
	}
	if ((rc = journey_renewal(st, conf, argv[2], argv[3], time(NULL), err, sizeof(err))) < 0) {
		if (rc == -2) {
			fprintf(stderr, "postsalectl: %s\n", err);
			return CTL_NOTFOUND;
		}
		return ctl_store_failed(st, "customer renewal", err);
	}
	printf("%s: renewal on %s, %d check-in%s planned or moved\n", argv[2], argv[3], rc,
	    rc == 1 ? "" : "s");
	return CTL_OK;
}
