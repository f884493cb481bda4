/*
 * inv.h - the invoice model (EN 16931 business terms), its parsers and its checks.
 *
 * inv_parse() reads UBL 2.1 Invoice/CreditNote and UN/CEFACT CII D16B
 * CrossIndustryInvoice (XRechnung, Factur-X/ZUGFeRD 2.x, every profile) from a
 * memory buffer. All XML input is untrusted: it is loaded without network access,
 * entity expansion or DTD loading, with size and depth caps (lib/xmlsafe.h).
 * inv_check() runs the EN 16931 rules in our scope (official ids: BR-01..BR-16,
 * BR-CO-*, BR-<category>-05..10 ...) and our own PS-* rules, appending findings.
 *
 * Strings in the model are owned by it (NUL-terminated copies, NULL when the
 * element is absent) and freed by inv_free(). Amounts are exact decimals
 * (lib/dec.h); each optional amount has a has_* flag that says it was present
 * and parsed.
 */
#ifndef PS_INV_H
#define PS_INV_H

#include <stddef.h>

#include "util/dec.h"

enum inv_syntax { INV_SYNTAX_UBL, INV_SYNTAX_CII };
enum inv_doctype { INV_DOC_INVOICE, INV_DOC_CREDIT_NOTE };

/* A seller (BG-4) or buyer (BG-7). */
struct inv_party {
	int present;			/* the party element is in the document */
	char *name;			/* BT-27 / BT-44 */
	char *trading_name;		/* BT-28 / BT-45 */
	char *identifier;		/* BT-29 / BT-46 (first) */
	char *legal_id;			/* BT-30 / BT-47 */
	char *vat_id;			/* BT-31 / BT-48 */
	char *tax_registration_id;	/* BT-32 (seller only) */
	char *electronic_address;	/* BT-34 / BT-49 */
	char *electronic_address_scheme;/* its schemeID */
	char *contact_email;		/* BT-43 / BT-58 */
	int has_address;		/* BG-5 / BG-8 postal address present */
	char *country;			/* BT-40 / BT-55 */
};

/* A document-level (BG-20/BG-21) or line-level (BG-27/BG-28) allowance or charge. */
typedef struct inv_allowance_charge {
	int is_charge;			/* 0 allowance, 1 charge */
	dec_t amount;			/* BT-92/BT-99/BT-136/BT-141 */
	int has_amount;
	dec_t base_amount;		/* BT-93/BT-100/BT-137/BT-142 */
	int has_base_amount;
	dec_t percent;			/* BT-94/BT-101/BT-138/BT-143 */
	int has_percent;
	char *reason;			/* BT-97/BT-104/BT-139/BT-144 */
	char *reason_code;		/* BT-98/BT-105/BT-140/BT-145 */
	char *vat_category;		/* BT-95/BT-102 (document level only) */
	dec_t vat_rate;			/* BT-96/BT-103 */
	int has_vat_rate;
	int vat_scheme_other;		/* category read from a tax category that does not
					   say it is VAT: counted in sums, not checked */
	int is_logistics;		/* an EXTENDED logistics service charge (BT-X-272) */
} inv_allowance_charge;

/* An invoice line (BG-25). */
typedef struct inv_line {
	char *id;			/* BT-126 */
	dec_t quantity;			/* BT-129 */
	int has_quantity;
	char *unit;			/* BT-130 */
	dec_t net_amount;		/* BT-131 */
	int has_net_amount;
	dec_t net_price;		/* BT-146 */
	int has_net_price;
	dec_t price_discount;		/* BT-147 */
	int has_price_discount;
	dec_t gross_price;		/* BT-148 */
	int has_gross_price;
	dec_t base_quantity;		/* BT-149 */
	int has_base_quantity;
	char *item_name;		/* BT-153 */
	char *vat_category;		/* BT-151 */
	dec_t vat_rate;			/* BT-152 */
	int has_vat_rate;
	int vat_scheme_other;		/* as in inv_allowance_charge */
	int has_period;			/* BG-26 present */
	int has_period_date;		/* BT-134 or BT-135 present */
	inv_allowance_charge *ac;	/* BG-27/BG-28 */
	size_t n_ac;
	/* Factur-X EXTENDED: sub-lines and line status (CII only) */
	char *parent_id;		/* ParentLineID: this is a sub-line */
	char *status_code;		/* LineStatusCode */
	char *status_reason;		/* LineStatusReasonCode: DETAIL, GROUP, INFORMATION */
	int has_children;		/* other lines name this one as their parent */
} inv_line;

/* One VAT breakdown (BG-23). */
typedef struct inv_vat {
	char *category;			/* BT-118 */
	dec_t rate;			/* BT-119 */
	int has_rate;
	dec_t taxable;			/* BT-116 */
	int has_taxable;
	dec_t tax;			/* BT-117 */
	int has_tax;
	char *exemption_reason;		/* BT-120 */
	char *exemption_code;		/* BT-121 */
} inv_vat;

