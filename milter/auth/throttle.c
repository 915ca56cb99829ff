/*
 * throttle: two tables of (key, failures, window start), one keyed by
 * client network, one by user name, each a chained hash over a fixed
 * pool of entries with a least-recently-failed list, behind one mutex
 * held for a lookup. A full table reuses the entry that failed longest
 * ago (the list's oldest end, whose window is the likeliest to be over),
 * so keys never share a slot and a new key never resets another one's
 * count while an older one exists.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "netset.h"
#include "strmap.h"
#include "throttle.h"

#define THROTTLE_BUCKETS	1024

struct throttle_entry {
	struct throttle_entry *hnext;		/* hash chain */
	struct throttle_entry *older, *newer;	/* least-recently-failed list */
	char		 key[THROTTLE_KEY_MAX];
	int		 failures;
	time_t		 start;
};

struct throttle_table {
	struct throttle_entry *bucket[THROTTLE_BUCKETS];
	struct throttle_entry  pool[THROTTLE_ENTRIES];
	size_t		 used;
	struct throttle_entry *oldest, *newest;
};

static struct throttle_table throttle_clients, throttle_users;
static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;

int
throttle_client_key(const char *rip, char *key, size_t len)
{
	struct netaddr a;
	char buf[64];

	key[0] = '\0';
	if (rip == NULL || *rip == '\0' || netaddr_parse(rip, &a) != 0)
		return -1;
	if (a.family == AF_INET6) {
		memset(a.a + 8, 0, 8);
		snprintf(key, len, "%s/64", netaddr_format(&a, buf,
		    sizeof(buf)));
	} else
		netaddr_format(&a, key, len);
	return 0;
}

static struct throttle_entry **
throttle_chain(struct throttle_table *t, const char *key)
{
	return &t->bucket[strmap_hash(key, strlen(key)) % THROTTLE_BUCKETS];
}

static struct throttle_entry *
throttle_find(struct throttle_table *t, const char *key)
{
	struct throttle_entry *e = *throttle_chain(t, key);

	while (e != NULL && strcmp(e->key, key) != 0)
		e = e->hnext;
	return e;
}

static void
throttle_unlist(struct throttle_table *t, struct throttle_entry *e)
{
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	e->older = e->newer = NULL;
}

static void
throttle_list_newest(struct throttle_table *t, struct throttle_entry *e)
{
	e->older = t->newest;
	e->newer = NULL;
	if (t->newest != NULL)
		t->newest->newer = e;
	else
		t->oldest = e;
	t->newest = e;
}

static void
throttle_unhash(struct throttle_table *t, struct throttle_entry *e)
{
	struct throttle_entry **pp = throttle_chain(t, e->key);

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
}

/* A fresh entry for key: a free one, else the one that failed longest ago. */
static struct throttle_entry *
throttle_take(struct throttle_table *t, const char *key)
{
	struct throttle_entry *e, **chain;

	if (t->used < THROTTLE_ENTRIES)
		e = &t->pool[t->used++];
	else {
		e = t->oldest;
		throttle_unlist(t, e);
		throttle_unhash(t, e);
	}
	memset(e, 0, sizeof(*e));
	snprintf(e->key, sizeof(e->key), "%s", key);
	chain = throttle_chain(t, e->key);
	e->hnext = *chain;
	*chain = e;
	return e;
}

static void
throttle_count(struct throttle_table *t, const char *key, time_t now,
    int window)
{
	struct throttle_entry *e = throttle_find(t, key);

	if (e == NULL)
		e = throttle_take(t, key);
	else
		throttle_unlist(t, e);
	/* A window starts at its first failure; later ones do not extend it. */
	if (e->failures == 0 || now - e->start >= window) {
		e->failures = 0;
		e->start = now;
	}
	e->failures++;
	throttle_list_newest(t, e);
}

static int
throttle_over(struct throttle_table *t, const char *key, time_t now,
    int max, int window)
{
	struct throttle_entry *e;
	int over = 0;

	pthread_mutex_lock(&throttle_lock);
	e = throttle_find(t, key);
	if (e != NULL && now - e->start < window)
		over = e->failures >= max;
	pthread_mutex_unlock(&throttle_lock);
	return over;
}

/* A key as the table keeps it: at most THROTTLE_KEY_MAX - 1 bytes. */
static void
throttle_user_key(const char *user, char *key)
{
	snprintf(key, THROTTLE_KEY_MAX, "%s", user);
}

int
throttle_blocked(const char *rip, time_t now, int max, int window)
{
	char key[THROTTLE_KEY_MAX];

	if (max <= 0 || throttle_client_key(rip, key, sizeof(key)) != 0)
		return 0;
	return throttle_over(&throttle_clients, key, now, max, window);
}

int
throttle_user_over(const char *user, time_t now, int budget, int window)
{
	char key[THROTTLE_KEY_MAX];

	if (budget <= 0 || user == NULL || *user == '\0')
		return 0;
	throttle_user_key(user, key);
	return throttle_over(&throttle_users, key, now, budget, window);
}

void
throttle_failed(const char *rip, const char *user, time_t now, int window)
{
	char ckey[THROTTLE_KEY_MAX], ukey[THROTTLE_KEY_MAX];
	int client = throttle_client_key(rip, ckey, sizeof(ckey)) == 0;
	int named = user != NULL && *user != '\0';

	if (named)
		throttle_user_key(user, ukey);
	pthread_mutex_lock(&throttle_lock);
	if (client)
		throttle_count(&throttle_clients, ckey, now, window);
	if (named)
		throttle_count(&throttle_users, ukey, now, window);
	pthread_mutex_unlock(&throttle_lock);
}
