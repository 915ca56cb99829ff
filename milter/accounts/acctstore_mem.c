/*
 * acctstore_mem: the "memory" accounts store of one process. Counters,
 * the networks seen per user and suspensions sit in one hash table under
 * one mutex, held only for a lookup and an increment (no I/O, no
 * allocation but for a new key), so every operation is exact under any
 * number of threads. Expired entries are swept when the table has grown
 * to twice what the last sweep left. Everything is lost at exit.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctstore.h"

#define ACCTSTORE_MEM_NETS_MAX	4096	/* networks kept per user */
#define ACCTSTORE_MEM_SWEEP_MIN	1024

/* Entry kinds; their keys are "<kind letter><key>". */
enum { MEM_COUNTER = 'k', MEM_SEEN = 'n', MEM_SUSP = 's' };

struct mem_net {
	char		 net[ACCTSTORE_NET_MAX];
	time_t		 when;
};

struct mem_ent {
	struct mem_ent	*next;
	uint32_t	 hash;
	long		 count;		/* counter */
	int		 window;	/* counter */
	time_t		 start;		/* counter: its first increment */
	time_t		 since;		/* suspension */
	char		*why;		/* suspension */
	struct mem_net	*nets;		/* seen */
	size_t		 nnets, capnets;
	char		 key[];		/* kind letter, then the key */
};

struct acctstore_mem {
	pthread_mutex_t	 lock;
	struct mem_ent	**tab;
	size_t		 size;		/* buckets, a power of two */
	size_t		 n;		/* entries */
	size_t		 sweep_at;
};

/* FNV-1a of kind and key. */
static uint32_t
acctstore_mem_hash(int kind, const char *key)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind;

	h *= 16777619u;
	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 16777619u;
	}
	return h;
}

static struct mem_ent **
acctstore_mem_slot(struct acctstore_mem *m, int kind, const char *key,
    uint32_t h)
{
	struct mem_ent **p = &m->tab[h & (m->size - 1)];

	for (; *p != NULL; p = &(*p)->next)
		if ((*p)->hash == h && (*p)->key[0] == kind &&
		    strcmp((*p)->key + 1, key) == 0)
			break;
	return p;
}

static void
acctstore_mem_free_ent(struct mem_ent *e)
{
	free(e->why);
	free(e->nets);
	free(e);
}

/* Double the table; on failure keep the old one (longer chains). */
static void
acctstore_mem_grow(struct acctstore_mem *m)
{
	size_t i, size = m->size * 2;
	struct mem_ent **tab = calloc(size, sizeof(*tab)), *e, *next;

	if (tab == NULL)
		return;
	for (i = 0; i < m->size; i++)
		for (e = m->tab[i]; e != NULL; e = next) {
			next = e->next;
			e->next = tab[e->hash & (size - 1)];
			tab[e->hash & (size - 1)] = e;
		}
	free(m->tab);
	m->tab = tab;
	m->size = size;
}

/* Forget the networks last seen window seconds or more before now. */
static void
acctstore_mem_nets_expire(struct mem_ent *e, time_t now, int window)
{
	size_t i, o = 0;

	for (i = 0; i < e->nnets; i++)
		if (e->nets[i].when > now - window)
			e->nets[o++] = e->nets[i];
	e->nnets = o;
}

/* 1 if e is of no use any more at now. */
static int
acctstore_mem_dead(const struct mem_ent *e, time_t now)
{
	if (e->key[0] == MEM_COUNTER)
		return now >= e->start + e->window;
	if (e->key[0] == MEM_SEEN)
		/* the latest sighting, older than the longest window */
		return e->nnets == 0 || e->window <= 0 ||
		    now - e->start >= e->window;
	return 0;
}

