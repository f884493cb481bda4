/*
 * inv_severity.h - postsale's own invoice rules (PS-*, everything that is not a rule
 * of the official EN 16931 / Factur-X artefacts) and their severity.
 *
 * The official rules are errors. postsale's own rules are warnings by default: they
 * are true and worth showing to finance, but not grounds to hold a customer's
 * invoice. The config key error-rules names those a site wants as errors.
 */
#ifndef PS_INV_SEVERITY_H
#define PS_INV_SEVERITY_H

#include <stddef.h>

#include "inv.h"

struct inv_ps_rule {
	const char *id;			/* "PS-LINE-NET" */
	enum inv_severity severity;	/* the default */
	const char *what;		/* one line: what the rule checks */
};

/* inv_ps_rules - postsale's own rules, ended by an entry with a NULL id (static) */
const struct inv_ps_rule *inv_ps_rules(void);
/* inv_ps_rule_find - the entry of a postsale rule id, or NULL */
const struct inv_ps_rule *inv_ps_rule_find(const char *id);
/* inv_rule_is_official - 1 unless id is one of postsale's own (PS-*) rules */
int inv_rule_is_official(const char *id);

/*
 * inv_findings_apply_severity - give every postsale finding in f its severity: error
 * if its id is one of the n ids in error_ids, else its default (a warning). Official
 * findings keep theirs.
 */
void inv_findings_apply_severity(inv_findings *f, char *const *error_ids, size_t n);

/*
 * inv_error_rules_check - the check of the error-rules value (conf_key.check): ids
 * separated by commas or white space, each one of postsale's own rules. 0, or -1
 * with the reason in why.
 */
int inv_error_rules_check(const char *value, char *why, size_t whylen);

#endif
