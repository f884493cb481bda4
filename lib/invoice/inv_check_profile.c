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
 *   BASIC WL  is BASIC without lines: no line rules, no BR-CO-18/19, and no
 *             BR-IC-11/BR-IC-12.
 *   EXTENDED  has no BR-CO-26, and replaces BR-CO-04, BR-CO-10..13, BR-CO-15 and
 *             BR-*-08 by rules of its own that allow for sub-invoice lines and a cent
 *             of rounding per amount: BR-FXEXT-CO-04 (a VAT category on every
 *             DETAIL line, not on GROUP or INFORMATION lines), BR-FXEXT-CO-11, -12
 *             (logistics service charges count as charges) and -15, checked here;
 *             BR-FXEXT-CO-10, -13 and BR-FXEXT-*-08 are not (out of our scope). The
 *             line rate rules (BR-*-05) apply to every line that states a category
 *             (inv_check_vat.c).
 * Input is a model built from untrusted XML: every value may be missing.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* The official rules of the BASIC WL schematron that inv_check decides: no line
 * rules (BR-16, BR-CO-04, BR-CO-10, BR-CO-20/23/24, BR-*-05, BR-*-08, BR-O-12), no
 * BR-CO-18/BR-CO-19 (structure rules without an id there), no BR-IC-11/BR-IC-12. */
static const char *const basicwl_rules[] = {
	"BR-01", "BR-02", "BR-03", "BR-04", "BR-05", "BR-06", "BR-07", "BR-08", "BR-09",
	"BR-10", "BR-11", "BR-12", "BR-13", "BR-14", "BR-15",
	"BR-CO-03", "BR-CO-09", "BR-CO-11", "BR-CO-12", "BR-CO-13", "BR-CO-14", "BR-CO-15",
	"BR-CO-16", "BR-CO-17", "BR-CO-21", "BR-CO-22", "BR-CO-26",
	"BR-S-06", "BR-S-07", "BR-S-09", "BR-S-10",
	"BR-Z-06", "BR-Z-07", "BR-Z-09", "BR-Z-10",
	"BR-E-06", "BR-E-07", "BR-E-09", "BR-E-10",
	"BR-AE-06", "BR-AE-07", "BR-AE-09", "BR-AE-10",
	"BR-IC-06", "BR-IC-07", "BR-IC-09", "BR-IC-10",
	"BR-G-06", "BR-G-07", "BR-G-09", "BR-G-10",
	"BR-AF-06", "BR-AF-07", "BR-AF-10", "BR-AG-06", "BR-AG-07", "BR-AG-10",
	"BR-O-06", "BR-O-07", "BR-O-09", "BR-O-10", "BR-O-11", "BR-O-13", "BR-O-14",
	NULL
};

/* Official rules of EN 16931 that the EXTENDED schematron does not have (it has
 * BR-FXEXT-* rules of its own instead). */
