/*
 * inv_check_ps.c - postsale's own invoice rules, beyond EN 16931:
 *   PS-LINE-NET  line net amount = quantity x (net price / price base quantity)
 *                + line charges - line allowances, within the rounding the stated
 *                figures allow (one cent, plus the drift of a price rounded to its
 *                decimals; whole units for currencies used without minor units).
 *                Some sellers state the line at the gross price (e.g. insurance
 *                with insurance tax included): that is accepted too. The message
 *                names the likely cause (a base quantity equal to the price ...);
 *   PS-DUE-DATE  the payment due date is not before the issue date (published
 *                genuine samples have it, e.g. a final invoice issued after the
 *                payment fell due);
 *   PS-CURRENCY  every amount is in the invoice currency (BT-111 aside);
 *   PS-AMOUNT    every amount is an xs:decimal (the message says why not).
 * All are warnings here, as every rule beyond the official artefacts is: true and
 * worth showing, not grounds to hold an invoice; error-rules raises chosen ones
 * (inv_severity.c). Input is a model built from untrusted XML.
 */
#include <string.h>

#include "inv_priv.h"

#define WARN INV_SEV_WARNING	/* postsale's own rules: see inv_severity.c */

/* is_iso_date - "YYYY-MM-DD" */
static int
is_iso_date(const char *s)
{
	int i;

	if (s == NULL || strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

/* Currencies whose amounts are in practice whole units (no minor unit used). */
static const char *const whole_unit_currencies[] = {
	"HUF", "JPY", "KRW", "ISK", "CLP", "VND", "PYG", "UGX", "XAF", "XOF", NULL
};

/* whole_units - 1 if amounts in cur are customarily rounded to whole units */
static int
whole_units(const char *cur)
{
	const char *const *c;

	for (c = whole_unit_currencies; cur != NULL && *c != NULL; c++)
		if (strcmp(*c, cur) == 0)
			return 1;
	return 0;
}

int
inv_line_net(const inv_line *l, dec_t price, dec_t *out)
{
	return inv_line_net_at(l, price, 16, out);
}

int
inv_line_net_at(const inv_line *l, dec_t price, int scale, dec_t *out)
{
	dec_t v, base;
	size_t i;

	if (dec_mul(l->quantity, price, &v) < 0)
		return -1;
	base = l->has_base_quantity && !dec_is_zero(l->base_quantity) ?
	    l->base_quantity : dec_from_int(1);
	if (dec_div(v, base, v.scale > scale ? v.scale : scale, &v) < 0)
		return -1;
	for (i = 0; i < l->n_ac; i++) {
		if (!l->ac[i].has_amount)
			continue;
		if ((l->ac[i].is_charge ? dec_add_ok(v, l->ac[i].amount, &v) :
		    dec_sub_ok(v, l->ac[i].amount, &v)) < 0)
			return -1;
	}
	*out = v;
	return 0;
}

/* price_slack - how far quantity x price may drift because the price itself was
 * rounded to its stated decimals: |quantity| x half a unit of the last decimal
 * (divided by the base quantity), plus one cent for rounding the line */
static dec_t
price_slack(const inv_line *l, dec_t price)
{
	dec_t half = dec_from_scaled(5, price.scale + 1), s, base;

	if (price.scale + 1 > DEC_MAX_SCALE || dec_mul(dec_abs(l->quantity), half, &s) < 0)
		return dec_from_int(0);
	base = l->has_base_quantity && !dec_is_zero(l->base_quantity) ?
	    dec_abs(l->base_quantity) : dec_from_int(1);
	if (dec_div(s, base, 16, &s) < 0)
		return dec_from_int(0);
	return dec_add(s, dec_from_scaled(1, 2));
}

/* explains - does price (net, or gross as some sellers state the line) give the
 * line's net amount within the rounding slack? *net is what the figures give, unrounded
 * (set unless it returns 1 for a line beyond our range) */
static int
explains(const inv_invoice *inv, const inv_line *l, dec_t price, dec_t *net)
{
	dec_t v, diff;

	if (inv_line_net(l, price, &v) < 0)
		return 1;	/* beyond our range: no verdict */
	*net = v;
	diff = dec_abs(dec_sub(v, l->net_amount));
	/* the slack is never negative: an exact line needs none computed */
	if (dec_is_zero(diff) || dec_cmp(diff, price_slack(l, price)) <= 0)
		return 1;
	return whole_units(inv->currency) && dec_cmp(dec_round(v, 0),
	    dec_round(l->net_amount, 0)) == 0;
}

/* likely_cause - what most probably makes a line's figures disagree (static text) */
static const char *
likely_cause(const inv_line *l, dec_t want)
{
	dec_t one = dec_from_int(1);

	if (l->has_base_quantity && dec_cmp(l->base_quantity, one) != 0 &&
	    dec_cmp(dec_abs(l->base_quantity), dec_abs(l->net_price)) == 0)
		return "the base quantity equals the price (BT-149 = BT-146): the price was "
		    "probably written into the base quantity";
	if (!dec_is_zero(want) && dec_cmp(dec_neg(want), l->net_amount) == 0)
		return "the line net amount has the opposite sign of quantity x price (a "
		    "credit or returned item with a positive quantity, or the other way)";
	if (dec_cmp(dec_abs(l->net_amount), dec_abs(l->net_price)) == 0)
		return "the line net amount equals the price: the price is probably for the "
		    "whole quantity, not per unit";
	if (l->has_gross_price && l->has_price_discount)
		return "the gross price less its discount does not give the net price";
	if (!l->has_base_quantity || dec_cmp(l->base_quantity, one) == 0)
		return "the price may be per another base quantity (BT-149 missing or 1)";
	return "check the quantity, the price, its base quantity and the line allowances "
	    "and charges";
}

/* check_line_net - PS-LINE-NET for each line that states all its figures */
static void
check_line_net(const inv_invoice *inv, inv_findings *out)
{
	char a[DEC_FMT_LEN], b[DEC_FMT_LEN], c[DEC_FMT_LEN], d[DEC_FMT_LEN], e[DEC_FMT_LEN];
	size_t i;
	dec_t want, ignore;

	for (i = 0; i < inv->n_lines; i++) {
		const inv_line *l = &inv->lines[i];

		if (!l->has_quantity || !l->has_net_price || !l->has_net_amount)
			continue;
		if (explains(inv, l, l->net_price, &want) ||
		    (l->has_gross_price && explains(inv, l, l->gross_price, &ignore)))
			continue;
		/* the net price's figure, rounded as the line states its amount */
		want = dec_round(want, l->net_amount.scale > 2 ? l->net_amount.scale : 2);
		inv_findings_add(out, "PS-LINE-NET", WARN,
		    "line %s: quantity %s x price %s / base quantity %s +/- allowances and "
		    "charges = %s differs from the line net amount %s; likely cause: %s",
		    l->id ? l->id : "?", INV_FMT(l->quantity, a), INV_FMT(l->net_price, b),
		    l->has_base_quantity ? INV_FMT(l->base_quantity, c) : "1",
		    INV_FMT(want, d), INV_FMT(l->net_amount, e), likely_cause(l, want));
	}
}

void
inv_check_ps(const inv_invoice *inv, inv_findings *out)
{
	check_line_net(inv, out);
	if (is_iso_date(inv->issue_date) && is_iso_date(inv->due_date) &&
	    strcmp(inv->due_date, inv->issue_date) < 0)
		inv_findings_add(out, "PS-DUE-DATE", WARN,
		    "payment due date %s is before the issue date %s",
		    inv->due_date, inv->issue_date);
	if (inv->n_foreign_currency > 0)
		inv_findings_add(out, "PS-CURRENCY", WARN,
		    "%zu amount(s) not in the invoice currency %s, first <%s> in %s",
		    inv->n_foreign_currency, inv->currency ? inv->currency : "(missing)",
		    inv->foreign_currency_where, inv->foreign_currency);
	if (inv->n_bad_amounts > 0)
		inv_findings_add(out, "PS-AMOUNT", WARN,
		    "%zu value(s) are not decimal numbers, first <%s> \"%.60s\": %s",
		    inv->n_bad_amounts, inv->bad_amount_where, inv->bad_amount_value,
		    inv->bad_amount_reason ? inv->bad_amount_reason : "not a decimal number");
}
