/*
 * acctstore_lmdb: the "lmdb:/dir" accounts store, for every process of
 * one host, kept across restarts. Each operation is one LMDB
 * transaction; LMDB serialises writers across threads and processes, so
 * a charge reads and increments its counters with no increment lost.
 * Keys are the front end's with a kind letter before them: "k" counter
 * ("<count> <start> <window>"), "n" networks seen ("<net> <when>" lines),
 * "s" suspension ("<since> <why>").
 */
#include "config.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctstore.h"
#include "lmdbenv.h"

#define ACCTSTORE_LMDB_MAPSIZE	((size_t)64 << 20)
#define ACCTSTORE_LMDB_VAL_MAX	8192	/* the networks of one user */

struct acctstore_lmdb {
	MDB_env		*env;
	MDB_dbi		 dbi;
};

struct lmdb_counter {
	long		 count;
	time_t		 start;
	int		 window;
};

/* The stored key of kind and key into buf. */
static MDB_val
acctstore_lmdb_key(int kind, const char *key, char *buf, size_t len)
{
	MDB_val k;
	int n = snprintf(buf, len, "%c%s", kind, key);

	k.mv_size = n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
	k.mv_data = buf;
	return k;
}

/* The value at kind/key as a string in buf: 1, 0 absent, -1. */
static int
acctstore_lmdb_get(struct acctstore_lmdb *s, MDB_txn *txn, int kind,
    const char *key, char *buf, size_t len)
{
	char kb[ACCTSTORE_KEY_MAX + 2];
	MDB_val k = acctstore_lmdb_key(kind, key, kb, sizeof(kb)), v;
	int rc = mdb_get(txn, s->dbi, &k, &v);

	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return -1;
	if (v.mv_size >= len)
		v.mv_size = len - 1;
	memcpy(buf, v.mv_data, v.mv_size);
	buf[v.mv_size] = '\0';
	return 1;
}

/* Put val (NULL: delete) at kind/key: 0, or -1. */
static int
acctstore_lmdb_put(struct acctstore_lmdb *s, MDB_txn *txn, int kind,
    const char *key, const char *val)
{
	char kb[ACCTSTORE_KEY_MAX + 2];
	MDB_val k = acctstore_lmdb_key(kind, key, kb, sizeof(kb)), v;
	int rc;

	if (val == NULL) {
		rc = mdb_del(txn, s->dbi, &k, NULL);
		return rc == 0 || rc == MDB_NOTFOUND ? 0 : -1;
	}
	v.mv_size = strlen(val);
	v.mv_data = (void *)val;
	return mdb_put(txn, s->dbi, &k, &v, 0) == 0 ? 0 : -1;
}

/* A counter at now (0 when absent, unreadable or over). */
static void
acctstore_lmdb_counter(struct acctstore_lmdb *s, MDB_txn *txn,
    const char *key, time_t now, struct lmdb_counter *c)
{
	char buf[96];
	long long start = 0;

	memset(c, 0, sizeof(*c));
	if (acctstore_lmdb_get(s, txn, 'k', key, buf, sizeof(buf)) != 1 ||
	    sscanf(buf, "%ld %lld %d", &c->count, &start, &c->window) != 3) {
		memset(c, 0, sizeof(*c));
		return;
	}
	c->start = (time_t)start;
	if (c->window <= 0 || now >= c->start + c->window)
		memset(c, 0, sizeof(*c));
}

static int
acctstore_lmdb_charge_txn(struct acctstore_lmdb *s, MDB_txn *txn,
    const struct acctstore_counter *c, int n, time_t now, long *counts)
{
	struct lmdb_counter v[2];
	char buf[96];
	int i, over = ACCTSTORE_COUNTED;

	for (i = 0; i < n; i++) {
		acctstore_lmdb_counter(s, txn, c[i].key, now, &v[i]);
		if (v[i].count == 0) {
			/* a new window starts with this increment */
			v[i].start = now;
			v[i].window = c[i].window;
		}
		if (over == ACCTSTORE_COUNTED && v[i].count >= c[i].limit)
			over = ACCTSTORE_OVER(i);
	}
	for (i = 0; i < n; i++) {
		if (over == ACCTSTORE_COUNTED) {
			v[i].count++;
			snprintf(buf, sizeof(buf), "%ld %lld %d", v[i].count,
			    (long long)v[i].start, v[i].window);
			if (acctstore_lmdb_put(s, txn, 'k', c[i].key, buf) != 0)
				return -1;
		}
		if (counts != NULL)
			counts[i] = v[i].count;
	}
	return over;
}