static void
acctstore_mem_sweep(struct acctstore_mem *m, time_t now)
{
	size_t i;

	for (i = 0; i < m->size; i++) {
		struct mem_ent **p = &m->tab[i];

		while (*p != NULL) {
			struct mem_ent *e = *p;

			if (acctstore_mem_dead(e, now)) {
				*p = e->next;
				acctstore_mem_free_ent(e);
				m->n--;
			} else
				p = &e->next;
		}
	}
	m->sweep_at = m->n * 2 > ACCTSTORE_MEM_SWEEP_MIN ? m->n * 2 :
	    ACCTSTORE_MEM_SWEEP_MIN;
}

/* The entry of kind and key, made (zeroed) if missing; NULL: no memory. */
static struct mem_ent *
acctstore_mem_get(struct acctstore_mem *m, int kind, const char *key,
    time_t now, int create)
{
	uint32_t h = acctstore_mem_hash(kind, key);
	struct mem_ent **p = acctstore_mem_slot(m, kind, key, h), *e;
	size_t kl;

	if (*p != NULL || !create)
		return *p;
	if (m->n >= m->sweep_at) {
		acctstore_mem_sweep(m, now);
		if (m->n >= m->size)
			acctstore_mem_grow(m);
		p = acctstore_mem_slot(m, kind, key, h);
	}
	kl = strlen(key);
	if ((e = calloc(1, sizeof(*e) + kl + 2)) == NULL)
		return NULL;
	e->hash = h;
	e->key[0] = (char)kind;
	memcpy(e->key + 1, key, kl + 1);
	*p = e;
	m->n++;
	return e;
}

/* A counter's value at now: 0 once its window is over. */
static long
acctstore_mem_value(const struct mem_ent *e, time_t now)
{
	return e == NULL || now >= e->start + e->window ? 0 : e->count;
}

static int
acctstore_mem_charge_locked(struct acctstore_mem *m,
    const struct acctstore_counter *c, int n, time_t now, long *counts)
{
	struct mem_ent *e[2];
	int i, over = ACCTSTORE_COUNTED;

	for (i = 0; i < n; i++) {
		if ((e[i] = acctstore_mem_get(m, MEM_COUNTER, c[i].key, now,
		    1)) == NULL)
			return -1;
		if (acctstore_mem_value(e[i], now) == 0) {
			/* a new window starts with this increment */
			e[i]->count = 0;
			e[i]->start = now;
			e[i]->window = c[i].window;
		}
		if (over == ACCTSTORE_COUNTED && e[i]->count >= c[i].limit)
			over = ACCTSTORE_OVER(i);
	}
	for (i = 0; i < n; i++) {
		if (over == ACCTSTORE_COUNTED)
			e[i]->count++;
		if (counts != NULL)
			counts[i] = e[i]->count;
	}
	return over;
}

static int
acctstore_mem_charge(void *impl, const struct acctstore_counter *c, int n,
    time_t now, long *counts)
{
	struct acctstore_mem *m = impl;
	int r;

	if (n < 1 || n > 2)
		return -1;
	pthread_mutex_lock(&m->lock);
	r = acctstore_mem_charge_locked(m, c, n, now, counts);
	pthread_mutex_unlock(&m->lock);
	return r;
}

static int
acctstore_mem_seen_locked(struct acctstore_mem *m, const char *user,
    const char *net, time_t now, int window)
{
	struct mem_ent *e = acctstore_mem_get(m, MEM_SEEN, user, now, 1);
	size_t i;

	if (e == NULL)
		return -1;
	acctstore_mem_nets_expire(e, now, window);
	e->start = now;			/* the latest sighting */
	e->window = window;
	for (i = 0; i < e->nnets; i++)
		if (strcmp(e->nets[i].net, net) == 0) {
			e->nets[i].when = now;
			return (int)e->nnets;
		}
	if (e->nnets == e->capnets) {
		size_t cap = e->capnets ? e->capnets * 2 : 8;
		struct mem_net *nn;

		/* past the cap a new network still counts as one more */
		if (cap > ACCTSTORE_MEM_NETS_MAX)
			return (int)e->nnets + 1;
		if ((nn = realloc(e->nets, cap * sizeof(*nn))) == NULL)
			return -1;
		e->nets = nn;
		e->capnets = cap;
	}
	snprintf(e->nets[e->nnets].net, sizeof(e->nets[0].net), "%s", net);
	e->nets[e->nnets++].when = now;
	return (int)e->nnets;
}

