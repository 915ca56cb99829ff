/*
 * popstore: the store of recent POP3 logins (client -> user, time) that
 * POP-before-SMTP looks up for each relay decision. Two backends sit
 * behind one interface: "lmdb:/dir" (embedded, survives a restart,
 * shared by threads and processes) and "redis://host:port/db" (shared by
 * several MTAs; keys expire after the window). IPv4 clients are stored
 * exactly, IPv6 clients by their prefix (pop.ipv6_prefix bits), so a
 * host that changes its privacy address keeps its permission.
 *
 * Every function may be called from any thread at any time after
 * popstore_open; none holds a lock across network I/O, and a Redis
 * outage makes lookups fail fast (-1) instead of blocking.
 */
#ifndef RELAYMILTER_POPSTORE_H
#define RELAYMILTER_POPSTORE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "netset.h"

#define POPSTORE_KEY_MAX	64	/* "addr" or "addr/prefix" */
#define POPSTORE_VALUE_MAX	192	/* "<time> <user>" */
#define POPSTORE_SKEW		60	/* seconds a login may lie ahead */

struct popstore;

struct popstore_entry {
	const char	*key;		/* "192.0.2.1", "2001:db8::/64" */
	const char	*user;		/* "" if unknown */
	time_t		 when;		/* time of the login */
};

/* Called for each entry by popstore_list; return non-zero to stop. */
typedef int (*popstore_list_fn)(void *arg, const struct popstore_entry *e);

/*
 * popstore_prepare -- what must happen as root before a store is opened
 * by the service account: for "lmdb:/dir", create the directory and
 * give it (not its files) to uid:gid, uid (uid_t)-1 meaning "keep";
 * nothing for Redis. Returns 0, or -1 with a message in err.
 */
int popstore_prepare(const char *spec, uid_t uid, gid_t gid, char *err,
    size_t errlen);

/*
 * popstore_open -- open the store named by spec ("lmdb:/dir", the
 * directory created if missing, or "redis://host:port/db", connected
 * lazily, each connection sending AUTH password first when password is
 * not NULL; lmdb ignores it). IPv6 addresses are grouped by ipv6_prefix
 * bits (1-128). Returns 0 with *out set, or -1 with a message in err
 * (never the password).
 */
int popstore_open(const char *spec, int ipv6_prefix, const char *password,
    struct popstore **out, char *err, size_t errlen);

/* popstore_close -- release st (NULL is fine). No call may be running. */
void popstore_close(struct popstore *st);

/* popstore_kind -- "lmdb" or "redis". */
const char *popstore_kind(const struct popstore *st);

/*
 * popstore_add -- record a login of user (may be NULL) from a at time
 * now; with Redis the key expires after window seconds. Returns 0, or
 * -1 with a message in err.
 */
int popstore_add(struct popstore *st, const struct netaddr *a,
    const char *user, time_t now, int window, char *err, size_t errlen);

/*
 * popstore_del -- forget the login of a (of its IPv6 prefix). Returns 1
 * if there was one, 0 if not, -1 with a message in err.
 */
int popstore_del(struct popstore *st, const struct netaddr *a, char *err,
    size_t errlen);

/*
 * popstore_lookup -- 1 if a (its IPv6 prefix) logged in within window
 * seconds before now, 0 if not, -1 if the store cannot answer. This is
 * the hot path: no allocation with LMDB, no lock held across I/O.
 */
int popstore_lookup(struct popstore *st, const struct netaddr *a,
    time_t now, int window);

/*
 * popstore_policy -- popstore_lookup with the signature of
 * policy_pop_fn (ctx is the struct popstore *, NULL answers -1).
 */
int popstore_policy(void *ctx, const struct netaddr *client, time_t now,
    int window);

/*
 * popstore_list -- call fn for each login still within window. Returns
 * the number of entries listed, or -1 with a message in err.
 */
int popstore_list(struct popstore *st, time_t now, int window,
    popstore_list_fn fn, void *arg, char *err, size_t errlen);

/*
 * popstore_purge -- remove logins older than window (LMDB; Redis expires
 * keys itself). Returns the number removed, or -1.
 */
int popstore_purge(struct popstore *st, time_t now, int window);

/*
 * popstore_key -- the store key of a: the IPv4 address, or the IPv6
 * network of ipv6_prefix bits as "addr/prefix" ("addr" for 128). Returns
 * 0, or -1 if buf is too small. Pure.
 */
int popstore_key(const struct netaddr *a, int ipv6_prefix, char *buf,
    size_t len);

/*
 * popstore_fresh -- 1 if a login at when still counts at now: at most
 * window seconds old, and not more than POPSTORE_SKEW seconds in the
 * future (clocks of several MTAs differ a little). Pure.
 */
int popstore_fresh(time_t when, time_t now, int window);

/*
 * popstore_value_parse -- split a stored value "<time> <user>" of n
 * bytes into *when and user (ulen bytes). Returns 0, or -1 if it is not
 * such a value. Pure.
 */
int popstore_value_parse(const char *v, size_t n, time_t *when, char *user,
    size_t ulen);

#endif
