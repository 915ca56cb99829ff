/*
 * t_limits: relay limits and suspension. Tables of "got X, want Y" for
 * the "N/window" parser, the engine's steps 4a' and 6 (with the real
 * accounts front end over the memory store, and a fake POP answer), and
 * the memory and lmdb backends: exact counts under 20 threads, windows
 * on a clock the test moves (no sleeping), networks seen, suspensions.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "acct.h"
#include "acctstore.h"
#include "conf.h"
#include "policy.h"
#include "unit_fixture.h"

#define T0 ((time_t)1700000000)

/* ---------------------------------------------------------------- parser */

static const struct {
	const char	*in;
	int		 rc;
	long		 n;
	int		 window;
} parse_cases[] = {
	{ "500/1h", 0, 500, 3600 },
	{ "1/1s", 0, 1, 1 },
	{ "3/3s", 0, 3, 3 },
	{ "10/15m", 0, 10, 900 },
	{ "2000/2d", 0, 2000, 172800 },
	{ "1000000000/366d", 0, 1000000000, 366 * 86400 },
	{ "0/1h", -1, 0, 0 },
	{ "1000000001/1h", -1, 0, 0 },
	{ "-1/1h", -1, 0, 0 },
	{ "5/1w", -1, 0, 0 },
	{ "5/h", -1, 0, 0 },
	{ "5/0s", -1, 0, 0 },
	{ "5/367d", -1, 0, 0 },
	{ "5/1hh", -1, 0, 0 },
	{ "5 /1h", -1, 0, 0 },
	{ "5/1H", -1, 0, 0 },
	{ "5", -1, 0, 0 },
	{ "", -1, 0, 0 },
	{ "/1h", -1, 0, 0 },
	{ "99999999999/1h", -1, 0, 0 },
};

static void
test_parse(void)
{
	struct conf_limit l;
	char err[256], what[96];
	size_t i;

	for (i = 0; i < NELEM(parse_cases); i++) {
		int rc;

		memset(&l, 0, sizeof(l));
		err[0] = '\0';
		rc = conf_limits_parse(parse_cases[i].in, &l, err, sizeof(err));
		snprintf(what, sizeof(what), "parse \"%s\": rc",
		    parse_cases[i].in);
		tap_is_int(rc, parse_cases[i].rc, what);
		if (rc == 0) {
			snprintf(what, sizeof(what), "parse \"%s\": n",
			    parse_cases[i].in);
			tap_is_int(l.n, parse_cases[i].n, what);
			snprintf(what, sizeof(what), "parse \"%s\": window",
			    parse_cases[i].in);
			tap_is_int(l.window, parse_cases[i].window, what);
		} else
			tap_ok(err[0] != '\0', "parse \"%s\": a message (%s)",
			    parse_cases[i].in, err);
	}
}

/* Config errors come as file:line: message. */
static void
test_conf_errors(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "limits = { user = \"0/1h\"; };", "t.conf:1: limits.user" },
		{ "\nlimits = {\n client = \"5/1w\"; };",
		    "t.conf:3: limits.client" },
		{ "limits = { user_clients = 3; };", "t.conf:1:" },
		{ "limits = { store = \"lmdb:rel\"; };",
		    "t.conf:1: limits.store" },
		{ "limits = { store = \"mysql://x\"; };",
		    "t.conf:1: limits.store" },
		{ "limits = { bogus = \"1/1h\"; };", "t.conf:1:" },
		{ "users = ( { name = \"a\"; password = \"{PLAIN}x\";\n"
		    " limit = \"x/1h\"; } );", "t.conf:2: users[].limit" },
	};
	char err[CONF_ERRLEN];
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		struct conf *c = conf_load_string(cases[i].text, "t.conf", err,
		    sizeof(err));

		tap_ok(c == NULL && strncmp(err, cases[i].want,
		    strlen(cases[i].want)) == 0, "config error %zu: \"%s\" "
		    "starts with \"%s\"", i, c == NULL ? err : "(loaded)",
		    cases[i].want);
		conf_unref(c);
	}
}

