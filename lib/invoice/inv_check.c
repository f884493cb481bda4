/*
 * inv_check.c - the EN 16931 core presence rules (BR-01..BR-16) and the
 * calculation and consistency rules (BR-CO-*), with the official ids.
 *
 * Input is a model built from untrusted XML: every value may be missing. The
 * arithmetic follows the official validation artefacts (CEN/TC 434 schematron,
 * UBL and CII bindings): sums are exact decimals, rounded to 2 digits with
 * XPath fn:round (half toward positive infinity), and the tolerances are theirs.
 * Where the two bindings differ, the syntax of the invoice decides.
 * Profile-aware: MINIMUM and BASIC-WL carry no lines (nor, for MINIMUM, a
 * buyer address, BT-106 or a VAT breakdown); those gaps are not flagged.
 */
#include <stdio.h>
#include <string.h>

#include "inv_priv.h"

#define ERR INV_SEV_ERROR

/* is_minimum - the Factur-X MINIMUM profile */
static int
is_minimum(const inv_invoice *inv)
{
	return inv->profile != NULL && strcmp(inv->profile, "MINIMUM") == 0;
}

void
inv_check_core(const inv_invoice *inv, inv_findings *out)
{
	int minimum = is_minimum(inv);

	if (inv->customization_id == NULL)
		inv_findings_add(out, "BR-01", ERR, "specification identifier (BT-24) missing");
	if (inv->number == NULL)
		inv_findings_add(out, "BR-02", ERR, "invoice number (BT-1) missing");
	if (inv->issue_date == NULL)
		inv_findings_add(out, "BR-03", ERR, "invoice issue date (BT-2) missing");
	if (inv->type_code == NULL)
		inv_findings_add(out, "BR-04", ERR, "invoice type code (BT-3) missing");
	if (inv->currency == NULL)
		inv_findings_add(out, "BR-05", ERR, "invoice currency code (BT-5) missing");
	if (inv->seller.name == NULL)
		inv_findings_add(out, "BR-06", ERR, "seller name (BT-27) missing");
	if (inv->buyer.name == NULL)
		inv_findings_add(out, "BR-07", ERR, "buyer name (BT-44) missing");
	if (!inv->seller.has_address)
		inv_findings_add(out, "BR-08", ERR, "seller postal address (BG-5) missing");
	else if (inv->seller.country == NULL)
		inv_findings_add(out, "BR-09", ERR, "seller country code (BT-40) missing");
	if (!minimum) {
		if (!inv->buyer.has_address)
			inv_findings_add(out, "BR-10", ERR,
			    "buyer postal address (BG-8) missing");
		else if (inv->buyer.country == NULL)
			inv_findings_add(out, "BR-11", ERR,
			    "buyer country code (BT-55) missing");
	}
	if (inv->has_totals) {
		if (!inv->has_line_total && !minimum)
			inv_findings_add(out, "BR-12", ERR,
			    "sum of invoice line net amounts (BT-106) missing");
		if (!inv->has_total_without_vat)
			inv_findings_add(out, "BR-13", ERR,
			    "invoice total without VAT (BT-109) missing");
		if (!inv->has_total_with_vat)
			inv_findings_add(out, "BR-14", ERR,
			    "invoice total with VAT (BT-112) missing");
		if (!inv->has_amount_due)
			inv_findings_add(out, "BR-15", ERR,
			    "amount due for payment (BT-115) missing");
	}
	if (inv->n_lines == 0 && !inv_profile_is_reduced(inv))
		inv_findings_add(out, "BR-16", ERR, "the invoice has no invoice line (BG-25)");
}

/* ISO 3166-1 alpha-2 codes, plus EL, XI and 1A, that a VAT identifier may start with */
static const char vat_prefixes[] =
    " 1A AD AE AF AG AI AL AM AN AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BL"
    " BJ BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV"
    " CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH EL ER ES ET FI FJ FK FM FO FR GA GB GD"
    " GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN"
    " IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS"
    " LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ"
    " NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY"
    " QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ"
    " TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI"
    " VN VU WF WS XI YE YT ZA ZM ZW ";

