/*
 * check_log.c - untrusted strings are made printable before they are logged, so that a
 * client cannot inject CR/LF (a forged log line) or terminal escapes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "util/log.h"
#include "test_run.h"

static const struct {
	const char *in;
	size_t len;
	size_t bufsize;
	const char *want;
} cases[] = {
	{"plain text", 10, 64, "plain text"},
	{"evil\r\nFeb 1 postsale: forged", 28, 64, "evil??Feb 1 postsale: forged"},
	{"\x1b[31mred", 8, 64, "?[31mred"},
	{"caf\xc3\xa9", 5, 64, "caf??"},
	{"with\0nul", 8, 64, "with?nul"},
	{"0123456789abcdef", 16, 10, "012345..."},	/* 9 of 10 bytes, cut, and says so */
	{"", 0, 4, ""},
};

START_TEST(test_printable)
{
	char buf[64];

	log_printable(buf, cases[_i].bufsize, cases[_i].in, cases[_i].len);
	ck_assert_str_eq(buf, cases[_i].want);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_int_eq(log_facility("mail"), LOG_MAIL);
	ck_assert_int_eq(log_facility("LOCAL3"), LOG_LOCAL3);
	ck_assert_int_eq(log_facility("nope"), -1);
	ck_assert_int_eq(log_level("debug"), LOG_DEBUG);
	ck_assert_int_eq(log_level("warning"), LOG_WARNING);
	ck_assert_int_eq(log_level("verbose"), -1);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_printable, cases), TEST_ONCE(test_names),
	};

	return test_main("log", 0, tests, TEST_COUNT(tests));
}
