/*
 * check_mailcheck.c - the mail-level invoice checks: invoice numbers and amounts in
 * English and German Subjects and bodies (both number formats), envelope recipients
 * against the buyer, payee IBANs, and the body text the checks read (mime_text: which
 * part, charset decoding, HTML reduced to text, cuts on character boundaries).
 *
 * Expectations are independent of the code: each case is what a person reading the
 * mail would conclude; the IBANs are ISO 13616's example "GB82 WEST 1234 5698 7654 32"
 * and well-known published examples (DE89..., FR14..., NL91...), each valid by the
 * mod-97 rule (checked by hand with Python's int(n) % 97), and the same with one digit
 * changed. The invoices are built by hand (no parser involved).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "filter/mailcheck.h"
#include "mime/mime_find.h"
#include "mime/mime_scan.h"
#include "mime/mime_text.h"
#include "test_mime.h"
#include "test_run.h"

/* a hand-built invoice: number, amount due, total with VAT, currency */
static inv_invoice *
make_inv(const char *number, const char *due, const char *total, const char *currency)
{
	inv_invoice *inv = calloc(1, sizeof(*inv));

	ck_assert_ptr_nonnull(inv);
	inv->number = number ? strdup(number) : NULL;
	inv->currency = currency ? strdup(currency) : NULL;
	if (due != NULL) {
		ck_assert_int_eq(dec_parse(due, &inv->amount_due), 0);
		inv->has_amount_due = 1;
	}
	if (total != NULL) {
		ck_assert_int_eq(dec_parse(total, &inv->total_with_vat), 0);
		inv->has_total_with_vat = 1;
	}
	return inv;
}

/* run - the findings for inv in a mail with subject and text to rcpts */
static inv_findings *
run(const struct ps_conf *conf, const inv_invoice *inv, const char *subject, const char *text,
    const char *const *rcpts, size_t n)
{
	struct mailcheck_input in = { subject, text, rcpts, n };
	inv_findings *f = inv_findings_new();

	mailcheck_run(conf, inv, &in, f);
	return f;
}

static const struct number_case {
	const char *subject, *body, *bt1;
	int flagged;
} number_cases[] = {
	{"Invoice 2026-0042", NULL, "2026-0042", 0},
	{"Invoice 2026-0043", NULL, "2026-0042", 1},
	{"Rechnung Nr. RE-17", NULL, "RE-17", 0},
	{"Rechnung Nr. RE-18", NULL, "RE-17", 1},
	{NULL, "Please find attached invoice no. 123.\n", "123", 0},
	{NULL, "Please find attached invoice no. 124.\n", "123", 1},
	{"Ihre Rechnungsnummer: 2026/17", NULL, "2026/17", 0},
	{"Ihre Rechnungsnummer: 2026/18", NULL, "2026/17", 1},
	{"Invoice #42", NULL, "42", 0},
	{"Invoice #43", NULL, "42", 1},
	{"Invoice Number: INV-9", NULL, "inv-9", 0},		/* case does not matter */
	{"Your invoice for March", "Dear customer, your invoice is attached.", "42", 0},
	{"Rechnung vom 12.03.2026", NULL, "42", 0},		/* a date, not a number */
	{"Rechnung 03/2026", NULL, "42", 0},			/* a period */
	{"Invoices for 2026", NULL, "42", 0},			/* plural: no number */
	{"Rechnungsbetrag 100,00 EUR", NULL, "42", 0},		/* an amount word */
	{"Invoice 41", "This is invoice 42.", "42", 0},		/* one of them is it */
	{"Re: your question", "Invoice no. 7 is attached.", "8", 1},
	{"Rechnung RE-2026-17 vom 01.03.2026", NULL, "RE-2026-17", 0},
};

