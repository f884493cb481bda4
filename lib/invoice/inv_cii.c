/*
 * inv_cii.c - read a UN/CEFACT CII D16B CrossIndustryInvoice (XRechnung,
 * Factur-X/ZUGFeRD 2.x in every profile) into the invoice model, following the
 * EN 16931 CII binding. EXTENDED additions that change the arithmetic are read
 * too: sub-lines (ParentLineID, LineStatusReasonCode) and logistics service
 * charges, which EXTENDED counts in the document level charges.
 *
 * All XML content is untrusted; the tree was loaded by lib/xmlsafe.c.
 */
#include <stdlib.h>
#include <string.h>

#include "inv_priv.h"
#include "util/xalloc.h"

/* is_vat_type - the trade tax n has TypeCode VAT */
static int
is_vat_type(xmltree_ptr tax)
{
	return invx_text_eq(invx_kid(tax, "ram:TypeCode"), "VAT");
}

/* tax_registration - the ram:SpecifiedTaxRegistration/ram:ID with this schemeID */
static char *
tax_registration(xmltree_ptr party, const char *scheme)
{
	xmltree_ptr r, id;
	char *s;

	for (r = invx_kid(party, "ram:SpecifiedTaxRegistration"); r != NULL; r = invx_next(r)) {
		id = invx_kid(r, "ram:ID");
		s = invx_attr(id, "schemeID");
		if (s != NULL && strcmp(s, scheme) == 0) {
			free(s);
			return invx_text(id);
		}
		free(s);
	}
	return NULL;
}

/* read_party - BG-4/BG-7 from a ram:SellerTradeParty/ram:BuyerTradeParty */
static void
read_party(xmltree_ptr party, struct inv_party *p)
{
	xmltree_ptr n;

	if (party == NULL)
		return;
	p->present = 1;
	p->name = invx_text(invx_kid(party, "ram:Name"));
	p->trading_name = invx_text(invx_path(party,
	    "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"));
	p->identifier = invx_text(invx_kid(party, "ram:ID"));
	if (p->identifier == NULL)
		p->identifier = invx_text(invx_kid(party, "ram:GlobalID"));
	p->legal_id = invx_text(invx_path(party, "ram:SpecifiedLegalOrganization/ram:ID"));
	p->vat_id = tax_registration(party, "VA");
	p->tax_registration_id = tax_registration(party, "FC");
	n = invx_path(party, "ram:URIUniversalCommunication/ram:URIID");
	p->electronic_address = invx_text(n);
	p->electronic_address_scheme = invx_attr(n, "schemeID");
	p->contact_email = invx_text(invx_path(party,
	    "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID"));
	n = invx_kid(party, "ram:PostalTradeAddress");
	p->has_address = n != NULL;
	p->country = invx_text(invx_kid(n, "ram:CountryID"));
}

/* read_ac - a ram:SpecifiedTradeAllowanceCharge */
static void
read_ac(inv_invoice *inv, xmltree_ptr n, inv_allowance_charge *ac)
{
	xmltree_ptr t;

	ac->is_charge = invx_bool(invx_path(n, "ram:ChargeIndicator/udt:Indicator")) == 1;
	invx_amount(inv, invx_kid(n, "ram:ActualAmount"), &ac->amount, &ac->has_amount, 1);
	invx_amount(inv, invx_kid(n, "ram:BasisAmount"), &ac->base_amount,
	    &ac->has_base_amount, 1);
	invx_amount(inv, invx_kid(n, "ram:CalculationPercent"), &ac->percent,
	    &ac->has_percent, 0);
	ac->reason = invx_text(invx_kid(n, "ram:Reason"));
	ac->reason_code = invx_text(invx_kid(n, "ram:ReasonCode"));
	for (t = invx_kid(n, "ram:CategoryTradeTax"); t != NULL; t = invx_next(t))
		if (is_vat_type(t))
			break;
	if (t == NULL && (t = invx_kid(n, "ram:CategoryTradeTax")) != NULL)
		ac->vat_scheme_other = 1;	/* the sums still count it */
	ac->vat_category = invx_text(invx_kid(t, "ram:CategoryCode"));
	invx_amount(inv, invx_kid(t, "ram:RateApplicablePercent"), &ac->vat_rate,
	    &ac->has_vat_rate, 0);
}

