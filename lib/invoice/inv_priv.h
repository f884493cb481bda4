/*
 * inv_priv.h - internals shared by the invoice parsers (inv_parse.c, inv_xml.c, inv_ubl.c,
 * inv_cii.c) and checks (inv_check*.c). Not an API: include lib/inv.h instead.
 *
 * The tree-walk helpers take element names as "prefix:local", with the prefixes
 * fixed here (cbc, cac, rsm, ram, udt), and compare namespace URIs, never the
 * prefixes a document happens to use. All XML content is untrusted.
 */
#ifndef PS_INV_PRIV_H
#define PS_INV_PRIV_H

#include "xmltree.h"

#include "inv.h"

#define INV_NS_UBL_INVOICE "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
#define INV_NS_UBL_CREDITNOTE "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
#define INV_NS_CII "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"

/*
 * A reader's memo of the document it reads: for each name it looks up, the tree's
 * pointer for that name, found once in the tree's dictionary (xmltree_dict: every
 * element name is the dictionary's one copy of it, xmltree.h), or none when no element
 * of the document has the name. A child is then found by comparing pointers, and a
 * name the document lacks without a walk. The qnames passed to invx_kid, invx_path and
 * invx_is must be string constants: the memo keys them by address. inv_parse() opens
 * the memo on its stack for one document and closes it before returning; without one
 * the helpers compare strings, with the same results.
 */
#define INVX_MEMO_SLOTS 128		/* a power of two */
struct invx_memo {
	xmlDictPtr dict;		/* the tree's */
	struct {
		const char *qname;	/* the constant looked up (NULL: a free slot) */
		size_t len;		/* how many bytes of it */
		const char *name;	/* the dictionary's pointer for its local name, NULL
					   when the document has no such name */
		int ns;			/* its prefix's namespace (inv_xml.c's table) */
	} slot[INVX_MEMO_SLOTS];
	const char *ns_uri[8];		/* per namespace, a tree's pointer found equal to
					   its URI, or NULL */
};
/* invx_memo_begin - use m (the caller's, emptied here) with the tree's dictionary dict
 * for this thread's lookups until invx_memo_end(); invx_memo_end - stop using it */
void invx_memo_begin(struct invx_memo *m, xmlDictPtr dict);
void invx_memo_end(void);
/* invx_set_memo - for tests: 0 keeps the helpers from any memo (string compares
 * only), 1 (the default) lets them use it; process-wide */
void invx_set_memo(int on);

/* invx_kid - first element child of n named qname ("cbc:ID"); NULL if none or n NULL */
xmltree_ptr invx_kid(xmltree_ptr n, const char *qname);
/* invx_next - next element sibling after n with the same name and namespace */
xmltree_ptr invx_next(xmltree_ptr n);
/* invx_path - follow "a:x/b:y/..." through first matches; NULL if any step fails */
xmltree_ptr invx_path(xmltree_ptr n, const char *path);
/* invx_is - 1 if n is an element named qname */
int invx_is(xmltree_ptr n, const char *qname);
/* invx_text - whitespace-trimmed text content (new string), NULL if n is NULL or blank */
char *invx_text(xmltree_ptr n);
/* invx_attr - attribute value, trimmed (new string), NULL if absent or blank */
char *invx_attr(xmltree_ptr n, const char *name);
/* invx_text_eq - 1 if the trimmed text of n equals lit, ignoring ASCII case */
int invx_text_eq(xmltree_ptr n, const char *lit);
/* invx_bool - xs:boolean value of n's text: 1 true/1, 0 false/0, -1 anything else */
int invx_bool(xmltree_ptr n);
/* invx_date - a date as YYYY-MM-DD from "YYYY-MM-DD" or CII format 102 "YYYYMMDD";
 * other text is kept as it is (new string); NULL if n is NULL or blank */
char *invx_date(xmltree_ptr n);
/* invx_amount - parse the decimal in n into *v and set *has; a malformed value
 * is recorded in inv (bad_amount_*) and leaves *has 0. When check_currency is set,
 * a currencyID other than the document currency is recorded (foreign_currency). */
void invx_amount(inv_invoice *inv, xmltree_ptr n, dec_t *v, int *has, int check_currency);

/* Model growth: each returns a zeroed new element owned by the model. */
inv_line *inv_add_line(inv_invoice *inv);
inv_allowance_charge *inv_add_ac(inv_allowance_charge **v, size_t *n);
inv_vat *inv_add_vat(inv_invoice *inv);
void inv_add_iban(inv_invoice *inv, char *iban);	/* takes ownership */
/* inv_set_profile - derive inv->profile from inv->customization_id */
void inv_set_profile(inv_invoice *inv);

/* Syntax parsers: fill inv from the root element; never fail (missing data stays NULL). */
void inv_ubl_read(xmltree_ptr root, inv_invoice *inv);
void inv_cii_read(xmltree_ptr root, inv_invoice *inv);

/* Check families (inv_check.c calls them in order). */
void inv_check_core(const inv_invoice *inv, inv_findings *out);
void inv_check_co(const inv_invoice *inv, inv_findings *out);
void inv_check_vat(const inv_invoice *inv, inv_findings *out);
void inv_check_ps(const inv_invoice *inv, inv_findings *out);
/* inv_check_profile - drop the findings from index from on that the invoice's own
 * Factur-X profile (MINIMUM, BASIC WL, EXTENDED) does not have (inv_check_profile.c) */
void inv_check_profile(const inv_invoice *inv, inv_findings *out, size_t from);
/* inv_profile_has_rule - 1 if the invoice's profile has the rule id */
int inv_profile_has_rule(const inv_invoice *inv, const char *id);
/* inv_profile_is_extended - a CII invoice of the Factur-X EXTENDED profile */
int inv_profile_is_extended(const inv_invoice *inv);
/* inv_check_extended - the EXTENDED schematron's own replacements of the EN 16931
 * rules it drops: BR-FXEXT-CO-04, -11, -12, -15 (inv_check_profile.c) */
void inv_check_extended(const inv_invoice *inv, inv_findings *out);

/* Helpers for the checks. */
/* inv_mark_children - set has_children on lines named by another line's parent_id */
void inv_mark_children(inv_invoice *inv);
/* inv_round_xpath - XPath fn:round to scale digits: half toward positive infinity,
 * as the official artefacts round */
dec_t inv_round_xpath(dec_t a, int scale);
/* inv_line_net - quantity x (price / base quantity) + charges - allowances, exact to
 * 16 decimals (inv_check_ps.c); -1 on overflow */
int inv_line_net(const inv_line *l, dec_t price, dec_t *out);
/* inv_line_net_at - the same, the division exact to scale decimals (16 overflows for
 * large amounts) */
int inv_line_net_at(const inv_line *l, dec_t price, int scale, dec_t *out);
/* inv_fmt - format into one of a few rotating static-per-call buffers owned by the caller */
#define INV_FMT(d, buf) dec_fmt((d), (buf), sizeof(buf))

#endif
