/*
 * inv_explain.c - plain explanations of rule ids (inv_explain.h). The rule id comes
 * from the journal; it only selects a text.
 */
#include <string.h>

#include "inv_explain.h"

static const struct {
	const char *prefix;		/* a whole id, or a family ending in '-' */
	const char *text;
} explanations[] = {
	{"BR-CO-10", "The invoice's line total (BT-106) is not the sum of its lines' net amounts: a line or the total was changed."},
	{"BR-CO-11", "The total of the allowances (BT-107) is not the sum of the allowances listed."},
	{"BR-CO-12", "The total of the charges (BT-108) is not the sum of the charges listed."},
	{"BR-CO-13", "The total without VAT (BT-109) is not the line total minus allowances plus charges."},
	{"BR-CO-14", "The VAT total (BT-110) is not the sum of the VAT of each rate."},
	{"BR-CO-15", "The total with VAT (BT-112) is not the total without VAT plus the VAT."},
	{"BR-CO-16", "The amount due (BT-115) is not the total with VAT minus what was paid in advance plus rounding: the amount the customer is asked to pay does not follow from the invoice's own figures."},
	{"BR-CO-17", "The VAT of one rate is not its taxable amount times the rate."},
	{"PS-LINE-NET", "A line's net amount is not its quantity times its price: the line was changed or mistyped."},
	{"PS-DUE-DATE", "The payment is due before the invoice was issued."},
	{"PS-CURRENCY", "An amount is in a currency other than the invoice's."},
	{"PS-AMOUNT", "An amount is not a number."},
	{"PS-IBAN-UNKNOWN", "The bank account the customer is asked to pay into is not one of the company's accounts: a classic invoice fraud."},
	{"PS-IBAN-INVALID", "The bank account number (IBAN) is not valid: its check digits are wrong."},
	{"PS-MAIL-RECIPIENT", "The mail goes to someone other than the invoice's buyer: a misdirected invoice."},
	{"PS-MAIL-NUMBER", "The text of the mail names a different invoice number than the attached invoice."},
	{"PS-MAIL-AMOUNT", "The text of the mail names a different amount than the attached invoice."},
	{"PS-RESEND-CHANGED", "This invoice number was sent before with a different amount, currency or buyer."},
	{"PS-UNREADABLE", "An attachment looks like an invoice but cannot be read (a damaged PDF or XML)."},
	{"BR-CO-", "A calculation rule of EN 16931 fails: the invoice's figures do not add up."},
	{"BR-", "A business rule of the European e-invoicing standard EN 16931 fails: the invoice is incomplete or inconsistent."},
	{"PS-", "A check of postsale's own fails; the message names the values."},
};

const char *
inv_rule_explain(const char *rule)
{
	size_t n = sizeof(explanations) / sizeof(explanations[0]);

	for (size_t i = 0; rule != NULL && i < n; i++) {
		const char *p = explanations[i].prefix;
		size_t pl = strlen(p);
		if (p[pl - 1] == '-' ? strncmp(rule, p, pl) == 0 : strcmp(rule, p) == 0)
			return explanations[i].text;
	}
	return "A finding of the invoice check; the message names the values.";
}
