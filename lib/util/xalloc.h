/*
 * xalloc.h - memory allocation that either succeeds or does not return.
 *
 * Out of memory is not a condition the filter can recover from in a useful way, so,
 * as Postfix's mymalloc does, these functions abort with a message instead of
 * returning NULL. Everything they return is owned by the caller and freed with free().
 */
#ifndef PS_XALLOC_H
#define PS_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* xreallocarray - grow an array of nmemb * size bytes, checking the product */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xmemdup - copy len bytes and add a NUL after them */
char *xmemdup(const void *p, size_t len);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
