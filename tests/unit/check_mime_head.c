/*
 * check_mime_head.c - what a message's own header says, read from its top part
 * (lib/mime/mime_head.c), against GMime's own GMimeMessage of the same bytes: the
 * Subject (the last one, decoded), the Message-Id (the last one, without brackets or
 * comments), the address lists of each kind (every header of the kind, in order) and
 * the first value of a header by name (none for Content-* headers, which GMime 3 keeps
 * off the message). Each is read twice: from the top part's own header list (GMime's
 * parse of the whole message), and from the bytes, as after mime_parse, which leaves
 * the message's own fields of a plain block out of the top part. The header blocks are
 * hostile: repeats, folding, encoded words good and broken, raw 8-bit text, groups,
 * odd case, empty and missing values, CR LF and LF.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mime/mime_head.h"
#include "mime/mime_parse.h"
#include "test_mime.h"
#include "test_run.h"

static const char *const blocks[] = {
	"From: Alice Accounts <alice@example.com>\r\nTo: John <john@buyercompany.no>\r\n"
	"Subject: Invoice TOSL108\r\nMessage-ID: <invoice@example.com>\r\n"
	"Date: Sun, 22 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n",
	/* repeats: the last Subject and Message-Id, every To in order */
	"Subject: first\r\nTo: a@x.example\r\nSubject: second\r\nTo: B <b@y.example>, c@z.example\r\n"
	"Message-Id: <1@x>\r\nMessage-Id: <2@x> (a comment)\r\n",
	/* folding, and names in any case */
	"subject: a long\r\n subject\r\n\tfolded\r\nTO: \"Doe, Jane\"\r\n <jane@example.org>\r\n"
	"message-id:\r\n <folded@example.org>\r\ncc: x@example.org\r\nCC: y@example.org\r\n",
	/* encoded words, good and broken */
	"Subject: =?utf-8?q?caf=C3=A9?= =?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
	"From: =?utf-8?b?SsO8cmdlbg==?= <j@example.de>\r\nTo: =?bogus?x?zz?= <t@example.de>\r\n",
	"Subject: =?utf-8?q?unterminated\r\nFrom: \"=?utf-8?q?quoted_word?=\" <q@example.de>\r\n",
	/* raw 8-bit text, UTF-8 and not */
	"Subject: Rechnung f\xc3\xbcr M\xc3\xa4rz\r\nTo: J\xc3\xb6rg <j@example.de>\r\n",
	"Subject: Facture \xe9t\xe9\r\nFrom: Andr\xe9 <a@example.fr>\r\n",
	/* groups, empty lists, junk */
	"To: undisclosed-recipients:;\r\nCc: team: a@x.example, b@x.example;, c@x.example\r\n"
	"Bcc: \r\nReply-To: <<<>>>, @@, r@x.example\r\nSender: s@x.example\r\n",
	"To: \r\nSubject: \r\nMessage-Id: \r\nFrom:\r\n",
	"Message-Id: no-brackets@example.com\r\nSubject:    spaced   \r\n",
	"Message-Id: <a@b> <c@d>\r\nReply-To: one@x.example\r\nReply-To: two@x.example\r\n",
	/* Content-* headers: the top part's, never the message's */
	"Content-Language: de\r\nX-Postsale-Onboarding: yes\r\nContent-Type: multipart/mixed;"
	" boundary=b\r\nX-Renewal: 2027-01-31\r\n",
	/* nothing of what a message reads */
	"X-Mailer: test\r\n",
	"",
};

#define NBLOCKS (sizeof(blocks) / sizeof(blocks[0]))

static const char *const names[] = {
	"Subject", "subject", "From", "To", "Cc", "X-Postsale-Onboarding", "x-renewal",
	"Content-Type", "Content-Language", "content-language", "Message-Id", "Date",
	"MIME-Version", "X-Missing",
};

/* both - GMime's GMimeMessage and its top part of the block with a short body (with
 * LF line ends, lf 1, or CR LF as written) into text */
static void
both(const char *block, int lf, char *text, size_t size, GMimeMessage **msg, GMimeObject **top)
{
	GMimeStream *s;
	GMimeParser *p;
	size_t n = 0;

	snprintf(text, size, "%s\r\nHello.\r\n", block);
	for (size_t i = 0; lf && text[i] != '\0'; i++)	/* CR LF to LF */
		if (!(text[i] == '\r' && text[i + 1] == '\n'))
			text[n++] = text[i];
	if (lf)
		text[n] = '\0';
	s = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	p = g_mime_parser_new_with_stream(s);
	*msg = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(s);
	*top = test_mime_parse(text);
	ck_assert_ptr_nonnull(*msg);
	ck_assert_ptr_nonnull(*top);
}

/* same - NULL-safe string equality */
static int
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* like_gmime - the readings of top (as read by way) are GMime's message's; gtop is
 * GMime's top part of the whole message, whose Content-* fields top must read */
