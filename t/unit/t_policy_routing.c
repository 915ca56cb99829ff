/*
 * t_policy_routing: the MTA's routing ({rcpt_mailer}) against
 * local.domains, in explicit rows: a local recipient the MTA delivers
 * through a transport of local.transports is local; one it relays is
 * judged as relaying and held (451, rule=routing-mismatch) where steps
 * 2 to 5 would refuse it; no {rcpt_mailer}, or an empty
 * local.transports, leaves the check off.
 */
#include "policy_fixture.h"

struct mailer_row {
	const char	*mailer;	/* {rcpt_mailer}, NULL: not sent */
	struct req_spec	 r;
	const char	*want;
	/* a mismatch: what steps 2 to 5 said (relay_verdict, relay_rule) */
	const char	*relay;
};

#define HELD	"tempfail routing-mismatch"

/* Under config A (default local.transports) unless said otherwise. */
static const struct mailer_row mailer_rows[] = {
	{ "local", { NULL, OUT, NULL, NULL, SREM, "u@example.com", 0 },
	    "accept local", NULL },
	{ "virtual", { NULL, OUT, NULL, NULL, SREM, "u@example.com", 0 },
	    "accept local", NULL },
	{ "lmtp", { NULL, OUT, NULL, NULL, SREM, "u@a.example.com", 0 },
	    "accept local", NULL },
	{ "Local", { NULL, OUT, NULL, NULL, SREM, "u@example.com", 0 },
	    "accept local", NULL },
	{ "error", { NULL, OUT, NULL, NULL, SREM, "u@example.org", 0 },
	    "accept local", NULL },
	{ "discard", { NULL, OUT, NULL, NULL, SREM, "u@example.com", 0 },
	    "accept local", NULL },
	{ NULL, { NULL, OUT, NULL, NULL, SREM, "u@example.com", 0 },
	    "accept local", NULL },
	{ "", { NULL, OUT, NULL, NULL, SREM, "u@example.com", 0 },
	    "accept local", NULL },
	/* Postfix's transport for relay_domains: in the default list */
	{ "relay", { NULL, OUT, NULL, NULL, SREM, "u@example.org", 0 },
	    "accept local", NULL },
	{ "RELAY", { NULL, OUT, NULL, NULL, SREM, "<postmaster>", 0 },
	    "accept local", NULL },
	/* a bare <postmaster> is local only where the MTA delivers it here */
	{ "local", { NULL, OUT, NULL, NULL, SREM, "<postmaster>", 0 },
	    "accept local", NULL },
	{ "error", { NULL, OUT, NULL, NULL, SREM, "Postmaster", 0 },
	    "accept local", NULL },
	{ "smtp", { NULL, OUT, NULL, NULL, SREM, "<postmaster>", 0 },
	    HELD, "reject non-local-sender" },
	{ "esmtp", { NULL, OUT, NULL, NULL, SLOC, "POSTMASTER", 0 },
	    HELD, "reject outside-lan" },
	{ "smtp", { NULL, LAN, NULL, NULL, SLOC, "<postmaster>", 0 },
	    "accept serial", "accept serial" },
	/*
	 * The MTA relays a domain relaymilter holds local: steps 2 to 5;
	 * what they accept is accepted, what they refuse waits (451).
	 */
	{ "smtp", { NULL, OUT, NULL, NULL, SLOC, "u@example.com", 0 },
	    HELD, "reject outside-lan" },
	{ "smtp", { NULL, OUT, NULL, NULL, SREM, "u@example.com", 0 },
	    HELD, "reject non-local-sender" },
	{ "esmtp", { NULL, OUT, NULL, NULL, SLOC, "u@[192.0.2.1]", 0 },
	    HELD, "reject outside-lan" },
	{ "smtp", { NULL, LAN, NULL, NULL, SLOC, "u@example.org", 0 },
	    "accept serial", "accept serial" },
	{ "smtp", { NULL, "203.0.113.7", NULL, NULL, SREM, "u@example.com",
	    0 }, "accept always-allow-from", "accept always-allow-from" },
	{ "smtp", { "submission", OUT, NULL, "alice", SREM, "u@example.com",
	    0 }, "accept auth", "accept auth" },
	{ "smtp", { "submission", OUT, NULL, "bob", SREM, "u@example.com",
	    0 }, HELD, "reject no-relay-privilege" },
	{ "smtp", { "submission", OUT, NULL, NULL, SREM, "u@example.com",
	    0 }, HELD, "reject auth-required" },
	{ "smtp", { "pop", OUT, NULL, NULL, SREM, "u@example.com", 1 },
	    "accept pop-before-smtp", "accept pop-before-smtp" },
	{ "smtp", { "pop", OUT, NULL, NULL, SREM, "u@example.com", -1 },
	    HELD, "tempfail pop-store-unavailable" },
	{ "smtp", { "open", OUT, NULL, NULL, SREM, "u@example.com", 0 },
	    "accept serial", "accept serial" },
	/* a remote recipient is relaying whatever the mailer: no note */
	{ "local", { NULL, OUT, NULL, NULL, SLOC, RREM, 0 },
	    "reject outside-lan", NULL },
	{ "smtp", { NULL, LAN, NULL, NULL, SLOC, RREM, 0 },
	    "accept serial", NULL },
	{ "relay", { NULL, OUT, NULL, NULL, SLOC, RREM, 0 },
	    "reject outside-lan", NULL },
};

