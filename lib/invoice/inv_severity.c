/*
 * inv_severity.c - the table of postsale's own invoice rules and their severity
 * (inv_severity.h). The ids in a config value are untrusted text: they are only
 * compared with the table, and quoted back (cut short) in the reason.
 */
#include <stdio.h>
#include <string.h>

#include "inv_severity.h"

#define WARN INV_SEV_WARNING

static const struct inv_ps_rule ps_rules[] = {
	{ "PS-LINE-NET", WARN, "line net amount = quantity x (net price / price base "
	  "quantity) + line charges - line allowances, within rounding" },
	{ "PS-DUE-DATE", WARN, "the payment due date is not before the issue date" },
	{ "PS-CURRENCY", WARN, "every amount is in the invoice currency (BT-5; BT-111 "
	  "in the VAT accounting currency aside)" },
	{ "PS-AMOUNT", WARN, "every amount and quantity is an xs:decimal (no exponent, "
	  "at most 144 digits)" },
	{ "PS-MAIL-NUMBER", WARN, "an invoice number written in the subject or body is "
	  "the one in the invoice" },
	{ "PS-MAIL-AMOUNT", WARN, "an amount written in the subject or body is the "
	  "invoice's amount due or total" },
	{ "PS-MAIL-RECIPIENT", WARN, "an envelope recipient matches the buyer's "
	  "electronic address, contact e-mail or domain" },
	{ "PS-IBAN-INVALID", WARN, "every payee IBAN passes the mod-97 check" },
	{ "PS-IBAN-UNKNOWN", WARN, "every payee IBAN is one of company-ibans" },
	{ "PS-RESEND-CHANGED", WARN, "an invoice number sent before comes again with the "
	  "same amount and buyer" },
	{ "PS-UNREADABLE", WARN, "an invoice attachment can be read (see also "
	  "unreadable-invoice-severity)" },
	{ NULL, WARN, NULL }
};

const struct inv_ps_rule *
inv_ps_rules(void)
{
	return ps_rules;
}

const struct inv_ps_rule *
inv_ps_rule_find(const char *id)
{
	const struct inv_ps_rule *r;

	for (r = ps_rules; r->id != NULL; r++)
		if (strcmp(r->id, id) == 0)
			return r;
	return NULL;
}

int
inv_rule_is_official(const char *id)
{
	return strncmp(id, "PS-", 3) != 0;
}

void
inv_findings_apply_severity(inv_findings *f, char *const *error_ids, size_t n)
{
	const struct inv_ps_rule *r;
	size_t i, j;

	for (i = 0; i < f->n; i++) {
		if (inv_rule_is_official(f->v[i].id))
			continue;
		r = inv_ps_rule_find(f->v[i].id);
		f->v[i].severity = r != NULL ? r->severity : INV_SEV_WARNING;
		for (j = 0; j < n; j++)
			if (strcmp(error_ids[j], f->v[i].id) == 0)
				f->v[i].severity = INV_SEV_ERROR;
	}
}

int
inv_error_rules_check(const char *value, char *why, size_t whylen)
{
	const char *p = value;
	char id[64];
	size_t n;

	while (*p != '\0') {
		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (n == 0)
			break;
		snprintf(id, sizeof(id), "%.*s", (int)(n < sizeof(id) - 1 ? n : sizeof(id) - 1), p);
		if (n >= sizeof(id) || inv_ps_rule_find(id) == NULL) {
			if (n < sizeof(id) && inv_rule_is_official(id) &&
			    (strncmp(id, "BR-", 3) == 0 || strncmp(id, "FX-", 3) == 0))
				snprintf(why, whylen, "%s is an official rule, always an error; "
				    "error-rules takes postsale's own rules (PS-LINE-NET, "
				    "PS-MAIL-AMOUNT ...)", id);
			else
				snprintf(why, whylen, "unknown rule id \"%s\" (postsale's own "
				    "rules are listed in postsale.conf(5): PS-LINE-NET, "
				    "PS-MAIL-AMOUNT ...)", id);
			return -1;
		}
		p += n;
	}
	return 0;
}