START_TEST(test_number)
{
	const struct number_case *c = &number_cases[_i];
	inv_invoice *inv = make_inv(c->bt1, "10.00", "10.00", "EUR");
	inv_findings *f = run(NULL, inv, c->subject, c->body, NULL, 0);

	ck_assert_msg(inv_findings_has(f, "PS-MAIL-NUMBER") == c->flagged,
	    "case %d (%s | %s): expected %s", _i, c->subject ? c->subject : "-",
	    c->body ? c->body : "-", c->flagged ? "a finding" : "none");
	for (size_t i = 0; i < f->n; i++)	/* postsale's own: a warning by default */
		ck_assert_int_eq(f->v[i].severity, INV_SEV_WARNING);
	inv_findings_free(f);
	inv_free(inv);
}
END_TEST

static const struct amount_case {
	const char *subject, *body;
	const char *due, *total, *currency;
	int flagged;
} amount_cases[] = {
	{NULL, "Total: 1,234.56 EUR", "1234.56", "1234.56", "EUR", 0},
	{NULL, "Total: 1,234.57 EUR", "1234.56", "1234.56", "EUR", 1},
	{NULL, "Betrag: 1.234,56 \xe2\x82\xac", "1234.56", "1234.56", "EUR", 0},
	{NULL, "Betrag: 1.234,57 \xe2\x82\xac", "1234.56", "1234.56", "EUR", 1},
	{NULL, "The amount due 1234.56 is payable within 30 days.", "1234.56", NULL, "EUR", 0},
	{NULL, "The amount due 1234.65 is payable within 30 days.", "1234.56", NULL, "EUR", 1},
	{NULL, "Gesamtbetrag: 1234,5 EUR", "1234.50", NULL, "EUR", 0},
	{NULL, "Gesamtbetrag: 1234,5 EUR", "1234.05", NULL, "EUR", 1},
	{NULL, "Total: 1.234 EUR", "1234.00", NULL, "EUR", 0},	/* ambiguous: either reading */
	{NULL, "Total: 1,234 EUR", "1234.00", NULL, "EUR", 0},
	{NULL, "Total: 1,234 EUR", "1.234", NULL, "EUR", 0},
	{NULL, "Total: 1,235 EUR", "1234.00", NULL, "EUR", 1},
	{NULL, "Total net: 1,000.00 EUR\nTotal: 1,190.00 EUR\n", "1190.00", NULL, "EUR", 0},
	{NULL, "Total net: 1,000.00 EUR\n", "1190.00", NULL, "EUR", 0},	/* net: not compared */
	{NULL, "Total VAT: 190.00 EUR\n", "1190.00", NULL, "EUR", 0},
	{NULL, "Total incl. VAT: 1,190.00 EUR\n", "1190.00", NULL, "EUR", 0},
	{NULL, "Total incl. VAT: 1,191.00 EUR\n", "1190.00", NULL, "EUR", 1},
	{NULL, "Total: 1,190.00 USD", "1190.00", NULL, "EUR", 1},	/* another currency */
	{NULL, "Total of 3 items enclosed.", "1190.00", NULL, "EUR", 0},
	{NULL, "Zu zahlen: 1 190,00 \xe2\x82\xac", "1190.00", NULL, "EUR", 0},
	{NULL, "Zu zahlen: 1\xc2\xa0" "190,00 \xe2\x82\xac", "1190.00", NULL, "EUR", 0},
	{NULL, "Amount due: 190.00 EUR", "190.00", "1190.00", "EUR", 0},	/* BT-115 */
	{NULL, "Total: 1,190.00 EUR", "190.00", "1190.00", "EUR", 0},	/* BT-112 */
	{NULL, "Total: 1,090.00 EUR", "190.00", "1190.00", "EUR", 1},
	{NULL, "Total: EUR 1,190.00", "1190.00", NULL, "EUR", 0},
	{NULL, "Total: \xe2\x82\xac" "1.190,01", "1190.00", NULL, "EUR", 1},
	{NULL, "Amount due by 31.03.2026: 1,190.00 EUR", "1190.00", NULL, "EUR", 0},
	{NULL, "Amount due by 31.03.2026: 1,190.10 EUR", "1190.00", NULL, "EUR", 1},
	{NULL, "Total: 1'190.00 CHF", "1190.00", NULL, "CHF", 0},
	{NULL, "Total: 1,234,567.89 EUR", "1234567.89", NULL, "EUR", 0},
	{NULL, "Summe: 1.234.567,89 EUR", "1234567.89", NULL, "EUR", 0},
	{"Invoice 7 - total 99.00 EUR", NULL, "99.00", NULL, "EUR", 0},
	{"Invoice 7 - total 99.50 EUR", NULL, "99.00", NULL, "EUR", 1},
	{NULL, "Thank you for your business.", "99.00", NULL, "EUR", 0},
	{NULL, "Totally unrelated 12.00", "99.00", NULL, "EUR", 0},
	{NULL, "Credit note total: -50.00 EUR", "-50.00", NULL, "EUR", 0},
};