static void
test_mailer_rows(void)
{
	static const char conf_off[] =
	    "local = { domains = [ \"example.com\" ]; transports = [ ]; };\n";
	static const char conf_own[] =
	    "local = { domains = [ \"example.com\" ];\n"
	    "  transports = [ \"dovecot\", \"cyrusv2\" ]; };\n";
	struct conf *c = load(conf_a, "policy-a.conf");
	struct req_spec out = { NULL, OUT, NULL, NULL, SLOC, "u@example.com",
	    0 };
	struct policy_decision d;
	struct popctx pc;
	char got[128], what[512];
	size_t i;

	if (c == NULL) {
		tap_ok(0, "config A loads");
		return;
	}
	for (i = 0; i < NELEM(mailer_rows); i++) {
		const struct mailer_row *m = &mailer_rows[i];

		run_mailer(c, &m->r, m->mailer, &d, &pc);
		outcome(&d, got, sizeof(got));
		snprintf(what, sizeof(what), "mailer row %zu: mailer=%s "
		    "service=%s client=%s auth=%s from=%s rcpt=%s", i + 1,
		    m->mailer ? m->mailer : "(none)",
		    m->r.daemon ? m->r.daemon : "-", m->r.client,
		    m->r.auth ? m->r.auth : "-", m->r.sender, m->r.rcpt);
		tap_is_str(got, m->want, what);
		snprintf(what, sizeof(what), "mailer row %zu: routing_mismatch "
		    "is %d", i + 1, m->relay != NULL);
		tap_is_int(d.routing_mismatch, m->relay != NULL, what);
		if (m->relay != NULL) {
			snprintf(got, sizeof(got), "%s %s",
			    policy_verdict_name(d.relay_verdict),
			    policy_rule_name(d.relay_rule));
			snprintf(what, sizeof(what), "mailer row %zu: steps 2 "
			    "to 5 said %s", i + 1, m->relay);
			tap_is_str(got, m->relay, what);
		} else {
			snprintf(what, sizeof(what), "mailer row %zu: no "
			    "relaying verdict kept", i + 1);
			tap_ok(d.relay_verdict == POLICY_ACCEPT &&
			    d.relay_rule == RULE_COUNT, "%s", what);
		}
		snprintf(what, sizeof(what), "mailer row %zu: reply", i + 1);
		check_reply(&d, m->r.rcpt, what);
	}
	conf_unref(c);

	c = load(conf_off, "transports-off.conf");
	tap_ok(c != NULL && c->nlocal_transports == 0,
	    "local.transports = [ ] loads, empty");
	if (c != NULL) {
		run_mailer(c, &out, "smtp", &d, &pc);
		outcome(&d, got, sizeof(got));
		tap_is_str(got, "accept local", "empty local.transports: no "
		    "cross-check");
		tap_is_int(d.routing_mismatch, 0, "... and no note");
	}
	conf_unref(c);
	c = load(conf_own, "transports-own.conf");
	tap_ok(c != NULL, "local.transports of its own loads");
	if (c != NULL) {
		run_mailer(c, &out, "cyrusv2", &d, &pc);
		outcome(&d, got, sizeof(got));
		tap_is_str(got, "accept local", "a listed transport is local");
		run_mailer(c, &out, "local", &d, &pc);
		outcome(&d, got, sizeof(got));
		tap_is_str(got, HELD, "the list replaces the default: "
		    "\"local\" is no longer local (held with a 451)");
		tap_is_int(d.routing_mismatch, 1, "... noted as a mismatch");
		tap_ok(d.relay_verdict == POLICY_REJECT &&
		    d.relay_rule == RULE_OUTSIDE_LAN, "... which outside-lan "
		    "refused");
		run_mailer(c, &out, "relay", &d, &pc);
		outcome(&d, got, sizeof(got));
		tap_is_str(got, HELD, "... and neither is \"relay\"");
		run_mailer(c, &out, "error", &d, &pc);
		outcome(&d, got, sizeof(got));
		tap_is_str(got, "accept local", "\"error\" never relays, "
		    "whatever the list");
	}
	conf_unref(c);
}

/* conf_service picks exactly the entry named, or the top level. */
int
main(void)
{
	test_mailer_rows();
	return tap_done();
}
