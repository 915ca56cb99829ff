/*
 * t_conf_risk: configs that would let (nearly) everyone relay are refused
 * with file:line (relaymilter.conf(5), "Networks" and "Domains"): a LAN
 * or always_allow_from list (top level or a services entry, alone or
 * together with the LAN) covering half of IPv4 or more, mapped IPv6
 * included, or all of 2000::/3, however it is split; a domain entry that
 * is a single label or a public suffix. Also what still loads (the
 * largest legal lists, localhost, domain literals, a suffix's exception),
 * the warning for lists wider than a /8 (IPv6: /32) in all, and the
 * embedded default on a host without a usable domain.
 */
#include "conf_fixture.h"
#include "conf_risk.h"

struct risk_case {
	const char	*what;
	const char	*text;
	int		 line;		/* 0: loads */
	const char	*needle;	/* in the message, or NULL */
};

#define LAN1(x) "local = {\n  lan = [ " x " ];\n};\n"
#define DOM1(k, x) "local = {\n  " k " = [ " x " ];\n};\n"
#define AAF1(x) "relay = {\n  always_allow_from = [ " x " ];\n};\n"
#define AAT1(x) "relay = {\n  always_allow_to = [ " x " ];\n};\n"
#define SVC1(k, x) "services = (\n  { daemon_name = \"a\"; },\n" \
	"  { daemon_name = \"b\";\n    " k " = [ " x " ]; }\n);\n"

