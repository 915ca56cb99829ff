/*
 * t_netset: CIDR parsing, IPv4-mapped folding, set membership at the
 * network boundaries, merging, "covers everything" detection, the
 * coverage of a union of sets (IPv4 with the mapped space, IPv6's
 * 2000::/3) and a 100k-entry set (relaymilter.conf(5), "Networks").
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../tap.h"
#include "netset.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- netaddr_cidr_parse ---- */

struct cidr_case {
	const char	*in;
	int		 rc;
	int		 family;	/* want, when rc == 0 */
	const char	*addr;		/* want (netaddr_format) */
	unsigned	 len;
};

static const struct cidr_case cidr_cases[] = {
	{ "192.0.2.0/24", 0, AF_INET, "192.0.2.0", 24 },
	{ "192.0.2.1", 0, AF_INET, "192.0.2.1", 32 },
	{ "192.0.2.1/32", 0, AF_INET, "192.0.2.1", 32 },
	{ "10.0.0.0/8", 0, AF_INET, "10.0.0.0", 8 },
	{ "0.0.0.0/0", 0, AF_INET, "0.0.0.0", 0 },
	{ "128.0.0.0/1", 0, AF_INET, "128.0.0.0", 1 },
	{ "255.255.255.255/32", 0, AF_INET, "255.255.255.255", 32 },
	{ "192.0.2.128/25", 0, AF_INET, "192.0.2.128", 25 },
	/* host bits set: an error, never a silent widening */
	{ "192.0.2.1/24", -1, 0, NULL, 0 },
	{ "10.0.0.1/8", -1, 0, NULL, 0 },
	{ "192.0.2.129/25", -1, 0, NULL, 0 },
	{ "128.0.0.0/0", -1, 0, NULL, 0 },
	{ "0.0.0.1/1", -1, 0, NULL, 0 },
	/* bad prefixes */
	{ "10.0.0.0/33", -1, 0, NULL, 0 },
	{ "10.0.0.0/", -1, 0, NULL, 0 },
	{ "10.0.0.0/-1", -1, 0, NULL, 0 },
	{ "10.0.0.0/+8", -1, 0, NULL, 0 },
	{ "10.0.0.0/8x", -1, 0, NULL, 0 },
	{ "10.0.0.0/ 8", -1, 0, NULL, 0 },
	{ "10.0.0.0/8/8", -1, 0, NULL, 0 },
	{ "10.0.0.0/1000", -1, 0, NULL, 0 },
	{ "10.0.0.0/4294967304", -1, 0, NULL, 0 },
	/* bad addresses */
	{ "", -1, 0, NULL, 0 },
	{ "/24", -1, 0, NULL, 0 },
	{ "garbage", -1, 0, NULL, 0 },
	{ "10.0.0/24", -1, 0, NULL, 0 },
	{ "10.0.0.0.0/24", -1, 0, NULL, 0 },
	{ "256.0.0.0/8", -1, 0, NULL, 0 },
	{ " 10.0.0.0/8", -1, 0, NULL, 0 },
	{ "10.0.0.0/8 ", -1, 0, NULL, 0 },
	{ "example.com", -1, 0, NULL, 0 },
	{ "2001:db8::g/64", -1, 0, NULL, 0 },
	/* IPv6 */
	{ "2001:db8::/32", 0, AF_INET6, "2001:db8::", 32 },
	{ "2001:DB8::/32", 0, AF_INET6, "2001:db8::", 32 },
	{ "::1", 0, AF_INET6, "::1", 128 },
	{ "::1/128", 0, AF_INET6, "::1", 128 },
	{ "::/0", 0, AF_INET6, "::", 0 },
	{ "8000::/1", 0, AF_INET6, "8000::", 1 },
	{ "fe80::/10", 0, AF_INET6, "fe80::", 10 },
	{ "2001:db8::1/32", -1, 0, NULL, 0 },
	{ "2001:db8::/129", -1, 0, NULL, 0 },
	{ "2001:db8::8000/113", 0, AF_INET6, "2001:db8::8000", 113 },
	{ "2001:db8::8000/112", -1, 0, NULL, 0 },
	{ "2001:db8::/", -1, 0, NULL, 0 },
	/* IPv4-mapped: folded to IPv4 */
	{ "::ffff:10.0.0.0/104", 0, AF_INET, "10.0.0.0", 8 },
	{ "::ffff:192.0.2.0/120", 0, AF_INET, "192.0.2.0", 24 },
	{ "::ffff:10.1.2.3", 0, AF_INET, "10.1.2.3", 32 },
	{ "::ffff:10.1.2.3/128", 0, AF_INET, "10.1.2.3", 32 },
	{ "::FFFF:a01:203", 0, AF_INET, "10.1.2.3", 32 },
	{ "::ffff:0.0.0.0/96", 0, AF_INET, "0.0.0.0", 0 },
	{ "::ffff:128.0.0.0/97", 0, AF_INET, "128.0.0.0", 1 },
	{ "::ffff:10.0.0.0/95", -1, 0, NULL, 0 },
	{ "::ffff:0:0/80", -1, 0, NULL, 0 },
	{ "::ffff:10.1.2.3/120", -1, 0, NULL, 0 },
	{ "::ffff:10.0.0.0/129", -1, 0, NULL, 0 },
	/* not mapped: ::/80 stays IPv6 */
	{ "::/80", 0, AF_INET6, "::", 80 },
};

