/*
 * popstore_redis: the shared POP login store on a Redis server, for
 * several MTAs. Keys are "relaymilter:pop:<client>" with the window as
 * TTL. Connections come from a small pool: a thread takes one, talks
 * (connect and command timeouts POPSTORE_REDIS_TIMEOUT_MS), and gives it
 * back; the pool mutex is never held across network I/O. After a
 * failure the store answers "unavailable" at once for a back-off period
 * (doubling up to POPSTORE_REDIS_BACKOFF_MAX_MS), then one thread probes
 * again, so a Redis outage costs milter threads microseconds, not
 * timeouts.
 */
#include "config.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "log.h"
#include "popstore.h"
#include "popstore_impl.h"

#define POPSTORE_REDIS_PREFIX		"relaymilter:pop:"
#define POPSTORE_REDIS_POOL		32
#define POPSTORE_REDIS_TIMEOUT_MS	200
#define POPSTORE_REDIS_BACKOFF_MIN_MS	100
#define POPSTORE_REDIS_BACKOFF_MAX_MS	2000

struct popstore_redis {
	char		 host[256];
	int		 port, db;
	char		*password;	/* AUTH, or NULL; never logged */
	pthread_mutex_t	 lock;		/* the pool and the back-off state */
	redisContext	*idle[POPSTORE_REDIS_POOL];
	int		 nidle;
	long long	 retry_at;	/* ms, monotonic: no I/O before */
	int		 backoff;	/* ms */
	int		 probing;	/* one thread tries after back-off */
	int		 down;		/* logged as down */
};

static long long
popstore_redis_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void *
popstore_redis_open(const char *spec, const char *password, char *err,
    size_t errlen)
{
	struct popstore_redis *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (conf_pop_redis_parse(spec, r->host, sizeof(r->host), &r->port,
	    &r->db, err, errlen) != 0) {
		free(r);
		return NULL;
	}
	if (password != NULL && (r->password = strdup(password)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->lock, NULL);
	r->backoff = POPSTORE_REDIS_BACKOFF_MIN_MS;
	return r;
}

static void
popstore_redis_close(void *impl)
{
	struct popstore_redis *r = impl;
	int i;

	for (i = 0; i < r->nidle; i++)
		redisFree(r->idle[i]);
	pthread_mutex_destroy(&r->lock);
	if (r->password != NULL) {
		explicit_bzero(r->password, strlen(r->password));
		free(r->password);
	}
	free(r);
}

/* AUTH on a new connection c: 0, or -1 with c freed and err filled. */
static int
popstore_redis_auth(struct popstore_redis *r, redisContext *c, char *err,
    size_t errlen)
{
	redisReply *rep = redisCommand(c, "AUTH %s", r->password);
	int ok = rep != NULL && rep->type == REDIS_REPLY_STATUS;

	/* The server's words only: the command itself holds the password. */
	snprintf(err, errlen, "redis %s:%d: AUTH refused%s%s", r->host,
	    r->port, rep != NULL && rep->type == REDIS_REPLY_ERROR ? ": " : "",
	    rep != NULL && rep->type == REDIS_REPLY_ERROR ? rep->str : "");
	if (rep != NULL)
		freeReplyObject(rep);
	if (ok)
		return 0;
	redisFree(c);
	return -1;
}

/* A new connection, or NULL (why in err). */
static redisContext *
popstore_redis_connect(struct popstore_redis *r, char *err, size_t errlen)
{
	struct timeval tv = { 0, POPSTORE_REDIS_TIMEOUT_MS * 1000 };
	redisContext *c = redisConnectWithTimeout(r->host, r->port, tv);
	redisReply *rep;

	if (c == NULL || c->err || redisSetTimeout(c, tv) != REDIS_OK) {
		snprintf(err, errlen, "redis %s:%d: %s", r->host, r->port,
		    c != NULL ? c->errstr : "out of memory");
		if (c != NULL)
			redisFree(c);
		return NULL;
	}
	if (r->password != NULL && popstore_redis_auth(r, c, err, errlen) != 0)
		return NULL;
	if (r->db == 0)
		return c;
	rep = redisCommand(c, "SELECT %d", r->db);
	if (rep == NULL || rep->type != REDIS_REPLY_STATUS) {
		snprintf(err, errlen, "redis %s:%d: SELECT %d failed", r->host,
		    r->port, r->db);
		if (rep != NULL)
			freeReplyObject(rep);
		redisFree(c);
		return NULL;
	}
	freeReplyObject(rep);
	return c;
}

/* Note a failure: drop the idle connections and back off. */
static void
popstore_redis_failed(struct popstore_redis *r, const char *why)
{
	redisContext *drop[POPSTORE_REDIS_POOL];
	int i, n, was_down;

	pthread_mutex_lock(&r->lock);
	n = r->nidle;
	memcpy(drop, r->idle, sizeof(drop));
	r->nidle = 0;
	r->retry_at = popstore_redis_ms() + r->backoff;
	r->backoff = r->backoff * 2 > POPSTORE_REDIS_BACKOFF_MAX_MS ?
	    POPSTORE_REDIS_BACKOFF_MAX_MS : r->backoff * 2;
	r->probing = 0;
	was_down = r->down;
	r->down = 1;
	pthread_mutex_unlock(&r->lock);
	for (i = 0; i < n; i++)
		redisFree(drop[i]);
	if (!was_down)
		log_msg(LOG_ERR, "pop store %s:%d unavailable (%s): relaying "
		    "that needs it is answered 451 until it is back", r->host,
		    r->port, why);
}

/*
 * A connection to use, or NULL at once while backing off. Only the pool
 * manipulation is under the mutex; connecting happens outside it.
 */
static redisContext *
popstore_redis_take(struct popstore_redis *r, char *err, size_t errlen)
{
	redisContext *c = NULL;
	int wait = 0;

	pthread_mutex_lock(&r->lock);
	if (r->nidle > 0)
		c = r->idle[--r->nidle];
	else if (r->down && (r->probing || popstore_redis_ms() < r->retry_at))
		wait = 1;
	else if (r->down)
		r->probing = 1;
	pthread_mutex_unlock(&r->lock);
	if (c != NULL)
		return c;
	if (wait) {
		snprintf(err, errlen, "redis %s:%d: unavailable, retrying "
		    "shortly", r->host, r->port);
		return NULL;
	}
	c = popstore_redis_connect(r, err, errlen);
	if (c == NULL)
		popstore_redis_failed(r, err);
	return c;
}

/* Give c back after use; ok 0 means it failed and is closed instead. */
static void
popstore_redis_give(struct popstore_redis *r, redisContext *c, int ok)
{
	int was_down = 0;

	if (!ok) {
		char why[256];

		snprintf(why, sizeof(why), "%s", c->err ? c->errstr :
		    "unexpected reply");
		redisFree(c);
		popstore_redis_failed(r, why);
		return;
	}
	pthread_mutex_lock(&r->lock);
	if (r->nidle < POPSTORE_REDIS_POOL) {
		r->idle[r->nidle++] = c;
		c = NULL;
	}
	was_down = r->down;
	r->down = r->probing = 0;
	r->backoff = POPSTORE_REDIS_BACKOFF_MIN_MS;
	pthread_mutex_unlock(&r->lock);
	if (c != NULL)
		redisFree(c);
	if (was_down)
		log_msg(LOG_NOTICE, "pop store %s:%d is back", r->host, r->port);
}

/*
 * Run one command (hiredis argv form) and hand the reply to the caller,
 * who frees it. NULL if the store cannot answer (why in err).
 */
static redisReply *
popstore_redis_cmd(struct popstore_redis *r, int argc, const char **argv,
    char *err, size_t errlen)
{
	redisContext *c;
	redisReply *rep;

	err[0] = '\0';
	c = popstore_redis_take(r, err, errlen);
	if (c == NULL)
		return NULL;
	rep = redisCommandArgv(c, argc, argv, NULL);
	popstore_redis_give(r, c, rep != NULL && rep->type !=
	    REDIS_REPLY_ERROR);
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "redis: %s", rep->str);
		freeReplyObject(rep);
		return NULL;
	}
	if (rep == NULL && err[0] == '\0')
		snprintf(err, errlen, "redis %s:%d: no answer", r->host,
		    r->port);
	return rep;
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

