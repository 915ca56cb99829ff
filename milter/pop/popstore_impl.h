/*
 * popstore_impl: the interface between the store front end (popstore.c:
 * keys, values, the window) and its backends (popstore_lmdb.c,
 * popstore_redis.c), which only keep strings under string keys. Not for
 * other modules.
 */
#ifndef RELAYMILTER_POPSTORE_IMPL_H
#define RELAYMILTER_POPSTORE_IMPL_H

#include <sys/types.h>

#include "popstore.h"

/* Called for each raw key/value by a backend's scan; non-zero stops. */
typedef int (*popstore_raw_fn)(void *arg, const char *key, size_t klen,
    const char *val, size_t vlen);

struct popstore_ops {
	const char *kind;
	/* 1 with the value (NUL-terminated) in val, 0 if absent, -1. */
	int	(*get)(void *impl, const char *key, char *val, size_t vlen);
	/* 0, or -1 with err; ttl in seconds (Redis only). */
	int	(*put)(void *impl, const char *key, const char *val, int ttl,
		    char *err, size_t errlen);
	/* 1 removed, 0 absent, -1 with err. */
	int	(*del)(void *impl, const char *key, char *err, size_t errlen);
	/* 0, or -1 with err. */
	int	(*scan)(void *impl, popstore_raw_fn fn, void *arg, char *err,
		    size_t errlen);
	/* Remove values whose time is before cutoff: count, or -1. */
	int	(*purge)(void *impl, time_t cutoff);
	void	(*close)(void *impl);
};

extern const struct popstore_ops popstore_lmdb_ops;
extern const struct popstore_ops popstore_redis_ops;

/*
 * popstore_lmdb_open -- open (creating) the LMDB environment in dir.
 * Returns the backend handle, or NULL with a message in err.
 */
void *popstore_lmdb_open(const char *dir, char *err, size_t errlen);

/*
 * popstore_lmdb_prepare -- create dir (mkdir -p, mode 0750) and, unless
 * uid is (uid_t)-1, hand the directory itself to uid:gid through a
 * descriptor opened without following links. Run as root before the
 * privilege drop; the environment's files are created later by the
 * unprivileged popstore_lmdb_open. Returns 0 or -1 with err.
 */
int popstore_lmdb_prepare(const char *dir, uid_t uid, gid_t gid, char *err,
    size_t errlen);

/*
 * popstore_redis_open -- prepare a pool of connections to the Redis
 * server of spec (connected lazily; each sends AUTH password first when
 * password is not NULL). Returns the handle, or NULL.
 */
void *popstore_redis_open(const char *spec, const char *password, char *err,
    size_t errlen);

#endif
