/*
 * check_mime_plain.c - the plain structure (lib/mime/mime_plain.c) against GMime's
 * parser. Wherever mime_plain_upto calls the scan's reading of a message plain up to a
 * part, GMime's own parser must read the same tree of content types up to there
 * (mime_scan_agrees_upto, the check the note skips for a plain structure), and, where
 * the whole message is plain, the same content window for every leaf, to the octet.
 *
 * The messages are made at random: trees of multiparts up to three deep, with
 * boundaries that are prefixes, extensions or copies of their parents', or outside
 * RFC 2046's characters; fields folded, in odd case, without a colon, with a blank
 * before it, with a bare CR or 8-bit octets; Content-Type values of the plain form and
 * not; contents with lines that start like a delimiter, that are a parent's delimiter,
 * with a CR or a NUL inside, or longer than a line may be; delimiters with blanks after
 * them or junk, a close delimiter missing, an empty line missing; LF, CR LF and both
 * mixed. Each is read again with octets changed, put in or taken out. Four messages in
 * the shapes Outlook, Thunderbird, Apple Mail and Gmail write must be plain, part by
 * part, and read alike. The seed is fixed, so a failure names a message that can be
 * made again (it is written to $TMPDIR/check_mime_plain.eml).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mime/mime_plain.h"
#include "mime/mime_scan.h"
#include "test_run.h"
#include "test_windows.h"
#include "util/buf.h"

#ifndef MESSAGES		/* -DMESSAGES=200000 for a longer run by hand */
#define MESSAGES 4000		/* messages made, each read as made and MUTANTS times changed */
#endif
#define MUTANTS 4

/* One message in the making: its octets, the random state and its line-end habit. */
struct gen {
	struct buf b;
	uint64_t rng;
	int eol;			/* 0 LF, 1 CR LF, 2 either, line by line */
};

static unsigned
rnd(struct gen *g, unsigned n)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (unsigned)(g->rng % n);
}

/* one_in - 1 once in n draws */
static int
one_in(struct gen *g, unsigned n)
{
	return rnd(g, n) == 0;
}

#define PICK(g, a) ((a)[rnd((g), (unsigned)(sizeof(a) / sizeof((a)[0])))])

static void
eol(struct gen *g)
{
	if (g->eol == 1 || (g->eol == 2 && one_in(g, 2)))
		buf_addc(&g->b, '\r');
	buf_addc(&g->b, '\n');
}

/* line - s and a line end */
static void
line(struct gen *g, const char *s)
{
	buf_adds(&g->b, s);
	eol(g);
}

static const char *const pool[] = {
	"b", "b1", "=_abc", "----=_Part_0_1234.5678", "simple boundary", "a'()+_,-./:=?z",
	"0123456789012345678901234567890123456789012345678901234567890123456789",
	"01234567890123456789012345678901234567890123456789012345678901234567890",
	"a;b", "a b ", "x\"y", "tab\there", "=?utf-8?q?b?=", "\xc3\xa9t\xc3\xa9", "-", "--",
};

/* boundary - a boundary for a multipart inside one whose boundary is parent (or none) */
static void
boundary(struct gen *g, const char *parent, char *out, size_t outlen)
{
	switch (parent ? rnd(g, 8) : 4 + rnd(g, 4)) {
	case 0:
		snprintf(out, outlen, "%s", parent);		/* the parent's own */
		return;
	case 1:
		snprintf(out, outlen, "%sx", parent);		/* the parent's, longer */
		return;
	case 2:
		snprintf(out, outlen, "%.*s", (int)(strlen(parent) > 1 ? strlen(parent) - 1 : 1),
		    parent);				/* a prefix of the parent's */
		return;
	case 3:
	case 4:
		snprintf(out, outlen, "%s", PICK(g, pool));
		return;
	default: {
		static const char bc[] = "abcXYZ0189'()+_,-./:=? ";
		size_t n = 1 + rnd(g, 24);

		if (n >= outlen)
			n = outlen - 1;
		for (size_t i = 0; i < n; i++)
			out[i] = bc[rnd(g, sizeof(bc) - 1)];
		out[n] = '\0';
		return;
	}
	}
}

