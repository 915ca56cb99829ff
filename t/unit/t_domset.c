/*
 * t_domset: domain patterns (exact, ".suffix" on a label boundary) and
 * full addresses, with case, trailing dots and IDN (relaymilter.conf(5), ADDRESSES AND NETWORKS).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "addr.h"
#include "domset.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define ALL (DOMSET_ALLOW_SUFFIX | DOMSET_ALLOW_ADDRESS)

static const char *const patterns[] = {
	"example.com",
	".example.org",
	"Mixed.Case.NET.",
	"b\xc3\xbc" "cher.example",		/* U-label, exact */
	".xn--caf-dma.example",			/* A-label, suffix */
	".B\xc3\x9c" "CHER.test",		/* upper-case U-label, suffix */
	"Alice@Example.NET",
	"bob@b\xc3\xbc" "cher.example",
	"[192.0.2.1]",
	"[IPv6:2001:DB8::1]",
	"example.com",				/* duplicate: not an error */
	"EXAMPLE.COM.",				/* duplicate after folding */
};

/* Domain lookups: the query is normalized as the policy does. */
struct match_case {
	const char	*query;
	int		 want;
};

static const struct match_case match_cases[] = {
	/* exact: itself only */
	{ "example.com", 1 },
	{ "EXAMPLE.com", 1 },
	{ "example.com.", 1 },
	{ "a.example.com", 0 },
	{ "xexample.com", 0 },
	{ "com", 0 },
	{ "example.com.evil.test", 0 },
	/* suffix: subdomains on a label boundary, never itself */
	{ "example.org", 0 },
	{ "Example.Org.", 0 },
	{ "a.example.org", 1 },
	{ "b.a.example.org", 1 },
	{ "A.EXAMPLE.ORG.", 1 },
	{ "badexample.org", 0 },
	{ "a.badexample.org", 0 },
	{ "org", 0 },
	{ "example.org.evil.test", 0 },
	{ "aexample.org", 0 },
	/* case and trailing dot of the pattern */
	{ "mixed.case.net", 1 },
	{ "MIXED.case.Net.", 1 },
	{ "x.mixed.case.net", 0 },
	/* IDN: U-label and A-label compare equal, both ways */
	{ "xn--bcher-kva.example", 1 },
	{ "b\xc3\xbc" "cher.example", 1 },
	{ "B\xc3\x9c" "CHER.EXAMPLE", 1 },
	{ "a.xn--bcher-kva.example", 0 },
	{ "a.xn--caf-dma.example", 1 },
	{ "a.caf\xc3\xa9.example", 1 },
	{ "caf\xc3\xa9.example", 0 },
	{ "x.xn--bcher-kva.test", 1 },
	{ "x.b\xc3\xbc" "cher.test", 1 },
	{ "xn--bcher-kva.test", 0 },
	/* literals */
	{ "[192.0.2.1]", 1 },
	{ "[192.0.2.2]", 0 },
	{ "[IPv6:2001:db8:0::1]", 1 },
	{ "192.0.2.1", 0 },
	/* an address entry does not make its domain match */
	{ "example.net", 0 },
};

/* Address lookups: parsed with addr_parse, as the policy does. */
static const struct match_case address_cases[] = {
	{ "alice@example.net", 1 },
	{ "<ALICE@EXAMPLE.NET>", 1 },
	{ "Alice@Example.Net.", 1 },
	{ "alice@a.example.net", 0 },
	{ "alice@example.com", 0 },
	{ "alicex@example.net", 0 },
	{ "xalice@example.net", 0 },
	{ "bob@example.net", 0 },
	{ "bob@xn--bcher-kva.example", 1 },
	{ "BOB@b\xc3\xbc" "cher.example", 1 },
	{ "bob@B\xc3\x9c" "CHER.example", 1 },
};

static int
build(struct domset *s, const char *const *list, size_t n, int flags)
{
	char err[256];
	size_t i;
	int bad = 0;

	domset_init(s);
	for (i = 0; i < n; i++)
		if (domset_add(s, list[i], flags, err, sizeof(err)) != 0) {
			printf("# domset_add(\"%s\"): %s\n", tap_show(list[i]), tap_show(err));
			bad++;
		}
	return bad;
}

