/*
 * check_mime_addr.c - the plain address lists that lib/mime/mime_addr.c reads without
 * GMime's objects, against GMime's own reading of the same value
 * (internet_address_list_parse): as many mailboxes, each with GMime's address and
 * display name (none and an empty one alike). The values are a table of what mail
 * software writes and what it should not, and 100,000 made of random pieces, each read
 * again with one octet changed, put in or taken out: whatever mime_addr reads it must
 * read as GMime does, and it must read most of the plain ones. Then the display name
 * the greeting takes (mime_head_display_name) from a header block in place, plain and
 * not, against the same lookup over GMime's lists.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mime/mime_addr.h"
#include "mime/mime_head.h"
#include "test_run.h"

static const char *const values[] = {
	" Buyer <ap@example.net>\r\n", " \"Buyer, Inc\" <ap@example.net>",
	" Anna  Maria <a@x.y>", " Anna\tMaria <a@x.y>", " \"  spaced  \" <a@x.y>",
	" Anna \"M\" Maria <a@x.y>", " J. Smith <j@x.y>", " ap@example.net", " <ap@example.net>",
	" \"\" <a@x.y>", " A <a@x>, B <b@y>", " A<a@x>", " A <a@x>,", " ,A <a@x>",
	" A <a@x> junk", " A <a @x>", " A <a.@x>", " A <A@X.NET>", " \"A\" B <a@x>",
	" A\r\n B <a@x>", " A <a@x>\r\n", " a@b, c@d", " A <a@x.>", " O'Brien <o@x>",
	" #$%&'*+-/=?^_`{|}~ <a@x>", " A <a@-x>", " 1 <a@x>", " A. <a@x>", " .A <a@x>",
	" =?utf-8?q?J=C3=B6rg?= <j@x>", " \"=?utf-8?q?a?=\" <a@x>", " A (comment) <a@x>",
	" undisclosed-recipients:;", " team: a@x, b@y;", " \"a b\"@x", " a@[1.2.3.4]",
	" A <a@x>,\r\n\tB <b@y>\r\n", " \"Smith, J.\" <j.smith@example.co.uk>",
	" Ren\xc3\xa9 <r@x>", " \"a\\\"b\" <a@x>", " A <<a@x>>", " A <a@x", " A a@x>",
	" a@x b@y", " A <@route:a@x>", "", " ", " ,", " a@x,,b@y", " A.B <a@x>",
	" A..B <a@x>", " A . B <a@x>", " a.b.c@d.e.f", " a@b.c.", " A <a@b..c>",
	" John Q. Public <john.q.public@example.com>",
};

/* The pieces of the random values. */
static const char *const names[] = {
	"", "Buyer", "Anna Maria", "J. Smith", "\"Buyer, Inc\"", "\"\"", "\" x \"", "A.",
	"\"a\\\\b\"", "=?utf-8?q?x?=", "Ren\xc3\xa9", "A  B", "A\tB", "(c) A", "O'Brien",
	".A", "A.B", "\"A\" B", "1", "#$%&", "\"(x)<y>@z,;:/[]?=\"",
};
static const char *const addrs[] = {
	"ap@example.net", "a@x", "A@X.NET", "a.b@c.d", "a..b@c", "a@b.", "a@-b", "\"a b\"@x",
	"a@[1.2.3.4]", "a", "@x", "a@", "a+tag@x.y", "a@b_c", "x@y.z.", "a @x",
};
static const char *const seps[] = {", ", ",", " ,", ",\r\n ", ",\n\t", ";", " ", ",,"};
static const char *const ends[] = {"", "\r\n", "\n", " ", "  \r\n", "\t"};

#define PICK(a) ((a)[rand() % (int)(sizeof(a) / sizeof((a)[0]))])

/* check - v as an address value: whatever mime_addr reads, GMime reads alike; 1 when
 * mime_addr read it */
