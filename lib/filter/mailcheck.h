/*
 * mailcheck.h - the invoice checks only a mail filter can make: what the Subject and
 * the body say against the invoice's XML, the envelope recipients against the buyer,
 * and the payee IBAN against mod-97 and the company's own accounts.
 *
 * Pure code: no store, no I/O. The subject, body and recipients are untrusted text
 * from the message; the invoice model is what inv_parse() read (also untrusted).
 *
 * Findings (all severity error: each one is either a misdirected invoice, a changed
 * amount or bank account, or a mail that names another invoice; none is a matter of
 * style):
 *   PS-MAIL-NUMBER     the Subject or body clearly names an invoice number ("Invoice
 *                      2026-0042", "Rechnung Nr. RE-17", "invoice no. 123") and none of
 *                      the numbers it names is BT-1 (compared without case)
 *   PS-MAIL-AMOUNT     the Subject or body states an amount due or total ("Total:
 *                      1,234.56 EUR", "Betrag: 1.234,56 €", "amount due 1234.56") and
 *                      none of the amounts it states is BT-115 or BT-112 (exact decimals,
 *                      signs ignored), or it states another currency than BT-5
 *   PS-MAIL-RECIPIENT  (invoice-check-recipient) no envelope recipient is the buyer's
 *                      electronic address (BT-49 when it is an e-mail address: scheme EM,
 *                      or any scheme whose value is one), its contact e-mail (BT-58), or
 *                      in the domain of either (or a subdomain of it); not raised when the
 *                      invoice names no buyer e-mail at all
 *   PS-IBAN-INVALID    a payee IBAN (BT-84) fails the ISO 13616 mod-97 check
 *   PS-IBAN-UNKNOWN    company-ibans is set and a valid payee IBAN is not one of them
 *
 * How written amounts are read (mailcheck_parse_amount): the last of '.' and ',' is the
 * decimal separator when both appear ("1,234.56", "1.234,56"); a separator that appears
 * more than once, or a space, NBSP, U+202F or apostrophe, groups thousands (groups of
 * exactly three digits); one '.' or ',' followed by one, two or more than three digits
 * is the decimal separator ("1234,5" is 1234.5). One '.' or ',' followed by exactly three
 * digits ("1.234", "1,234") is ambiguous: both readings (1234 and 1.234) are kept and
 * either one matching the invoice is a match, so the ambiguity never raises a finding.
 * A bare integer without a currency ("Total: 3 items") is not read as an amount.
 * An amount is taken only after a keyword (total, amount, balance due, Betrag,
 * Gesamtbetrag, Rechnungsbetrag, Summe, zu zahlen ...) on the same line, within 60
 * bytes; a keyword qualified as net, VAT/tax, subtotal, paid or discount ("Total net",
 * "Betrag ohne MwSt", "Total VAT") is skipped unless it also says incl./gross/brutto.
 */
#ifndef PS_MAILCHECK_H
#define PS_MAILCHECK_H

#include <stddef.h>

#include "conf/conf.h"
#include "util/dec.h"
#include "invoice/inv.h"

struct mailcheck_input {
	const char *subject;		/* decoded Subject (UTF-8), or NULL */
	const char *text;		/* the message's text body decoded to UTF-8, or NULL */
	const char *const *rcpts;	/* envelope recipients as the MTA gives them ("<a@b>") */
	size_t nrcpts;
};

/* mailcheck_run - append the PS-MAIL-NUMBER, PS-MAIL-AMOUNT, PS-MAIL-RECIPIENT,
 * PS-IBAN-INVALID and PS-IBAN-UNKNOWN findings of inv in the message in to out.
 * conf supplies company-ibans and invoice-check-recipient (NULL: defaults, no IBAN
 * list). Never fails. */
void mailcheck_run(const struct ps_conf *conf, const inv_invoice *inv,
		   const struct mailcheck_input *in, inv_findings *out);

/*
 * mailcheck_parse_amount - read a written amount starting at the digit s points to.
 * Returns the bytes that make the amount (0: not an amount); *value is its reading and,
 * when *ambiguous is set, *alt the other reading (see the rules above). *has_sep says
 * whether any separator was read (a bare integer has none).
 */
size_t mailcheck_parse_amount(const char *s, dec_t *value, dec_t *alt, int *ambiguous,
			      int *has_sep);

/* mailcheck_rcpt_matches - 1 when the envelope recipient rcpt ("<a@b>" or "a@b") is
 * the buyer's e-mail (BT-49 or BT-58) or in the domain of one of them; 0 when it is
 * not; -1 when the invoice names no buyer e-mail */
int mailcheck_rcpt_matches(const inv_invoice *inv, const char *rcpt);

/* mailcheck_iban_known - 1 when iban (any spacing) is one of the IBANs in list. The
 * list's words are joined back where the config wrote an IBAN in groups of four
 * ("DE89 3704 0044 0532 0130 00" becomes one IBAN). */
int mailcheck_iban_known(const struct conf_list *list, const char *iban);

#endif
