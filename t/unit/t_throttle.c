/*
 * t_throttle: counting SMTP AUTH failures per client network and per
 * name, as relaymilter.conf(5), auth.max_failures and
 * auth.user_max_failures, say: once a client network (an IPv4 address,
 * IPv4-mapped IPv6 folded; an IPv6 /64) has failed max times within the
 * window it is blocked until the window ends; the window starts at its
 * first failure and later failures do not extend it; max 0 turns the
 * limit off; no address, no client count (the name still counts); a
 * full table (4096 entries) gives way by least recent failure, never by
 * a shared slot. Every call is given its time, so the rows say the
 * clock; threads failing at once lose no count.
 */
#include "unit_fixture.h"

#include "throttle.h"

#define ENTRIES	4096		/* THROTTLE_ENTRIES */
#define THREADS	8
#define PER_THREAD 1000

#define A	"192.0.2.1"
#define LONG63	"2001:db8:1234:5678:9abc:def0:1234:5678" \
	"%interface-with-long-name"
_Static_assert(sizeof(LONG63) == 64, "LONG63 has 63 characters");

struct step {
	char		 op;		/* 'f' fail (times), 'b' blocked? */
	const char	*rip;
	time_t		 now;
	int		 max;		/* 'b' */
	int		 window;
	int		 want;		/* 'b': blocked; 'f': times */
	const char	*what;
};

static const struct step steps[] = {
	/* max 3 within 60 s, from a first failure at 1000 */
	{ 'b', A, 1000, 3, 60, 0, "no failure yet" },
	{ 'f', A, 1000, 0, 60, 1, NULL },
	{ 'b', A, 1000, 3, 60, 0, "one failure of three" },
	{ 'f', A, 1010, 0, 60, 1, NULL },
	{ 'b', A, 1010, 3, 60, 0, "two failures of three" },
	{ 'f', A, 1020, 0, 60, 1, NULL },
	{ 'b', A, 1020, 3, 60, 1, "the third failure blocks" },
	{ 'b', A, 1020, 4, 60, 0, "three failures, max 4: not blocked" },
	{ 'b', A, 1020, 1, 60, 1, "three failures, max 1: blocked" },
	{ 'b', A, 1020, 0, 60, 0, "max 0: the limit is off" },
	{ 'b', A, 1059, 3, 60, 1, "59 s after the first failure: blocked" },
	{ 'f', A, 1050, 0, 60, 1, NULL },
	{ 'b', A, 1059, 3, 60, 1, "a fourth failure: still blocked" },
	{ 'b', A, 1060, 3, 60, 0, "60 s after the first failure: the window "
	    "ended (the later failures did not extend it)" },
	{ 'f', A, 1060, 0, 60, 1, NULL },
	{ 'b', A, 1060, 3, 60, 0, "a failure after the window counts from "
	    "one again" },
	{ 'f', A, 1061, 0, 60, 2, NULL },
	{ 'b', A, 1062, 3, 60, 1, "three in the new window block again" },
	{ 'b', A, 1119, 3, 60, 1, "... until 59 s after its start" },
	{ 'b', A, 1120, 3, 60, 0, "... and not at 60 s" },
	/* addresses are strings: others are not blocked by A */
	{ 'f', A, 1200, 0, 60, 5, NULL },
	{ 'b', A, 1200, 3, 60, 1, "192.0.2.1 failed five times: blocked" },
	{ 'b', "192.0.2.10", 1200, 3, 60, 0, "192.0.2.10 is another address" },
	{ 'b', "192.0.2", 1200, 3, 60, 0, "a prefix is not an address" },
	{ 'b', "::ffff:" A, 1200, 3, 60, 1, "the IPv4-mapped spelling of it is "
	    "the same client" },
	/* IPv6: a client network is a /64 */
	{ 'f', "2001:db8:1:2::1", 1250, 0, 60, 2, NULL },
	{ 'f', "2001:db8:1:2:aaaa:bbbb:cccc:dddd", 1250, 0, 60, 1, NULL },
	{ 'b', "2001:db8:1:2::ffff", 1250, 3, 60, 1, "three addresses of one "
	    "/64: that /64 is blocked, for any address in it" },
	{ 'b', "2001:DB8:1:2::2", 1250, 3, 60, 1, "... whatever the spelling" },
	{ 'b', "2001:db8:1:3::1", 1250, 3, 60, 0, "the next /64 is not" },
	/* no address: nothing throttled */
	{ 'f', NULL, 1300, 0, 60, 5, NULL },
	{ 'b', NULL, 1300, 1, 60, 0, "no address (NULL): never blocked" },
	{ 'f', "", 1300, 0, 60, 5, NULL },
	{ 'b', "", 1300, 1, 60, 0, "no address (\"\"): never blocked" },
	/* the shortest window */
	{ 'f', "198.51.100.1", 2000, 0, 1, 1, NULL },
	{ 'b', "198.51.100.1", 2000, 1, 1, 1, "window 1: blocked in its "
	    "second" },
	{ 'b', "198.51.100.1", 2001, 1, 1, 0, "window 1: free the next "
	    "second" },
	/* a string that is no address counts for no client network */
	{ 'f', LONG63, 3000, 0, 300, 3, NULL },
	{ 'b', LONG63, 3000, 1, 300, 0, "a 63-character non-address is not "
	    "a client network" },
};

