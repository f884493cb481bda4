/*
 * check_hdr.c - the one header scanner (lib/mime/hdr.c): fields with continuation
 * lines (RFC 5322 2.2.3 folding), LF and CRLF line ends, the empty line that ends the
 * block, a last line without an end, names matched without regard to ASCII case, and
 * lines that are not fields.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mime/hdr.h"
#include "test_run.h"

static const char block[] =
	"From: a@example.com\r\n"
	"Subject: one\r\n"
	"  two\r\n"
	"\tthree\r\n"
	"subject:second\r\n"
	"X-Odd : not a name\r\n"
	"\r\n"
	"Subject: in the body\r\n";

START_TEST(test_walk)
{
	struct hdr_field f;
	size_t pos = 0, n = strlen(block);
	char *v;

	ck_assert_int_eq(hdr_next(block, n, &pos, &f), 1);
	ck_assert(hdr_name_is(block, &f, "from"));
	ck_assert_int_eq(hdr_next(block, n, &pos, &f), 1);
	ck_assert(hdr_name_is(block, &f, "SUBJECT"));
	ck_assert_uint_eq(f.end - f.start, strlen("Subject: one\r\n  two\r\n\tthree\r\n"));
	v = hdr_value(block, &f);
	ck_assert_str_eq(v, "one  two\tthree");
	free(v);
	ck_assert_int_eq(hdr_next(block, n, &pos, &f), 1);
	ck_assert_int_eq(hdr_next(block, n, &pos, &f), 1);
	ck_assert_uint_eq(f.colon, HDR_NO_NAME);	/* a space before the colon */
	ck_assert_int_eq(hdr_next(block, n, &pos, &f), 0);
	ck_assert_int_eq(memcmp(block + pos, "\r\n", 2), 0);	/* at the empty line */
}
END_TEST

START_TEST(test_find_count)
{
	struct hdr_field f;
	size_t n = strlen(block);
	char *v;

	ck_assert_int_eq(hdr_count(block, n, "subject"), 2);	/* not the body's */
	ck_assert_int_eq(hdr_find(block, n, "Subject", 2, &f), 1);
	v = hdr_value(block, &f);
	ck_assert_str_eq(v, "second");
	free(v);
	ck_assert_int_eq(hdr_find(block, n, "Subject", 3, &f), 0);
	ck_assert_int_eq(hdr_find(block, n, "Subj", 1, &f), 0);
	ck_assert_int_eq(hdr_count(block, n, "X-Odd"), 0);
}
END_TEST

START_TEST(test_edges)
{
	const char *lf = "A: 1\n b\nB: 2", *lead = " cont\nA: 1\n\n";
	struct hdr_field f;
	size_t pos = 0;

	ck_assert_int_eq(hdr_find(lf, strlen(lf), "b", 1, &f), 1);	/* no final LF */
	ck_assert_uint_eq(f.end, strlen(lf));
	ck_assert_int_eq(hdr_find(lf, strlen(lf), "a", 1, &f), 1);
	ck_assert_uint_eq(f.end, strlen("A: 1\n b\n"));
	ck_assert_int_eq(hdr_next(lead, strlen(lead), &pos, &f), 1);
	ck_assert_uint_eq(f.colon, HDR_NO_NAME);	/* continuation with no field */
	ck_assert_int_eq(hdr_next("", 0, &pos, &f), 0);
	pos = 0;
	ck_assert_int_eq(hdr_next("\nA: 1\n", 6, &pos, &f), 0);	/* empty header block */
	ck_assert_uint_eq(pos, 0);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_walk), TEST_ONCE(test_find_count), TEST_ONCE(test_edges),
	};

	return test_main("hdr", 0, tests, TEST_COUNT(tests));
}