START_TEST(test_amount)
{
	const struct amount_case *c = &amount_cases[_i];
	inv_invoice *inv = make_inv("7", c->due, c->total, c->currency);
	inv_findings *f = run(NULL, inv, c->subject, c->body, NULL, 0);

	ck_assert_msg(inv_findings_has(f, "PS-MAIL-AMOUNT") == c->flagged,
	    "case %d (%s | %s) due %s: expected %s%s%s", _i, c->subject ? c->subject : "-",
	    c->body ? c->body : "-", c->due, c->flagged ? "a finding" : "none",
	    f->n ? ", got: " : "", f->n ? f->v[0].message : "");
	inv_findings_free(f);
	inv_free(inv);
}
END_TEST

/* The message names both values, in the words of the brief. */
START_TEST(test_amount_message)
{
	inv_invoice *inv = make_inv("7", "1234.56", "1234.56", "EUR");
	inv_findings *f = run(NULL, inv, "Invoice 7", "Hello,\n\nTotal: 1,234.57 EUR\n", NULL, 0);

	ck_assert_uint_eq(f->n, 1);
	ck_assert_str_eq(f->v[0].message,
	    "PS-MAIL-AMOUNT: the body states 1,234.57 EUR, the invoice's amount due (BT-115) is 1234.56");
	inv_findings_free(f);
	inv_free(inv);
}
END_TEST

static const struct parse_case {
	const char *text;
	const char *value;	/* NULL: not an amount */
	const char *alt;	/* the other reading of an ambiguous one, or NULL */
} parse_cases[] = {
	{"1,234.56", "1234.56", NULL},
	{"1.234,56", "1234.56", NULL},
	{"1234,5", "1234.5", NULL},
	{"1234.56", "1234.56", NULL},
	{"1.234", "1234", "1.234"},
	{"1,234", "1234", "1.234"},
	{"0,125", "0.125", NULL},
	{"1234.567", "1234.567", NULL},
	{"1 234,56", "1234.56", NULL},
	{"1'234.56", "1234.56", NULL},
	{"12.345.678", "12345678", NULL},
	{"1,234,567.89", "1234567.89", NULL},
	{"1.234.567,89", "1234567.89", NULL},
	{"42", "42", NULL},
	{"31.03.2026", NULL, NULL},
	{"1,23,456.00", NULL, NULL},
	{"1234,567,89", NULL, NULL},
};

START_TEST(test_parse_amount)
{
	const struct parse_case *c = &parse_cases[_i];
	dec_t v, alt, want;
	int amb, sep;
	size_t n = mailcheck_parse_amount(c->text, &v, &alt, &amb, &sep);

	if (c->value == NULL) {
		ck_assert_msg(n == 0, "'%s' read as an amount", c->text);
		return;
	}
	ck_assert_msg(n == strlen(c->text), "'%s': read %zu bytes", c->text, n);
	ck_assert_int_eq(dec_parse(c->value, &want), 0);
	ck_assert_msg(dec_cmp(v, want) == 0, "'%s' is not %s", c->text, c->value);
	ck_assert_int_eq(amb, c->alt != NULL);
	if (c->alt != NULL) {
		ck_assert_int_eq(dec_parse(c->alt, &want), 0);
		ck_assert(dec_cmp(alt, want) == 0);
	}
}
END_TEST

