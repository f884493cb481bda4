/*
 * inv.c - the invoice model: allocation and release, growth helpers, profile
 * detection, the list of findings and the table of rule ids in scope.
 *
 * Trusts its callers (the parsers and checks); strings stored in the model came
 * from untrusted XML and are only copied, never interpreted as formats.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inv_priv.h"
#include "util/xalloc.h"

/*
 * The rule ids inv_check decides. The corpus agreement test compares exactly
 * these ids with the official verdicts; anything else the artefacts report is
 * out of our scope.
 */
static const char *const inv_rule_table[] = {
	/* core presence */
	"BR-01", "BR-02", "BR-03", "BR-04", "BR-05", "BR-06", "BR-07", "BR-08",
	"BR-09", "BR-10", "BR-11", "BR-12", "BR-13", "BR-14", "BR-15", "BR-16",
	/* calculation and consistency */
	"BR-CO-03", "BR-CO-04", "BR-CO-09", "BR-CO-10", "BR-CO-11", "BR-CO-12",
	"BR-CO-13", "BR-CO-14", "BR-CO-15", "BR-CO-16", "BR-CO-17", "BR-CO-18",
	"BR-CO-19", "BR-CO-20", "BR-CO-21", "BR-CO-22", "BR-CO-23", "BR-CO-24",
	"BR-CO-26",
	/* per VAT category, 05..10 (and the cross-field extras of K and O) */
	"BR-S-05", "BR-S-06", "BR-S-07", "BR-S-08", "BR-S-09", "BR-S-10",
	"BR-Z-05", "BR-Z-06", "BR-Z-07", "BR-Z-08", "BR-Z-09", "BR-Z-10",
	"BR-E-05", "BR-E-06", "BR-E-07", "BR-E-08", "BR-E-09", "BR-E-10",
	"BR-AE-05", "BR-AE-06", "BR-AE-07", "BR-AE-08", "BR-AE-09", "BR-AE-10",
	"BR-IC-05", "BR-IC-06", "BR-IC-07", "BR-IC-08", "BR-IC-09", "BR-IC-10",
	"BR-IC-11", "BR-IC-12",
	"BR-G-05", "BR-G-06", "BR-G-07", "BR-G-08", "BR-G-09", "BR-G-10",
	"BR-O-05", "BR-O-06", "BR-O-07", "BR-O-08", "BR-O-09", "BR-O-10",
	"BR-O-11", "BR-O-12", "BR-O-13", "BR-O-14",
	"BR-AF-05", "BR-AF-06", "BR-AF-07", "BR-AF-08", "BR-AF-09", "BR-AF-10",
	"BR-AG-05", "BR-AG-06", "BR-AG-07", "BR-AG-08", "BR-AG-09", "BR-AG-10",
	/* Factur-X EXTENDED's own replacements (inv_check_profile.c) */
	"BR-FXEXT-CO-04", "BR-FXEXT-CO-11", "BR-FXEXT-CO-12", "BR-FXEXT-CO-15",
	/* ours */
	"PS-LINE-NET", "PS-DUE-DATE", "PS-CURRENCY", "PS-AMOUNT",
	NULL
};

const char *const *
inv_rules(void)
{
	return inv_rule_table;
}

int
inv_rule_in_scope(const char *id)
{
	const char *const *r;

	for (r = inv_rule_table; *r != NULL; r++)
		if (strcmp(*r, id) == 0)
			return 1;
	return 0;
}

const char *
inv_syntax_name(enum inv_syntax syntax)
{
	return syntax == INV_SYNTAX_CII ? "cii" : "ubl";
}

int
inv_profile_is_reduced(const inv_invoice *inv)
{
	return inv->profile != NULL && (strcmp(inv->profile, "MINIMUM") == 0 ||
	    strcmp(inv->profile, "BASIC-WL") == 0);
}

/* contains_ci - 1 if hay contains needle (lower-case ASCII letters), ignoring ASCII case;
 * a position whose first letter differs is passed over without a call */