static int acctstore_lmdb_purge(struct acctstore_lmdb *s, time_t now);

static int
acctstore_lmdb_charge(void *impl, const struct acctstore_counter *c, int n,
    time_t now, long *counts)
{
	struct acctstore_lmdb *s = impl;
	MDB_txn *txn;
	int r, tries;

	if (n < 1 || n > 2)
		return -1;
	for (tries = 0; tries < 2; tries++) {
		if (mdb_txn_begin(s->env, NULL, 0, &txn) != 0)
			return -1;
		r = acctstore_lmdb_charge_txn(s, txn, c, n, now, counts);
		if (r == ACCTSTORE_COUNTED && mdb_txn_commit(txn) == 0)
			return r;
		if (r != ACCTSTORE_COUNTED) {
			mdb_txn_abort(txn);
			if (r > 0)
				return r;
		}
		/* a full map: drop what has expired and try once more */
		if (acctstore_lmdb_purge(s, now) <= 0)
			break;
	}
	return -1;
}

/* Keep the networks of list seen within window, add net: the count. */
static int
acctstore_lmdb_nets(const char *list, const char *net, time_t now,
    int window, char *out, size_t len)
{
	char n[ACCTSTORE_NET_MAX + 1];
	long long when;
	size_t o = 0;
	int count = 0, w;
	const char *p;

	for (p = list; *p != '\0'; p = strchr(p, '\n') ? strchr(p, '\n') + 1 :
	    p + strlen(p)) {
		if (sscanf(p, "%64s %lld", n, &when) != 2 ||
		    (time_t)when <= now - window || strcmp(n, net) == 0)
			continue;
		w = snprintf(out + o, len - o, "%s %lld\n", n, when);
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
		count++;
	}
	if (snprintf(out + o, len - o, "%s %lld\n", net, (long long)now) <
	    (int)(len - o))
		count++;
	else
		count++;	/* no room to keep it, still one more */
	return count;
}

/* seen inside txn: the number of networks, or -1. */
static int
acctstore_lmdb_seen_txn(struct acctstore_lmdb *s, MDB_txn *txn,
    const char *user, const char *net, time_t now, int window)
{
	char *cur = malloc(ACCTSTORE_LMDB_VAL_MAX);
	char *next = malloc(ACCTSTORE_LMDB_VAL_MAX);
	int r = -1, got;

	if (cur == NULL || next == NULL)
		goto out;
	got = acctstore_lmdb_get(s, txn, 'n', user, cur,
	    ACCTSTORE_LMDB_VAL_MAX);
	if (got < 0)
		goto out;
	if (got == 0)
		cur[0] = '\0';
	r = acctstore_lmdb_nets(cur, net, now, window, next,
	    ACCTSTORE_LMDB_VAL_MAX);
	if (acctstore_lmdb_put(s, txn, 'n', user, next) != 0)
		r = -1;
out:
	free(cur);
	free(next);
	return r;
}

static int
acctstore_lmdb_seen(void *impl, const char *user, const char *net,
    time_t now, int window)
{
	struct acctstore_lmdb *s = impl;
	MDB_txn *txn;
	int r;

	if (mdb_txn_begin(s->env, NULL, 0, &txn) != 0)
		return -1;
	r = acctstore_lmdb_seen_txn(s, txn, user, net, now, window);
	if (r < 0)
		mdb_txn_abort(txn);
	else if (mdb_txn_commit(txn) != 0)
		r = -1;
	return r;
}

/* The suspension of user inside txn: 1 (since, why), 0, -1. */
static int
acctstore_lmdb_susp_txn(struct acctstore_lmdb *s, MDB_txn *txn,
    const char *user, time_t *since, char *why, size_t whylen)
{
	char buf[ACCTSTORE_WHY_MAX + 32], *sp;
	int r = acctstore_lmdb_get(s, txn, 's', user, buf, sizeof(buf));

	if (r != 1)
		return r;
	*since = (time_t)strtoll(buf, &sp, 10);
	if (why != NULL)
		snprintf(why, whylen, "%s", *sp == ' ' ? sp + 1 : "");
	return 1;
}

static int
acctstore_lmdb_susp_get(void *impl, const char *user, time_t *since,
    char *why, size_t whylen)
{
	struct acctstore_lmdb *s = impl;
	MDB_txn *txn;
	int r;

	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn) != 0)
		return -1;
	r = acctstore_lmdb_susp_txn(s, txn, user, since, why, whylen);
	mdb_txn_abort(txn);
	return r;
}

