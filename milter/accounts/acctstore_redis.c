/*
 * acctstore_redis: the accounts store on a Redis server, shared by every
 * MTA that points limits.store at it. Under ACCTSTORE_REDIS_PREFIX:
 *   "u:<user>", "c:<net>"  a counter: hash {n = count, w = window},
 *                          expiring window seconds after its first
 *                          increment (the server's clock)
 *   "n:<user>"             the client networks seen for user: a sorted
 *                          set net -> last time, trimmed to the window
 *   "s:<user>"             a suspension: "<since> <why>", no expiry
 * Every operation is one Lua script run server-side (atomic between all
 * MTAs), loaded once and run with EVALSHA; decide does a whole decision
 * (POP lookup when the POP store is this same database, suspension,
 * seen networks, conditional charge) in one round trip. Connections,
 * timeouts and the fail-fast back-off are the shared pool's (rpool.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctstore.h"
#include "conf.h"
#include "popstore.h"
#include "rpool.h"

/* The POP store's keys and their values, as popstore_redis.c writes
   them: "relaymilter:pop:<popstore_key>" -> "<time> <user>". */
#define ACCTSTORE_REDIS_POP	"relaymilter:pop:"
#define ACCTSTORE_REDIS_CHUNK	24	/* keys per read script */
#define ACCTSTORE_REDIS_KEYLEN	(sizeof(ACCTSTORE_REDIS_PREFIX) + 2 + \
				 ACCTSTORE_KEY_MAX)

struct acctstore_redis {
	struct rpool	*pool;
	int		 pop_shared;
};

/*
 * The charge of counters KEYS[first..first+n-1] with limits and windows
 * ARGV[a], ARGV[a+1], ...: all or none. Shared by decide and charge.
 */
#define ACCTSTORE_REDIS_LUA_CHARGE \
"local function charge(first, n, a)\n" \
"  local counts, over = {0, 0}, 0\n" \
"  for i = 1, n do\n" \
"    counts[i] = tonumber(redis.call('HGET', KEYS[first + i - 1], 'n')" \
" or '0')\n" \
"    if over == 0 and counts[i] >= tonumber(ARGV[a + 2 * i - 2]) then\n" \
"      over = i\n" \
"    end\n" \
"  end\n" \
"  if over > 0 then return over, counts end\n" \
"  for i = 1, n do\n" \
"    local k, w = KEYS[first + i - 1], ARGV[a + 2 * i - 1]\n" \
"    counts[i] = redis.call('HINCRBY', k, 'n', 1)\n" \
"    if counts[i] == 1 then\n" \
"      redis.call('HSET', k, 'w', w)\n" \
"      redis.call('EXPIRE', k, w)\n" \
"    end\n" \
"  end\n" \
"  return 0, counts\n" \
"end\n"

/* Record net (ARGV[2]) at now (ARGV[1]) in KEYS[k]; window ARGV[3]. */
#define ACCTSTORE_REDIS_LUA_SEEN \
"local function seen(k, now, net, win)\n" \
"  redis.call('ZADD', k, 'GT', now, net)\n" \
"  redis.call('ZREMRANGEBYSCORE', k, '-inf', now - win)\n" \
"  redis.call('EXPIRE', k, win)\n" \
"  return redis.call('ZCARD', k)\n" \
"end\n"

/*
 * decide. KEYS: pop key, suspension, networks, counter 1, counter 2
 * ("" when not asked). ARGV: now, pop window, skew, net, user_clients,
 * its window, charge flags, ncounters, limit 1, window 1, limit 2,
 * window 2. Answers { pop, suspended, newly, since, why, networks,
 * charge (-1 none, 0 counted, i over), count 1, count 2 }.
 */
