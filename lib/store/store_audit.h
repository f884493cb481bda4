/*
 * store_audit.h - the audit log: every action taken in the finance console (release,
 * discard, review) with who, when, what and the outcome, shown on the invoice's page
 * and by postsalectl show. Rows are only ever added.
 */
#ifndef PS_STORE_AUDIT_H
#define PS_STORE_AUDIT_H

#include <stddef.h>
#include <time.h>

#include "store.h"
#include "store_rows.h"

/* audit_add - one entry (invoice_id 0: none); 0, or -1 with err */
int audit_add(struct store *st, long long invoice_id, time_t at, const char *user,
    const char *action, const char *outcome, const char *detail, char *err, size_t errlen);
/* Columns of audit_list(). */
enum { AUDIT_AT, AUDIT_USER, AUDIT_ACTION, AUDIT_OUTCOME, AUDIT_DETAIL };
/* audit_list - the entries of one invoice, oldest first, into rows; 0, or -1 */
int audit_list(struct store *st, long long invoice_id, struct store_rows *rows,
    char *err, size_t errlen);

#endif
