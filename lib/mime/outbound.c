/*
 * outbound.c - decide whether a message leaves the company.
 *
 * The envelope addresses and macros come from the MTA, which took them from the SMTP
 * client: untrusted text. They are only compared here, never copied or logged.
 */
#include <string.h>
#include <strings.h>

#include "outbound.h"

int
outbound_origin_internal(const struct netmatch *internal, const char *auth_authen,
    const struct sockaddr *sa, const char *addr)
{
	if (auth_authen != NULL && *auth_authen != '\0')
		return 1;
	if (sa != NULL && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6))
		return netmatch_sockaddr(internal, sa);
	return netmatch_addr(internal, addr);
}

int
outbound_domain_local(const struct conf_list *local, const char *domain)
{
	size_t dlen = strlen(domain);

	if (dlen > 0 && domain[dlen - 1] == '.')
		dlen--;
	for (size_t i = 0; i < local->n; i++) {
		const char *l = local->v[i];
		size_t llen = strlen(l);

		if (llen > 0 && l[0] == '.')	/* ".example.com" means the same here */
			l++, llen--;
		if (llen == 0 || llen > dlen)
			continue;
		if (strncasecmp(domain + dlen - llen, l, llen) == 0 &&
		    (dlen == llen || domain[dlen - llen - 1] == '.'))
			return 1;
	}
	return 0;
}

const char *
outbound_rcpt_domain(const char *addr, size_t *len)
{
	const char *end = addr + strlen(addr), *at;

	while (end > addr && (end[-1] == '>' || end[-1] == ' '))
		end--;
	for (at = end; at > addr && at[-1] != '@'; at--)
		;
	if (at == addr)
		return NULL;
	*len = (size_t) (end - at);
	return *len > 0 ? at : NULL;
}

int
outbound_rcpt_external(const struct conf_list *local, const char *rcpt)
{
	char domain[256];
	size_t len;
	const char *d = outbound_rcpt_domain(rcpt, &len);

	if (d == NULL)
		return 0;			/* a local user name: not external */
	if (len >= sizeof(domain))
		return 1;			/* no local domain is that long */
	memcpy(domain, d, len);
	domain[len] = '\0';
	return !outbound_domain_local(local, domain);
}

char *
outbound_bare_address(const char *rcpt, char *buf, size_t len)
{
	size_t n;

	while (*rcpt == ' ' || *rcpt == '\t' || *rcpt == '<')
		rcpt++;
	n = strcspn(rcpt, "> \t");
	if (len == 0)
		return buf;
	if (n >= len)
		n = len - 1;
	memcpy(buf, rcpt, n);
	buf[n] = '\0';
	return buf;
}
