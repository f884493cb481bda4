/*
 * check_selfcheck.c - what `postsale-milter -n` refuses in the config: an empty
 * local-domains, and a postsale-address that replies cannot reach (empty, localhost,
 * a .localhost name; conf_load refuses address literals already). Configs are loaded
 * from files through conf_load, as the filter reads them; each problem line must name
 * its key.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "selfcheck.h"
#include "test_files.h"
#include "test_run.h"

static char tmpdir[] = "/tmp/check_selfcheck.XXXXXX";
static char said[4096];

/* collect - a selfcheck_say that keeps the lines */
static void
collect(int level, const char *line)
{
	(void) level;
	strncat(said, line, sizeof(said) - strlen(said) - 2);
	strcat(said, "\n");
}

/* keys_of - selfcheck_keys over a config of text; the number of problems */
static int
keys_of(const char *text)
{
	char err[512];
	struct ps_conf *c;
	int n;

	c = conf_load(test_write(tmpdir, "postsale.conf", text), err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	said[0] = '\0';
	n = selfcheck_keys(c, collect);
	conf_free(c);
	return n;
}

static const struct {
	const char *address;	/* postsale-address; NULL: the default */
	int bad;
} addresses[] = {
	{NULL, 1},				/* postsale@localhost */
	{"", 1},
	{"postsale@LocalHost", 1},
	{"postsale@localhost.localdomain", 1},
	{"postsale@mail.localhost", 1},
	{"postsale@example.com", 0},
	{"postsale@localhost.example.com", 0},	/* a real name that starts with localhost */
	{"postsale@notlocalhost", 0},
};

START_TEST(test_postsale_address)
{
	char text[256];

	snprintf(text, sizeof(text), "local-domains = example.com\n%s%s%s",
	    addresses[_i].address ? "postsale-address = " : "",
	    addresses[_i].address ? addresses[_i].address : "",
	    addresses[_i].address ? "\n" : "");
	ck_assert_int_eq(keys_of(text), addresses[_i].bad);
	if (addresses[_i].bad)
		ck_assert_msg(strstr(said, "postsale-address = ") != NULL, "%s", said);
}
END_TEST

START_TEST(test_local_domains)
{
	ck_assert_int_eq(keys_of("postsale-address = postsale@example.com\n"), 1);
	ck_assert_msg(strstr(said, "local-domains is empty") != NULL, "%s", said);
	ck_assert_int_eq(keys_of(""), 2);
	ck_assert_int_eq(keys_of("local-domains = example.com\npostsale-address = ps@example.com\n"), 0);
	ck_assert_str_eq(said, "");
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_postsale_address, addresses), TEST_ONCE(test_local_domains),
	};
	int status;

	if (mkdtemp(tmpdir) == NULL)
		return EXIT_FAILURE;
	status = test_main("selfcheck", 0, tests, TEST_COUNT(tests));
	if (test_rmtree(tmpdir) != 0)
		status = EXIT_FAILURE;
	return status;
}
