/*
 * nodelay.c - TCP_NODELAY on the filter's listening socket.
 *
 * At end of message a filter that changes the message sends several small replies in a
 * row (SMFIR_ADDHEADER, ... and then SMFIR_ACCEPT or SMFIR_CONTINUE), each in its own
 * write by libmilter. With Nagle's algorithm on, the second waits until the MTA
 * acknowledges the first, and the MTA, which has nothing to send until the last reply,
 * delays that acknowledgement (some 40 ms on Linux): every changed message stalls its
 * SMTP session that long. libmilter neither sets TCP_NODELAY nor tells us its sockets,
 * so it is set on the listening socket, found among our descriptors; on Linux the
 * connections it accepts inherit the option. Unix sockets have no Nagle and are left
 * alone. Trusts nothing it reads but the kernel's answers about its own descriptors.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "nodelay.h"

int
nodelay_listeners(void)
{
	struct rlimit rl;
	int n = 0, max = 1024, one = 1;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536)
		max = (int) rl.rlim_cur;
	for (int fd = 0; fd < max; fd++) {
		int listening = 0, domain = 0, type = 0;
		socklen_t len = sizeof(int);

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening)
			continue;
		len = sizeof(int);
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 ||
		    (domain != AF_INET && domain != AF_INET6))
			continue;
		len = sizeof(int);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM)
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0)
			n++;
	}
	return n;
}
