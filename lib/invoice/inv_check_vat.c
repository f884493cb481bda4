/*
 * inv_check_vat.c - the EN 16931 rules per VAT category, numbers 05 to 10 (rates
 * on lines, allowances and charges; taxable and tax amounts of the breakdown;
 * exemption reasons), plus the cross-field extras BR-IC-11/12 and BR-O-11..14.
 *
 * Official ids: S standard, Z zero, E exempt, AE reverse charge, K intra-community
 * (BR-IC-*), G export (BR-G-*), O outside scope (BR-O-*), L Canary Islands IGIC
 * (the artefacts' BR-AF-*, "BR-IG" in the standard's text), M Ceuta/Melilla IPSI
 * (BR-AG-*, "BR-IP"). Every category has all of 05..10 (BR-IC-10 included).
 * Input is a model built from untrusted XML; arithmetic and tolerances follow the
 * official artefacts per syntax binding (they differ between UBL and CII).
 */
#include <stdio.h>
#include <string.h>

#include "inv_priv.h"

#define ERR INV_SEV_ERROR

enum rate_rule { RATE_GT0, RATE_EQ0, RATE_GE0, RATE_ABSENT };
enum sum_rule {
	SUM_PER_RATE,	/* S, L, M: per VAT rate */
	SUM_CATEGORY	/* Z, E, AE, K, G, O: the whole category */
};

static const struct vat_cat {
	const char *code;		/* BT-118/BT-151 value */
	const char *prefix;		/* rule id prefix */
	enum rate_rule rate_ubl, rate_cii;
	enum sum_rule sum;
	int tax_zero;			/* 09: tax amount must be 0 (else computed) */
	int exemption_required;		/* 10: 1 required, 0 forbidden */
} vat_cats[] = {
	{ "S", "BR-S", RATE_GT0, RATE_GT0, SUM_PER_RATE, 0, 0 },
	{ "Z", "BR-Z", RATE_EQ0, RATE_EQ0, SUM_CATEGORY, 1, 0 },
	{ "E", "BR-E", RATE_EQ0, RATE_EQ0, SUM_CATEGORY, 1, 1 },
	{ "AE", "BR-AE", RATE_EQ0, RATE_EQ0, SUM_CATEGORY, 1, 1 },
	{ "K", "BR-IC", RATE_EQ0, RATE_EQ0, SUM_CATEGORY, 1, 1 },
	{ "G", "BR-G", RATE_EQ0, RATE_EQ0, SUM_CATEGORY, 1, 1 },
	{ "O", "BR-O", RATE_ABSENT, RATE_ABSENT, SUM_CATEGORY, 1, 1 },
	{ "L", "BR-AF", RATE_GE0, RATE_GT0, SUM_PER_RATE, 0, 0 },
	{ "M", "BR-AG", RATE_GE0, RATE_GE0, SUM_PER_RATE, 0, 0 },
	{ NULL, NULL, 0, 0, 0, 0, 0 }
};

/* rule_id - "<prefix>-<nn>" into buf */
static const char *
rule_id(const struct vat_cat *c, int nn, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%02d", c->prefix, nn);
	return buf;
}

