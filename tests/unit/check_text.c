/*
 * check_text.c - the one "make printable" function and its flags, the UTF-8 sequence
 * check and the mail address check (lib/util/text.c). The UTF-8 cases are RFC 3629's
 * (overlong forms, surrogates, past U+10FFFF are not UTF-8).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "test_run.h"

static const struct {
	const char *in;
	size_t len;
	size_t bufsize;
	unsigned flags;
	const char *want;
} cases[] = {
	{"plain text", 10, 64, 0, "plain text"},
	{"evil\r\nFeb 1 postsale: forged", 28, 64, 0, "evil??Feb 1 postsale: forged"},
	{"\x1b[31mred", 8, 64, 0, "?[31mred"},
	{"caf\xc3\xa9", 5, 64, 0, "caf\xc3\xa9"},		/* valid UTF-8 kept */
	{"caf\xc3\xa9", 5, 64, TEXT_ASCII, "caf??"},		/* log lines: 7-bit */
	{"caf\xc3", 4, 64, 0, "caf?"},				/* cut sequence */
	{"\xc0\xaf", 2, 64, 0, "??"},				/* overlong '/' */
	{"\xed\xa0\x80", 3, 64, 0, "???"},			/* surrogate */
	{"with\0nul", 8, 64, 0, "with?nul"},
	{"a\tb\nc", 5, 64, TEXT_SPACE, "a b c"},
	{"250 ok\r\n250 more", 16, 64, TEXT_NOEOL, "250 ok250 more"},
	{"0123456789abcdef", 16, 10, 0, "012345..."},		/* cut, and says so */
	{"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8, 8, 0, "\xc3\xa9\xc3\xa9..."},	/* not mid-sequence */
	{"", 0, 4, 0, ""},
};

START_TEST(test_printable)
{
	char buf[64];

	text_printable(buf, cases[_i].bufsize, cases[_i].in, cases[_i].len, cases[_i].flags);
	ck_assert_str_eq(buf, cases[_i].want);
}
END_TEST

START_TEST(test_printable_dup_inplace)
{
	char *d = text_printable_dup("a\x01\xff\xc3\xa9", 5, 0), s[] = "x\ty\x7f";

	ck_assert_str_eq(d, "a??\xc3\xa9");
	free(d);
	ck_assert_str_eq(text_printable_inplace(s, TEXT_SPACE), "x y ");
}
END_TEST

START_TEST(test_utf8_len)
{
	ck_assert_uint_eq(text_utf8_len((const unsigned char *) "a", 1), 1);
	ck_assert_uint_eq(text_utf8_len((const unsigned char *) "\xc3\xa9", 2), 2);
	ck_assert_uint_eq(text_utf8_len((const unsigned char *) "\xc3\xa9", 1), 0);
	ck_assert_uint_eq(text_utf8_len((const unsigned char *) "\xe2\x82\xac", 3), 3);
	ck_assert_uint_eq(text_utf8_len((const unsigned char *) "\xf0\x9f\x98\x80", 4), 4);
	ck_assert_uint_eq(text_utf8_len((const unsigned char *) "\xf4\x90\x80\x80", 4), 0);
	ck_assert_uint_eq(text_utf8_len((const unsigned char *) "\xe0\x80\xaf", 3), 0);
	ck_assert_uint_eq(text_utf8_len((const unsigned char *) "\x80", 1), 0);
}
END_TEST

/* The addresses invitations, headers and the store accept (moved from check_invite). */
static const struct {
	const char *addr;
	int ok;
} addrs[] = {
	{"a@b", 1},
	{"first.last+tag@sub.example.com", 1},
	{"j\xc3\xb6rg@m\xc3\xbcller.example", 1},	/* RFC 6531 */
	{NULL, 0},
	{"", 0},
	{"a b@c.example", 0},
	{"<a@c.example>", 0},
	{".a@c.example", 0},
	{"a.@c.example", 0},
	{"a..b@c.example", 0},
	{"a@.c.example", 0},
	{"a@c..example", 0},
	{"a@c.example.", 0},
	{"a@c_d.example", 0},
	{"a\"b@c.example", 0},
};

START_TEST(test_addr)
{
	ck_assert_msg(text_addr_valid(addrs[_i].addr) == addrs[_i].ok, "%s",
		      addrs[_i].addr ? addrs[_i].addr : "(null)");
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_printable, cases), TEST_ONCE(test_printable_dup_inplace),
		TEST_ONCE(test_utf8_len), TEST_LOOP(test_addr, addrs),
	};

	return test_main("text", 0, tests, TEST_COUNT(tests));
}
