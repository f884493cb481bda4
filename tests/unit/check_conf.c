/*
 * check_conf.c - the config parser, and the promise that the sample config and the man
 * page document every key of the table with its real default.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "test_files.h"
#include "test_run.h"

static char tmpdir[] = "/tmp/check_conf.XXXXXX";

/* write_conf - text written to the suite's postsale.conf; returns its path (static buffer) */
static const char *
write_conf(const char *text)
{
	return test_write(tmpdir, "postsale.conf", text);
}

START_TEST(test_defaults)
{
	struct ps_conf *c = conf_defaults();

	/* the documented defaults (man/postsale.conf.5.in) */
	ck_assert_int_eq(c->on_error, CONF_ON_ERROR_ACCEPT);
	ck_assert_uint_eq(c->max_message_size, 25u * 1024 * 1024);
	ck_assert_int_eq(c->database_timeout_ms, 500);
	ck_assert_uint_eq(c->local_domains.n, 0);
	ck_assert_int_eq(netmatch_addr(c->internal_networks, "127.0.0.1"), 1);
	ck_assert_int_eq(netmatch_addr(c->internal_networks, "::1"), 1);
	ck_assert_int_eq(netmatch_addr(c->internal_networks, "192.0.2.1"), 0);
	conf_free(c);
}
END_TEST

START_TEST(test_values)
{
	const char *path = write_conf(
	    "# a comment\n"
	    "on-error = tempfail   # trailing comment\n"
	    "local-domains = example.com,\n"
	    "    example.net   sub.example.org\n"
	    "max-message-size = 512k\n"
	    "database-timeout = 2s\n"
	    "internal-networks = 10.0.0.0/8 [2001:db8::]/32\n");
	char err[512] = "";
	struct ps_conf *c = conf_load(path, err, sizeof(err));

	ck_assert_msg(c != NULL, "unexpected error: %s", err);
	ck_assert_int_eq(c->on_error, CONF_ON_ERROR_TEMPFAIL);
	ck_assert_uint_eq(c->local_domains.n, 3);
	ck_assert_str_eq(c->local_domains.v[2], "sub.example.org");
	ck_assert_uint_eq(c->max_message_size, 512 * 1024);
	ck_assert_int_eq(c->database_timeout_ms, 2000);
	ck_assert_int_eq(netmatch_addr(c->internal_networks, "10.200.0.1"), 1);
	ck_assert_int_eq(netmatch_addr(c->internal_networks, "2001:db8:ffff::1"), 1);
	ck_assert_int_eq(netmatch_addr(c->internal_networks, "127.0.0.1"), 0);
	conf_free(c);
}
END_TEST

/* Each bad file and the start of the error it must give: file:line: key: reason. */
static const struct {
	const char *text;
	const char *want;		/* after "PATH:" */
} bad_files[] = {
	{"bogus = 1\n", "1: bogus: unknown key"},
	{"\n\non-error = maybe\n", "3: on-error: 'maybe' is not one of accept|tempfail"},
	{"max-message-size = huge\n", "1: max-message-size: 'huge' is not a size"},
	{"database-timeout = soon\n", "1: database-timeout: 'soon' is not a duration"},
	{"database = relative.db\n", "1: database: 'relative.db' is not an absolute path"},
	{"internal-networks = 10.0.0.0/33\n", "1: internal-networks: '10.0.0.0/33' is not"},
	{"log-level = loud\n", "1: log-level: 'loud' is not a level"},
	{"syslog-facility = kitchen\n", "1: syslog-facility: 'kitchen' is not a syslog facility"},
	{"on-error = accept\non-error = tempfail\n", "2: on-error: given twice"},
	{"socket\n", "1: expected 'key = value'"},
	{"onboarding-subject = (welcome\n", "1: onboarding-subject: '(welcome' is not a regular expression"},
	{"checkin-hours = 9 to 5\n", "1: checkin-hours: '9 to 5' is not business hours"},
	{"checkin-timezone = Mars/Olympus_Mons\n", "1: checkin-timezone: time zone \"Mars/Olympus_Mons\""},
	{"checkin-holidays = 2026-12-25, 2026-02-30\n", "1: checkin-holidays: '2026-02-30' is not a date"},
	{"checkin-days = 7, 0\n", "1: checkin-days: '0' is not a number of days"},
	{"account-managers = acme.example:alice@example.com\n", "1: account-managers: 'acme.example:alice@example.com' is not domain=manager@address"},
	{"finance-address = finance\n", "1: finance-address: 'finance' is not a mail address"},
	{"checkin-anniversaries = -1\n", "1: checkin-anniversaries: '-1' is not a whole number"},
	{"submit-url = mail.example.com:25\n", "1: submit-url: 'mail.example.com:25' is not smtp://"},
};