static int
check(const char *v, size_t n)
{
	struct mime_mailbox mb[MIME_ADDR_MAX];
	char *copy;
	int count = mime_addr_list(v, n, mb), len;
	InternetAddressList *l;

	if (count < 0)
		return 0;
	copy = g_strndup(v, n);
	l = internet_address_list_parse(NULL, copy);
	len = l != NULL ? internet_address_list_length(l) : 0;
	ck_assert_msg(len == count, "[%s]: %d mailboxes, GMime %d", copy, count, len);
	for (int i = 0; i < count; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		const char *name, *addr;

		ck_assert_msg(INTERNET_ADDRESS_IS_MAILBOX(ia), "[%s]: %d is a group to GMime", copy, i);
		name = internet_address_get_name(ia);
		addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		ck_assert_msg(strlen(addr) == mb[i].addr_len && memcmp(addr, mb[i].addr, mb[i].addr_len) == 0,
		    "[%s]: address %d [%.*s], GMime [%s]", copy, i, (int)mb[i].addr_len, mb[i].addr, addr);
		if (name == NULL)
			name = "";
		ck_assert_msg(strlen(name) == mb[i].name_len && memcmp(name, mb[i].name, mb[i].name_len) == 0,
		    "[%s]: name %d [%.*s], GMime [%s]", copy, i, (int)mb[i].name_len, mb[i].name, name);
	}
	if (l != NULL)
		g_object_unref(l);
	g_free(copy);
	return 1;
}

START_TEST(test_table)
{
	int read = 0;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		read += check(values[i], strlen(values[i]));
	/* what mail software writes is read; the rest goes to GMime */
	ck_assert_int_eq(check(" Buyer <ap@example.net>\r\n", 25), 1);
	ck_assert_int_eq(check(" \"Smith, J.\" <j.smith@example.co.uk>", 36), 1);
	ck_assert_int_eq(check(" =?utf-8?q?J=C3=B6rg?= <j@x>", 28), 0);
	ck_assert_int_ge(read, 15);
}
END_TEST

/* random - a value of 1 to 4 mailboxes made of random pieces, into buf */
static size_t
random_value(char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%s", rand() % 4 ? " " : "");
	int k = 1 + rand() % 4;

	for (int i = 0; i < k && n < size; i++) {
		const char *name = PICK(names), *addr = PICK(addrs);

		if (i > 0)
			n += (size_t)snprintf(buf + n, size - n, "%s", PICK(seps));
		if (n >= size)
			break;
		if (*name == '\0' && rand() % 2)
			n += (size_t)snprintf(buf + n, size - n, "%s", addr);
		else
			n += (size_t)snprintf(buf + n, size - n, "%s%s<%s>", name,
			    rand() % 4 ? " " : "", addr);
	}
	if (n < size)
		n += (size_t)snprintf(buf + n, size - n, "%s", PICK(ends));
	return n < size ? n : size - 1;
}

START_TEST(test_random)
{
	static const char alpha[] = " \t\r\n\"\\<>@,.;:()=?A\xc3";
	int read = 0, mread = 0;

	srand(15);
	for (int i = 0; i < 100000; i++) {
		char v[600], m[602];
		size_t n = random_value(v, sizeof(v)), at = (size_t)rand() % (n + 1), mn;

		read += check(v, n);
		memcpy(m, v, at);		/* one octet changed, put in or taken out */
		switch (rand() % 3) {
		case 0:
			m[at] = alpha[rand() % (int)(sizeof(alpha) - 1)];
			memcpy(m + at + 1, v + at + 1, n > at ? n - at - 1 : 0);
			mn = n > at ? n : n + 1;
			break;
		case 1:
			m[at] = alpha[rand() % (int)(sizeof(alpha) - 1)];
			memcpy(m + at + 1, v + at, n - at);
			mn = n + 1;
			break;
		default:
			memcpy(m + at, v + at + 1, n > at ? n - at - 1 : 0);
			mn = n > at ? n - 1 : n;
			break;
		}
		mread += check(m, mn);
	}
	printf("check_mime_addr: 100000 random values, %d read (%d of their mutants)\n", read,
	    mread);
	ck_assert_int_ge(read, 4000);
	ck_assert_int_ge(mread, 2000);
}
END_TEST

