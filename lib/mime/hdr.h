/*
 * hdr.h - the one scanner of header fields in raw message bytes (RFC 5322 2.2): a
 * field is a line "name:value" and the lines after it that start with a space or a
 * tab; the header block ends at an empty line (LF or CRLF) or at the end of the bytes.
 *
 * Used where a header must be found, counted, rewritten or checked byte for byte
 * (the note injection, the filter's header edits); what GMime parses is GMime's.
 */
#ifndef PS_HDR_H
#define PS_HDR_H

#include <stddef.h>
#include <string.h>
#include <strings.h>

#define HDR_NO_NAME ((size_t) -1)

/* One field: offsets into the bytes given to hdr_next. */
struct hdr_field {
	size_t start;	/* its first byte */
	size_t end;	/* past the LF of its last (continuation) line, or the block's end */
	size_t colon;	/* the ':' after a name of printable ASCII (33-126, at least one);
			   HDR_NO_NAME when its first line has none (no colon, a space in the
			   name, or a continuation line with no field before it) */
};

/*
 * hdr_next - the field at *pos of msg[*pos..end): 1, *f filled and *pos moved past
 * it; 0 at the end of the block, *pos then at the empty line (or at end)
 */
int hdr_next(const char *msg, size_t end, size_t *pos, struct hdr_field *f);
/* hdr_body_start - the offset past the empty line at blank (where hdr_next stopped),
 * where the body starts; end when the block has no empty line */
size_t hdr_body_start(const char *msg, size_t end, size_t blank);
/* hdr_name_is - 1 when the field is called name (ASCII case ignored); inline: the
 * scanners ask it of every field, for several names */
static inline int hdr_name_is(const char *msg, const struct hdr_field *f, const char *name)
{
	size_t n = strlen(name);

	return f->colon != HDR_NO_NAME && f->colon - f->start == n &&
	    strncasecmp(msg + f->start, name, n) == 0;
}
/* hdr_find - the index-th (from 1) field called name in the block msg[0..n): 1 and *f,
 * else 0 */
int hdr_find(const char *msg, size_t n, const char *name, int index, struct hdr_field *f);
/* hdr_count - how many fields of the block msg[0..n) are called name */
int hdr_count(const char *msg, size_t n, const char *name);
/* hdr_value - the field's value after the colon, unfolded (CR and LF removed) and
 * without the spaces and tabs around it; "" for a field without a name. Caller frees. */
char *hdr_value(const char *msg, const struct hdr_field *f);

#endif