static const char acctstore_redis_decide_lua[] =
ACCTSTORE_REDIS_LUA_CHARGE ACCTSTORE_REDIS_LUA_SEEN
"local now = tonumber(ARGV[1])\n"
"local pop = 0\n"
"if KEYS[1] ~= '' then\n"
"  local v = redis.call('GET', KEYS[1])\n"
"  local t = v and tonumber(string.match(v, '^(%d+) '))\n"
"  if t and ((t <= now and now - t <= tonumber(ARGV[2])) or\n"
"      (t > now and t - now <= tonumber(ARGV[3]))) then pop = 1 end\n"
"end\n"
"local susp, newly, since, why, nets = 0, 0, 0, '', 0\n"
"if KEYS[2] ~= '' then\n"
"  local s = redis.call('GET', KEYS[2])\n"
"  if s then\n"
"    susp = 1\n"
"    since = tonumber(string.match(s, '^(%d+)')) or 0\n"
"    why = string.match(s, '^%d+ (.*)$') or ''\n"
"  elseif ARGV[4] ~= '' and tonumber(ARGV[5]) > 0 then\n"
"    local win = tonumber(ARGV[6])\n"
"    nets = seen(KEYS[3], now, ARGV[4], win)\n"
"    if nets > tonumber(ARGV[5]) then\n"
"      susp, newly, since = 1, 1, now\n"
"      why = nets .. ' client networks within ' .. win .. 's'\n"
"      redis.call('SET', KEYS[2], since .. ' ' .. why)\n"
"    end\n"
"  end\n"
"end\n"
"local flags, res, counts = tonumber(ARGV[7]), -1, {0, 0}\n"
"local want = (pop == 1 and flags % 2 == 1) or\n"
"    (pop == 0 and math.floor(flags / 2) % 2 == 1)\n"
"if susp == 0 and want and tonumber(ARGV[8]) > 0 then\n"
"  res, counts = charge(4, tonumber(ARGV[8]), 9)\n"
"end\n"
"return { pop, susp, newly, since, why, nets, res, counts[1], counts[2] }\n";

/* charge. KEYS: the counters; ARGV: limit, window per counter. */
static const char acctstore_redis_charge_lua[] =
ACCTSTORE_REDIS_LUA_CHARGE
"local res, counts = charge(1, #KEYS, 1)\n"
"return { res, counts[1], counts[2] }\n";

/* seen. KEYS: networks; ARGV: now, net, window. */
static const char acctstore_redis_seen_lua[] =
ACCTSTORE_REDIS_LUA_SEEN
"return seen(KEYS[1], tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]))\n";

/* susp_del. KEYS: suspension, networks. 1 if there was a suspension. */
static const char acctstore_redis_unsuspend_lua[] =
"local had = redis.call('DEL', KEYS[1])\n"
"redis.call('DEL', KEYS[2])\n"
"return had\n";

/*
 * A batch of scanned keys: for each, { 'c', n, w, ttl } for a counter,
 * { 's', value } for a suspension, { '' } for anything else.
 */
static const char acctstore_redis_read_lua[] =
"local out = {}\n"
"local plen = string.len(ARGV[1])\n"
"for i, k in ipairs(KEYS) do\n"
"  local t = string.sub(k, plen + 1, plen + 2)\n"
"  if (t == 'u:' or t == 'c:') and redis.call('TYPE', k).ok == 'hash'"
" then\n"
"    local h = redis.call('HMGET', k, 'n', 'w')\n"
"    out[i] = { 'c', h[1] or '0', h[2] or '0', redis.call('TTL', k) }\n"
"  elseif t == 's:' and redis.call('TYPE', k).ok == 'string' then\n"
"    out[i] = { 's', redis.call('GET', k) }\n"
"  else\n"
"    out[i] = { '' }\n"
"  end\n"
"end\n"
"return out\n";

static struct rpool_script acctstore_redis_decide_s =
    RPOOL_SCRIPT_INIT(acctstore_redis_decide_lua);
static struct rpool_script acctstore_redis_charge_s =
    RPOOL_SCRIPT_INIT(acctstore_redis_charge_lua);
static struct rpool_script acctstore_redis_seen_s =
    RPOOL_SCRIPT_INIT(acctstore_redis_seen_lua);
static struct rpool_script acctstore_redis_unsuspend_s =
    RPOOL_SCRIPT_INIT(acctstore_redis_unsuspend_lua);
static struct rpool_script acctstore_redis_read_s =
    RPOOL_SCRIPT_INIT(acctstore_redis_read_lua);

void *
acctstore_redis_open(const char *spec, const char *password,
    int pop_shared, char *err, size_t errlen)
{
	struct acctstore_redis *r;
	char host[256];
	int port, db;

	if (conf_pop_redis_parse(spec, host, sizeof(host), &port, &db, err,
	    errlen) != 0)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->pool = rpool_open("accounts store", host, port, db, password, err,
	    errlen);
	if (r->pool == NULL) {
		free(r);
		return NULL;
	}
	r->pop_shared = pop_shared;
	return r;
}

static void
acctstore_redis_close(void *impl)
{
	struct acctstore_redis *r = impl;

	rpool_close(r->pool);
	free(r);
}

