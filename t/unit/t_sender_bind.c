/*
 * t_sender_bind: step 0 of the decision, bind_sender, in explicit rows:
 * an authenticated session whose MAIL FROM is not one of its user's
 * addresses (users[].senders; "@domain" for a whole domain; a name that
 * is an address when senders is absent) has every recipient refused
 * with rule=sender-login-mismatch, local ones too; the null sender
 * always passes; domains compare normalized (case, IDN U-label and
 * A-label), local parts case-insensitively; routed senders never match.
 * Then where bind_sender comes from (relay, services), and the load
 * errors of users[].senders.
 */
#include "policy_fixture.h"

#define MISMATCH	"reject sender-login-mismatch"
#define RLOC		"u@example.com"		/* a local recipient */
#define SUB		"submission"

static const char conf_bind[] =
    "local = {\n"
    "  domains = [ \"example.com\" ];\n"
    "  lan = [ \"192.168.1.0/24\" ];\n"
    "};\n"
    "services = (\n"
    "  { daemon_name = \"submission\"; smtp_auth = true; bind_sender = true; },\n"
    "  { daemon_name = \"plain\"; smtp_auth = true; }\n"
    ");\n"
    "users = (\n"
    "  { name = \"alice\"; password = \"{PLAIN}a\"; relay = true;\n"
    "    senders = [ \"alice@example.com\", \"@example.org\",\n"
    "      \"Team@Shared.Example\", \"a@xn--bcher-kva.example\",\n"
    "      \"a@m\xc3\xbcnchen.example\", \"<lit@[192.0.2.1]>\" ]; },\n"
    "  { name = \"bob\"; password = \"{PLAIN}b\"; relay = true;\n"
    "    senders = [ \"bob@example.com\" ]; },\n"
    "  { name = \"carol\"; password = \"{PLAIN}c\"; relay = true; },\n"
    "  { name = \"dave@example.net\"; password = \"{PLAIN}d\"; relay = true; },\n"
    "  { name = \"erin@example.net\"; password = \"{PLAIN}e\"; relay = true;\n"
    "    senders = [ ]; },\n"
    "  { name = \"frank\"; password = \"{PLAIN}f\"; relay = false;\n"
    "    senders = [ \"frank@example.com\" ]; }\n"
    ");\n"
    "auth = { realms = [ \"corp.test\" ]; };\n";

struct bind_row {
	const char	*daemon;
	const char	*auth;
	const char	*sender;
	const char	*rcpt;
	const char	*want;
};

