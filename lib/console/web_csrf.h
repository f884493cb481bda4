/*
 * web_csrf.h - the finance console's CSRF tokens: one random token per session (made
 * with web_token_new(), kept in the session's row), sent in a hidden field of every
 * form, and compared in constant time on every POST.
 */
#ifndef PS_WEB_CSRF_H
#define PS_WEB_CSRF_H

#define WEB_CSRF_FIELD "csrf"

/* web_csrf_check - 1 when the form's token (NULL when absent) is the session's
 * (NULL: no session); compared in constant time, never equal when either is empty */
int web_csrf_check(const char *session_token, const char *form_token);

#endif