/* display_gmime - the lookup over GMime's lists of every To, then Cc field of block */
static int
display_gmime(const char *block, const char *addr, char *buf, size_t len)
{
	static const char *const fields[] = {"To", "Cc"};

	buf[0] = '\0';
	for (size_t t = 0; t < 2; t++) {
		const char *p = block;

		while ((p = strstr(p, fields[t])) != NULL) {
			const char *v = p + strlen(fields[t]) + 1, *e = v;
			InternetAddressList *l;
			char *copy;

			if ((p != block && p[-1] != '\n') || p[strlen(fields[t])] != ':') {
				p++;
				continue;
			}
			while ((e = strchr(e, '\n')) != NULL && (e[1] == ' ' || e[1] == '\t'))
				e++;
			copy = g_strndup(v, e ? (size_t)(e - v + 1) : strlen(v));
			l = internet_address_list_parse(NULL, copy);
			for (int i = 0; l != NULL && i < internet_address_list_length(l); i++) {
				InternetAddress *ia = internet_address_list_get_address(l, i);
				const char *name = internet_address_get_name(ia);

				if (INTERNET_ADDRESS_IS_MAILBOX(ia) && g_ascii_strcasecmp(addr,
				    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia))) == 0 &&
				    name != NULL && *name != '\0') {
					snprintf(buf, len, "%s", name);
					g_object_unref(l);
					g_free(copy);
					return 1;
				}
			}
			if (l != NULL)
				g_object_unref(l);
			g_free(copy);
			p = v;
		}
	}
	return 0;
}

/* The greeting's name from a header block in place, plain values and not, the first
 * named mailbox of the address in To before Cc. */
START_TEST(test_display_name)
{
	static const struct {
		const char *block, *addr, *want;
	} cases[] = {
		{"To: Buyer <ap@example.net>\r\n\r\n", "AP@example.net", "Buyer"},
		{"To: ap@example.net\r\nCc: \"Buyer, Inc\" <ap@example.net>\r\n\r\n", "ap@example.net",
		    "Buyer, Inc"},
		{"Cc: C <ap@x>\r\nTo: T <ap@x>\r\n\r\n", "ap@x", "T"},
		{"To: =?utf-8?q?J=C3=B6rg?= <j@x>\r\n\r\n", "j@x", "J\xc3\xb6rg"},
		{"To: A (comment) <a@x>,\r\n B <b@x>\r\n\r\n", "b@x", "B"},
		{"To: a@x\r\nTo: Second <a@x>\r\n\r\n", "a@x", "Second"},
		{"To: Other <o@x>\r\n\r\n", "a@x", ""},
		{"Subject: To: Fake <a@x>\r\n\r\n", "a@x", ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mime_head h;
		char got[128], want[128];
		int found;

		ck_assert_int_eq(mime_head_of_bytes(&h, cases[i].block, strlen(cases[i].block)), 1);
		found = mime_head_display_name(&h, cases[i].addr, got, sizeof(got));
		ck_assert_msg(strcmp(got, cases[i].want) == 0, "case %zu: [%s], want [%s]", i, got,
		    cases[i].want);
		ck_assert_int_eq(found, cases[i].want[0] != '\0');
		if (strncmp(cases[i].block, "Subject", 7) != 0) {
			ck_assert_int_eq(display_gmime(cases[i].block, cases[i].addr, want, sizeof(want)), found);
			ck_assert_str_eq(got, want);
		}
		mime_head_done(&h);
	}
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_table), TEST_ONCE(test_random), TEST_ONCE(test_display_name),
	};

	g_mime_init();
	return test_main("mime_addr", 120, tests, TEST_COUNT(tests));
}
