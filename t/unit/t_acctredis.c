/*
 * t_acctredis: the accounts store's Redis backend against a real
 * redis-server the test starts on 127.0.0.1:24379 (no persistence, in a
 * temporary directory): charge all-or-none with limits, exact counts
 * when 20 threads charge at once, expiry by the server, seen networks
 * trimmed to the window, suspensions set, listed and lifted, decide
 * (POP lookup in the POP store's own keys, suspension, seen, conditional
 * charge) in exactly one request per decision, an EVALSHA, and no other
 * command (requests counted in the client, INFO commandstats in the
 * server), reload after SCRIPT FLUSH, -1 at once while the server is
 * down; through the engine, a POP login under pop.ipv6_prefix 56 and
 * POP logins kept in LMDB; AUTH with the right, a wrong and no password.
 */
#include "config.h"

#include <signal.h>
#include <time.h>

#include "../redis_count.h"
#include "unit_fixture.h"
#include "redis_fixture.h"
#include "accounts.h"
#include "acctstore.h"
#include "addr.h"
#include "conf.h"
#include "policy.h"
#include "popstore.h"

#define PORT		24379
#define DB		3
#define SPEC		"redis://127.0.0.1:24379/3"
#define THREADS		20
#define PER_THREAD	100

static const struct acctstore_ops *ops = &acctstore_redis_ops;

/* ---- charge ---- */

struct charge_case {
	const char	*what;
	struct acctstore_counter c[2];
	int		 n;
	int		 want;
	long		 counts[2];
};

static void
test_charge(void *st)
{
	static const struct charge_case cases[] = {
	{ "u:ann 1st of 3", { { "u:ann", 3, 3600 } }, 1, ACCTSTORE_COUNTED,
	    { 1 } },
	{ "u:ann 2nd of 3", { { "u:ann", 3, 3600 } }, 1, ACCTSTORE_COUNTED,
	    { 2 } },
	{ "u:ann 3rd of 3", { { "u:ann", 3, 3600 } }, 1, ACCTSTORE_COUNTED,
	    { 3 } },
	{ "u:ann 4th of 3: over, not incremented",
	    { { "u:ann", 3, 3600 } }, 1, ACCTSTORE_OVER(0), { 3 } },
	{ "u:bob and c:192.0.2.7", { { "u:bob", 3, 3600 },
	    { "c:192.0.2.7", 2, 60 } }, 2, ACCTSTORE_COUNTED, { 1, 1 } },
	{ "again", { { "u:bob", 3, 3600 }, { "c:192.0.2.7", 2, 60 } }, 2,
	    ACCTSTORE_COUNTED, { 2, 2 } },
	{ "client at its limit: over(1), neither incremented",
	    { { "u:bob", 3, 3600 }, { "c:192.0.2.7", 2, 60 } }, 2,
	    ACCTSTORE_OVER(1), { 2, 2 } },
	{ "u:bob alone: 3 (the over charged nothing)",
	    { { "u:bob", 3, 3600 } }, 1, ACCTSTORE_COUNTED, { 3 } },
	{ "limit 1 on a fresh key", { { "c:2001:db8:1:2::/64", 1, 60 } }, 1,
	    ACCTSTORE_COUNTED, { 1 } },
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		const struct charge_case *k = &cases[i];
		long counts[2] = { -1, -1 };
		int rc = ops->charge(st, k->c, k->n, time(NULL), counts);
		char what[160];

		snprintf(what, sizeof(what), "charge %s: answer", k->what);
		tap_is_int(rc, k->want, what);
		snprintf(what, sizeof(what), "charge %s: counts", k->what);
		tap_is_int(counts[0] * 1000 + (k->n > 1 ? counts[1] : 0),
		    k->counts[0] * 1000 + (k->n > 1 ? k->counts[1] : 0), what);
	}
}

/* ---- 20 threads at once ---- */

struct racer {
	void		*st;
	int		 use_decide;
	long		 limit;
	int		 counted, over, failed;
};