/* k = the prefix, kind ("s:", "" ...) and name; 0, or -1 if too long. */
static int
acctstore_redis_key(char *k, size_t klen, const char *kind,
    const char *name)
{
	int n = snprintf(k, klen, "%s%s%s", ACCTSTORE_REDIS_PREFIX, kind,
	    name);

	return n < 0 || (size_t)n >= klen ? -1 : 0;
}

/* An integer element of an array reply, or dflt. */
static long long
acctstore_redis_int(const redisReply *rep, size_t i, long long dflt)
{
	const redisReply *e;

	if (rep->type != REDIS_REPLY_ARRAY || i >= rep->elements)
		return dflt;
	e = rep->element[i];
	if (e->type == REDIS_REPLY_INTEGER)
		return e->integer;
	if (e->type == REDIS_REPLY_STRING)
		return strtoll(e->str, NULL, 10);
	return dflt;
}

/* Run script s with the keys and args given; NULL if it failed. */
static redisReply *
acctstore_redis_run(struct acctstore_redis *r, struct rpool_script *s,
    int nkeys, const char **keys, int nargs, const char **args, char *err,
    size_t errlen)
{
	const char *argv[32];
	char numkeys[16];
	int i, argc = 0;

	if (1 + nkeys + nargs > (int)(sizeof(argv) / sizeof(argv[0]))) {
		snprintf(err, errlen, "redis: too many script arguments");
		return NULL;
	}
	snprintf(numkeys, sizeof(numkeys), "%d", nkeys);
	argv[argc++] = numkeys;
	for (i = 0; i < nkeys; i++)
		argv[argc++] = keys[i];
	for (i = 0; i < nargs; i++)
		argv[argc++] = args[i];
	return rpool_eval(r->pool, s, argc, argv, NULL, err, errlen);
}

/* The keys and args of n counters (n <= 2) for a charge. */
struct acctstore_redis_counters {
	char	 keys[2][ACCTSTORE_REDIS_KEYLEN];
	char	 nums[4][24];
};

/*
 * Fill cs from the n counters c and point keys[i] at each key, args[2i]
 * and args[2i+1] at its limit and window: 0, or -1 (n > 2, key too long).
 */
static int
acctstore_redis_counters(struct acctstore_redis_counters *cs,
    const struct acctstore_counter *c, int n, const char **keys,
    const char **args)
{
	int i;

	for (i = 0; i < n && i < 2; i++) {
		if (acctstore_redis_key(cs->keys[i], sizeof(cs->keys[i]), "",
		    c[i].key) != 0)
			return -1;
		snprintf(cs->nums[2 * i], sizeof(cs->nums[0]), "%ld",
		    c[i].limit);
		snprintf(cs->nums[2 * i + 1], sizeof(cs->nums[0]), "%d",
		    c[i].window > 0 ? c[i].window : 1);
		keys[i] = cs->keys[i];
		args[2 * i] = cs->nums[2 * i];
		args[2 * i + 1] = cs->nums[2 * i + 1];
	}
	return n >= 0 && n <= 2 ? 0 : -1;
}

/* The charge answer of a script's result res: COUNTED, OVER(i) or -1. */
static int
acctstore_redis_result(long long res)
{
	return res == 0 ? ACCTSTORE_COUNTED : res > 0 ?
	    ACCTSTORE_OVER((int)res - 1) : ACCTSTORE_NOT_CHARGED;
}

static int
acctstore_redis_charge(void *impl, const struct acctstore_counter *c, int n,
    time_t now, long *counts)
{
	struct acctstore_redis_counters cs;
	const char *keys[2], *args[4];
	char err[256];
	redisReply *rep;
	int rc, i;

	(void)now;
	if (n < 1 || acctstore_redis_counters(&cs, c, n, keys, args) != 0)
		return -1;
	rep = acctstore_redis_run(impl, &acctstore_redis_charge_s, n, keys,
	    2 * n, args, err, sizeof(err));
	if (rep == NULL)
		return -1;
	rc = rep->type == REDIS_REPLY_ARRAY && rep->elements == 3 ?
	    acctstore_redis_result(acctstore_redis_int(rep, 0, -1)) : -1;
	for (i = 0; counts != NULL && i < n; i++)
		counts[i] = (long)acctstore_redis_int(rep, 1 + (size_t)i, 0);
	freeReplyObject(rep);
	return rc == ACCTSTORE_NOT_CHARGED ? -1 : rc;
}

