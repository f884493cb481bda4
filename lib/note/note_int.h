/*
 * note_int.h - what the note_*.c files share: the codecs (into util/buf.h buffers).
 * Private to lib/note*.c and their unit test. The MIME structure the note splices
 * into is mime/mime_scan.h's.
 */
#ifndef PS_NOTE_INT_H
#define PS_NOTE_INT_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "mime/mime_scan.h"
#include "util/buf.h"


/* note_codec.c */

/* note_b64_decode - strict base64: only the alphabet, white space and final padding;
 * appends the bytes to out; -1 on anything else */
int note_b64_decode(const char *in, size_t n, struct buf *out);
/* note_b64_encode - base64 in lines of 76 separated by eol, no eol after the last */
void note_b64_encode(const unsigned char *in, size_t n, const char *eol, struct buf *out);
/* note_qp_decode - quoted-printable; hard line breaks become "\n"; -1 on a malformed
 * "=" sequence, an encoded CR or LF (=0D, =0A), or a bare CR */
int note_qp_decode(const char *in, size_t n, struct buf *out);
/* note_qp_encode - quoted-printable of in, where "\n" is a hard line break; lines of at
 * most 76 octets with soft breaks, lines separated by eol */
void note_qp_encode(const char *in, size_t n, const char *eol, struct buf *out);
/*
 * note_charset_convert - the UTF-8 note in[0..n) in charset; a character charset lacks
 * becomes "&#N;" if html, else the call fails. Returns 0, 1 if a text note has a
 * character charset lacks, or -1 if the charset is unknown, stateful or not
 * ASCII-compatible (why says which).
 */
int note_charset_convert(const char *in, size_t n, const char *charset, int html,
    struct buf *out, char *why, size_t whylen);
/* note_charset_is_ascii, note_charset_is_utf8 - what the name says, for charset labels */
int note_charset_is_ascii(const char *charset);
int note_charset_is_utf8(const char *charset);

#endif
