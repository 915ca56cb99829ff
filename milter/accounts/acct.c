/*
 * acct: the accounts store's front end (see acct.h). It names the keys
 * ("u:<user>", "c:<net>"), answers the engine's limits callback with the
 * backend's one-step decide when it has one (a POP lookup it cannot make
 * is made first), else with the backend's single operations in decide's
 * order,
 * and logs and counts new suspensions.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "acct.h"
#include "acctstore.h"
#include "log.h"
#include "popstore.h"
#include "stats.h"

struct acct {
	const struct acctstore_ops *ops;
	void		*impl;
	int		 pop_shared;	/* decide can look POP logins up */
};

/* The counters of one query: [user][client] as set, and which is which. */
struct acct_keys {
	char		 ukey[ACCTSTORE_KEY_MAX];
	char		 ckey[ACCTSTORE_KEY_MAX];
	char		 net[ACCTSTORE_NET_MAX];
	struct acctstore_counter c[2];
	int		 n;
	int		 which[2];	/* POLICY_LIMITS_OVER_USER/_CLIENT */
};

int
acct_prepare(const char *spec, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	return popstore_prepare(spec, uid, gid, err, errlen);
}

int
acct_open(const char *spec, const char *password, const char *pop_spec,
    struct acct **out, char *err, size_t errlen)
{
	struct acct *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (strcmp(spec, "memory") == 0) {
		a->ops = &acctstore_mem_ops;
		a->impl = acctstore_mem_open(err, errlen);
	} else if (strncmp(spec, "lmdb:", 5) == 0) {
		a->ops = &acctstore_lmdb_ops;
		a->impl = acctstore_lmdb_open(spec + 5, err, errlen);
	} else if (strncmp(spec, "redis://", 8) == 0) {
		a->pop_shared = pop_spec != NULL && strcmp(pop_spec, spec) == 0;
		a->ops = &acctstore_redis_ops;
		a->impl = acctstore_redis_open(spec, password, a->pop_shared,
		    err, errlen);
	} else
		snprintf(err, errlen, "limits.store \"%s\": unknown kind",
		    spec);
	if (a->impl == NULL) {
		free(a);
		return -1;
	}
	*out = a;
	return 0;
}

void
acct_close(struct acct *a)
{
	if (a == NULL)
		return;
	a->ops->close(a->impl);
	free(a);
}

const char *
acct_kind(const struct acct *a)
{
	return a->ops->kind;
}

int
acct_net(const struct netaddr *a, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	/* The POP store's key with a /64: IPv4 exact, IPv6 per network. */
	if (a->family != AF_INET)
		return popstore_key(a, 64, buf, len);
	if (len < 16)
		return -1;
	/* by hand: this runs for every relayed recipient */
	for (i = 0; i < 4; i++) {
		unsigned v = a->a[i];

		if (v >= 100)
			buf[o++] = (char)('0' + v / 100);
		if (v >= 10)
			buf[o++] = (char)('0' + v / 10 % 10);
		buf[o++] = (char)('0' + v % 10);
		buf[o++] = i < 3 ? '.' : '\0';
	}
	return 0;
}

/* prefix and s into buf: 0, or -1 if it does not fit. */
static int
acct_key(const char *prefix, const char *s, char *buf, size_t len)
{
	size_t p = strlen(prefix), n = strlen(s);

	if (p + n >= len)
		return -1;
	memcpy(buf, prefix, p);
	memcpy(buf + p, s, n + 1);
	return 0;
}

/* The counters q charges, with their keys; -1 if a key does not fit. */
static int
acct_keys(const struct policy_limits_query *q, struct acct_keys *k)
{
	k->n = 0;
	k->net[0] = '\0';
	if (q->client != NULL && acct_net(q->client, k->net,
	    sizeof(k->net)) != 0)
		return -1;
	if (q->user != NULL && q->user_limit.n > 0) {
		if (acct_key("u:", q->user, k->ukey, sizeof(k->ukey)) != 0)
			return -1;
		k->c[k->n].key = k->ukey;
		k->c[k->n].limit = q->user_limit.n;
		k->c[k->n].window = q->user_limit.window;
		k->which[k->n++] = POLICY_LIMITS_OVER_USER;
	}
	if (k->net[0] != '\0' && q->client_limit.n > 0) {
		(void)acct_key("c:", k->net, k->ckey, sizeof(k->ckey));
		k->c[k->n].key = k->ckey;
		k->c[k->n].limit = q->client_limit.n;
		k->c[k->n].window = q->client_limit.window;
		k->which[k->n++] = POLICY_LIMITS_OVER_CLIENT;
	}
	return 0;
}

