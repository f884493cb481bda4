/*
 * text.h - untrusted text made safe to show: the one "make printable" function, the
 * one UTF-8 sequence check, and the one mail address check of postsale.
 *
 * Trusts nothing: every function takes bytes from anywhere (messages, invoices, the
 * store, the command line) and never reads past the length it is given.
 */
#ifndef PS_TEXT_H
#define PS_TEXT_H

#include <stddef.h>

/*
 * The rule of text_printable: valid UTF-8 is kept; every control byte (C0, DEL) and
 * every byte that is not part of a valid UTF-8 sequence becomes '?'. The flags change
 * it where a reader needs something else:
 */
#define TEXT_ASCII	0x1	/* every non-ASCII byte becomes '?' too: log lines (syslog
				   and the tests that read them stay 7-bit) */
#define TEXT_SPACE	0x2	/* controls become ' ', not '?': one-line messages and table
				   cells, where a tab or a line break was a space */
#define TEXT_NOEOL	0x4	/* CR and LF are dropped (an SMTP reply's lines joined) */

/*
 * text_printable - copy at most len bytes of untrusted s into buf (size bufsize) by
 * the rule above; input that does not fit is cut (never inside a UTF-8 sequence) and,
 * when bufsize >= 4, ends in "..."; buf is always NUL-terminated; returns buf
 */
char *text_printable(char *buf, size_t bufsize, const char *s, size_t len, unsigned flags);
/* text_printable_dup - the same, all of the len bytes, into new memory (caller frees) */
char *text_printable_dup(const char *s, size_t len, unsigned flags);
/* text_printable_inplace - the same, in place, on the NUL-terminated s (TEXT_ASCII and
 * TEXT_SPACE apply; TEXT_NOEOL does not); returns s */
char *text_printable_inplace(char *s, unsigned flags);

/* text_utf8_len - length (1..4) of the valid UTF-8 sequence at the n bytes at s, or 0
 * if they do not start one (overlong forms, surrogates and code points past U+10FFFF
 * are not valid). A NUL-terminated s may pass n = 4: a NUL ends any sequence, and no
 * byte past the first that is not a continuation byte is read. */
size_t text_utf8_len(const unsigned char *s, size_t n);

/* text_addr_valid - 1 if s is a plain addr-spec local@domain we are willing to put
 * into a calendar, a header or the store (no spaces, controls, quotes, brackets;
 * dot-atoms; a domain of letters, digits, '-' or UTF-8), else 0 */
int text_addr_valid(const char *s);

/* text_hexval - the value of the hex digit c (either case), or -1 */
int text_hexval(unsigned char c);

#endif