static const struct rcpt_case {
	const char *eaddr, *scheme, *contact;
	const char *rcpts[3];
	int flagged;
} rcpt_cases[] = {
	{"ap@acme.example", "EM", NULL, {"<ap@acme.example>"}, 0},
	{"ap@acme.example", "EM", NULL, {"<AP@Acme.Example>"}, 0},
	{"ap@acme.example", "EM", NULL, {"<billing@acme.example>"}, 0},	/* same domain */
	{"ap@acme.example", "EM", NULL, {"<x@eu.acme.example>"}, 0},	/* subdomain */
	{"ap@acme.example", "EM", NULL, {"<ap@acme.example.evil>"}, 1},
	{"ap@acme.example", "EM", NULL, {"<ap@notacme.example>"}, 1},
	{"ap@acme.example", "EM", NULL, {"<someone@other.example>"}, 1},
	{"ap@acme.example", "EM", NULL, {"<finance@us.example>", "<ap@acme.example>"}, 0},
	{"4000001000005", "0088", "jane@buyer.example", {"<jane@buyer.example>"}, 0},
	{"4000001000005", "0088", "jane@buyer.example", {"<joe@seller.example>"}, 1},
	{"4000001000005", "0088", NULL, {"<joe@anyone.example>"}, 0},	/* nothing to compare */
	{NULL, NULL, NULL, {"<joe@anyone.example>"}, 0},
};

START_TEST(test_recipient)
{
	const struct rcpt_case *c = &rcpt_cases[_i];
	inv_invoice *inv = make_inv("7", "1.00", NULL, "EUR");
	size_t n = 0;

	inv->buyer.electronic_address = c->eaddr ? strdup(c->eaddr) : NULL;
	inv->buyer.electronic_address_scheme = c->scheme ? strdup(c->scheme) : NULL;
	inv->buyer.contact_email = c->contact ? strdup(c->contact) : NULL;
	while (n < 3 && c->rcpts[n])
		n++;
	inv_findings *f = run(NULL, inv, NULL, NULL, c->rcpts, n);
	ck_assert_msg(inv_findings_has(f, "PS-MAIL-RECIPIENT") == c->flagged, "case %d", _i);
	inv_findings_free(f);
	inv_free(inv);
}
END_TEST

static char confpath[] = "/tmp/check_mailcheck.XXXXXX";

/* load - a config with the given text */
static struct ps_conf *
load(const char *text)
{
	char err[512];
	struct ps_conf *conf;
	int fd;
	FILE *fp;

	strcpy(confpath, "/tmp/check_mailcheck.XXXXXX");
	ck_assert_int_ge(fd = mkstemp(confpath), 0);
	ck_assert_ptr_nonnull(fp = fdopen(fd, "w"));
	fputs(text, fp);
	fclose(fp);
	conf = conf_load(confpath, err, sizeof(err));
	ck_assert_msg(conf != NULL, "%s", err);
	unlink(confpath);
	return conf;
}

START_TEST(test_recipient_check_off)
{
	struct ps_conf *conf = load("invoice-check-recipient = no\n");
	inv_invoice *inv = make_inv("7", "1.00", NULL, "EUR");
	const char *rcpt[] = { "<someone@other.example>" };

	inv->buyer.electronic_address = strdup("ap@acme.example");
	inv_findings *f = run(conf, inv, NULL, NULL, rcpt, 1);
	ck_assert_uint_eq(f->n, 0);
	inv_findings_free(f);
	conf_free(conf);
	conf = load("invoice-check-recipient = yes\n");
	f = run(conf, inv, NULL, NULL, rcpt, 1);
	ck_assert(inv_findings_has(f, "PS-MAIL-RECIPIENT"));
	inv_findings_free(f);
	conf_free(conf);
	inv_free(inv);
}
END_TEST