static void
test_cidr_parse(void)
{
	size_t i;

	for (i = 0; i < NELEM(cidr_cases); i++) {
		const struct cidr_case *tc = &cidr_cases[i];
		struct cidr c;
		char err[256] = "", buf[64], what[256];
		int rc;

		rc = netaddr_cidr_parse(tc->in, &c, err, sizeof(err));
		snprintf(what, sizeof(what), "netaddr_cidr_parse(\"%s\") rc", tc->in);
		tap_is_int(rc, tc->rc, what);
		if (rc != 0) {
			snprintf(what, sizeof(what), "netaddr_cidr_parse(\"%s\") has an "
			    "error message", tc->in);
			tap_ok(err[0] != '\0', "%s", what);
			continue;
		}
		if (tc->rc != 0)
			continue;
		snprintf(what, sizeof(what), "netaddr_cidr_parse(\"%s\") family",
		    tc->in);
		tap_is_str(c.addr.family == AF_INET ? "inet" : "inet6",
		    tc->family == AF_INET ? "inet" : "inet6", what);
		snprintf(what, sizeof(what), "netaddr_cidr_parse(\"%s\") address",
		    tc->in);
		tap_is_str(netaddr_format(&c.addr, buf, sizeof(buf)), tc->addr,
		    what);
		snprintf(what, sizeof(what), "netaddr_cidr_parse(\"%s\") length",
		    tc->in);
		tap_is_int(c.len, tc->len, what);
	}
}

/* ---- netaddr_parse / netaddr_from_sockaddr ---- */

struct addr_case {
	const char	*in;
	int		 rc;
	int		 family;
	const char	*out;
};

static const struct addr_case addr_cases[] = {
	{ "10.1.2.3", 0, AF_INET, "10.1.2.3" },
	{ "::ffff:10.1.2.3", 0, AF_INET, "10.1.2.3" },
	{ "::FFFF:10.1.2.3", 0, AF_INET, "10.1.2.3" },
	{ "::ffff:a01:203", 0, AF_INET, "10.1.2.3" },
	{ "0:0:0:0:0:ffff:10.1.2.3", 0, AF_INET, "10.1.2.3" },
	{ "2001:db8::1", 0, AF_INET6, "2001:db8::1" },
	{ "2001:DB8:0:0:0:0:0:1", 0, AF_INET6, "2001:db8::1" },
	{ "::1", 0, AF_INET6, "::1" },
	/* IPv4-compatible (not mapped) stays IPv6 */
	{ "::10.1.2.3", 0, AF_INET6, "::10.1.2.3" },
	{ "::fffe:10.1.2.3", 0, AF_INET6, "::fffe:a01:203" },
	{ "10.1.2", -1, 0, NULL },
	{ "10.1.2.3/32", -1, 0, NULL },
	{ "host.example", -1, 0, NULL },
	{ "", -1, 0, NULL },
	{ "[10.1.2.3]", -1, 0, NULL },
};