/* same_cat - category strings equal (NULL never matches) */
static int
same_cat(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* rate_ok - does a rate (present or not) satisfy the rule */
static int
rate_ok(enum rate_rule r, int has, dec_t rate)
{
	switch (r) {
	case RATE_GT0:
		return has && dec_sign(rate) > 0;
	case RATE_EQ0:
		return has && dec_is_zero(rate);
	case RATE_GE0:
		return has && dec_sign(rate) >= 0;
	case RATE_ABSENT:
		return !has;
	}
	return 1;
}

static const char *
rate_words(enum rate_rule r)
{
	switch (r) {
	case RATE_GT0:
		return "greater than zero";
	case RATE_EQ0:
		return "0";
	case RATE_GE0:
		return "zero or more";
	case RATE_ABSENT:
		return "absent";
	}
	return "";
}

/* check_rates - 05 (lines), 06 (allowances), 07 (charges) */
static void
check_rates(const inv_invoice *inv, const struct vat_cat *c, inv_findings *out)
{
	enum rate_rule r = inv->syntax == INV_SYNTAX_CII ? c->rate_cii : c->rate_ubl;
	char id[16], a[DEC_FMT_LEN];
	size_t i;

	for (i = 0; i < inv->n_lines; i++) {
		const inv_line *l = &inv->lines[i];

		/* the EN 16931 view of an EXTENDED invoice leaves out group and information
		 * lines; the EXTENDED schematron checks the rate of every line that states
		 * a category */
		if (!same_cat(l->vat_category, c->code) ||
		    (!inv_profile_is_extended(inv) && !inv_line_in_vat(inv, l)) ||
		    l->vat_scheme_other || rate_ok(r, l->has_vat_rate, l->vat_rate))
			continue;
		inv_findings_add(out, rule_id(c, 5, id, sizeof(id)), ERR,
		    "line %s: VAT category %s with rate %s, must be %s",
		    l->id ? l->id : "?", c->code,
		    l->has_vat_rate ? INV_FMT(l->vat_rate, a) : "(missing)", rate_words(r));
	}
	for (i = 0; i < inv->n_ac; i++) {
		const inv_allowance_charge *ac = &inv->ac[i];

		if (!same_cat(ac->vat_category, c->code) || ac->vat_scheme_other ||
		    rate_ok(r, ac->has_vat_rate, ac->vat_rate))
			continue;
		inv_findings_add(out, rule_id(c, ac->is_charge ? 7 : 6, id, sizeof(id)), ERR,
		    "document level %s: VAT category %s with rate %s, must be %s",
		    ac->is_charge ? "charge" : "allowance", c->code,
		    ac->has_vat_rate ? INV_FMT(ac->vat_rate, a) : "(missing)", rate_words(r));
	}
}

/* The parts of a breakdown's expected taxable amount. */
struct parts {
	dec_t lines, charges, allowances;
	int matched;		/* a line or allowance/charge matched */
};

/* collect - sum the lines and document level allowances/charges of category c
 * (and, when rate is given, of that VAT rate) */
static void
collect(const inv_invoice *inv, const char *code, const dec_t *rate, struct parts *p)
{
	size_t i;

	p->lines = p->charges = p->allowances = dec_from_int(0);
	p->matched = 0;
	for (i = 0; i < inv->n_lines; i++) {
		const inv_line *l = &inv->lines[i];

		if (!same_cat(l->vat_category, code) || !inv_line_in_vat(inv, l))
			continue;
		if (rate != NULL && (!l->has_vat_rate || dec_cmp(l->vat_rate, *rate) != 0))
			continue;
		p->matched = 1;
		if (l->has_net_amount)
			p->lines = dec_add(p->lines, l->net_amount);
	}
	for (i = 0; i < inv->n_ac; i++) {
		const inv_allowance_charge *ac = &inv->ac[i];

		if (!same_cat(ac->vat_category, code))
			continue;
		if (rate != NULL && (!ac->has_vat_rate || dec_cmp(ac->vat_rate, *rate) != 0))
			continue;
		p->matched = 1;
		if (!ac->has_amount)
			continue;
		if (ac->is_charge)
			p->charges = dec_add(p->charges, ac->amount);
		else
			p->allowances = dec_add(p->allowances, ac->amount);
	}
}

/* strictly_within_one - taxable - 1 < sum < taxable + 1 */
static int
strictly_within_one(dec_t taxable, dec_t sum)
{
	dec_t one = dec_from_int(1);

	return dec_cmp(dec_sub(taxable, one), sum) < 0 && dec_cmp(dec_add(taxable, one), sum) > 0;
}

/* check_taxable - 08: the breakdown's taxable amount against the lines and
 * allowances/charges of its category (and rate), as each binding computes it */
static void
check_taxable(const inv_invoice *inv, const struct vat_cat *c, const inv_vat *v,
    inv_findings *out)
{
	char id[16], a[DEC_FMT_LEN], b[DEC_FMT_LEN], r[DEC_FMT_LEN];
	int cii = inv->syntax == INV_SYNTAX_CII, ok;
	struct parts p;
	dec_t sum;

	if (inv_profile_is_reduced(inv))
		return;		/* no lines in the profile: nothing to sum */
	if (c->sum == SUM_PER_RATE && !v->has_rate)
		return;		/* "every $rate in ()" holds */
	collect(inv, c->code, c->sum == SUM_PER_RATE ? &v->rate : NULL, &p);
	if (cii) {
		sum = dec_sub(dec_add(inv_round_xpath(p.lines, 2), inv_round_xpath(p.charges, 2)),
		    inv_round_xpath(p.allowances, 2));
		if (!v->has_taxable)
			ok = 0;
		else if (c->sum == SUM_PER_RATE || strcmp(c->code, "O") == 0)
			ok = dec_cmp(v->taxable, sum) == 0;
		else
			ok = strictly_within_one(v->taxable, sum);
	} else {
		sum = dec_sub(dec_add(p.lines, p.charges), p.allowances);
		if (!v->has_taxable || inv->n_lines == 0)
			ok = 0;
		else if (strcmp(c->code, "S") == 0)
			ok = p.matched && strictly_within_one(v->taxable, sum);
		else if (c->sum == SUM_PER_RATE)
			ok = strictly_within_one(v->taxable, sum);
		else
			ok = dec_cmp(v->taxable, sum) == 0;
	}
	if (ok)
		return;
	if (c->sum == SUM_PER_RATE)
		snprintf(r, sizeof(r), " at %s%%", INV_FMT(v->rate, a));
	else
		r[0] = '\0';
	inv_findings_add(out, rule_id(c, 8, id, sizeof(id)), ERR,
	    "VAT category %s%s: lines + charges - allowances = %s differs from taxable "
	    "amount %s", c->code, r, INV_FMT(sum, a),
	    v->has_taxable ? INV_FMT(v->taxable, b) : "(missing)");
}

/* check_tax - 09: the breakdown's tax amount */
static void
check_tax(const inv_invoice *inv, const struct vat_cat *c, const inv_vat *v,
    inv_findings *out)
{
	char id[16], a[DEC_FMT_LEN], b[DEC_FMT_LEN];
	dec_t p, e, one = dec_from_int(1);
	int ok;

	if (c->tax_zero) {
		if (v->has_tax && dec_is_zero(v->tax))
			return;
		inv_findings_add(out, rule_id(c, 9, id, sizeof(id)), ERR,
		    "VAT category %s: tax amount %s, must be 0", c->code,
		    v->has_tax ? INV_FMT(v->tax, a) : "(missing)");
		return;
	}
	if (inv->syntax == INV_SYNTAX_CII && strcmp(c->code, "S") != 0)
		return;		/* the CII binding leaves L and M to BR-CO-17 */
	ok = 0;
	if (v->has_tax && v->has_taxable && v->has_rate &&
	    dec_mul(dec_abs(v->taxable), v->rate, &p) == 0) {
		if (p.scale + 2 > DEC_MAX_SCALE)
			p = dec_round(p, DEC_MAX_SCALE - 2);
		p.scale += 2;
		e = inv_round_xpath(p, 2);
		ok = dec_cmp(dec_sub(dec_abs(v->tax), one), e) < 0 &&
		    dec_cmp(dec_add(dec_abs(v->tax), one), e) > 0;
	} else
		e = dec_from_int(0);
	if (!ok)
		inv_findings_add(out, rule_id(c, 9, id, sizeof(id)), ERR,
		    "VAT category %s: tax amount %s differs from taxable x rate = %s",
		    c->code, v->has_tax ? INV_FMT(v->tax, a) : "(missing)", INV_FMT(e, b));
}

/* check_exemption - 10: exemption reason required or forbidden */
static void
check_exemption(const struct vat_cat *c, const inv_vat *v, inv_findings *out)
{
	char id[16];
	int has = v->exemption_reason != NULL || v->exemption_code != NULL;

	if (c->exemption_required && !has)
		inv_findings_add(out, rule_id(c, 10, id, sizeof(id)), ERR,
		    "VAT category %s needs an exemption reason (BT-120) or code (BT-121)",
		    c->code);
	else if (!c->exemption_required && has)
		inv_findings_add(out, rule_id(c, 10, id, sizeof(id)), ERR,
		    "VAT category %s must not have an exemption reason (\"%s\")", c->code,
		    v->exemption_reason ? v->exemption_reason : v->exemption_code);
}

/* check_k_and_o - BR-IC-11, BR-IC-12, BR-O-11 .. BR-O-14 */
static void
check_k_and_o(const inv_invoice *inv, inv_findings *out)
{
	int has_k = 0, has_o = 0, other_vat = 0, other_line = 0, other_allow = 0;
	int other_charge = 0, cii = inv->syntax == INV_SYNTAX_CII;
	size_t i;

	for (i = 0; i < inv->n_vat; i++) {
		if (same_cat(inv->vat[i].category, "K"))
			has_k = 1;
		if (same_cat(inv->vat[i].category, "O"))
			has_o = 1;
		else if (inv->vat[i].category != NULL)
			other_vat = 1;
	}
	if (has_k && inv->actual_delivery_date == NULL && !inv->has_period_date)
		inv_findings_add(out, "BR-IC-11", ERR, "intra-community supply (K) without "
		    "an actual delivery date (BT-72) or invoicing period (BG-14)");
	if (has_k && inv->deliver_to_country == NULL)
		inv_findings_add(out, "BR-IC-12", ERR, "intra-community supply (K) without "
		    "a deliver to country code (BT-80)");
	if (!has_o)
		return;
	for (i = 0; i < inv->n_lines; i++)
		if (inv->lines[i].vat_category != NULL && !inv->lines[i].vat_scheme_other &&
		    strcmp(inv->lines[i].vat_category, "O") != 0)
			other_line = 1;
	for (i = 0; i < inv->n_ac; i++)
		if (inv->ac[i].vat_category != NULL && !inv->ac[i].vat_scheme_other &&
		    strcmp(inv->ac[i].vat_category, "O") != 0) {
			if (inv->ac[i].is_charge)
				other_charge = 1;
			else
				other_allow = 1;
		}
	if (cii) {		/* the CII binding looks at every trade tax at once */
		other_vat = other_line = other_vat || other_line;
		other_allow = other_charge = other_allow || other_charge;
	}
	if (other_vat)
		inv_findings_add(out, "BR-O-11", ERR, "a VAT breakdown of category O (not "
		    "subject to VAT) beside breakdowns of other categories");
	if (other_line)
		inv_findings_add(out, "BR-O-12", ERR, "category O (not subject to VAT) "
		    "beside invoice lines of other categories");
	if (other_allow)
		inv_findings_add(out, "BR-O-13", ERR, "category O (not subject to VAT) "
		    "beside document level allowances of other categories");
	if (other_charge)
		inv_findings_add(out, "BR-O-14", ERR, "category O (not subject to VAT) "
		    "beside document level charges of other categories");
}

void
inv_check_vat(const inv_invoice *inv, inv_findings *out)
{
	const struct vat_cat *c;
	size_t i;

	for (c = vat_cats; c->code != NULL; c++) {
		check_rates(inv, c, out);
		for (i = 0; i < inv->n_vat; i++) {
			if (!same_cat(inv->vat[i].category, c->code))
				continue;
			check_taxable(inv, c, &inv->vat[i], out);
			check_tax(inv, c, &inv->vat[i], out);
			check_exemption(c, &inv->vat[i], out);
		}
	}
	check_k_and_o(inv, out);
}
