/*
 * mime_text.h - the body text of a message, as the mail-level invoice checks read it.
 *
 * The message is untrusted: parts are decoded by GMime (transfer encoding and charset
 * to UTF-8), or copied as they stand where GMime's decoding would not change an octet;
 * HTML is reduced to its text without interpreting it, and the result is bounded. The
 * caller has called g_mime_init().
 */
#ifndef PS_MIME_TEXT_H
#define PS_MIME_TEXT_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "mime_scan.h"

/*
 * mime_text_body - the first text/plain part under top (a message's top part, as
 * mime_parse gives it, or g_mime_message_get_mime_part's) that is not an attachment, else the
 * first such text/html part with its tags stripped (script and style dropped, <br>,
 * </p>, </div>, </tr>, </li> as line ends, <td> as a space, character references
 * decoded), decoded to UTF-8 and cut to at most max_bytes (never inside a character;
 * 0: no limit). Parts inside message/rfc822, multipart/encrypted and attachments are
 * not the body. Returns a string the caller frees with free(), or NULL when there is
 * no body text.
 */
char *mime_text_body(GMimeObject *top, size_t max_bytes);

/* mime_text_body_scan - the same, from the skeleton t of msg (mime_scan.h; one that
 * mime_find_usable takes): the same part, the same text */
char *mime_text_body_scan(const char *msg, const mime_tree *t, size_t max_bytes);

/* mime_text_from_html - the text of an HTML document or fragment (rules above);
 * caller frees with free() */
char *mime_text_from_html(const char *html, size_t len);

/* mime_text_message_bytes - msg written as RFC 5322 bytes with CRLF line ends, ready
 * for SMTP: a NUL-terminated string (*len bytes) the caller frees with free(); msg is
 * unreferenced (given up) */
char *mime_text_message_bytes(GMimeMessage *msg, size_t *len);

#endif
