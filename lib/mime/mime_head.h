/*
 * mime_head.h - what a message's own header says, read from its top part or its bytes.
 *
 * The filter has GMime read a message as a part (g_mime_parser_construct_part): the top
 * part then carries the message's header fields, and GMime is spared the work that a
 * GMimeMessage does on each header as it is added, asked for or not (six address lists
 * with their change events, the Date with a time zone of its own, the Subject and the
 * Message-Id), about 90,000 instructions a message. These functions read the same
 * values on demand, as GMimeMessage (GMime 3) makes them from the same headers; the
 * Content-* headers belong to the top part, never to the message. The values are
 * GMime's decoding of untrusted bytes.
 *
 * Where mime_parse left the message's own fields out of the top part (a plain header
 * block: mimeskip.h), it hands their octets over with mime_head_set_raw, and these
 * read them there, with the same GMime functions GMimeHeader uses on the same raw
 * values (g_mime_utils_header_unfold, g_mime_utils_header_decode_text,
 * internet_address_list_parse, g_mime_utils_decode_message_id); an address value of
 * the plain form, where only the display name of one address is asked for, without
 * GMime's objects (mime_addr.h).
 */
#ifndef PS_MIME_HEAD_H
#define PS_MIME_HEAD_H

#include <gmime/gmime.h>

/* mime_head_set_raw - the message's own header block raw[0..len) (plain, its empty line
 * last; the octets outlive top) to be read in place of top's own header list */
void mime_head_set_raw(GMimeObject *top, const char *raw, size_t len);

/*
 * Where the functions below read a message's own header fields: GMime's top part of
 * it (its own header list, or the bytes mime_head_set_raw handed it), or, without
 * GMime's parse, the message's own header block in place where it is plain
 * (mimeskip_plain_head): the same values either way. Set one up with mime_head_of_top
 * (top outlives it) or mime_head_of_bytes (1 if the block is plain; the bytes outlive
 * it), and let it go with mime_head_done. A NULL head, or one of neither, reads as a
 * message without fields.
 */
struct head_raw;
struct mime_head {
	GMimeObject *top;
	struct head_raw *raw;
	int own;		/* raw is the head's own (mime_head_of_bytes) */
};

void mime_head_of_top(struct mime_head *h, GMimeObject *top);
int mime_head_of_bytes(struct mime_head *h, const char *msg, size_t len);
void mime_head_done(struct mime_head *h);

/* mime_head_get - the decoded value of the first header called name (any case), as
 * g_mime_object_get_header() on the message; NULL when there is none or name is a
 * Content-* header. The string is the head's. */
const char *mime_head_get(const struct mime_head *h, const char *name);

/* mime_head_content - the value of the top part's first Content-* header called name
 * (Content-Language ...), as g_mime_object_get_header() on the top part; NULL when
 * there is none or name is no Content-* header. The string is the head's. */
const char *mime_head_content(const struct mime_head *h, const char *name);

/* mime_head_subject - the decoded value of the last Subject header, as
 * g_mime_message_get_subject(); NULL when there is none. The string is the head's. */
const char *mime_head_subject(const struct mime_head *h);

/* mime_head_message_id - the last Message-Id header's identifier without its angle
 * brackets, as g_mime_message_get_message_id(); NULL when there is none. The caller
 * frees it with g_free(). */
char *mime_head_message_id(const struct mime_head *h);

/* mime_head_addresses - the addresses of every header of type (To, Cc, From ...), in
 * order, as g_mime_message_get_addresses(); never NULL. The caller unrefs the list. */
InternetAddressList *mime_head_addresses(const struct mime_head *h, GMimeAddressType type);

/* mime_head_display_name - the display name of the first mailbox whose address is addr
 * (any case) and that has a name, in the To fields, then the Cc fields, as
 * mime_head_addresses gives them; 1 with it in buf (cut to len), 0 (buf empty) if none
 * has. A value of the plain form is read without GMime's objects (mime_addr.h). */
int mime_head_display_name(const struct mime_head *h, const char *addr, char *buf, size_t len);

#endif
