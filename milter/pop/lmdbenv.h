/*
 * lmdbenv: what the embedded stores (the POP store's lmdb backend, the
 * accounts store's) share: the directory made ready as root, and an
 * LMDB environment opened in it with one unnamed database.
 */
#ifndef RELAYMILTER_LMDBENV_H
#define RELAYMILTER_LMDBENV_H

#include <lmdb.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * lmdbenv_prepare -- create dir (mkdir -p, mode 0750) and, unless uid
 * is (uid_t)-1, hand the directory itself to uid:gid through a
 * descriptor opened without following links. Run as root before the
 * privilege drop; the files are created later by lmdbenv_open. Returns
 * 0 or -1 with err.
 */
int lmdbenv_prepare(const char *dir, uid_t uid, gid_t gid, char *err,
    size_t errlen);

/*
 * lmdbenv_open -- create dir if missing and open the environment in it
 * (map of mapsize bytes, MDB_NOTLS: reader slots follow transactions,
 * not libmilter's threads; MDB_NOMETASYNC, and the extra flags, e.g.
 * MDB_NOSYNC), clearing reader slots of dead processes, with its
 * unnamed database in *dbi. Returns 0 with *env, or -1 with err (*env,
 * if not NULL, is then for the caller to close).
 */
int lmdbenv_open(const char *dir, size_t mapsize, unsigned flags,
    MDB_env **env, MDB_dbi *dbi, char *err, size_t errlen);

/* lmdbenv_fail -- "lmdb <what>: <LMDB's message>" into err; -1. */
int lmdbenv_fail(char *err, size_t errlen, const char *what, int rc);

#endif
