/*
 * inv_ubl.c - read a UBL 2.1 Invoice or CreditNote into the invoice model,
 * following the EN 16931 UBL binding (the official artefacts' element paths).
 *
 * All XML content is untrusted; the tree was loaded by lib/xmlsafe.c. Missing
 * elements leave NULL/has_*=0 in the model: the checks decide what that means.
 */
#include <stdlib.h>
#include <string.h>

#include "inv_priv.h"
#include "util/xalloc.h"

/* is_vat_scheme - the TaxCategory/ClassifiedTaxCategory n is of the VAT scheme */
static int
is_vat_scheme(xmltree_ptr cat)
{
	return invx_text_eq(invx_path(cat, "cac:TaxScheme/cbc:ID"), "VAT");
}

/* read_party - BG-4/BG-7 from a cac:Party */
static void
read_party(xmltree_ptr party, struct inv_party *p)
{
	xmltree_ptr n;

	if (party == NULL)
		return;
	p->present = 1;
	p->name = invx_text(invx_path(party, "cac:PartyLegalEntity/cbc:RegistrationName"));
	p->trading_name = invx_text(invx_path(party, "cac:PartyName/cbc:Name"));
	p->identifier = invx_text(invx_path(party, "cac:PartyIdentification/cbc:ID"));
	p->legal_id = invx_text(invx_path(party, "cac:PartyLegalEntity/cbc:CompanyID"));
	for (n = invx_kid(party, "cac:PartyTaxScheme"); n != NULL; n = invx_next(n)) {
		if (is_vat_scheme(n)) {
			if (p->vat_id == NULL)
				p->vat_id = invx_text(invx_kid(n, "cbc:CompanyID"));
		} else if (p->tax_registration_id == NULL)
			p->tax_registration_id = invx_text(invx_kid(n, "cbc:CompanyID"));
	}
	n = invx_kid(party, "cbc:EndpointID");
	p->electronic_address = invx_text(n);
	p->electronic_address_scheme = invx_attr(n, "schemeID");
	p->contact_email = invx_text(invx_path(party, "cac:Contact/cbc:ElectronicMail"));
	n = invx_kid(party, "cac:PostalAddress");
	p->has_address = n != NULL;
	p->country = invx_text(invx_path(n, "cac:Country/cbc:IdentificationCode"));
}

/* read_ac - a cac:AllowanceCharge (document or line level) */
static void
read_ac(inv_invoice *inv, xmltree_ptr n, inv_allowance_charge *ac)
{
	xmltree_ptr cat;

	ac->is_charge = invx_bool(invx_kid(n, "cbc:ChargeIndicator")) == 1;
	invx_amount(inv, invx_kid(n, "cbc:Amount"), &ac->amount, &ac->has_amount, 1);
	invx_amount(inv, invx_kid(n, "cbc:BaseAmount"), &ac->base_amount,
	    &ac->has_base_amount, 1);
	invx_amount(inv, invx_kid(n, "cbc:MultiplierFactorNumeric"), &ac->percent,
	    &ac->has_percent, 0);
	ac->reason = invx_text(invx_kid(n, "cbc:AllowanceChargeReason"));
	ac->reason_code = invx_text(invx_kid(n, "cbc:AllowanceChargeReasonCode"));
	for (cat = invx_kid(n, "cac:TaxCategory"); cat != NULL; cat = invx_next(cat))
		if (is_vat_scheme(cat))
			break;
	if (cat == NULL && (cat = invx_kid(n, "cac:TaxCategory")) != NULL)
		ac->vat_scheme_other = 1;	/* the sums still count it */
	ac->vat_category = invx_text(invx_kid(cat, "cbc:ID"));
	invx_amount(inv, invx_kid(cat, "cbc:Percent"), &ac->vat_rate, &ac->has_vat_rate, 0);
}