static int
acctstore_redis_seen(void *impl, const char *user, const char *net,
    time_t now, int window)
{
	char k[ACCTSTORE_REDIS_KEYLEN], t[24], w[16], err[256];
	const char *keys[1] = { k }, *args[3] = { t, net, w };
	redisReply *rep;
	int rc;

	if (acctstore_redis_key(k, sizeof(k), "n:", user) != 0)
		return -1;
	snprintf(t, sizeof(t), "%lld", (long long)now);
	snprintf(w, sizeof(w), "%d", window > 0 ? window : 1);
	rep = acctstore_redis_run(impl, &acctstore_redis_seen_s, 1, keys, 3,
	    args, err, sizeof(err));
	if (rep == NULL)
		return -1;
	rc = rep->type == REDIS_REPLY_INTEGER ? (int)rep->integer : -1;
	freeReplyObject(rep);
	return rc;
}

/* Split a stored suspension "<since> <why>" of n bytes. */
static void
acctstore_redis_susp_parse(const char *v, size_t n, time_t *since, char *why,
    size_t whylen)
{
	size_t i = 0;
	long long t = 0;

	while (i < n && v[i] >= '0' && v[i] <= '9' && i < 19)
		t = t * 10 + (v[i++] - '0');
	*since = (time_t)t;
	if (i < n && v[i] == ' ')
		i++;
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%.*s", (int)(n - i), v + i);
}

static int
acctstore_redis_susp_get(void *impl, const char *user, time_t *since,
    char *why, size_t whylen)
{
	struct acctstore_redis *r = impl;
	char k[ACCTSTORE_REDIS_KEYLEN], err[256];
	const char *argv[2] = { "GET", k };
	redisReply *rep;
	int rc = 0;

	if (acctstore_redis_key(k, sizeof(k), "s:", user) != 0)
		return -1;
	rep = rpool_cmd(r->pool, 2, argv, NULL, err, sizeof(err));
	if (rep == NULL)
		return -1;
	if (rep->type == REDIS_REPLY_STRING) {
		acctstore_redis_susp_parse(rep->str, rep->len, since, why,
		    whylen);
		rc = 1;
	}
	freeReplyObject(rep);
	return rc;
}

static int
acctstore_redis_susp_set(void *impl, const char *user, time_t since,
    const char *why, char *err, size_t errlen)
{
	struct acctstore_redis *r = impl;
	char k[ACCTSTORE_REDIS_KEYLEN], v[ACCTSTORE_WHY_MAX + 24];
	const char *argv[4] = { "SET", k, v, "NX" };
	redisReply *rep;
	int rc;

	if (acctstore_redis_key(k, sizeof(k), "s:", user) != 0) {
		snprintf(err, errlen, "user name too long");
		return -1;
	}
	snprintf(v, sizeof(v), "%lld %s", (long long)since, why);
	rep = rpool_cmd(r->pool, 4, argv, NULL, err, errlen);
	if (rep == NULL)
		return -1;
	/* SET NX answers OK when it set, nil when the key was there. */
	rc = rep->type == REDIS_REPLY_STATUS;
	freeReplyObject(rep);
	return rc;
}

static int
acctstore_redis_susp_del(void *impl, const char *user, char *err,
    size_t errlen)
{
	char s[ACCTSTORE_REDIS_KEYLEN], n[ACCTSTORE_REDIS_KEYLEN];
	const char *keys[2] = { s, n };
	redisReply *rep;
	int rc;

	if (acctstore_redis_key(s, sizeof(s), "s:", user) != 0 ||
	    acctstore_redis_key(n, sizeof(n), "n:", user) != 0) {
		snprintf(err, errlen, "user name too long");
		return -1;
	}
	rep = acctstore_redis_run(impl, &acctstore_redis_unsuspend_s, 2, keys,
	    0, NULL, err, errlen);
	if (rep == NULL)
		return -1;
	rc = rep->type == REDIS_REPLY_INTEGER && rep->integer > 0;
	freeReplyObject(rep);
	return rc;
}

