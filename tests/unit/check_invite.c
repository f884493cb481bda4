/*
 * check_invite.c - the invitation (lib/invite.c) and its mail (lib/invite_mime.c).
 *
 * Expectations come from the RFCs, not from our output: RFC 5545 (CRLF, lines of at
 * most 75 octets, folding by CRLF + one space, TEXT escaping), RFC 5546 (CANCEL:
 * STATUS:CANCELLED, same UID), RFC 5322/5321 (what an address is, header lines),
 * RFC 2047 (encoded words <= 75 characters; base64 from RFC 4648, the sample
 * "Grüße" computed with Python's base64), the published UTC offsets of
 * Europe/Berlin (CEST = UTC+2 from 2025-03-30). The full parse of the results by
 * python3-icalendar, ical.js and Python's email package is tests/ical/run.sh.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compose/invite.h"
#include "util/html.h"
#include "compose/invite_mime.h"
#include "compose/invite_summary.h"
#include "util/ident.h"
#include "test_run.h"
#include "test_text.h"

#define T_20250331_0730Z 1743406200	/* date -u -d 2025-03-31T07:30Z +%s */

static void base_opts(struct invite_opts *o)
{
	invite_opts_init(o);
	o->uid = "ci7-0123456789abcdef@seller.example";
	o->tz = "Europe/Berlin";
	o->start = T_20250331_0730Z;
	o->end = T_20250331_0730Z + 1800;
	o->stamp = T_20250331_0730Z - 86400;
	o->organizer = "postsale@seller.example";
	o->manager = "anna@seller.example";
	o->manager_name = "Anna \"the boss\" Müller";
	o->summary = "Check-in: ACME";
	o->description = "Line one, with a comma; and a semicolon\nLine two";
}

/* unfold - RFC 5545 3.1: remove every CRLF followed by one space or tab */
static char *unfold(const char *s)
{
	char *out = strdup(s), *o = out;

	for (const char *p = s; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
			p += 2;
			continue;
		}
		*o++ = *p;
	}
	*o = 0;
	return out;
}

/* lines_ok - every line ends in CRLF and has at most max octets */
static int lines_ok(const char *s, size_t max, char *why, size_t whylen)
{
	size_t line = 1;

	for (const char *p = s; *p;) {
		const char *e = strstr(p, "\r\n");
		if (e == NULL) {
			snprintf(why, whylen, "line %zu has no CRLF", line);
			return 0;
		}
		if (memchr(p, '\n', (size_t) (e - p)) || memchr(p, '\r', (size_t) (e - p))) {
			snprintf(why, whylen, "line %zu holds a bare CR or LF", line);
			return 0;
		}
		if ((size_t) (e - p) > max) {
			snprintf(why, whylen, "line %zu has %zu octets", line, (size_t) (e - p));
			return 0;
		}
		p = e + 2;
		line++;
	}
	return 1;
}

