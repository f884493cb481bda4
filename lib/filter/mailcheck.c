/*
 * mailcheck.c - the mail-level invoice checks (see mailcheck.h for the rules).
 *
 * All text is untrusted: the Subject, the body and the recipients come from the
 * message, the invoice values from its XML. Scanning is linear in the text; every
 * value copied into a finding's message is cut to a bounded length.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "invoice/iban.h"
#include "mailcheck.h"
#include "mime/outbound.h"
#include "util/xalloc.h"
#include "util/text.h"

#define MC_MAX_STATED 16	/* stated numbers/amounts kept per message */
#define MC_TOKEN 64		/* longest invoice number read from the text */
#define MC_WINDOW 60		/* bytes after an amount keyword searched for the amount */

/* is_word - a byte that belongs to a word: ASCII letters and digits, and any byte of a
 * multibyte UTF-8 character (so "Überweisung" has no word start inside it) */
static int
is_word(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* word_start - 1 if position i of s starts a word */
static int
word_start(const char *s, size_t i)
{
	return i == 0 || !is_word((unsigned char) s[i - 1]);
}

/* match_word - if s starts with the keyword kw (ASCII, any case; spaces in kw match
 * runs of white space) and the keyword ends at a word end, return its length in s */
static size_t
match_word(const char *s, const char *kw)
{
	size_t i = 0;

	for (; *kw; kw++) {
		if (*kw == ' ') {
			if (s[i] != ' ' && s[i] != '\t')
				return 0;
			while (s[i] == ' ' || s[i] == '\t')
				i++;
			continue;
		}
		if (tolower((unsigned char) s[i]) != tolower((unsigned char) *kw))
			return 0;
		i++;
	}
	/* keywords ending in punctuation ("no.", "#") end where they end */
	if (is_word((unsigned char) kw[-1]) && is_word((unsigned char) s[i]))
		return 0;
	return i;
}

/* first_letters - the ASCII letters the keywords kws start with, a bit each (a: bit 0) */
static uint32_t
first_letters(const char *const *kws)
{
	uint32_t m = 0;

	for (; *kws; kws++)
		if (isalpha((unsigned char) **kws))
			m |= UINT32_C(1) << (tolower((unsigned char) **kws) - 'a');
	return m;
}

/* keyword_at - the length in s of the first of kws that s starts with (match_word) and
 * its index in *which, or 0 (s starts no keyword, or with no ASCII letter); first is
 * first_letters(kws), which turns most words away at their first letter */
static size_t
keyword_at(const char *s, const char *const *kws, uint32_t first, size_t *which)
{
	unsigned char c = (unsigned char) *s;
	size_t kl = 0;

	if (c >= 0x80 || !isalpha(c) || !(first & (UINT32_C(1) << (tolower(c) - 'a'))))
		return 0;
	for (*which = 0; kws[*which] != NULL; (*which)++)
		if ((kl = match_word(s, kws[*which])) > 0)
			break;
	return kl;
}

/* skip_space - past spaces, tabs and no-break spaces (not line ends) */
static const char *
skip_space(const char *p)
{
	for (;;) {
		if (*p == ' ' || *p == '\t')
			p++;
		else if ((unsigned char) p[0] == 0xc2 && (unsigned char) p[1] == 0xa0)
			p += 2;
		else
			return p;
	}
}

/* clip - a printable copy of at most n bytes of s for a message (caller frees) */
static char *
clip(const char *s, size_t n)
{
	return text_printable_dup(s, strnlen(s, n), TEXT_SPACE);
}

/* ---- invoice numbers ---- */

/* The words that introduce an invoice number, longest first where one is a prefix. */
static const char *const number_keywords[] = {
	"rechnungsnummer", "rechnungs-nr.", "rechnungs-nr", "rechnungsnr.", "rechnungsnr",
	"invoice", "rechnung", NULL
};
#define NUMBER_KEYWORDS_IMPLY 5	/* the first five name a number by themselves */
/* What may stand between the keyword and the number. */
static const char *const number_connectors[] = {
	"number", "nummer", "num.", "no.", "nr.", "no", "nr", "n°", "#", NULL
};

/* date_like - 1 for tokens shaped like a date or a period (2026-03-01, 01.03.2026,
 * 03/2026, 2026), which a bare "Rechnung 03/2026" names instead of a number */
static int
date_like(const char *t)
{
	int y, m, d;
	char c;

	if (sscanf(t, "%4d-%2d-%2d%c", &y, &m, &d, &c) == 3 && strlen(t) == 10)
		return 1;
	if (sscanf(t, "%2d.%2d.%4d%c", &d, &m, &y, &c) == 3)
		return 1;
	if (sscanf(t, "%2d/%4d%c", &m, &y, &c) == 2 || sscanf(t, "%2d.%4d%c", &m, &y, &c) == 2)
		return 1;
	if (strlen(t) == 4 && strspn(t, "0123456789") == 4 && (t[0] == '1' || t[0] == '2'))
		return 1;
	return 0;
}

/* read_number_token - the invoice number at p into tok; 1 if it is one */
static int
read_number_token(const char *p, char *tok, size_t toklen)
{
	size_t n = 0;
	int digit = 0;

	while (n + 1 < toklen && (isalnum((unsigned char) p[n]) || strchr("/_.-", p[n]) != NULL) &&
	    p[n] != '\0') {
		if (isdigit((unsigned char) p[n]))
			digit = 1;
		n++;
	}
	if (n + 1 >= toklen && (isalnum((unsigned char) p[n]) || strchr("/_.-", p[n]) != NULL))
		return 0;	/* too long to be a number */
	while (n > 0 && strchr("/_.-", p[n - 1]) != NULL)
		n--;
	memcpy(tok, p, n);
	tok[n] = '\0';
	return digit && n > 0;
}

/* stated_numbers - append the invoice numbers text clearly names to tok[*n..max) */
static void
stated_numbers(const char *text, char tok[][MC_TOKEN], size_t *n, size_t max)
{
	uint32_t first = first_letters(number_keywords);

	for (size_t i = 0; text[i] != '\0' && *n < max; i++) {
		size_t kl, cl = 0, k;
		const char *p;
		int connector = 0;

		if (!word_start(text, i) ||
		    (kl = keyword_at(text + i, number_keywords, first, &k)) == 0)
			continue;
		/* "Rechnungsnummer" says it is a number; "Invoice" and "Rechnung" need a
		 * connector, or a token that is not a date or a period */
		connector = k < NUMBER_KEYWORDS_IMPLY;
		p = skip_space(text + i + kl);
		for (const char *const *c = number_connectors; *c && cl == 0; c++)
			cl = match_word(p, *c);
		if (cl > 0) {
			connector = 1;
			p = skip_space(p + cl);
		}
		if (*p == ':' || *p == '#') {
			connector = 1;
			p = skip_space(p + 1);
		}
		if (!read_number_token(p, tok[*n], MC_TOKEN))
			continue;
		if (!connector && date_like(tok[*n]))
			continue;
		(*n)++;
	}
}

/* same_number - stated and the XML's number are the same, without case or a '#' */
static int
same_number(const char *stated, const char *bt1)
{
	while (*bt1 == ' ' || *bt1 == '#')
		bt1++;
	size_t l = strlen(bt1);
	while (l > 0 && bt1[l - 1] == ' ')
		l--;
	return strlen(stated) == l && strncasecmp(stated, bt1, l) == 0;
}

/* check_number - PS-MAIL-NUMBER: the numbers the Subject and the body name together */
static void
check_number(const inv_invoice *inv, const struct mailcheck_input *in, inv_findings *out)
{
	char tok[MC_MAX_STATED][MC_TOKEN];
	size_t n = 0, nsubject;

	if (in->subject != NULL)
		stated_numbers(in->subject, tok, &n, MC_MAX_STATED);
	nsubject = n;
	if (in->text != NULL)
		stated_numbers(in->text, tok, &n, MC_MAX_STATED);
	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (same_number(tok[i], inv->number))
			return;
	char *bt1 = clip(inv->number, 80);
	inv_findings_add(out, "PS-MAIL-NUMBER", INV_SEV_WARNING,
	    "the %s names invoice %s, the invoice's number (BT-1) is %s",
	    nsubject > 0 ? "Subject" : "body", tok[0], bt1);
	free(bt1);
}

/* ---- amounts ---- */

/* The words that introduce an amount due or a total. */
static const char *const amount_keywords[] = {
	"grand total", "total", "amount", "balance due", "balance", "to pay", "payable",
	"gesamtbetrag", "rechnungsbetrag", "zahlbetrag", "endbetrag", "bruttobetrag",
	"gesamtsumme", "endsumme", "betrag", "summe", "zu zahlen", "zahlbar", NULL
};
/* Words between the keyword and the amount that make it another amount ... */
static const char *const amount_excluders[] = {
	"net", "netto", "excl", "exkl", "excluding", "zzgl", "vat", "tax", "mwst", "ust",
	"steuer", "without", "ohne", "before", "paid", "bezahlt", "bereits", "prepaid",
	"discount", "skonto", "rabatt", "of items", "items", "positionen", "page", "pages",
	NULL
};
/* ... unless they also say the amount is gross. */
static const char *const amount_includers[] = {
	"incl", "inkl", "including", "inklusive", "gross", "brutto", NULL
};

struct currency_sign {
	const char *written;		/* as in the text */
	const char *code;		/* ISO 4217 */
};
static const struct currency_sign currency_signs[] = {
	{"\xe2\x82\xac", "EUR"}, {"$", "USD"}, {"\xc2\xa3", "GBP"}, {"EUR", "EUR"},
	{"USD", "USD"}, {"GBP", "GBP"}, {"CHF", "CHF"}, {"SEK", "SEK"}, {"NOK", "NOK"},
	{"DKK", "DKK"}, {"PLN", "PLN"}, {"CZK", "CZK"}, {"HUF", "HUF"}, {"JPY", "JPY"},
	{"CAD", "CAD"}, {"AUD", "AUD"}, {"Euro", "EUR"}, {NULL, NULL}
};

/* currency_at - the ISO code of a currency written at p (its length in *len), or NULL */
static const char *
currency_at(const char *p, size_t *len)
{
	for (const struct currency_sign *c = currency_signs; c->written; c++) {
		size_t l = strlen(c->written);
		if (strncmp(p, c->written, l) != 0)
			continue;
		if (isalpha((unsigned char) c->written[0]) && is_word((unsigned char) p[l]))
			continue;
		*len = l;
		return c->code;
	}
	return NULL;
}

/* group_sep - the length of a thousands-only separator at p (space, apostrophe, NBSP,
 * U+202F narrow NBSP, U+2009 thin space), or 0 */
static size_t
group_sep(const char *p)
{
	const unsigned char *u = (const unsigned char *) p;

	if (*u == ' ' || *u == '\'')
		return 1;
	if (u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xaf || u[2] == 0x89))
		return 3;
	return 0;
}

