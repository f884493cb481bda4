/*
 * check_outbound.c - network matching (RFC 4632 prefixes, RFC 4291 IPv4-mapped IPv6),
 * recipient domains, and the outbound decision.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "mime/msg.h"
#include "util/netmatch.h"
#include "mime/outbound.h"
#include "test_run.h"

static const struct {
	const char *nets, *addr;
	int want;
} net_cases[] = {
	{"192.168.0.0/16", "192.168.255.1", 1},
	{"192.168.0.0/16", "192.169.0.1", 0},
	{"10.1.2.3", "10.1.2.3", 1},			/* a bare address is a /32 */
	{"10.1.2.3", "10.1.2.4", 0},
	{"172.16.0.0/12", "172.31.255.255", 1},		/* RFC 1918 block, last address */
	{"172.16.0.0/12", "172.32.0.0", 0},
	{"198.51.100.7/24", "198.51.100.200", 1},	/* host bits in the spec are ignored */
	{"0.0.0.0/0", "203.0.113.9", 1},
	{"2001:db8::/32", "2001:db8:1234::1", 1},
	{"2001:db8::/32", "2001:db9::1", 0},
	{"2001:db8::/33", "2001:db8:8000::1", 0},	/* bit 33 set: outside */
	{"2001:db8::/33", "2001:db8:7fff::1", 1},
	{"127.0.0.0/8", "::ffff:127.0.0.1", 1},	/* IPv4-mapped (RFC 4291 2.5.5.2) */
	{"127.0.0.0/8", "[127.0.0.1]", 1},
	{"::1", "IPv6:::1", 1},				/* Sendmail's form */
	{"127.0.0.0/8", "not an address", 0},
	{"127.0.0.0/8", "", 0},
};

START_TEST(test_netmatch)
{
	char err[256] = "";
	struct netmatch *nm = netmatch_parse(net_cases[_i].nets, err, sizeof(err));

	ck_assert_msg(nm != NULL, "%s", err);
	ck_assert_msg(netmatch_addr(nm, net_cases[_i].addr) == net_cases[_i].want,
	    "%s in %s", net_cases[_i].addr, net_cases[_i].nets);
	netmatch_free(nm);
}
END_TEST

START_TEST(test_netmatch_bad)
{
	static const char *bad[] = {"10.0.0.0/33", "::/129", "10.0.0/8", "host.example", "1.2.3.4/x"};
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_ptr_null(netmatch_parse(bad[i], err, sizeof(err)));
		ck_assert_msg(strstr(err, bad[i]) != NULL, "error names the entry: %s", err);
	}
}
END_TEST

START_TEST(test_sockaddr)
{
	char err[256];
	struct netmatch *nm = netmatch_parse("192.0.2.0/24", err, sizeof(err));
	struct sockaddr_in sin = {.sin_family = AF_INET};

	inet_pton(AF_INET, "192.0.2.77", &sin.sin_addr);
	ck_assert_int_eq(netmatch_sockaddr(nm, (struct sockaddr *) &sin), 1);
	inet_pton(AF_INET, "192.0.3.77", &sin.sin_addr);
	ck_assert_int_eq(netmatch_sockaddr(nm, (struct sockaddr *) &sin), 0);
	netmatch_free(nm);
}
END_TEST

static const struct {
	const char *rcpt;
	int external;
} rcpt_cases[] = {
	{"<alice@example.com>", 0},
	{"<alice@EXAMPLE.COM>", 0},			/* domains compare without case */
	{"<bob@sales.example.com>", 0},			/* subdomain of a local domain */
	{"<carol@example.com.>", 0},			/* trailing root dot */
	{"<dave@notexample.com>", 1},			/* a suffix is not a subdomain */
	{"<erin@customer.example>", 1},
	{"frank@customer.example", 1},
	{"<@relay.example.com:gina@customer.example>", 1},	/* source route */
	{"<\"odd@name\"@example.com>", 0},		/* quoted local part with @ */
	{"<postmaster>", 0},				/* no domain: a local user */
	{"<h@example.net>", 0},
};

START_TEST(test_rcpt)
{
	struct conf_list local;
	char *v[] = {"example.com", ".example.net"};

	local.v = v;
	local.n = 2;
	ck_assert_msg(outbound_rcpt_external(&local, rcpt_cases[_i].rcpt) == rcpt_cases[_i].external,
	    "%s", rcpt_cases[_i].rcpt);
}
END_TEST

START_TEST(test_bare_address)
{
	char buf[64];

	ck_assert_str_eq(outbound_bare_address("<alice@example.com>", buf, sizeof(buf)), "alice@example.com");
	ck_assert_str_eq(outbound_bare_address(" bob@customer.example ", buf, sizeof(buf)), "bob@customer.example");
	ck_assert_str_eq(outbound_bare_address("<carol@x.example> NOTIFY=NEVER", buf, sizeof(buf)), "carol@x.example");
	ck_assert_str_eq(outbound_bare_address("<0123456789@example.com>", buf, 8), "0123456");	/* cut to fit */
}
END_TEST

START_TEST(test_origin)
{
	char err[256];
	struct netmatch *nm = netmatch_parse("127.0.0.0/8, 10.0.0.0/8", err, sizeof(err));

	ck_assert_int_eq(outbound_origin_internal(nm, NULL, NULL, "10.1.1.1"), 1);
	ck_assert_int_eq(outbound_origin_internal(nm, NULL, NULL, "198.51.100.1"), 0);
	ck_assert_int_eq(outbound_origin_internal(nm, "", NULL, "198.51.100.1"), 0);
	/* SMTP AUTH makes any client the company's */
	ck_assert_int_eq(outbound_origin_internal(nm, "alice", NULL, "198.51.100.1"), 1);
	netmatch_free(nm);
}
END_TEST

START_TEST(test_msg_outbound)
{
	struct ps_msg *m = msg_new(0);

	m->origin_internal = 1;
	msg_add_rcpt(m, "<a@example.com>", 0);
	ck_assert_int_eq(msg_outbound(m), 0);		/* internal mail */
	msg_add_rcpt(m, "<b@customer.example>", 1);
	ck_assert_int_eq(msg_outbound(m), 1);
	m->origin_internal = 0;
	ck_assert_int_eq(msg_outbound(m), 0);		/* inbound */
	msg_free(m);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_netmatch, net_cases), TEST_ONCE(test_netmatch_bad),
		TEST_ONCE(test_sockaddr), TEST_LOOP(test_rcpt, rcpt_cases),
		TEST_ONCE(test_bare_address), TEST_ONCE(test_origin),
		TEST_ONCE(test_msg_outbound),
	};

	return test_main("outbound", 0, tests, TEST_COUNT(tests));
}
