/*
 * bench_policy: the decision engine's speed with large tables. For
 * ENTRIES = N (200000 by default) it writes a config holding N/2 local
 * domains and N/2 aliases, N/2 IPv4 and N/2 IPv6 LAN networks, N/2
 * always-allow client addresses and N/2 recipient domains, and N/10
 * users ("config_entries" counts N + N/10, "config_list_entries" every
 * entry), times how long it takes to load (a reload builds exactly
 * this), how much of that is libconfig's own parse and destroy, and how
 * long freeing a loaded config takes, then times address parsing plus
 * policy_decide on a realistic mix of requests on one core. Prints
 * "name value" lines.
 * Usage: bench_policy [PATH [ENTRIES [keep]]] (keep: leave the config).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libconfig.h>

#include "addr.h"
#include "conf.h"
#include "netset.h"
#include "policy.h"

#define NREQ	(1 << 20)

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
write_conf(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	int i;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fprintf(f, "local = {\n  domains = [ \"example.com\"");
	for (i = 0; i < n / 2; i++)
		fprintf(f, ",\n \"d%d.example\"", i);
	fprintf(f, " ];\n  domain_aliases = [ \".example.com\"");
	for (i = 0; i < n / 2; i++)
		fprintf(f, ",\n \"a%d.example\"", i);
	fprintf(f, " ];\n  lan = [ \"127.0.0.0/8\"");
	for (i = 0; i < n / 2; i++)
		fprintf(f, ",\n \"10.%d.%d.0/24\"", (i >> 8) & 255, i & 255);
	for (i = 0; i < n / 2; i++)
		fprintf(f, ",\n \"2001:db8:%x:%x::/64\"", (i >> 16) & 0xffff,
		    i & 0xffff);
	fprintf(f, " ];\n};\nrelay = {\n  always_allow_from = [ \"192.0.2.1\"");
	for (i = 0; i < n / 2; i++)
		fprintf(f, ",\n \"172.%d.%d.%d\"", 16 + ((i >> 16) & 15),
		    (i >> 8) & 255, i & 255);
	fprintf(f, " ];\n  always_allow_to = [ \"partner.test\"");
	for (i = 0; i < n / 2; i++)
		fprintf(f, ",\n \"p%d.partner.test\"", i);
	fprintf(f, " ];\n};\nusers = (\n");
	for (i = 0; i < n / 10; i++)
		fprintf(f, "%s { name = \"user%d\"; password = \"{PLAIN}pw%d\"; "
		    "relay = %s; }\n", i ? "," : "", i, i, i % 2 ? "true" :
		    "false");
	fprintf(f, ");\nservices = ( { daemon_name = \"submission\"; "
	    "smtp_auth = true; } );\n");
	fclose(f);
}

struct req {
	char		 rcpt[64];
	struct netaddr	 client;
	const char	*auth;
	int		 submission;
};

static void
make_requests(struct req *r, int n)
{
	static const char *const users[] = { "user1", "user2", "nobody" };
	int i;

	srand(42);
	for (i = 0; i < n; i++) {
		int k = rand() % 100, x = rand() % 50000;
		char ip[64];

		if (k < 40)
			snprintf(r[i].rcpt, sizeof(r[i].rcpt), "<u%d@%c%d.example>",
			    x, k % 2 ? 'd' : 'a', x);
		else if (k < 50)
			snprintf(r[i].rcpt, sizeof(r[i].rcpt),
			    "<u%d@p%d.partner.test>", x, x);
		else
			snprintf(r[i].rcpt, sizeof(r[i].rcpt),
			    "<user%d@remote%d.test>", x, x);
		if (k % 3 == 0)
			snprintf(ip, sizeof(ip), "10.%d.%d.7", (x >> 8) & 255,
			    x & 255);
		else if (k % 3 == 1)
			snprintf(ip, sizeof(ip), "2001:db8:0:%x::9", x);
		else
			snprintf(ip, sizeof(ip), "203.0.%d.%d", x & 255,
			    (x >> 8) & 255);
		netaddr_parse(ip, &r[i].client);
		r[i].submission = k % 5 == 0;
		r[i].auth = r[i].submission ? users[x % 3] : NULL;
	}
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/relaymilter-bench.conf";
	int entries = argc > 2 ? atoi(argv[2]) : 200000;
	char err[CONF_ERRLEN];
	struct conf *c;
	struct req *reqs = malloc(sizeof(*reqs) * NREQ);
	struct addr sender, rcpt;
	struct policy_request pr;
	struct policy_decision d;
	double t0, best_load = 1e9, best_free = 1e9, best_parse = 1e9, t;
	unsigned long accepted = 0;
	int i, round;

	write_conf(path, entries);
	for (round = 0; round < 3; round++) {
		t0 = now_s();
		c = conf_load(path, err, sizeof(err));
		t = now_s() - t0;
		if (c == NULL) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		if (t < best_load)
			best_load = t;
		if (round < 2) {
			t0 = now_s();
			conf_unref(c);
			t = now_s() - t0;
			if (t < best_free)
				best_free = t;
		}
	}
	/* The share of a load that libconfig takes whatever we build. */
	for (round = 0; round < 3; round++) {
		config_t cfg;

		t0 = now_s();
		config_init(&cfg);
		if (config_read_file(&cfg, path) != CONFIG_TRUE) {
			fprintf(stderr, "%s: %s\n", path, config_error_text(&cfg));
			return 1;
		}
		config_destroy(&cfg);
		t = now_s() - t0;
		if (t < best_parse)
			best_parse = t;
	}
	printf("config_entries %d\n", entries + entries / 10);
	/* and the five first entries of the lists, written by hand */
	printf("config_list_entries %d\n", entries / 2 * 6 + entries / 10 + 5);
	printf("config_load_ms %.1f\n", best_load * 1000);
	printf("libconfig_parse_ms %.1f\n", best_parse * 1000);
	printf("config_free_ms %.1f\n", best_free * 1000);
	make_requests(reqs, NREQ);
	addr_parse("<sender@example.com>", &sender);
	memset(&pr, 0, sizeof(pr));
	pr.sender = &sender;
	pr.rcpt = &rcpt;
	pr.now = time(NULL);
	for (round = 0; round < 3; round++) {
		t0 = now_s();
		for (i = 0; i < NREQ; i++) {
			const struct relay_policy *rp = conf_service(c,
			    reqs[i].submission ? "submission" : "MTA");

			addr_parse(reqs[i].rcpt, &rcpt);
			pr.client = &reqs[i].client;
			pr.auth_user = reqs[i].auth;
			policy_decide(c, rp, &pr, &d);
			accepted += d.verdict == POLICY_ACCEPT;
		}
		t = now_s() - t0;
		printf("decisions_per_second %.0f\n", NREQ / t);
	}
	printf("accepted_share %.3f\n", (double)accepted / (3.0 * NREQ));
	conf_unref(c);
	free(reqs);
	if (argc <= 3 || strcmp(argv[3], "keep") != 0)
		remove(path);
	return 0;
}