static void
test_netaddr_parse(void)
{
	size_t i;

	for (i = 0; i < NELEM(addr_cases); i++) {
		const struct addr_case *tc = &addr_cases[i];
		struct netaddr a;
		char buf[64], what[256];
		int rc = netaddr_parse(tc->in, &a);

		snprintf(what, sizeof(what), "netaddr_parse(\"%s\") rc", tc->in);
		tap_is_int(rc, tc->rc, what);
		if (rc != 0 || tc->rc != 0)
			continue;
		snprintf(what, sizeof(what), "netaddr_parse(\"%s\") family",
		    tc->in);
		tap_is_str(a.family == AF_INET ? "inet" : "inet6",
		    tc->family == AF_INET ? "inet" : "inet6", what);
		snprintf(what, sizeof(what), "netaddr_parse(\"%s\") text",
		    tc->in);
		tap_is_str(netaddr_format(&a, buf, sizeof(buf)), tc->out, what);
	}
}

static void
test_from_sockaddr(void)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr sa;
	struct netaddr a;
	char buf[64];

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	tap_is_int(netaddr_from_sockaddr((struct sockaddr *)&sin, &a), 0,
	    "netaddr_from_sockaddr(AF_INET) rc");
	tap_is_str(netaddr_format(&a, buf, sizeof(buf)), "192.0.2.7",
	    "netaddr_from_sockaddr(AF_INET) address");

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:192.0.2.8", &sin6.sin6_addr);
	tap_is_int(netaddr_from_sockaddr((struct sockaddr *)&sin6, &a), 0,
	    "netaddr_from_sockaddr(AF_INET6 mapped) rc");
	tap_is_int(a.family, AF_INET,
	    "netaddr_from_sockaddr(AF_INET6 mapped) is IPv4");
	tap_is_str(netaddr_format(&a, buf, sizeof(buf)), "192.0.2.8",
	    "netaddr_from_sockaddr(AF_INET6 mapped) address");

	inet_pton(AF_INET6, "2001:db8::9", &sin6.sin6_addr);
	netaddr_from_sockaddr((struct sockaddr *)&sin6, &a);
	tap_is_int(a.family, AF_INET6, "netaddr_from_sockaddr(AF_INET6)");
	tap_is_str(netaddr_format(&a, buf, sizeof(buf)), "2001:db8::9",
	    "netaddr_from_sockaddr(AF_INET6) address");

	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	tap_is_int(netaddr_from_sockaddr(&sa, &a), -1,
	    "netaddr_from_sockaddr(AF_UNIX) fails");
	tap_is_int(netaddr_from_sockaddr(NULL, &a), -1,
	    "netaddr_from_sockaddr(NULL) fails");
}

/* ---- sets ---- */

static int
set_build(struct netset *s, const char *const *cidrs)
{
	char err[256];
	struct cidr c;

	netset_init(s);
	for (; *cidrs; cidrs++) {
		if (netaddr_cidr_parse(*cidrs, &c, err, sizeof(err)) != 0) {
			printf("# fixture: %s\n", err);
			return -1;
		}
		if (netset_add(s, &c) != 0)
			return -1;
	}
	netset_freeze(s);
	return 0;
}

struct member_case {
	const char	*addr;
	int		 want;
};

static const char *const boundary_set[] = {
	"192.0.2.0/24", "10.0.0.0/8", "::ffff:172.16.0.0/108",
	"2001:db8::/32", "198.51.100.7", "2001:db8:ffff::1/128",
	"fe80::/10", NULL
};