/* odd_field - one field or line of the kinds parsers read differently */
static void
odd_field(struct gen *g)
{
	static const char *const odd[] = {
		"no colon here", " a continuation first", "Content-Type : text/plain",
		"X-Bare: a\rCR", "X-\xc3\xa9: 8-bit name", "X-Tab\t: tab before the colon",
		": no name", "X-Empty:", "--b", "Content-Type: text/html",
		"Content-Transfer-Encoding: base64", "From nobody Mon Jan  1 00:00:00 2026",
	};
	const char *f = PICK(g, odd);

	if (one_in(g, 12)) {
		buf_add(&g->b, "X-Nul: a\0b", 10);
		eol(g);
	} else
		line(g, f);
}

/* fields - a few fields of no weight to the structure, some folded */
static void
fields(struct gen *g)
{
	static const char *const plain[] = {
		"X-Mailer: test", "X-Folded: one,", "Content-ID: <part@example.com>",
		"Content-Description: an invoice", "content-disposition: inline",
		"Content-Disposition: attachment; filename=\"invoice.xml\"",
		"Content-Transfer-Encoding: 7bit", "Content-Transfer-Encoding: quoted-printable",
		"X-Dash: --b",
	};
	for (unsigned n = rnd(g, 3); n > 0; n--) {
		const char *f = PICK(g, plain);

		line(g, f);
		if (strncmp(f, "X-Folded", 8) == 0)
			line(g, one_in(g, 2) ? " two" : "\tthree");
	}
	if (one_in(g, 10))
		odd_field(g);
}

/* content_type - the Content-Type field of a part of type (a "type/subtype") with the
 * boundary b (or none), in a plain form or not */
static void
content_type(struct gen *g, const char *type, const char *b)
{
	static const char *const ext[] = {
		"", "; charset=utf-8", "; charset=\"UTF-8\"", "; name=\"invoice 1.xml\"",
		" (a comment)", "; name*=utf-8''a%20b.xml", "; name=\"=?utf-8?q?a?=.xml\"",
		";; format=flowed", "; charset=utf-8 junk", "; x=\"a\\\"b\"",
	};
	const char *e = one_in(g, 3) ? PICK(g, ext) : "";

	buf_printf(&g->b, "%s: %s%s", one_in(g, 8) ? "content-TYPE" : "Content-Type", type, e);
	if (b != NULL) {
		if (one_in(g, 4)) {			/* folded before the boundary */
			buf_adds(&g->b, ";");
			eol(g);
			buf_adds(&g->b, one_in(g, 2) ? "\t" : " ");
		} else
			buf_adds(&g->b, "; ");
		if (strchr(b, ' ') || strchr(b, ';') || strchr(b, '"') || one_in(g, 2)) {
			buf_adds(&g->b, "boundary=\"");
			for (const char *c = b; *c; c++) {
				if (*c == '"' || *c == '\\')
					buf_addc(&g->b, '\\');
				buf_addc(&g->b, *c);
			}
			buf_adds(&g->b, "\"");
		} else
			buf_printf(&g->b, "boundary=%s", b);
	}
	eol(g);
}

/* content - the lines of a leaf, with the boundaries in scope (bounds[0] innermost) */
static void
content(struct gen *g, const char *const *bounds, int nbounds)
{
	for (unsigned n = rnd(g, 6); n > 0; n--) {
		switch (rnd(g, 14)) {
		case 0:
			line(g, "");
			break;
		case 1:
			line(g, "-- ");
			break;
		case 2:
		case 3:
			if (nbounds > 0) {	/* like a delimiter of one in scope */
				static const char *const tail[] = {
					"", "--", " ", "\t", "x", " junk", "--x", "\r", "-- ", "-",
				};
				buf_printf(&g->b, "--%s%s", bounds[rnd(g, (unsigned)nbounds)],
				    PICK(g, tail));
				eol(g);
			} else
				line(g, "--b");
			break;
		case 4: {
			size_t n2 = 900 + rnd(g, 4200);	/* long, past GMime's buffer too */

			for (size_t i = 0; i < n2; i++)
				buf_addc(&g->b, (char)('a' + (char)(i % 26)));
			eol(g);
			break;
		}
		case 5:
			buf_add(&g->b, "a\0b", 3);
			eol(g);
			break;
		case 6:
			line(g, "a bare\rCR");
			break;
		case 7:
			line(g, "PD94bWwgdmVyc2lvbj0iMS4wIj8+PEludm9pY2U+PC9JbnZvaWNlPgo=");
			break;
		case 8:
			line(g, "From here on");
			break;
		default:
			line(g, "Dear customer, thank you for your order.");
			break;
		}
	}
}