/* List one batch of keys returned by SCAN (values fetched with MGET). */
static int
popstore_redis_batch(struct popstore_redis *r, const redisReply *keys,
    popstore_raw_fn fn, void *arg, char *err, size_t errlen)
{
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
	vals = popstore_redis_cmd(r, (int)n + 1, argv, err, errlen);
	if (vals == NULL)
		return -1;
	for (i = 0; i < n && i < vals->elements && !stop; i++) {
		const redisReply *k = keys->element[i], *v = vals->element[i];

		if (v->type == REDIS_REPLY_STRING && k->len > plen)
			stop = fn(arg, k->str + plen, k->len - plen, v->str,
			    v->len);
	}
	freeReplyObject(vals);
	return stop;
}

static int
popstore_redis_scan(void *impl, popstore_raw_fn fn, void *arg, char *err,
    size_t errlen)
{
	char cursor[32] = "0";
	const char *argv[6] = { "SCAN", cursor, "MATCH",
	    POPSTORE_REDIS_PREFIX "*", "COUNT", "100" };
	redisReply *rep;
	int rc;

	do {
		rep = popstore_redis_cmd(impl, 6, argv, err, errlen);
		if (rep == NULL)
			return -1;
		if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
		    rep->element[0]->type != REDIS_REPLY_STRING ||
		    rep->element[1]->type != REDIS_REPLY_ARRAY) {
			freeReplyObject(rep);
			snprintf(err, errlen, "redis: unexpected SCAN reply");
			return -1;
		}
		snprintf(cursor, sizeof(cursor), "%s", rep->element[0]->str);
		rc = popstore_redis_batch(impl, rep->element[1], fn, arg, err,
		    errlen);
		freeReplyObject(rep);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	} while (strcmp(cursor, "0") != 0);
	return 0;
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
