/*
 * popstore_redis: the shared POP login store on a Redis server, for
 * several MTAs. Keys are "relaymilter:pop:<client>" with the window as
 * TTL. The connections, their timeouts and the back-off after a failure
 * (a Redis outage costs milter threads microseconds, not timeouts) are
 * the shared pool's (rpool.h).
 */
#include "config.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "popstore.h"
#include "popstore_impl.h"
#include "rpool.h"

#define POPSTORE_REDIS_PREFIX		"relaymilter:pop:"

void *
popstore_redis_open(const char *spec, const char *password, char *err,
    size_t errlen)
{
	char host[256];
	int port, db;

	if (conf_pop_redis_parse(spec, host, sizeof(host), &port, &db, err,
	    errlen) != 0)
		return NULL;
	return rpool_open("pop store", host, port, db, password, err, errlen);
}

static void
popstore_redis_close(void *impl)
{
	rpool_close(impl);
}

/* One command; the reply is the caller's to free, NULL with err. */
static redisReply *
popstore_redis_cmd(void *impl, int argc, const char **argv, char *err,
    size_t errlen)
{
	return rpool_cmd(impl, argc, argv, NULL, err, errlen);
}

static int
popstore_redis_get(void *impl, const char *key, char *val, size_t vlen)
{
	char k[POPSTORE_KEY_MAX + 32], err[256];
	const char *argv[2] = { "GET", k };
	redisReply *rep;
	int rc = 0;

	snprintf(k, sizeof(k), "%s%s", POPSTORE_REDIS_PREFIX, key);
	rep = popstore_redis_cmd(impl, 2, argv, err, sizeof(err));
	if (rep == NULL)
		return -1;
	if (rep->type == REDIS_REPLY_STRING && rep->len < vlen) {
		memcpy(val, rep->str, rep->len);
		val[rep->len] = '\0';
		rc = 1;
	}
	freeReplyObject(rep);
	return rc;
}

static int
popstore_redis_put(void *impl, const char *key, const char *val, int ttl,
    char *err, size_t errlen)
{
	char k[POPSTORE_KEY_MAX + 32], t[16];
	const char *argv[5] = { "SET", k, val, "EX", t };
	redisReply *rep;

	snprintf(k, sizeof(k), "%s%s", POPSTORE_REDIS_PREFIX, key);
	snprintf(t, sizeof(t), "%d", ttl > 0 ? ttl : 1);
	rep = popstore_redis_cmd(impl, 5, argv, err, errlen);
	if (rep == NULL)
		return -1;
	freeReplyObject(rep);
	return 0;
}

static int
popstore_redis_del(void *impl, const char *key, char *err, size_t errlen)
{
	char k[POPSTORE_KEY_MAX + 32];
	const char *argv[2] = { "DEL", k };
	redisReply *rep;
	int rc;

	snprintf(k, sizeof(k), "%s%s", POPSTORE_REDIS_PREFIX, key);
	rep = popstore_redis_cmd(impl, 2, argv, err, errlen);
	if (rep == NULL)
		return -1;
	rc = rep->type == REDIS_REPLY_INTEGER && rep->integer > 0;
	freeReplyObject(rep);
	return rc;
}

/* What popstore_redis_batch hands each login to. */
struct popstore_redis_walk {
	struct rpool	*pool;
	popstore_raw_fn	 fn;
	void		*arg;
};

/* List one batch of keys returned by SCAN (values fetched with MGET). */
static int
popstore_redis_batch(void *arg, const redisReply *keys, char *err,
    size_t errlen)
{
	struct popstore_redis_walk *w = arg;
	const char *argv[1 + 100];
	size_t i, n = keys->elements > 100 ? 100 : keys->elements;
	size_t plen = strlen(POPSTORE_REDIS_PREFIX);
	redisReply *vals;
	int stop = 0;

	if (n == 0)
		return 0;
	argv[0] = "MGET";
	for (i = 0; i < n; i++)
		argv[i + 1] = keys->element[i]->str;
	vals = popstore_redis_cmd(w->pool, (int)n + 1, argv, err, errlen);
	if (vals == NULL)
		return -1;
	for (i = 0; i < n && i < vals->elements && !stop; i++) {
		const redisReply *k = keys->element[i], *v = vals->element[i];

		if (v->type == REDIS_REPLY_STRING && k->len > plen)
			stop = w->fn(w->arg, k->str + plen, k->len - plen,
			    v->str, v->len);
	}
	freeReplyObject(vals);
	return stop;
}

static int
popstore_redis_scan(void *impl, popstore_raw_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct popstore_redis_walk w = { impl, fn, arg };

	return rpool_scan(impl, POPSTORE_REDIS_PREFIX "*", popstore_redis_batch,
	    &w, err, errlen);
}

static int
popstore_redis_purge(void *impl, time_t cutoff)
{
	/* Keys carry the window as TTL: Redis expires them itself. */
	(void)impl;
	(void)cutoff;
	return 0;
}

const struct popstore_ops popstore_redis_ops = {
	.kind = "redis",
	.get = popstore_redis_get,
	.put = popstore_redis_put,
	.del = popstore_redis_del,
	.scan = popstore_redis_scan,
	.purge = popstore_redis_purge,
	.close = popstore_redis_close,
};