static void *
racer_run(void *arg)
{
	struct racer *r = arg;
	struct acctstore_counter c[2] = { { "u:race", r->limit, 3600 },
	    { "c:198.51.100.1", 1000000, 3600 } };
	int i, rc;

	for (i = 0; i < PER_THREAD; i++) {
		if (r->use_decide) {
			struct acctstore_query q = { .now = time(NULL),
			    .user = "race", .net = "198.51.100.1",
			    .user_clients = 5, .user_clients_window = 3600,
			    .counters = c, .ncounters = 2,
			    .charge_flags = ACCTSTORE_CHARGE_ALWAYS };
			struct acctstore_answer a;

			rc = ops->decide(r->st, &q, &a) != 0 ? -1 : a.charge;
		} else
			rc = ops->charge(r->st, c, 2, time(NULL), NULL);
		if (rc == ACCTSTORE_COUNTED)
			r->counted++;
		else if (rc == ACCTSTORE_OVER(0))
			r->over++;
		else
			r->failed++;
	}
	return NULL;
}

/* THREADS threads charge PER_THREAD times each; totals compared. */
static void
test_race(void *st, int use_decide, long limit)
{
	struct racer r[THREADS];
	struct acctstore_counter probe[1] = { { "c:198.51.100.1", 1000000,
	    3600 } };
	long counts[1] = { 0 };
	int i, counted = 0, over = 0, failed = 0;
	const char *how = use_decide ? "decide" : "charge";
	long want = limit < THREADS * PER_THREAD ? limit : THREADS * PER_THREAD;

	redis_cmd("FLUSHDB");
	memset(r, 0, sizeof(r));
	for (i = 0; i < THREADS; i++) {
		r[i].st = st;
		r[i].use_decide = use_decide;
		r[i].limit = limit;
	}
	threads_run(THREADS, racer_run, r, sizeof(r[0]));
	for (i = 0; i < THREADS; i++) {
		counted += r[i].counted;
		over += r[i].over;
		failed += r[i].failed;
	}
	printf("# %s, limit %ld: %d counted, %d over, %d failed\n", how, limit,
	    counted, over, failed);
	tap_ok(failed == 0, "%s x %d threads, limit %ld: no call failed", how,
	    THREADS, limit);
	tap_is_int(counted, want, "... exactly min(limit, calls) counted");
	tap_is_int(over, THREADS * PER_THREAD - want, "... the rest over");
	ops->charge(st, probe, 1, time(NULL), counts);
	tap_is_int(counts[0], want + 1,
	    "... and the client counter moved exactly as often (+1 probe)");
}

/* ---- expiry ---- */

static void
test_expiry(void *st)
{
	struct acctstore_counter c[1] = { { "u:exp", 5, 1 } };
	long counts[1] = { 0 };

	ops->charge(st, c, 1, time(NULL), counts);
	ops->charge(st, c, 1, time(NULL), counts);
	tap_is_int(counts[0], 2, "expiry: two charges in a 1 s window");
	/* A lower bound only: the server has expired the key after 1 s. */
	sleep(2);
	ops->charge(st, c, 1, time(NULL), counts);
	tap_is_int(counts[0], 1, "expiry: 2 s later the window began anew");
}

/* ---- seen ---- */

