/*
 * check_itip_reply.c - lib/itip_reply against REPLY and COUNTER texts as Thunderbird,
 * Outlook and Google Calendar write them (the .ics files in tests/itip, made by hand after RFC
 * 5546), and the table tests/itip/expected.tsv that python3-icalendar is held to as
 * well (tests/itip/verify_replies.py): two readers, one independent answer.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journey/itip_reply.h"
#include "test_files.h"
#include "test_run.h"

/* slurp - a file under top_srcdir/tests/itip, its length in *len unless NULL; caller frees */
static char *
slurp(const char *name, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/itip/%s", name);
	return test_slurp(rel, len);
}

/* utc_text - t as YYYYMMDDTHHMMSSZ, "-" for 0 */
static const char *
utc_text(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t == 0)
		return "-";
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
	return buf;
}

/* Every row of expected.tsv, read by lib/itip_reply. */
START_TEST(test_fixtures_say_what_the_table_says)
{
	char *table = slurp("expected.tsv", NULL), *save = NULL, *line;
	int rows = 0;

	for (line = strtok_r(table, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *col[10], *s2 = NULL, *ics, err[256], b1[32], b2[32], seq[16];
		struct itip_reply r;
		size_t len, k = 0;
		int rc;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (char *c = strtok_r(line, "\t", &s2); c && k < 10; c = strtok_r(NULL, "\t", &s2))
			col[k++] = c;
		ck_assert_msg(k == 10, "expected.tsv: a row with %zu columns", k);
		ics = slurp(col[0], &len);
		rc = itip_reply_parse(ics, len, &r, err, sizeof(err));
		free(ics);
		rows++;
		if (strcmp(col[1], "error") == 0) {
			ck_assert_msg(rc == -1, "%s: read (%d), the table says unreadable", col[0], rc);
			ck_assert_msg(err[0] != '\0', "%s: no reason given", col[0]);
			continue;
		}
		if (strcmp(col[1], "other") == 0) {
			ck_assert_msg(rc == 1 && r.method == ITIP_METHOD_OTHER, "%s: rc %d", col[0], rc);
			itip_reply_clear(&r);
			continue;
		}
		ck_assert_msg(rc == 0, "%s: %s", col[0], err);
		snprintf(seq, sizeof(seq), "%d", r.sequence);
		ck_assert_str_eq(itip_method_name(r.method), col[2]);
		ck_assert_str_eq(r.uid, col[3]);
		ck_assert_str_eq(seq, col[4]);
		ck_assert_msg(r.n_attendees >= 1, "%s: no attendee", col[0]);
		ck_assert_str_eq(r.attendees[0].address, col[5]);
		ck_assert_str_eq(itip_partstat_name(r.attendees[0].partstat), col[6]);
		ck_assert_str_eq(r.attendees[0].cn ? r.attendees[0].cn : "-", col[7]);
		ck_assert_str_eq(utc_text(r.start, b1, sizeof(b1)), col[8]);
		ck_assert_str_eq(utc_text(r.end, b2, sizeof(b2)), col[9]);
		ck_assert(itip_reply_attendee(&r, "ALICE@example.com") == &r.attendees[0]);
		ck_assert(itip_reply_attendee(&r, "mallory@example.com") == NULL);
		itip_reply_clear(&r);
	}
	ck_assert_int_ge(rows, 13);
	free(table);
}
END_TEST

/* The length is honoured: a text cut before END:VEVENT is not a whole answer. */
START_TEST(test_length_is_honoured)
{
	size_t len;
	char *ics = slurp("thunderbird-accepted.ics", &len), err[256];
	struct itip_reply r;

	ck_assert_int_eq(itip_reply_parse(ics, len, &r, err, sizeof(err)), 0);
	itip_reply_clear(&r);
	ck_assert_int_eq(itip_reply_parse(ics, 40, &r, err, sizeof(err)), -1);
	ck_assert_int_eq(itip_reply_parse("", 0, &r, err, sizeof(err)), -1);
	free(ics);
}
END_TEST

/* A COUNTER without TZID or Z is floating: read in the check-in's zone. */
START_TEST(test_floating_counter)
{
	const char *ics =
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nMETHOD:COUNTER\r\n"
	    "BEGIN:VEVENT\r\nUID:u1@example.com\r\nDTSTAMP:20261130T101500Z\r\n"
	    "DTSTART:20270610T140000\r\nDURATION:PT45M\r\nSEQUENCE:2\r\n"
	    "ATTENDEE;PARTSTAT=TENTATIVE:mailto:bob@example.com\r\nEND:VEVENT\r\n"
	    "END:VCALENDAR\r\n";
	struct itip_reply r;
	char err[256], b[32];

	ck_assert_int_eq(itip_reply_parse(ics, strlen(ics), &r, err, sizeof(err)), 0);
	ck_assert(r.start_floating);
	ck_assert_int_eq(r.end - r.start, 45 * 60);
	ck_assert_int_eq(itip_reply_floating(&r, "Atlantis/Nowhere"), -1);
	ck_assert_int_eq(itip_reply_floating(&r, "America/New_York"), 0);
	ck_assert_str_eq(utc_text(r.start, b, sizeof(b)), "20270610T180000Z");	/* EDT, -4 */
	ck_assert_int_eq(r.end - r.start, 45 * 60);
	ck_assert(!r.start_floating);
	itip_reply_clear(&r);
}
END_TEST

/* A calendar of several objects (libical's XROOT): the first VCALENDAR counts. */
START_TEST(test_two_calendars)
{
	size_t len;
	char *one = slurp("google-declined.ics", &len), *two, err[256];
	struct itip_reply r;

	two = malloc(2 * len + 1);
	memcpy(two, one, len);
	memcpy(two + len, one, len);
	two[2 * len] = '\0';
	ck_assert_int_eq(itip_reply_parse(two, 2 * len, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.attendees[0].partstat, ITIP_PARTSTAT_DECLINED);
	itip_reply_clear(&r);
	free(one);
	free(two);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_fixtures_say_what_the_table_says),
		TEST_ONCE(test_length_is_honoured), TEST_ONCE(test_floating_counter),
		TEST_ONCE(test_two_calendars),
	};

	return test_main("itip_reply", 0, tests, TEST_COUNT(tests));
}