/* read_line - a cac:InvoiceLine or cac:CreditNoteLine */
static void
read_line(inv_invoice *inv, xmltree_ptr n)
{
	inv_line *l = inv_add_line(inv);
	xmltree_ptr q, c, price, per;

	l->id = invx_text(invx_kid(n, "cbc:ID"));
	q = invx_kid(n, inv->doctype == INV_DOC_CREDIT_NOTE ? "cbc:CreditedQuantity" :
	    "cbc:InvoicedQuantity");
	if (q == NULL)	/* tolerate the other name */
		q = invx_kid(n, inv->doctype == INV_DOC_CREDIT_NOTE ?
		    "cbc:InvoicedQuantity" : "cbc:CreditedQuantity");
	invx_amount(inv, q, &l->quantity, &l->has_quantity, 0);
	l->unit = invx_attr(q, "unitCode");
	invx_amount(inv, invx_kid(n, "cbc:LineExtensionAmount"), &l->net_amount,
	    &l->has_net_amount, 1);
	per = invx_kid(n, "cac:InvoicePeriod");
	l->has_period = per != NULL;
	l->has_period_date = invx_kid(per, "cbc:StartDate") != NULL ||
	    invx_kid(per, "cbc:EndDate") != NULL;
	for (c = invx_kid(n, "cac:AllowanceCharge"); c != NULL; c = invx_next(c))
		read_ac(inv, c, inv_add_ac(&l->ac, &l->n_ac));
	l->item_name = invx_text(invx_path(n, "cac:Item/cbc:Name"));
	for (c = invx_path(n, "cac:Item/cac:ClassifiedTaxCategory"); c != NULL;
	    c = invx_next(c))
		if (is_vat_scheme(c))
			break;
	if (c == NULL && (c = invx_path(n, "cac:Item/cac:ClassifiedTaxCategory")) != NULL)
		l->vat_scheme_other = 1;
	l->vat_category = invx_text(invx_kid(c, "cbc:ID"));
	invx_amount(inv, invx_kid(c, "cbc:Percent"), &l->vat_rate, &l->has_vat_rate, 0);
	price = invx_kid(n, "cac:Price");
	invx_amount(inv, invx_kid(price, "cbc:PriceAmount"), &l->net_price,
	    &l->has_net_price, 1);
	invx_amount(inv, invx_kid(price, "cbc:BaseQuantity"), &l->base_quantity,
	    &l->has_base_quantity, 0);
	c = invx_kid(price, "cac:AllowanceCharge");
	invx_amount(inv, invx_kid(c, "cbc:Amount"), &l->price_discount,
	    &l->has_price_discount, 1);
	invx_amount(inv, invx_kid(c, "cbc:BaseAmount"), &l->gross_price,
	    &l->has_gross_price, 1);
}

/* read_tax_total - one cac:TaxTotal: BT-110 or BT-111, and its breakdown */
static void
read_tax_total(inv_invoice *inv, xmltree_ptr tt)
{
	xmltree_ptr amt = invx_kid(tt, "cbc:TaxAmount"), st, cat;
	char *cur = invx_attr(amt, "currencyID");
	dec_t v;
	int has;

	invx_amount(inv, amt, &v, &has, 0);
	if (has) {
		if (cur == NULL || inv->currency == NULL || strcmp(cur, inv->currency) == 0) {
			if (inv->n_vat_total++ == 0) {
				inv->vat_total = v;
				inv->has_vat_total = 1;
			}
		} else if (inv->tax_currency != NULL && strcmp(cur, inv->tax_currency) == 0) {
			inv->vat_total_tax_currency = v;
			inv->has_vat_total_tax_currency = 1;
		} else if (inv->n_foreign_currency++ == 0) {
			inv->foreign_currency = xstrdup(cur);
			inv->foreign_currency_where = xstrdup("TaxAmount");
		}
	}
	free(cur);
	for (st = invx_kid(tt, "cac:TaxSubtotal"); st != NULL; st = invx_next(st)) {
		inv_vat *b = inv_add_vat(inv);

		invx_amount(inv, invx_kid(st, "cbc:TaxableAmount"), &b->taxable,
		    &b->has_taxable, 1);
		invx_amount(inv, invx_kid(st, "cbc:TaxAmount"), &b->tax, &b->has_tax, 1);
		for (cat = invx_kid(st, "cac:TaxCategory"); cat != NULL; cat = invx_next(cat))
			if (is_vat_scheme(cat))
				break;
		b->category = invx_text(invx_kid(cat, "cbc:ID"));
		invx_amount(inv, invx_kid(cat, "cbc:Percent"), &b->rate, &b->has_rate, 0);
		b->exemption_reason = invx_text(invx_kid(cat, "cbc:TaxExemptionReason"));
		b->exemption_code = invx_text(invx_kid(cat, "cbc:TaxExemptionReasonCode"));
	}
}