static const char *const leaves[] = {
	"text/plain", "text/html", "application/xml", "application/pdf", "Text/Plain",
	"message/rfc822", "image/png", "text", "application/vnd.oasis.ubl+xml",
};
static const char *const multis[] = {
	"multipart/mixed", "multipart/alternative", "multipart/related", "Multipart/Mixed",
	"multipart/digest",
};

/* entity - one part's fields, empty line and content; bounds the boundaries in scope */
static void
entity(struct gen *g, int depth, const char *const *bounds, int nbounds)
{
	int multi = depth < 3 && rnd(g, 5) < (depth == 0 ? 4u : 2u);
	char b[96];

	if (multi) {
		boundary(g, nbounds ? bounds[0] : NULL, b, sizeof b);
		content_type(g, PICK(g, multis), b);
	} else if (!one_in(g, 6))
		content_type(g, PICK(g, leaves), NULL);
	fields(g);
	if (!one_in(g, 25))
		eol(g);				/* the empty line */
	if (!multi) {
		content(g, bounds, nbounds);
		return;
	}
	const char *inner[8];
	int ninner = nbounds < 7 ? nbounds + 1 : 7;

	inner[0] = b;
	memcpy(inner + 1, bounds, (size_t)(ninner - 1) * sizeof *inner);
	if (one_in(g, 3))
		content(g, inner + 1, ninner - 1);	/* a preamble */
	for (unsigned n = 1 + rnd(g, 3); n > 0; n--) {
		static const char *const pad[] = {"", "", "", " ", "\t", "  \t"};

		buf_printf(&g->b, "--%s%s", b, one_in(g, 30) ? " junk" : PICK(g, pad));
		eol(g);
		entity(g, depth + 1, inner, ninner);
	}
	if (!one_in(g, 20)) {
		static const char *const pad[] = {"", "", "", " ", "\t"};

		buf_printf(&g->b, "--%s--%s", b, PICK(g, pad));
		eol(g);
	}
	if (one_in(g, 3))
		content(g, inner + 1, ninner - 1);	/* an epilogue */
}

/* message - a whole message made from seed, its length in *len (caller frees) */
static char *
message(uint64_t seed, size_t *len)
{
	struct gen g = { .rng = seed * 2654435761u + 88172645463325252ull };

	for (int i = 0; i < 4; i++)
		rnd(&g, 2);
	g.eol = (int)rnd(&g, 6) % 3;	/* LF and CR LF twice as often as both */
	line(&g, "From: Seller <billing@example.com>");
	line(&g, "To: Buyer <ap@example.net>");
	line(&g, "Subject: Invoice 2026-001");
	if (!one_in(&g, 4))
		line(&g, "MIME-Version: 1.0");
	entity(&g, 0, NULL, 0);
	return buf_steal(&g.b, len);
}

/* mutate - m (of *len) with 1 to 3 octets changed, put in or taken out */
static void
mutate(char **m, size_t *len, uint64_t seed)
{
	static const char alpha[] = "-\r\n \t:;=\"\\\0aZ\x80/b";
	struct gen g = { .rng = seed * 40503u + 1442695040888963407ull };

	for (unsigned n = 1 + rnd(&g, 3); n > 0 && *len > 0; n--) {
		size_t at = rnd(&g, (unsigned)*len);
		char c = alpha[rnd(&g, sizeof(alpha) - 1)];

		switch (rnd(&g, 3)) {
		case 0:
			(*m)[at] = c;
			break;
		case 1:
			*m = realloc(*m, *len + 2);
			ck_assert_ptr_nonnull(*m);
			memmove(*m + at + 1, *m + at, *len - at);
			(*m)[at] = c;
			(*len)++;
			break;
		default:
			memmove(*m + at, *m + at + 1, *len - at - 1);
			(*len)--;
			break;
		}
	}
}

