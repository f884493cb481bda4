/*
 * outbound.h - is a message leaving the company? Pure decisions on the envelope.
 *
 * A message is outbound when its sender is the company's (SMTP AUTH, or a client in the
 * internal networks, which includes local submission through sendmail(1)) and at least
 * one recipient lies outside the local domains.
 */
#ifndef PS_OUTBOUND_H
#define PS_OUTBOUND_H

#include <sys/socket.h>

#include "conf/conf.h"

/*
 * outbound_origin_internal - 1 when the sender is the company's: auth_authen is not
 * empty, or the client address (sa, else the text addr) is in the internal networks.
 */
int outbound_origin_internal(const struct netmatch *internal, const char *auth_authen,
    const struct sockaddr *sa, const char *addr);
/* outbound_domain_local - 1 when domain is a local domain or a subdomain of one */
int outbound_domain_local(const struct conf_list *local, const char *domain);
/*
 * outbound_rcpt_domain - the domain of an envelope address as the MTA passes it
 * ("<user@Example.COM>", "user@example.com", "<@relay:user@example.com>"): a pointer
 * into addr and its length, or NULL for an address without a domain.
 */
const char *outbound_rcpt_domain(const char *addr, size_t *len);
/* outbound_bare_address - rcpt ("<a@b>", " a@b ") as a bare address into buf; returns buf */
char *outbound_bare_address(const char *rcpt, char *buf, size_t len);
/* outbound_rcpt_external - 1 when the recipient's domain is not local */
int outbound_rcpt_external(const struct conf_list *local, const char *rcpt);

#endif