static int
contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if ((*hay | 0x20) == needle[0] && strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

void
inv_set_profile(inv_invoice *inv)
{
	const char *c = inv->customization_id, *p = "EN16931";

	if (c == NULL)
		p = "EN16931";
	else if (contains_ci(c, "minimum"))
		p = "MINIMUM";
	else if (contains_ci(c, "basicwl"))
		p = "BASIC-WL";
	else if (contains_ci(c, "extended"))
		p = "EXTENDED";
	else if (contains_ci(c, "xrechnung"))
		p = "XRECHNUNG";
	else if (contains_ci(c, "basic"))
		p = "BASIC";
	else if (contains_ci(c, "peppol"))
		p = "PEPPOL";
	free(inv->profile);
	inv->profile = xstrdup(p);
}

/* is_extended - Factur-X EXTENDED (the only profile with sub-lines) */
static int
is_extended(const inv_invoice *inv)
{
	return inv->syntax == INV_SYNTAX_CII && inv->profile != NULL &&
	    strcmp(inv->profile, "EXTENDED") == 0;
}

/* is_information - a line for information only */
static int
is_information(const inv_line *l)
{
	return l->status_reason != NULL && strcasecmp(l->status_reason, "INFORMATION") == 0;
}

int
inv_line_in_totals(const inv_invoice *inv, const inv_line *l)
{
	if (!is_extended(inv))
		return 1;
	/* a sub-line: its parent (GROUP) line carries the amount */
	return l->parent_id == NULL && !is_information(l);
}

int
inv_line_in_vat(const inv_invoice *inv, const inv_line *l)
{
	if (!is_extended(inv))
		return 1;
	/* a group line: its sub-lines carry the VAT categories and rates */
	return !l->has_children && !is_information(l);
}

/* cmp_id - order line pointers by id (NULL first) */
static int
cmp_id(const void *a, const void *b)
{
	const inv_line *x = *(inv_line *const *)a, *y = *(inv_line *const *)b;

	if (x->id == NULL || y->id == NULL)
		return (x->id != NULL) - (y->id != NULL);
	return strcmp(x->id, y->id);
}

void
inv_mark_children(inv_invoice *inv)
{
	inv_line **by_id, key, *kp = &key, **hit;
	size_t i, n = inv->n_lines;

	for (i = 0; i < n; i++)
		if (inv->lines[i].parent_id != NULL)
			break;
	if (i == n)
		return;		/* no sub-lines: nothing to do */
	by_id = xreallocarray(NULL, n, sizeof(*by_id));
	for (i = 0; i < n; i++)
		by_id[i] = &inv->lines[i];
	qsort(by_id, n, sizeof(*by_id), cmp_id);
	for (i = 0; i < n; i++) {
		/* information-only sub-lines do not take the VAT off their parent */
		if (inv->lines[i].parent_id == NULL || is_information(&inv->lines[i]))
			continue;
		key.id = inv->lines[i].parent_id;
		hit = bsearch(&kp, by_id, n, sizeof(*by_id), cmp_id);
		if (hit != NULL)
			(*hit)->has_children = 1;
	}
	free(by_id);
}

dec_t
inv_round_xpath(dec_t a, int scale)
{
	return dec_round_half_up(a, scale);
}

inv_line *
inv_add_line(inv_invoice *inv)
{
	inv->lines = xreallocarray(inv->lines, inv->n_lines + 1, sizeof(*inv->lines));
	memset(&inv->lines[inv->n_lines], 0, sizeof(*inv->lines));
	return &inv->lines[inv->n_lines++];
}

inv_allowance_charge *
inv_add_ac(inv_allowance_charge **v, size_t *n)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

inv_vat *
inv_add_vat(inv_invoice *inv)
{
	inv->vat = xreallocarray(inv->vat, inv->n_vat + 1, sizeof(*inv->vat));
	memset(&inv->vat[inv->n_vat], 0, sizeof(*inv->vat));
	return &inv->vat[inv->n_vat++];
}

void
inv_add_iban(inv_invoice *inv, char *iban)
{
	if (iban == NULL)
		return;
	inv->payee_ibans = xreallocarray(inv->payee_ibans, inv->n_payee_ibans + 1,
	    sizeof(*inv->payee_ibans));
	inv->payee_ibans[inv->n_payee_ibans++] = iban;
}

/* party_clear - free a party's strings */
static void
party_clear(struct inv_party *p)
{
	free(p->name);
	free(p->trading_name);
	free(p->identifier);
	free(p->legal_id);
	free(p->vat_id);
	free(p->tax_registration_id);
	free(p->electronic_address);
	free(p->electronic_address_scheme);
	free(p->contact_email);
	free(p->country);
}

/* ac_clear - free the strings of n allowances/charges and the array */
static void
ac_free(inv_allowance_charge *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].reason);
		free(v[i].reason_code);
		free(v[i].vat_category);
	}
	free(v);
}