/* keep - m written where a failure can be read again */
static void
keep(const char *m, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/check_mime_plain.eml", dir ? dir : "/tmp");
	if ((f = fopen(path, "wb")) != NULL) {
		fwrite(m, 1, len, f);
		fclose(f);
	}
}

/* same_windows - each leaf's content window in t is GMime's, to the octet; 1 if so */
static int
same_windows(const char *m, size_t len, const mime_tree *t)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(m, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(st);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	size_t bad;
	int ok = msg != NULL && test_same_windows(g_mime_message_get_mime_part(msg), t, &bad);

	g_object_unref(parser);
	g_object_unref(st);
	if (msg != NULL)
		g_object_unref(msg);
	return ok;
}

/* The counts over one run, to show the messages reach the cases. */
struct counts {
	unsigned read, plain, plain_parts, whole;
};

/* one - m held to GMime wherever its structure is plain */
static void
one(const char *m, size_t len, struct counts *c, const char *what, unsigned i)
{
	mime_tree t;
	char why[256];
	int any = 0;

	if (mime_scan(m, len, &t, why, sizeof why) != 0) {
		mime_tree_clear(&t);
		return;
	}
	c->read++;
	for (size_t last = 0; last < t.nparts; last++) {
		if (!mime_plain_upto(m, len, &t, (int)last))
			continue;
		any = 1;
		c->plain_parts++;
		if (!mime_scan_agrees_upto(m, len, &t, (int)last)) {
			keep(m, len);
			ck_abort_msg("%s %u: plain up to part %zu of %zu, GMime reads it otherwise",
			    what, i, last, t.nparts);
		}
	}
	c->plain += any;
	if (mime_plain_upto(m, len, &t, (int)t.nparts - 1)) {
		c->whole++;
		if (!mime_scan_agrees(m, len, &t) || !same_windows(m, len, &t)) {
			keep(m, len);
			ck_abort_msg("%s %u: plain, GMime's tree or windows differ", what, i);
		}
	}
	mime_tree_clear(&t);
}

/* Random messages as made: most are read and plain; wherever plain, GMime agrees. */
START_TEST(test_random)
{
	struct counts c = {0};

	mime_gmime_init();
	for (unsigned i = 0; i < MESSAGES; i++) {
		size_t len;
		char *m = message(i, &len);

		one(m, len, &c, "message", i);
		free(m);
	}
	printf("check_mime_plain: %d messages made, %u read by the scan, %u plain up to a "
	    "part (%u parts), %u plain in whole\n", MESSAGES, c.read, c.plain, c.plain_parts,
	    c.whole);
	ck_assert_uint_ge(c.read, MESSAGES / 4);
	ck_assert_uint_ge(c.whole, MESSAGES / 10);
}
END_TEST

/* The same messages with octets changed, put in or taken out. */
START_TEST(test_mutants)
{
	struct counts c = {0};

	mime_gmime_init();
	for (unsigned i = 0; i < MESSAGES; i++) {
		for (unsigned k = 0; k < MUTANTS; k++) {
			size_t len;
			char *m = message(i, &len);

			mutate(&m, &len, (uint64_t)i * MUTANTS + k);
			one(m, len, &c, "mutant", i * MUTANTS + k);
			free(m);
		}
	}
	printf("check_mime_plain: %d mutants, %u read by the scan, %u plain up to a part "
	    "(%u parts), %u plain in whole\n", MESSAGES * MUTANTS, c.read, c.plain,
	    c.plain_parts, c.whole);
	ck_assert_uint_ge(c.whole, MESSAGES * MUTANTS / 14);
}
END_TEST

