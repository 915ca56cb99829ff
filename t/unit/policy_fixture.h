/*
 * policy_fixture.h: what the policy tests share -- the addresses and
 * clients they use, a stand-in POP store that records how it was asked,
 * and helpers that run one decision from a compact request description.
 * Included by t_policy.c and t_policy_matrix.c only; load() and NELEM
 * come from conf_fixture.h.
 */
#ifndef RELAYMILTER_POLICY_FIXTURE_H
#define RELAYMILTER_POLICY_FIXTURE_H

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf_fixture.h"
#include "policy.h"

#define OUT	"203.0.113.9"		/* a client outside the LAN */
#define LAN	"192.168.1.10"		/* a client on the LAN */
#define SLOC	"s@example.com"		/* a local sender */
#define SREM	"s@remote.example"	/* a non-local sender */
#define RREM	"r@remote.test"		/* a remote recipient */
#define NOW	((time_t)1700000000)

/* ---- the POP store stand-in ---- */

struct popctx {
	int		 answer;	/* 1, 0 or -1 */
	int		 calls;
	time_t		 now;
	int		 window;
	char		 client[64];
};

static int __attribute__((unused))
pop_answer(void *ctx, const struct netaddr *client, time_t now, int window)
{
	struct popctx *p = ctx;

	p->calls++;
	p->now = now;
	p->window = window;
	if (client != NULL)
		netaddr_format(client, p->client, sizeof(p->client));
	return p->answer;
}

/* ---- running one decision ---- */

struct req_spec {
	const char	*daemon;	/* {daemon_name} or NULL */
	const char	*client;	/* IP text or NULL */
	const char	*client_name;
	const char	*auth;
	const char	*sender;
	const char	*rcpt;
	int		 pop;		/* the store's answer */
};

/* One decision, the MTA saying it delivers rcpt with mailer (or NULL). */
static void __attribute__((unused))
run_mailer(const struct conf *c, const struct req_spec *r, const char *mailer,
    struct policy_decision *d, struct popctx *pc)
{
	struct netaddr client;
	struct addr sender, rcpt;
	struct policy_request req;

	memset(&req, 0, sizeof(req));
	if (r->client != NULL) {
		if (netaddr_parse(r->client, &client) != 0)
			printf("# fixture: bad client %s\n", r->client);
		req.client = &client;
	}
	addr_parse(r->sender, &sender);
	addr_parse(r->rcpt, &rcpt);
	req.client_name = r->client_name;
	req.auth_user = r->auth;
	req.sender = &sender;
	req.rcpt = &rcpt;
	req.rcpt_mailer = mailer;
	req.now = NOW;
	memset(pc, 0, sizeof(*pc));
	pc->answer = r->pop;
	req.pop = pop_answer;
	req.pop_ctx = pc;
	memset(d, 0, sizeof(*d));
	d->rule = RULE_COUNT;
	policy_decide(c, conf_service(c, r->daemon), &req, d);
}

static void __attribute__((unused))
run(const struct conf *c, const struct req_spec *r,
    struct policy_decision *d, struct popctx *pc)
{
	run_mailer(c, r, NULL, d, pc);
}

static void __attribute__((unused))
outcome(const struct policy_decision *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s", policy_verdict_name(d->verdict),
	    policy_rule_name(d->rule));
}

/* Every refusal carries the reply of its verdict. */
static void __attribute__((unused))
check_reply(const struct policy_decision *d, const char *rcpt,
    const char *what)
{
	char reply[512], want[512];
	const char *r = rcpt;
	size_t n = strlen(r);

	if (n >= 2 && r[0] == '<' && r[n - 1] == '>') {
		r++;
		n -= 2;
	}
	policy_reply(d, rcpt, reply, sizeof(reply));
	if (d->verdict == POLICY_ACCEPT) {
		tap_is_str(reply, "", what);
		return;
	}
	snprintf(want, sizeof(want), "%s <%.*s>: %s",
	    d->verdict == POLICY_REJECT ? "550 5.7.1" : "451 4.7.1", (int)n, r,
	    d->verdict == POLICY_REJECT ? "Relaying denied: " : "");
	tap_ok(strncmp(reply, want, strlen(want)) == 0 &&
	    strlen(reply) > strlen(want), "%s", what);
	if (strncmp(reply, want, strlen(want)) != 0 ||
	    strlen(reply) <= strlen(want))
		printf("#   got:  \"%s\"\n#   want: \"%s...\"\n", reply, want);
}


/* Config A, the strict top level the explicit rows run under. */
static const char conf_a[] =
    "# the strict top level: only local senders on the LAN may relay\n"
    "local = {\n"
    "  domains = [ \"example.com\", \"[192.0.2.1]\" ];\n"
    "  domain_aliases = [ \"example.org\", \".example.com\",\n"
    "                     \"b\xc3\xbc" "cher.example\" ];\n"
    "  lan = [ \"192.168.1.0/24\", \"::1/128\", \"::ffff:10.0.0.0/104\" ];\n"
    "};\n"
    "relay = {\n"
    "  relay_for_non_local_senders = false;\n"
    "  relay_for_client_machines = false;\n"
    "  always_allow_from = [ \"203.0.113.7\", \"198.51.100.0/24\",\n"
    "      \"2001:db8:1::/48\", \"::ffff:192.0.2.128/121\",\n"
    "      \"mx.partner.test\", \".trusted.test\" ];\n"
    "  always_allow_to = [ \"friend.test\", \".sub.friend.test\",\n"
    "      \"Boss@Elsewhere.test\", \"[192.0.2.5]\" ];\n"
    "};\n"
    "services = (\n"
    "  { daemon_name = \"submission\"; smtp_auth = true; },\n"
    "  { daemon_name = \"pop\"; pop_before_smtp = true; },\n"
    "  { daemon_name = \"both\"; smtp_auth = true; pop_before_smtp = true; },\n"
    "  { daemon_name = \"open\"; relay_for_non_local_senders = true;\n"
    "    relay_for_client_machines = true; },\n"
    "  { daemon_name = \"lists\"; always_allow_from = [ \"192.0.2.99\" ];\n"
    "    always_allow_to = [ \"other.test\" ]; },\n"
    "  { daemon_name = \"nolists\"; always_allow_from = [ ];\n"
    "    always_allow_to = [ ]; },\n"
    "  { daemon_name = \"senders\"; relay_for_non_local_senders = true; },\n"
    "  { daemon_name = \"clients\"; relay_for_client_machines = true; }\n"
    ");\n"
    "users = (\n"
    "  { name = \"alice\"; password = \"{PLAIN}a\"; relay = true; },\n"
    "  { name = \"bob\"; password = \"{PLAIN}b\"; relay = false; },\n"
    "  { name = \"Carol\"; password = \"{PLAIN}c\"; relay = true; }\n"
    ");\n"
    "auth = { realms = [ \"example.com\", \"corp.test\" ]; };\n"
    "pop = { window = 120; };\n";

#endif