typedef struct inv_invoice {
	enum inv_syntax syntax;
	enum inv_doctype doctype;
	/* "MINIMUM", "BASIC-WL", "BASIC", "EN16931", "EXTENDED", "XRECHNUNG", "PEPPOL";
	 * from the specification identifier (BT-24); "EN16931" when unrecognised */
	char *profile;
	char *customization_id;		/* BT-24 raw */
	char *number;			/* BT-1 */
	char *type_code;		/* BT-3 */
	char *issue_date;		/* BT-2, normalised to YYYY-MM-DD when parseable */
	char *due_date;			/* BT-9, normalised to YYYY-MM-DD when parseable */
	char *payment_terms;		/* BT-20 */
	char *tax_point_date;		/* BT-7 */
	char *tax_point_code;		/* BT-8 */
	char *currency;			/* BT-5 */
	char *tax_currency;		/* BT-6 */
	int has_period;			/* BG-14 present */
	int has_period_date;		/* BT-73 or BT-74 present */
	char *actual_delivery_date;	/* BT-72 */
	char *deliver_to_country;	/* BT-80 */
	struct inv_party seller, buyer;
	int has_seller_tax_rep;		/* BG-11 present */
	char *seller_tax_rep_vat_id;	/* BT-63 */

	char **payee_ibans;		/* BT-84 of credit-transfer payment means (BG-17) */
	size_t n_payee_ibans;

	inv_line *lines;		/* BG-25 */
	size_t n_lines;
	inv_allowance_charge *ac;	/* BG-20/BG-21 */
	size_t n_ac;
	inv_vat *vat;			/* BG-23 */
	size_t n_vat;

	/* Totals BG-22. Amounts in the document currency. */
	int has_totals;			/* the BG-22 element is present */
	dec_t line_total;		/* BT-106 */
	int has_line_total;
	dec_t allowance_total;		/* BT-107 */
	int has_allowance_total;
	dec_t charge_total;		/* BT-108 */
	int has_charge_total;
	dec_t total_without_vat;	/* BT-109 */
	int has_total_without_vat;
	dec_t vat_total;		/* BT-110 */
	int has_vat_total;
	size_t n_vat_total;		/* how many BT-110 (VAT totals in BT-5) were given */
	dec_t vat_total_tax_currency;	/* BT-111 */
	int has_vat_total_tax_currency;
	dec_t total_with_vat;		/* BT-112 */
	int has_total_with_vat;
	dec_t prepaid;			/* BT-113 */
	int has_prepaid;
	dec_t rounding;			/* BT-114 */
	int has_rounding;
	dec_t amount_due;		/* BT-115 */
	int has_amount_due;

	/* Currencies seen on amounts (currencyID attributes) that differ from BT-5 and
	 * BT-6: for PS-CURRENCY. First offender and count; NULL/0 when none. */
	char *foreign_currency;
	char *foreign_currency_where;	/* element name that carried it */
	size_t n_foreign_currency;
	/* Amounts that could not be parsed as decimals: first one, and count. */
	char *bad_amount_where;		/* element name */
	char *bad_amount_value;
	const char *bad_amount_reason;	/* dec_strerror() of the first (static) */
	size_t n_bad_amounts;
} inv_invoice;

#define INV_OK 0
#define INV_NOT_INVOICE 1	/* well-formed XML whose root/namespace is not an invoice */
#define INV_EBAD (-1)		/* not well-formed, hostile, too large/deep: err has a reason */

/* inv_parse - parse an invoice from len bytes at buf.
 * INV_OK: *out is a new model (free with inv_free). INV_NOT_INVOICE or INV_EBAD:
 * *out is NULL and err holds one line (<= errlen bytes) naming the reason. */
int inv_parse(const char *buf, size_t len, inv_invoice **out, char *err, size_t errlen);
/* inv_free - free the model; NULL ok; returns NULL */
inv_invoice *inv_free(inv_invoice *inv);

/* inv_syntax_name - "ubl" or "cii" (static string) */
const char *inv_syntax_name(enum inv_syntax syntax);
/* inv_profile_is_reduced - 1 for profiles that carry no lines (MINIMUM, BASIC-WL) */
int inv_profile_is_reduced(const inv_invoice *inv);

enum inv_severity { INV_SEV_WARNING, INV_SEV_ERROR };

typedef struct {
	char id[32];			/* "BR-CO-10", "PS-LINE-NET" ... */
	enum inv_severity severity;
	char *message;			/* one line, starts with the id, names the values */
} inv_finding;

typedef struct inv_findings {
	inv_finding *v;
	size_t n, cap;
} inv_findings;

inv_findings *inv_findings_new(void);
/* inv_line_in_totals - 1 if the line's net amount counts in BT-106 (not an
 * EXTENDED sub-line or information-only line) */
int inv_line_in_totals(const inv_invoice *inv, const inv_line *l);
/* inv_line_in_vat - 1 if the line's own VAT category and rate apply (not an
 * EXTENDED group line whose sub-lines carry the VAT, nor an information line) */
int inv_line_in_vat(const inv_invoice *inv, const inv_line *l);

/* inv_findings_add - append a finding; its message is "ID: " followed by the
 * text formatted from fmt (callers do not repeat the id) */
void inv_findings_add(inv_findings *f, const char *id, enum inv_severity sev,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
inv_findings *inv_findings_free(inv_findings *f);
/* inv_findings_flagged - 1 if any finding has INV_SEV_ERROR */
int inv_findings_flagged(const inv_findings *f);
/* inv_findings_has - 1 if a finding with this id (any severity) is in the list */
int inv_findings_has(const inv_findings *f, const char *id);

/* inv_check - run every check in scope on inv and append the findings to out.
 * Never fails. Profile-aware: MINIMUM and BASIC-WL invoices are not flagged for
 * having no lines; EXTENDED sub-lines are not summed twice. */
void inv_check(const inv_invoice *inv, inv_findings *out);

/* inv_rule_in_scope - 1 if the rule id is one inv_check implements (the table of
 * official EN 16931 rule ids and PS-* ids this engine decides) */
int inv_rule_in_scope(const char *id);
/* inv_rules - the NULL-terminated table of rule ids in scope (static) */
const char *const *inv_rules(void);

#endif