static void
test_seen(void *st)
{
	static const struct {
		const char	*net;
		time_t		 at;
		int		 want;
		const char	*what;
	} cases[] = {
	{ "10.0.0.1", 1000, 1, "first network" },
	{ "10.0.0.2", 1010, 2, "second network" },
	{ "10.0.0.1", 1020, 2, "the first again (its time now 1020)" },
	{ "2001:db8:1:2::/64", 1030, 3, "an IPv6 /64" },
	{ "10.0.0.3", 1075, 3, "at 1075 (window 60) 10.0.0.2 is forgotten" },
	{ "10.0.0.3", 1200, 1, "at 1200 only the network just seen" },
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		tap_is_int(ops->seen(st, "carol", cases[i].net, cases[i].at,
		    60), cases[i].want, cases[i].what);
}

/* ---- suspensions and scan ---- */

struct listing {
	char	 text[1024];
};

static int
list_one(void *arg, const struct acctstore_rec *r)
{
	struct listing *l = arg;
	size_t o = strlen(l->text);

	if (r->type == ACCTSTORE_REC_SUSPENSION)
		snprintf(l->text + o, sizeof(l->text) - o, "S %s %lld %s; ",
		    r->key, (long long)r->since, r->why);
	else
		snprintf(l->text + o, sizeof(l->text) - o, "C %s %ld/%d; ",
		    r->key, r->count, r->window);
	return 0;
}

static void
test_suspensions(void *st)
{
	char why[ACCTSTORE_WHY_MAX], err[256];
	struct acctstore_counter c[1] = { { "c:203.0.113.9", 10, 600 } };
	struct listing l = { "" };
	time_t since = 0;

	redis_cmd("FLUSHDB");
	tap_is_int(ops->susp_get(st, "dan", &since, why, sizeof(why)), 0,
	    "dan is not suspended");
	tap_is_int(ops->susp_set(st, "dan", 1700000000, "by relayctl", err,
	    sizeof(err)), 1, "suspend dan: newly");
	tap_is_int(ops->susp_set(st, "dan", 1700000500, "again", err,
	    sizeof(err)), 0, "suspend dan again: already was");
	tap_is_int(ops->susp_get(st, "dan", &since, why, sizeof(why)), 1,
	    "dan is suspended");
	tap_is_int((long)since, 1700000000, "... since the first time");
	tap_is_str(why, "by relayctl", "... for the first reason");
	ops->seen(st, "dan", "10.9.9.9", time(NULL), 600);
	ops->charge(st, c, 1, time(NULL), NULL);
	tap_is_int(ops->scan(st, time(NULL), list_one, &l, err, sizeof(err)), 0,
	    "scan");
	tap_ok(strstr(l.text, "S dan 1700000000 by relayctl; ") != NULL &&
	    strstr(l.text, "C c:203.0.113.9 1/600; ") != NULL &&
	    strstr(l.text, "10.9.9.9") == NULL,
	    "scan lists the suspension and the counter, not the networks: %s",
	    l.text);
	tap_is_int(ops->susp_del(st, "dan", err, sizeof(err)), 1,
	    "unsuspend dan: lifted");
	tap_is_int(ops->susp_del(st, "dan", err, sizeof(err)), 0,
	    "unsuspend dan again: was not suspended");
	tap_is_int(ops->susp_get(st, "dan", &since, why, sizeof(why)), 0,
	    "dan is no longer suspended");
	tap_is_int(ops->seen(st, "dan", "10.9.9.8", time(NULL), 600), 1,
	    "... and the networks seen for dan were forgotten");
}

/* ---- decide ---- */

struct decide_case {
	const char	*what;
	const char	*pop_key, *user, *net;
	long		 ulimit;	/* 0: the client counter only */
	int		 flags;
	/* want */
	int		 pop, suspended, newly, networks, charge;
	long		 count;
};

static void
decide_check(void *st, const struct decide_case *k, time_t now)
{
	char ckey[80], ukey[80], what[200];
	struct acctstore_counter c[2];
	struct acctstore_query q;
	struct acctstore_answer a;
	int n = 0;

	if (k->ulimit > 0) {
		snprintf(ukey, sizeof(ukey), "u:%s", k->user);
		c[n++] = (struct acctstore_counter){ ukey, k->ulimit, 3600 };
	}
	if (k->net != NULL) {
		snprintf(ckey, sizeof(ckey), "c:%s", k->net);
		c[n++] = (struct acctstore_counter){ ckey, 100, 3600 };
	}
	memset(&q, 0, sizeof(q));
	q.now = now;
	q.pop_key = k->pop_key;
	q.pop_window = 300;
	q.user = k->user;
	q.net = k->net;
	q.user_clients = 2;
	q.user_clients_window = 3600;
	q.counters = c;
	q.ncounters = n;
	q.charge_flags = k->flags;
	snprintf(what, sizeof(what), "decide %s: returns 0", k->what);
	tap_is_int(ops->decide(st, &q, &a), 0, what);
	snprintf(what, sizeof(what), "decide %s: pop susp newly nets charge "
	    "count", k->what);
	tap_ok(a.pop == k->pop && a.suspended == k->suspended &&
	    a.newly_suspended == k->newly && a.networks == k->networks &&
	    a.charge == k->charge && a.counts[0] == k->count, "%s", what);
	if (a.pop != k->pop || a.suspended != k->suspended ||
	    a.newly_suspended != k->newly || a.networks != k->networks ||
	    a.charge != k->charge || a.counts[0] != k->count)
		printf("#   got:  %d %d %d %d %d %ld\n#   want: %d %d %d %d %d "
		    "%ld\n", a.pop, a.suspended, a.newly_suspended,
		    a.networks, a.charge, a.counts[0], k->pop, k->suspended,
		    k->newly, k->networks, k->charge, k->count);
	if (k->newly)
		tap_is_str(a.why, "3 client networks within 3600s",
		    "... the suspension says why");
}

static void
test_decide(void *st)
{
	static const struct decide_case cases[] = {
	{ "POP hit, charged on a hit", "127.0.0.5", NULL, "127.0.0.5", 0,
	    ACCTSTORE_CHARGE_POP_HIT, 1, 0, 0, 0, ACCTSTORE_COUNTED, 1 },
	{ "POP login too old, not charged", "127.0.0.7", NULL, "127.0.0.7",
	    0, ACCTSTORE_CHARGE_POP_HIT, 0, 0, 0, 0, ACCTSTORE_NOT_CHARGED,
	    0 },
	{ "POP login within the skew ahead", "127.0.0.8", NULL, "127.0.0.8",
	    0, ACCTSTORE_CHARGE_POP_HIT, 1, 0, 0, 0, ACCTSTORE_COUNTED, 1 },
	{ "POP miss, charged on a miss", "127.0.0.6", NULL, "127.0.0.6", 0,
	    ACCTSTORE_CHARGE_POP_MISS, 0, 0, 0, 0, ACCTSTORE_COUNTED, 1 },
	{ "POP miss, charged on a hit only", "127.0.0.6", NULL, "127.0.0.6",
	    0, ACCTSTORE_CHARGE_POP_HIT, 0, 0, 0, 0, ACCTSTORE_NOT_CHARGED,
	    0 },
	{ "no POP asked, no charge flags", NULL, NULL, "127.0.0.6", 0, 0,
	    0, 0, 0, 0, ACCTSTORE_NOT_CHARGED, 0 },
	{ "no counter to charge", NULL, NULL, NULL, 0,
	    ACCTSTORE_CHARGE_ALWAYS, 0, 0, 0, 0, ACCTSTORE_NOT_CHARGED, 0 },
	{ "eve from a 1st network", NULL, "eve", "10.1.0.1", 2,
	    ACCTSTORE_CHARGE_ALWAYS, 0, 0, 0, 1, ACCTSTORE_COUNTED, 1 },
	{ "eve from a 2nd network", NULL, "eve", "10.1.0.2", 2,
	    ACCTSTORE_CHARGE_ALWAYS, 0, 0, 0, 2, ACCTSTORE_COUNTED, 2 },
	{ "eve at her limit of 2", NULL, "eve", "10.1.0.2", 2,
	    ACCTSTORE_CHARGE_ALWAYS, 0, 0, 0, 2, ACCTSTORE_OVER(0), 2 },
	{ "eve from a 3rd network: suspended", NULL, "eve", "10.1.0.3", 5,
	    ACCTSTORE_CHARGE_ALWAYS, 0, 1, 1, 3, ACCTSTORE_NOT_CHARGED, 0 },
	{ "eve suspended: no seen, no charge", NULL, "eve", "10.1.0.1", 5,
	    ACCTSTORE_CHARGE_ALWAYS, 0, 1, 0, 0, ACCTSTORE_NOT_CHARGED, 0 },
	{ "eve suspended on a POP hit", "127.0.0.5", "eve", "127.0.0.5", 5,
	    ACCTSTORE_CHARGE_POP_HIT, 1, 1, 0, 0, ACCTSTORE_NOT_CHARGED, 0 },
	};
	struct popstore *pop;
	struct netaddr a;
	char err[256];
	time_t now = time(NULL);
	size_t i;

	redis_cmd("FLUSHDB");
	/* The POP logins go in through the POP store itself: its key format. */
	if (popstore_open(SPEC, 64, NULL, &pop, err, sizeof(err)) != 0) {
		tap_ok(0, "POP store on the same Redis: %s", err);
		return;
	}
	netaddr_parse("127.0.0.5", &a);
	popstore_add(pop, &a, "frank", now - 10, 300, err, sizeof(err));
	netaddr_parse("127.0.0.7", &a);
	popstore_add(pop, &a, "", now - 301, 300, err, sizeof(err));
	netaddr_parse("127.0.0.8", &a);
	popstore_add(pop, &a, "gina", now + 30, 300, err, sizeof(err));
	popstore_close(pop);
	for (i = 0; i < NELEM(cases); i++)
		decide_check(st, &cases[i], now);
}

/* N decisions cost N EVALSHA calls and no other command. */
static void
test_round_trips(void *st)
{
	static const struct decide_case k = { "full", "127.0.0.5", "hank",
	    "127.0.0.5", 100000, ACCTSTORE_CHARGE_ALWAYS, 0, 0, 0, 0, 0, 0 };
	struct acctstore_counter c[2] = { { "u:hank", 100000, 3600 },
	    { "c:127.0.0.5", 100000, 3600 } };
	struct acctstore_query q = { .pop_key = k.pop_key, .pop_window = 300,
	    .user = k.user, .net = k.net, .user_clients = 10,
	    .user_clients_window = 3600, .counters = c, .ncounters = 2,
	    .charge_flags = k.flags };
	struct redis_cmdstats before, after;
	struct acctstore_answer a;
	char diff[512], want[64];
	int i, failed = 0;
	long sent;

	q.now = time(NULL);
	ops->decide(st, &q, &a);	/* the script is loaded by now */
	if (redis_cmdstats(&before) != 0) {
		tap_ok(0, "INFO commandstats");
		return;
	}
	sent = redis_count_requests();
	for (i = 0; i < 500; i++)
		failed += ops->decide(st, &q, &a) != 0 ||
		    a.charge != ACCTSTORE_COUNTED;
	sent = redis_count_requests() - sent;
	redis_cmdstats(&after);
	tap_is_int(failed, 0, "500 decisions (POP, suspension, seen, charge)");
	redis_cmdstats_diff(&before, &after, diff, sizeof(diff));
	snprintf(want, sizeof(want), "evalsha=500 ");
	tap_is_int(sent, 500, "... 500 requests sent (one round trip each)");
	tap_is_str(diff, want, "... the server saw 500 EVALSHA and no other "
	    "command but those the script runs inside");
}

/* The server forgot the scripts: the next call loads them again. */
static void
test_noscript(void *st)
{
	struct acctstore_counter c[1] = { { "u:ivy", 10, 60 } };
	struct redis_cmdstats before, after;
	long counts[1] = { 0 };

	tap_is_int(redis_cmd("SCRIPT FLUSH"), 0, "SCRIPT FLUSH");
	redis_cmdstats(&before);
	tap_is_int(ops->charge(st, c, 1, time(NULL), counts),
	    ACCTSTORE_COUNTED, "charge after SCRIPT FLUSH works");
	redis_cmdstats(&after);
	tap_is_int(redis_cmdstats_calls(&after, "script|load") +
	    redis_cmdstats_calls(&after, "script") -
	    redis_cmdstats_calls(&before, "script|load") -
	    redis_cmdstats_calls(&before, "script"), 1,
	    "... after one SCRIPT LOAD");
}

/* Server down: every operation answers -1 at once, nothing blocks. */
static void
test_down(void *st)
{
	struct acctstore_counter c[1] = { { "u:jo", 10, 60 } };
	struct acctstore_query q = { .user = "jo", .net = "10.2.0.1",
	    .user_clients = 3, .user_clients_window = 60, .counters = c,
	    .ncounters = 1, .charge_flags = ACCTSTORE_CHARGE_ALWAYS };
	struct acctstore_answer a;
	char err[256], why[ACCTSTORE_WHY_MAX];
	time_t since;
	int i, ok = 0;

	redis_stop();
	q.now = time(NULL);
	tap_is_int(ops->decide(st, &q, &a), -1, "down: decide -1");
	tap_ok(a.pop == -1 && a.suspended == -1 && a.charge == -1,
	    "... with pop, suspended and charge -1");
	tap_is_int(ops->charge(st, c, 1, q.now, NULL), -1, "down: charge -1");
	tap_is_int(ops->seen(st, "jo", "10.2.0.1", q.now, 60), -1,
	    "down: seen -1");
	tap_is_int(ops->susp_get(st, "jo", &since, why, sizeof(why)), -1,
	    "down: susp_get -1");
	err[0] = '\0';
	tap_is_int(ops->susp_set(st, "jo", q.now, "x", err, sizeof(err)), -1,
	    "down: susp_set -1");
	tap_ok(err[0] != '\0', "... saying why: %s", err);
	if (redis_start() != 0) {
		tap_ok(0, "redis-server starts again");
		return;
	}
	/* The pool backs off (at most 2 s) before it probes again. */
	for (i = 0; i < 100 && !ok; i++) {
		ok = ops->decide(st, &q, &a) == 0 &&
		    a.charge == ACCTSTORE_COUNTED;
		if (!ok)
			usleep(100000);
	}
	tap_ok(ok, "server back (empty): decide counts again");
}

/* One relayed recipient of client (auth_user, or NULL) through the engine
   and the daemon's accounts, the POP store pop answering; its rule. */
static const char *
engine_rule(const struct conf *c, const struct netaddr *client,
    const char *auth_user, struct popstore *pop)
{
	struct policy_request req = { 0 };
	struct policy_decision d;
	struct acct_ctx x;
	struct addr from, rcpt;

	addr_parse("<a@remote.test>", &from);
	addr_parse("<u@remote.test>", &rcpt);
	req.client = client;
	req.auth_user = auth_user;
	req.sender = &from;
	req.rcpt = &rcpt;
	req.now = time(NULL);
	req.pop = popstore_policy;
	req.pop_ctx = pop;
	accounts_request(&req, &x);
	policy_decide(c, &c->relay, &req, &d);
	return policy_rule_name(d.rule);
}

/*
 * Through the daemon's accounts and the engine: a POP login of an IPv6
 * client with pop.ipv6_prefix 56 (not the /64 of the limits) lets
 * another /64 of the same /56 relay, counted in the Redis store.
 */
static void
test_ipv6_prefix(void)
{
	static const char cf[] = "local = { domains = [ \"example.com\" ]; "
	    "};\nrelay = { pop_before_smtp = true; };\nlimits = { client = "
	    "\"100/1h\"; store = \"" SPEC "\"; };\npop = { store = \""
	    SPEC "\"; ipv6_prefix = 56; };\n";
	struct popstore *pop;
	struct netaddr login, client;
	struct conf *c;
	char err[CONF_ERRLEN];

	redis_cmd("FLUSHDB");
	c = conf_load_string(cf, "ipv6", err, sizeof(err));
	if (!tap_ok(c != NULL && accounts_open(c, err, sizeof(err)) == 0 &&
	    popstore_open(SPEC, 56, NULL, &pop, err, sizeof(err)) == 0,
	    "config, accounts and POP store with pop.ipv6_prefix 56: %s",
	    c != NULL ? "ok" : err)) {
		conf_unref(c);
		return;
	}
	netaddr_parse("2001:db8:0:ff00::1", &login);
	netaddr_parse("2001:db8:0:ffee::5", &client);
	popstore_add(pop, &login, "gus", time(NULL), 300, err, sizeof(err));
	tap_is_str(engine_rule(c, &client, NULL, pop), "pop-before-smtp",
	    "another /64 of the login's /56 relays by its POP login");
	popstore_close(pop);
	accounts_close();
	conf_unref(c);
}

/*
 * Limits in Redis, POP logins in LMDB: the POP store is asked first,
 * then one request to Redis decides the rest (a user's suspension, its
 * networks, two counters).
 */
static void
test_pop_elsewhere(void)
{
	char cf[1024], dir[256], spec[300];
	struct popstore *pop = NULL;
	struct netaddr client;
	struct conf *c = NULL;
	char err[CONF_ERRLEN];
	const char *rule;
	long sent;

	if (tmpdir_make("t_acctredis_pop", dir, sizeof(dir)) != 0)
		return;
	snprintf(spec, sizeof(spec), "lmdb:%s/pop", dir);
	snprintf(cf, sizeof(cf), "local = { domains = [ \"example.com\" ]; };"
	    "\nrelay = { pop_before_smtp = true; };\nusers = ( { name = "
	    "\"hal\"; password = \"{PLAIN}x\"; relay = true; } );\nlimits = "
	    "{ user = \"100/1h\"; client = \"100/1h\"; user_clients = "
	    "\"5/1h\"; store = \"%s\"; };\npop = { store = \"%s\"; };\n",
	    SPEC, spec);
	c = conf_load_string(cf, "pop-elsewhere", err, sizeof(err));
	if (tap_ok(c != NULL && accounts_open(c, err, sizeof(err)) == 0 &&
	    popstore_open(spec, 64, NULL, &pop, err, sizeof(err)) == 0,
	    "limits in Redis, POP logins in %s: %s", spec, c ? "ok" : err)) {
		netaddr_parse("192.0.2.77", &client);
		popstore_add(pop, &client, "hal", time(NULL), 300, err,
		    sizeof(err));
		sent = redis_count_requests();
		rule = engine_rule(c, &client, "hal", pop);
		sent = redis_count_requests() - sent;
		tap_is_str(rule, "pop-before-smtp",
		    "hal (authenticated; smtp_auth off) relays by the POP "
		    "login in LMDB");
		tap_is_int(sent, 1, "... suspension, networks and both counters "
		    "in one request to Redis");
		accounts_close();
	}
	popstore_close(pop);
	conf_unref(c);
	tmpdir_remove(dir);
}

/* A server that requires a password: right, wrong and none. */
static void
test_auth(void)
{
	static const struct {
		const char	*password;
		int		 want;
		const char	*what;
	} cases[] = {
	{ "s3cret-acct", ACCTSTORE_COUNTED, "requirepass: the right password" },
	{ "wrong", -1, "requirepass: a wrong password" },
	{ NULL, -1, "requirepass: no password" },
	};
	struct acctstore_counter c[1] = { { "u:pw", 10, 60 } };
	char err[256];
	size_t i;

	if (!tap_ok(redis_cmd("CONFIG SET requirepass s3cret-acct") == 0,
	    "CONFIG SET requirepass"))
		return;
	for (i = 0; i < NELEM(cases); i++) {
		void *st = acctstore_redis_open(SPEC, cases[i].password, 0, err,
		    sizeof(err));

		tap_is_int(st != NULL ? ops->charge(st, c, 1, time(NULL), NULL)
		    : -2, cases[i].want, cases[i].what);
		if (st != NULL)
			ops->close(st);
	}
}

int
main(void)
{
	char err[256];
	void *st;

	signal(SIGPIPE, SIG_IGN);
	redis_port = PORT;
	redis_db = DB;
	if (tmpdir_make("t_acctredis", redis_dir, sizeof(redis_dir)) != 0)
		return 1;
	if (redis_start() != 0) {
		printf("Bail out! cannot start redis-server on port %d\n", PORT);
		redis_stop();
		tmpdir_remove(redis_dir);
		return 1;
	}
	st = acctstore_redis_open(SPEC, NULL, 1, err, sizeof(err));
	if (!tap_ok(st != NULL, "open %s: %s", SPEC, st ? "ok" : err)) {
		redis_stop();
		tmpdir_remove(redis_dir);
		return tap_done();
	}
	tap_is_str(ops->kind, "redis", "kind redis");
	redis_cmd("FLUSHDB");
	test_charge(st);
	test_race(st, 0, 1000000);
	test_race(st, 0, 1500);
	test_race(st, 1, 1500);
	test_expiry(st);
	test_seen(st);
	test_suspensions(st);
	test_decide(st);
	test_round_trips(st);
	test_noscript(st);
	test_down(st);
	ops->close(st);
	test_ipv6_prefix();
	test_pop_elsewhere();
	test_auth();
	redis_stop();
	tmpdir_remove(redis_dir);
	return tap_done();
}
