/*
 * acct: the accounts store's front end -- relay limits per user and per
 * client network, the client networks seen per user, and suspensions.
 * One backend sits behind it (acctstore.h): "memory" (this process;
 * counters and suspensions reset at restart), "lmdb:/dir" (this host,
 * persistent) or "redis://host:port/db" (several MTAs share it). It
 * answers the policy engine's limits callback (policy_limits_fn) and
 * relayctl's suspend, unsuspend and accounts.
 *
 * Every function may be called from any thread after acct_open.
 */
#ifndef RELAYMILTER_ACCT_H
#define RELAYMILTER_ACCT_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "netset.h"
#include "policy.h"

struct acct;

/* What relayctl accounts lists: a counter or a suspension. */
struct acct_entry {
	const char	*user;		/* "" for a client counter */
	const char	*client;	/* "" for a user counter */
	long		 count;		/* counters */
	int		 window;	/* counters, seconds */
	time_t		 start;		/* counters: the window's start */
	time_t		 since;		/* suspensions, else 0 */
	const char	*why;		/* suspensions, else "" */
};

/* Called for each entry by acct_list; non-zero stops. */
typedef int (*acct_list_fn)(void *arg, const struct acct_entry *e);

/*
 * The context of acct_policy for one request: the accounts store. The
 * POP store comes with each query (policy_limits_query's pop callback).
 */
struct acct_ctx {
	struct acct	*acct;
};

/*
 * acct_prepare -- as root, before the privilege drop: for "lmdb:/dir"
 * create the directory and give it to uid:gid ((uid_t)-1 keeps it);
 * nothing for the others. 0, or -1 with err.
 */
int acct_prepare(const char *spec, uid_t uid, gid_t gid, char *err,
    size_t errlen);

/*
 * acct_open -- open the store of spec ("memory", "lmdb:/dir",
 * "redis://host:port/db"). password: Redis AUTH or NULL. pop_spec: the
 * POP store's spec, or NULL (when equal to a Redis spec, one round trip
 * carries the POP lookup too). 0 with *out, or -1 with err.
 */
int acct_open(const char *spec, const char *password, const char *pop_spec,
    struct acct **out, char *err, size_t errlen);

/* acct_close -- release a (NULL is fine); no call may be running. */
void acct_close(struct acct *a);

/* acct_kind -- "memory", "lmdb" or "redis". */
const char *acct_kind(const struct acct *a);

/*
 * acct_net -- the network key of a client: the IPv4 address, or the
 * IPv6 /64 "2001:db8:1:2::/64". 0, or -1 if buf is too small. Pure.
 */
int acct_net(const struct netaddr *a, char *buf, size_t len);

/*
 * acct_policy -- the engine's limits callback (policy_limits_fn); ctx
 * is a struct acct_ctx *. Uses the backend's decide when it has one,
 * else composes POP lookup, suspension, seen and charge. Logs the one
 * warning line of a new suspension.
 */
int acct_policy(void *ctx, const struct policy_limits_query *q,
    struct policy_limits_answer *ans);

/*
 * acct_suspend -- suspend user (since now, why). 1 newly, 0 already
 * was, -1 with err.
 */
int acct_suspend(struct acct *a, const char *user, time_t now,
    const char *why, char *err, size_t errlen);

/* acct_unsuspend -- lift it: 1 lifted, 0 was not, -1 with err. */
int acct_unsuspend(struct acct *a, const char *user, char *err,
    size_t errlen);

/*
 * acct_list -- call fn for each live counter and each suspension at
 * now. 0, or -1 with err.
 */
int acct_list(struct acct *a, time_t now, acct_list_fn fn, void *arg,
    char *err, size_t errlen);

#endif