/* One write transaction: put (or delete with val NULL) unless absent. */
static int
acctstore_lmdb_susp_write(struct acctstore_lmdb *s, const char *user,
    const char *val, char *err, size_t errlen)
{
	char buf[ACCTSTORE_WHY_MAX + 32];
	MDB_txn *txn;
	int rc, had;

	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
		return lmdbenv_fail(err, errlen, "begin", rc);
	had = acctstore_lmdb_get(s, txn, 's', user, buf, sizeof(buf));
	/* set: the first suspension stays; del: the networks go too */
	if (had < 0 || (val != NULL && had == 1) || (val == NULL &&
	    (had == 0 || acctstore_lmdb_put(s, txn, 'n', user, NULL) != 0))) {
		mdb_txn_abort(txn);
		if (had < 0)
			snprintf(err, errlen, "lmdb: cannot read the store");
		return had < 0 ? -1 : 0;
	}
	if (acctstore_lmdb_put(s, txn, 's', user, val) != 0) {
		mdb_txn_abort(txn);
		snprintf(err, errlen, "lmdb: cannot write the store");
		return -1;
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return lmdbenv_fail(err, errlen, "commit", rc);
	return 1;
}

static int
acctstore_lmdb_susp_set(void *impl, const char *user, time_t since,
    const char *why, char *err, size_t errlen)
{
	char val[ACCTSTORE_WHY_MAX + 32];

	snprintf(val, sizeof(val), "%lld %s", (long long)since,
	    why != NULL ? why : "");
	return acctstore_lmdb_susp_write(impl, user, val, err, errlen);
}

static int
acctstore_lmdb_susp_del(void *impl, const char *user, char *err,
    size_t errlen)
{
	return acctstore_lmdb_susp_write(impl, user, NULL, err, errlen);
}

/* The record of one stored entry at now; 0 if it is not listed. */
static int
acctstore_lmdb_rec(const MDB_val *k, const MDB_val *v, time_t now,
    char *key, char *val, struct acctstore_rec *r)
{
	long long t;
	char *sp;

	memset(r, 0, sizeof(*r));
	if (k->mv_size < 2 || k->mv_size > ACCTSTORE_KEY_MAX ||
	    v->mv_size >= ACCTSTORE_WHY_MAX + 32)
		return 0;
	memcpy(key, (char *)k->mv_data + 1, k->mv_size - 1);
	key[k->mv_size - 1] = '\0';
	memcpy(val, v->mv_data, v->mv_size);
	val[v->mv_size] = '\0';
	r->key = key;
	if (((char *)k->mv_data)[0] == 's') {
		r->type = ACCTSTORE_REC_SUSPENSION;
		r->since = (time_t)strtoll(val, &sp, 10);
		r->why = *sp == ' ' ? sp + 1 : "";
		return 1;
	}
	if (((char *)k->mv_data)[0] != 'k' || sscanf(val, "%ld %lld %d",
	    &r->count, &t, &r->window) != 3 || r->window <= 0 ||
	    now >= (time_t)t + r->window)
		return 0;
	r->type = ACCTSTORE_REC_COUNTER;
	r->start = (time_t)t;
	return 1;
}

static int
acctstore_lmdb_scan(void *impl, time_t now, acctstore_scan_fn fn, void *arg,
    char *err, size_t errlen)
{
	struct acctstore_lmdb *s = impl;
	char key[ACCTSTORE_KEY_MAX + 1], val[ACCTSTORE_WHY_MAX + 32];
	struct acctstore_rec r;
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	int rc;

	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn) != 0 ||
	    mdb_cursor_open(txn, s->dbi, &cur) != 0) {
		snprintf(err, errlen, "lmdb: cannot read the store");
		return -1;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if (acctstore_lmdb_rec(&k, &v, now, key, val, &r) &&
		    fn(arg, &r) != 0)
			break;
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return 0;
}

/* Remove expired counters and networks lists: the number, or -1. */
static int
acctstore_lmdb_purge(struct acctstore_lmdb *s, time_t now)
{
	char key[ACCTSTORE_KEY_MAX + 1], val[ACCTSTORE_WHY_MAX + 32];
	struct acctstore_rec r;
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	int rc, removed = 0;

	if (mdb_txn_begin(s->env, NULL, 0, &txn) != 0)
		return -1;
	if (mdb_cursor_open(txn, s->dbi, &cur) != 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		char kind = ((char *)k.mv_data)[0];

		/* a networks list outlives its sightings by at most a day */
		if ((kind == 'k' && !acctstore_lmdb_rec(&k, &v, now, key, val,
		    &r)) || (kind == 'n' && v.mv_size == 0)) {
			if (mdb_cursor_del(cur, 0) == 0)
				removed++;
		}
	}
	mdb_cursor_close(cur);
	if (mdb_txn_commit(txn) != 0)
		return -1;
	return removed;
}