static void
test_steps(void)
{
	size_t i;

	for (i = 0; i < NELEM(steps); i++) {
		const struct step *s = &steps[i];
		char what[300];
		int n;

		if (s->op == 'f') {
			for (n = 0; n < s->want; n++)
				throttle_failed(s->rip, NULL, s->now,
				    s->window);
			continue;
		}
		snprintf(what, sizeof(what), "%s: throttle_blocked(%s, %ld, "
		    "max %d, window %d)", s->what, s->rip == NULL ? "NULL" :
		    *s->rip == '\0' ? "\"\"" : s->rip,
		    (long)s->now, s->max, s->window);
		tap_is_int(throttle_blocked(s->rip, s->now, s->max, s->window),
		    s->want, what);
	}
}

/*
 * A full table: 4096 other networks fail after 203.0.113.5; the one that
 * failed longest ago gives way, never one that shares a hash slot.
 */
static void
test_evict(void)
{
	const char *a = "203.0.113.5";
	char b[32];
	int i;

	for (i = 0; i < 3; i++)
		throttle_failed(a, NULL, 5000, 300);
	tap_is_int(throttle_blocked(a, 5000, 3, 300), 1, "evict: "
	    "203.0.113.5 blocked");
	for (i = 0; i < ENTRIES - 1; i++) {
		snprintf(b, sizeof(b), "10.%d.%d.%d", i >> 16, (i >> 8) & 255,
		    i & 255);
		throttle_failed(b, NULL, 5001, 300);
	}
	tap_is_int(throttle_blocked(a, 5001, 3, 300), 1, "evict: with 4095 "
	    "other networks counted since, 203.0.113.5 still is (no shared "
	    "slots)");
	throttle_failed("10.255.0.1", NULL, 5002, 300);
	tap_is_int(throttle_blocked("10.255.0.1", 5002, 1, 300), 1, "evict: "
	    "a new network in a full table is counted");
	tap_is_int(throttle_blocked(a, 5002, 3, 300), 0, "evict: it took the "
	    "entry that failed longest ago (203.0.113.5's)");
	tap_is_int(throttle_blocked("10.0.0.0", 5002, 1, 300), 1, "evict: "
	    "and no other");
}

/* A name guessed at from many addresses, and from none. */
static void
test_users(void)
{
	char rip[32];
	int i;

	tap_is_int(throttle_user_over("alice", 7000, 5, 300), 0, "user: no "
	    "failure yet");
	for (i = 0; i < 4; i++) {
		snprintf(rip, sizeof(rip), "198.18.%d.1", i);
		throttle_failed(rip, "alice", 7000 + i, 300);
	}
	tap_is_int(throttle_user_over("alice", 7004, 5, 300), 0, "user: four "
	    "failures of five");
	throttle_failed(NULL, "alice", 7005, 300);
	tap_is_int(throttle_user_over("alice", 7005, 5, 300), 1, "user: the "
	    "fifth, from no address, reaches the budget");
	tap_is_int(throttle_blocked("198.18.0.1", 7005, 2, 300), 0, "user: "
	    "each address failed once only: none blocked");
	tap_is_int(throttle_user_over("Alice", 7005, 5, 300), 0, "user: names "
	    "are compared exactly");
	tap_is_int(throttle_user_over("alice", 7005, 0, 300), 0, "user: "
	    "budget 0 is off");
	tap_is_int(throttle_user_over("alice", 7300, 5, 300), 0, "user: the "
	    "window ends 300 s after the first failure");
	tap_is_int(throttle_user_over(NULL, 7005, 1, 300), 0, "user: no name, "
	    "never over");
}

static void *
fail_thread(void *arg)
{
	int i;

	for (i = 0; i < PER_THREAD; i++)
		throttle_failed(arg, NULL, 6000, 300);
	return NULL;
}

static void
test_threads(void)
{
	static char rip[] = "198.51.100.200";

	threads_run(THREADS, fail_thread, rip, 0);
	tap_is_int(throttle_blocked(rip, 6000, THREADS * PER_THREAD, 300), 1,
	    "threads failing at once: every failure counted");
	tap_is_int(throttle_blocked(rip, 6000, THREADS * PER_THREAD + 1, 300),
	    0, "... and none twice");
}

int
main(void)
{
	test_steps();
	test_evict();
	test_users();
	test_threads();
	return tap_done();
}
