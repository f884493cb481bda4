/*
 * mime_plain.h - whether the scan's reading of a message (mime_scan.h), up to a part,
 * is of the plain structure: the form mail software writes, whose reading by GMime's
 * parser is the scan's by construction, so that the note need not have GMime parse it
 * again to know (mime_scan_agrees_upto).
 *
 * The structure up to part last is plain when every part GMime would read to reach it
 * (all of them, or those up to the end of the top-level part that holds it: the region
 * mime_scan_agrees_upto reads) has
 *   - a plain header block: every line a field ("name:", the name printable ASCII
 *     without blanks) or a continuation, ended by LF or CR LF, no other CR, no NUL, and
 *     an empty line ending the block (mimeskip.h);
 *   - no Content-Type, or one whose value the scan read in the plain form (mime_field.h);
 *   - a type other than message/ (GMime parses an attached message as a message);
 *   - if it is a multipart, a boundary of 1 to 70 of RFC 2046's characters, not ending
 *     in a space;
 *   - if it is a child, the same line end (CR LF or LF) before the delimiter line after
 *     it as that delimiter line's own: GMime takes two octets off a part's content
 *     before a delimiter line ended by CR LF and one before any other, whatever they
 *     are, so that with mixed line ends its window and the scan's differ by an octet;
 * and every line of the octets in the region is at most 998 octets before its line end
 * (RFC 5322).
 *
 * Where the scan takes such a message, it splits it where GMime does: a delimiter is a
 * line that starts with "--" and the boundary, and the scan refuses any line that
 * starts so and is not one (mime_scan.c); each part's fields are the same fields; each
 * Content-Type value is read as GMime reads it. tests/unit/check_mime_plain.c holds
 * that claim against GMime's parser on messages made of random structures, random
 * boundaries, fields, line ends and contents, and on each again with octets changed:
 * wherever the structure is plain, GMime's reading is the scan's.
 */
#ifndef PS_MIME_PLAIN_H
#define PS_MIME_PLAIN_H

#include <stddef.h>

#include "mime_scan.h"

/* mime_plain_upto - 1 if the structure of msg[0..len) as the scan read it in t is
 * plain (above) up to part last, else 0 */
int mime_plain_upto(const char *msg, size_t len, const mime_tree *t, int last);

#endif