/* read_logistics_charge - an EXTENDED ram:SpecifiedLogisticsServiceCharge, a charge */
static void
read_logistics_charge(inv_invoice *inv, xmltree_ptr n, inv_allowance_charge *ac)
{
	xmltree_ptr t;

	ac->is_charge = 1;
	ac->is_logistics = 1;
	invx_amount(inv, invx_kid(n, "ram:AppliedAmount"), &ac->amount, &ac->has_amount, 1);
	ac->reason = invx_text(invx_kid(n, "ram:Description"));
	if (ac->reason == NULL)
		ac->reason = xstrdup("logistics service charge");
	for (t = invx_kid(n, "ram:AppliedTradeTax"); t != NULL; t = invx_next(t))
		if (is_vat_type(t)) {
			ac->vat_category = invx_text(invx_kid(t, "ram:CategoryCode"));
			invx_amount(inv, invx_kid(t, "ram:RateApplicablePercent"),
			    &ac->vat_rate, &ac->has_vat_rate, 0);
			break;
		}
}

/* read_line - a ram:IncludedSupplyChainTradeLineItem */
static void
read_line(inv_invoice *inv, xmltree_ptr n)
{
	inv_line *l = inv_add_line(inv);
	xmltree_ptr doc, agr, price, q, set, t, per;

	doc = invx_kid(n, "ram:AssociatedDocumentLineDocument");
	l->id = invx_text(invx_kid(doc, "ram:LineID"));
	l->parent_id = invx_text(invx_kid(doc, "ram:ParentLineID"));
	l->status_code = invx_text(invx_kid(doc, "ram:LineStatusCode"));
	l->status_reason = invx_text(invx_kid(doc, "ram:LineStatusReasonCode"));
	l->item_name = invx_text(invx_path(n, "ram:SpecifiedTradeProduct/ram:Name"));

	agr = invx_kid(n, "ram:SpecifiedLineTradeAgreement");
	price = invx_kid(agr, "ram:GrossPriceProductTradePrice");
	invx_amount(inv, invx_kid(price, "ram:ChargeAmount"), &l->gross_price,
	    &l->has_gross_price, 1);
	invx_amount(inv, invx_path(price, "ram:AppliedTradeAllowanceCharge/ram:ActualAmount"),
	    &l->price_discount, &l->has_price_discount, 1);
	price = invx_kid(agr, "ram:NetPriceProductTradePrice");
	invx_amount(inv, invx_kid(price, "ram:ChargeAmount"), &l->net_price,
	    &l->has_net_price, 1);
	invx_amount(inv, invx_kid(price, "ram:BasisQuantity"), &l->base_quantity,
	    &l->has_base_quantity, 0);

	q = invx_path(n, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity");
	invx_amount(inv, q, &l->quantity, &l->has_quantity, 0);
	l->unit = invx_attr(q, "unitCode");

	set = invx_kid(n, "ram:SpecifiedLineTradeSettlement");
	for (t = invx_kid(set, "ram:ApplicableTradeTax"); t != NULL; t = invx_next(t))
		if (is_vat_type(t))
			break;
	if (t == NULL && (t = invx_kid(set, "ram:ApplicableTradeTax")) != NULL)
		l->vat_scheme_other = 1;
	l->vat_category = invx_text(invx_kid(t, "ram:CategoryCode"));
	invx_amount(inv, invx_kid(t, "ram:RateApplicablePercent"), &l->vat_rate,
	    &l->has_vat_rate, 0);
	per = invx_kid(set, "ram:BillingSpecifiedPeriod");
	l->has_period = per != NULL;
	l->has_period_date = invx_kid(per, "ram:StartDateTime") != NULL ||
	    invx_kid(per, "ram:EndDateTime") != NULL;
	for (t = invx_kid(set, "ram:SpecifiedTradeAllowanceCharge"); t != NULL;
	    t = invx_next(t))
		read_ac(inv, t, inv_add_ac(&l->ac, &l->n_ac));
	invx_amount(inv, invx_path(set,
	    "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"),
	    &l->net_amount, &l->has_net_amount, 1);
}

/* read_breakdown - a header ram:ApplicableTradeTax (BG-23) */
static void
read_breakdown(inv_invoice *inv, xmltree_ptr t)
{
	inv_vat *b = inv_add_vat(inv);

	invx_amount(inv, invx_kid(t, "ram:CalculatedAmount"), &b->tax, &b->has_tax, 1);
	invx_amount(inv, invx_kid(t, "ram:BasisAmount"), &b->taxable, &b->has_taxable, 1);
	b->category = invx_text(invx_kid(t, "ram:CategoryCode"));
	invx_amount(inv, invx_kid(t, "ram:RateApplicablePercent"), &b->rate, &b->has_rate, 0);
	b->exemption_reason = invx_text(invx_kid(t, "ram:ExemptionReason"));
	b->exemption_code = invx_text(invx_kid(t, "ram:ExemptionReasonCode"));
	if (inv->tax_point_date == NULL)
		inv->tax_point_date = invx_date(invx_path(t, "ram:TaxPointDate/udt:DateString"));
	if (inv->tax_point_code == NULL)
		inv->tax_point_code = invx_text(invx_kid(t, "ram:DueDateTypeCode"));
}

/* read_totals - BG-22 from ram:SpecifiedTradeSettlementHeaderMonetarySummation */
static void
read_totals(inv_invoice *inv, xmltree_ptr t)
{
	xmltree_ptr n;
	dec_t v;
	int has;
	char *cur;

	inv->has_totals = t != NULL;
	invx_amount(inv, invx_kid(t, "ram:LineTotalAmount"), &inv->line_total,
	    &inv->has_line_total, 1);
	invx_amount(inv, invx_kid(t, "ram:ChargeTotalAmount"), &inv->charge_total,
	    &inv->has_charge_total, 1);
	invx_amount(inv, invx_kid(t, "ram:AllowanceTotalAmount"), &inv->allowance_total,
	    &inv->has_allowance_total, 1);
	invx_amount(inv, invx_kid(t, "ram:TaxBasisTotalAmount"), &inv->total_without_vat,
	    &inv->has_total_without_vat, 1);
	for (n = invx_kid(t, "ram:TaxTotalAmount"); n != NULL; n = invx_next(n)) {
		invx_amount(inv, n, &v, &has, 0);
		if (!has)
			continue;
		cur = invx_attr(n, "currencyID");
		/* the binding selects BT-110 by currencyID = BT-5 */
		if (cur != NULL && inv->currency != NULL && strcmp(cur, inv->currency) == 0) {
			if (inv->n_vat_total++ == 0) {
				inv->vat_total = v;
				inv->has_vat_total = 1;
			}
		} else if (cur != NULL && inv->tax_currency != NULL &&
		    strcmp(cur, inv->tax_currency) == 0) {
			inv->vat_total_tax_currency = v;
			inv->has_vat_total_tax_currency = 1;
		} else if (cur != NULL && inv->n_foreign_currency++ == 0) {
			inv->foreign_currency = xstrdup(cur);
			inv->foreign_currency_where = xstrdup("TaxTotalAmount");
		}
		free(cur);
	}
	invx_amount(inv, invx_kid(t, "ram:RoundingAmount"), &inv->rounding,
	    &inv->has_rounding, 1);
	invx_amount(inv, invx_kid(t, "ram:GrandTotalAmount"), &inv->total_with_vat,
	    &inv->has_total_with_vat, 1);
	invx_amount(inv, invx_kid(t, "ram:TotalPrepaidAmount"), &inv->prepaid,
	    &inv->has_prepaid, 1);
	invx_amount(inv, invx_kid(t, "ram:DuePayableAmount"), &inv->amount_due,
	    &inv->has_amount_due, 1);
}

void
inv_cii_read(xmltree_ptr root, inv_invoice *inv)
{
	xmltree_ptr doc, tx, agr, del, set, n, per;

	inv->customization_id = invx_text(invx_path(root,
	    "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"));
	inv_set_profile(inv);
	doc = invx_kid(root, "rsm:ExchangedDocument");
	inv->number = invx_text(invx_kid(doc, "ram:ID"));
	inv->type_code = invx_text(invx_kid(doc, "ram:TypeCode"));
	if (inv->type_code != NULL && (strcmp(inv->type_code, "381") == 0 ||
	    strcmp(inv->type_code, "261") == 0 || strcmp(inv->type_code, "262") == 0 ||
	    strcmp(inv->type_code, "396") == 0 || strcmp(inv->type_code, "532") == 0))
		inv->doctype = INV_DOC_CREDIT_NOTE;
	inv->issue_date = invx_date(invx_path(doc, "ram:IssueDateTime/udt:DateTimeString"));

	tx = invx_kid(root, "rsm:SupplyChainTradeTransaction");
	set = invx_kid(tx, "ram:ApplicableHeaderTradeSettlement");
	/* the currencies first: amounts are checked against them */
	inv->currency = invx_text(invx_kid(set, "ram:InvoiceCurrencyCode"));
	inv->tax_currency = invx_text(invx_kid(set, "ram:TaxCurrencyCode"));

	agr = invx_kid(tx, "ram:ApplicableHeaderTradeAgreement");
	read_party(invx_kid(agr, "ram:SellerTradeParty"), &inv->seller);
	read_party(invx_kid(agr, "ram:BuyerTradeParty"), &inv->buyer);
	n = invx_kid(agr, "ram:SellerTaxRepresentativeTradeParty");
	inv->has_seller_tax_rep = n != NULL;
	inv->seller_tax_rep_vat_id = tax_registration(n, "VA");

	del = invx_kid(tx, "ram:ApplicableHeaderTradeDelivery");
	inv->actual_delivery_date = invx_date(invx_path(del,
	    "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString"));
	inv->deliver_to_country = invx_text(invx_path(del,
	    "ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID"));

	for (n = invx_kid(set, "ram:SpecifiedTradeSettlementPaymentMeans"); n != NULL;
	    n = invx_next(n)) {
		xmltree_ptr acct = invx_kid(n, "ram:PayeePartyCreditorFinancialAccount");
		char *id = invx_text(invx_kid(acct, "ram:IBANID"));

		inv_add_iban(inv, id != NULL ? id :
		    invx_text(invx_kid(acct, "ram:ProprietaryID")));
	}
	for (n = invx_kid(set, "ram:ApplicableTradeTax"); n != NULL; n = invx_next(n))
		read_breakdown(inv, n);
	per = invx_kid(set, "ram:BillingSpecifiedPeriod");
	inv->has_period = per != NULL;
	inv->has_period_date = invx_kid(per, "ram:StartDateTime") != NULL ||
	    invx_kid(per, "ram:EndDateTime") != NULL;
	for (n = invx_kid(set, "ram:SpecifiedTradeAllowanceCharge"); n != NULL;
	    n = invx_next(n))
		read_ac(inv, n, inv_add_ac(&inv->ac, &inv->n_ac));
	if (inv->profile != NULL && strcmp(inv->profile, "EXTENDED") == 0)
		for (n = invx_kid(set, "ram:SpecifiedLogisticsServiceCharge"); n != NULL;
		    n = invx_next(n))
			read_logistics_charge(inv, n, inv_add_ac(&inv->ac, &inv->n_ac));
	for (n = invx_kid(set, "ram:SpecifiedTradePaymentTerms"); n != NULL;
	    n = invx_next(n)) {
		if (inv->payment_terms == NULL)
			inv->payment_terms = invx_text(invx_kid(n, "ram:Description"));
		if (inv->due_date == NULL)
			inv->due_date = invx_date(invx_path(n,
			    "ram:DueDateDateTime/udt:DateTimeString"));
	}
	read_totals(inv, invx_kid(set, "ram:SpecifiedTradeSettlementHeaderMonetarySummation"));

	for (n = invx_kid(tx, "ram:IncludedSupplyChainTradeLineItem"); n != NULL;
	    n = invx_next(n))
		read_line(inv, n);
	inv_mark_children(inv);
}