static void
like_gmime(GMimeMessage *msg, GMimeObject *gtop, const struct mime_head *top, int _i,
    const char *way)
{
	char *mine;

	ck_assert_msg(same(mime_head_subject(top), g_mime_message_get_subject(msg)),
	    "block %d, %s: Subject [%s] / GMime [%s]", _i, way, mime_head_subject(top),
	    g_mime_message_get_subject(msg));
	mine = mime_head_message_id(top);
	ck_assert_msg(same(mine, g_mime_message_get_message_id(msg)),
	    "block %d, %s: Message-Id [%s] / GMime [%s]", _i, way, mine,
	    g_mime_message_get_message_id(msg));
	g_free(mine);
	for (int t = GMIME_ADDRESS_TYPE_SENDER; t <= GMIME_ADDRESS_TYPE_BCC; t++) {
		InternetAddressList *l = mime_head_addresses(top, t);
		char *a = internet_address_list_to_string(l, NULL, FALSE);
		char *b = internet_address_list_to_string(g_mime_message_get_addresses(msg, t),
		    NULL, FALSE);

		ck_assert_msg(same(a, b) && internet_address_list_length(l) ==
		    internet_address_list_length(g_mime_message_get_addresses(msg, t)),
		    "block %d, %s, address kind %d: [%s] / GMime [%s]", _i, way, t, a, b);
		g_free(a);
		g_free(b);
		g_object_unref(l);
	}
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++)
		ck_assert_msg(same(mime_head_get(top, names[n]),
		    g_mime_object_get_header(GMIME_OBJECT(msg), names[n])),
		    "block %d, %s: %s [%s] / GMime [%s]", _i, way, names[n],
		    mime_head_get(top, names[n]), g_mime_object_get_header(GMIME_OBJECT(msg), names[n]));
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		const char *want = g_ascii_strncasecmp(names[n], "Content-", 8) == 0 ?
		    g_mime_object_get_header(gtop, names[n]) : NULL;

		ck_assert_msg(same(mime_head_content(top, names[n]), want),
		    "block %d, %s: the part's %s [%s] / GMime [%s]", _i, way, names[n],
		    mime_head_content(top, names[n]), want);
	}
}

/* From the top part's header list, and from the bytes (mime_parse); blocks with CR LF,
 * then with LF. */
START_TEST(test_like_gmime)
{
	const char *block = blocks[_i % NBLOCKS];
	GMimeMessage *msg;
	GMimeObject *top, *cut;
	GMimeParser *parser = g_mime_parser_new();
	GByteArray *view;
	enum mime_parse_how how;
	char text[2048];

	g_mime_init();
	struct mime_head h;

	both(block, _i >= (int) NBLOCKS, text, sizeof(text), &msg, &top);
	mime_head_of_top(&h, top);
	like_gmime(msg, top, &h, _i, "the part's list");
	view = g_byte_array_new_take((guint8 *) text, strlen(text));
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	cut = mime_parse(parser, view, &how);
	ck_assert_ptr_nonnull(cut);
	mime_head_of_top(&h, cut);
	like_gmime(msg, top, &h, _i, how == MIME_PARSE_SKIPPED ? "the bytes" : "mime_parse's list");
	/* a plain block with fields to leave out is read from the bytes */
	if (_i % NBLOCKS == 0 || _i % NBLOCKS == 1)
		ck_assert_int_eq(how, MIME_PARSE_SKIPPED);
	/* without GMime's parse, from the bytes in place, wherever the block is plain
	 * (every block here is) */
	ck_assert_msg(mime_head_of_bytes(&h, text, strlen(text)), "block %d: not plain", _i);
	like_gmime(msg, top, &h, _i, "the bytes alone");
	mime_head_done(&h);
	g_object_unref(cut);
	g_object_unref(parser);
	g_byte_array_free(view, FALSE);
	g_object_unref(msg);
	g_object_unref(top);
}
END_TEST

/* The message's own headers stay readable on the top part, and NULL is no message. */
START_TEST(test_edges)
{
	InternetAddressList *l = mime_head_addresses(NULL, GMIME_ADDRESS_TYPE_TO);
	struct mime_head h;

	g_mime_init();
	ck_assert_int_eq(internet_address_list_length(l), 0);
	g_object_unref(l);
	ck_assert_ptr_null(mime_head_subject(NULL));
	ck_assert_ptr_null(mime_head_message_id(NULL));
	ck_assert_ptr_null(mime_head_get(NULL, "Subject"));
	/* a block that is not plain is GMime's to read: a line without a colon, a bare CR,
	 * no empty line */
	ck_assert_int_eq(mime_head_of_bytes(&h, "Subject: x\r\nnot a field\r\n\r\nbody\r\n", 33), 0);
	ck_assert_int_eq(mime_head_of_bytes(&h, "Subject: a\rb\r\n\r\nbody", 20), 0);
	ck_assert_int_eq(mime_head_of_bytes(&h, "Subject: x\r\n", 12), 0);
	ck_assert_ptr_null(mime_head_subject(&h));
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP_N(test_like_gmime, 2 * NBLOCKS), TEST_ONCE(test_edges),
	};

	return test_main("mime_head", 0, tests, TEST_COUNT(tests));
}