START_TEST(test_bad_files)
{
	const char *path = write_conf(bad_files[_i].text);
	char err[512] = "", want[1536];

	ck_assert_ptr_null(conf_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:%s", path, bad_files[_i].want);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got '%s', want '%s...'", err, want);
}
END_TEST

START_TEST(test_pair_lookup)
{
	char *v[] = {"acme.example=alice@example.com", "*.bigco.example=bob@example.com"};
	struct conf_list list = {v, 2};
	size_t len;

	ck_assert_str_eq(conf_pair_lookup(&list, "ACME.example", &len), "alice@example.com");
	ck_assert_str_eq(conf_pair_lookup(&list, "eu.bigco.example", &len), "bob@example.com");
	ck_assert_ptr_null(conf_pair_lookup(&list, "bigco.example", &len));	/* only below it */
	ck_assert_ptr_null(conf_pair_lookup(&list, "xacme.example", &len));
}
END_TEST

START_TEST(test_missing_file)
{
	char err[512] = "";

	ck_assert_ptr_null(conf_load("/nonexistent/postsale.conf", err, sizeof(err)));
	ck_assert_str_eq(err, "/nonexistent/postsale.conf: cannot open: No such file or directory");
}
END_TEST

/* A password in a file every user can read is refused, naming the key and the mode;
 * the same file closed to others loads, and so does a world-readable one without it. */
START_TEST(test_secret_needs_private_file)
{
	const char *path = write_conf("submit-user = postsale\nsubmit-password = s3cret\n");
	char err[512] = "";
	struct ps_conf *c;

	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_ptr_null(c = conf_load(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, "submit-password") != NULL && strstr(err, "0644") != NULL &&
	    strstr(err, path) != NULL, "%s", err);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_msg((c = conf_load(path, err, sizeof(err))) != NULL, "%s", err);
	conf_free(c);
	path = write_conf("submit-user = postsale\n");
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_msg((c = conf_load(path, err, sizeof(err))) != NULL, "%s", err);
	conf_free(c);
}
END_TEST

/* digest-time is a time of day; digest-days a set of days. */
START_TEST(test_digest_schedule_keys)
{
	char err[512] = "";
	struct ps_conf *c;

	ck_assert_ptr_null(conf_load(write_conf("digest-time = 25:00\n"), err, sizeof(err)));
	ck_assert_msg(strstr(err, ":1: digest-time: '25:00' is not a time of day") != NULL, "%s", err);
	ck_assert_ptr_null(conf_load(write_conf("digest-days = weekdays\n"), err, sizeof(err)));
	ck_assert_msg(strstr(err, ":1: digest-days:") != NULL, "%s", err);
	c = conf_load(write_conf("digest-time = 07:30\ndigest-days = Mon,Thu\n"), err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(c->digest_time, "07:30");
	conf_free(c);
}
END_TEST

START_TEST(test_sample_config_documents_every_key)
{
	char *sample = test_slurp("conf/postsale.conf", NULL), line[512], path[1024], err[512];
	struct ps_conf *c;

	/* the sample itself is a valid config */
	c = conf_load(test_srcpath(path, sizeof(path), "conf/postsale.conf"), err, sizeof(err));
	ck_assert_msg(c != NULL, "sample config: %s", err);
	conf_free(c);
	for (size_t i = 0; i < conf_nkeys; i++) {
		/* each key stands commented out with its default: "#key = default" */
		snprintf(line, sizeof(line), "\n#%s = %s\n", conf_keys[i].name, conf_keys[i].def);
		ck_assert_msg(strstr(sample, line) != NULL,
		    "conf/postsale.conf lacks the line '#%s = %s'", conf_keys[i].name, conf_keys[i].def);
	}
	free(sample);
}
END_TEST

START_TEST(test_man_page_documents_every_key)
{
	char *man = test_slurp("man/postsale.conf.5.in", NULL), line[512];

	for (size_t i = 0; i < conf_nkeys; i++) {
		snprintf(line, sizeof(line), "\n.B %s\n", conf_keys[i].name);
		ck_assert_msg(strstr(man, line) != NULL, "man/postsale.conf.5.in lacks '.B %s'",
		    conf_keys[i].name);
	}
	free(man);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_defaults), TEST_ONCE(test_values),
		TEST_LOOP(test_bad_files, bad_files), TEST_ONCE(test_missing_file),
		TEST_ONCE(test_pair_lookup), TEST_ONCE(test_sample_config_documents_every_key),
		TEST_ONCE(test_secret_needs_private_file), TEST_ONCE(test_digest_schedule_keys),
		TEST_ONCE(test_man_page_documents_every_key),
	};
	int status;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	status = test_main("conf", 0, tests, TEST_COUNT(tests));
	test_rmtree(tmpdir);
	return status;
}