static const char *const extended_dropped[] = {
	"BR-CO-04", "BR-CO-10", "BR-CO-11", "BR-CO-12", "BR-CO-13", "BR-CO-15", "BR-CO-26",
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
		return in_table(basicwl_rules, id);
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

/* within_cents - |a - b| <= 0.01 x n */
static int
within_cents(dec_t a, dec_t b, size_t n)
{
	dec_t tol;

	if (dec_mul(dec_from_scaled(1, 2), dec_from_int((int64_t)n), &tol) < 0)
		return 1;
	return dec_cmp(dec_abs(dec_sub(a, b)), tol) <= 0;
}

/* ext_sum - round2 of the document level allowances (charge 0), charges (1) or
 * logistics service charges (2); *n counts them */
static dec_t
ext_sum(const inv_invoice *inv, int kind, size_t *n)
{
	dec_t s = dec_from_int(0);
	size_t i;

	*n = 0;
	for (i = 0; i < inv->n_ac; i++) {
		const inv_allowance_charge *ac = &inv->ac[i];

		if (kind == 0 ? ac->is_charge : kind == 1 ? !ac->is_charge || ac->is_logistics :
		    !ac->is_logistics)
			continue;
		(*n)++;
		if (ac->has_amount)
			s = dec_add(s, ac->amount);
	}
	return inv_round_xpath(s, 2);
}

void
inv_check_extended(const inv_invoice *inv, inv_findings *out)
{
	char a[DEC_FMT_LEN], b[DEC_FMT_LEN], c[DEC_FMT_LEN];
	size_t i, n_allow, n_charge, n_logi;
	dec_t allow, charge, logi, want;

	/* BR-FXEXT-CO-04: DETAIL lines (or lines without a subtype) have a VAT category */
	for (i = 0; i < inv->n_lines; i++) {
		const inv_line *l = &inv->lines[i];

		if (l->status_reason != NULL && strcasecmp(l->status_reason, "DETAIL") != 0)
			continue;
		if (l->vat_category == NULL || l->vat_scheme_other)
			inv_findings_add(out, "BR-FXEXT-CO-04", INV_SEV_ERROR,
			    "line %s has no VAT category code (BT-151)", l->id ? l->id : "?");
	}
	if (!inv->has_totals)
		return;
	allow = ext_sum(inv, 0, &n_allow);
	charge = ext_sum(inv, 1, &n_charge);
	logi = ext_sum(inv, 2, &n_logi);
	/* BR-FXEXT-CO-11: BT-107 = sum of BT-92, within a cent per allowance */
	if ((n_allow > 0 || inv->has_allowance_total) && (!inv->has_allowance_total ||
	    !within_cents(inv->allowance_total, allow, n_allow)))
		inv_findings_add(out, "BR-FXEXT-CO-11", INV_SEV_ERROR,
		    "sum of document level allowances %s differs from BT-107 %s by more than "
		    "a cent per allowance", INV_FMT(allow, a), inv->has_allowance_total ?
		    INV_FMT(inv->allowance_total, b) : "(missing)");
	/* BR-FXEXT-CO-12: BT-108 = sum of BT-99 and the logistics service charges */
	want = dec_add(charge, logi);
	if ((n_charge + n_logi > 0 || inv->has_charge_total) && (!inv->has_charge_total ||
	    !within_cents(inv->charge_total, want, n_charge + n_logi)))
		inv_findings_add(out, "BR-FXEXT-CO-12", INV_SEV_ERROR,
		    "sum of document level and logistics service charges %s differs from "
		    "BT-108 %s by more than a cent per charge", INV_FMT(want, a),
		    inv->has_charge_total ? INV_FMT(inv->charge_total, b) : "(missing)");
	/* BR-FXEXT-CO-15: BT-112 = BT-109 + BT-110, within a cent per line, allowance
	 * and charge; without exactly one BT-110, BT-112 = BT-109. Missing totals are
	 * BR-13/BR-14's business. */
	if (!inv->has_total_with_vat || !inv->has_total_without_vat)
		return;
	if (inv->n_vat_total == 1) {
		want = dec_add(inv->total_without_vat, inv->vat_total);
		if (!within_cents(inv->total_with_vat, want, inv->n_lines + n_allow + n_charge +
		    n_logi))
			inv_findings_add(out, "BR-FXEXT-CO-15", INV_SEV_ERROR,
			    "BT-109 %s + BT-110 %s differs from BT-112 %s by more than a cent "
			    "per line, allowance and charge", INV_FMT(inv->total_without_vat, a),
			    INV_FMT(inv->vat_total, b), INV_FMT(inv->total_with_vat, c));
	} else if (inv->n_vat_total > 1 &&
	    dec_cmp(inv->total_with_vat, inv->total_without_vat) != 0)
		inv_findings_add(out, "BR-FXEXT-CO-15", INV_SEV_ERROR,
		    "%zu invoice total VAT amounts (BT-110), and BT-112 %s is not BT-109 %s",
		    inv->n_vat_total, INV_FMT(inv->total_with_vat, a),
		    INV_FMT(inv->total_without_vat, b));
}