static void
test_conf_values(void)
{
	char err[CONF_ERRLEN];
	struct conf *c;

	c = conf_load_string("limits = { user_clients = \"3/1h\"; };",
	    "m.conf", err, sizeof(err));
	tap_ok(c != NULL && c->nwarnings == 1 && strstr(c->warnings[0],
	    "suspensions are lost") != NULL, "user_clients with the memory "
	    "store: loads, with a warning");
	tap_ok(c != NULL && c->limits_on && strcmp(c->limits_store,
	    "memory") == 0, "limits on, store memory by default");
	conf_unref(c);
	c = conf_load_string("limits = { user_clients = \"3/1h\"; "
	    "store = \"lmdb:/var/lib/x\"; };", "l.conf", err, sizeof(err));
	tap_ok(c != NULL && c->nwarnings == 0, "user_clients with lmdb: no "
	    "warning");
	conf_unref(c);
	c = conf_load_string("local = { domains = [ \"example.com\" ]; };",
	    "n.conf", err, sizeof(err));
	tap_ok(c != NULL && !c->limits_on, "no limits: limits off");
	conf_unref(c);
}

/* ---------------------------------------------------------------- engine */

static const char *engine_conf =
	"local = { domains = [ \"example.com\" ]; lan = [ \"10.0.0.0/8\" ]; };\n"
	"relay = { smtp_auth = false; relay_for_client_machines = false;\n"
	"  always_allow_from = [ \"192.0.2.99\" ];\n"
	"  always_allow_to = [ \"partner.net\" ]; };\n"
	"services = (\n"
	"  { daemon_name = \"sub\"; smtp_auth = true; },\n"
	"  { daemon_name = \"pop\"; pop_before_smtp = true; } );\n"
	"users = (\n"
	"  { name = \"alice\"; password = \"{PLAIN}a\"; relay = true; },\n"
	"  { name = \"bob\"; password = \"{PLAIN}b\"; relay = true;\n"
	"    limit = \"5/1h\"; },\n"
	"  { name = \"carl\"; password = \"{PLAIN}c\"; relay = false; } );\n"
	"limits = { user = \"3/1h\"; client = \"4/1h\"; "
	"user_clients = \"2/1h\"; };\n";

struct engine_env {
	struct conf	*c;
	struct acct	*acct;
	struct acct_ctx	 ax;
	int		 pop;		/* the fake POP store's answer */
	int		 pop_calls;
};

static int
engine_pop(void *ctx, const struct netaddr *client, time_t now, int window)
{
	struct engine_env *e = ctx;

	(void)client;
	(void)now;
	(void)window;
	e->pop_calls++;
	return e->pop;
}

/*
 * One step of a scenario: the request, and the outcome wanted. Steps run
 * in order on one store, so earlier accepts count.
 */
struct engine_step {
	const char	*service;
	const char	*client;
	const char	*user;
	const char	*rcpt;
	int		 pop;
	time_t		 dt;		/* seconds after T0 */
	const char	*want;		/* "verdict rule" */
};

static void
engine_decide(struct engine_env *e, const struct engine_step *s,
    struct policy_decision *d)
{
	struct policy_request req;
	struct netaddr client;
	struct addr sender, rcpt;

	memset(&req, 0, sizeof(req));
	addr_parse("<x@example.com>", &sender);
	addr_parse(s->rcpt, &rcpt);
	if (netaddr_parse(s->client, &client) != 0)
		printf("# bad test address %s\n", s->client);
	req.client = &client;
	req.auth_user = s->user;
	req.sender = &sender;
	req.rcpt = &rcpt;
	req.now = T0 + s->dt;
	e->pop = s->pop;
	req.pop = engine_pop;
	req.pop_ctx = e;
	req.limits = acct_policy;
	req.limits_ctx = &e->ax;
	policy_decide(e->c, conf_service(e->c, s->service), &req, d);
}

/*
 * Run a scenario on a fresh store of spec: "memory" answers in one step
 * (its decide), an lmdb store through the single operations.
 */
