/*
 * web_priv_probe.c - ask postsale-web's privileged side (web/priv.c, the same code)
 * one request against a real MTA and store, as the HTTP side would, and print the
 * answer: for tests/e2e/web.sh, which cannot reach the socketpair of a running
 * postsale-web. Trusts its command line.
 *
 * usage: web_priv_probe CONFIG QUEUE_DIR USER REQUEST
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "../web/priv.h"

int
main(int argc, char **argv)
{
	struct priv_conf pc = { .kind = MTA_POSTFIX };
	struct passwd *pw;
	char err[512], reply[PRIV_MSG_MAX];
	struct ps_conf *conf;

	if (argc != 5) {
		fprintf(stderr, "usage: web_priv_probe CONFIG QUEUE_DIR USER REQUEST\n");
		return 2;
	}
	if ((conf = conf_load(argv[1], err, sizeof(err))) == NULL || (pw = getpwnam(argv[3])) == NULL) {
		fprintf(stderr, "web_priv_probe: %s\n", conf ? "no such user" : err);
		return 2;
	}
	log_open("web_priv_probe", LOG_MAIL, 1);
	pc.conf = conf;
	pc.queue_dir = argv[2];
	pc.uid = pw->pw_uid;
	pc.gid = pw->pw_gid;
	priv_answer(&pc, argv[4], strlen(argv[4]), reply, sizeof(reply));
	printf("%s\n", reply);
	conf_free(conf);
	return 0;
}
