/*
 * acctstore: the interface between the accounts front end (acct.c: the
 * keys, the limits, the order of the steps of a decision) and its
 * backends (acctstore_mem.c "memory", acctstore_lmdb.c "lmdb:/dir",
 * acctstore_redis.c "redis://host:port/db"), which keep counters, sets
 * of client networks and suspensions under string keys. Not for other
 * modules: everything else goes through acct.h.
 *
 * The contract every backend keeps
 * --------------------------------
 * Keys. The front end builds every key; a backend stores it as given
 * (Redis puts ACCTSTORE_REDIS_PREFIX before it). Keys are at most
 * ACCTSTORE_KEY_MAX bytes of printable ASCII without spaces:
 *   "u:<user>"   relayed recipients of an authenticated user (a counter)
 *   "c:<net>"    relayed recipients of a client network (a counter)
 * and user names (seen, suspensions) are passed bare: "alice".
 * <net> is the client's network as acct_net writes it: the IPv4 address
 * "192.0.2.7", or the IPv6 /64 "2001:db8:1:2::/64".
 *
 * Time. Every operation takes now (seconds, from the caller's clock;
 * tests wrap it) and never reads a clock of its own for window
 * arithmetic: a memory or LMDB counter started at time s counts while
 * now < s + window. Redis may instead let the server expire the key
 * (EXPIRE window at the first increment): the same rule on the server's
 * clock, which is what several MTAs must share.
 *
 * Atomicity. Each operation is atomic in its backend: concurrent calls
 * from any number of threads (and, for lmdb and redis, processes and
 * hosts) never lose an increment nor charge past a limit. Two different
 * operations are not atomic together, except inside decide.
 *
 * Errors. -1 means "the store cannot answer" (Redis down, LMDB full...);
 * the front end then tempfails the decisions that need the answer
 * (rule=limits-store-unavailable) and lets the others go on. No
 * operation blocks for long on a dead server (Redis: a short connect and
 * command timeout, like popstore_redis.c).
 */
#ifndef RELAYMILTER_ACCTSTORE_H
#define RELAYMILTER_ACCTSTORE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define ACCTSTORE_KEY_MAX	300	/* "u:" + user, "c:" + net */
#define ACCTSTORE_WHY_MAX	160	/* a suspension's reason */
#define ACCTSTORE_NET_MAX	64	/* "2001:db8:1:2::/64" */
#define ACCTSTORE_REDIS_PREFIX	"relaymilter:acct:"

/* charge's answers (an answer i + 1 >= 1 names counter i as over). */
#define ACCTSTORE_COUNTED	0	/* every counter incremented */
#define ACCTSTORE_OVER(i)	((i) + 1)	/* counter i at its limit */
#define ACCTSTORE_NOT_CHARGED	(-2)	/* decide: charging not attempted */

/* decide's charge flags: charge when the POP answer is a hit / no hit. */
#define ACCTSTORE_CHARGE_POP_HIT	0x1
#define ACCTSTORE_CHARGE_POP_MISS	0x2
#define ACCTSTORE_CHARGE_ALWAYS		0x3

/*
 * One counter to charge: key ("u:alice", "c:192.0.2.7"), limit (> 0)
 * and window (seconds, > 0).
 */
struct acctstore_counter {
	const char	*key;
	long		 limit;
	int		 window;
};

/* One record of a scan (relayctl accounts). */
enum acctstore_rec_type {
	ACCTSTORE_REC_COUNTER,		/* key, count, window, start */
	ACCTSTORE_REC_SUSPENSION	/* key = user, since, why */
};

struct acctstore_rec {
	enum acctstore_rec_type type;
	const char	*key;		/* "u:alice", "c:<net>", or a user */
	long		 count;		/* counter: its value */
	int		 window;	/* counter: its window, seconds */
	time_t		 start;		/* counter: first increment (Redis:
					   now + ttl - window) */
	time_t		 since;		/* suspension: when it began */
	const char	*why;		/* suspension: its reason */
};

/* Called by scan for each live record; non-zero stops the scan. */
typedef int (*acctstore_scan_fn)(void *arg, const struct acctstore_rec *r);

/*
 * decide's question: everything one relayed recipient needs, for one
 * round trip. The front end sets only what the decision needs.
 */
struct acctstore_query {
	time_t		 now;
	/*
	 * The POP lookup, only when the POP store is this very store (same
	 * "redis://" spec: acct_open is told so). pop_key is the POP
	 * store's key of the client as popstore_key writes it ("192.0.2.7",
	 * "2001:db8::/64"; Redis: under "relaymilter:pop:", value
	 * "<time> <user>"); a hit is a login at most pop_window seconds
	 * before now and at most POPSTORE_SKEW (60) seconds after it.
	 * NULL: no lookup; the POP answer then counts as "no hit".
	 */
	const char	*pop_key;
	int		 pop_window;
	/*
	 * The suspension check and the seen update, only when user is not
	 * NULL. user_clients > 0 with net not NULL: record net for user at
	 * now, and if more than user_clients distinct networks were seen
	 * within user_clients_window seconds, suspend the user (since = now,
	 * why = "<n> client networks within <window>s", kept as is if a
	 * suspension exists).
	 */
	const char	*user;
	const char	*net;
	long		 user_clients;	/* 0: no seen update */
	int		 user_clients_window;
	/*
	 * The charge: counters[0..ncounters-1] (ncounters 0..2) charged as
	 * by the charge operation, only when (charge_flags &
	 * ACCTSTORE_CHARGE_POP_HIT and the POP answer is a hit) or
	 * (charge_flags & ACCTSTORE_CHARGE_POP_MISS and it is not a hit),
	 * and only when the POP answer is not -1, the suspension check did
	 * not fail, and the user (if any) is not suspended (before or by
	 * this query).
	 */
	const struct acctstore_counter *counters;
	int		 ncounters;
	int		 charge_flags;
};