static const struct iban_case {
	const char *company_ibans;	/* NULL: not set */
	const char *payee;
	const char *want;		/* finding id, or NULL */
} iban_cases[] = {
	{NULL, "GB82 WEST 1234 5698 7654 32", NULL},
	{NULL, "GB82WEST12345698765432", NULL},
	{NULL, "GB82 WEST 1234 5698 7654 33", "PS-IBAN-INVALID"},	/* one digit changed */
	{NULL, "GB82 WEST 1234 5698 7654 23", "PS-IBAN-INVALID"},	/* two swapped */
	{NULL, "DE89 3704 0044 0532 0130 00", NULL},
	{NULL, "DE89 3704 0044 0532 0130 01", "PS-IBAN-INVALID"},
	{"DE89 3704 0044 0532 0130 00, GB82WEST12345698765432", "GB82 WEST 1234 5698 7654 32", NULL},
	{"DE89 3704 0044 0532 0130 00, GB82WEST12345698765432", "DE89370400440532013000", NULL},
	{"DE89 3704 0044 0532 0130 00 FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606", NULL},
	{"DE89 3704 0044 0532 0130 00, GB82WEST12345698765432", "NL91 ABNA 0417 1643 00", "PS-IBAN-UNKNOWN"},
	{"DE89370400440532013000", "GB82 WEST 1234 5698 7654 33", "PS-IBAN-INVALID"},
};

START_TEST(test_iban)
{
	const struct iban_case *c = &iban_cases[_i];
	struct ps_conf *conf;
	char text[256];
	inv_invoice *inv = make_inv("7", "1.00", NULL, "EUR");

	if (c->company_ibans)
		snprintf(text, sizeof(text), "company-ibans = %s\n", c->company_ibans);
	else
		text[0] = '\0';
	conf = load(text);
	inv->payee_ibans = calloc(1, sizeof(char *));
	inv->payee_ibans[0] = strdup(c->payee);
	inv->n_payee_ibans = 1;
	inv_findings *f = run(conf, inv, NULL, NULL, NULL, 0);
	if (c->want == NULL)
		ck_assert_msg(f->n == 0, "case %d: %s", _i, f->n ? f->v[0].message : "");
	else {
		ck_assert_msg(f->n == 1 && strcmp(f->v[0].id, c->want) == 0, "case %d: want %s, got %s",
		    _i, c->want, f->n ? f->v[0].message : "nothing");
		ck_assert_int_eq(f->v[0].severity, INV_SEV_WARNING);
		ck_assert_ptr_nonnull(strstr(f->v[0].message, c->payee));
	}
	inv_findings_free(f);
	conf_free(conf);
	inv_free(inv);
}
END_TEST

/* The body text the checks read (mime_text): which part, decoded, HTML reduced. */
static const struct body_case {
	const char *eml;
	const char *want;	/* a substring of the body text, or NULL: no body */
	const char *not;	/* must not be in it, or NULL */
} body_cases[] = {
	{"Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
	 "Content-Transfer-Encoding: quoted-printable\r\n\r\nBetrag: 1.234,56 =80 f=FCr Sie\r\n",
	 "Betrag: 1.234,56 ", NULL},
	{"Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
	 "--b\r\nContent-Type: text/plain\r\n\r\nTotal: 10.00 EUR\r\n"
	 "--b\r\nContent-Type: text/html\r\n\r\n<p>Total: 99.00 EUR</p>\r\n--b--\r\n",
	 "Total: 10.00 EUR", "99.00"},
	{"Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
	 "<html><head><style>td{x:1}</style><script>var t='Total: 1.00';</script></head><body>"
	 "<table><tr><td>Total:</td><td>1&#8239;234,56&nbsp;&euro;</td></tr></table></body></html>\r\n",
	 "Total: 1\xe2\x80\xaf" "234,56 \xe2\x82\xac", "var t"},
	{"Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
	 "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\n"
	 "Total: 5.00\r\n--b\r\nContent-Type: application/xml\r\n\r\n<x/>\r\n--b--\r\n",
	 NULL, NULL},
};