static void
engine_run_on(const char *spec, const char *name,
    const struct engine_step *steps, size_t n)
{
	struct engine_env e;
	struct policy_decision d;
	char err[CONF_ERRLEN], got[96], what[200];
	size_t i;

	memset(&e, 0, sizeof(e));
	e.c = conf_load_string(engine_conf, "engine.conf", err, sizeof(err));
	if (e.c == NULL || acct_open(spec, NULL, NULL, &e.acct, err,
	    sizeof(err)) != 0) {
		tap_ok(0, "%s: setup: %s", name, err);
		conf_unref(e.c);
		return;
	}
	e.ax.acct = e.acct;
	for (i = 0; i < n; i++) {
		engine_decide(&e, &steps[i], &d);
		snprintf(got, sizeof(got), "%s %s",
		    policy_verdict_name(d.verdict), policy_rule_name(d.rule));
		snprintf(what, sizeof(what), "%s (%.6s), step %zu: %s %s %s",
		    name, spec, i + 1, steps[i].user ? steps[i].user : "-",
		    steps[i].client, steps[i].rcpt);
		tap_is_str(got, steps[i].want, what);
	}
	acct_close(e.acct);
	conf_unref(e.c);
}

#define R "<r@remote.org>"
#define L "<u@example.com>"

/* limits.user 3: the 4th relayed recipient waits; local ones flow. */
static const struct engine_step s_user_limit[] = {
	{ "sub", "192.0.2.1", "alice", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.1", "alice", L, 0, 0, "accept local" },
	{ "sub", "192.0.2.1", "alice", R, 0, 1, "accept auth" },
	{ "sub", "192.0.2.1", "alice", R, 0, 2, "accept auth" },
	{ "sub", "192.0.2.1", "alice", R, 0, 3, "tempfail over-quota" },
	{ "sub", "192.0.2.1", "alice", L, 0, 3, "accept local" },
	{ "sub", "192.0.2.1", "alice", "<p@partner.net>", 0, 3,
	    "accept always-allow-to" },
	/* another user, another client: not affected */
	{ "sub", "192.0.2.2", "bob", R, 0, 4, "accept auth" },
	/* the window (1h) ends: counting starts again */
	{ "sub", "192.0.2.1", "alice", R, 0, 3600, "accept auth" },
};

/* limits.client 4, across users and unauthenticated serial accepts. */
static const struct engine_step s_client_limit[] = {
	{ "sub", "192.0.2.1", "alice", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.1", "bob", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.1", "bob", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.1", "alice", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.1", "bob", R, 0, 0, "tempfail over-quota" },
	/* the serial rule counts too (LAN client) */
	{ NULL, "10.1.1.1", NULL, R, 0, 0, "accept serial" },
	{ NULL, "10.1.1.1", NULL, R, 0, 0, "accept serial" },
	{ NULL, "10.1.1.1", NULL, R, 0, 0, "accept serial" },
	{ NULL, "10.1.1.1", NULL, R, 0, 0, "accept serial" },
	{ NULL, "10.1.1.1", NULL, R, 0, 0, "tempfail over-quota" },
	/* always_allow_from never counts, nor is stopped */
	{ NULL, "192.0.2.99", NULL, R, 0, 0, "accept always-allow-from" },
	{ NULL, "192.0.2.99", NULL, R, 0, 0, "accept always-allow-from" },
	{ NULL, "192.0.2.99", NULL, R, 0, 0, "accept always-allow-from" },
	{ NULL, "192.0.2.99", NULL, R, 0, 0, "accept always-allow-from" },
	{ NULL, "192.0.2.99", NULL, R, 0, 0, "accept always-allow-from" },
	/* refusals count nothing */
	{ NULL, "198.51.100.1", NULL, R, 0, 0, "reject outside-lan" },
	{ "sub", "198.51.100.2", "carl", R, 0, 0,
	    "reject no-relay-privilege" },
};

/* IPv6 clients share a counter per /64. */
static const struct engine_step s_ipv6[] = {
	{ "pop", "2001:db8:1:2::1", NULL, R, 1, 0, "accept pop-before-smtp" },
	{ "pop", "2001:db8:1:2::2", NULL, R, 1, 0, "accept pop-before-smtp" },
	{ "pop", "2001:db8:1:2:ffff::9", NULL, R, 1, 0,
	    "accept pop-before-smtp" },
	{ "pop", "2001:db8:1:2::4", NULL, R, 1, 0, "accept pop-before-smtp" },
	{ "pop", "2001:db8:1:2::5", NULL, R, 1, 0, "tempfail over-quota" },
	/* the next /64 is another client */
	{ "pop", "2001:db8:1:3::1", NULL, R, 1, 0, "accept pop-before-smtp" },
	/* no POP login: refused, nothing counted */
	{ "pop", "2001:db8:1:3::1", NULL, R, 0, 0, "reject auth-required" },
	{ "pop", "2001:db8:1:3::1", NULL, R, -1, 0,
	    "tempfail pop-store-unavailable" },
	/* IPv4 clients are single addresses */
	{ "pop", "192.0.2.7", NULL, R, 1, 0, "accept pop-before-smtp" },
	{ "pop", "192.0.2.8", NULL, R, 1, 0, "accept pop-before-smtp" },
};

/* users[].limit replaces limits.user (bob: 5, client limit 4 apart). */
static const struct engine_step s_override[] = {
	{ "sub", "192.0.2.1", "bob", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.1", "bob", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.1", "bob", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.2", "bob", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.2", "bob", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.2", "bob", R, 0, 0, "tempfail over-quota" },
	{ "sub", "192.0.2.3", "alice", R, 0, 0, "accept auth" },
};

/*
 * user_clients 2: a third network suspends alice; her relayed
 * recipients are refused, local ones still flow, bob goes on.
 */
static const struct engine_step s_suspend[] = {
	{ "sub", "192.0.2.1", "alice", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.2", "alice", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.2", "alice", L, 0, 0, "accept local" },
	{ "sub", "192.0.2.3", "alice", R, 0, 0, "reject account-suspended" },
	{ "sub", "192.0.2.1", "alice", R, 0, 10, "reject account-suspended" },
	{ "sub", "192.0.2.1", "alice", L, 0, 10, "accept local" },
	{ "sub", "192.0.2.1", "bob", R, 0, 10, "accept auth" },
	/* still suspended long after the window */
	{ "sub", "192.0.2.1", "alice", R, 0, 90000,
	    "reject account-suspended" },
};

/*
 * An authenticated user relaying by POP-before-SMTP (the front end then
 * composes the POP lookup and the store's single operations).
 */
static const struct engine_step s_pop_user[] = {
	{ "pop", "192.0.2.1", "alice", R, 1, 0, "accept pop-before-smtp" },
	{ "pop", "192.0.2.2", "alice", R, 1, 0, "accept pop-before-smtp" },
	{ "pop", "192.0.2.3", "alice", R, 1, 0, "reject account-suspended" },
	{ "pop", "192.0.2.3", "alice", L, 1, 0, "accept local" },
	{ "pop", "192.0.2.1", "alice", R, 0, 0, "reject auth-required" },
	{ "pop", "192.0.2.1", "alice", R, -1, 0,
	    "tempfail pop-store-unavailable" },
	{ "pop", "192.0.2.1", "bob", R, 1, 0, "accept pop-before-smtp" },
	{ "pop", "192.0.2.1", "bob", R, 1, 0, "accept pop-before-smtp" },
	/* the client 192.0.2.1 has 4 now (alice 1, bob 2, and one more) */
	{ "pop", "192.0.2.1", NULL, R, 1, 0, "accept pop-before-smtp" },
	{ "pop", "192.0.2.1", "bob", R, 1, 0, "tempfail over-quota" },
};

/* The same network again and again is one network. */
static const struct engine_step s_same_net[] = {
	{ "sub", "2001:db8::1", "bob", R, 0, 0, "accept auth" },
	{ "sub", "2001:db8::2", "bob", R, 0, 0, "accept auth" },
	{ "sub", "192.0.2.5", "bob", R, 0, 0, "accept auth" },
	{ "sub", "2001:db8::3", "bob", R, 0, 0, "accept auth" },
	/* networks seen more than the window ago are forgotten */
	{ "sub", "192.0.2.6", "bob", R, 0, 4000, "accept auth" },
	{ "sub", "2001:db8::9", "bob", R, 0, 4001, "accept auth" },
};

/* The scenario on the memory store, then on a new lmdb store. */
static void
engine_run(const char *name, const struct engine_step *steps, size_t n)
{
	char dir[256], spec[300];

	engine_run_on("memory", name, steps, n);
	if (tmpdir_make("t_limits_engine", dir, sizeof(dir)) != 0)
		return;
	snprintf(spec, sizeof(spec), "lmdb:%s", dir);
	engine_run_on(spec, name, steps, n);
	tmpdir_remove(dir);
}

static void
test_engine(void)
{
	engine_run("user limit", s_user_limit, NELEM(s_user_limit));
	engine_run("client limit", s_client_limit, NELEM(s_client_limit));
	engine_run("IPv6 /64", s_ipv6, NELEM(s_ipv6));
	engine_run("users[].limit", s_override, NELEM(s_override));
	engine_run("suspension", s_suspend, NELEM(s_suspend));
	engine_run("same network", s_same_net, NELEM(s_same_net));
	engine_run("POP user", s_pop_user, NELEM(s_pop_user));
}

/* No store: counting decisions tempfail, the others go on. */
static int
engine_dead(void *ctx, const struct policy_limits_query *q,
    struct policy_limits_answer *a)
{
	(void)ctx;
	(void)q;
	(void)a;
	return -1;
}

static void
test_engine_dead(void)
{
	static const struct engine_step steps[] = {
		{ "sub", "192.0.2.1", "alice", R, 0, 0,
		    "tempfail limits-store-unavailable" },
		{ "sub", "192.0.2.1", "alice", L, 0, 0, "accept local" },
		{ NULL, "192.0.2.99", NULL, R, 0, 0,
		    "accept always-allow-from" },
		{ NULL, "198.51.100.1", NULL, R, 0, 0, "reject outside-lan" },
	};
	char err[CONF_ERRLEN], got[96];
	struct engine_env e;
	size_t i;

	memset(&e, 0, sizeof(e));
	e.c = conf_load_string(engine_conf, "engine.conf", err, sizeof(err));
	for (i = 0; e.c != NULL && i < NELEM(steps); i++) {
		struct policy_decision d;
		struct policy_request req;
		struct netaddr client;
		struct addr sender, rcpt;

		memset(&req, 0, sizeof(req));
		addr_parse("<x@example.com>", &sender);
		addr_parse(steps[i].rcpt, &rcpt);
		netaddr_parse(steps[i].client, &client);
		req.client = &client;
		req.auth_user = steps[i].user;
		req.sender = &sender;
		req.rcpt = &rcpt;
		req.now = T0;
		req.limits = engine_dead;
		policy_decide(e.c, conf_service(e.c, steps[i].service), &req,
		    &d);
		snprintf(got, sizeof(got), "%s %s",
		    policy_verdict_name(d.verdict), policy_rule_name(d.rule));
		tap_is_str(got, steps[i].want, "store down: step");
	}
	conf_unref(e.c);
}

/* ---------------------------------------------------------------- stores */

#define THREADS		20
#define CHARGES		500

struct hammer {
	const struct acctstore_ops *ops;
	void		*impl;
	long		 counted, over, failed;
};

static void *
hammer_run(void *arg)
{
	struct hammer *h = arg;
	struct acctstore_counter c[2] = {
		{ "u:alice", (long)THREADS * CHARGES, 3600 },
		{ "c:192.0.2.1", (long)THREADS * CHARGES * 2, 3600 },
	};
	int i;

	for (i = 0; i < CHARGES; i++) {
		int r = h->ops->charge(h->impl, c, 2, T0, NULL);

		if (r == ACCTSTORE_COUNTED)
			h->counted++;
		else if (r > 0)
			h->over++;
		else
			h->failed++;
	}
	return NULL;
}

/* 20 threads x CHARGES charges: every one counted, none lost. */
static void
test_store_threads(const char *kind, const struct acctstore_ops *ops,
    void *impl)
{
	struct hammer h[THREADS];
	struct acctstore_counter c[2] = {
		{ "u:alice", 1, 3600 }, { "c:192.0.2.1", 1, 3600 } };
	long counted = 0, failed = 0, counts[2] = { 0, 0 };
	int i;

	for (i = 0; i < THREADS; i++)
		h[i] = (struct hammer){ ops, impl, 0, 0, 0 };
	threads_run(THREADS, hammer_run, h, sizeof(h[0]));
	for (i = 0; i < THREADS; i++) {
		counted += h[i].counted;
		failed += h[i].failed + h[i].over;
	}
	tap_is_int(counted, (long)THREADS * CHARGES,
	    "threads: every charge counted");
	tap_is_int(failed, 0, "threads: no charge over or failed");
	/* a limit of 1 is now far over: answered, nothing incremented */
	tap_is_int(ops->charge(impl, c, 2, T0, counts), ACCTSTORE_OVER(0),
	    "threads: the user counter is over a limit of 1");
	tap_is_int(counts[0], (long)THREADS * CHARGES,
	    "threads: the user counter is exactly 20 x charges");
	tap_is_int(counts[1], (long)THREADS * CHARGES,
	    "threads: the client counter is exactly 20 x charges");
	(void)kind;
}

struct scan_find {
	const char	*key;
	long		 count;
	time_t		 since;
	char		 why[64];
	int		 found;
};

static int
scan_find(void *arg, const struct acctstore_rec *r)
{
	struct scan_find *f = arg;

	if (strcmp(r->key, f->key) != 0)
		return 0;
	f->found++;
	f->count = r->count;
	f->since = r->since;
	if (r->why != NULL)
		snprintf(f->why, sizeof(f->why), "%s", r->why);
	return 0;
}

/* Windows on a clock the test moves, past a 32-bit wrap too. */
static void
test_store_windows(const char *kind, const struct acctstore_ops *ops,
    void *impl)
{
	struct acctstore_counter c[2] = {
		{ "u:win", 2, 10 }, { "c:198.51.100.9", 3, 100 } };
	const time_t base = (time_t)0x7ffffff0;	/* 16 s before 2^31 */
	long counts[2];
	char what[128];
	struct scan_find f = { "u:win", 0, 0, "", 0 };
	static const struct {
		time_t	 dt;
		int	 want;
		long	 u, cl;
	} steps[] = {
		{ 0, ACCTSTORE_COUNTED, 1, 1 },
		{ 5, ACCTSTORE_COUNTED, 2, 2 },
		{ 9, ACCTSTORE_OVER(0), 2, 2 },
		/* the user's window (from 0) ends at 10, across 2^31 */
		{ 10, ACCTSTORE_COUNTED, 1, 3 },
		{ 11, ACCTSTORE_OVER(1), 1, 3 },
		/* the user's second window is over too: it reads 0 */
		{ 99, ACCTSTORE_OVER(1), 0, 3 },
		{ 100, ACCTSTORE_COUNTED, 1, 1 },
	};
	size_t i;

	for (i = 0; i < NELEM(steps); i++) {
		int r = ops->charge(impl, c, 2, base + steps[i].dt, counts);

		snprintf(what, sizeof(what), "%s window at +%lds: answer",
		    kind, (long)steps[i].dt);
		tap_is_int(r, steps[i].want, what);
		snprintf(what, sizeof(what), "%s window at +%lds: counts %ld "
		    "%ld", kind, (long)steps[i].dt, counts[0], counts[1]);
		tap_ok(counts[0] == steps[i].u && counts[1] == steps[i].cl,
		    "%s", what);
	}
	ops->scan(impl, base + 105, scan_find, &f, what, sizeof(what));
	tap_ok(f.found == 1 && f.count == 1, "%s scan: the live counter "
	    "(count %ld)", kind, f.count);
	f.found = 0;
	ops->scan(impl, base + 110, scan_find, &f, what, sizeof(what));
	tap_is_int(f.found, 0, "scan: an expired counter is not listed");
}

static void
test_store_susp(const char *kind, const struct acctstore_ops *ops,
    void *impl)
{
	char why[64], err[128];
	time_t since = 0;
	struct scan_find f = { "mallory", 0, 0, "", 0 };

	tap_is_int(ops->susp_get(impl, "mallory", &since, why, sizeof(why)),
	    0, "not suspended at first");
	tap_is_int(ops->seen(impl, "mallory", "192.0.2.1", T0, 60), 1,
	    "seen: one network");
	tap_is_int(ops->seen(impl, "mallory", "192.0.2.1", T0 + 1, 60), 1,
	    "seen: the same network again");
	tap_is_int(ops->seen(impl, "mallory", "2001:db8::/64", T0 + 2, 60), 2,
	    "seen: a second network");
	/* 192.0.2.1 was last seen at T0 + 1: gone at T0 + 61 */
	tap_is_int(ops->seen(impl, "mallory", "192.0.2.3", T0 + 61, 60), 2,
	    "seen: the oldest network left the window");
	tap_is_int(ops->susp_set(impl, "mallory", T0 + 5, "3 nets", err,
	    sizeof(err)), 1, "suspend: new");
	tap_is_int(ops->susp_set(impl, "mallory", T0 + 9, "again", err,
	    sizeof(err)), 0, "suspend again: kept the first");
	tap_ok(ops->susp_get(impl, "mallory", &since, why, sizeof(why)) == 1 &&
	    since == T0 + 5 && strcmp(why, "3 nets") == 0, "%s: get: since "
	    "and why of the first", kind);
	ops->scan(impl, T0, scan_find, &f, err, sizeof(err));
	tap_ok(f.found == 1 && f.since == T0 + 5 && strcmp(f.why, "3 nets") ==
	    0, "scan lists the suspension");
	tap_is_int(ops->susp_del(impl, "mallory", err, sizeof(err)), 1,
	    "unsuspend: lifted");
	tap_is_int(ops->susp_del(impl, "mallory", err, sizeof(err)), 0,
	    "unsuspend again: not suspended");
	tap_is_int(ops->seen(impl, "mallory", "192.0.2.9", T0 + 62, 60), 1,
	    "unsuspend forgot the networks");
}

static void
test_stores(void)
{
	char dir[256], err[256];
	void *impl;

	impl = acctstore_mem_open(err, sizeof(err));
	test_store_threads("memory", &acctstore_mem_ops, impl);
	test_store_windows("memory", &acctstore_mem_ops, impl);
	test_store_susp("memory", &acctstore_mem_ops, impl);
	acctstore_mem_ops.close(impl);
	if (tmpdir_make("t_limits", dir, sizeof(dir)) != 0)
		return;
	impl = acctstore_lmdb_open(dir, err, sizeof(err));
	tap_ok(impl != NULL, "lmdb open %s", impl ? dir : err);
	if (impl == NULL)
		return;
	test_store_threads("lmdb", &acctstore_lmdb_ops, impl);
	test_store_windows("lmdb", &acctstore_lmdb_ops, impl);
	test_store_susp("lmdb", &acctstore_lmdb_ops, impl);
	/* persistent: a suspension survives closing and opening again */
	acctstore_lmdb_ops.susp_set(impl, "eve", T0, "kept", err,
	    sizeof(err));
	acctstore_lmdb_ops.close(impl);
	impl = acctstore_lmdb_open(dir, err, sizeof(err));
	{
		time_t since = 0;
		char why[32] = "";

		tap_ok(impl != NULL && acctstore_lmdb_ops.susp_get(impl, "eve",
		    &since, why, sizeof(why)) == 1 && strcmp(why, "kept") == 0,
		    "lmdb: a suspension survives a reopen");
	}
	if (impl != NULL)
		acctstore_lmdb_ops.close(impl);
	tmpdir_remove(dir);
}

int
main(void)
{
	test_parse();
	test_conf_errors();
	test_conf_values();
	test_engine();
	test_engine_dead();
	test_stores();
	return tap_done();
}