static int
acctstore_mem_seen(void *impl, const char *user, const char *net,
    time_t now, int window)
{
	struct acctstore_mem *m = impl;
	int r;

	pthread_mutex_lock(&m->lock);
	r = acctstore_mem_seen_locked(m, user, net, now, window);
	pthread_mutex_unlock(&m->lock);
	return r;
}

/* The suspension of user: 1 (since, why filled), 0. Locked. */
static int
acctstore_mem_susp_get_locked(struct acctstore_mem *m, const char *user,
    time_t *since, char *why, size_t whylen)
{
	struct mem_ent *e = acctstore_mem_get(m, MEM_SUSP, user, 0, 0);

	if (e == NULL)
		return 0;
	*since = e->since;
	if (why != NULL)
		snprintf(why, whylen, "%s", e->why ? e->why : "");
	return 1;
}

static int
acctstore_mem_susp_get(void *impl, const char *user, time_t *since,
    char *why, size_t whylen)
{
	struct acctstore_mem *m = impl;
	int r;

	pthread_mutex_lock(&m->lock);
	r = acctstore_mem_susp_get_locked(m, user, since, why, whylen);
	pthread_mutex_unlock(&m->lock);
	return r;
}

/* Suspend user unless it is: 1 new, 0 already, -1 no memory. Locked. */
static int
acctstore_mem_susp_set_locked(struct acctstore_mem *m, const char *user,
    time_t since, const char *why)
{
	struct mem_ent *e = acctstore_mem_get(m, MEM_SUSP, user, since, 1);

	if (e == NULL)
		return -1;
	if (e->why != NULL)
		return 0;
	if ((e->why = strdup(why != NULL ? why : "")) == NULL)
		return -1;
	e->since = since;
	return 1;
}

static int
acctstore_mem_susp_set(void *impl, const char *user, time_t since,
    const char *why, char *err, size_t errlen)
{
	struct acctstore_mem *m = impl;
	int r;

	pthread_mutex_lock(&m->lock);
	r = acctstore_mem_susp_set_locked(m, user, since, why);
	pthread_mutex_unlock(&m->lock);
	if (r < 0)
		snprintf(err, errlen, "out of memory");
	return r;
}

/*
 * Steps 2 to 4 of decide under one lock (this store keeps no POP
 * logins: the front end asks decide only without a POP lookup).
 */
static void
acctstore_mem_decide_locked(struct acctstore_mem *m,
    const struct acctstore_query *q, struct acctstore_answer *a)
{
	if (q->user != NULL) {
		a->suspended = acctstore_mem_susp_get_locked(m, q->user,
		    &a->since, a->why, sizeof(a->why));
		if (a->suspended == 0 && q->user_clients > 0 &&
		    q->net != NULL) {
			a->networks = acctstore_mem_seen_locked(m, q->user,
			    q->net, q->now, q->user_clients_window);
			if (a->networks < 0)
				a->suspended = -1;
			else if (a->networks > q->user_clients) {
				snprintf(a->why, sizeof(a->why), "%d client "
				    "networks within %ds", a->networks,
				    q->user_clients_window);
				a->suspended = acctstore_mem_susp_set_locked(m,
				    q->user, q->now, a->why) < 0 ? -1 : 1;
				a->newly_suspended = a->suspended == 1;
				a->since = q->now;
			}
		}
	}
	if (a->suspended == 0 && (q->charge_flags &
	    ACCTSTORE_CHARGE_POP_MISS) && q->ncounters > 0)
		a->charge = acctstore_mem_charge_locked(m, q->counters,
		    q->ncounters, q->now, a->counts);
}

