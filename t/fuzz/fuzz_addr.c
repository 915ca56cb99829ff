/*
 * fuzz_addr: the address normalizer and the relay classification
 * (relaymilter.conf(5), ADDRESSES AND NETWORKS). Each input is one MAIL FROM / RCPT TO argument
 * (bytes up to the first NUL), copied to a heap block of exactly its size
 * so that ASan catches any read past the terminator. It is parsed with
 * addr_parse and judged by policy_decide under a fixed config (local
 * domains example.com, .example.org and "[192.0.2.1]", LAN 192.168.1.0/24,
 * always_allow_to partner.test and boss@remote.test) for a client outside
 * the LAN. Checked with abort():
 *  - routing (a '%' or '!' anywhere, a second '@', a leading '@' source
 *    route, which covers a quoted local part holding '@', '%' or '!')
 *    never yields ADDR_PLAIN with a local domain, never rule=local, never
 *    rule=always-allow-to; as a sender under relay_for_non_local_senders
 *    = false it is always refused with rule=non-local-sender;
 *  - rule=local only for ADDR_POSTMASTER (the input is exactly
 *    "postmaster", any case, with optional brackets and blanks) or an
 *    ADDR_PLAIN address whose domain is example.com, [192.0.2.1] or a
 *    subdomain of example.org on a label boundary;
 *  - a domain is returned only for ADDR_PLAIN; it is a valid, bounded
 *    string that addr_domain_normalize maps to itself;
 *  - addr_domain_normalize on the raw bytes (no terminator, exact-size
 *    block) reads only len bytes, and its output re-normalizes to itself.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "conf.h"
#include "netset.h"
#include "policy.h"

#define FUZZ_MAX	4096

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_addr: invariant failed: %s "	\
		    "(line %d)\n", #cond, __LINE__);			\
		abort();						\
	}								\
} while (0)

static const char conf_text[] =
    "local = {\n"
    "  domains = [ \"example.com\", \"[192.0.2.1]\" ];\n"
    "  domain_aliases = [ \".example.org\" ];\n"
    "  lan = [ \"192.168.1.0/24\" ];\n"
    "};\n"
    "relay = {\n"
    "  always_allow_to = [ \"partner.test\", \"boss@remote.test\" ];\n"
    "};\n"
    "services = (\n"
    "  { daemon_name = \"strict\"; relay_for_non_local_senders = false;\n"
    "    relay_for_client_machines = true; }\n"
    ");\n";

static struct conf *conf;
static const struct relay_policy *rp_top, *rp_strict;
static struct netaddr outside;
static struct addr remote_rcpt, local_sender;

static void
fuzz_init(void)
{
	char err[CONF_ERRLEN];

	conf = conf_load_string(conf_text, "fuzz_addr.conf", err, sizeof(err));
	if (conf == NULL) {
		fprintf(stderr, "fuzz_addr: %s\n", err);
		abort();
	}
	rp_top = conf_service(conf, NULL);
	rp_strict = conf_service(conf, "strict");
	CHECK(rp_strict != rp_top);
	CHECK(netaddr_parse("203.0.113.9", &outside) == 0);
	addr_parse("<someone@remote.test>", &remote_rcpt);
	CHECK(remote_rcpt.kind == ADDR_PLAIN);
	addr_parse("<alice@example.com>", &local_sender);
	CHECK(local_sender.kind == ADDR_PLAIN);
}

/* Routing as relaymilter.conf(5) lists it, judged on the raw text. */
static int
has_routing(const char *s)
{
	const char *p = s, *at;
	size_t ats = 0;

	if (strpbrk(s, "%!") != NULL)
		return 1;
	for (at = s; (at = strchr(at, '@')) != NULL; at++)
		ats++;
	if (ats >= 2)
		return 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '<')
		p++;
	return *p == '@';
}

/* Is the text exactly "postmaster" (any case, optional <> and blanks)? */
static int
is_bare_postmaster(const char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
		s++;
		len -= 2;
	}
	return len == 10 && strncasecmp(s, "postmaster", 10) == 0;
}

