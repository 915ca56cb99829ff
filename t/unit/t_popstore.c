/*
 * t_popstore: the POP login store on a real LMDB environment in a
 * temporary directory: the directory made (mode 0750), add, lookup within
 * and after the window, IPv6 prefix grouping, del, list, purge,
 * persistence across close and reopen, and readers in several threads
 * while a writer works. Then the Redis backend against a server of the
 * test's own on a loopback port: it opens without connecting, answers -1
 * while the server is down, backs off (100 ms, doubling to 2 s, on a
 * clock the test moves) with no connection attempt in between, and
 * starts again from 100 ms after the server came back.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "popstore.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define NOW	((time_t)1800000000)
#define WINDOW	300
#define READERS	4
#define LOOKUPS	20000

static struct netaddr
ip(const char *s)
{
	struct netaddr a;

	if (netaddr_parse(s, &a) != 0)
		memset(&a, 0, sizeof(a));
	return a;
}

static int
lookup(struct popstore *st, const char *s, time_t now)
{
	struct netaddr a = ip(s);

	return popstore_lookup(st, &a, now, WINDOW);
}

static int
add(struct popstore *st, const char *s, const char *user, time_t when)
{
	struct netaddr a = ip(s);
	char err[256];
	int rc = popstore_add(st, &a, user, when, WINDOW, err, sizeof(err));

	if (rc != 0)
		printf("#   add %s: %s\n", s, err);
	return rc;
}

static int
count_one(void *arg, const struct popstore_entry *e)
{
	char *seen = arg;

	snprintf(seen + strlen(seen), 512 - strlen(seen), "%s=%s ", e->key,
	    e->user);
	return 0;
}

static void
test_basics(struct popstore *st)
{
	struct netaddr a = ip("192.0.2.9");
	char err[256], seen[512] = "";

	tap_is_str(popstore_kind(st), "lmdb", "kind lmdb");
	tap_is_int(lookup(st, "192.0.2.1", NOW), 0, "empty store: no login");
	tap_is_int(add(st, "192.0.2.1", "alice", NOW), 0, "add a login");
	tap_is_int(lookup(st, "192.0.2.1", NOW), 1, "login found at once");
	tap_is_int(lookup(st, "192.0.2.1", NOW + WINDOW), 1,
	    "login found at the end of the window");
	tap_is_int(lookup(st, "192.0.2.1", NOW + WINDOW + 1), 0,
	    "login expired one second after the window");
	tap_is_int(lookup(st, "192.0.2.2", NOW), 0, "another IPv4 address "
	    "has no login");
	tap_is_int(lookup(st, "::ffff:192.0.2.1", NOW), 1, "mapped IPv4 form "
	    "of the same client");
	tap_is_int(add(st, "2001:db8:1:2::10", "bob", NOW), 0, "add an IPv6 "
	    "login");
	tap_is_int(lookup(st, "2001:db8:1:2:aaaa::99", NOW), 1, "same /64: "
	    "the login counts");
	tap_is_int(lookup(st, "2001:db8:1:3::10", NOW), 0, "next /64: it does "
	    "not");
	tap_is_int(add(st, "192.0.2.3", NULL, NOW - WINDOW - 10), 0,
	    "add an old login");
	tap_is_int(popstore_list(st, NOW, WINDOW, count_one, seen, err,
	    sizeof(err)), 2, "list shows the two logins within the window");
	tap_is_str(seen, "192.0.2.1=alice 2001:db8:1:2::/64=bob ",
	    "list: keys and users");
	tap_is_int(popstore_purge(st, NOW, WINDOW), 1, "purge drops the old "
	    "login");
	tap_is_int(popstore_purge(st, NOW, WINDOW), 0, "purge again: nothing");
	tap_is_int(popstore_del(st, &a, err, sizeof(err)), 0, "del of an "
	    "absent login: 0");
	a = ip("2001:db8:1:2::77");
	tap_is_int(popstore_del(st, &a, err, sizeof(err)), 1, "del by another "
	    "address of the /64: 1");
	tap_is_int(lookup(st, "2001:db8:1:2::10", NOW), 0, "gone after del");
	tap_is_int(add(st, "192.0.2.1", "alice2", NOW + 100), 0, "a new login "
	    "replaces the old one");
	tap_is_int(lookup(st, "192.0.2.1", NOW + WINDOW + 50), 1, "the window "
	    "runs from the newest login");
}

struct reader {
	struct popstore *st;
	int	 bad;
};

static void *
reader_thread(void *arg)
{
	struct reader *r = arg;
	int i;

	for (i = 0; i < LOOKUPS; i++)
		if (lookup(r->st, "192.0.2.1", NOW + 100) != 1 ||
		    lookup(r->st, "198.51.100.1", NOW) != 0)
			r->bad++;
	return NULL;
}

static void
test_threads(struct popstore *st)
{
	pthread_t tid[READERS];
	struct reader r[READERS];
	char s[32];
	int i, bad = 0, started = 0;

	for (i = 0; i < READERS; i++) {
		r[i].st = st;
		r[i].bad = 0;
		if (pthread_create(&tid[i], NULL, reader_thread, &r[i]) == 0)
			started++;
	}
	/* A writer at work meanwhile, on other keys. */
	for (i = 0; i < 500; i++) {
		struct netaddr a;
		char err[256];

		snprintf(s, sizeof(s), "203.0.113.%d", i % 250);
		add(st, s, "w", NOW);
		a = ip(s);
		popstore_del(st, &a, err, sizeof(err));
	}
	for (i = 0; i < started; i++) {
		pthread_join(tid[i], NULL);
		bad += r[i].bad;
	}
	tap_is_int(started, READERS, "reader threads started");
	tap_is_int(bad, 0, "concurrent readers always saw the right answer");
}

