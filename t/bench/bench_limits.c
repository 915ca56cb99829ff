/*
 * bench_limits: the cost of relay limits in the decision. Two configs,
 * the same but for a limits group (limits.user, limits.client and
 * limits.user_clients, all high enough never to refuse), decide the same
 * requests (SMTP AUTH users relaying, 1000 users each from two of
 * 4096 clients) in
 * alternating batches on one core, the limited one counting in the
 * memory store. Prints "name value" lines: the median nanoseconds per
 * decision of each (over batches of BATCH decisions), the decision rates
 * and their ratio.
 * Usage: bench_limits [DECISIONS [STORE]] (default 2000000 of each, and
 * "memory"; STORE may be "lmdb:/dir" for the embedded store).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acct.h"
#include "addr.h"
#include "conf.h"
#include "policy.h"

#define BATCH	1000
#define USERS	1000
#define CLIENTS	4096

static const char *base_conf =
	"local = { domains = [ \"example.com\" ]; lan = [ \"127.0.0.1\" ]; };\n"
	"relay = { smtp_auth = true; };\n"
	"users = ( %s );\n%s";

static const char *limits_group =
	"limits = { user = \"1000000000/1d\"; client = \"1000000000/1d\";\n"
	"  user_clients = \"1000000/1d\"; };\n";

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct conf *
bench_conf(int limits)
{
	static char users[USERS * 64], text[USERS * 64 + 1024];
	char err[CONF_ERRLEN];
	struct conf *c;
	size_t o = 0;
	int i;

	for (i = 0; i < USERS; i++)
		o += (size_t)snprintf(users + o, sizeof(users) - o, "%s{ name "
		    "= \"u%d\"; password = \"{PLAIN}x\"; relay = true; }",
		    i ? ", " : "", i);
	snprintf(text, sizeof(text), base_conf, users, limits ? limits_group :
	    "");
	c = conf_load_string(text, "bench.conf", err, sizeof(err));
	if (c == NULL) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	return c;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One batch of decisions from request index *k on; seconds taken. */
static double
bench_batch(const struct conf *c, struct acct_ctx *ax, long *k,
    struct netaddr *clients, char (*names)[16], long *accepted)
{
	struct policy_request req;
	struct policy_decision d;
	struct addr sender, rcpt;
	double t0;
	int i;

	memset(&req, 0, sizeof(req));
	addr_parse("<a@example.com>", &sender);
	addr_parse("<someone@remote.example>", &rcpt);
	req.sender = &sender;
	req.rcpt = &rcpt;
	req.limits = acct_policy;
	req.limits_ctx = ax;
	req.now = 1700000000;
	t0 = bench_now();
	for (i = 0; i < BATCH; i++, (*k)++) {
		long u = (*k / 7) % USERS;

		/* each user from two networks of its own, as people are */
		req.client = &clients[(u * 4 + *k % 2) % CLIENTS];
		req.auth_user = names[u];
		policy_decide(c, &c->relay, &req, &d);
		*accepted += d.verdict == POLICY_ACCEPT;
	}
	return bench_now() - t0;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000, k0 = 0, k1 = 0;
	long nb = n / BATCH, b, acc0 = 0, acc1 = 0;
	struct conf *c0 = bench_conf(0), *c1 = bench_conf(1);
	static struct netaddr clients[CLIENTS];
	static char names[USERS][16];
	double *t0 = calloc((size_t)nb, sizeof(double));
	double *t1 = calloc((size_t)nb, sizeof(double));
	double s0 = 0, s1 = 0;
	struct acct_ctx ax;
	char err[256], ip[32];
	int i;

	if (nb < 1 || t0 == NULL || t1 == NULL || acct_open(argc > 2 ?
	    argv[2] : "memory", NULL, NULL, &ax.acct, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_limits: setup failed\n");
		return 1;
	}
	for (i = 0; i < CLIENTS; i++) {
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", (i >> 8) & 255, i & 255,
		    1 + i % 250);
		netaddr_parse(ip, &clients[i]);
	}
	for (i = 0; i < USERS; i++)
		snprintf(names[i], sizeof(names[i]), "u%d", i);
	/* warm up both, then alternate so both see the same machine */
	bench_batch(c0, &ax, &k0, clients, names, &acc0);
	bench_batch(c1, &ax, &k1, clients, names, &acc1);
	for (b = 0; b < nb; b++) {
		t0[b] = bench_batch(c0, &ax, &k0, clients, names, &acc0);
		t1[b] = bench_batch(c1, &ax, &k1, clients, names, &acc1);
		s0 += t0[b];
		s1 += t1[b];
	}
	qsort(t0, (size_t)nb, sizeof(double), bench_cmp);
	qsort(t1, (size_t)nb, sizeof(double), bench_cmp);
	printf("decisions_each %ld\n", nb * BATCH);
	printf("accepted_without %ld\naccepted_with %ld\n", acc0, acc1);
	printf("median_ns_per_decision_without %.0f\n", t0[nb / 2] * 1e9 /
	    BATCH);
	printf("median_ns_per_decision_with_limits %.0f\n", t1[nb / 2] * 1e9 /
	    BATCH);
	printf("decisions_per_s_without %.0f\n", (double)(nb * BATCH) / s0);
	printf("decisions_per_s_with_limits %.0f\n", (double)(nb * BATCH) /
	    s1);
	printf("rate_ratio_with_over_without %.2f\n", s0 / s1);
	acct_close(ax.acct);
	conf_unref(c0);
	conf_unref(c1);
	free(t0);
	free(t1);
	return 0;
}