static const struct bind_row bind_rows[] = {
	/* the user's own address, in any case */
	{ SUB, "alice", "alice@example.com", RREM, "accept auth" },
	{ SUB, "alice", "<alice@example.com>", RLOC, "accept local" },
	{ SUB, "alice", "ALICE@EXAMPLE.COM", RREM, "accept auth" },
	{ SUB, "alice", "Alice@Example.Com.", RREM, "accept auth" },
	{ SUB, "alice", "team@shared.example", RREM, "accept auth" },
	/* another user's address: every recipient, local ones too */
	{ SUB, "alice", "bob@example.com", RREM, MISMATCH },
	{ SUB, "alice", "bob@example.com", RLOC, MISMATCH },
	{ SUB, "alice", "bob@example.com", "<postmaster>", MISMATCH },
	{ SUB, "alice", "alicex@example.com", RREM, MISMATCH },
	{ SUB, "alice", "alice@example.co", RREM, MISMATCH },
	{ SUB, "bob", "alice@example.com", RREM, MISMATCH },
	{ SUB, "bob", "Bob@example.com", RREM, "accept auth" },
	/* @domain: that domain, not its subdomains, not a look-alike */
	{ SUB, "alice", "anyone@example.org", RREM, "accept auth" },
	{ SUB, "alice", "x@EXAMPLE.ORG", RREM, "accept auth" },
	{ SUB, "alice", "x@sub.example.org", RREM, MISMATCH },
	{ SUB, "alice", "x@badexample.org", RREM, MISMATCH },
	{ SUB, "alice", "x@example.org.evil.test", RREM, MISMATCH },
	/* the null sender always */
	{ SUB, "alice", "<>", RREM, "accept auth" },
	{ SUB, "carol", "<>", RLOC, "accept local" },
	/* IDN: U-label sender, A-label entry, and the other way round */
	{ SUB, "alice", "a@b\xc3\xbc" "cher.example", RREM, "accept auth" },
	{ SUB, "alice", "a@B\xc3\x9c" "CHER.example", RREM, "accept auth" },
	{ SUB, "alice", "a@XN--BCHER-KVA.example", RREM, "accept auth" },
	{ SUB, "alice", "a@xn--mnchen-3ya.example", RREM, "accept auth" },
	{ SUB, "alice", "a@m\xc3\xbcnchen.example", RREM, "accept auth" },
	{ SUB, "alice", "b@m\xc3\xbcnchen.example", RREM, MISMATCH },
	/* fullwidth letters: a look-alike, never the entry's domain */
	{ SUB, "alice", "a@\xef\xbd\x8d\xc3\xbcnchen.example", RREM, MISMATCH },
	/* a domain literal listed as one */
	{ SUB, "alice", "lit@[192.0.2.1]", RREM, "accept auth" },
	{ SUB, "alice", "lit@[192.0.2.2]", RREM, MISMATCH },
	/* routed senders never match, whatever their last domain */
	{ SUB, "alice", "<@a.test:alice@example.com>", RREM, MISMATCH },
	{ SUB, "alice", "<@a.test,@b.test:x@example.org>", RREM, MISMATCH },
	{ SUB, "alice", "alice%x@example.com", RREM, MISMATCH },
	{ SUB, "alice", "x%y@example.org", RREM, MISMATCH },
	{ SUB, "alice", "a!alice@example.com", RREM, MISMATCH },
	{ SUB, "alice", "\"alice@x\"@example.com", RREM, MISMATCH },
	{ SUB, "alice", "\"u@x\"@example.org", RREM, MISMATCH },
	{ SUB, "alice", "alice@example.com@example.com", RREM, MISMATCH },
	{ SUB, "alice", "alice", RREM, MISMATCH },
	{ SUB, "alice", "postmaster", RLOC, MISMATCH },
	/* a realm the config strips names the same user */
	{ SUB, "alice@corp.test", "alice@example.com", RREM, "accept auth" },
	{ SUB, "alice@corp.test", "bob@example.com", RREM, MISMATCH },
	/* no senders: a name that is an address has itself, else only <> */
	{ SUB, "carol", "carol@example.com", RREM, MISMATCH },
	{ SUB, "carol", "carol@example.com", RLOC, MISMATCH },
	{ SUB, "dave@example.net", "dave@example.net", RREM, "accept auth" },
	{ SUB, "dave@example.net", "DAVE@Example.NET", RREM, "accept auth" },
	{ SUB, "dave@example.net", "other@example.net", RREM, MISMATCH },
	/* senders = [ ]: only <>, even for a name that is an address */
	{ SUB, "erin@example.net", "erin@example.net", RREM, MISMATCH },
	{ SUB, "erin@example.net", "<>", RREM, "accept auth" },
	/* a name that is no user has no addresses */
	{ SUB, "mallory", "mallory@example.com", RLOC, MISMATCH },
	{ SUB, "Alice", "alice@example.com", RREM, MISMATCH },
	{ SUB, "mallory", "<>", RREM, "reject no-relay-privilege" },
	/* step 0 comes before the relay privilege */
	{ SUB, "frank", "frank@example.com", RLOC, "accept local" },
	{ SUB, "frank", "frank@example.com", RREM, "reject no-relay-privilege" },
	{ SUB, "frank", "bob@example.com", RREM, MISMATCH },
	/* an unauthenticated session is not bound */
	{ SUB, NULL, "bob@example.com", RLOC, "accept local" },
	{ SUB, NULL, "bob@example.com", RREM, "reject auth-required" },
	{ SUB, "", "bob@example.com", RLOC, "accept local" },
	/* a service without bind_sender, and the top level, are not bound */
	{ "plain", "alice", "bob@example.com", RREM, "accept auth" },
	{ "plain", "carol", "x@elsewhere.test", RLOC, "accept local" },
	{ NULL, "alice", "bob@example.com", RREM, "accept serial" },
	{ "nosuch", "alice", "bob@example.com", RLOC, "accept local" },
};

static void
test_bind_rows(void)
{
	struct conf *c = load(conf_bind, "bind.conf");
	struct policy_decision d;
	struct popctx pc;
	char got[128], what[512], reply[512];
	size_t i;

	if (c == NULL) {
		tap_ok(0, "the bind_sender config loads");
		return;
	}
	for (i = 0; i < NELEM(bind_rows); i++) {
		const struct bind_row *b = &bind_rows[i];
		struct req_spec r = { b->daemon, LAN, NULL, b->auth, b->sender,
		    b->rcpt, 0 };

		run(c, &r, &d, &pc);
		outcome(&d, got, sizeof(got));
		snprintf(what, sizeof(what), "row %zu: service=%s auth=%s "
		    "from=%s rcpt=%s", i + 1, b->daemon ? b->daemon : "-",
		    b->auth ? b->auth : "(none)", b->sender, b->rcpt);
		tap_is_str(got, b->want, what);
		snprintf(what, sizeof(what), "row %zu: reply", i + 1);
		check_reply(&d, b->rcpt, what);
	}
	/* A relaying user left with <> alone draws a warning. */
	{
		static const struct { const char *name; int warned; } w[] = {
			{ "\"alice\"", 0 }, { "\"bob\"", 0 },
			{ "\"carol\"", 1 }, { "\"dave@example.net\"", 0 },
			{ "\"erin@example.net\"", 1 }, { "\"frank\"", 0 },
		};
		size_t j, k;

		for (j = 0; j < NELEM(w); j++) {
			int n = 0;

			for (k = 0; k < c->nwarnings; k++)
				n += strstr(c->warnings[k], w[j].name) != NULL &&
				    strstr(c->warnings[k], "no senders") != NULL;
			snprintf(what, sizeof(what), "user %s: %s", w[j].name,
			    w[j].warned ? "warned of having no senders" :
			    "no warning");
			tap_is_int(n, w[j].warned, what);
		}
	}
	/* The reason names neither the user nor what it may use. */
	{
		struct req_spec r = { SUB, OUT, NULL, "alice", "bob@example.com",
		    RREM, 0 };

		run(c, &r, &d, &pc);
		policy_reply(&d, RREM, reply, sizeof(reply));
		tap_is_str(reply, "550 5.7.1 <" RREM ">: Relaying denied: "
		    "sender address not allowed for this login",
		    "the refusal's reply, from outside the LAN too");
	}
	conf_unref(c);
}

