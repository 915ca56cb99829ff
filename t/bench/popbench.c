/*
 * popbench: the cost of POP-before-SMTP. For the store named on the
 * command line (lmdb:/dir or redis://host:port/db) it measures one
 * lookup (a client with a login, one without) in 1 and 2 threads, then
 * whole relay decisions per second (policy_decide with pop_before_smtp
 * on, the client found in the store) in 1 and 2 threads. With a Redis
 * store, the same decisions again with relay limits kept in the same
 * Redis (limits.store = pop.store: the POP lookup, the suspension check
 * and the charge in one EVALSHA), and authenticated decisions with the
 * user, client and networks limits, side by side; each row shows the
 * requests sent to Redis per decision (counted in the client).
 *
 *   popbench STORE [ITERATIONS]      (t/bench/pop-bench.sh runs it)
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acct.h"
#include "addr.h"
#include "conf.h"
#include "policy.h"
#include "popstore.h"
#include "../redis_count.h"

#define BENCH_CLIENTS	1000

struct bench {
	struct popstore	*st;
	struct conf	*conf;
	long		 n;
	int		 decide;	/* 0: lookups only */
	int		 hit;		/* look up clients with a login */
	struct acct_ctx	*limits;	/* NULL: no limits */
	const char	*auth;		/* the authenticated user, or NULL */
	int		 want;		/* the rule each decision must give */
	long		 bad;
};


static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
bench_client(long i, int hit, struct netaddr *a)
{
	char ip[32];

	snprintf(ip, sizeof(ip), "10.%d.%ld.%ld", hit ? 1 : 2,
	    (i % BENCH_CLIENTS) / 250, (i % BENCH_CLIENTS) % 250 + 1);
	netaddr_parse(ip, a);
}

static void *
bench_thread(void *arg)
{
	struct bench *b = arg;
	struct policy_request req = { 0 };
	struct policy_decision d;
	struct addr from, rcpt;
	struct netaddr a;
	time_t now = time(NULL);
	long i;

	addr_parse("<a@remote.test>", &from);
	addr_parse("<u@remote.test>", &rcpt);
	req.sender = &from;
	req.rcpt = &rcpt;
	req.now = now;
	req.pop = popstore_policy;
	req.pop_ctx = b->st;
	req.auth_user = b->auth;
	if (b->limits != NULL) {
		req.limits = acct_policy;
		req.limits_ctx = b->limits;
	}
	for (i = 0; i < b->n; i++) {
		bench_client(i, b->hit, &a);
		if (!b->decide) {
			b->bad += popstore_lookup(b->st, &a, now, 300) !=
			    b->hit;
			continue;
		}
		req.client = &a;
		policy_decide(b->conf, &b->conf->relay, &req, &d);
		b->bad += d.rule != (enum policy_rule)b->want;
	}
	return NULL;
}

/* Run nthreads threads of n operations each; prints the rate. */
static void
bench_run(const char *what, struct bench *proto, int nthreads)
{
	pthread_t tid[2];
	struct bench b[2];
	double t0, dt;
	long bad = 0, sent;
	int i;

	sent = redis_count_requests();
	t0 = bench_now();
	for (i = 0; i < nthreads; i++) {
		b[i] = *proto;
		pthread_create(&tid[i], NULL, bench_thread, &b[i]);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(tid[i], NULL);
		bad += b[i].bad;
	}
	dt = bench_now() - t0;
	sent = redis_count_requests() - sent;
	printf("%-34s threads=%d  %9.0f /s  %8.2f us each  %4.2f req%s\n",
	    what, nthreads, (double)proto->n * nthreads / dt,
	    dt * 1e6 / (double)proto->n, (double)sent / (double)proto->n /
	    nthreads, bad ? "  (WRONG ANSWERS)" : "");
}

static int
bench_fill(struct popstore *st)
{
	struct netaddr a;
	char err[256];
	long i;

	for (i = 0; i < BENCH_CLIENTS; i++) {
		bench_client(i, 1, &a);
		if (popstore_add(st, &a, "bench", time(NULL), 300, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "popbench: add: %s\n", err);
			return -1;
		}
	}
	return 0;
}

/*
 * The decisions with limits in the same Redis as the POP logins: a POP
 * client (POP lookup, client counter) and an authenticated user (user
 * and client counters, networks seen), one EVALSHA each.
 */
static int
bench_limits(struct bench *proto, const char *spec)
{
	struct bench b = *proto;
	struct acct_ctx x = { NULL };
	char cf[1024], err[CONF_ERRLEN];

	snprintf(cf, sizeof(cf), "local = { domains = [ \"example.com\" ]; "
	    "lan = [ \"127.0.0.1\" ]; };\nrelay = { pop_before_smtp = true; "
	    "smtp_auth = true; };\nusers = ( { name = \"bench\"; password = "
	    "\"{PLAIN}x\"; relay = true; } );\nlimits = { user = "
	    "\"1000000000/1d\"; client = \"1000000000/1d\"; user_clients = "
	    "\"100000/1d\"; store = \"%s\"; };\npop = { store = \"%s\"; };\n",
	    spec, spec);
	b.conf = conf_load_string(cf, "bench-limits", err, sizeof(err));
	if (b.conf == NULL || acct_open(spec, NULL, spec, &x.acct, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "popbench: limits: %s\n", err);
		conf_unref(b.conf);
		return -1;
	}
	b.limits = &x;
	bench_run("decision, limits + POP", &b, 1);
	bench_run("decision, limits + POP", &b, 2);
	b.auth = "bench";
	b.want = RULE_AUTH;
	bench_run("decision, auth + limits + networks", &b, 1);
	bench_run("decision, auth + limits + networks", &b, 2);
	acct_close(x.acct);
	conf_unref(b.conf);
	return 0;
}

int
main(int argc, char **argv)
{
	struct bench b = { 0 };
	char err[CONF_ERRLEN];

	if (argc < 2) {
		fprintf(stderr, "usage: popbench STORE [ITERATIONS]\n");
		return 64;
	}
	b.n = argc > 2 ? atol(argv[2]) : 200000;
	b.conf = conf_load_string("local = { domains = [ \"example.com\" ]; "
	    "lan = [ \"127.0.0.1\" ]; };\nrelay = { pop_before_smtp = true; "
	    "};\n", "bench", err, sizeof(err));
	if (b.conf == NULL || popstore_open(argv[1], 64, NULL, &b.st, err,
	    sizeof(err)) != 0 || bench_fill(b.st) != 0) {
		fprintf(stderr, "popbench: %s\n", err);
		return 1;
	}
	printf("store %s, %d logins, %ld operations per thread\n",
	    popstore_kind(b.st), BENCH_CLIENTS, b.n);
	b.hit = 1;
	bench_run("lookup, client with a login", &b, 1);
	bench_run("lookup, client with a login", &b, 2);
	b.hit = 0;
	bench_run("lookup, client without a login", &b, 1);
	b.hit = 1;
	b.decide = 1;
	b.want = RULE_POP_BEFORE_SMTP;
	bench_run("decision (pop-before-smtp accept)", &b, 1);
	bench_run("decision (pop-before-smtp accept)", &b, 2);
	if (strcmp(popstore_kind(b.st), "redis") == 0 &&
	    bench_limits(&b, argv[1]) != 0)
		return 1;
	popstore_close(b.st);
	conf_unref(b.conf);
	return 0;
}
