/*
 * inv_figures.c - stated and recomputed figures of an invoice (inv_figures.h).
 *
 * The recomputation follows the rules the findings cite: a line's net is
 * quantity x price / base quantity with its allowances and charges (PS-LINE-NET),
 * BT-106 the sum of the line nets (BR-CO-10), BT-107/BT-108 the document allowances
 * and charges (BR-CO-11/12), BT-109 = BT-106 - BT-107 + BT-108 (BR-CO-13), BT-110 the
 * sum of the VAT breakdown's BT-117 (BR-CO-14), BT-112 = BT-109 + BT-110 (BR-CO-15),
 * BT-115 = BT-112 - BT-113 + BT-114 (BR-CO-16). Amounts are rounded to two decimals.
 */
#include <string.h>

#include "inv_figures.h"
#include "inv_priv.h"

/* put - the value formatted into buf when known, else "" */
static void
put(char *buf, int known, dec_t v)
{
	if (known)
		dec_fmt(v, buf, DEC_FMT_LEN);
	else
		buf[0] = '\0';
}

void
inv_figures_line(const inv_invoice *inv, const inv_line *l, struct inv_fig_line *out)
{
	dec_t v;
	int known;

	(void) inv;
	memset(out, 0, sizeof(*out));
	out->id = l->id;
	out->item = l->item_name;
	out->unit = l->unit;
	put(out->quantity, l->has_quantity, l->quantity);
	put(out->price, l->has_net_price, l->net_price);
	put(out->base_quantity, l->has_base_quantity, l->base_quantity);
	put(out->net, l->has_net_amount, l->net_amount);
	/* exact to 16 decimals, else (large amounts) to 6: enough for a cent */
	known = l->has_quantity && l->has_net_price && (inv_line_net(l, l->net_price, &v) == 0 ||
	    inv_line_net_at(l, l->net_price, 6, &v) == 0);
	if (known)
		v = inv_round_xpath(v, l->has_net_amount && l->net_amount.scale > 2 ?
		    l->net_amount.scale : 2);
	put(out->computed, known, v);
	out->differs = known && l->has_net_amount && dec_cmp(v, l->net_amount) != 0;
}

/* total - one row: stated (known or not) against computed (known or not) */
static void
total(struct inv_fig_total *t, const char *term, const char *label, int has_stated,
    dec_t stated, int has_computed, dec_t computed)
{
	t->term = term;
	t->label = label;
	put(t->stated, has_stated, stated);
	if (has_computed)
		computed = inv_round_xpath(computed, 2);
	put(t->computed, has_computed, computed);
	t->differs = has_stated && has_computed && dec_cmp(stated, computed) != 0;
}

void
inv_figures_totals(const inv_invoice *inv, struct inv_fig_total out[INV_FIG_NTOTALS])
{
	dec_t lines = dec_from_int(0), allow = dec_from_int(0), charge = dec_from_int(0);
	dec_t vat = dec_from_int(0), v109, v112, v115;
	int has_lines = 0, has_vat = 0;

	for (size_t i = 0; i < inv->n_lines; i++)
		if (inv->lines[i].has_net_amount && inv_line_in_totals(inv, &inv->lines[i])) {
			lines = dec_add(lines, inv->lines[i].net_amount);
			has_lines = 1;
		}
	for (size_t i = 0; i < inv->n_ac; i++)
		if (inv->ac[i].has_amount) {
			if (inv->ac[i].is_charge)
				charge = dec_add(charge, inv->ac[i].amount);
			else
				allow = dec_add(allow, inv->ac[i].amount);
		}
	for (size_t i = 0; i < inv->n_vat; i++)
		if (inv->vat[i].has_tax) {
			vat = dec_add(vat, inv->vat[i].tax);
			has_vat = 1;
		}
	total(&out[0], "BT-106", "Sum of invoice line net amounts", inv->has_line_total,
	    inv->line_total, has_lines, lines);
	total(&out[1], "BT-107", "Sum of allowances on document level", inv->has_allowance_total,
	    inv->allowance_total, 1, allow);
	total(&out[2], "BT-108", "Sum of charges on document level", inv->has_charge_total,
	    inv->charge_total, 1, charge);
	/* BT-109 from the stated BT-106 .. BT-108, as BR-CO-13 reads them */
	v109 = dec_add(dec_sub(inv->has_line_total ? inv->line_total : lines,
	    inv->has_allowance_total ? inv->allowance_total : allow),
	    inv->has_charge_total ? inv->charge_total : charge);
	total(&out[3], "BT-109", "Invoice total amount without VAT", inv->has_total_without_vat,
	    inv->total_without_vat, inv->has_line_total || has_lines, v109);
	total(&out[4], "BT-110", "Invoice total VAT amount", inv->has_vat_total, inv->vat_total,
	    has_vat, vat);
	v112 = dec_add(inv->has_total_without_vat ? inv->total_without_vat : v109,
	    inv->has_vat_total ? inv->vat_total : vat);
	total(&out[5], "BT-112", "Invoice total amount with VAT", inv->has_total_with_vat,
	    inv->total_with_vat, inv->has_total_without_vat || has_lines, v112);
	v115 = inv->has_total_with_vat ? inv->total_with_vat : v112;
	if (inv->has_prepaid)
		v115 = dec_sub(v115, inv->prepaid);
	if (inv->has_rounding)
		v115 = dec_add(v115, inv->rounding);
	total(&out[6], "BT-115", "Amount due for payment", inv->has_amount_due, inv->amount_due,
	    inv->has_total_with_vat || inv->has_total_without_vat || has_lines, v115);
}