/* check_vat_prefix - BR-CO-09 for one VAT identifier */
static void
check_vat_prefix(const char *who, const char *vat_id, inv_findings *out)
{
	char code[5];

	if (vat_id == NULL)
		return;
	if (strlen(vat_id) >= 2 && vat_id[0] != ' ' && vat_id[1] != ' ') {
		code[0] = ' ';		/* " XX " */
		code[1] = vat_id[0];
		code[2] = vat_id[1];
		code[3] = ' ';
		code[4] = '\0';
		if (strstr(vat_prefixes, code) != NULL)
			return;
	}
	inv_findings_add(out, "BR-CO-09", ERR,
	    "%s VAT identifier \"%s\" does not start with an ISO 3166-1 country code",
	    who, vat_id);
}

/* round2 - the artefacts' round(x * 10 * 10) div 100 */
static dec_t
round2(dec_t a)
{
	return inv_round_xpath(a, 2);
}

/* sum_ac - sum of document level allowances (charge 0) or charges (charge 1); *n counts */
static dec_t
sum_ac(const inv_invoice *inv, int charge, size_t *n)
{
	dec_t s = dec_from_int(0);
	size_t i;

	*n = 0;
	for (i = 0; i < inv->n_ac; i++)
		if (inv->ac[i].is_charge == charge) {
			(*n)++;
			if (inv->ac[i].has_amount)
				s = dec_add(s, inv->ac[i].amount);
		}
	return s;
}

/* check_totals - BR-CO-10 .. BR-CO-13 and BR-CO-16 (context: the document totals) */
static void
check_totals(const inv_invoice *inv, inv_findings *out)
{
	char a[DEC_FMT_LEN], b[DEC_FMT_LEN], c[DEC_FMT_LEN], d[DEC_FMT_LEN], e[DEC_FMT_LEN];
	int ubl = inv->syntax == INV_SYNTAX_UBL;
	dec_t sum = dec_from_int(0), want, lhs, rhs, zero = dec_from_int(0);
	size_t i, n_allow, n_charge;

	if (!inv->has_totals)
		return;
	/* BR-CO-10: BT-106 = sum of BT-131 */
	for (i = 0; i < inv->n_lines; i++)
		if (inv->lines[i].has_net_amount && inv_line_in_totals(inv, &inv->lines[i]))
			sum = dec_add(sum, inv->lines[i].net_amount);
	want = round2(sum);
	if (!inv_profile_is_reduced(inv)) {
		if (!inv->has_line_total)
			inv_findings_add(out, "BR-CO-10", ERR,
			    "sum of line net amounts %s but BT-106 is missing", INV_FMT(want, a));
		else if (dec_cmp(inv->line_total, want) != 0)
			inv_findings_add(out, "BR-CO-10", ERR,
			    "sum of line net amounts %s differs from BT-106 %s",
			    INV_FMT(want, a), INV_FMT(inv->line_total, b));
	}

	/* BR-CO-11, BR-CO-12: BT-107/BT-108 = sums of document level allowances/charges */
	sum = sum_ac(inv, 0, &n_allow);
	if ((n_allow > 0 || inv->has_allowance_total) &&
	    (!inv->has_allowance_total || dec_cmp(inv->allowance_total, round2(sum)) != 0))
		inv_findings_add(out, "BR-CO-11", ERR,
		    "sum of document level allowances %s differs from BT-107 %s",
		    INV_FMT(round2(sum), a), inv->has_allowance_total ?
		    INV_FMT(inv->allowance_total, b) : "(missing)");
	sum = sum_ac(inv, 1, &n_charge);
	if ((n_charge > 0 || inv->has_charge_total) &&
	    (!inv->has_charge_total || dec_cmp(inv->charge_total, round2(sum)) != 0))
		inv_findings_add(out, "BR-CO-12", ERR,
		    "sum of document level charges %s differs from BT-108 %s",
		    INV_FMT(round2(sum), a), inv->has_charge_total ?
		    INV_FMT(inv->charge_total, b) : "(missing)");

	/* BR-CO-13: BT-109 = BT-106 - BT-107 + BT-108 */
	if (inv->has_line_total && inv->has_total_without_vat) {
		want = inv->line_total;
		if (inv->has_allowance_total)
			want = dec_sub(want, inv->allowance_total);
		if (inv->has_charge_total)
			want = dec_add(want, inv->charge_total);
		if (!ubl || inv->has_allowance_total || inv->has_charge_total)
			want = round2(want);
		if (dec_cmp(inv->total_without_vat, want) != 0)
			inv_findings_add(out, "BR-CO-13", ERR,
			    "BT-106 %s - BT-107 %s + BT-108 %s = %s differs from BT-109 %s",
			    INV_FMT(inv->line_total, a),
			    inv->has_allowance_total ? INV_FMT(inv->allowance_total, b) : "0",
			    inv->has_charge_total ? INV_FMT(inv->charge_total, c) : "0",
			    INV_FMT(want, d), INV_FMT(inv->total_without_vat, e));
	} else if (!(is_minimum(inv) && !inv->has_line_total))
		inv_findings_add(out, "BR-CO-13", ERR, "cannot compute BT-109: %s missing",
		    inv->has_line_total ? "BT-109" : "BT-106");

	/* BR-CO-16: BT-115 = BT-112 - BT-113 + BT-114 */
	if (!inv->has_amount_due || !inv->has_total_with_vat) {
		inv_findings_add(out, "BR-CO-16", ERR, "cannot compute BT-115: %s missing",
		    inv->has_amount_due ? "BT-112" : "BT-115");
		return;
	}
	if (ubl) {
		lhs = inv->amount_due;
		if (inv->has_rounding)
			lhs = round2(dec_sub(lhs, inv->rounding));
		rhs = inv->total_with_vat;
		if (inv->has_prepaid)
			rhs = round2(dec_sub(rhs, inv->prepaid));
	} else {
		lhs = inv->amount_due;
		rhs = dec_add(dec_sub(inv->total_with_vat, inv->has_prepaid ? inv->prepaid :
		    zero), inv->has_rounding ? inv->rounding : zero);
	}
	if (dec_cmp(lhs, rhs) != 0)
		inv_findings_add(out, "BR-CO-16", ERR,
		    "BT-112 %s - BT-113 %s + BT-114 %s differs from BT-115 %s",
		    INV_FMT(inv->total_with_vat, a),
		    inv->has_prepaid ? INV_FMT(inv->prepaid, b) : "0",
		    inv->has_rounding ? INV_FMT(inv->rounding, c) : "0",
		    INV_FMT(inv->amount_due, d));
}

