/*
 * buf.h - the one growing byte buffer of postsale: pages, MIME parts, decoded bodies,
 * rendered templates and fetched calendars are all written into one.
 *
 * A struct buf starts zeroed ({0}); data is NUL-terminated after its len bytes once
 * anything was added (NULL before). Growth either succeeds or does not return
 * (xalloc.h). The buffer owns data until buf_steal() hands it to the caller.
 */
#ifndef PS_BUF_H
#define PS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;		/* the bytes, NUL-terminated; NULL while nothing was added */
	size_t len;		/* bytes used, the NUL excluded */
	size_t cap;		/* bytes allocated */
};

/* buf_reserve - room for n more bytes and the NUL */
void buf_reserve(struct buf *b, size_t n);
/* buf_add - append n bytes of p (n may be 0: data is then at least "") */
void buf_add(struct buf *b, const void *p, size_t n);
/* buf_adds - append the string s */
void buf_adds(struct buf *b, const char *s);
/* buf_addc - append one byte */
void buf_addc(struct buf *b, char c);
/* buf_printf - append formatted text */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* buf_vprintf - append formatted text from a va_list */
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* buf_steal - the bytes written so far, NUL-terminated ("" if none), now the caller's
 * (free()); *len (may be NULL) gets their length; b is empty again */
char *buf_steal(struct buf *b, size_t *len);
/* buf_free - release the bytes; b is empty again (usable) */
void buf_free(struct buf *b);

#endif
