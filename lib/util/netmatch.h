/*
 * netmatch.h - match client addresses against a list of networks ("127.0.0.0/8, ::1").
 */
#ifndef PS_NETMATCH_H
#define PS_NETMATCH_H

#include <stddef.h>
#include <sys/socket.h>

struct netmatch_net {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char addr[16];		/* network address, host bits cleared */
	int prefix;			/* prefix length in bits */
};

struct netmatch {
	struct netmatch_net *nets;
	size_t n;
};

/*
 * netmatch_parse - parse a list of addresses and CIDR networks separated by commas or
 * white space. Returns a new list the caller frees with netmatch_free(), or NULL with a
 * reason in err naming the bad entry.
 */
struct netmatch *netmatch_parse(const char *spec, char *err, size_t errlen);
struct netmatch *netmatch_free(struct netmatch *nm);
/* netmatch_addr - 1 when the textual address lies in one of the networks */
int netmatch_addr(const struct netmatch *nm, const char *addr);
/* netmatch_sockaddr - 1 when the socket address lies in one of the networks */
int netmatch_sockaddr(const struct netmatch *nm, const struct sockaddr *sa);

#endif