static const struct risk_case risk_cases[] = {
	/* ---- networks: half of IPv4 or more ---- */
	{ "LAN 0.0.0.0/1", LAN1("\"0.0.0.0/1\""), 2, "local.lan" },
	{ "LAN 128.0.0.0/1", LAN1("\"127.0.0.0/8\", \"128.0.0.0/1\""), 2,
	    "2164260864 IPv4 addresses" },
	{ "LAN four /3s", LAN1("\"0.0.0.0/3\", \"64.0.0.0/3\", "
	    "\"128.0.0.0/3\", \"192.0.0.0/3\""), 2, "local.lan" },
	{ "LAN mapped ::ffff:0.0.0.0/97", LAN1("\"::ffff:0.0.0.0/97\""), 2,
	    NULL },
	{ "LAN ::/80 (all of the mapped space)", LAN1("\"::/80\""), 2, NULL },
	{ "LAN 0.0.0.0/2, list on its own lines",
	    "local = {\n  domains = [ \"example.com\" ];\n  lan = [\n"
	    "    \"0.0.0.0/2\",\n    \"64.0.0.0/2\"\n  ];\n};\n", 3, NULL },
	{ "LAN 0.0.0.0/2 is legal", LAN1("\"0.0.0.0/2\""), 0, NULL },
	{ "LAN half of IPv4 but one address", LAN1("\"0.0.0.0/2\", "
	    "\"64.0.0.0/3\", \"96.0.0.0/4\", \"112.0.0.0/5\", \"120.0.0.0/6\", "
	    "\"124.0.0.0/7\", \"126.0.0.0/8\""), 0, NULL },
	/* ---- networks: all of 2000::/3 ---- */
	{ "LAN 2000::/3", LAN1("\"2000::/3\""), 2, "2000::/3" },
	{ "LAN 2000::/4 + 3000::/4", LAN1("\"2000::/4\", \"3000::/4\""), 2,
	    "2000::/3" },
	{ "LAN ::/2", LAN1("\"::/2\""), 2, NULL },
	{ "LAN 2000::/4 is legal", LAN1("\"2000::/4\""), 0, NULL },
	/* ---- always_allow_from, top level and services ---- */
	{ "always_allow_from 0.0.0.0/1", AAF1("\"0.0.0.0/1\""), 2,
	    "relay.always_allow_from" },
	{ "always_allow_from two /2s", AAF1("\"10.0.0.1\", \"0.0.0.0/2\", "
	    "\"64.0.0.0/2\""), 2, NULL },
	{ "always_allow_from 2000::/3", AAF1("\"2000::/3\""), 2, "2000::/3" },
	{ "always_allow_from mapped", AAF1("\"::ffff:128.0.0.0/97\""), 2,
	    NULL },
	{ "services always_allow_from 128.0.0.0/1",
	    SVC1("always_allow_from", "\"128.0.0.0/1\""), 4,
	    "services[b].always_allow_from" },
	{ "services always_allow_from 2000::/3",
	    SVC1("always_allow_from", "\"2000::/4\", \"3000::/4\""), 4,
	    "services[b].always_allow_from" },
	/* ---- the LAN and always_allow_from together ---- */
	{ "LAN /2 and always_allow_from /2",
	    "local = { lan = [ \"0.0.0.0/2\" ]; };\nrelay = {\n"
	    "  always_allow_from = [ \"64.0.0.0/2\" ];\n};\n", 3, "local.lan" },
	{ "LAN /2 and a service's always_allow_from /2",
	    "local = { lan = [ \"0.0.0.0/2\" ]; };\n"
	    SVC1("always_allow_from", "\"64.0.0.0/2\""), 5, "local.lan" },
	{ "LAN 2000::/4 and always_allow_from 3000::/4",
	    "local = { lan = [ \"2000::/4\" ]; };\n"
	    AAF1("\"3000::/4\""), 3, "2000::/3" },
	{ "LAN /2 and always_allow_from /3: legal",
	    "local = { lan = [ \"0.0.0.0/2\" ]; };\n"
	    AAF1("\"64.0.0.0/3\""), 0, NULL },
	/* ---- domains: a single label ---- */
	{ "local.domains com", DOM1("domains", "\"com\""), 2,
	    "local.domains: \"com\"" },
	{ "local.domains .com", DOM1("domains", "\"example.com\", \".com\""),
	    2, "\".com\"" },
	{ "local.domains COM.", DOM1("domains", "\"COM.\""), 2, NULL },
	{ "local.domain_aliases .net", DOM1("domain_aliases", "\".net\""), 2,
	    "local.domain_aliases" },
	{ "an IDN top-level domain", DOM1("domains", "\"xn--p1ai\""), 2,
	    NULL },
	{ "always_allow_from .com", AAF1("\"192.0.2.1\", \".com\""), 2,
	    "relay.always_allow_from: \".com\"" },
	{ "always_allow_to .net", AAT1("\".net\""), 2,
	    "relay.always_allow_to: \".net\"" },
	{ "services always_allow_to org", SVC1("always_allow_to", "\"org\""),
	    4, "services[b].always_allow_to" },
	{ "services always_allow_from .org",
	    SVC1("always_allow_from", "\".org\""), 4, NULL },
	/* ---- domains: a public suffix ---- */
	{ "local.domains co.uk", DOM1("domains", "\"co.uk\""), 2,
	    "public suffix" },
	{ "local.domains .co.uk", DOM1("domains", "\".co.uk\""), 2,
	    "public suffix" },
	{ "a wildcard rule (*.ck)", DOM1("domains", "\"foo.ck\""), 2, NULL },
	{ "a private suffix (github.io)",
	    DOM1("domain_aliases", "\".github.io\""), 2, NULL },
	{ "always_allow_from .co.uk", AAF1("\".co.uk\""), 2, NULL },
	{ "always_allow_to co.uk", AAT1("\"partner.test\", \"co.uk\""), 2,
	    NULL },
	{ "bad entry mid-list, own line",
	    "local = {\n  domains = [ \"example.com\",\n    \"com.au\",\n"
	    "    \"example.org\" ];\n};\n", 3, "com.au" },
	/* ---- what still loads ---- */
	{ "localhost", DOM1("domains", "\"localhost\""), 0, NULL },
	{ "localhost in always_allow_from", AAF1("\"localhost\""), 0, NULL },
	{ "domain literals", DOM1("domains", "\"[192.0.2.1]\", "
	    "\"[IPv6:2001:db8::1]\""), 0, NULL },
	{ "names under a public suffix", DOM1("domains", "\"example.co.uk\", "
	    "\".example.co.uk\", \"me.github.io\""), 0, NULL },
	{ "the exception of a wildcard rule", DOM1("domains", "\"www.ck\""), 0,
	    NULL },
	{ "addresses in always_allow_to", AAT1("\"abuse@example.net\""), 0,
	    NULL },
	{ "an unlisted top-level domain's names",
	    DOM1("domains", "\"mail.internal\", \".corp.internal\""), 0,
	    NULL },
};