/* digits - how many ASCII digits start p */
static size_t
digits(const char *p)
{
	size_t n = 0;

	while (isdigit((unsigned char) p[n]))
		n++;
	return n;
}

/* parse_plain - digits (with '.' as the decimal point) of len bytes into *v */
static int
parse_plain(const char *s, size_t len, dec_t *v)
{
	char buf[64];

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return dec_parse(buf, v);
}

/* A run of digits of an amount and the separator before it (0 for the first). */
struct amount_group {
	char sep;		/* '.', ',' or ' ' (any space-like thousands separator) */
	size_t start, len;
};
#define AMOUNT_MAX_GROUPS 32

/* amount_groups - the digit groups of the amount at s into g (*ng of them); the
 * offset past the amount, or 0 when it is no amount (too many groups, digits after) */
static size_t
amount_groups(const char *s, struct amount_group *g, size_t *ng)
{
	size_t pos;

	g[0].sep = 0;
	g[0].start = 0;
	g[0].len = digits(s);
	*ng = 1;
	pos = g[0].len;
	while (*ng < AMOUNT_MAX_GROUPS) {
		size_t sl = 0, dl;
		char sep;

		if (s[pos] == '.' || s[pos] == ',') {
			sep = s[pos];
			sl = 1;
		} else if ((sl = group_sep(s + pos)) > 0) {
			sep = ' ';
		} else
			break;
		dl = digits(s + pos + sl);
		if (dl == 0)
			break;
		/* a space-like separator only ever groups thousands */
		if (sep == ' ' && dl != 3)
			break;
		g[*ng].sep = sep;
		g[*ng].start = pos + sl;
		g[*ng].len = dl;
		(*ng)++;
		pos += sl + dl;
	}
	if (*ng == AMOUNT_MAX_GROUPS || isdigit((unsigned char) s[pos]))
		return 0;
	return pos;
}