/* decide's answer. */
struct acctstore_answer {
	int		 pop;		/* 1 hit, 0 no hit or not asked, -1 */
	int		 suspended;	/* 1, 0 (also: no user), -1 unknown */
	int		 newly_suspended; /* 1: this query suspended the user */
	time_t		 since;		/* when suspended == 1 */
	char		 why[ACCTSTORE_WHY_MAX]; /* when suspended == 1 */
	int		 networks;	/* after the seen update; 0 not asked,
					   -1 failed (then suspended is -1) */
	int		 charge;	/* as charge answers, or
					   ACCTSTORE_NOT_CHARGED */
	long		 counts[2];	/* each counter's value after it
					   (after a charge or an over; 0 when
					   not charged) */
};

struct acctstore_ops {
	const char *kind;		/* "memory", "lmdb", "redis" */
	/*
	 * charge -- for counters c[0..n-1] (n is 1 or 2; distinct keys): a
	 * counter whose window is over (or that does not exist) counts 0.
	 * If every counter is below its limit, increment all of them (a
	 * counter going from 0 to 1 starts its window at now and expires
	 * window seconds later) and answer ACCTSTORE_COUNTED; otherwise
	 * increment none and answer ACCTSTORE_OVER(i) for the first
	 * counter i at its limit. counts (may be NULL) gets each counter's
	 * value after the call. -1 if the store cannot answer (nothing
	 * incremented).
	 */
	int	(*charge)(void *impl, const struct acctstore_counter *c, int n,
		    time_t now, long *counts);
	/*
	 * seen -- record that user authenticated from net at now (a net
	 * seen again gets the later time), forget the nets last seen
	 * window seconds or more before now, and answer how many distinct
	 * nets remain (>= 1), or -1.
	 */
	int	(*seen)(void *impl, const char *user, const char *net,
		    time_t now, int window);
	/*
	 * susp_get -- 1 if user is suspended (since and why, NUL-terminated,
	 * filled; why may be NULL), 0 if not, -1. Suspensions never expire.
	 */
	int	(*susp_get)(void *impl, const char *user, time_t *since,
		    char *why, size_t whylen);
	/*
	 * susp_set -- suspend user since since for why, unless already
	 * suspended (the first since and why stay). 1 newly suspended, 0
	 * already was, -1 with err.
	 */
	int	(*susp_set)(void *impl, const char *user, time_t since,
		    const char *why, char *err, size_t errlen);
	/*
	 * susp_del -- lift user's suspension and forget the networks seen
	 * for user (so that the next login does not suspend it again at
	 * once). 1 lifted, 0 was not suspended, -1 with err.
	 */
	int	(*susp_del)(void *impl, const char *user, char *err,
		    size_t errlen);
	/*
	 * scan -- call fn for each counter still in its window at now and
	 * each suspension, in no particular order. 0, or -1 with err.
	 */
	int	(*scan)(void *impl, time_t now, acctstore_scan_fn fn, void *arg,
		    char *err, size_t errlen);
	/*
	 * decide -- OPTIONAL (NULL: the front end composes the operations
	 * above in the same order). In one atomic step (Redis: one round
	 * trip, e.g. one EVALSHA), in this order:
	 *   1. pop_key set: the POP lookup -> a->pop (1, 0, or -1 and stop:
	 *      nothing else is done, suspended 0, charge NOT_CHARGED).
	 *   2. user set: susp_get -> a->suspended, since, why.
	 *   3. user, net set, user_clients > 0, not suspended: seen with
	 *      user_clients_window -> a->networks; more than user_clients
	 *      -> susp_set (since now, why as above), a->suspended = 1,
	 *      a->newly_suspended = 1.
	 *   4. not suspended and the charge flags match the POP answer:
	 *      charge -> a->charge, a->counts; else a->charge =
	 *      ACCTSTORE_NOT_CHARGED.
	 * Returns 0 (the answer says what failed), or -1 if the store could
	 * not be asked at all (then a->pop, a->suspended and a->charge are
	 * -1, with nothing changed).
	 */
	int	(*decide)(void *impl, const struct acctstore_query *q,
		    struct acctstore_answer *a);
	/* close -- release impl; no call may be running. */
	void	(*close)(void *impl);
};

extern const struct acctstore_ops acctstore_mem_ops;
extern const struct acctstore_ops acctstore_lmdb_ops;
extern const struct acctstore_ops acctstore_redis_ops;

/* acctstore_mem_open -- an empty in-memory store. NULL with err. */
void *acctstore_mem_open(char *err, size_t errlen);

/*
 * acctstore_lmdb_open -- open (creating) the LMDB environment in dir
 * (made ready as root by acct_prepare). NULL with err.
 */
void *acctstore_lmdb_open(const char *dir, char *err, size_t errlen);

/*
 * acctstore_redis_open -- a pool of connections to the Redis server of
 * spec ("redis://host:port/db", as pop.store parses it: connected
 * lazily; AUTH password first when password is not NULL; never logged).
 * pop_shared is 1 when pop.store is the same spec: decide may then be
 * asked the POP lookup (pop_key) with the POP store's keys and values.
 * Returns the handle, or NULL with err.
 */
void *acctstore_redis_open(const char *spec, const char *password,
    int pop_shared, char *err, size_t errlen);

#endif