/* The reason a suspension by the networks limit is kept with. */
static void
acct_why(long networks, int window, char *buf, size_t len)
{
	snprintf(buf, len, "%ld client networks within %ds", networks,
	    window);
}

/* The one warning line of a new suspension, and its counter. */
static void
acct_log_suspended(const char *user, int networks,
    const struct policy_limits_query *q, time_t since)
{
	char u[300], when[32];
	struct tm tm;

	gmtime_r(&since, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	stats_inc(STATS_SUSPENDED);
	log_msg(LOG_WARNING, "suspended user=%s networks=%d limit=%ld "
	    "window=%ds since=%s: authenticated from more client networks "
	    "than limits.user_clients allows; relaying is off until "
	    "\"relayctl unsuspend\"", log_clean(user, u, sizeof(u)), networks,
	    q->user_clients.n, q->user_clients.window, when);
}

/* decide's charge answer in the engine's words. */
static int
acct_charge_answer(int charge, const struct acct_keys *k)
{
	if (charge == ACCTSTORE_COUNTED)
		return POLICY_LIMITS_COUNTED;
	if (charge >= 1 && charge <= k->n)
		return k->which[charge - 1];
	if (charge == ACCTSTORE_NOT_CHARGED)
		return POLICY_LIMITS_NOT_CHARGED;
	return POLICY_LIMITS_FAILED;
}

/* Steps 2 and 3 of decide: the suspension, and the networks seen. */
static void
acct_compose_susp(struct acct *a, const struct acctstore_query *sq,
    struct acctstore_answer *sa)
{
	char err[256];
	int r;

	sa->suspended = a->ops->susp_get(a->impl, sq->user, &sa->since,
	    sa->why, sizeof(sa->why));
	if (sa->suspended != 0 || sq->user_clients <= 0 || sq->net == NULL)
		return;
	sa->networks = a->ops->seen(a->impl, sq->user, sq->net, sq->now,
	    sq->user_clients_window);
	if (sa->networks < 0) {
		sa->suspended = -1;
		return;
	}
	if (sa->networks <= sq->user_clients)
		return;
	acct_why(sa->networks, sq->user_clients_window, sa->why,
	    sizeof(sa->why));
	r = a->ops->susp_set(a->impl, sq->user, sq->now, sa->why, err,
	    sizeof(err));
	sa->suspended = r < 0 ? -1 : 1;
	sa->newly_suspended = r == 1;
	sa->since = sq->now;
}

/* decide composed of the single operations, in decide's order. */
static void
acct_compose(struct acct *a, const struct policy_limits_query *q,
    const struct acctstore_query *sq, struct acctstore_answer *sa)
{
	int hit;

	memset(sa, 0, sizeof(*sa));
	sa->charge = ACCTSTORE_NOT_CHARGED;
	if (q->need_pop) {
		sa->pop = q->pop == NULL || q->client == NULL ? -1 :
		    q->pop(q->pop_ctx, q->client, q->now, q->pop_window);
		if (sa->pop < 0)
			return;
	}
	if (sq->user != NULL)
		acct_compose_susp(a, sq, sa);
	hit = sa->pop > 0 ? ACCTSTORE_CHARGE_POP_HIT :
	    ACCTSTORE_CHARGE_POP_MISS;
	if (sa->suspended == 0 && (sq->charge_flags & hit) &&
	    sq->ncounters > 0)
		sa->charge = a->ops->charge(a->impl, sq->counters,
		    sq->ncounters, sq->now, sa->counts);
}

/*
 * decide in one step. A POP lookup the backend cannot make (the POP
 * store is elsewhere) is made first; decide then gets its answer as the
 * charge flags of a "no hit", so the rest is still one step (Redis: one
 * request). 0, or -1 if the store could not be asked.
 */
static int
acct_decide(struct acct *a, const struct policy_limits_query *q,
    struct acctstore_query *sq, struct acctstore_answer *sa)
{
	char pkey[POPSTORE_KEY_MAX];
	int hit;

	sq->pop_window = q->pop_window;
	if (!q->need_pop)
		return a->ops->decide(a->impl, sq, sa);
	if (a->pop_shared && q->client != NULL &&
	    popstore_key(q->client, 64, pkey, sizeof(pkey)) == 0) {
		/* One round trip: the POP key is the POP store's own. */
		sq->pop_key = pkey;
		return a->ops->decide(a->impl, sq, sa);
	}
	hit = q->pop == NULL || q->client == NULL ? -1 :
	    q->pop(q->pop_ctx, q->client, q->now, q->pop_window);
	if (hit < 0) {
		/* as acct_compose: nothing else is asked */
		memset(sa, 0, sizeof(*sa));
		sa->pop = -1;
		sa->charge = ACCTSTORE_NOT_CHARGED;
		return 0;
	}
	sq->charge_flags = sq->charge_flags & (hit > 0 ?
	    ACCTSTORE_CHARGE_POP_HIT : ACCTSTORE_CHARGE_POP_MISS) ?
	    ACCTSTORE_CHARGE_POP_MISS : 0;
	if (a->ops->decide(a->impl, sq, sa) != 0)
		return -1;
	sa->pop = hit;
	return 0;
}

int
acct_policy(void *ctx, const struct policy_limits_query *q,
    struct policy_limits_answer *ans)
{
	struct acct_ctx *x = ctx;
	struct acct_keys k;
	struct acctstore_query sq;
	struct acctstore_answer sa;
	int i;

	if (x == NULL || x->acct == NULL || acct_keys(q, &k) != 0)
		return -1;
	memset(&sq, 0, sizeof(sq));
	sq.now = q->now;
	sq.user = q->user;
	sq.net = k.net[0] != '\0' ? k.net : NULL;
	sq.user_clients = q->user_clients.n;
	sq.user_clients_window = q->user_clients.window;
	sq.counters = k.c;
	sq.ncounters = k.n;
	sq.charge_flags = q->charge_flags;
	if (x->acct->ops->decide != NULL) {
		if (acct_decide(x->acct, q, &sq, &sa) != 0)
			return -1;
	} else
		acct_compose(x->acct, q, &sq, &sa);
	if (sa.newly_suspended)
		acct_log_suspended(q->user, sa.networks, q, sa.since);
	ans->pop = sa.pop;
	ans->suspended = sa.suspended;
	ans->charge = acct_charge_answer(sa.charge, &k);
	for (i = 0; i < k.n; i++) {
		if (k.which[i] == POLICY_LIMITS_OVER_USER)
			ans->user_count = sa.counts[i];
		else
			ans->client_count = sa.counts[i];
	}
	return 0;
}

int
acct_suspend(struct acct *a, const char *user, time_t now, const char *why,
    char *err, size_t errlen)
{
	int r = a->ops->susp_set(a->impl, user, now, why, err, errlen);

	if (r == 1)
		stats_inc(STATS_SUSPENDED);
	return r;
}

int
acct_unsuspend(struct acct *a, const char *user, char *err, size_t errlen)
{
	return a->ops->susp_del(a->impl, user, err, errlen);
}

struct acct_scan {
	acct_list_fn	 fn;
	void		*arg;
};

/* One backend record as relayctl accounts shows it. */
static int
acct_scan_one(void *arg, const struct acctstore_rec *r)
{
	struct acct_scan *s = arg;
	struct acct_entry e;

	memset(&e, 0, sizeof(e));
	e.user = e.client = e.why = "";
	if (r->type == ACCTSTORE_REC_SUSPENSION) {
		e.user = r->key;
		e.since = r->since;
		e.why = r->why != NULL ? r->why : "";
	} else if (strncmp(r->key, "u:", 2) == 0)
		e.user = r->key + 2;
	else if (strncmp(r->key, "c:", 2) == 0)
		e.client = r->key + 2;
	else
		return 0;
	e.count = r->count;
	e.window = r->window;
	e.start = r->start;
	return s->fn(s->arg, &e);
}

int
acct_list(struct acct *a, time_t now, acct_list_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct acct_scan s = { fn, arg };

	return a->ops->scan(a->impl, now, acct_scan_one, &s, err, errlen);
}