/* vat_expected - round2(|taxable| * rate / 100) as the artefacts compute it; -1 on overflow */
static int
vat_expected(dec_t taxable, dec_t rate, dec_t *out)
{
	dec_t p;

	if (dec_mul(dec_abs(taxable), rate, &p) < 0)
		return -1;
	if (p.scale + 2 > DEC_MAX_SCALE)
		p = dec_round(p, DEC_MAX_SCALE - 2);
	p.scale += 2;		/* divide by 100 */
	*out = round2(p);
	return 0;
}

/* within_one - |a| - 1 < e < |a| + 1 (strict) or <=/>= (inclusive) */
static int
within_one(dec_t a, dec_t e, int inclusive)
{
	dec_t one = dec_from_int(1), lo = dec_sub(dec_abs(a), one), hi = dec_add(dec_abs(a), one);

	if (inclusive)
		return dec_cmp(lo, e) <= 0 && dec_cmp(hi, e) >= 0;
	return dec_cmp(lo, e) < 0 && dec_cmp(hi, e) > 0;
}

/* check_co17 - BR-CO-17 for each VAT breakdown */
static void
check_co17(const inv_invoice *inv, inv_findings *out)
{
	char a[DEC_FMT_LEN], b[DEC_FMT_LEN], c[DEC_FMT_LEN], d[DEC_FMT_LEN];
	int cii = inv->syntax == INV_SYNTAX_CII, ok;
	size_t i;
	dec_t e;

	for (i = 0; i < inv->n_vat; i++) {
		const inv_vat *v = &inv->vat[i];

		if (!v->has_tax)
			ok = 0;
		else if (!v->has_rate || dec_is_zero(inv_round_xpath(v->rate, 0)))
			ok = dec_is_zero(inv_round_xpath(v->tax, 0));
		else if (!v->has_taxable || vat_expected(v->taxable, v->rate, &e) < 0)
			ok = 0;
		else
			ok = within_one(v->tax, e, cii);
		if (ok)
			continue;
		if (v->has_tax && v->has_taxable && v->has_rate &&
		    vat_expected(v->taxable, v->rate, &e) == 0)
			inv_findings_add(out, "BR-CO-17", ERR,
			    "VAT category %s: taxable %s x %s%% = %s differs from tax amount %s",
			    v->category ? v->category : "?", INV_FMT(v->taxable, a),
			    INV_FMT(v->rate, b), INV_FMT(e, c), INV_FMT(v->tax, d));
		else
			inv_findings_add(out, "BR-CO-17", ERR,
			    "VAT category %s: tax amount %s does not match its taxable amount "
			    "and rate", v->category ? v->category : "?",
			    v->has_tax ? INV_FMT(v->tax, a) : "(missing)");
	}
}