/* amount_decimal - whether the last separator is the decimal point (*decimal), may be
 * either (*amb: "1.234"), or groups thousands; the number of groups of the integer part */
static size_t
amount_decimal(const char *s, const struct amount_group *g, size_t ng, int *decimal, int *amb)
{
	char last = g[ng - 1].sep;
	int repeated = 0, other = 0;

	*decimal = *amb = 0;
	if (last != '.' && last != ',')
		return ng;
	for (size_t i = 1; i + 1 < ng; i++) {
		if (g[i].sep == last)
			repeated = 1;
		else
			other = 1;
	}
	if (repeated)
		return ng;	/* "1.234.567,89" has been cut before: a repeated last separator groups */
	if (other)
		*decimal = 1;
	else if (g[1].len == 3 && g[0].len <= 3 && s[0] != '0')
		*amb = 1;	/* "1.234" / "1,234" */
	else
		*decimal = 1;
	return ng - 1;
}

/* amount_int - the integer part: the first ngroup groups, checked as thousands groups
 * (first 1..3 digits, no leading zero, then 3 each, one separator) when there are
 * several, joined into buf; 0 or -1 */
static int
amount_int(const char *s, const struct amount_group *g, size_t ngroup, char *buf, size_t len)
{
	size_t il = 0;

	if (ngroup > 1) {
		if (g[0].len > 3 || (s[0] == '0'))
			return -1;
		for (size_t i = 1; i < ngroup; i++)
			if (g[i].len != 3 || (i > 1 && g[i].sep != g[1].sep))
				return -1;
	}
	for (size_t i = 0; i < ngroup; i++) {
		if (il + g[i].len >= len)
			return -1;
		memcpy(buf + il, s + g[i].start, g[i].len);
		il += g[i].len;
	}
	buf[il] = '\0';
	return 0;
}

