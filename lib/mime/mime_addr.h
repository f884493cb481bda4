/*
 * mime_addr.h - an address field's value (To, Cc ...) of the plain form, read without
 * GMime's objects, and read as GMime's internet_address_list_parse reads it.
 *
 * The plain form is what mail software writes: mailboxes separated by commas, each an
 * address (local@domain) or a display name and an address in angle brackets. The
 * address is a dot-atom, "@", and a domain of letters, digits and hyphens in labels
 * separated by dots. The display name is a quoted string (printable ASCII without
 * backslashes, not starting or ending with a blank) or words of atext, each maybe
 * ended by one dot, separated by single spaces. Spaces, tabs and line ends may stand
 * between the tokens, never inside a name or an address. Anything else (encoded words:
 * "=?" anywhere; comments, groups, quoted local parts, domain literals, empty list
 * elements, 8-bit octets, more than MIME_ADDR_MAX mailboxes) is not the plain form:
 * the caller asks GMime. tests/unit/check_mime_addr.c holds every reading of the plain
 * form against GMime's.
 */
#ifndef PS_MIME_ADDR_H
#define PS_MIME_ADDR_H

#include <stddef.h>

#define MIME_ADDR_MAX 32

/* One mailbox: its display name (empty for none) and its address, as spans of the
 * value read (a quoted name without its quotes). */
struct mime_mailbox {
	const char *name, *addr;
	size_t name_len, addr_len;
};

/* mime_addr_list - read v[0..n), a field's raw value, into out (MIME_ADDR_MAX of them);
 * the number of mailboxes, or -1 when the value is not of the plain form */
int mime_addr_list(const char *v, size_t n, struct mime_mailbox *out);

#endif