static void
test_reopen(const char *spec)
{
	struct popstore *st;
	char err[256];

	if (popstore_open(spec, 64, NULL, &st, err, sizeof(err)) != 0) {
		tap_ok(0, "reopen: %s", err);
		return;
	}
	tap_is_int(lookup(st, "192.0.2.1", NOW + 100), 1, "after close and "
	    "reopen the login is still there");
	tap_is_int(lookup(st, "2001:db8:1:2::10", NOW), 0, "and the deleted "
	    "one is still gone");
	popstore_close(st);
}

/*
 * The Redis backend's clock and its connections, seen through the
 * linker (-Wl,--wrap in Makefile.am): clock_gettime answers the test's
 * monotonic clock while fake_ms is set, and every connection attempt is
 * counted, so the back-off is checked step by step, not by timing.
 */
int __real_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);
redisContext *__real_redisConnectWithTimeout(const char *ip, int port,
    const struct timeval tv);
redisContext *__wrap_redisConnectWithTimeout(const char *ip, int port,
    const struct timeval tv);

static long long fake_ms;
static int connects;

int
__wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (clk != CLOCK_MONOTONIC || fake_ms == 0)
		return __real_clock_gettime(clk, ts);
	ts->tv_sec = (time_t)(fake_ms / 1000);
	ts->tv_nsec = (long)(fake_ms % 1000) * 1000000L;
	return 0;
}

redisContext *
__wrap_redisConnectWithTimeout(const char *ip, int port,
    const struct timeval tv)
{
	__atomic_add_fetch(&connects, 1, __ATOMIC_RELAXED);
	return __real_redisConnectWithTimeout(ip, port, tv);
}

/* Connection attempts since the last call. */
static int
connects_since(void)
{
	return __atomic_exchange_n(&connects, 0, __ATOMIC_RELAXED);
}

/*
 * A Redis server of our own on a port of our own: bound but not
 * listening it refuses connections (the server is down); once listening,
 * a thread answers every command with a nil reply (the server is up,
 * and holds no login).
 */
struct fake_redis {
	int		 fd;
	int		 port;
	int		 conn;		/* the connection being served, or -1 */
	pthread_t	 tid;
};

