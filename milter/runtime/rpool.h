/*
 * rpool: a small pool of connections to one Redis server, shared by the
 * stores that keep their data there (the POP login store, the accounts
 * store). Connections are made lazily (AUTH and SELECT first), with
 * short connect and command timeouts; after a failure the pool answers
 * "unavailable" at once for a back-off period, then lets one thread
 * probe, so an outage costs callers microseconds, not timeouts. Lua
 * scripts are loaded once (SCRIPT LOAD) and run with EVALSHA, loaded
 * again when the server has forgotten them (NOSCRIPT).
 *
 * Every function may be called from any thread; the pool mutex is never
 * held across network I/O.
 */
#ifndef RELAYMILTER_RPOOL_H
#define RELAYMILTER_RPOOL_H

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stddef.h>

#define RPOOL_TIMEOUT_MS	200	/* connect and command timeout */

struct rpool;

/* A Lua script run by rpool_eval; its SHA1 is learnt at first use. */
struct rpool_script {
	const char	*src;
	pthread_mutex_t	 lock;		/* sha */
	char		 sha[41];	/* "" until loaded */
};

/* RPOOL_SCRIPT_INIT(src) -- a static initializer of struct rpool_script. */
#define RPOOL_SCRIPT_INIT(s) { (s), PTHREAD_MUTEX_INITIALIZER, "" }

/*
 * rpool_open -- a pool for the server host:port, database db, each new
 * connection sending AUTH password first when password is not NULL.
 * what names the user in log lines ("pop store"). Nothing is connected
 * yet. Returns the pool, or NULL with a message in err.
 */
struct rpool *rpool_open(const char *what, const char *host, int port,
    int db, const char *password, char *err, size_t errlen);

/* rpool_close -- close the idle connections and free p (NULL is fine). */
void rpool_close(struct rpool *p);

/*
 * rpool_same -- 1 if p talks to host:port, database db (so that one
 * script may read the data of both), else 0. Pure.
 */
int rpool_same(const struct rpool *p, const char *host, int port, int db);

/*
 * rpool_cmd -- run one command (argv form; argvlen may be NULL for C
 * strings) and return the reply, which the caller frees with
 * freeReplyObject. NULL if the server cannot answer or answers an
 * error (why in err; never the arguments).
 */
redisReply *rpool_cmd(struct rpool *p, int argc, const char **argv,
    const size_t *argvlen, char *err, size_t errlen);

/*
 * rpool_eval -- run script s with EVALSHA: argv holds the numkeys, keys
 * and arguments that follow the SHA1 (argc of them). The first use on a
 * server loads the script (SCRIPT LOAD), as does a NOSCRIPT answer (the
 * server restarted), then the call is retried once. Returns the reply
 * (freed by the caller), or NULL with err.
 */
redisReply *rpool_eval(struct rpool *p, struct rpool_script *s, int argc,
    const char **argv, const size_t *argvlen, char *err, size_t errlen);

/*
 * A batch of keys found by rpool_scan (an array reply of strings): 0
 * to go on, > 0 to stop, < 0 on error (with err).
 */
typedef int (*rpool_keys_fn)(void *arg, const redisReply *keys, char *err,
    size_t errlen);

/*
 * rpool_scan -- walk the keys matching pattern with SCAN (never KEYS, so
 * a large database is not blocked) and hand each batch to fn. Returns
 * 0 (also when fn stopped), or -1 with err.
 */
int rpool_scan(struct rpool *p, const char *pattern, rpool_keys_fn fn,
    void *arg, char *err, size_t errlen);

#endif
