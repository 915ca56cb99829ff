/*
 * rpool: connections to one Redis server for the stores kept there (see
 * rpool.h). A thread takes a connection from the pool, talks, and gives
 * it back; after a failure the pool drops its idle connections and
 * refuses at once for a back-off period (doubling up to
 * RPOOL_BACKOFF_MAX_MS), after which one thread probes again.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "rpool.h"

#define RPOOL_SIZE		32
#define RPOOL_BACKOFF_MIN_MS	100
#define RPOOL_BACKOFF_MAX_MS	2000

struct rpool {
	char		 what[32];	/* "pop store", for the log */
	char		 host[256];
	int		 port, db;
	char		*password;	/* AUTH, or NULL; never logged */
	pthread_mutex_t	 lock;		/* the pool and the back-off state */
	redisContext	*idle[RPOOL_SIZE];
	int		 nidle;
	long long	 retry_at;	/* ms, monotonic: no I/O before */
	int		 backoff;	/* ms */
	int		 probing;	/* one thread tries after back-off */
	int		 down;		/* logged as down */
};

static long long
rpool_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct rpool *
rpool_open(const char *what, const char *host, int port, int db,
    const char *password, char *err, size_t errlen)
{
	struct rpool *p;

	if (strlen(host) >= sizeof(p->host)) {
		snprintf(err, errlen, "redis host name too long");
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL || (password != NULL &&
	    (p->password = strdup(password)) == NULL)) {
		snprintf(err, errlen, "out of memory");
		free(p);
		return NULL;
	}
	snprintf(p->what, sizeof(p->what), "%s", what);
	snprintf(p->host, sizeof(p->host), "%s", host);
	p->port = port;
	p->db = db;
	pthread_mutex_init(&p->lock, NULL);
	p->backoff = RPOOL_BACKOFF_MIN_MS;
	return p;
}

void
rpool_close(struct rpool *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nidle; i++)
		redisFree(p->idle[i]);
	pthread_mutex_destroy(&p->lock);
	if (p->password != NULL) {
		explicit_bzero(p->password, strlen(p->password));
		free(p->password);
	}
	free(p);
}

int
rpool_same(const struct rpool *p, const char *host, int port, int db)
{
	return strcmp(p->host, host) == 0 && p->port == port && p->db == db;
}