/* The local domains of conf_text, matched independently of domset. */
static int
is_local_domain(const char *d)
{
	size_t n = strlen(d), sfx = strlen(".example.org");

	if (strcmp(d, "example.com") == 0 || strcmp(d, "[192.0.2.1]") == 0)
		return 1;
	return n > sfx && strcmp(d + n - sfx, ".example.org") == 0 &&
	    d[n - sfx - 1] != '.';
}

static void
check_domain_fixpoint(const char *d)
{
	char again[ADDR_DOMAIN_MAX];
	size_t n = strnlen(d, ADDR_DOMAIN_MAX);

	CHECK(n > 0 && n < ADDR_DOMAIN_MAX);
	CHECK(addr_domain_normalize(d, n, again, sizeof(again)) == 0);
	CHECK(strcmp(again, d) == 0);
}

static void
check_address(const char *s)
{
	struct addr a;
	struct policy_request req;
	struct policy_decision d;
	int routing = has_routing(s);

	memset(&a, 0x5a, sizeof(a));
	addr_parse(s, &a);
	CHECK((unsigned)a.kind <= ADDR_INVALID);
	CHECK(memchr(a.domain, '\0', sizeof(a.domain)) != NULL);
	if (a.kind == ADDR_PLAIN) {
		check_domain_fixpoint(a.domain);
		CHECK(a.literal == (a.domain[0] == '['));
		if (!a.local_toolong)
			CHECK(memchr(a.local, '\0', sizeof(a.local)) != NULL &&
			    a.local[0] != '\0');
	} else
		CHECK(a.domain[0] == '\0');
	if (a.kind == ADDR_POSTMASTER)
		CHECK(is_bare_postmaster(s));
	if (routing)
		CHECK(a.kind != ADDR_PLAIN || !is_local_domain(a.domain));

	/* As a recipient, from a client outside the LAN. */
	memset(&req, 0, sizeof(req));
	req.client = &outside;
	req.client_name = "mail.remote.test";
	req.sender = &local_sender;
	req.rcpt = &a;
	req.now = 1000000;
	policy_decide(conf, rp_top, &req, &d);
	if (d.rule == RULE_LOCAL) {
		CHECK(d.verdict == POLICY_ACCEPT);
		CHECK(a.kind == ADDR_POSTMASTER ||
		    (a.kind == ADDR_PLAIN && is_local_domain(a.domain)));
		CHECK(!routing);
	} else {
		CHECK(a.kind != ADDR_POSTMASTER);
		CHECK(a.kind != ADDR_PLAIN || !is_local_domain(a.domain));
	}
	if (routing)
		CHECK(d.rule != RULE_ALWAYS_ALLOW_TO);
	if (d.rule == RULE_ALWAYS_ALLOW_TO)
		CHECK(a.kind == ADDR_PLAIN);
	if (d.rule != RULE_LOCAL && d.rule != RULE_ALWAYS_ALLOW_TO)
		CHECK(d.verdict == POLICY_REJECT &&
		    d.rule == RULE_OUTSIDE_LAN);

	/* As a sender, where only local senders may relay. */
	req.sender = &a;
	req.rcpt = &remote_rcpt;
	policy_decide(conf, rp_strict, &req, &d);
	if (routing || a.kind != ADDR_PLAIN || !is_local_domain(a.domain))
		CHECK(d.verdict == POLICY_REJECT &&
		    d.rule == RULE_NON_LOCAL_SENDER);
	else
		CHECK(d.verdict == POLICY_ACCEPT && d.rule == RULE_SERIAL);
}

static void
check_normalize(const uint8_t *data, size_t size)
{
	char out[ADDR_DOMAIN_MAX];
	char *raw;

	/* Exact-size block without a terminator: only len bytes may be read. */
	raw = malloc(size ? size : 1);
	if (raw == NULL)
		return;
	memcpy(raw, data, size);
	memset(out, 0x5a, sizeof(out));
	if (addr_domain_normalize(raw, size, out, sizeof(out)) == 0)
		check_domain_fixpoint(out);
	free(raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	char *s;

	if (conf == NULL)
		fuzz_init();
	if (size > FUZZ_MAX)
		return 0;
	n = strnlen((const char *)data, size);
	s = malloc(n + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, n);
	s[n] = '\0';
	check_address(s);
	free(s);
	check_normalize(data, size);
	return 0;
}