static void
test_matches(void)
{
	struct domset s;
	size_t i;

	tap_is_int(build(&s, patterns, NELEM(patterns), ALL), 0,
	    "every pattern is accepted");
	/* 10 distinct entries: 2 duplicates fold into example.com */
	tap_is_int((long)domset_count(&s), 10, "domset_count");
	for (i = 0; i < NELEM(match_cases); i++) {
		char d[ADDR_DOMAIN_MAX], what[256];
		const char *q = match_cases[i].query;

		if (addr_domain_normalize(q, strlen(q), d, sizeof(d)) != 0) {
			tap_ok(0, "fixture \"%s\" normalizes", tap_show(q));
			continue;
		}
		snprintf(what, sizeof(what), "domset_match(\"%s\")", tap_show(q));
		tap_is_int(domset_match(&s, d), match_cases[i].want, what);
	}
	for (i = 0; i < NELEM(address_cases); i++) {
		struct addr a;
		char what[256];
		const char *q = address_cases[i].query;

		addr_parse(q, &a);
		if (a.kind != ADDR_PLAIN) {
			tap_ok(0, "fixture \"%s\" parses", tap_show(q));
			continue;
		}
		snprintf(what, sizeof(what), "domset_match_address(\"%s\")",
		    tap_show(q));
		tap_is_int(domset_match_address(&s, a.local, a.domain),
		    address_cases[i].want, what);
	}
	domset_free(&s);
}

/* What each flag combination lets in. */
struct add_case {
	const char	*pattern;
	int		 flags;
	int		 rc;
};

static const struct add_case add_cases[] = {
	{ "example.com", 0, 0 },
	{ "example.com", DOMSET_ALLOW_SUFFIX, 0 },
	{ "example.com", DOMSET_ALLOW_ADDRESS, 0 },
	{ ".example.com", 0, -1 },
	{ ".example.com", DOMSET_ALLOW_ADDRESS, -1 },
	{ ".example.com", DOMSET_ALLOW_SUFFIX, 0 },
	{ "u@example.com", 0, -1 },
	{ "u@example.com", DOMSET_ALLOW_SUFFIX, -1 },
	{ "u@example.com", DOMSET_ALLOW_ADDRESS, 0 },
	{ "u@example.com", ALL, 0 },
	{ "[192.0.2.1]", 0, 0 },
	/* invalid patterns, whatever the flags */
	{ "", ALL, -1 },
	{ ".", ALL, -1 },
	{ "..example.com", ALL, -1 },
	{ "example..com", ALL, -1 },
	{ "example.com..", ALL, -1 },
	{ "exa mple.com", ALL, -1 },
	{ "*.example.com", ALL, -1 },
	{ "*", ALL, -1 },
	{ "example.com/24", ALL, -1 },
	{ ".[192.0.2.1]", ALL, -1 },
	{ "[192.0.2.300]", ALL, -1 },
	{ "[192.0.2.1", ALL, -1 },
	{ "\xff.example", ALL, -1 },
	{ "@example.com", ALL, -1 },
	{ "u@", ALL, -1 },
	{ "u@@example.com", ALL, -1 },
	{ "u@v@example.com", ALL, -1 },
	{ "u%v@example.com", ALL, -1 },
	{ "v!u@example.com", ALL, -1 },
	{ "\"u@v\"@example.com", ALL, -1 },
	{ "<@a:u@example.com>", ALL, -1 },
	{ "u@.example.com", ALL, -1 },
	{ "u@example..com", ALL, -1 },
};

static void
test_add(void)
{
	size_t i;

	for (i = 0; i < NELEM(add_cases); i++) {
		const struct add_case *tc = &add_cases[i];
		struct domset s;
		char err[256] = "", what[256];
		int rc;

		domset_init(&s);
		rc = domset_add(&s, tc->pattern, tc->flags, err, sizeof(err));
		snprintf(what, sizeof(what), "domset_add(\"%s\", flags %d)",
		    tap_show(tc->pattern), tc->flags);
		tap_is_int(rc, tc->rc, what);
		if (rc != 0) {
			tap_ok(err[0] != '\0', "... with a message (%s)",
			    tap_show(err));
			tap_is_int((long)domset_count(&s), 0,
			    "... and nothing added");
		} else
			tap_is_int((long)domset_count(&s), 1, "... one entry");
		domset_free(&s);
	}
}