/* AUTH on a new connection c: 0, or -1 with c freed and err filled. */
static int
rpool_auth(struct rpool *p, redisContext *c, char *err, size_t errlen)
{
	redisReply *rep = redisCommand(c, "AUTH %s", p->password);
	int ok = rep != NULL && rep->type == REDIS_REPLY_STATUS;

	/* The server's words only: the command itself holds the password. */
	snprintf(err, errlen, "redis %s:%d: AUTH refused%s%s", p->host,
	    p->port, rep != NULL && rep->type == REDIS_REPLY_ERROR ? ": " : "",
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
rpool_connect(struct rpool *p, char *err, size_t errlen)
{
	struct timeval tv = { 0, RPOOL_TIMEOUT_MS * 1000 };
	redisContext *c = redisConnectWithTimeout(p->host, p->port, tv);
	redisReply *rep;

	if (c == NULL || c->err || redisSetTimeout(c, tv) != REDIS_OK) {
		snprintf(err, errlen, "redis %s:%d: %s", p->host, p->port,
		    c != NULL ? c->errstr : "out of memory");
		if (c != NULL)
			redisFree(c);
		return NULL;
	}
	if (p->password != NULL && rpool_auth(p, c, err, errlen) != 0)
		return NULL;
	if (p->db == 0)
		return c;
	rep = redisCommand(c, "SELECT %d", p->db);
	if (rep == NULL || rep->type != REDIS_REPLY_STATUS) {
		snprintf(err, errlen, "redis %s:%d: SELECT %d failed", p->host,
		    p->port, p->db);
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
rpool_failed(struct rpool *p, const char *why)
{
	redisContext *drop[RPOOL_SIZE];
	int i, n, was_down;

	pthread_mutex_lock(&p->lock);
	n = p->nidle;
	memcpy(drop, p->idle, sizeof(drop));
	p->nidle = 0;
	p->retry_at = rpool_ms() + p->backoff;
	p->backoff = p->backoff * 2 > RPOOL_BACKOFF_MAX_MS ?
	    RPOOL_BACKOFF_MAX_MS : p->backoff * 2;
	p->probing = 0;
	was_down = p->down;
	p->down = 1;
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < n; i++)
		redisFree(drop[i]);
	if (!was_down)
		log_msg(LOG_ERR, "%s %s:%d unavailable (%s): relaying that "
		    "needs it is answered 451 until it is back", p->what,
		    p->host, p->port, why);
}

/*
 * A connection to use, or NULL at once while backing off. Only the pool
 * manipulation is under the mutex; connecting happens outside it.
 */
static redisContext *
rpool_take(struct rpool *p, char *err, size_t errlen)
{
	redisContext *c = NULL;
	int wait = 0;

	pthread_mutex_lock(&p->lock);
	if (p->nidle > 0)
		c = p->idle[--p->nidle];
	else if (p->down && (p->probing || rpool_ms() < p->retry_at))
		wait = 1;
	else if (p->down)
		p->probing = 1;
	pthread_mutex_unlock(&p->lock);
	if (c != NULL)
		return c;
	if (wait) {
		snprintf(err, errlen, "redis %s:%d: unavailable, retrying "
		    "shortly", p->host, p->port);
		return NULL;
	}
	c = rpool_connect(p, err, errlen);
	if (c == NULL)
		rpool_failed(p, err);
	return c;
}

/* Give c back after use; ok 0 means it failed and is closed instead. */
static void
rpool_give(struct rpool *p, redisContext *c, int ok)
{
	int was_down = 0;

	if (!ok) {
		char why[256];

		snprintf(why, sizeof(why), "%s", c->err ? c->errstr :
		    "unexpected reply");
		redisFree(c);
		rpool_failed(p, why);
		return;
	}
	pthread_mutex_lock(&p->lock);
	if (p->nidle < RPOOL_SIZE) {
		p->idle[p->nidle++] = c;
		c = NULL;
	}
	was_down = p->down;
	p->down = p->probing = 0;
	p->backoff = RPOOL_BACKOFF_MIN_MS;
	pthread_mutex_unlock(&p->lock);
	if (c != NULL)
		redisFree(c);
	if (was_down)
		log_msg(LOG_NOTICE, "%s %s:%d is back", p->what, p->host,
		    p->port);
}

/* The reply of a finished exchange: errors become NULL with err. */
static redisReply *
rpool_reply(struct rpool *p, redisReply *rep, char *err, size_t errlen)
{
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "redis: %s", rep->str);
		freeReplyObject(rep);
		return NULL;
	}
	if (rep == NULL && err[0] == '\0')
		snprintf(err, errlen, "redis %s:%d: no answer", p->host,
		    p->port);
	return rep;
}

redisReply *
rpool_cmd(struct rpool *p, int argc, const char **argv,
    const size_t *argvlen, char *err, size_t errlen)
{
	redisContext *c;
	redisReply *rep;

	err[0] = '\0';
	c = rpool_take(p, err, errlen);
	if (c == NULL)
		return NULL;
	rep = redisCommandArgv(c, argc, argv, argvlen);
	rpool_give(p, c, rep != NULL && rep->type != REDIS_REPLY_ERROR);
	return rpool_reply(p, rep, err, errlen);
}

/* SCRIPT LOAD s on c and remember its SHA1: 0, or -1. */
static int
rpool_load(redisContext *c, struct rpool_script *s)
{
	redisReply *rep = redisCommand(c, "SCRIPT LOAD %s", s->src);
	int ok = rep != NULL && rep->type == REDIS_REPLY_STRING &&
	    rep->len == 40;

	if (ok) {
		pthread_mutex_lock(&s->lock);
		memcpy(s->sha, rep->str, 40);
		s->sha[40] = '\0';
		pthread_mutex_unlock(&s->lock);
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return ok ? 0 : -1;
}

/* EVALSHA on c with the known SHA1 of s (argv[0] is free for it). */
static redisReply *
rpool_evalsha(redisContext *c, struct rpool_script *s, int argc,
    const char **argv, size_t *argvlen)
{
	char sha[41];

	pthread_mutex_lock(&s->lock);
	memcpy(sha, s->sha, sizeof(sha));
	pthread_mutex_unlock(&s->lock);
	argv[0] = "EVALSHA";
	argv[1] = sha;
	argvlen[0] = 7;
	argvlen[1] = 40;
	return redisCommandArgv(c, argc, argv, argvlen);
}

#define RPOOL_EVAL_ARGS	32

redisReply *
rpool_eval(struct rpool *p, struct rpool_script *s, int argc,
    const char **argv, const size_t *argvlen, char *err, size_t errlen)
{
	const char *av[RPOOL_EVAL_ARGS + 2];
	size_t avlen[RPOOL_EVAL_ARGS + 2];
	redisContext *c;
	redisReply *rep = NULL;
	int i, loaded;

	err[0] = '\0';
	if (argc > RPOOL_EVAL_ARGS) {
		snprintf(err, errlen, "redis: too many script arguments");
		return NULL;
	}
	for (i = 0; i < argc; i++) {
		av[i + 2] = argv[i];
		avlen[i + 2] = argvlen != NULL ? argvlen[i] : strlen(argv[i]);
	}
	c = rpool_take(p, err, errlen);
	if (c == NULL)
		return NULL;
	pthread_mutex_lock(&s->lock);
	loaded = s->sha[0] != '\0';
	pthread_mutex_unlock(&s->lock);
	if (loaded || rpool_load(c, s) == 0)
		rep = rpool_evalsha(c, s, argc + 2, av, avlen);
	/* The server forgot its scripts (restart, SCRIPT FLUSH): once more. */
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR &&
	    strncmp(rep->str, "NOSCRIPT", 8) == 0) {
		freeReplyObject(rep);
		rep = rpool_load(c, s) == 0 ? rpool_evalsha(c, s, argc + 2, av,
		    avlen) : NULL;
	}
	rpool_give(p, c, rep != NULL && rep->type != REDIS_REPLY_ERROR);
	return rpool_reply(p, rep, err, errlen);
}

int
rpool_scan(struct rpool *p, const char *pattern, rpool_keys_fn fn,
    void *arg, char *err, size_t errlen)
{
	char cursor[32] = "0";
	const char *argv[6] = { "SCAN", cursor, "MATCH", pattern, "COUNT",
	    "100" };
	redisReply *rep;
	int rc;

	do {
		rep = rpool_cmd(p, 6, argv, NULL, err, errlen);
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
		rc = fn(arg, rep->element[1], err, errlen);
		freeReplyObject(rep);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	} while (strcmp(cursor, "0") != 0);
	return 0;
}
