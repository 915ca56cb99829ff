/*
 * t_addr: addr_parse and addr_domain_normalize against relaymilter.conf(5), ADDRESSES AND NETWORKS
 * (addresses: routing tricks, case, trailing dots, literals, IDN and
 * its look-alikes).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "../tap.h"
#include "addr.h"

/* A 300-character local part, for local_toolong. */
#define L50 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define L300 L50 L50 L50 L50 L50 L50
/* "example" in fullwidth letters (U+FF45 ...), which IDNA maps to ASCII. */
#define FW_EXAMPLE "\xef\xbd\x85\xef\xbd\x98\xef\xbd\x81\xef\xbd\x8d" \
	"\xef\xbd\x90\xef\xbd\x8c\xef\xbd\x85"
/* A 63-character label and a 64-character one. */
#define LAB63 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc"
#define LAB64 LAB63 "d"

struct parse_case {
	const char	*in;
	enum addr_kind	 kind;
	const char	*domain;	/* want: "" unless ADDR_PLAIN */
	const char	*local;		/* want, or NULL: not checked */
	int		 literal;
	int		 toolong;
};

static const struct parse_case parse_cases[] = {
	/* plain, with or without angle brackets */
	{ "user@example.com", ADDR_PLAIN, "example.com", "user", 0, 0 },
	{ "<user@example.com>", ADDR_PLAIN, "example.com", "user", 0, 0 },
	{ "<User.Name+tag@Example.COM>", ADDR_PLAIN, "example.com",
	    "user.name+tag", 0, 0 },
	{ "u@EXAMPLE.ORG", ADDR_PLAIN, "example.org", "u", 0, 0 },
	{ "u@example.com.", ADDR_PLAIN, "example.com", "u", 0, 0 },
	{ "<u@Example.Com.>", ADDR_PLAIN, "example.com", "u", 0, 0 },
	{ "postmaster@example.com", ADDR_PLAIN, "example.com", "postmaster",
	    0, 0 },
	/* the null path */
	{ "<>", ADDR_NULL, "", NULL, 0, 0 },
	/* postmaster alone, any case, is its own kind */
	{ "postmaster", ADDR_POSTMASTER, "", NULL, 0, 0 },
	{ "<postmaster>", ADDR_POSTMASTER, "", NULL, 0, 0 },
	{ "<Postmaster>", ADDR_POSTMASTER, "", NULL, 0, 0 },
	{ "POSTMASTER", ADDR_POSTMASTER, "", NULL, 0, 0 },
	{ "<PoStMaStEr>", ADDR_POSTMASTER, "", NULL, 0, 0 },
	/* a local part alone */
	{ "alice", ADDR_NODOMAIN, "", NULL, 0, 0 },
	{ "<alice>", ADDR_NODOMAIN, "", NULL, 0, 0 },
	{ "postmasters", ADDR_NODOMAIN, "", NULL, 0, 0 },
	{ "postmaste", ADDR_NODOMAIN, "", NULL, 0, 0 },
	/* source routes */
	{ "<@a,@b:u@c>", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "<@a:u@b>", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "@a:u@b", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "<@remote.test:u@example.com>", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "<@example.com:u@remote.test>", ADDR_ROUTED, "", NULL, 0, 0 },
	/* % and ! in the local part */
	{ "u%remote.test@example.com", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "<u%remote.test@example.com>", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "remote.test!u@example.com", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "u%remote.test", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "remote!u", ADDR_ROUTED, "", NULL, 0, 0 },
	/* quoted local parts holding routing characters */
	{ "\"u@remote.test\"@example.com", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "<\"u@remote.test\"@example.com>", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "\"u%remote.test\"@example.com", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "\"remote.test!u\"@example.com", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "\"u\\@remote.test\"@example.com", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "\"u\\%remote.test\"@example.com", ADDR_ROUTED, "", NULL, 0, 0 },
	/* quoted local parts without routing characters */
	{ "\"john doe\"@example.com", ADDR_PLAIN, "example.com",
	    "\"john doe\"", 0, 0 },
	{ "<\"J.Doe\"@Example.com>", ADDR_PLAIN, "example.com", "\"j.doe\"",
	    0, 0 },
	{ "\"a\\\"b\"@example.com", ADDR_PLAIN, "example.com", NULL, 0, 0 },
	/* a second @ */
	{ "u@remote.test@example.com", ADDR_ROUTED, "", NULL, 0, 0 },
	{ "<u@remote.test@example.com>", ADDR_ROUTED, "", NULL, 0, 0 },
	/* domain literals */
	{ "u@[192.0.2.1]", ADDR_PLAIN, "[192.0.2.1]", "u", 1, 0 },
	{ "<u@[192.0.2.1]>", ADDR_PLAIN, "[192.0.2.1]", "u", 1, 0 },
	{ "u@[IPv6:2001:DB8::1]", ADDR_PLAIN, "[ipv6:2001:db8::1]", "u", 1,
	    0 },
	{ "u@[ipv6:2001:db8:0:0:0:0:0:1]", ADDR_PLAIN, "[ipv6:2001:db8::1]",
	    "u", 1, 0 },
	{ "u@[192.0.2.1", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@[300.0.2.1]", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@[2001:db8::1]", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@[IPv6:192.0.2.1]", ADDR_INVALID, "", NULL, 0, 0 },
	/* trailing dots and empty labels */
	{ "u@example.com..", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@example..com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@.example.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@.", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@", ADDR_INVALID, "", NULL, 0, 0 },
	{ "<u@>", ADDR_INVALID, "", NULL, 0, 0 },
	/* IDN: U-labels become A-labels */
	{ "u@b\xc3\xbc" "cher.example", ADDR_PLAIN, "xn--bcher-kva.example",
	    "u", 0, 0 },
	{ "u@xn--bcher-kva.example", ADDR_PLAIN, "xn--bcher-kva.example",
	    "u", 0, 0 },
	{ "u@XN--BCHER-KVA.EXAMPLE", ADDR_PLAIN, "xn--bcher-kva.example",
	    "u", 0, 0 },
	{ "u@B\xc3\x9c" "CHER.EXAMPLE", ADDR_PLAIN, "xn--bcher-kva.example",
	    "u", 0, 0 },
	{ "u@b\xc3\xbc" "cher.example.", ADDR_PLAIN, "xn--bcher-kva.example",
	    "u", 0, 0 },
	{ "u@\xff\xfe.example", ADDR_INVALID, "", NULL, 0, 0 },
	/* canonical composition is no look-alike: u + U+0308 is u-umlaut */
	{ "u@bu\xcc\x88" "cher.example", ADDR_PLAIN, "xn--bcher-kva.example",
	    "u", 0, 0 },
	/* look-alikes IDNA's mapping folds into example.com: not a domain */
	{ "u@" FW_EXAMPLE ".com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@example\xe3\x80\x82" "com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@\xe2\x93\x94xample.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@exa\xc2\xadmple.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@exa\xe2\x80\x8bmple.com", ADDR_INVALID, "", NULL, 0, 0 },
	/* overlong local part: still plain, but flagged */
	{ L300 "@example.com", ADDR_PLAIN, "example.com", NULL, 0, 1 },
	/* label and name lengths */
	{ "u@" LAB63 ".example", ADDR_PLAIN, LAB63 ".example", "u", 0, 0 },
	{ "u@" LAB64 ".example", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@example." LAB63, ADDR_PLAIN, "example." LAB63, "u", 0, 0 },
	{ "u@example." LAB64, ADDR_INVALID, "", NULL, 0, 0 },
	/* every atext byte, and one that is not */
	{ "A.b#$&'*+-/=?^_`{|}~9@example.com", ADDR_PLAIN, "example.com",
	    "a.b#$&'*+-/=?^_`{|}~9", 0, 0 },
	{ "u(x)@example.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u\x7f@example.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@ex_a-mple.COM", ADDR_PLAIN, "ex_a-mple.com", "u", 0, 0 },
	{ "u@exa\x7fmple.com", ADDR_INVALID, "", NULL, 0, 0 },
	/* garbage */
	{ "u ser@example.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "user@exa mple.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "<user@example.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "user@example.com>", ADDR_INVALID, "", NULL, 0, 0 },
	{ "<<user@example.com>>", ADDR_INVALID, "", NULL, 0, 0 },
	{ "<", ADDR_INVALID, "", NULL, 0, 0 },
	{ ">", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u\x01@example.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@exam\x01ple.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@example.com\r\n", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@exa\x7fmple.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "\"unterminated@example.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "\"q\"x@example.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@exa(mple).com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u@*.example.com", ADDR_INVALID, "", NULL, 0, 0 },
	{ "u,v@example.com", ADDR_INVALID, "", NULL, 0, 0 },
};

/*
 * Inputs that must never be taken for a plain address (routed or invalid
 * are both non-local; the contract does not say which).
 */
static const char *const notplain_cases[] = {
	"@example.com",
	"<@example.com>",
	"u@example.com%remote.test",
	"u@remote.test!example.com",
	"<@a,@b:u@example.com>",
	"\"u@x\"",
	"u@@example.com",
	"<u@example.com> <v@example.com>",
};

struct norm_case {
	const char	*in;
	int		 len;		/* -1: strlen(in) */
	size_t		 outlen;	/* 0: ADDR_DOMAIN_MAX */
	int		 rc;
	const char	*out;		/* want when rc == 0 */
};

static const struct norm_case norm_cases[] = {
	{ "example.com", -1, 0, 0, "example.com" },
	{ "Example.COM", -1, 0, 0, "example.com" },
	{ "EXAMPLE.COM.", -1, 0, 0, "example.com" },
	{ "example.com..", -1, 0, -1, NULL },
	{ "example..com", -1, 0, -1, NULL },
	{ ".example.com", -1, 0, -1, NULL },
	{ ".", -1, 0, -1, NULL },
	{ "..", -1, 0, -1, NULL },
	{ "", -1, 0, -1, NULL },
	{ "localhost", -1, 0, 0, "localhost" },
	{ "a-b.example", -1, 0, 0, "a-b.example" },
	{ "exa mple.com", -1, 0, -1, NULL },
	{ "exa@mple.com", -1, 0, -1, NULL },
	{ "*.example.com", -1, 0, -1, NULL },
	{ "example.com\n", -1, 0, -1, NULL },
	/* only len bytes are read */
	{ "example.com@junk", 11, 0, 0, "example.com" },
	{ "Example.Com.more", 12, 0, 0, "example.com" },
	/* IDN */
	{ "b\xc3\xbc" "cher.example", -1, 0, 0, "xn--bcher-kva.example" },
	{ "B\xc3\x9c" "CHER.example", -1, 0, 0, "xn--bcher-kva.example" },
	{ "xn--bcher-kva.example", -1, 0, 0, "xn--bcher-kva.example" },
	{ "XN--BCHER-KVA.example", -1, 0, 0, "xn--bcher-kva.example" },
	{ "caf\xc3\xa9.example", -1, 0, 0, "xn--caf-dma.example" },
	{ "mail.b\xc3\xbc" "cher.example.", -1, 0, 0,
	    "mail.xn--bcher-kva.example" },
	{ "\xc3.example", -1, 0, -1, NULL },	/* truncated UTF-8 */
	{ "stra\xc3\x9f" "e.example", -1, 0, 0, "xn--strae-oqa.example" },
	{ "bu\xcc\x88" "cher.EXAMPLE", -1, 0, 0, "xn--bcher-kva.example" },
	{ "xn--bcher-kva.B\xc3\x9c" "CHER.example", -1, 0, 0,
	    "xn--bcher-kva.xn--bcher-kva.example" },
	/*
	 * Mapping beyond case and A-label/U-label conversion makes a
	 * look-alike: fullwidth letters and dots, the ideographic full stop,
	 * circled letters, soft hyphen, zero-width space, word joiner, BOM.
	 */
	{ FW_EXAMPLE ".com", -1, 0, -1, NULL },
	{ "\xef\xbc\xa5xample.com", -1, 0, -1, NULL },
	{ "example\xef\xbc\x8e" "com", -1, 0, -1, NULL },
	{ "example\xe3\x80\x82" "com", -1, 0, -1, NULL },
	{ "\xe2\x93\x94xample.com", -1, 0, -1, NULL },
	{ "exa\xc2\xadmple.com", -1, 0, -1, NULL },
	{ "exa\xe2\x80\x8bmple.com", -1, 0, -1, NULL },
	{ "exa\xe2\x81\xa0mple.com", -1, 0, -1, NULL },
	{ "exa\xef\xbb\xbfmple.com", -1, 0, -1, NULL },
	{ "b\xc3\xbc\xc2\xad" "cher.example", -1, 0, -1, NULL },
	{ "\xef\xbd\x82\xc3\xbc" "cher.example", -1, 0, -1, NULL },
	/* literals */
	{ "[192.0.2.1]", -1, 0, 0, "[192.0.2.1]" },
	{ "[IPv6:2001:DB8::1]", -1, 0, 0, "[ipv6:2001:db8::1]" },
	{ "[IPV6:2001:0db8:0000:0000:0000:0000:0000:0001]", -1, 0, 0,
	    "[ipv6:2001:db8::1]" },
	{ "[ipv6:::1]", -1, 0, 0, "[ipv6:::1]" },
	{ "[2001:db8::1]", -1, 0, -1, NULL },
	{ "[192.0.2.1", -1, 0, -1, NULL },
	{ "[192.0.2]", -1, 0, -1, NULL },
	{ "[192.0.2.256]", -1, 0, -1, NULL },
	{ "[]", -1, 0, -1, NULL },
	{ "[192.0.2.1].", -1, 0, -1, NULL },
	/* lengths */
	{ LAB63 ".example", -1, 0, 0, LAB63 ".example" },
	{ LAB64 ".example", -1, 0, -1, NULL },
	{ "example." LAB63, -1, 0, 0, "example." LAB63 },
	{ "example." LAB64, -1, 0, -1, NULL },
	{ "a." LAB64 ".example", -1, 0, -1, NULL },
	/* 4 x 63 + 3 dots = 255 > 253 */
	{ LAB63 "." LAB63 "." LAB63 "." LAB63, -1, 0, -1, NULL },
	/* the output buffer is too small */
	{ "example.com", -1, 5, -1, NULL },
	{ "example.com", -1, 12, 0, "example.com" },
};

static void
test_parse(void)
{
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *tc = &parse_cases[i];
		struct addr a;
		char what[512];

		memset(&a, 0x55, sizeof(a));
		addr_parse(tc->in, &a);
		snprintf(what, sizeof(what), "addr_parse(\"%.60s\") kind", tap_show(tc->in));
		tap_is_str(addr_kind_name(a.kind), addr_kind_name(tc->kind),
		    what);
		snprintf(what, sizeof(what), "addr_parse(\"%.60s\") domain",
		    tap_show(tc->in));
		tap_is_str(a.domain, tc->domain, what);
		if (tc->kind == ADDR_PLAIN) {
			if (tc->local != NULL) {
				snprintf(what, sizeof(what),
				    "addr_parse(\"%.60s\") local",
				    tap_show(tc->in));
				tap_is_str(a.local, tc->local, what);
			}
			snprintf(what, sizeof(what),
			    "addr_parse(\"%.60s\") literal", tap_show(tc->in));
			tap_is_int(a.literal, tc->literal, what);
			snprintf(what, sizeof(what),
			    "addr_parse(\"%.60s\") local_toolong", tap_show(tc->in));
			tap_is_int(a.local_toolong, tc->toolong, what);
		}
	}
}

static void
test_notplain(void)
{
	size_t i;

	for (i = 0; i < sizeof(notplain_cases) / sizeof(notplain_cases[0]);
	    i++) {
		struct addr a;
		char what[256];

		addr_parse(notplain_cases[i], &a);
		snprintf(what, sizeof(what), "addr_parse(\"%s\") is routed or "
		    "invalid (got %s)", tap_show(notplain_cases[i]),
		    addr_kind_name(a.kind));
		tap_ok(a.kind == ADDR_ROUTED || a.kind == ADDR_INVALID, "%s",
		    what);
		snprintf(what, sizeof(what), "addr_parse(\"%s\") has no domain",
		    tap_show(notplain_cases[i]));
		tap_is_str(a.domain, "", what);
	}
}

static void
test_parse_null(void)
{
	struct addr a;

	addr_parse(NULL, &a);
	tap_is_str(addr_kind_name(a.kind), "invalid", "addr_parse(NULL)");
	tap_is_str(a.domain, "", "addr_parse(NULL) domain");
}

static void
test_normalize(void)
{
	size_t i;

	for (i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
		const struct norm_case *tc = &norm_cases[i];
		char out[ADDR_DOMAIN_MAX], what[512];
		size_t len = tc->len < 0 ? strlen(tc->in) : (size_t)tc->len;
		size_t outlen = tc->outlen ? tc->outlen : sizeof(out);
		int rc;

		memset(out, 'X', sizeof(out));
		out[sizeof(out) - 1] = '\0';
		rc = addr_domain_normalize(tc->in, len, out, outlen);
		snprintf(what, sizeof(what), "addr_domain_normalize(\"%.60s\", "
		    "%zu, outlen %zu) rc", tap_show(tc->in), len, outlen);
		tap_is_int(rc, tc->rc, what);
		if (tc->rc == 0 && rc == 0) {
			snprintf(what, sizeof(what), "addr_domain_normalize("
			    "\"%.60s\") out", tap_show(tc->in));
			tap_is_str(out, tc->out, what);
		}
	}
}

/* U-label and A-label forms compare equal once normalized, both ways. */
static void
test_idn_equal(void)
{
	static const char *const pairs[][2] = {
		{ "b\xc3\xbc" "cher.example", "xn--bcher-kva.example" },
		{ "B\xc3\x9c" "CHER.EXAMPLE.", "XN--BCHER-KVA.example" },
		{ "caf\xc3\xa9.example", "xn--caf-dma.EXAMPLE" },
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char a[ADDR_DOMAIN_MAX], b[ADDR_DOMAIN_MAX], what[256];

		a[0] = b[0] = '\0';
		addr_domain_normalize(pairs[i][0], strlen(pairs[i][0]), a,
		    sizeof(a));
		addr_domain_normalize(pairs[i][1], strlen(pairs[i][1]), b,
		    sizeof(b));
		snprintf(what, sizeof(what), "IDN \"%s\" equals \"%s\"",
		    tap_show(pairs[i][0]), tap_show(pairs[i][1]));
		tap_ok(a[0] != '\0' && strcmp(a, b) == 0, "%s", what);
		if (a[0] == '\0' || strcmp(a, b) != 0)
			printf("#   got:  \"%s\" vs \"%s\"\n", a, b);
	}
}

static void
test_kind_names(void)
{
	static const struct { enum addr_kind k; const char *name; } names[] = {
		{ ADDR_PLAIN, "plain" }, { ADDR_NULL, "null" },
		{ ADDR_POSTMASTER, "postmaster" },
		{ ADDR_NODOMAIN, "nodomain" }, { ADDR_ROUTED, "routed" },
		{ ADDR_INVALID, "invalid" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		tap_is_str(addr_kind_name(names[i].k), names[i].name,
		    "addr_kind_name");
}

int
main(void)
{
	test_parse();
	test_notplain();
	test_parse_null();
	test_normalize();
	test_idn_equal();
	test_kind_names();
	return tap_done();
}
