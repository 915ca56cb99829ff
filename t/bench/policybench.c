/*
 * policybench: the round trip of one Postfix policy request, as smtpd
 * sees it. It connects once to a running relaymilter's policy socket
 * (postfix_policy) and sends COUNT requests on that one connection, each
 * waiting for its answer before the next, as Postfix does; each is a
 * whole Postfix 3.7 RCPT request (about 30 attributes), cycling through
 * an outside client refused, a LAN client relayed, a local recipient and
 * a submission user. It prints the median, p90, p99 and max time per
 * request in microseconds, the requests per second, and how many of each
 * answer came back; a request that gets no answer ends the run (exit 1).
 *
 *   policybench SOCKET [COUNT]      (SOCKET: /path or unix:/path;
 *                                    COUNT: default 100000)
 *
 * The daemon's config must have 127.0.0.1 in local.lan, example.com
 * local, and a services entry "submission" (t/bench/run.sh writes one).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define POLICYBENCH_KINDS	4

/* Postfix 3.7's attributes at RCPT TO; %s: client, sender, rcpt, ctx, user. */
static const char policybench_fmt[] =
    "request=smtpd_access_policy\nprotocol_state=RCPT\n"
    "protocol_name=ESMTP\nclient_address=%s\nclient_name=unknown\n"
    "client_port=41234\nreverse_client_name=unknown\n"
    "server_address=127.0.0.1\nserver_port=25\nhelo_name=client.test\n"
    "sender=%s\nrecipient=%s\nrecipient_count=0\nqueue_id=\n"
    "instance=1a2b.64c0f1e2.3d4e5.0\nsize=0\netrn_domain=\nstress=\n"
    "sasl_method=%s\nsasl_username=%s\nsasl_sender=\nccert_subject=\n"
    "ccert_issuer=\nccert_fingerprint=\nccert_pubkey_fingerprint=\n"
    "encryption_protocol=\nencryption_cipher=\nencryption_keysize=0\n"
    "policy_context=%s\ncompatibility_level=3.6\nmail_version=3.7.11\n\n";

/* client, sender, recipient, SASL method, SASL user, policy_context */
static const char *const policybench_kinds[POLICYBENCH_KINDS][6] = {
	{ "203.0.113.9", "a@remote.test", "u@remote.test", "", "", "MTA" },
	{ "127.0.0.1", "a@example.com", "u@remote.test", "", "", "MTA" },
	{ "203.0.113.9", "a@remote.test", "u@example.com", "", "", "MTA" },
	{ "203.0.113.9", "a@example.com", "u@remote.test", "PLAIN", "alice",
	    "submission" },
};

static double
policybench_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
policybench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A connected unix socket, or -1 (the reason on stderr). */
static int
policybench_connect(const char *spec)
{
	const char *path = strncmp(spec, "unix:", 5) == 0 ? spec + 5 : spec;
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "policybench: %s: path too long\n", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		fprintf(stderr, "policybench: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * One request of n bytes, and its answer (up to its empty line) into ans.
 * Returns the answer's length, or -1.
 */
static long
policybench_ask(int fd, const char *req, size_t n, char *ans, size_t len)
{
	size_t got = 0;

	if (send(fd, req, n, MSG_NOSIGNAL) != (ssize_t)n)
		return -1;
	while (got < 2 || ans[got - 1] != '\n' || ans[got - 2] != '\n') {
		ssize_t r = recv(fd, ans + got, len - 1 - got, 0);

		if (r <= 0 || (size_t)r >= len - 1 - got)
			return -1;
		got += (size_t)r;
	}
	ans[got] = '\0';
	return (long)got;
}

int
main(int argc, char **argv)
{
	char req[POLICYBENCH_KINDS][2048], ans[1024];
	size_t reqlen[POLICYBENCH_KINDS];
	long count = argc > 2 ? atol(argv[2]) : 100000, i, ok = 0, dunno = 0,
	    refused = 0;
	double *t, t0, total;
	int fd, k;

	if (argc < 2 || count < 1) {
		fprintf(stderr, "usage: policybench SOCKET [COUNT]\n");
		return 2;
	}
	for (k = 0; k < POLICYBENCH_KINDS; k++) {
		const char *const *v = policybench_kinds[k];
		int n = snprintf(req[k], sizeof(req[k]), policybench_fmt, v[0],
		    v[1], v[2], v[3], v[4], v[5]);

		if (n < 0 || (size_t)n >= sizeof(req[k]))
			return 2;
		reqlen[k] = (size_t)n;
	}
	t = malloc((size_t)count * sizeof(*t));
	if (t == NULL || (fd = policybench_connect(argv[1])) < 0)
		return 1;
	total = policybench_us();
	for (i = 0; i < count; i++) {
		k = (int)(i % POLICYBENCH_KINDS);
		t0 = policybench_us();
		if (policybench_ask(fd, req[k], reqlen[k], ans,
		    sizeof(ans)) < 0) {
			fprintf(stderr, "policybench: request %ld: no answer\n",
			    i + 1);
			return 1;
		}
		t[i] = policybench_us() - t0;
		if (strcmp(ans, "action=OK\n\n") == 0)
			ok++;
		else if (strcmp(ans, "action=DUNNO\n\n") == 0)
			dunno++;
		else
			refused++;
	}
	total = policybench_us() - total;
	close(fd);
	qsort(t, (size_t)count, sizeof(*t), policybench_cmp);
	printf("policy_requests %ld\n", count);
	printf("policy_median_us %.1f\n", t[count / 2]);
	printf("policy_p90_us %.1f\n", t[count * 9 / 10]);
	printf("policy_p99_us %.1f\n", t[count * 99 / 100]);
	printf("policy_max_us %.1f\n", t[count - 1]);
	printf("policy_requests_per_s %.0f\n", (double)count / total * 1e6);
	printf("policy_answers_ok %ld\npolicy_answers_dunno %ld\n"
	    "policy_answers_refused %ld\n", ok, dunno, refused);
	free(t);
	return 0;
}