/* Hand one record read by the read script (element e of key k) to fn. */
static int
acctstore_redis_rec(const redisReply *k, const redisReply *e, time_t now,
    acctstore_scan_fn fn, void *arg)
{
	size_t plen = strlen(ACCTSTORE_REDIS_PREFIX);
	struct acctstore_rec rec;
	char key[ACCTSTORE_KEY_MAX + 1], why[ACCTSTORE_WHY_MAX];
	const redisReply *t;

	if (e->type != REDIS_REPLY_ARRAY || e->elements < 1 || k->len <= plen ||
	    k->len - plen > ACCTSTORE_KEY_MAX)
		return 0;
	t = e->element[0];
	memset(&rec, 0, sizeof(rec));
	rec.key = key;
	if (t->type == REDIS_REPLY_STRING && strcmp(t->str, "c") == 0 &&
	    e->elements == 4) {
		snprintf(key, sizeof(key), "%s", k->str + plen);
		rec.type = ACCTSTORE_REC_COUNTER;
		rec.count = (long)acctstore_redis_int(e, 1, 0);
		rec.window = (int)acctstore_redis_int(e, 2, 0);
		rec.start = now + (time_t)acctstore_redis_int(e, 3, 0) -
		    rec.window;
	} else if (t->type == REDIS_REPLY_STRING && strcmp(t->str, "s") == 0 &&
	    e->elements == 2 && e->element[1]->type == REDIS_REPLY_STRING) {
		/* a suspension's key is the bare user name, after "s:" */
		snprintf(key, sizeof(key), "%s", k->str + plen + 2);
		rec.type = ACCTSTORE_REC_SUSPENSION;
		acctstore_redis_susp_parse(e->element[1]->str,
		    e->element[1]->len, &rec.since, why, sizeof(why));
		rec.why = why;
	} else
		return 0;
	return fn(arg, &rec);
}

/* What a scan hands each record to. */
struct acctstore_redis_walk {
	struct acctstore_redis *r;
	time_t		 now;
	acctstore_scan_fn fn;
	void		*arg;
};

/* Read keys[from..from+n-1] of a SCAN batch and list their records. */
static int
acctstore_redis_chunk(struct acctstore_redis_walk *w, const redisReply *keys,
    size_t from, size_t n, char *err, size_t errlen)
{
	const char *kv[ACCTSTORE_REDIS_CHUNK];
	const char *args[1] = { ACCTSTORE_REDIS_PREFIX };
	redisReply *rep;
	size_t i;
	int stop = 0;

	for (i = 0; i < n; i++)
		kv[i] = keys->element[from + i]->str;
	rep = acctstore_redis_run(w->r, &acctstore_redis_read_s, (int)n, kv, 1,
	    args, err, errlen);
	if (rep == NULL)
		return -1;
	for (i = 0; rep->type == REDIS_REPLY_ARRAY && i < rep->elements &&
	    i < n && !stop; i++)
		stop = acctstore_redis_rec(keys->element[from + i],
		    rep->element[i], w->now, w->fn, w->arg);
	freeReplyObject(rep);
	return stop;
}

/* List the records of one batch of keys returned by SCAN. */
static int
acctstore_redis_batch(void *arg, const redisReply *keys, char *err,
    size_t errlen)
{
	size_t from, n;
	int rc = 0;

	/* The read script takes at most ACCTSTORE_REDIS_CHUNK keys. */
	for (from = 0; from < keys->elements && rc == 0; from += n) {
		n = keys->elements - from;
		if (n > ACCTSTORE_REDIS_CHUNK)
			n = ACCTSTORE_REDIS_CHUNK;
		rc = acctstore_redis_chunk(arg, keys, from, n, err, errlen);
	}
	return rc;
}

static int
acctstore_redis_scan(void *impl, time_t now, acctstore_scan_fn fn,
    void *arg, char *err, size_t errlen)
{
	struct acctstore_redis_walk w = { impl, now, fn, arg };

	return rpool_scan(w.r->pool, ACCTSTORE_REDIS_PREFIX "*",
	    acctstore_redis_batch, &w, err, errlen);
}

/* The keys and arguments of decide's script for q. */
struct acctstore_redis_call {
	char		 pop[sizeof(ACCTSTORE_REDIS_POP) + ACCTSTORE_KEY_MAX];
	char		 susp[ACCTSTORE_REDIS_KEYLEN];
	char		 nets[ACCTSTORE_REDIS_KEYLEN];
	char		 nums[7][24];
	struct acctstore_redis_counters cs;
	const char	*keys[5];
	const char	*args[12];
};