size_t
mailcheck_parse_amount(const char *s, dec_t *value, dec_t *alt, int *ambiguous, int *has_sep)
{
	struct amount_group g[AMOUNT_MAX_GROUPS];
	size_t ng, end, ngroup;
	char intpart[64], buf[96];
	int decimal, amb;

	*ambiguous = 0;
	*has_sep = 0;
	if (!isdigit((unsigned char) s[0]) || (end = amount_groups(s, g, &ng)) == 0)
		return 0;
	if (ng == 1)
		return parse_plain(s, g[0].len, value) == 0 ? end : 0;
	*has_sep = 1;
	ngroup = amount_decimal(s, g, ng, &decimal, &amb);
	if (amount_int(s, g, ngroup, intpart, sizeof(intpart)) != 0)
		return 0;
	if (!decimal && !amb)
		return dec_parse(intpart, value) == 0 ? end : 0;
	const char *frac = s + g[ng - 1].start;
	size_t fl = g[ng - 1].len;
	if (fl > 18)
		return 0;
	snprintf(buf, sizeof(buf), "%s.%.*s", intpart, (int) fl, frac);
	if (dec_parse(buf, decimal ? value : alt) != 0)
		return 0;
	if (amb) {
		snprintf(buf, sizeof(buf), "%s%.*s", intpart, (int) fl, frac);
		if (dec_parse(buf, value) != 0)
			return 0;
		*ambiguous = 1;
	}
	return end;
}