/* check_vat_totals - BR-CO-14, BR-CO-15, BR-CO-18 */
static void
check_vat_totals(const inv_invoice *inv, inv_findings *out)
{
	char a[DEC_FMT_LEN], b[DEC_FMT_LEN], c[DEC_FMT_LEN];
	int ubl = inv->syntax == INV_SYNTAX_UBL, ok;
	dec_t sum = dec_from_int(0), want;
	size_t i;

	for (i = 0; i < inv->n_vat; i++)
		if (inv->vat[i].has_tax)
			sum = dec_add(sum, inv->vat[i].tax);
	/* BR-CO-14: BT-110 = sum of BT-117 (UBL: only where a breakdown is given) */
	if (inv->has_vat_total && (inv->n_vat > 0 || (!ubl && !is_minimum(inv))) &&
	    dec_cmp(inv->vat_total, round2(sum)) != 0)
		inv_findings_add(out, "BR-CO-14", ERR,
		    "sum of VAT category tax amounts %s differs from BT-110 %s",
		    INV_FMT(round2(sum), a), INV_FMT(inv->vat_total, b));

	/* BR-CO-15: BT-112 = BT-109 + BT-110 (exactly one BT-110) */
	ok = 0;
	if (inv->n_vat_total == 1 && inv->has_total_with_vat && inv->has_total_without_vat) {
		want = round2(dec_add(inv->total_without_vat, inv->vat_total));
		ok = dec_cmp(inv->total_with_vat, want) == 0;
	}
	if (!ok && !ubl && inv->has_total_with_vat && inv->has_total_without_vat &&
	    dec_cmp(inv->total_with_vat, inv->total_without_vat) == 0)
		ok = 1;
	if (!ok) {
		if (inv->n_vat_total > 1)
			inv_findings_add(out, "BR-CO-15", ERR,
			    "%zu invoice total VAT amounts (BT-110) in %s, expected one",
			    inv->n_vat_total, inv->currency ? inv->currency : "the document currency");
		else if (inv->n_vat_total == 1 && inv->has_total_with_vat &&
		    inv->has_total_without_vat)
			inv_findings_add(out, "BR-CO-15", ERR,
			    "BT-109 %s + BT-110 %s differs from BT-112 %s",
			    INV_FMT(inv->total_without_vat, a), INV_FMT(inv->vat_total, b),
			    INV_FMT(inv->total_with_vat, c));
		else
			inv_findings_add(out, "BR-CO-15", ERR,
			    "cannot compute BT-112: BT-109, BT-110 (in %s) or BT-112 missing",
			    inv->currency ? inv->currency : "the document currency");
	}
	/* BR-CO-18: at least one VAT breakdown */
	if (inv->n_vat == 0 && !is_minimum(inv))
		inv_findings_add(out, "BR-CO-18", ERR, "no VAT breakdown (BG-23)");
}

