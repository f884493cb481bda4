/*
 * mime_find.h - the invoices of a message found through its skeleton (mime_scan.h)
 * instead of GMime's objects: the same walk, limits, decoding and look at each leaf as
 * inv_find_in_message (invoice/inv_find.h), over the parts the scan recorded, each
 * leaf's content read in place in the message.
 *
 * Where the scan accepted a message, its tree, its content windows, its content types,
 * transfer encodings and file names are GMime's (mime_scan.h), so the entries are
 * those inv_find_in_message reports on GMime's parse of the same bytes;
 * tests/unit/check_inv_find.c checks every message of its suite both ways. An attached
 * message is one leaf to the scan but a message GMime parses and the finder goes into:
 * mime_find_usable says where the skeleton cannot serve.
 */
#ifndef PS_MIME_FIND_H
#define PS_MIME_FIND_H

#include "invoice/inv_find.h"
#include "mime_scan.h"

/* mime_find_usable - 1 when mime_find_invoices reports on t what GMime's parse would
 * give: no part of t is a message (message/rfc822 or any other message/ type, which
 * GMime makes objects of their own) */
int mime_find_usable(const mime_tree *t);

/* mime_find_invoices - as inv_find_in_message, over the parts of msg that t (its
 * scan, mime_find_usable) records: appends to *out, returns the number appended */
int mime_find_invoices(const char *msg, const mime_tree *t, const struct inv_find_limits *lim,
    inv_found_list *out);

#endif
