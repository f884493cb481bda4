/*
 * journey-fill.c - onboard customers through journey_start(), the call the milter makes,
 * for the mailer's script tests.
 *
 * usage: journey-fill CONFIG NOW SENDER [-n N DOMAIN] [-r YYYY-MM-DD] [ADDRESS[=NAME]...]
 *   NOW is unix time; -n onboards cust1@DOMAIN ... custN@DOMAIN as well.
 * Prints "onboarded C customers, P check-ins planned"; exits 1 on the first error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journey/journey.h"
#include "util/xalloc.h"

/* fill_one - onboard one customer; the number of check-ins planned, or exit */
static int
fill_one(struct store *st, const struct ps_conf *conf, const char *spec, const char *sender,
	 const struct onboard_info *info, time_t now)
{
	char *addr = xstrdup(spec), *eq = strchr(addr, '='), err[1024];
	struct journey_party p;
	int n;

	if (eq != NULL)
		*eq++ = '\0';
	p.address = addr;
	p.name = eq;
	if ((n = journey_start(st, conf, &p, sender, info, now, err, sizeof(err))) < 0) {
		fprintf(stderr, "journey-fill: %s: %s\n", spec, err);
		exit(1);
	}
	free(addr);
	return n;
}

int
main(int argc, char **argv)
{
	struct ps_conf *conf;
	struct store *st;
	struct onboard_info info;
	char err[1024];
	time_t now;
	long count = 0, planned = 0;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: journey-fill CONFIG NOW SENDER [-n N DOMAIN] [-r DATE] [ADDRESS[=NAME]...]\n");
		return 2;
	}
	if ((conf = conf_load(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "journey-fill: %s\n", err);
		return 1;
	}
	if ((st = store_open(conf->database, 5000, STORE_CREATE, err, sizeof(err))) == NULL) {
		fprintf(stderr, "journey-fill: %s\n", err);
		return 1;
	}
	now = (time_t) strtoll(argv[2], NULL, 10);
	memset(&info, 0, sizeof(info));
	info.kind = ONBOARD_START;
	for (i = 4; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			snprintf(info.renewal, sizeof(info.renewal), "%s", argv[++i]);
			info.has_renewal = 1;
		} else if (strcmp(argv[i], "-n") == 0 && i + 2 < argc) {
			long n = strtol(argv[++i], NULL, 10);
			const char *domain = argv[++i];
			for (long k = 1; k <= n; k++) {
				char *a = xasprintf("cust%ld@%s=Customer %ld", k, domain, k);
				planned += fill_one(st, conf, a, argv[3], &info, now);
				count++;
				free(a);
			}
		} else {
			planned += fill_one(st, conf, argv[i], argv[3], &info, now);
			count++;
		}
	}
	printf("onboarded %ld customers, %ld check-ins planned\n", count, planned);
	store_close(st);
	conf_free(conf);
	return 0;
}