/* check_reasons - BR-CO-21 .. BR-CO-24: allowances and charges need a reason or a code */
static void
check_reasons(const inv_invoice *inv, inv_findings *out)
{
	size_t i, j;

	for (i = 0; i < inv->n_ac; i++)
		if (inv->ac[i].reason == NULL && inv->ac[i].reason_code == NULL)
			inv_findings_add(out, inv->ac[i].is_charge ? "BR-CO-22" : "BR-CO-21",
			    ERR, "document level %s without a reason or reason code",
			    inv->ac[i].is_charge ? "charge" : "allowance");
	for (i = 0; i < inv->n_lines; i++)
		for (j = 0; j < inv->lines[i].n_ac; j++) {
			const inv_allowance_charge *ac = &inv->lines[i].ac[j];

			if (ac->reason == NULL && ac->reason_code == NULL)
				inv_findings_add(out, ac->is_charge ? "BR-CO-24" : "BR-CO-23",
				    ERR, "line %s: %s without a reason or reason code",
				    inv->lines[i].id ? inv->lines[i].id : "?",
				    ac->is_charge ? "charge" : "allowance");
		}
}

void
inv_check_co(const inv_invoice *inv, inv_findings *out)
{
	size_t i;

	/* BR-CO-03: tax point date and its code are mutually exclusive */
	if (inv->tax_point_date != NULL && inv->tax_point_code != NULL)
		inv_findings_add(out, "BR-CO-03", ERR,
		    "both VAT point date (BT-7) %s and its code (BT-8) %s are given",
		    inv->tax_point_date, inv->tax_point_code);
	/* BR-CO-04: every line has a VAT category (EXTENDED has its own BR-FXEXT-CO-04
	 * instead, for DETAIL lines only: inv_check_profile.c) */
	for (i = 0; i < inv->n_lines; i++)
		if (inv->lines[i].vat_category == NULL || inv->lines[i].vat_scheme_other)
			inv_findings_add(out, "BR-CO-04", ERR,
			    "line %s has no VAT category code (BT-151)",
			    inv->lines[i].id ? inv->lines[i].id : "?");
	/* BR-CO-09: VAT identifiers start with a country code */
	check_vat_prefix("seller", inv->seller.vat_id, out);
	check_vat_prefix("buyer", inv->buyer.vat_id, out);
	check_vat_prefix("seller tax representative", inv->seller_tax_rep_vat_id, out);

	check_totals(inv, out);
	check_vat_totals(inv, out);
	check_co17(inv, out);

	/* BR-CO-19, BR-CO-20: a period has a start or an end */
	if (inv->has_period && !inv->has_period_date)
		inv_findings_add(out, "BR-CO-19", ERR,
		    "invoicing period (BG-14) without start or end date");
	for (i = 0; i < inv->n_lines; i++)
		if (inv->lines[i].has_period && !inv->lines[i].has_period_date)
			inv_findings_add(out, "BR-CO-20", ERR,
			    "line %s: period (BG-26) without start or end date",
			    inv->lines[i].id ? inv->lines[i].id : "?");
	check_reasons(inv, out);
	/* BR-CO-25 (due date or terms for a positive amount due) is not checked: the
	 * official artefacts dropped it in release 1.3.16 */
	/* BR-CO-26: the seller is identified somehow */
	if (inv->seller.present && inv->seller.vat_id == NULL &&
	    inv->seller.identifier == NULL && inv->seller.legal_id == NULL)
		inv_findings_add(out, "BR-CO-26", ERR,
		    "seller has no identifier (BT-29), legal registration (BT-30) "
		    "or VAT identifier (BT-31)");
}

void
inv_check(const inv_invoice *inv, inv_findings *out)
{
	size_t from;

	if (inv == NULL || out == NULL)
		return;
	from = out->n;
	inv_check_core(inv, out);
	inv_check_co(inv, out);
	inv_check_vat(inv, out);
	inv_check_profile(inv, out, from);	/* MINIMUM, BASIC WL, EXTENDED: their own rules */
	if (inv_profile_is_extended(inv))
		inv_check_extended(inv, out);
	inv_check_ps(inv, out);
}