static int
fake_redis_bind(struct fake_redis *fr)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fr->conn = -1;
	fr->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fr->fd < 0 || bind(fr->fd, (struct sockaddr *)&sin,
	    sizeof(sin)) != 0 || getsockname(fr->fd, (struct sockaddr *)&sin,
	    &len) != 0)
		return -1;
	fr->port = ntohs(sin.sin_port);
	return 0;
}

static void *
fake_redis_serve(void *arg)
{
	struct fake_redis *fr = arg;
	char buf[4096];
	int c;

	while ((c = accept(fr->fd, NULL, NULL)) >= 0) {
		__atomic_store_n(&fr->conn, c, __ATOMIC_RELEASE);
		/* The client waits for each reply: one read, one command. */
		while (read(c, buf, sizeof(buf)) > 0)
			if (write(c, "$-1\r\n", 5) != 5)
				break;
		__atomic_store_n(&fr->conn, -1, __ATOMIC_RELEASE);
		close(c);
	}
	return NULL;
}

static int
fake_redis_up(struct fake_redis *fr)
{
	if (listen(fr->fd, 16) != 0)
		return -1;
	return pthread_create(&fr->tid, NULL, fake_redis_serve, fr);
}

/* Down again: drop the connection, stop listening, refuse. */
static void
fake_redis_down(struct fake_redis *fr)
{
	int c = __atomic_load_n(&fr->conn, __ATOMIC_ACQUIRE);

	if (c >= 0)
		shutdown(c, SHUT_RDWR);
	shutdown(fr->fd, SHUT_RDWR);
	pthread_join(fr->tid, NULL);
	close(fr->fd);
}

struct backoff_step {
	const char	*what;
	int		 server;	/* 'u' up, 'd' down, 0 as it was */
	long		 advance_ms;	/* the clock moves on first */
	int		 lookups;
	int		 want;		/* every lookup's answer */
	int		 want_connects;
};

/*
 * After a failure the store answers -1 without I/O for 100 ms, then one
 * lookup probes; each failed probe doubles the wait, up to 2 s; a
 * success empties it, so the next outage starts again from 100 ms.
 */
static const struct backoff_step down_steps[] = {
	{ "the first lookup tries to connect", 0, 0, 1, -1, 1 },
	{ "1000 more at once: backing off", 0, 0, 1000, -1, 0 },
};

/* The waits between failed probes, each checked 1 ms short and on time. */
static const long waits[] = { 100, 200, 400, 800, 1600, 2000, 2000 };

static const struct backoff_step up_steps[] = {
	{ "server up, 2000 ms later: the probe connects; no login", 'u', 2000,
	    1, 0, 1 },
	{ "100 lookups more on the pooled connection", 0, 0, 100, 0, 0 },
	{ "server down: the pooled connection fails", 'd', 0, 1, -1, 0 },
};

static void
backoff_step(struct popstore *st, struct fake_redis *fr,
    const struct backoff_step *b)
{
	char what[200];
	int n, bad = 0;

	if (b->server == 'u' && fake_redis_up(fr) != 0)
		tap_ok(0, "the fake server listens");
	if (b->server == 'd')
		fake_redis_down(fr);
	fake_ms += b->advance_ms;
	for (n = 0; n < b->lookups; n++)
		bad += lookup(st, "192.0.2.1", NOW) != b->want;
	snprintf(what, sizeof(what), "%s: %d lookup(s) answer %d", b->what,
	    b->lookups, b->want);
	tap_is_int(bad, 0, what);
	snprintf(what, sizeof(what), "%s: connection attempts", b->what);
	tap_is_int(connects_since(), b->want_connects, what);
}

/* A wait of ms after a failure: none 1 ms short of it, one probe on time. */
static void
backoff_wait(struct popstore *st, struct fake_redis *fr, long ms)
{
	char short_of[64], on_time[64];
	struct backoff_step b[2] = {
		{ short_of, 0, ms - 1, 100, -1, 0 },
		{ on_time, 0, 1, 100, -1, 1 },
	};

	snprintf(short_of, sizeof(short_of), "%ld ms later: backing off",
	    ms - 1);
	snprintf(on_time, sizeof(on_time), "%ld ms: one lookup probes", ms);
	backoff_step(st, fr, &b[0]);
	backoff_step(st, fr, &b[1]);
}

