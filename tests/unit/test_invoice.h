/*
 * test_invoice.h - the smallest UBL invoice the parser takes (a number, a date, a type
 * and a currency, nothing to compute): what the suites that find invoices in messages
 * and PDFs carry, so that each looks for the same bytes.
 */
#ifndef PS_TEST_INVOICE_H
#define PS_TEST_INVOICE_H

static const char test_ubl_min[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"\n"
	" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n"
	" <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>\n"
	" <cbc:ID>T-1</cbc:ID><cbc:IssueDate>2024-01-31</cbc:IssueDate>\n"
	" <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>\n"
	" <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>\n"
	"</Invoice>\n";

#endif
