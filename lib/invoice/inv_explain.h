/*
 * inv_explain.h - a plain explanation of each finding's rule id, for people who are
 * not EN 16931 experts (the finance console's invoice page).
 */
#ifndef PS_INV_EXPLAIN_H
#define PS_INV_EXPLAIN_H

/* inv_rule_explain - one or two sentences about rule (static text; a generic one for
 * ids without their own) */
const char *inv_rule_explain(const char *rule);

#endif