static void
test_cases(void)
{
	size_t i;

	for (i = 0; i < NELEM(risk_cases); i++) {
		const struct risk_case *tc = &risk_cases[i];
		char err[CONF_ERRLEN] = "";
		struct conf *c;

		c = conf_load_string(tc->text, "risk.conf", err, sizeof(err));
		if (tc->line == 0) {
			tap_ok(c != NULL, "loads: %s", tc->what);
			if (c == NULL)
				printf("#   %s\n", err);
			conf_unref(c);
			continue;
		}
		tap_ok(c == NULL, "refused: %s", tc->what);
		if (c != NULL) {
			conf_unref(c);
			continue;
		}
		check_error(tc->what, err, "risk.conf", tc->line, tc->needle);
	}
}

/* The unicast /8s one by one: 127 of them load, 128 are half of IPv4. */
static void
test_many_slash8(void)
{
	static char text[8192];
	char err[CONF_ERRLEN] = "";
	struct conf *c;
	size_t n;
	int i, last;

	for (last = 127; last <= 223; last += 96) {
		n = (size_t)snprintf(text, sizeof(text), "local = {\n  lan = [ "
		    "\"1.0.0.0/8\"");
		for (i = 2; i <= last; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    ", \"%d.0.0.0/8\"", i);
		snprintf(text + n, sizeof(text) - n, " ];\n};\n");
		c = conf_load_string(text, "slash8.conf", err, sizeof(err));
		if (last == 127) {
			tap_ok(c != NULL, "1.0.0.0/8 to 127.0.0.0/8 load (just "
			    "under half of IPv4)");
			conf_unref(c);
			/* one more makes half */
			snprintf(text + n, sizeof(text) - n,
			    ", \"128.0.0.0/8\" ];\n};\n");
			c = conf_load_string(text, "slash8.conf", err,
			    sizeof(err));
			tap_ok(c == NULL, "with 128.0.0.0/8 refused");
			conf_unref(c);
			if (c == NULL)
				check_error("128 /8s", err, "slash8.conf", 2,
				    "2147483648 IPv4 addresses");
			continue;
		}
		tap_ok(c == NULL, "1.0.0.0/8 to 223.0.0.0/8 refused");
		conf_unref(c);
		if (c == NULL)
			check_error("223 /8s", err, "slash8.conf", 2,
			    "local.lan");
	}
}

struct total_case {
	const char	*what;
	const char	*text;
	size_t		 n;		/* warnings wanted */
	const char	*needle;	/* in the first one */
};

