/*
 * throttle: counting authentication failures, per client network (an
 * IPv4 address, an IPv6 /64: a client may pick any address of its /64)
 * and per user name. A client network that failed auth.max_failures
 * times within the window is refused without a check; a name that
 * failed auth.user_max_failures times, from anywhere, has its failures
 * answered after the longest delay (slowed, never locked out: the right
 * password still logs in). Memory is bounded: each table keeps at most
 * THROTTLE_ENTRIES entries, least recently failed first out, so a
 * counting entry is never dropped while a free or an older one exists.
 */
#ifndef RELAYMILTER_THROTTLE_H
#define RELAYMILTER_THROTTLE_H

#include <stddef.h>
#include <time.h>

#define THROTTLE_ENTRIES	4096	/* per table */
#define THROTTLE_KEY_MAX	64

/*
 * throttle_client_key -- the client network of rip as text into key
 * (THROTTLE_KEY_MAX bytes): "192.0.2.1" (IPv4-mapped IPv6 folded),
 * "2001:db8:1:2::/64". Returns 0, or -1 if rip is NULL, empty or not an
 * address (key is then ""). Pure.
 */
int throttle_client_key(const char *rip, char *key, size_t len);

/*
 * throttle_blocked -- 1 if rip's client network has failed at least max
 * times in the window that began with its first counted failure (max 0:
 * never; rip not an address: never). Thread-safe.
 */
int throttle_blocked(const char *rip, time_t now, int max, int window);

/*
 * throttle_user_over -- 1 if the name user has failed at least budget
 * times in its window (budget 0 or user NULL/"": never). Thread-safe.
 */
int throttle_user_over(const char *user, time_t now, int budget,
    int window);

/*
 * throttle_failed -- count one failure at now against rip's client
 * network (when rip is an address) and against user (when given); a
 * window of window seconds starts at the first failure counted. The
 * least recently failed entry of a full table makes room. Thread-safe.
 */
void throttle_failed(const char *rip, const char *user, time_t now,
    int window);

#endif