/* By hand: what mail software writes is plain; each rule's exception is not. */
START_TEST(test_rules)
{
	static const struct {
		const char *m;
		int plain;
	} cases[] = {
		{"From: a@x\nContent-Type: multipart/mixed; boundary=\"=_b 1\"\n\n--=_b 1\n"
		    "Content-Type: text/plain\n\nhi\n--=_b 1--\n", 1},
		{"From: a@x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n"
		    "hi\r\n--b--\r\n", 1},
		/* a boundary outside RFC 2046's characters */
		{"From: a@x\nContent-Type: multipart/mixed; boundary=\"a;b\"\n\n--a;b\n"
		    "Content-Type: text/plain\n\nhi\n--a;b--\n", 0},
		/* ending in a space */
		{"From: a@x\nContent-Type: multipart/mixed; boundary=\"ab \"\n\n--ab \n"
		    "Content-Type: text/plain\n\nhi\n--ab --\n", 0},
		/* a Content-Type GMime reads (a comment) */
		{"From: a@x\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
		    "Content-Type: text/plain (note)\n\nhi\n--b--\n", 0},
		/* a bare CR in a field */
		{"From: a@x\nX-A: a\rb\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
		    "Content-Type: text/plain\n\nhi\n--b--\n", 0},
		/* a part without its empty line */
		{"From: a@x\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
		    "Content-Type: text/plain\n--b--\n", 0},
		/* an attached message */
		{"From: a@x\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
		    "Content-Type: message/rfc822\n\nFrom: c@x\n\nhi\n--b--\n", 0},
		/* a line of 999 octets */
		{NULL, 0},
	};

	mime_gmime_init();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *m = (char *)cases[i].m, *own = NULL;
		mime_tree t;
		char why[256];

		if (m == NULL) {
			struct buf b = {0};

			buf_adds(&b, "From: a@x\nContent-Type: text/plain\n\n");
			for (int k = 0; k < 999; k++)
				buf_addc(&b, 'x');
			buf_adds(&b, "\n");
			m = own = buf_steal(&b, NULL);
		}
		ck_assert_msg(mime_scan(m, strlen(m), &t, why, sizeof why) == 0, "%zu: %s", i, why);
		ck_assert_msg(mime_plain_upto(m, strlen(m), &t, (int)t.nparts - 1) == cases[i].plain,
		    "case %zu", i);
		ck_assert_int_eq(mime_scan_agrees(m, strlen(m), &t), 1);
		mime_tree_clear(&t);
		free(own);
	}
}
END_TEST

/* The shapes common mail programs write (their boundaries, folded Content-Type fields,
 * parameters and encodings) are plain, and GMime reads them as the scan does. */