/* The lists as a whole draw the per-entry warnings' limits too. */
static const struct total_case total_cases[] = {
	{ "LAN three /9s: more than a /8 in all",
	    "local = {\n  lan = [ \"10.0.0.0/9\", \"10.128.0.0/9\", "
	    "\"11.0.0.0/9\" ];\n};\n", 1,
	    "risk.conf:2: local.lan: its networks cover 25165824 IPv4 "
	    "addresses in all, more than a /8" },
	{ "LAN two /9s: a /8", "local = {\n  lan = [ \"10.0.0.0/9\", "
	    "\"10.128.0.0/9\" ];\n};\n", 0, NULL },
	{ "LAN /7 and a /9: the entry's warning only",
	    "local = { lan = [ \"10.0.0.0/7\", \"12.0.0.0/9\" ]; };\n", 1,
	    "\"10.0.0.0/7\" is wider than /8" },
	{ "LAN IPv6 /33s: more than a /32 in all",
	    "local = { lan = [ \"2001:db8::/33\", \"2001:db8:8000::/33\", "
	    "\"2001:db9::/33\" ]; };\n", 1, "more than a /32" },
	{ "always_allow_from /16 + /24: no more than its entries",
	    "relay = {\n  always_allow_from = [ \"192.0.2.0/24\", "
	    "\"198.18.0.0/16\", \"10.0.0.0/17\" ];\n};\n", 0, NULL },
	{ "a service's always_allow_from IPv6 /33s",
	    SVC1("always_allow_from", "\"2001:db8::/33\", "
	    "\"2001:db8:8000::/33\", \"2001:db9::/33\""), 1,
	    "risk.conf:4: services[b].always_allow_from: its networks cover "
	    "more" },
};

static void
test_totals(void)
{
	static char text[8192];
	struct conf *c;
	size_t i, k, n;

	for (i = 0; i < NELEM(total_cases); i++) {
		const struct total_case *tc = &total_cases[i];
		c = load(tc->text, "risk.conf");
		tap_ok(c != NULL, "loads: %s", tc->what);
		if (c == NULL)
			continue;
		tap_is_int((long)c->nwarnings, (long)tc->n, tc->what);
		for (k = 0; k < c->nwarnings; k++)
			printf("#   %s\n", c->warnings[k]);
		if (tc->needle != NULL)
			tap_ok(c->nwarnings > 0 && strstr(c->warnings[0],
			    tc->needle) != NULL, "%s: says \"%s\"", tc->what,
			    tc->needle);
		conf_unref(c);
	}
	/* 257 /16s: none wider than /16, but more than a /8 in all */
	n = (size_t)snprintf(text, sizeof(text), "relay = {\n"
	    "  always_allow_from = [ \"11.0.0.0/16\"");
	for (i = 0; i < 256; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    ", \"10.%zu.0.0/16\"", i);
	snprintf(text + n, sizeof(text) - n, " ];\n};\n");
	c = load(text, "risk.conf");
	tap_ok(c != NULL && c->nwarnings == 1 && strstr(c->warnings[0],
	    "risk.conf:2: relay.always_allow_from: its networks cover "
	    "16842752 IPv4 addresses in all, more than a /8") != NULL,
	    "always_allow_from of 257 /16s: one warning, more than a /8");
	if (c != NULL && c->nwarnings > 0)
		printf("#   %s\n", c->warnings[0]);
	conf_unref(c);
}

/* conf_risk_domain on its own: what conf_default leaves out. */
static void
test_domain_check(void)
{
	static const struct { const char *d; int rc; } cases[] = {
		{ "example.com", 0 }, { ".example.com", 0 }, { "localhost", 0 },
		{ "[192.0.2.1]", 0 }, { "vm", -1 }, { "com", -1 },
		{ ".com", -1 }, { "co.uk", -1 }, { "github.io", -1 },
		{ ".localhost", -1 },
	};
	char err[256];
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		tap_ok(conf_risk_domain(cases[i].d, err, sizeof(err)) ==
		    cases[i].rc && (cases[i].rc == 0 || err[0] != '\0'),
		    "conf_risk_domain(\"%s\") is %d (%s)", cases[i].d,
		    cases[i].rc, err);
	}
}

int
main(void)
{
	char err[CONF_ERRLEN] = "";
	struct conf *c;

	test_cases();
	test_many_slash8();
	test_totals();
	test_domain_check();
	/* a bare host name (or a parent that is a suffix) is left out */
	c = conf_default(err, sizeof(err));
	tap_ok(c != NULL, "the embedded default loads on this host (%s)",
	    c != NULL ? "ok" : err);
	conf_unref(c);
	return tap_done();
}