/* Steps 2 to 4 of decide inside txn; 0, or -1 to abort it. */
static int
acctstore_lmdb_decide_txn(struct acctstore_lmdb *s, MDB_txn *txn,
    const struct acctstore_query *q, struct acctstore_answer *a)
{
	char val[ACCTSTORE_WHY_MAX + 32];

	if (q->user != NULL) {
		a->suspended = acctstore_lmdb_susp_txn(s, txn, q->user,
		    &a->since, a->why, sizeof(a->why));
		if (a->suspended < 0)
			return -1;
		if (a->suspended == 0 && q->user_clients > 0 &&
		    q->net != NULL) {
			a->networks = acctstore_lmdb_seen_txn(s, txn, q->user,
			    q->net, q->now, q->user_clients_window);
			if (a->networks < 0)
				return -1;
		}
		if (a->suspended == 0 && a->networks > q->user_clients &&
		    q->user_clients > 0) {
			snprintf(a->why, sizeof(a->why), "%d client networks "
			    "within %ds", a->networks, q->user_clients_window);
			snprintf(val, sizeof(val), "%lld %s", (long long)q->now,
			    a->why);
			if (acctstore_lmdb_put(s, txn, 's', q->user, val) != 0)
				return -1;
			a->suspended = a->newly_suspended = 1;
			a->since = q->now;
		}
	}
	if (a->suspended == 0 && (q->charge_flags &
	    ACCTSTORE_CHARGE_POP_MISS) && q->ncounters > 0) {
		a->charge = acctstore_lmdb_charge_txn(s, txn, q->counters,
		    q->ncounters, q->now, a->counts);
		if (a->charge < 0)
			return -1;
	}
	return 0;
}

/*
 * decide in one write transaction (this store keeps no POP logins: the
 * front end asks it only without a POP lookup). A charge over its limit
 * still commits the networks seen; a failure changes nothing.
 */
static int
acctstore_lmdb_decide(void *impl, const struct acctstore_query *q,
    struct acctstore_answer *a)
{
	struct acctstore_lmdb *s = impl;
	MDB_txn *txn;

	memset(a, 0, sizeof(*a));
	a->charge = ACCTSTORE_NOT_CHARGED;
	if (q->pop_key != NULL || q->ncounters > 2 ||
	    mdb_txn_begin(s->env, NULL, 0, &txn) != 0)
		goto fail;
	if (acctstore_lmdb_decide_txn(s, txn, q, a) != 0) {
		mdb_txn_abort(txn);
		goto fail;
	}
	/* commit frees the transaction, failed or not */
	if (mdb_txn_commit(txn) == 0)
		return 0;
fail:
	memset(a, 0, sizeof(*a));
	a->pop = a->suspended = a->charge = -1;
	return -1;
}

static void
acctstore_lmdb_close(void *impl)
{
	struct acctstore_lmdb *s = impl;

	if (s->env != NULL)
		mdb_env_close(s->env);
	free(s);
}

void *
acctstore_lmdb_open(const char *dir, char *err, size_t errlen)
{
	struct acctstore_lmdb *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/*
	 * Every relayed recipient writes: commits are not flushed to disk
	 * one by one (MDB_NOSYNC). The files are the kernel's to write
	 * back, so a restart of relaymilter loses nothing; a crash of the
	 * whole machine may lose the last seconds of counts.
	 */
	if (lmdbenv_open(dir, ACCTSTORE_LMDB_MAPSIZE, MDB_NOSYNC, &s->env,
	    &s->dbi, err, errlen) != 0) {
		acctstore_lmdb_close(s);
		return NULL;
	}
	(void)acctstore_lmdb_purge(s, time(NULL));
	return s;
}

const struct acctstore_ops acctstore_lmdb_ops = {
	.kind = "lmdb",
	.charge = acctstore_lmdb_charge,
	.seen = acctstore_lmdb_seen,
	.susp_get = acctstore_lmdb_susp_get,
	.susp_set = acctstore_lmdb_susp_set,
	.susp_del = acctstore_lmdb_susp_del,
	.scan = acctstore_lmdb_scan,
	.decide = acctstore_lmdb_decide,
	.close = acctstore_lmdb_close,
};