static const char *const mailers[] = {
	/* Outlook: a mixed with an alternative, quoted-printable text, an XML attachment */
	"From: Seller <billing@example.com>\r\nTo: Buyer <ap@example.net>\r\n"
	"Subject: Invoice 2026-001\r\nThread-Index: AdtKLF5vAbCdEfGh\r\nMIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed;\r\n\tboundary=\"----=_NextPart_000_0001_01DB4A2C.5E6F7A80\"\r\n"
	"X-Mailer: Microsoft Outlook 16.0\r\n\r\nThis is a multipart message in MIME format.\r\n\r\n"
	"------=_NextPart_000_0001_01DB4A2C.5E6F7A80\r\n"
	"Content-Type: multipart/alternative;\r\n\tboundary=\"----=_NextPart_001_0002_01DB4A2C.5E6F7A80\"\r\n\r\n\r\n"
	"------=_NextPart_001_0002_01DB4A2C.5E6F7A80\r\n"
	"Content-Type: text/plain;\r\n\tcharset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
	"Dear customer,=0D=0A=0D=0Aplease find the invoice attached.\r\n\r\n"
	"------=_NextPart_001_0002_01DB4A2C.5E6F7A80\r\n"
	"Content-Type: text/html;\r\n\tcharset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
	"<html><body><p>Dear customer,</p></body></html>\r\n\r\n"
	"------=_NextPart_001_0002_01DB4A2C.5E6F7A80--\r\n\r\n"
	"------=_NextPart_000_0001_01DB4A2C.5E6F7A80\r\n"
	"Content-Type: application/xml;\r\n\tname=\"invoice-2026-001.xml\"\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"Content-Disposition: attachment;\r\n\tfilename=\"invoice-2026-001.xml\"\r\n\r\n"
	"PD94bWwgdmVyc2lvbj0iMS4wIj8+PEludm9pY2U+PC9JbnZvaWNlPgo=\r\n\r\n"
	"------=_NextPart_000_0001_01DB4A2C.5E6F7A80--\r\n\r\n",
	/* Thunderbird: flowed text and a PDF */
	"Message-ID: <a1b2@example.com>\r\nDate: Fri, 4 Dec 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
	"User-Agent: Mozilla Thunderbird\r\nTo: ap@example.net\r\nFrom: billing@example.com\r\n"
	"Subject: Invoice\r\nContent-Type: multipart/mixed; boundary=\"------------0K1Mmwv8RLEf1nB9mWqBiGKE\"\r\n\r\n"
	"This is a multi-part message in MIME format.\r\n"
	"--------------0K1Mmwv8RLEf1nB9mWqBiGKE\r\n"
	"Content-Type: text/plain; charset=UTF-8; format=flowed\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
	"Hello,\r\n\r\nthe invoice is attached.\r\n\r\n"
	"--------------0K1Mmwv8RLEf1nB9mWqBiGKE\r\n"
	"Content-Type: application/pdf; name=\"invoice.pdf\"\r\n"
	"Content-Disposition: attachment; filename=\"invoice.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	"JVBERi0xLjcKJeLjz9MK\r\n\r\n--------------0K1Mmwv8RLEf1nB9mWqBiGKE--\r\n",
	/* Apple Mail: an alternative, its boundary folded onto the next line */
	"From: Seller <billing@example.com>\r\nContent-Type: multipart/alternative;\r\n"
	"\tboundary=\"Apple-Mail=_8E2F6D6B-0C1A-4E43-9B7D-5F3F2E1D0C9B\"\r\n"
	"Mime-Version: 1.0 (Mac OS X Mail 16.0)\r\nSubject: Welcome\r\nTo: ap@example.net\r\n\r\n\r\n"
	"--Apple-Mail=_8E2F6D6B-0C1A-4E43-9B7D-5F3F2E1D0C9B\r\n"
	"Content-Transfer-Encoding: 7bit\r\nContent-Type: text/plain;\r\n\tcharset=us-ascii\r\n\r\nWelcome.\r\n\r\n"
	"--Apple-Mail=_8E2F6D6B-0C1A-4E43-9B7D-5F3F2E1D0C9B\r\n"
	"Content-Transfer-Encoding: 7bit\r\nContent-Type: text/html;\r\n\tcharset=us-ascii\r\n\r\n"
	"<html><head></head><body>Welcome.</body></html>\r\n"
	"--Apple-Mail=_8E2F6D6B-0C1A-4E43-9B7D-5F3F2E1D0C9B--\r\n",
	/* Gmail: an alternative */
	"MIME-Version: 1.0\r\nFrom: Seller <billing@example.com>\r\nDate: Fri, 4 Dec 2026 10:00:00 +0100\r\n"
	"Message-ID: <CAAbc@mail.gmail.com>\r\nSubject: Invoice\r\nTo: ap@example.net\r\n"
	"Content-Type: multipart/alternative; boundary=\"000000000000b3c4d505f1a2b3c4\"\r\n\r\n"
	"--000000000000b3c4d505f1a2b3c4\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\nHello\r\n\r\n"
	"--000000000000b3c4d505f1a2b3c4\r\nContent-Type: text/html; charset=\"UTF-8\"\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n\r\n<div dir=3D\"ltr\">Hello</div>\r\n\r\n"
	"--000000000000b3c4d505f1a2b3c4--\r\n",
};

START_TEST(test_mailers)
{
	const char *m = mailers[_i];
	size_t len = strlen(m);
	mime_tree t;
	char why[256];

	mime_gmime_init();
	ck_assert_msg(mime_scan(m, len, &t, why, sizeof why) == 0, "%s", why);
	ck_assert_uint_ge(t.nparts, 3);
	for (size_t last = 0; last < t.nparts; last++) {
		ck_assert_msg(mime_plain_upto(m, len, &t, (int)last), "part %zu", last);
		ck_assert_int_eq(mime_scan_agrees_upto(m, len, &t, (int)last), 1);
	}
	ck_assert_int_eq(mime_scan_agrees(m, len, &t), 1);
	ck_assert(same_windows(m, len, &t));
	mime_tree_clear(&t);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_rules), TEST_LOOP(test_mailers, mailers), TEST_ONCE(test_random),
		TEST_ONCE(test_mutants),
	};

	return test_main("mime_plain", 120, tests, TEST_COUNT(tests));
}
