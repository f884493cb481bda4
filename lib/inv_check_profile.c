/*
 * inv_check_profile.c - Factur-X / ZUGFeRD profiles judged by their own rules.
 *
 * A MINIMUM, BASIC WL or EXTENDED invoice is checked against its own profile's
 * schematron (Factur-X 1.09.2 / ZUGFeRD 2.5.2), not against EN 16931: of the
 * official rules inv_check decides, only those the profile's schematron has are
 * kept, under the same ids.
 *   MINIMUM   has the core presence rules BR-01..BR-09 and BR-13..BR-15, BR-CO-09,
 *             BR-CO-26 and the exempt-category rules listed below; no line,
 *             breakdown-sum or payable-amount rules (no BR-CO-16).
 *   BASIC WL  is BASIC without lines: no line rules, and no BR-IC-11/BR-IC-12.
 *   EXTENDED  has no BR-CO-26; its taxable-amount rules are the tolerant
 *             BR-FXEXT-*-08 (out of our scope), not BR-*-08; sub-invoice lines and
 *             GROUP/INFORMATION lines need no VAT category (BR-CO-04), while the
 *             line rate rules (BR-*-05) apply to every line that states a category
 *             (inv_check_vat.c).
 * Input is a model built from untrusted XML; this file only filters findings.
 */
#include <stdlib.h>
#include <string.h>

#include "inv_priv.h"

/* The official rules of the MINIMUM schematron that inv_check decides. */
static const char *const minimum_rules[] = {
	"BR-01", "BR-02", "BR-03", "BR-04", "BR-05", "BR-06", "BR-07", "BR-08", "BR-09",
	"BR-13", "BR-14", "BR-15", "BR-CO-09", "BR-CO-26",
	"BR-E-05", "BR-E-06", "BR-E-07", "BR-E-10",
	"BR-G-05", "BR-G-06", "BR-G-07", "BR-G-08", "BR-G-09", "BR-G-10",
	"BR-IC-05", "BR-IC-06", "BR-IC-07", "BR-IC-08", "BR-IC-09", "BR-IC-10",
	"BR-IC-11", "BR-IC-12",
	"BR-O-06", "BR-O-08", "BR-O-09", "BR-O-10", "BR-O-11", "BR-O-12", "BR-O-13",
	"BR-O-14",
	NULL
};

/* Official rules of EN 16931 that the BASIC WL schematron does not have. */
static const char *const basicwl_dropped[] = {
	"BR-16", "BR-CO-04", "BR-CO-10", "BR-CO-20", "BR-CO-23", "BR-CO-24",
	"BR-IC-11", "BR-IC-12",
	NULL
};

/* Official rules of EN 16931 that the EXTENDED schematron does not have. */
static const char *const extended_dropped[] = {
	"BR-CO-26",
	"BR-S-08", "BR-Z-08", "BR-E-08", "BR-AE-08", "BR-IC-08", "BR-G-08", "BR-O-08",
	"BR-AF-08", "BR-AG-08",
	NULL
};

/* in_table - 1 if id is in the NULL-terminated table */
static int
in_table(const char *const *t, const char *id)
{
	for (; *t != NULL; t++)
		if (strcmp(*t, id) == 0)
			return 1;
	return 0;
}

/* profile_is - the invoice is CII with this Factur-X profile */
static int
profile_is(const inv_invoice *inv, const char *profile)
{
	return inv->syntax == INV_SYNTAX_CII && inv->profile != NULL &&
	    strcmp(inv->profile, profile) == 0;
}

int
inv_profile_has_rule(const inv_invoice *inv, const char *id)
{
	if (strncmp(id, "PS-", 3) == 0)
		return 1;	/* ours apply to every profile */
	if (profile_is(inv, "MINIMUM"))
		return in_table(minimum_rules, id);
	if (profile_is(inv, "BASIC-WL"))
		return !in_table(basicwl_dropped, id);
	if (profile_is(inv, "EXTENDED"))
		return !in_table(extended_dropped, id);
	return 1;
}

int
inv_profile_is_extended(const inv_invoice *inv)
{
	return profile_is(inv, "EXTENDED");
}

void
inv_check_profile(const inv_invoice *inv, inv_findings *out, size_t from)
{
	size_t i, keep = from;

	for (i = from; i < out->n; i++) {
		if (inv_profile_has_rule(inv, out->v[i].id)) {
			out->v[keep++] = out->v[i];
			continue;
		}
		free(out->v[i].message);
	}
	out->n = keep;
}