static const struct member_case boundary_cases[] = {
	{ "192.0.2.0", 1 }, { "192.0.2.255", 1 }, { "192.0.2.77", 1 },
	{ "192.0.1.255", 0 }, { "192.0.3.0", 0 },
	{ "10.0.0.0", 1 }, { "10.255.255.255", 1 },
	{ "9.255.255.255", 0 }, { "11.0.0.0", 0 },
	{ "172.16.0.0", 1 }, { "172.31.255.255", 1 },
	{ "172.15.255.255", 0 }, { "172.32.0.0", 0 },
	{ "198.51.100.7", 1 }, { "198.51.100.6", 0 }, { "198.51.100.8", 0 },
	/* mapped lookups are IPv4 lookups */
	{ "::ffff:10.1.2.3", 1 }, { "::ffff:192.0.2.255", 1 },
	{ "::ffff:11.0.0.0", 0 }, { "::ffff:172.20.1.1", 1 },
	/* IPv4-compatible is not mapped */
	{ "::10.1.2.3", 0 },
	{ "2001:db8::", 1 }, { "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", 0 }, { "2001:db9::", 0 },
	{ "2001:db8:ffff::1", 1 }, { "2001:db8:ffff::2", 1 },
	{ "fe80::", 1 }, { "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 }, { "fec0::", 0 },
	{ "0.0.0.0", 0 }, { "255.255.255.255", 0 }, { "::", 0 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 }, { "::1", 0 },
};

static const char *const edge_set[] = {
	"0.0.0.0/32", "255.255.255.254/31", "::/128",
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127", NULL
};

static const struct member_case edge_cases[] = {
	{ "0.0.0.0", 1 }, { "0.0.0.1", 0 },
	{ "255.255.255.255", 1 }, { "255.255.255.254", 1 },
	{ "255.255.255.253", 0 },
	{ "::", 1 }, { "::1", 0 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 1 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd", 0 },
};

static void
check_members(const char *name, const char *const *cidrs,
    const struct member_case *cases, size_t n)
{
	struct netset s;
	size_t i;

	tap_is_int(set_build(&s, cidrs), 0, name);
	for (i = 0; i < n; i++) {
		struct netaddr a;
		char what[256];

		if (netaddr_parse(cases[i].addr, &a) != 0) {
			tap_ok(0, "fixture address %s", cases[i].addr);
			continue;
		}
		snprintf(what, sizeof(what), "%s contains %s", name,
		    cases[i].addr);
		tap_is_int(netset_contains(&s, &a), cases[i].want, what);
	}
	netset_free(&s);
}

static void
test_empty(void)
{
	struct netset s;
	struct netaddr a;

	netset_init(&s);
	netset_freeze(&s);
	tap_is_int(netset_empty(&s), 1, "a new set is empty");
	netaddr_parse("10.0.0.1", &a);
	tap_is_int(netset_contains(&s, &a), 0, "the empty set holds no IPv4");
	netaddr_parse("::1", &a);
	tap_is_int(netset_contains(&s, &a), 0, "the empty set holds no IPv6");
	tap_is_int(netset_covers_all(&s), 0, "the empty set covers nothing");
	netset_free(&s);
}

/* ---- merging ---- */

struct merge_case {
	const char	*name;
	const char	*cidrs[8];
	size_t		 n4, n6, entries;
};

static const struct merge_case merge_cases[] = {
	{ "adjacent /9s", { "10.0.0.0/9", "10.128.0.0/9" }, 1, 0, 2 },
	{ "overlapping", { "10.0.0.0/8", "10.1.0.0/16" }, 1, 0, 2 },
	{ "overlapping, inner first", { "10.1.0.0/16", "10.0.0.0/8" }, 1, 0,
	    2 },
	{ "adjacent /24s", { "10.0.1.0/24", "10.0.0.0/24" }, 1, 0, 2 },
	{ "a gap of one address", { "10.0.0.0/9", "10.128.0.1/32" }, 2, 0, 2 },
	{ "duplicates", { "10.0.0.0/8", "10.0.0.0/8", "10.0.0.0/8" }, 1, 0,
	    3 },
	{ "disjoint", { "10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12" }, 3,
	    0, 3 },
	{ "chain", { "10.0.0.2/31", "10.0.0.0/31", "10.0.0.4/30",
	    "10.0.0.8/29" }, 1, 0, 4 },
	{ "top of IPv4", { "255.255.255.255/32", "255.255.255.254/32",
	    "255.0.0.0/8" }, 1, 0, 3 },
	{ "IPv6 adjacent /33s", { "2001:db8::/33", "2001:db8:8000::/33" }, 0,
	    1, 2 },
	{ "IPv6 overlapping", { "2001:db8::/32", "2001:db8:1::/48" }, 0, 1,
	    2 },
	{ "IPv6 adjacent across 64 bits", { "2001:db8:0:0::/64",
	    "2001:db8:0:1::/64" }, 0, 1, 2 },
	{ "IPv6 top", { "ffff::/16", "fffe::/16",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" }, 0, 1, 3 },
	{ "IPv6 gap", { "2001:db8::/48", "2001:db8:2::/48" }, 0, 2, 2 },
	{ "mixed families", { "10.0.0.0/8", "::ffff:11.0.0.0/104",
	    "2001:db8::/32" }, 1, 1, 3 },
};

static void
test_merge(void)
{
	size_t i;

	for (i = 0; i < NELEM(merge_cases); i++) {
		const struct merge_case *tc = &merge_cases[i];
		const char *list[9];
		struct netset s;
		char what[256];
		size_t k;

		for (k = 0; k < 8 && tc->cidrs[k]; k++)
			list[k] = tc->cidrs[k];
		list[k] = NULL;
		set_build(&s, list);
		snprintf(what, sizeof(what), "merge %s: IPv4 ranges", tc->name);
		tap_is_int((long)s.n4, (long)tc->n4, what);
		snprintf(what, sizeof(what), "merge %s: IPv6 ranges", tc->name);
		tap_is_int((long)s.n6, (long)tc->n6, what);
		snprintf(what, sizeof(what), "merge %s: entries", tc->name);
		tap_is_int((long)s.entries, (long)tc->entries, what);
		netset_free(&s);
	}
}

/* Merged sets answer exactly like the union of their networks. */
static void
test_merge_members(void)
{
	static const char *const set[] = {
		"10.0.0.2/31", "10.0.0.0/31", "10.0.0.8/29", "10.0.0.20/32",
		"10.0.0.16/30", NULL
	};
	/* 10.0.0.0-3, 8-15, 16-20: 4-7 and 21+ are out */
	static const int want[24] = {
		1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 1, 1, 1, 1, 0, 0, 0
	};
	struct netset s;
	int i, bad = 0;

	set_build(&s, set);
	for (i = 0; i < 24; i++) {
		struct netaddr a;
		char txt[32];

		snprintf(txt, sizeof(txt), "10.0.0.%d", i);
		netaddr_parse(txt, &a);
		if (netset_contains(&s, &a) != want[i]) {
			printf("# 10.0.0.%d: got %d, want %d\n", i,
			    netset_contains(&s, &a), want[i]);
			bad++;
		}
	}
	tap_is_int(bad, 0, "merged chain answers every address right");
	tap_is_int((long)s.n4, 2, "merged chain: two ranges");
	netset_free(&s);
}

/* ---- covers_all ---- */

struct cover_case {
	const char	*name;
	const char	*cidrs[10];
	int		 want;
};

static const struct cover_case cover_cases[] = {
	{ "0.0.0.0/0", { "0.0.0.0/0" }, 1 },
	{ "::/0", { "::/0" }, 1 },
	{ "two IPv4 /1s", { "0.0.0.0/1", "128.0.0.0/1" }, 1 },
	{ "two IPv6 /1s", { "::/1", "8000::/1" }, 1 },
	{ "two IPv6 /1s reversed", { "8000::/1", "::/1" }, 1 },
	{ "/1 + two /2s", { "0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2" }, 1 },
	{ "eight /3s", { "0.0.0.0/3", "32.0.0.0/3", "64.0.0.0/3",
	    "96.0.0.0/3", "128.0.0.0/3", "160.0.0.0/3", "192.0.0.0/3",
	    "224.0.0.0/3" }, 1 },
	{ "mapped /1s", { "::ffff:0.0.0.0/97", "::ffff:128.0.0.0/97" }, 1 },
	{ "one /1", { "0.0.0.0/1" }, 0 },
	{ "/1 + /2", { "0.0.0.0/1", "128.0.0.0/2" }, 0 },
	{ "all but one address", { "0.0.0.0/1", "128.0.0.0/2",
	    "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5", "248.0.0.0/6",
	    "252.0.0.0/7", "254.0.0.0/8" }, 0 },
	{ "IPv6 /1 + IPv4 /1", { "::/1", "128.0.0.0/1" }, 0 },
	{ "::/1 only", { "::/1" }, 0 },
	{ "private networks", { "10.0.0.0/8", "172.16.0.0/12",
	    "192.168.0.0/16", "fc00::/7" }, 0 },
};

static void
test_covers_all(void)
{
	size_t i;

	for (i = 0; i < NELEM(cover_cases); i++) {
		const struct cover_case *tc = &cover_cases[i];
		const char *list[11];
		struct netset s;
		char what[256];
		size_t k;

		for (k = 0; k < 10 && tc->cidrs[k]; k++)
			list[k] = tc->cidrs[k];
		list[k] = NULL;
		set_build(&s, list);
		snprintf(what, sizeof(what), "netset_covers_all(%s)", tc->name);
		tap_is_int(netset_covers_all(&s), tc->want, what);
		tap_is_int(netset_empty(&s), 0, "not empty");
		netset_free(&s);
	}
}

/* ---- coverage: how much of the address space a union of sets holds ---- */

#define P2(n)	((uint64_t)1 << (n))

struct coverage_case {
	const char	*name;
	const char	*a[6], *b[4];	/* two sets, NULL-terminated */
	uint64_t	 v4;		/* IPv4 addresses */
	uint64_t	 v6hi, v6lo;	/* addresses of 2000::/3 */
};

static const struct coverage_case coverage_cases[] = {
	{ "empty", { NULL }, { NULL }, 0, 0, 0 },
	{ "one host", { "192.0.2.1" }, { NULL }, 1, 0, 0 },
	{ "a /8", { "10.0.0.0/8" }, { NULL }, P2(24), 0, 0 },
	{ "overlaps count once", { "10.0.0.0/8", "10.1.0.0/16",
	    "10.0.0.0/9" }, { NULL }, P2(24), 0, 0 },
	{ "0.0.0.0/1", { "0.0.0.0/1" }, { NULL }, P2(31), 0, 0 },
	{ "two /1s", { "0.0.0.0/1", "128.0.0.0/1" }, { NULL }, P2(32), 0, 0 },
	{ "four /3s", { "0.0.0.0/3", "64.0.0.0/3", "128.0.0.0/3",
	    "192.0.0.0/3" }, { NULL }, P2(31), 0, 0 },
	{ "/2 in one set, /2 in the other", { "0.0.0.0/2" },
	    { "64.0.0.0/2" }, P2(31), 0, 0 },
	{ "the same /8 in both sets", { "10.0.0.0/8" }, { "10.0.0.0/8" },
	    P2(24), 0, 0 },
	/* ::ffff:0:0/96 is IPv4 space, however it is written */
	{ "mapped /104", { "::ffff:10.0.0.0/104" }, { NULL }, P2(24), 0, 0 },
	{ "mapped /97", { "::ffff:0.0.0.0/97" }, { NULL }, P2(31), 0, 0 },
	{ "::/80 holds all of the mapped space", { "::/80" }, { NULL },
	    P2(32), 0, 0 },
	{ "::fff0:0:0/92 too", { "::fff0:0:0/92" }, { NULL }, P2(32), 0, 0 },
	{ "half the mapped space, unfolded", { "::ffff:0:0/97" }, { NULL },
	    P2(31), 0, 0 },
	{ "::/80 and a /8 it already holds", { "::/80", "10.0.0.0/8" },
	    { NULL }, P2(32), 0, 0 },
	{ "IPv6 around the mapped space", { "::fffe:0:0/96", "::1:0:0:0/96" },
	    { NULL }, 0, 0, 0 },
	/* IPv6: only 2000::/3 counts */
	{ "2001:db8::/32", { "2001:db8::/32" }, { NULL }, 0, P2(32), 0 },
	{ "2001:db8::1", { "2001:db8::1" }, { NULL }, 0, 0, 1 },
	{ "2000::/3", { "2000::/3" }, { NULL }, 0, P2(61), 0 },
	{ "2000::/4 + 3000::/4", { "2000::/4" }, { "3000::/4" }, 0, P2(61),
	    0 },
	{ "2000::/4", { "2000::/4" }, { NULL }, 0, P2(60), 0 },
	{ "::/2 holds 2000::/3 and the mapped space", { "::/2" }, { NULL },
	    P2(32), P2(61), 0 },
	{ "::/0", { "::/0" }, { NULL }, P2(32), P2(61), 0 },
	{ "outside 2000::/3", { "fc00::/7", "fe80::/10", "4000::/2",
	    "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" }, { NULL }, 0, 0, 0 },
	{ "the last address of 2000::/3",
	    { "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" }, { NULL }, 0, 0, 1 },
	{ "2000::/3 but 3fc0::/10", { "2000::/4", "3000::/5", "3800::/6",
	    "3c00::/7", "3e00::/8" }, { "3f00::/9", "3f80::/10" }, 0,
	    P2(61) - P2(61 - 7), 0 },
};

static void
test_coverage(void)
{
	size_t i;

	for (i = 0; i < NELEM(coverage_cases); i++) {
		const struct coverage_case *tc = &coverage_cases[i];
		const struct netset *sets[2];
		struct netset a, b;
		struct netset_cover cov;
		char what[256];

		set_build(&a, tc->a);
		set_build(&b, tc->b);
		sets[0] = &a;
		sets[1] = &b;
		memset(&cov, 0x5a, sizeof(cov));
		snprintf(what, sizeof(what), "netset_coverage(%s) returns 0",
		    tc->name);
		tap_is_int(netset_coverage(sets, 2, &cov), 0, what);
		snprintf(what, sizeof(what), "netset_coverage(%s): IPv4",
		    tc->name);
		tap_ok(cov.v4 == tc->v4, "%s", what);
		if (cov.v4 != tc->v4)
			printf("#   got %llu, want %llu\n",
			    (unsigned long long)cov.v4,
			    (unsigned long long)tc->v4);
		snprintf(what, sizeof(what), "netset_coverage(%s): 2000::/3",
		    tc->name);
		tap_ok(cov.v6.hi == tc->v6hi && cov.v6.lo == tc->v6lo, "%s",
		    what);
		if (cov.v6.hi != tc->v6hi || cov.v6.lo != tc->v6lo)
			printf("#   got %llx:%llx, want %llx:%llx\n",
			    (unsigned long long)cov.v6.hi,
			    (unsigned long long)cov.v6.lo,
			    (unsigned long long)tc->v6hi,
			    (unsigned long long)tc->v6lo);
		netset_free(&a);
		netset_free(&b);
	}
}

/* The unicast /8s one by one: 1.0.0.0/8 to 223.0.0.0/8, and one set. */
static void
test_coverage_many(void)
{
	struct netset s;
	const struct netset *one = &s;
	struct netset_cover cov;
	struct cidr c;
	unsigned i;

	netset_init(&s);
	memset(&c, 0, sizeof(c));
	c.addr.family = AF_INET;
	c.len = 8;
	for (i = 1; i <= 223; i++) {
		c.addr.a[0] = (uint8_t)i;
		netset_add(&s, &c);
	}
	netset_freeze(&s);
	tap_ok(netset_coverage(&one, 1, &cov) == 0 &&
	    cov.v4 == 223 * P2(24), "netset_coverage: 223 /8s hold 223 * 2^24 "
	    "addresses");
	tap_ok(netset_coverage(&one, 0, &cov) == 0 && cov.v4 == 0 &&
	    cov.v6.hi == 0 && cov.v6.lo == 0, "netset_coverage of no set: "
	    "nothing");
	netset_free(&s);
}

/* ---- 100k entries ---- */

#define BIG	100000u
#define V4BASE	0x0a000000u	/* 10.0.0.0 */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static void
v4_of(uint32_t v, struct netaddr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->a[0] = (uint8_t)(v >> 24);
	a->a[1] = (uint8_t)(v >> 16);
	a->a[2] = (uint8_t)(v >> 8);
	a->a[3] = (uint8_t)v;
}

/* 2001:db8:XXXX:XXXX::/64 where the 32-bit X is prefix. */
static void
v6_of(uint32_t prefix, uint64_t host, struct netaddr *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->family = AF_INET6;
	a->a[0] = 0x20;
	a->a[1] = 0x01;
	a->a[2] = 0x0d;
	a->a[3] = 0xb8;
	a->a[4] = (uint8_t)(prefix >> 24);
	a->a[5] = (uint8_t)(prefix >> 16);
	a->a[6] = (uint8_t)(prefix >> 8);
	a->a[7] = (uint8_t)prefix;
	for (i = 0; i < 8; i++)
		a->a[15 - i] = (uint8_t)(host >> (8 * i));
}

static void
test_big(void)
{
	struct netset s;
	uint32_t *order, i, v;
	unsigned long bad = 0, probes = 0;
	struct netaddr a;

	/*
	 * IPv4: BIG /30 networks at 10.0.0.0 + 8k, added in a shuffled
	 * order: addresses base+8k..base+8k+3 are in, +4..+7 are out.
	 * IPv6: BIG /64 networks 2001:db8:(2k)::/64: odd prefixes are out.
	 */
	order = malloc(BIG * sizeof(*order));
	if (order == NULL) {
		tap_ok(0, "malloc");
		return;
	}
	for (i = 0; i < BIG; i++)
		order[i] = i;
	for (i = BIG - 1; i > 0; i--) {
		uint32_t j = rng() % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	netset_init(&s);
	for (i = 0; i < BIG; i++) {
		struct cidr c;

		v4_of(V4BASE + 8 * order[i], &c.addr);
		c.len = 30;
		if (netset_add(&s, &c) != 0)
			bad++;
		v6_of(2 * order[i], 0, &c.addr);
		c.len = 64;
		if (netset_add(&s, &c) != 0)
			bad++;
	}
	netset_freeze(&s);
	free(order);
	tap_is_int((long)bad, 0, "100k: every netset_add succeeded");
	tap_is_int((long)s.entries, 2 * BIG, "100k: entries counted");
	tap_is_int((long)s.n4, BIG, "100k: IPv4 ranges (none merge)");
	tap_is_int((long)s.n6, BIG, "100k: IPv6 ranges (none merge)");

	/* Every IPv4 address from 16 below the first to 16 past the last. */
	bad = 0;
	for (v = V4BASE - 16; v < V4BASE + 8 * BIG + 16; v++) {
		int want = v >= V4BASE && v < V4BASE + 8 * BIG &&
		    ((v - V4BASE) & 7) < 4;

		v4_of(v, &a);
		probes++;
		if (netset_contains(&s, &a) != want) {
			if (bad++ < 5)
				printf("# IPv4 %08x: got %d, want %d\n", v,
				    !want, want);
		}
	}
	tap_is_int((long)bad, 0, "100k: every IPv4 address answered right");

	/* Mapped lookups agree with plain IPv4 ones. */
	bad = 0;
	for (i = 0; i < 1000; i++) {
		char txt[64];
		struct netaddr m;

		v = V4BASE + rng() % (8 * BIG);
		snprintf(txt, sizeof(txt), "::ffff:%u.%u.%u.%u", v >> 24,
		    (v >> 16) & 255, (v >> 8) & 255, v & 255);
		netaddr_parse(txt, &m);
		v4_of(v, &a);
		if (netset_contains(&s, &m) != netset_contains(&s, &a))
			bad++;
	}
	tap_is_int((long)bad, 0, "100k: mapped lookups agree with IPv4");

	/* IPv6: first and last address of each network and of each gap. */
	bad = 0;
	for (i = 0; i < 2 * BIG + 2; i++) {
		int want = i < 2 * BIG && (i & 1) == 0;

		v6_of(i, 0, &a);
		if (netset_contains(&s, &a) != want)
			bad++;
		v6_of(i, UINT64_MAX, &a);
		if (netset_contains(&s, &a) != want)
			bad++;
		v6_of(i, rng(), &a);
		if (netset_contains(&s, &a) != want)
			bad++;
	}
	v6_of(UINT32_MAX, UINT64_MAX, &a);
	if (netset_contains(&s, &a))
		bad++;
	tap_is_int((long)bad, 0, "100k: IPv6 network boundaries right");
	netset_free(&s);
}

int
main(void)
{
	test_cidr_parse();
	test_netaddr_parse();
	test_from_sockaddr();
	check_members("boundary set", boundary_set, boundary_cases,
	    NELEM(boundary_cases));
	check_members("edge set", edge_set, edge_cases, NELEM(edge_cases));
	test_empty();
	test_merge();
	test_merge_members();
	test_covers_all();
	test_coverage();
	test_coverage_many();
	test_big();
	return tap_done();
}