inv_invoice *
inv_free(inv_invoice *inv)
{
	size_t i;

	if (inv == NULL)
		return NULL;
	free(inv->profile);
	free(inv->customization_id);
	free(inv->number);
	free(inv->type_code);
	free(inv->issue_date);
	free(inv->due_date);
	free(inv->payment_terms);
	free(inv->tax_point_date);
	free(inv->tax_point_code);
	free(inv->currency);
	free(inv->tax_currency);
	free(inv->actual_delivery_date);
	free(inv->deliver_to_country);
	party_clear(&inv->seller);
	party_clear(&inv->buyer);
	free(inv->seller_tax_rep_vat_id);
	for (i = 0; i < inv->n_payee_ibans; i++)
		free(inv->payee_ibans[i]);
	free(inv->payee_ibans);
	for (i = 0; i < inv->n_lines; i++) {
		inv_line *l = &inv->lines[i];

		free(l->id);
		free(l->unit);
		free(l->item_name);
		free(l->vat_category);
		free(l->parent_id);
		free(l->status_code);
		free(l->status_reason);
		ac_free(l->ac, l->n_ac);
	}
	free(inv->lines);
	ac_free(inv->ac, inv->n_ac);
	for (i = 0; i < inv->n_vat; i++) {
		free(inv->vat[i].category);
		free(inv->vat[i].exemption_reason);
		free(inv->vat[i].exemption_code);
	}
	free(inv->vat);
	free(inv->foreign_currency);
	free(inv->foreign_currency_where);
	free(inv->bad_amount_where);
	free(inv->bad_amount_value);
	free(inv);
	return NULL;
}

inv_findings *
inv_findings_new(void)
{
	return xcalloc(1, sizeof(inv_findings));
}

void
inv_findings_add(inv_findings *f, const char *id, enum inv_severity sev,
    const char *fmt, ...)
{
	inv_finding *x;
	va_list ap;
	char *text;
	size_t idlen, textlen;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->v = xreallocarray(f->v, f->cap, sizeof(*f->v));
	}
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->id, sizeof(x->id), "%s", id);
	x->severity = sev;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	/* "ID: text", put together without formatting it again */
	idlen = strlen(x->id);
	textlen = strlen(text);
	x->message = xmalloc(idlen + 2 + textlen + 1);
	memcpy(x->message, x->id, idlen);
	memcpy(x->message + idlen, ": ", 2);
	memcpy(x->message + idlen + 2, text, textlen + 1);
	free(text);
}

inv_findings *
inv_findings_free(inv_findings *f)
{
	size_t i;

	if (f == NULL)
		return NULL;
	for (i = 0; i < f->n; i++)
		free(f->v[i].message);
	free(f->v);
	free(f);
	return NULL;
}

int
inv_findings_flagged(const inv_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->v[i].severity == INV_SEV_ERROR)
			return 1;
	return 0;
}

int
inv_findings_has(const inv_findings *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].id, id) == 0)
			return 1;
	return 0;
}