/* has_any_word - 1 if text[0..len) holds one of the words (any case, at word starts) */
static int
has_any_word(const char *text, size_t len, const char *const *words)
{
	for (size_t i = 0; i < len; i++) {
		if (!word_start(text, i))
			continue;
		for (const char *const *w = words; *w; w++) {
			size_t l = strlen(*w);
			if (i + l <= len && strncasecmp(text + i, *w, l) == 0 &&
			    (i + l == len || !isalpha((unsigned char) text[i + l])))
				return 1;
		}
	}
	return 0;
}

struct stated_amount {
	dec_t value, alt;
	int ambiguous;
	const char *currency;		/* ISO code, or NULL when none was written */
	char written[64];		/* as in the text */
};

/* amount_after - the amount stated after a keyword ending at p, if any: 1 and *a */
static int
amount_after(const char *p, struct stated_amount *a)
{
	const char *lim = p, *cur_code = NULL, *cur_start = NULL, *cur_end = NULL;

	while (*lim != '\0' && *lim != '\n' && *lim != '\r' && lim - p < MC_WINDOW)
		lim++;
	for (const char *q = p; q < lim; q++) {
		const char *code, *after, *code_after, *ws, *we;
		dec_t v, alt;
		int amb, sep;
		size_t n, cl = 0;

		if ((code = currency_at(q, &cl)) != NULL &&
		    (!isalpha((unsigned char) *q) || q == p || !is_word((unsigned char) q[-1]))) {
			cur_code = code;
			cur_start = q;
			cur_end = q + cl;
			q += cl - 1;
			continue;
		}
		if (!isdigit((unsigned char) *q))
			continue;
		if (q > p && is_word((unsigned char) q[-1]) && !(cur_code != NULL && cur_end == q))
			goto skip;	/* "A4", "Q1": part of a word ("EUR100" is not) */
		if ((n = mailcheck_parse_amount(q, &v, &alt, &amb, &sep)) == 0)
			goto skip;
		/* what follows must not continue it as a date, a range or a word */
		if (q[n] == '-' || q[n] == '/' || isalpha((unsigned char) q[n]) ||
		    ((q[n] == '.' || q[n] == ',') && isdigit((unsigned char) q[n + 1])))
			goto skip;
		after = skip_space(q + n);
		code_after = currency_at(after, &cl);
		ws = cur_code != NULL && skip_space(cur_end) == q ? cur_start : q;
		we = code_after != NULL ? after + cl : q + n;
		if (has_any_word(p, (size_t) (q - p), amount_excluders) &&
		    !has_any_word(p, (size_t) (q - p), amount_includers))
			return 0;
		if (!sep && cur_code == NULL && code_after == NULL)
			goto skip;	/* a bare integer: "3 items" */
		a->value = v;
		a->alt = alt;
		a->ambiguous = amb;
		a->currency = code_after != NULL ? code_after : cur_code;
		size_t wl = (size_t) (we - ws);
		if (wl >= sizeof(a->written))
			wl = sizeof(a->written) - 1;
		memcpy(a->written, ws, wl);
		a->written[wl] = '\0';
		for (char *c = a->written; *c; c++)
			if ((unsigned char) *c < 0x20)
				*c = ' ';
		return 1;
skip:
		while (q + 1 < lim && (isalnum((unsigned char) q[1]) || strchr(".,-/'", q[1]) != NULL))
			q++;
	}
	return 0;
}

/* stated_amounts - append the amounts due or totals text states to a[*n..max) */
static void
stated_amounts(const char *text, struct stated_amount *a, size_t *n, size_t max)
{
	uint32_t first = first_letters(amount_keywords);

	for (size_t i = 0; text[i] != '\0' && *n < max; i++) {
		size_t kl, k;

		if (!word_start(text, i) ||
		    (kl = keyword_at(text + i, amount_keywords, first, &k)) == 0)
			continue;
		if (amount_after(text + i + kl, &a[*n]))
			(*n)++;
		i += kl - 1;
	}
}

/* amount_matches - a stated amount is BT-115 or BT-112 (signs ignored) */
static int
amount_matches(const inv_invoice *inv, const struct stated_amount *a)
{
	dec_t due = dec_abs(inv->amount_due), tot = dec_abs(inv->total_with_vat);

	for (int k = 0; k < 1 + a->ambiguous; k++) {
		dec_t v = dec_abs(k == 0 ? a->value : a->alt);
		if ((inv->has_amount_due && dec_cmp(v, due) == 0) ||
		    (inv->has_total_with_vat && dec_cmp(v, tot) == 0))
			return 1;
	}
	return 0;
}

