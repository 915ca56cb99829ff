/*
 * t_throttle: counting SMTP AUTH failures per client address, as
 * relaymilter.conf(5), auth.max_failures, says: once an address has
 * failed max times within the window it is blocked until the window
 * ends; the window starts at its first failure and later failures do not
 * extend it; max 0 turns the limit off; no address, nothing throttled;
 * addresses are told apart as strings; the table has 4096 slots and a
 * new address may take the slot of another. Every call is given its
 * time, so the rows say the clock; threads failing at once lose no
 * count.
 */
#include "unit_fixture.h"

#include "strmap.h"
#include "throttle.h"

#define SLOTS	4096		/* relaymilter.conf(5), auth.max_failures */
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
	{ 'b', "192.0.2", 1200, 3, 60, 0, "a prefix is another address" },
	{ 'b', "::ffff:" A, 1200, 3, 60, 0, "so is another spelling of it" },
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
	/* the longest address kept whole (63 characters) */
	{ 'f', LONG63, 3000, 0, 300, 3, NULL },
	{ 'b', LONG63, 3000, 3, 300, 1, "a 63-character address is counted" },
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
				throttle_failed(s->rip, s->now, s->window);
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

/* An address "10.x.y.z" in the same slot as rip, into buf. */
static int
same_slot(const char *rip, char *buf, size_t len)
{
	uint64_t want = strmap_hash(rip, strlen(rip)) % SLOTS;
	int i;

	for (i = 1; i < 1 << 24; i++) {
		snprintf(buf, len, "10.%d.%d.%d", i >> 16, (i >> 8) & 255,
		    i & 255);
		if (strmap_hash(buf, strlen(buf)) % SLOTS == want)
			return 0;
	}
	return -1;
}

static void
test_evict(void)
{
	const char *a = "203.0.113.5";
	char b[32];
	int i;

	if (same_slot(a, b, sizeof(b)) != 0) {
		tap_ok(0, "fixture: an address in the slot of %s", a);
		return;
	}
	for (i = 0; i < 3; i++)
		throttle_failed(a, 5000, 300);
	tap_is_int(throttle_blocked(a, 5000, 3, 300), 1, "evict: "
	    "203.0.113.5 blocked");
	tap_is_int(throttle_blocked(b, 5000, 3, 300), 0, "evict: an address "
	    "of the same slot is not blocked by it");
	throttle_failed(b, 5001, 300);
	tap_is_int(throttle_blocked(b, 5001, 1, 300), 1, "evict: its own "
	    "failure counts");
	tap_is_int(throttle_blocked(a, 5001, 3, 300), 0, "evict: and took the "
	    "slot, so 203.0.113.5 is counted afresh (a table of 4096 slots)");
}

static void *
fail_thread(void *arg)
{
	int i;

	for (i = 0; i < PER_THREAD; i++)
		throttle_failed(arg, 6000, 300);
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
	test_threads();
	return tap_done();
}
