/*
 * invite_mime.h - the mail that carries a check-in invitation.
 *
 * invite_mime_build() writes an RFC 5322 message, CRLF line ends, ready for SMTP:
 *   multipart/mixed
 *     multipart/alternative
 *       text/plain; charset=UTF-8
 *       text/html; charset=UTF-8          (the plain text, HTML-escaped)
 *       text/calendar; method=REQUEST; charset=UTF-8   (or method=CANCEL)
 *     application/ics; name="invite.ics"  (Content-Disposition: attachment)
 * with Date, Message-ID, From, To, Subject (RFC 2047 where not ASCII), MIME-Version,
 * Auto-Submitted: auto-generated. All strings are untrusted: addresses are validated,
 * header texts lose their control characters, every value in the HTML is escaped.
 */
#ifndef PS_INVITE_MIME_H
#define PS_INVITE_MIME_H

#include <stddef.h>
#include <time.h>

#include "invite.h"

struct invite_mail {
	const char *from;		/* the postsale mailbox (the ORGANIZER) */
	const char *from_name;		/* may be NULL */
	const char *const *to;		/* n_to addresses: the manager (and the customer) */
	const char *const *to_names;	/* NULL, or n_to names (entries may be NULL) */
	size_t n_to;
	const char *subject;		/* UTF-8 */
	const char *text;		/* the plain-text body, UTF-8 */
	const char *ics;		/* the VCALENDAR from invite_build() */
	enum invite_method method;	/* the calendar part's method= parameter */
	time_t date;			/* Date: header */
	const char *message_id;		/* without <>; NULL: derived from uid/sequence */
	const char *uid;		/* the invite's UID, for the derived Message-ID */
	int sequence;
};

/*
 * invite_mime_build - write the message into *out (*len bytes, NUL-terminated, owned
 * by the caller: free()) and return 0; -1 with one line in err on bad input (an
 * address that is not one, no recipient, no calendar).
 * The derived Message-ID is a function of (uid, sequence, method) and the From
 * domain, so a message sent again after a crash keeps its Message-ID.
 */
int invite_mime_build(const struct invite_mail *m, char **out, size_t *len,
		      char *err, size_t errlen);

/* invite_header_encode - a header value as is when printable ASCII, else as RFC 2047
 * UTF-8 "B" encoded words of at most 75 characters, never splitting a character,
 * separated by CRLF SP; `used` is the length of "Name: " before it. Caller frees. */
char *invite_header_encode(const char *s, size_t used);

#endif