/* check_amount - PS-MAIL-AMOUNT: the amounts the Subject and the body state together */
static void
check_amount(const inv_invoice *inv, const struct mailcheck_input *in, inv_findings *out)
{
	struct stated_amount a[MC_MAX_STATED];
	size_t n = 0, nsubject;
	char due[DEC_FMT_LEN], tot[DEC_FMT_LEN];
	const struct stated_amount *wrong_currency = NULL;
	const char *where;

	if (!inv->has_amount_due && !inv->has_total_with_vat)
		return;
	if (in->subject != NULL)
		stated_amounts(in->subject, a, &n, MC_MAX_STATED);
	nsubject = n;
	if (in->text != NULL)
		stated_amounts(in->text, a, &n, MC_MAX_STATED);
	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (a[i].currency != NULL && inv->currency != NULL &&
		    strcasecmp(a[i].currency, inv->currency) != 0) {
			if (wrong_currency == NULL)
				wrong_currency = &a[i];
			continue;
		}
		if (amount_matches(inv, &a[i]))
			return;
	}
	if (wrong_currency != NULL) {
		char *cur = clip(inv->currency, 8);
		inv_findings_add(out, "PS-MAIL-AMOUNT", INV_SEV_WARNING,
		    "the %s states %s, the invoice's currency (BT-5) is %s",
		    (size_t) (wrong_currency - a) < nsubject ? "Subject" : "body",
		    wrong_currency->written, cur);
		free(cur);
		return;
	}
	where = nsubject > 0 ? "Subject" : "body";
	if (inv->has_amount_due) {
		dec_fmt(inv->amount_due, due, sizeof(due));
		if (inv->has_total_with_vat && dec_cmp(inv->amount_due, inv->total_with_vat) != 0)
			inv_findings_add(out, "PS-MAIL-AMOUNT", INV_SEV_WARNING,
			    "the %s states %s, the invoice's amount due (BT-115) is %s and its total (BT-112) %s",
			    where, a[0].written, due, dec_fmt(inv->total_with_vat, tot, sizeof(tot)));
		else
			inv_findings_add(out, "PS-MAIL-AMOUNT", INV_SEV_WARNING,
			    "the %s states %s, the invoice's amount due (BT-115) is %s", where,
			    a[0].written, due);
	} else
		inv_findings_add(out, "PS-MAIL-AMOUNT", INV_SEV_WARNING,
		    "the %s states %s, the invoice's total (BT-112) is %s", where, a[0].written,
		    dec_fmt(inv->total_with_vat, tot, sizeof(tot)));
}

/* ---- recipients ---- */

/* email_domain - the domain of an address-like string, or NULL if it is not one */
static const char *
email_domain(const char *addr)
{
	const char *at;

	if (addr == NULL || strpbrk(addr, " \t<>,;") != NULL || (at = strrchr(addr, '@')) == NULL ||
	    at == addr || at[1] == '\0' || strchr(at + 1, '.') == NULL)
		return NULL;
	return at + 1;
}

/* domain_within - d is dom or a subdomain of it (no case) */
static int
domain_within(const char *d, const char *dom)
{
	size_t dl = strlen(d), ml = strlen(dom);

	if (dl == ml)
		return strcasecmp(d, dom) == 0;
	return dl > ml && d[dl - ml - 1] == '.' && strcasecmp(d + dl - ml, dom) == 0;
}

int
mailcheck_rcpt_matches(const inv_invoice *inv, const char *rcpt)
{
	const char *cand[2] = { inv->buyer.electronic_address, inv->buyer.contact_email };
	char bare[320];
	const char *rd;
	int any = 0;

	outbound_bare_address(rcpt, bare, sizeof(bare));
	rd = email_domain(bare);
	for (int i = 0; i < 2; i++) {
		const char *bd = email_domain(cand[i]);
		if (bd == NULL)
			continue;
		any = 1;
		if (strcasecmp(bare, cand[i]) == 0 || (rd != NULL && domain_within(rd, bd)))
			return 1;
	}
	return any ? 0 : -1;
}

