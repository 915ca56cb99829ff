/*
 * popstore: the front end of the POP login store. It turns a client
 * address into a key (IPv4 exact, IPv6 by prefix), a login into the
 * value "<time> <user>", and a stored value back into "within the
 * window or not"; the backend behind it only keeps strings.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popstore.h"
#include "popstore_impl.h"
#include "stats.h"

struct popstore {
	const struct popstore_ops *ops;
	void		*impl;
	int		 ipv6_prefix;
};

int
popstore_prepare(const char *spec, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	if (strncmp(spec, "lmdb:", 5) == 0)
		return popstore_lmdb_prepare(spec + 5, uid, gid, err, errlen);
	return 0;
}

int
popstore_open(const char *spec, int ipv6_prefix, const char *password,
    struct popstore **out, char *err, size_t errlen)
{
	struct popstore *st;

	if (ipv6_prefix < 1 || ipv6_prefix > 128) {
		snprintf(err, errlen, "pop.ipv6_prefix %d: not in 1..128",
		    ipv6_prefix);
		return -1;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	st->ipv6_prefix = ipv6_prefix;
	if (strncmp(spec, "lmdb:", 5) == 0) {
		st->ops = &popstore_lmdb_ops;
		st->impl = popstore_lmdb_open(spec + 5, err, errlen);
	} else if (strncmp(spec, "redis://", 8) == 0) {
		st->ops = &popstore_redis_ops;
		st->impl = popstore_redis_open(spec, password, err, errlen);
	} else
		snprintf(err, errlen, "pop.store \"%s\": unknown kind", spec);
	if (st->impl == NULL) {
		free(st);
		return -1;
	}
	*out = st;
	return 0;
}

void
popstore_close(struct popstore *st)
{
	if (st == NULL)
		return;
	st->ops->close(st->impl);
	free(st);
}

const char *
popstore_kind(const struct popstore *st)
{
	return st->ops->kind;
}

int
popstore_key(const struct netaddr *a, int ipv6_prefix, char *buf,
    size_t len)
{
	uint8_t net[16];
	char ip[INET6_ADDRSTRLEN];
	int i, n;

	if (a->family == AF_INET)
		n = inet_ntop(AF_INET, a->a, ip, sizeof(ip)) ? snprintf(buf,
		    len, "%s", ip) : -1;
	else if (ipv6_prefix >= 128)
		n = inet_ntop(AF_INET6, a->a, ip, sizeof(ip)) ? snprintf(buf,
		    len, "%s", ip) : -1;
	else {
		memcpy(net, a->a, sizeof(net));
		for (i = 0; i < 16; i++) {
			int keep = ipv6_prefix - i * 8;

			if (keep <= 0)
				net[i] = 0;
			else if (keep < 8)
				net[i] &= (uint8_t)(0xff << (8 - keep));
		}
		n = inet_ntop(AF_INET6, net, ip, sizeof(ip)) ? snprintf(buf,
		    len, "%s/%d", ip, ipv6_prefix) : -1;
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
popstore_fresh(time_t when, time_t now, int window)
{
	if (when <= now)
		return now - when <= (time_t)window;
	return when - now <= (time_t)POPSTORE_SKEW;
}

int
popstore_value_parse(const char *v, size_t n, time_t *when, char *user,
    size_t ulen)
{
	long long t = 0;
	size_t i = 0;

	while (i < n && v[i] >= '0' && v[i] <= '9' && i < 19)
		t = t * 10 + (v[i++] - '0');
	if (i == 0 || i >= n || v[i] != ' ' || n - i - 1 >= ulen)
		return -1;
	memcpy(user, v + i + 1, n - i - 1);
	user[n - i - 1] = '\0';
	*when = (time_t)t;
	return 0;
}

static int
popstore_keyerr(char *err, size_t errlen)
{
	snprintf(err, errlen, "cannot make a store key of the address");
	return -1;
}

int
popstore_add(struct popstore *st, const struct netaddr *a, const char *user,
    time_t now, int window, char *err, size_t errlen)
{
	char key[POPSTORE_KEY_MAX], val[POPSTORE_VALUE_MAX];
	int n;

	if (popstore_key(a, st->ipv6_prefix, key, sizeof(key)) != 0)
		return popstore_keyerr(err, errlen);
	n = snprintf(val, sizeof(val), "%lld %s", (long long)now,
	    user != NULL ? user : "");
	if (n < 0 || (size_t)n >= sizeof(val)) {
		snprintf(err, errlen, "user name too long");
		return -1;
	}
	return st->ops->put(st->impl, key, val, window, err, errlen);
}

int
popstore_del(struct popstore *st, const struct netaddr *a, char *err,
    size_t errlen)
{
	char key[POPSTORE_KEY_MAX];

	if (popstore_key(a, st->ipv6_prefix, key, sizeof(key)) != 0)
		return popstore_keyerr(err, errlen);
	return st->ops->del(st->impl, key, err, errlen);
}

int
popstore_lookup(struct popstore *st, const struct netaddr *a, time_t now,
    int window)
{
	char key[POPSTORE_KEY_MAX], val[POPSTORE_VALUE_MAX];
	char user[POPSTORE_VALUE_MAX];
	time_t when;
	int rc;

	if (popstore_key(a, st->ipv6_prefix, key, sizeof(key)) != 0)
		return 0;
	rc = st->ops->get(st->impl, key, val, sizeof(val));
	if (rc <= 0)
		return rc;
	if (popstore_value_parse(val, strlen(val), &when, user,
	    sizeof(user)) != 0)
		return 0;
	return popstore_fresh(when, now, window);
}

int
popstore_policy(void *ctx, const struct netaddr *client, time_t now,
    int window)
{
	int rc = ctx == NULL ? -1 : popstore_lookup(ctx, client, now, window);

	stats_inc(STATS_POP_LOOKUPS);
	if (rc < 0)
		stats_inc(STATS_POP_ERRORS);
	return rc;
}

struct popstore_listing {
	time_t		 now;
	int		 window;
	popstore_list_fn fn;
	void		*arg;
	int		 count;
};

static int
popstore_list_one(void *arg, const char *key, size_t klen, const char *val,
    size_t vlen)
{
	struct popstore_listing *l = arg;
	char k[POPSTORE_KEY_MAX], user[POPSTORE_VALUE_MAX];
	struct popstore_entry e;

	if (klen >= sizeof(k) || popstore_value_parse(val, vlen, &e.when,
	    user, sizeof(user)) != 0 || !popstore_fresh(e.when, l->now,
	    l->window))
		return 0;
	memcpy(k, key, klen);
	k[klen] = '\0';
	e.key = k;
	e.user = user;
	l->count++;
	return l->fn(l->arg, &e);
}

int
popstore_list(struct popstore *st, time_t now, int window,
    popstore_list_fn fn, void *arg, char *err, size_t errlen)
{
	struct popstore_listing l = { now, window, fn, arg, 0 };

	if (st->ops->scan(st->impl, popstore_list_one, &l, err, errlen) != 0)
		return -1;
	return l.count;
}

int
popstore_purge(struct popstore *st, time_t now, int window)
{
	return st->ops->purge(st->impl, now - (time_t)window);
}