/*
 * same_scan_text - the body text read from the skeleton of eml[0..len)
 * (mime_text_body_scan) is want, GMime's reading (NULL: none); the scan takes every
 * message here
 */
static void
same_scan_text(const char *eml, size_t len, size_t max, const char *want, const char *what)
{
	mime_tree t;
	char why[200], *got;

	ck_assert_msg(mime_scan(eml, len, &t, why, sizeof(why)) == 0, "%s: scan: %s", what, why);
	ck_assert(mime_find_usable(&t));
	got = mime_text_body_scan(eml, &t, max);
	ck_assert_msg((got == NULL) == (want == NULL) && (got == NULL || strcmp(got, want) == 0),
	    "%s: the skeleton's text \"%s\", GMime's \"%s\"", what, got ? got : "(none)",
	    want ? want : "(none)");
	free(got);
	mime_tree_clear(&t);
}

START_TEST(test_body_text)
{
	const struct body_case *c = &body_cases[_i];
	GMimeObject *msg;
	char *text;

	g_mime_init();
	msg = test_mime_parse(c->eml);
	ck_assert_ptr_nonnull(msg);
	text = mime_text_body(msg, 0);
	same_scan_text(c->eml, strlen(c->eml), 0, text, "body case");
	if (c->want == NULL)
		ck_assert_msg(text == NULL, "case %d: body %s", _i, text);
	else {
		ck_assert_msg(text != NULL && strstr(text, c->want) != NULL, "case %d: '%s'", _i,
		    text ? text : "(none)");
		if (c->not)
			ck_assert_msg(strstr(text, c->not) == NULL, "case %d: '%s'", _i, text);
	}
	free(text);
	g_object_unref(msg);
}
END_TEST

/* A cut never splits a UTF-8 character. */
START_TEST(test_body_cut)
{
	const char *eml = "Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "\xc3\xa4\xc3\xa4\xc3\xa4\r\n";
	GMimeObject *msg;
	char *text;

	g_mime_init();
	msg = test_mime_parse(eml);
	text = mime_text_body(msg, 3);		/* never inside a character */
	ck_assert_str_eq(text, "\xc3\xa4");
	same_scan_text(eml, strlen(eml), 3, text, "cut");
	free(text);
	g_object_unref(msg);
}
END_TEST

/*
 * The body text is GMime's own reading of the part: mime_text copies the bytes where
 * GMime would give them unchanged, and must agree with g_mime_text_part_get_text()
 * (the oracle, read from the same parse) for every charset label, transfer encoding and
 * kind of octets: valid and invalid UTF-8 (surrogates, overlong forms, beyond U+10FFFF),
 * 8-bit octets under US-ASCII, a NUL, a byte order mark, quoted-printable escapes,
 * plain and HTML.
 */