static void
test_empty(void)
{
	struct domset s;

	domset_init(&s);
	tap_is_int((long)domset_count(&s), 0, "empty set: count 0");
	tap_is_int(domset_match(&s, "example.com"), 0, "empty set: no match");
	tap_is_int(domset_match_address(&s, "u", "example.com"), 0,
	    "empty set: no address match");
	domset_free(&s);
}

#define BIG 100000

static void
test_big(void)
{
	struct domset s;
	char p[128], err[256], d[ADDR_DOMAIN_MAX];
	int i, bad = 0;

	/* 100k exact, 100k suffixes, 100k addresses (case mixed) */
	domset_init(&s);
	for (i = 0; i < BIG; i++) {
		snprintf(p, sizeof(p), "D%d.Example", i);
		bad += domset_add(&s, p, ALL, err, sizeof(err)) != 0;
		snprintf(p, sizeof(p), ".s%d.example", i);
		bad += domset_add(&s, p, ALL, err, sizeof(err)) != 0;
		snprintf(p, sizeof(p), "User%d@A%d.Example", i, i);
		bad += domset_add(&s, p, ALL, err, sizeof(err)) != 0;
	}
	tap_is_int(bad, 0, "100k: every domset_add succeeded");
	tap_is_int((long)domset_count(&s), 3 * BIG, "100k: count");

	bad = 0;
	for (i = 0; i < BIG; i++) {
		snprintf(d, sizeof(d), "d%d.example", i);
		bad += domset_match(&s, d) != 1;
		snprintf(d, sizeof(d), "x.d%d.example", i);
		bad += domset_match(&s, d) != 0;
		snprintf(d, sizeof(d), "s%d.example", i);
		bad += domset_match(&s, d) != 0;
		snprintf(d, sizeof(d), "a.b.s%d.example", i);
		bad += domset_match(&s, d) != 1;
		snprintf(d, sizeof(d), "xs%d.example", i);
		bad += domset_match(&s, d) != 0;
		snprintf(d, sizeof(d), "a%d.example", i);
		bad += domset_match(&s, d) != 0;
		snprintf(p, sizeof(p), "user%d", i);
		snprintf(d, sizeof(d), "a%d.example", i);
		bad += domset_match_address(&s, p, d) != 1;
		snprintf(d, sizeof(d), "a%d.example", i + 1);
		bad += domset_match_address(&s, p, d) != 0;
	}
	for (i = BIG; i < BIG + 1000; i++) {
		snprintf(d, sizeof(d), "d%d.example", i);
		bad += domset_match(&s, d) != 0;
		snprintf(d, sizeof(d), "a.s%d.example", i);
		bad += domset_match(&s, d) != 0;
	}
	tap_is_int(bad, 0, "100k: every lookup answered right");
	domset_free(&s);
}

/*
 * domset_match_hashed (after domset_prefetch, as the policy calls them)
 * gives domset_match's answers, on the small set and on an empty one.
 */
static void
test_hashed(void)
{
	struct domset s, e;
	size_t i;

	build(&s, patterns, NELEM(patterns), ALL);
	domset_init(&e);
	for (i = 0; i < NELEM(match_cases); i++) {
		char d[ADDR_DOMAIN_MAX], what[256];
		const char *q = match_cases[i].query;
		size_t len;
		uint64_t h;

		if (addr_domain_normalize(q, strlen(q), d, sizeof(d)) != 0) {
			tap_ok(0, "fixture \"%s\" normalizes", tap_show(q));
			continue;
		}
		len = strlen(d);
		h = strmap_hash(d, len);
		domset_prefetch(&s, h);
		domset_prefetch(&e, h);
		snprintf(what, sizeof(what), "domset_match_hashed(\"%s\")",
		    tap_show(q));
		tap_is_int(domset_match_hashed(&s, d, len, h),
		    match_cases[i].want, what);
		snprintf(what, sizeof(what), "empty set: "
		    "domset_match_hashed(\"%s\")", tap_show(q));
		tap_is_int(domset_match_hashed(&e, d, len, h), 0, what);
	}
	domset_free(&e);
	domset_free(&s);
}

int
main(void)
{
	test_matches();
	test_add();
	test_empty();
	test_big();
	test_hashed();
	return tap_done();
}