/* read_totals - BG-22 from cac:LegalMonetaryTotal */
static void
read_totals(inv_invoice *inv, xmltree_ptr t)
{
	inv->has_totals = t != NULL;
	invx_amount(inv, invx_kid(t, "cbc:LineExtensionAmount"), &inv->line_total,
	    &inv->has_line_total, 1);
	invx_amount(inv, invx_kid(t, "cbc:AllowanceTotalAmount"), &inv->allowance_total,
	    &inv->has_allowance_total, 1);
	invx_amount(inv, invx_kid(t, "cbc:ChargeTotalAmount"), &inv->charge_total,
	    &inv->has_charge_total, 1);
	invx_amount(inv, invx_kid(t, "cbc:TaxExclusiveAmount"), &inv->total_without_vat,
	    &inv->has_total_without_vat, 1);
	invx_amount(inv, invx_kid(t, "cbc:TaxInclusiveAmount"), &inv->total_with_vat,
	    &inv->has_total_with_vat, 1);
	invx_amount(inv, invx_kid(t, "cbc:PrepaidAmount"), &inv->prepaid,
	    &inv->has_prepaid, 1);
	invx_amount(inv, invx_kid(t, "cbc:PayableRoundingAmount"), &inv->rounding,
	    &inv->has_rounding, 1);
	invx_amount(inv, invx_kid(t, "cbc:PayableAmount"), &inv->amount_due,
	    &inv->has_amount_due, 1);
}

void
inv_ubl_read(xmltree_ptr root, inv_invoice *inv)
{
	int credit = inv->doctype == INV_DOC_CREDIT_NOTE;
	xmltree_ptr n, per;

	inv->customization_id = invx_text(invx_kid(root, "cbc:CustomizationID"));
	inv_set_profile(inv);
	inv->number = invx_text(invx_kid(root, "cbc:ID"));
	inv->issue_date = invx_date(invx_kid(root, "cbc:IssueDate"));
	inv->type_code = invx_text(invx_kid(root, credit ? "cbc:CreditNoteTypeCode" :
	    "cbc:InvoiceTypeCode"));
	inv->currency = invx_text(invx_kid(root, "cbc:DocumentCurrencyCode"));
	inv->tax_currency = invx_text(invx_kid(root, "cbc:TaxCurrencyCode"));
	inv->tax_point_date = invx_date(invx_kid(root, "cbc:TaxPointDate"));
	inv->due_date = invx_date(invx_kid(root, "cbc:DueDate"));
	if (inv->due_date == NULL)	/* a CreditNote has it in PaymentMeans */
		inv->due_date = invx_date(invx_path(root, "cac:PaymentMeans/cbc:PaymentDueDate"));
	inv->payment_terms = invx_text(invx_path(root, "cac:PaymentTerms/cbc:Note"));
	per = invx_kid(root, "cac:InvoicePeriod");
	inv->has_period = per != NULL;
	inv->tax_point_code = invx_text(invx_kid(per, "cbc:DescriptionCode"));
	inv->has_period_date = invx_kid(per, "cbc:StartDate") != NULL ||
	    invx_kid(per, "cbc:EndDate") != NULL || inv->tax_point_code != NULL;
	n = invx_kid(root, "cac:Delivery");
	inv->actual_delivery_date = invx_date(invx_kid(n, "cbc:ActualDeliveryDate"));
	inv->deliver_to_country = invx_text(invx_path(n,
	    "cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"));

	read_party(invx_path(root, "cac:AccountingSupplierParty/cac:Party"), &inv->seller);
	read_party(invx_path(root, "cac:AccountingCustomerParty/cac:Party"), &inv->buyer);
	n = invx_kid(root, "cac:TaxRepresentativeParty");
	inv->has_seller_tax_rep = n != NULL;
	for (n = invx_kid(n, "cac:PartyTaxScheme"); n != NULL; n = invx_next(n))
		if (is_vat_scheme(n)) {
			inv->seller_tax_rep_vat_id = invx_text(invx_kid(n, "cbc:CompanyID"));
			break;
		}
	for (n = invx_kid(root, "cac:PaymentMeans"); n != NULL; n = invx_next(n))
		inv_add_iban(inv, invx_text(invx_path(n, "cac:PayeeFinancialAccount/cbc:ID")));

	for (n = invx_kid(root, "cac:AllowanceCharge"); n != NULL; n = invx_next(n))
		read_ac(inv, n, inv_add_ac(&inv->ac, &inv->n_ac));
	for (n = invx_kid(root, "cac:TaxTotal"); n != NULL; n = invx_next(n))
		read_tax_total(inv, n);
	read_totals(inv, invx_kid(root, "cac:LegalMonetaryTotal"));
	for (n = invx_kid(root, credit ? "cac:CreditNoteLine" : "cac:InvoiceLine");
	    n != NULL; n = invx_next(n))
		read_line(inv, n);
}
