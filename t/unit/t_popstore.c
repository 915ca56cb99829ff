/*
 * t_popstore: the POP login store on a real LMDB environment in a
 * temporary directory: add, lookup within and after the window, IPv6
 * prefix grouping, del, list, purge, persistence across close and
 * reopen, and readers in several threads while a writer works. Also the
 * Redis backend's promise with no server: -1 at once, never a hang.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "popstore.h"

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

	if (popstore_open(spec, 64, &st, err, sizeof(err)) != 0) {
		tap_ok(0, "reopen: %s", err);
		return;
	}
	tap_is_int(lookup(st, "192.0.2.1", NOW + 100), 1, "after close and "
	    "reopen the login is still there");
	tap_is_int(lookup(st, "2001:db8:1:2::10", NOW), 0, "and the deleted "
	    "one is still gone");
	popstore_close(st);
}

static double
elapsed_ms(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static void
test_redis_down(void)
{
	struct popstore *st;
	struct timespec t0;
	char err[256];
	int i, all = 1;

	/* Port 1 on loopback: nothing listens there. */
	if (popstore_open("redis://127.0.0.1:1/0", 64, &st, err,
	    sizeof(err)) != 0) {
		tap_ok(0, "redis store opens without a server: %s", err);
		return;
	}
	tap_ok(1, "redis store opens without a server (connects lazily)");
	tap_is_str(popstore_kind(st), "redis", "kind redis");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 1000; i++)
		all &= lookup(st, "192.0.2.1", NOW) == -1;
	tap_ok(all, "no server: every lookup answers -1 (cannot answer)");
	tap_ok(elapsed_ms(&t0) < 500, "1000 lookups with the server down "
	    "take well under the timeouts (%.1f ms)", elapsed_ms(&t0));
	tap_is_int(add(st, "192.0.2.1", "a", NOW), -1, "add fails, with a "
	    "message");
	popstore_close(st);
}

int
main(void)
{
	char dir[] = "/tmp/t_popstore.XXXXXX", spec[128], err[256], cmd[160];
	struct popstore *st;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp failed\n");
		return 1;
	}
	/* A directory that does not exist yet, two levels deep. */
	snprintf(spec, sizeof(spec), "lmdb:%s/var/pop", dir);
	if (popstore_open(spec, 64, &st, err, sizeof(err)) != 0) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	tap_ok(1, "lmdb store opened, its directory created");
	test_basics(st);
	test_threads(st);
	popstore_close(st);
	test_reopen(spec);
	tap_is_int(popstore_open("lmdb:/proc/no/such", 64, &st, err,
	    sizeof(err)), -1, "a directory that cannot be made is an error");
	tap_ok(strstr(err, "/proc/no") != NULL, "the error names it: %s", err);
	test_redis_down();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
