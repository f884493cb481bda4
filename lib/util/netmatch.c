/*
 * netmatch.c - match client addresses against configured networks.
 *
 * The network list comes from the administrator's config; the addresses matched come
 * from the MTA and are untrusted text: anything that does not parse as an address
 * simply matches nothing. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) match IPv4
 * networks, since that is how a dual-stack socket reports IPv4 clients.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmatch.h"
#include "xalloc.h"

/* netmatch_parse_one - parse "addr" or "addr/prefix" into net; 0 or -1 */
static int
netmatch_parse_one(const char *word, struct netmatch_net *net)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	int bits, i;

	if (strlen(word) >= sizeof(buf))
		return -1;
	strcpy(buf, word);
	if (buf[0] == '[') {			/* Postfix style [::1]/128 */
		char *close = strchr(buf, ']');
		if (close == NULL)
			return -1;
		memmove(buf, buf + 1, strlen(buf));
		close--;
		memmove(close, close + 1, strlen(close));
	}
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	memset(net, 0, sizeof(*net));
	if (inet_pton(AF_INET, buf, net->addr) == 1) {
		net->family = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, buf, net->addr) == 1) {
		net->family = AF_INET6;
		bits = 128;
	} else
		return -1;
	net->prefix = bits;
	if (slash != NULL) {
		long p = strtol(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || p < 0 || p > bits)
			return -1;
		net->prefix = (int) p;
	}
	for (i = net->prefix; i < bits; i++)	/* clear the host bits */
		net->addr[i / 8] &= (unsigned char) ~(0x80 >> (i % 8));
	return 0;
}

struct netmatch *
netmatch_parse(const char *spec, char *err, size_t errlen)
{
	struct netmatch *nm = xcalloc(1, sizeof(*nm));
	char *copy = xstrdup(spec), *save = NULL, *word;

	for (word = strtok_r(copy, ", \t", &save); word != NULL;
	     word = strtok_r(NULL, ", \t", &save)) {
		nm->nets = xreallocarray(nm->nets, nm->n + 1, sizeof(*nm->nets));
		if (netmatch_parse_one(word, &nm->nets[nm->n]) != 0) {
			snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address or network", word);
			free(copy);
			return netmatch_free(nm);
		}
		nm->n++;
	}
	free(copy);
	return nm;
}

struct netmatch *
netmatch_free(struct netmatch *nm)
{
	if (nm != NULL) {
		free(nm->nets);
		free(nm);
	}
	return NULL;
}

/* netmatch_bytes - 1 when addr (family, bytes) lies in one of the networks */
static int
netmatch_bytes(const struct netmatch *nm, int family, const unsigned char *addr)
{
	static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (family == AF_INET6 && memcmp(addr, v4mapped, 12) == 0) {
		family = AF_INET;
		addr += 12;
	}
	for (size_t i = 0; i < nm->n; i++) {
		const struct netmatch_net *net = &nm->nets[i];
		int full = net->prefix / 8, rest = net->prefix % 8;

		if (net->family != family || memcmp(net->addr, addr, full) != 0)
			continue;
		if (rest == 0 || ((addr[full] ^ net->addr[full]) & (0xff << (8 - rest)) & 0xff) == 0)
			return 1;
	}
	return 0;
}

int
netmatch_addr(const struct netmatch *nm, const char *addr)
{
	unsigned char buf[16];
	char tmp[INET6_ADDRSTRLEN + 2];
	size_t len;

	if (nm == NULL || addr == NULL)
		return 0;
	len = strlen(addr);
	if (len >= 2 && addr[0] == '[' && addr[len - 1] == ']' && len - 2 < sizeof(tmp)) {
		memcpy(tmp, addr + 1, len - 2);
		tmp[len - 2] = '\0';
		addr = tmp;
	}
	if (strncmp(addr, "IPv6:", 5) == 0)	/* Sendmail's {client_addr} form */
		addr += 5;
	if (inet_pton(AF_INET, addr, buf) == 1)
		return netmatch_bytes(nm, AF_INET, buf);
	if (inet_pton(AF_INET6, addr, buf) == 1)
		return netmatch_bytes(nm, AF_INET6, buf);
	return 0;
}

int
netmatch_sockaddr(const struct netmatch *nm, const struct sockaddr *sa)
{
	if (nm == NULL || sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		return netmatch_bytes(nm, AF_INET,
		    (const unsigned char *) &((const struct sockaddr_in *) sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return netmatch_bytes(nm, AF_INET6,
		    ((const struct sockaddr_in6 *) sa)->sin6_addr.s6_addr);
	return 0;
}