/* Fill call's keys from q: 0, or -1 if one does not fit. */
static int
acctstore_redis_call_keys(struct acctstore_redis_call *call,
    const struct acctstore_query *q, int n)
{
	const char **k = call->keys;
	int i;

	call->pop[0] = call->susp[0] = call->nets[0] = '\0';
	if (q->pop_key != NULL && snprintf(call->pop, sizeof(call->pop),
	    "%s%s", ACCTSTORE_REDIS_POP, q->pop_key) >= (int)sizeof(call->pop))
		return -1;
	if (q->user != NULL && (acctstore_redis_key(call->susp,
	    sizeof(call->susp), "s:", q->user) != 0 ||
	    acctstore_redis_key(call->nets, sizeof(call->nets), "n:",
	    q->user) != 0))
		return -1;
	for (i = 0; i < 4; i++)
		call->args[8 + i] = "0";
	k[3] = k[4] = "";
	if (acctstore_redis_counters(&call->cs, q->counters, n, k + 3,
	    call->args + 8) != 0)
		return -1;
	k[0] = call->pop;
	k[1] = call->susp;
	k[2] = call->nets;
	return 0;
}

/* Fill call from q (see the decide script): 0, or -1. */
static int
acctstore_redis_call(struct acctstore_redis_call *call,
    const struct acctstore_query *q)
{
	int i, n = q->counters != NULL ? q->ncounters : 0;
	long long v[7];

	if (acctstore_redis_call_keys(call, q, n) != 0)
		return -1;
	v[0] = (long long)q->now;
	v[1] = q->pop_window;
	v[2] = q->net != NULL && q->user != NULL ? q->user_clients : 0;
	v[3] = q->user_clients_window > 0 ? q->user_clients_window : 1;
	v[4] = q->charge_flags;
	v[5] = n;
	v[6] = POPSTORE_SKEW;
	for (i = 0; i < 7; i++)
		snprintf(call->nums[i], sizeof(call->nums[i]), "%lld", v[i]);
	call->args[0] = call->nums[0];
	call->args[1] = call->nums[1];
	call->args[2] = call->nums[6];
	call->args[3] = q->net != NULL ? q->net : "";
	for (i = 2; i < 6; i++)
		call->args[i + 2] = call->nums[i];
	return 0;
}

/* Copy the decide script's reply rep into a: 0, or -1 if malformed. */
static int
acctstore_redis_answer(const redisReply *rep, struct acctstore_answer *a)
{
	const redisReply *why;

	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 9)
		return -1;
	a->pop = (int)acctstore_redis_int(rep, 0, -1);
	a->suspended = (int)acctstore_redis_int(rep, 1, -1);
	a->newly_suspended = (int)acctstore_redis_int(rep, 2, 0);
	a->since = (time_t)acctstore_redis_int(rep, 3, 0);
	why = rep->element[4];
	snprintf(a->why, sizeof(a->why), "%.*s", why->type ==
	    REDIS_REPLY_STRING ? (int)why->len : 0, why->type ==
	    REDIS_REPLY_STRING ? why->str : "");
	a->networks = (int)acctstore_redis_int(rep, 5, 0);
	a->charge = acctstore_redis_result(acctstore_redis_int(rep, 6, -1));
	a->counts[0] = (long)acctstore_redis_int(rep, 7, 0);
	a->counts[1] = (long)acctstore_redis_int(rep, 8, 0);
	return 0;
}

/* decide could not ask: what acctstore.h says a then holds. */
static int
acctstore_redis_unasked(struct acctstore_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->pop = a->suspended = a->charge = -1;
	a->networks = -1;
	return -1;
}

static int
acctstore_redis_decide(void *impl, const struct acctstore_query *q,
    struct acctstore_answer *a)
{
	struct acctstore_redis *r = impl;
	struct acctstore_redis_call call;
	char err[256];
	redisReply *rep;
	int rc;

	/* Only a POP store in this very database can be asked here. */
	if (acctstore_redis_call(&call, q) != 0 ||
	    (q->pop_key != NULL && !r->pop_shared))
		return acctstore_redis_unasked(a);
	rep = acctstore_redis_run(r, &acctstore_redis_decide_s, 5, call.keys,
	    12, call.args, err, sizeof(err));
	if (rep == NULL)
		return acctstore_redis_unasked(a);
	memset(a, 0, sizeof(*a));
	rc = acctstore_redis_answer(rep, a);
	freeReplyObject(rep);
	return rc == 0 ? 0 : acctstore_redis_unasked(a);
}

const struct acctstore_ops acctstore_redis_ops = {
	.kind = "redis",
	.charge = acctstore_redis_charge,
	.seen = acctstore_redis_seen,
	.susp_get = acctstore_redis_susp_get,
	.susp_set = acctstore_redis_susp_set,
	.susp_del = acctstore_redis_susp_del,
	.scan = acctstore_redis_scan,
	.decide = acctstore_redis_decide,
	.close = acctstore_redis_close,
};