static void
test_redis_backoff(void)
{
	struct fake_redis fr;
	struct popstore *st;
	struct netaddr a;
	char spec[64], err[256];
	size_t i;

	if (fake_redis_bind(&fr) != 0) {
		tap_ok(0, "a loopback port for the fake server: %s",
		    strerror(errno));
		return;
	}
	snprintf(spec, sizeof(spec), "redis://127.0.0.1:%d/0", fr.port);
	fake_ms = 1000000;
	connects_since();
	if (!tap_is_int(popstore_open(spec, 64, NULL, &st, err, sizeof(err)), 0,
	    "redis store opens without a server")) {
		printf("#   %s\n", err);
		close(fr.fd);
		return;
	}
	tap_is_int(connects_since(), 0, "... and does not connect yet");
	tap_is_str(popstore_kind(st), "redis", "kind redis");
	for (i = 0; i < NELEM(down_steps); i++)
		backoff_step(st, &fr, &down_steps[i]);
	for (i = 0; i < NELEM(waits); i++)
		backoff_wait(st, &fr, waits[i]);
	for (i = 0; i < NELEM(up_steps); i++)
		backoff_step(st, &fr, &up_steps[i]);
	backoff_wait(st, &fr, 100);	/* the wait starts again from 100 */
	/* Backing off, a write fails too, at once and saying so. */
	a = ip("192.0.2.1");
	err[0] = '\0';
	tap_is_int(popstore_add(st, &a, "a", NOW, WINDOW, err, sizeof(err)),
	    -1, "add while backing off: -1");
	tap_ok(strstr(err, "unavailable") != NULL, "... saying the store is "
	    "unavailable (%s)", err);
	tap_is_int(connects_since(), 0, "... without a connection attempt");
	popstore_close(st);
	fake_ms = 0;
}

/* path dir/name is a directory of mode 0750 (isdir) or a file. */
static void
check_stat(const char *dir, const char *name, int isdir, const char *what)
{
	char path[256];
	struct stat sb;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = stat(path, &sb);
	if (!tap_ok(rc == 0 && (isdir ? S_ISDIR(sb.st_mode) :
	    S_ISREG(sb.st_mode)), "%s: %s", what, name))
		printf("#   stat %s: %s\n", path, rc == 0 ? "wrong type" :
		    strerror(errno));
	if (isdir) {
		char w[300];

		snprintf(w, sizeof(w), "%s: mode 0750", name);
		tap_is_int(rc == 0 ? (long)(sb.st_mode & 07777) : -1, 0750, w);
	}
}

int
main(void)
{
	char dir[] = "/tmp/t_popstore.XXXXXX", spec[128], err[256], cmd[160];
	struct popstore *st;

	signal(SIGPIPE, SIG_IGN);	/* the fake Redis server hangs up */
	umask(022);
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp failed\n");
		return 1;
	}
	/* A directory that does not exist yet, two levels deep. */
	snprintf(spec, sizeof(spec), "lmdb:%s/var/pop", dir);
	if (popstore_open(spec, 64, NULL, &st, err, sizeof(err)) != 0) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	check_stat(dir, "var", 1, "the missing parent is created");
	check_stat(dir, "var/pop", 1, "the store's directory is created");
	check_stat(dir, "var/pop/data.mdb", 0, "... and holds the LMDB data "
	    "file");
	test_basics(st);
	test_threads(st);
	popstore_close(st);
	test_reopen(spec);
	tap_is_int(popstore_open("lmdb:/proc/no/such", 64, NULL, &st, err,
	    sizeof(err)), -1, "a directory that cannot be made is an error");
	tap_ok(strstr(err, "/proc/no") != NULL, "the error names it: %s", err);
	test_redis_backoff();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