static int
acctstore_mem_decide(void *impl, const struct acctstore_query *q,
    struct acctstore_answer *a)
{
	struct acctstore_mem *m = impl;

	memset(a, 0, sizeof(*a));
	a->charge = ACCTSTORE_NOT_CHARGED;
	if (q->pop_key != NULL || q->ncounters > 2) {
		a->pop = a->suspended = a->charge = -1;
		return -1;
	}
	pthread_mutex_lock(&m->lock);
	acctstore_mem_decide_locked(m, q, a);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* Remove kind/key; 1 removed, 0 absent. Locked. */
static int
acctstore_mem_remove(struct acctstore_mem *m, int kind, const char *key)
{
	struct mem_ent **p = acctstore_mem_slot(m, kind, key,
	    acctstore_mem_hash(kind, key)), *e = *p;

	if (e == NULL)
		return 0;
	*p = e->next;
	acctstore_mem_free_ent(e);
	m->n--;
	return 1;
}

static int
acctstore_mem_susp_del(void *impl, const char *user, char *err,
    size_t errlen)
{
	struct acctstore_mem *m = impl;
	int r;

	(void)err;
	(void)errlen;
	pthread_mutex_lock(&m->lock);
	r = acctstore_mem_remove(m, MEM_SUSP, user);
	(void)acctstore_mem_remove(m, MEM_SEEN, user);
	pthread_mutex_unlock(&m->lock);
	return r;
}

/* The record of a live entry (counter or suspension); 0 if none. */
static int
acctstore_mem_rec(const struct mem_ent *e, time_t now,
    struct acctstore_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->key = e->key + 1;
	if (e->key[0] == MEM_SUSP) {
		r->type = ACCTSTORE_REC_SUSPENSION;
		r->since = e->since;
		r->why = e->why;
		return 1;
	}
	if (e->key[0] != MEM_COUNTER || acctstore_mem_value(e, now) == 0)
		return 0;
	r->type = ACCTSTORE_REC_COUNTER;
	r->count = e->count;
	r->window = e->window;
	r->start = e->start;
	return 1;
}

static int
acctstore_mem_scan(void *impl, time_t now, acctstore_scan_fn fn, void *arg,
    char *err, size_t errlen)
{
	struct acctstore_mem *m = impl;
	struct acctstore_rec r;
	const struct mem_ent *e;
	size_t i;
	int stop = 0;

	(void)err;
	(void)errlen;
	/* fn runs under the lock: it must not call back into the store */
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->size && !stop; i++)
		for (e = m->tab[i]; e != NULL && !stop; e = e->next)
			if (acctstore_mem_rec(e, now, &r))
				stop = fn(arg, &r) != 0;
	pthread_mutex_unlock(&m->lock);
	return 0;
}

static void
acctstore_mem_close(void *impl)
{
	struct acctstore_mem *m = impl;
	struct mem_ent *e, *next;
	size_t i;

	for (i = 0; i < m->size; i++)
		for (e = m->tab[i]; e != NULL; e = next) {
			next = e->next;
			acctstore_mem_free_ent(e);
		}
	free(m->tab);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

void *
acctstore_mem_open(char *err, size_t errlen)
{
	struct acctstore_mem *m = calloc(1, sizeof(*m));

	if (m == NULL || (m->tab = calloc(1024, sizeof(*m->tab))) == NULL) {
		free(m);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->size = 1024;
	m->sweep_at = ACCTSTORE_MEM_SWEEP_MIN;
	pthread_mutex_init(&m->lock, NULL);
	return m;
}

const struct acctstore_ops acctstore_mem_ops = {
	.kind = "memory",
	.charge = acctstore_mem_charge,
	.seen = acctstore_mem_seen,
	.susp_get = acctstore_mem_susp_get,
	.susp_set = acctstore_mem_susp_set,
	.susp_del = acctstore_mem_susp_del,
	.scan = acctstore_mem_scan,
	.decide = acctstore_mem_decide,
	.close = acctstore_mem_close,
};