START_TEST(test_request)
{
	struct invite_opts o;
	char err[256] = "", why[64], *ics, *u;

	base_opts(&o);
	ck_assert_msg(invite_build(&o, &ics, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(lines_ok(ics, 75, why, sizeof(why)), "%s", why);
	u = unfold(ics);
	test_has(u, "\r\nVERSION:2.0\r\n", "\r\nPRODID:", "\r\nMETHOD:REQUEST\r\n",
	    "\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n", NULL);
	test_lacks(u, "freeassociation", "citadel", "X-LIC-LOCATION", NULL);
	/* 07:30Z on 2025-03-31 is 09:30 CEST (UTC+2 since 2025-03-30). */
	test_has(u, "\r\nDTSTART;TZID=Europe/Berlin:20250331T093000\r\n",
	    "\r\nDTEND;TZID=Europe/Berlin:20250331T100000\r\n",
	    "\r\nDTSTAMP:20250330T073000Z\r\n",
	    "\r\nUID:ci7-0123456789abcdef@seller.example\r\n", "\r\nSEQUENCE:0\r\n",
	    "ORGANIZER", ":mailto:postsale@seller.example\r\n", "ROLE=REQ-PARTICIPANT",
	    "PARTSTAT=NEEDS-ACTION", "RSVP=TRUE", ":mailto:anna@seller.example\r\n", NULL);
	/* A parameter value cannot hold a DQUOTE (RFC 5545 3.1): the name is cleaned. */
	ck_assert_ptr_null(strstr(u, "\"the boss\""));
	/* TEXT escaping, RFC 5545 3.3.11: comma, semicolon, newline. */
	ck_assert_ptr_nonnull(strstr(u, "DESCRIPTION:Line one\\, with a comma\\; and a "
				     "semicolon\\nLine two\r\n"));
	test_has(u, "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\n",
	    "\r\nEND:VCALENDAR\r\n", NULL);
	free(u);
	free(ics);
}
END_TEST

START_TEST(test_cancel)
{
	struct invite_opts o;
	char err[256] = "", *ics, *u;

	base_opts(&o);
	o.method = INVITE_CANCEL;
	o.sequence = 1;
	ck_assert_msg(invite_build(&o, &ics, err, sizeof(err)) == 0, "%s", err);
	u = unfold(ics);
	test_has(u, "\r\nMETHOD:CANCEL\r\n", "\r\nSTATUS:CANCELLED\r\n", "\r\nSEQUENCE:1\r\n",
	    "\r\nUID:ci7-0123456789abcdef@seller.example\r\n", NULL);
	ck_assert_ptr_null(strstr(u, "VALARM"));
	/* RFC 5546 3.2.5: a CANCEL asks nobody to answer; the attendee keeps its CN */
	ck_assert_ptr_null(strstr(u, "RSVP"));
	ck_assert_ptr_nonnull(strstr(u, "ATTENDEE;CN="));
	o.invite_customer = 1;
	o.customer = "carol@customer.example";
	o.customer_name = "Carol";
	free(u);
	free(ics);
	ck_assert_msg(invite_build(&o, &ics, err, sizeof(err)) == 0, "%s", err);
	u = unfold(ics);
	ck_assert_ptr_null(strstr(u, "RSVP"));
	ck_assert_ptr_nonnull(strstr(u, ":mailto:carol@customer.example\r\n"));
	free(u);
	free(ics);
}
END_TEST

/* Folding never splits a UTF-8 character: each physical line is valid UTF-8. */
START_TEST(test_fold_utf8)
{
	struct invite_opts o;
	char err[256], why[64], desc[2048] = "", *ics, *u;

	for (int i = 0; i < 60; i++)
		strcat(desc, "Grüße ✓ ");
	base_opts(&o);
	o.description = desc;
	o.summary = "Überprüfung der Kundenbeziehung – Zürich, Köln und München";
	ck_assert_msg(invite_build(&o, &ics, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(lines_ok(ics, 75, why, sizeof(why)), "%s", why);
	for (const char *p = ics; *p;) {
		const char *e = strstr(p, "\r\n");
		/* a line may not start with a continuation byte 10xxxxxx */
		const unsigned char *q = (const unsigned char *) p;
		if (q[0] == ' ')
			q++;
		ck_assert_msg((q[0] & 0xc0) != 0x80, "a fold split a UTF-8 character");
		p = e + 2;
	}
	u = unfold(ics);
	ck_assert_ptr_nonnull(strstr(u, "Grüße ✓ Grüße ✓ Grüße ✓"));
	free(u);
	free(ics);
}
END_TEST

struct bad_case {
	const char *field;
	const char *value;
	const char *want_in_err;
};

static const struct bad_case bad_cases[] = {
	{ "manager", "not an address", "manager \"not an address\"" },
	{ "manager", "anna@", "manager" },
	{ "manager", "@seller.example", "manager" },
	{ "manager", "anna@seller..example", "manager" },
	{ "manager", "anna@seller.example\r\nBcc: x@y.example", "manager" },
	{ "manager", "postsale@seller.example", "organizer" },	/* never the recipient */
	{ "organizer", "", "organizer" },
	{ "tz", "Mars/Olympus_Mons", "\"Mars/Olympus_Mons\"" },
	{ "tz", "../../etc/passwd", "time zone" },
	{ "uid", "two words", "UID" },
	{ "end", NULL, "end" },
};

START_TEST(test_bad_input)
{
	const struct bad_case *c = &bad_cases[_i];
	struct invite_opts o;
	char err[256] = "", *ics = (char *) 1;

	base_opts(&o);
	if (strcmp(c->field, "manager") == 0)
		o.manager = c->value;
	else if (strcmp(c->field, "organizer") == 0)
		o.organizer = c->value;
	else if (strcmp(c->field, "tz") == 0)
		o.tz = c->value;
	else if (strcmp(c->field, "uid") == 0)
		o.uid = c->value;
	else
		o.end = o.start;
	ck_assert_int_eq(invite_build(&o, &ics, err, sizeof(err)), -1);
	ck_assert_ptr_null(ics);
	ck_assert_msg(strstr(err, c->want_in_err) != NULL, "err \"%s\" lacks \"%s\"", err,
		      c->want_in_err);
}
END_TEST

START_TEST(test_uid)
{
	char *a = ident_checkin_uid(42, "x@acme.example", "seller.example");
	char *b = ident_checkin_uid(42, "x@acme.example", "seller.example");
	char *c = ident_checkin_uid(43, "x@acme.example", "seller.example");

	ck_assert_str_eq(a, b);			/* stable */
	ck_assert_str_ne(a, c);			/* one per check-in */
	ck_assert(strncmp(a, "ci42-", 5) == 0);
	ck_assert_ptr_nonnull(strstr(a, "@seller.example"));
	ck_assert_uint_eq(strlen(a), strlen("ci42-") + 16 + strlen("@seller.example"));
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_describe)
{
	static const char *const q[] = { "Q one?", NULL };
	struct invite_context c = { .customer_name = "ACME", .customer = "x@acme.example",
				    .customer_since = T_20250331_0730Z, .invoices_sent = 12,
				    .invoices_flagged = 2, .checkin_kind = "day-30",
				    .questions = q };
	char *d = invite_describe(&c, T_20250331_0730Z + 30 * 86400);

	test_has(d, "ACME <x@acme.example>", "Customer since: 2025-03-31 (30 days)",
	    "Invoices sent: 12", "Invoices flagged: 2", "Last check-in: none yet", "- Q one?\n",
	    NULL);
	free(d);
}
END_TEST

START_TEST(test_header_encode)
{
	char *e = invite_header_encode("Grüße", 9);

	/* base64("Grüße" in UTF-8) = R3LDvMOfZQ== (Python's base64) */
	ck_assert_str_eq(e, "=?UTF-8?B?R3LDvMOfZQ==?=");
	free(e);
	e = invite_header_encode("plain ascii", 9);
	ck_assert_str_eq(e, "plain ascii");
	free(e);
	e = invite_header_encode("Überprüfung der Kundenbeziehung – Zürich, Köln und München: "
				 "ein langer Betreff", 9);
	/* RFC 2047 2: an encoded word is at most 75 characters; words on folded lines */
	for (char *w = e; w;) {
		char *end = strstr(w, "\r\n ");
		size_t len = end ? (size_t) (end - w) : strlen(w);
		ck_assert_msg(len <= 75, "encoded word of %zu", len);
		ck_assert(strncmp(w, "=?UTF-8?B?", 10) == 0 && strncmp(w + len - 2, "?=", 2) == 0);
		w = end ? end + 3 : NULL;
	}
	free(e);
}
END_TEST

START_TEST(test_html_escape)
{
	char *e = html_escape("<a href=\"x\">&'</a>");

	ck_assert_str_eq(e, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
	free(e);
}
END_TEST

START_TEST(test_mime)
{
	struct invite_opts o;
	struct invite_mail m = { 0 };
	const char *to[] = { "anna@seller.example" };
	const char *names[] = { "Anna\r\nBcc: evil@example.com" };
	char err[256] = "", why[64], *ics, *eml, *eml2;
	size_t len, len2;

	base_opts(&o);
	ck_assert_int_eq(invite_build(&o, &ics, err, sizeof(err)), 0);
	m.from = "postsale@seller.example";
	m.to = to;
	m.to_names = names;
	m.n_to = 1;
	m.subject = "Check-in\r\nBcc: evil@example.com";
	m.text = "<b>not bold</b>";
	m.ics = ics;
	m.date = T_20250331_0730Z;
	m.uid = o.uid;
	ck_assert_msg(invite_mime_build(&m, &eml, &len, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(len, strlen(eml));
	ck_assert_msg(lines_ok(eml, 998, why, sizeof(why)), "%s", why);
	/* No header injection: no line of the message starts a Bcc header. */
	ck_assert_ptr_null(strstr(eml, "\r\nBcc:"));
	ck_assert(strncmp(eml, "Date: Mon, 31 Mar 2025 07:30:00 +0000\r\n", 39) == 0);
	test_has(eml, "\r\nMIME-Version: 1.0\r\n", "\r\nMessage-ID: <", NULL);
	ck_assert_ptr_nonnull(strstr(eml, "Content-Type: text/calendar; method=REQUEST; "
				     "charset=UTF-8\r\n"));
	ck_assert_ptr_nonnull(strstr(eml, "filename=\"invite.ics\""));
	{	/* the HTML part holds the text escaped, never as markup */
		char *html = strstr(eml, "Content-Type: text/html");
		ck_assert_ptr_nonnull(html);
		*strstr(html, "\r\n--=_ps") = 0;
		ck_assert_ptr_nonnull(strstr(html, "&lt;b&gt;not bold&lt;/b&gt;"));
		ck_assert_ptr_null(strstr(html, "<b>"));
		html[strlen(html)] = '\r';
	}
	/* The same invite (uid, sequence, method) gives the same Message-ID. */
	ck_assert_int_eq(invite_mime_build(&m, &eml2, &len2, err, sizeof(err)), 0);
	ck_assert_uint_eq(len, len2);
	ck_assert_int_eq(memcmp(eml, eml2, len), 0);
	free(eml2);
	free(eml);

	to[0] = "not an address";
	ck_assert_int_eq(invite_mime_build(&m, &eml, &len, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "\"not an address\""));
	free(ics);
}
END_TEST

/* The managers' summary: one line per check-in in the manager's zone (2026-12-03
 * 09:00Z is 10:00 in Berlin, CET), names cleaned of controls, the header To the
 * manager with the display name. */
START_TEST(test_summary)
{
	struct ps_conf *conf = conf_defaults();
	struct store_checkin v[2];
	char err[256] = "", *msg = NULL;
	size_t len;

	free(conf->postsale_address);
	conf->postsale_address = strdup("postsale@seller.example");
	memset(v, 0, sizeof(v));
	v[0].customer = "carol@customer.example";
	v[0].customer_name = "Carol\r\nBcc: evil@example.com";
	v[0].manager = "anna@seller.example";
	v[0].tzid = "Europe/Berlin";
	v[0].due_at = 1796288400;	/* 2026-12-03T09:00:00Z */
	v[0].sent_sequence = 0;
	snprintf(v[0].kind, sizeof(v[0].kind), "day-7");
	snprintf(v[0].state, sizeof(v[0].state), "sent");
	v[1] = v[0];
	v[1].customer_name = NULL;
	v[1].sent_sequence = -1;
	ck_assert_int_eq(invite_summary_build(conf, "anna@seller.example", "Anna M\xc3\xbcller", v, 0,
	    0, &msg, &len, err, sizeof(err)), -1);
	ck_assert_msg(invite_summary_build(conf, "anna@seller.example", "Anna", v, 2, 1796200000,
	    &msg, &len, err, sizeof(err)) == 0, "%s", err);
	test_has(msg, "\r\nTo: Anna <anna@seller.example>\r\n",
	    "Subject: postsale: 2 check-ins without an answer\r\n", NULL);
	ck_assert_ptr_nonnull(strcasestr(msg, "Message-Id: <postsale-summary.20261202."));
	ck_assert_ptr_null(strstr(msg, "\r\nBcc:"));
	ck_assert_ptr_nonnull(strstr(msg, "2026-12-03 10:00 Europe/Berlin"));
	/* the body is quoted-printable: join its soft line breaks to read it */
	for (char *p; (p = strstr(msg, "=\r\n")) != NULL;)
		memmove(p, p + 3, strlen(p + 3) + 1);
	test_has(msg, "invitation not sent yet",
	    "Carol Bcc: evil@example.com <carol@customer.example>", NULL);
	free(msg);
	ck_assert_int_eq(invite_summary_build(conf, "not an address", NULL, v, 2, 0, &msg, &len,
	    err, sizeof(err)), -1);
	conf_free(conf);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_request), TEST_ONCE(test_cancel), TEST_ONCE(test_fold_utf8),
		TEST_LOOP(test_bad_input, bad_cases), TEST_ONCE(test_uid),
		TEST_ONCE(test_describe), TEST_ONCE(test_header_encode),
		TEST_ONCE(test_html_escape), TEST_ONCE(test_mime), TEST_ONCE(test_summary),
	};

	return test_main("invite", 0, tests, TEST_COUNT(tests));
}
