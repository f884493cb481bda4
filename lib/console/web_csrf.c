/*
 * web_csrf.c - CSRF token check (web_csrf.h).
 *
 * The form's token is untrusted; the session's comes from the store.
 */
#include <string.h>

#include "util/passwd.h"
#include "web_csrf.h"
#include "web_session.h"

int
web_csrf_check(const char *session_token, const char *form_token)
{
	if (session_token == NULL || form_token == NULL || !web_token_valid(session_token))
		return 0;
	return passwd_equal(session_token, form_token);
}