/* check_recipient - PS-MAIL-RECIPIENT */
static void
check_recipient(const inv_invoice *inv, const struct mailcheck_input *in, inv_findings *out)
{
	char bare[320];
	char *a, *b;

	if (in->nrcpts == 0 || mailcheck_rcpt_matches(inv, "") < 0)
		return;
	for (size_t i = 0; i < in->nrcpts; i++)
		if (mailcheck_rcpt_matches(inv, in->rcpts[i]) == 1)
			return;
	outbound_bare_address(in->rcpts[0], bare, sizeof(bare));
	a = clip(email_domain(inv->buyer.electronic_address) ? inv->buyer.electronic_address : "-", 120);
	b = clip(email_domain(inv->buyer.contact_email) ? inv->buyer.contact_email : "-", 120);
	inv_findings_add(out, "PS-MAIL-RECIPIENT", INV_SEV_WARNING,
	    "no recipient (%s%s) is the buyer's electronic address (BT-49) %s or contact e-mail (BT-58) %s, nor in their domain",
	    bare, in->nrcpts > 1 ? ", ..." : "", a, b);
	free(a);
	free(b);
}

/* ---- IBANs ---- */

/* iban_start - a config word that starts an IBAN: two letters and two digits */
static int
iban_start(const char *w)
{
	return isalpha((unsigned char) w[0]) && isalpha((unsigned char) w[1]) &&
	    isdigit((unsigned char) w[2]) && isdigit((unsigned char) w[3]);
}

int
mailcheck_iban_known(const struct conf_list *list, const char *iban)
{
	char want[IBAN_MAX_LEN + 1], acc[IBAN_MAX_LEN * 2 + 2], norm[IBAN_MAX_LEN + 1];

	if (iban_normalise(iban, want, sizeof(want)) != 0)
		return 0;
	acc[0] = '\0';
	for (size_t i = 0; i <= list->n; i++) {
		const char *w = i < list->n ? list->v[i] : NULL;
		/* an IBAN ends where the next one starts, or when it is complete and valid */
		if (acc[0] != '\0' && (w == NULL || (iban_start(w) && iban_valid(acc)))) {
			if (iban_normalise(acc, norm, sizeof(norm)) == 0 && strcmp(norm, want) == 0)
				return 1;
			acc[0] = '\0';
		}
		if (w == NULL)
			break;
		if (strlen(acc) + strlen(w) < sizeof(acc))
			strcat(acc, w);
	}
	return 0;
}

/* check_ibans - PS-IBAN-INVALID and PS-IBAN-UNKNOWN */
static void
check_ibans(const struct ps_conf *conf, const inv_invoice *inv, inv_findings *out)
{
	for (size_t i = 0; i < inv->n_payee_ibans; i++) {
		const char *iban = inv->payee_ibans[i];
		char *c = clip(iban ? iban : "", 64);

		if (iban == NULL || !iban_valid(iban))
			inv_findings_add(out, "PS-IBAN-INVALID", INV_SEV_WARNING,
			    "the payee IBAN (BT-84) %s fails the ISO 13616 mod-97 check", c);
		else if (conf != NULL && conf->company_ibans.n > 0 &&
		    !mailcheck_iban_known(&conf->company_ibans, iban))
			inv_findings_add(out, "PS-IBAN-UNKNOWN", INV_SEV_WARNING,
			    "the payee IBAN (BT-84) %s is not one of the company's accounts (company-ibans)", c);
		free(c);
	}
}

void
mailcheck_run(const struct ps_conf *conf, const inv_invoice *inv,
	      const struct mailcheck_input *in, inv_findings *out)
{
	if (inv->number != NULL && inv->number[0] != '\0')
		check_number(inv, in, out);
	check_amount(inv, in, out);
	if (conf == NULL || conf->invoice_check_recipient)
		check_recipient(inv, in, out);
	check_ibans(conf, inv, out);
}