static const struct {
	const char *bytes;
	size_t len;
} as_is_bodies[] = {
#define AS_IS(s) { s, sizeof(s) - 1 }
	AS_IS("Total: 10.00 EUR\r\n"), AS_IS("caf\xc3\xa9 \xf0\x9f\x98\x80\r\n"),
	AS_IS("latin \xe9 1\r\n"), AS_IS("nul\0after\r\n"), AS_IS("sur \xed\xa0\x80\r\n"),
	AS_IS("nonchar \xef\xbf\xbe\r\n"), AS_IS("overlong \xc0\xaf\r\n"),
	AS_IS("big \xf4\x90\x80\x80\r\n"), AS_IS("\xef\xbb\xbf" "bom\r\n"),
	AS_IS("cut \xc3\r\n"), AS_IS("<p>Total: 1&nbsp;EUR</p>\r\n"),
	AS_IS("Total =E2=82=AC 10=\r\n00 EUR\r\n"),
#undef AS_IS
};
static const char *const as_is_charsets[] = {
	NULL, "utf-8", "UTF-8", "\"utf-8\"", "us-ascii", "US-ASCII", "iso-8859-1", "utf8",
	"windows-1252", "x-unknown",
};
static const char *const as_is_encodings[] = {
	NULL, "7bit", "8bit", "binary", "quoted-printable", "x-token",
};

START_TEST(test_body_as_gmime)
{
	g_mime_init();
	for (size_t b = 0; b < sizeof(as_is_bodies) / sizeof(as_is_bodies[0]); b++)
		for (size_t c = 0; c < sizeof(as_is_charsets) / sizeof(as_is_charsets[0]); c++)
			for (size_t e = 0; e < sizeof(as_is_encodings) / sizeof(as_is_encodings[0]); e++)
				for (int html = 0; html <= 1; html++) {
					char head[256], *eml, *got, *want = NULL, *g;
					size_t hl, len;
					GMimeStream *st;
					GMimeParser *p;
					GMimeObject *msg;

					hl = (size_t)snprintf(head, sizeof(head),
					    "Subject: x\r\nContent-Type: text/%s%s%s\r\n%s%s%s\r\n",
					    html ? "html" : "plain", as_is_charsets[c] ? "; charset=" : "",
					    as_is_charsets[c] ? as_is_charsets[c] : "",
					    as_is_encodings[e] ? "Content-Transfer-Encoding: " : "",
					    as_is_encodings[e] ? as_is_encodings[e] : "",
					    as_is_encodings[e] ? "\r\n" : "");
					len = hl + as_is_bodies[b].len;
					eml = malloc(len);
					memcpy(eml, head, hl);
					memcpy(eml + hl, as_is_bodies[b].bytes, as_is_bodies[b].len);
					st = g_mime_stream_mem_new_with_buffer(eml, len);
					p = g_mime_parser_new_with_stream(st);
					msg = g_mime_parser_construct_part(p, NULL);
					ck_assert_ptr_nonnull(msg);
					if ((g = g_mime_text_part_get_text(GMIME_TEXT_PART(msg))) != NULL) {
						want = html ? mime_text_from_html(g, strlen(g)) : strdup(g);
						g_free(g);
					}
					got = mime_text_body(msg, 0);
					same_scan_text(eml, len, 0, got, "as GMime");
					ck_assert_msg((got == NULL) == (want == NULL) &&
					    (got == NULL || strcmp(got, want) == 0),
					    "body %zu, charset %s, encoding %s, %s: got \"%s\", GMime \"%s\"", b,
					    as_is_charsets[c] ? as_is_charsets[c] : "none",
					    as_is_encodings[e] ? as_is_encodings[e] : "none",
					    html ? "html" : "plain", got ? got : "(none)", want ? want : "(none)");
					free(got);
					free(want);
					g_object_unref(msg);
					g_object_unref(p);
					g_object_unref(st);
					free(eml);
				}
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_number, number_cases), TEST_LOOP(test_amount, amount_cases),
		TEST_ONCE(test_amount_message), TEST_LOOP(test_parse_amount, parse_cases),
		TEST_LOOP(test_recipient, rcpt_cases), TEST_ONCE(test_recipient_check_off),
		TEST_LOOP(test_iban, iban_cases), TEST_LOOP(test_body_text, body_cases),
		TEST_ONCE(test_body_cut), TEST_ONCE(test_body_as_gmime),
	};

	return test_main("mailcheck", 0, tests, TEST_COUNT(tests));
}
