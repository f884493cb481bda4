/*
 * check_nodelay.c - nodelay_listeners() sets TCP_NODELAY on a listening TCP socket of
 * the process, and a connection that socket accepts has it too (the kernel's
 * inheritance that postsale-milter relies on, since libmilter hides the accepted
 * sockets); a connected socket and a Unix socket are left as they were.
 */
#include <check.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "nodelay.h"
#include "test_run.h"

/* nodelay_of - the TCP_NODELAY of fd, as the kernel says */
static int
nodelay_of(int fd)
{
	int v = -1;
	socklen_t len = sizeof(v);

	ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len), 0);
	return v != 0;
}

START_TEST(test_listener_and_accepted)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), cfd = socket(AF_INET, SOCK_STREAM, 0);
	int ufd = socket(AF_UNIX, SOCK_STREAM, 0), afd;
	struct sockaddr_un su;

	ck_assert_int_ge(lfd, 0);
	ck_assert_int_ge(cfd, 0);
	ck_assert_int_ge(ufd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *) &sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *) &sa, &len), 0);
	memset(&su, 0, sizeof(su));	/* an abstract Unix socket: nothing on disk */
	su.sun_family = AF_UNIX;
	memcpy(su.sun_path, "\0postsale-check-nodelay", 23);
	ck_assert_int_eq(bind(ufd, (struct sockaddr *) &su, sizeof(su)), 0);
	ck_assert_int_eq(listen(ufd, 4), 0);
	ck_assert_int_eq(nodelay_of(lfd), 0);

	ck_assert_int_ge(nodelay_listeners(), 1);	/* this test's one; no others here */
	ck_assert_int_eq(nodelay_of(lfd), 1);
	ck_assert_int_eq(connect(cfd, (struct sockaddr *) &sa, sizeof(sa)), 0);
	ck_assert_int_eq(nodelay_of(cfd), 0);		/* the client end: not ours to change */
	ck_assert_int_ge(afd = accept(lfd, NULL, NULL), 0);
	ck_assert_int_eq(nodelay_of(afd), 1);		/* inherited from the listener */
	close(afd);
	close(cfd);
	close(lfd);
	close(ufd);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_listener_and_accepted),
	};

	return test_main("nodelay", 0, tests, TEST_COUNT(tests));
}
