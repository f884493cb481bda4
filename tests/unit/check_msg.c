/*
 * check_msg.c - the message buffer: bytes kept as received (RFC 5322 header lines
 * "name:value" CRLF, an empty line, the body), and the size limit.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mime/msg.h"
#include "test_run.h"

START_TEST(test_bytes)
{
	struct ps_msg *m = msg_new(0);
	static const char want[] = "Subject: hi\r\nX-Folded: a\r\n\tb\r\n\r\nbody\r\n";

	msg_add_header(m, "Subject", " hi");	/* leading space kept (SMFIP_HDR_LEADSPC) */
	msg_add_header(m, "X-Folded", " a\r\n\tb");
	msg_end_headers(m);
	ck_assert_int_eq(msg_add_body(m, "body\r\n", 6), 0);
	ck_assert_uint_eq(m->len, strlen(want));
	ck_assert_int_eq(memcmp(m->raw, want, m->len), 0);
	ck_assert_uint_eq(m->header_len, strlen(want) - 6);
	msg_free(m);
}
END_TEST

START_TEST(test_limit)
{
	struct ps_msg *m = msg_new(100);
	char chunk[60];

	memset(chunk, 'x', sizeof(chunk));
	msg_end_headers(m);				/* 2 bytes */
	ck_assert_int_eq(msg_add_body(m, chunk, 60), 0);	/* 62: kept */
	ck_assert_int_eq(msg_add_body(m, chunk, 60), -1);	/* 122 > 100: dropped */
	ck_assert_int_eq(m->oversized, 1);
	ck_assert_uint_eq(m->len, 62);
	ck_assert_int_eq(msg_add_body(m, chunk, 1), -1);	/* stays over */
	ck_assert_uint_eq(m->seen, 123);
	msg_reset(m);					/* the next message starts afresh */
	ck_assert_int_eq(m->oversized, 0);
	ck_assert_int_eq(msg_add_body(m, chunk, 60), 0);
	msg_free(m);
}
END_TEST

START_TEST(test_reset_envelope)
{
	struct ps_msg *m = msg_new(0);

	msg_set_sender(m, "<a@example.com>");
	msg_add_rcpt(m, "<b@customer.example>", 1);
	strcpy(m->qid, "4ABC");
	msg_reset(m);
	ck_assert_ptr_null(m->sender);
	ck_assert_uint_eq(m->nrcpts, 0);
	ck_assert_uint_eq(m->nexternal, 0);
	ck_assert_str_eq(m->qid, "");
	msg_free(m);
	ck_assert_ptr_null(msg_free(NULL));
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_bytes), TEST_ONCE(test_limit), TEST_ONCE(test_reset_envelope),
	};

	return test_main("msg", 0, tests, TEST_COUNT(tests));
}