/* relay.bind_sender is every listener's default; a services entry
 * inherits it or overrides it. */
static const char conf_inherit[] =
    "local = { domains = [ \"example.com\" ]; lan = [ \"192.168.1.0/24\" ]; };\n"
    "relay = { smtp_auth = true; bind_sender = true; };\n"
    "services = (\n"
    "  { daemon_name = \"inherit\"; },\n"
    "  { daemon_name = \"off\"; bind_sender = false; }\n"
    ");\n"
    "users = ( { name = \"alice\"; password = \"{PLAIN}a\"; relay = true;\n"
    "    senders = [ \"alice@example.com\" ]; } );\n";

static void
test_inherit(void)
{
	static const struct { const char *daemon, *sender, *want; } rows[] = {
		{ NULL, "alice@example.com", "accept auth" },
		{ NULL, "bob@example.com", MISMATCH },
		{ "inherit", "bob@example.com", MISMATCH },
		{ "inherit", "alice@example.com", "accept auth" },
		{ "off", "bob@example.com", "accept auth" },
	};
	struct conf *c = load(conf_inherit, "inherit.conf");
	struct policy_decision d;
	struct popctx pc;
	char got[128], what[256];
	size_t i;

	tap_ok(c != NULL, "relay.bind_sender loads");
	if (c == NULL)
		return;
	tap_ok(c->relay.bind_sender && conf_service(c, "inherit")->bind_sender
	    && !conf_service(c, "off")->bind_sender, "bind_sender: relay's "
	    "value inherited, a services entry's own kept");
	for (i = 0; i < NELEM(rows); i++) {
		struct req_spec r = { rows[i].daemon, OUT, NULL, "alice",
		    rows[i].sender, RREM, 0 };

		run(c, &r, &d, &pc);
		outcome(&d, got, sizeof(got));
		snprintf(what, sizeof(what), "inherit row %zu: service=%s "
		    "from=%s", i + 1, rows[i].daemon ? rows[i].daemon : "-",
		    rows[i].sender);
		tap_is_str(got, rows[i].want, what);
	}
	conf_unref(c);
}

/* users[].senders entries refused at load, with file:line. */
static const struct { const char *entry, *needle; } bad_entries[] = {
	{ "\"\"", "an empty entry" },
	{ "\"@\"", "is not @domain" },
	{ "\"@.example.org\"", "is not @domain" },
	{ "\"@a@example.org\"", "is not @domain" },
	{ "\"@exa mple.org\"", "is not @domain" },
	{ "\"alice\"", "not an address" },
	{ "\"<>\"", "always allowed" },
	{ "\"<@a.test:u@example.com>\"", "routed" },
	{ "\"u%x@example.com\"", "routed" },
	{ "\"u!x@example.com\"", "routed" },
	{ "\"\\\"u@x\\\"@example.com\"", "routed" },
	{ "\"u@example.com@example.com\"", "routed" },
	{ "\"u@exa_mple..com\"", "not an address" },
	{ "42", NULL },
};

static void
test_bad_entries(void)
{
	char text[512], err[CONF_ERRLEN], what[256];
	struct conf *c;
	size_t i;

	for (i = 0; i < NELEM(bad_entries); i++) {
		snprintf(text, sizeof(text), "users = (\n"
		    "  { name = \"alice\"; password = \"{PLAIN}a\";\n"
		    "    senders = [ \"alice@example.com\",\n"
		    "      %s ]; }\n);\n", bad_entries[i].entry);
		c = conf_load_string(text, "bad.conf", err, sizeof(err));
		snprintf(what, sizeof(what), "senders entry %s refused",
		    bad_entries[i].entry);
		tap_ok(c == NULL, "%s", what);
		conf_unref(c);
		if (c == NULL)
			check_error(what, err, "bad.conf", 4,
			    bad_entries[i].needle);
	}
	c = conf_load_string("services = ( { daemon_name = \"s\";\n"
	    "  bind_sender = \"yes\"; } );\n", "bool.conf", err, sizeof(err));
	tap_ok(c == NULL, "bind_sender must be a boolean");
	conf_unref(c);
	if (c == NULL)
		check_error("bind_sender = \"yes\"", err, "bool.conf", 2, NULL);
}

int
main(void)
{
	(void)conf_a;
	test_bind_rows();
	test_inherit();
	test_bad_entries();
	return tap_done();
}
