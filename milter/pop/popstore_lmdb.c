/*
 * popstore_lmdb: the embedded POP login store, an LMDB environment in a
 * directory of its own. Readers never wait for the writer (LMDB's MVCC),
 * so a lookup costs a read transaction and a B-tree search; writes
 * (logins, purges) are serialised by LMDB itself, across threads and
 * processes alike. MDB_NOTLS ties reader slots to transactions, not
 * threads, as libmilter's threads come and go.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lmdbenv.h"
#include "popstore.h"
#include "popstore_impl.h"

#define POPSTORE_LMDB_MAPSIZE	((size_t)64 << 20)

struct popstore_lmdb {
	MDB_env		*env;
	MDB_dbi		 dbi;
};

int
popstore_lmdb_prepare(const char *dir, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	return lmdbenv_prepare(dir, uid, gid, err, errlen);
}

static void
popstore_lmdb_close(void *impl)
{
	struct popstore_lmdb *s = impl;

	if (s->env != NULL)
		mdb_env_close(s->env);
	free(s);
}

void *
popstore_lmdb_open(const char *dir, char *err, size_t errlen)
{
	struct popstore_lmdb *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (lmdbenv_open(dir, POPSTORE_LMDB_MAPSIZE, 0, &s->env, &s->dbi, err,
	    errlen) != 0) {
		popstore_lmdb_close(s);
		return NULL;
	}
	return s;
}

static MDB_val
popstore_lmdb_val(const char *s)
{
	MDB_val v = { strlen(s), (void *)s };

	return v;
}

static int
popstore_lmdb_get(void *impl, const char *key, char *val, size_t vlen)
{
	struct popstore_lmdb *s = impl;
	MDB_val k = popstore_lmdb_val(key), v;
	MDB_txn *txn;
	int rc;

	if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn) != 0)
		return -1;
	rc = mdb_get(txn, s->dbi, &k, &v);
	if (rc == 0 && v.mv_size < vlen) {
		memcpy(val, v.mv_data, v.mv_size);
		val[v.mv_size] = '\0';
		rc = 1;
	} else
		rc = rc == MDB_NOTFOUND || rc == 0 ? 0 : -1;
	mdb_txn_abort(txn);
	return rc;
}

/* One write transaction running op (put or del); MDB_NOTFOUND -> 0. */
static int
popstore_lmdb_write(struct popstore_lmdb *s, const char *key,
    const char *val, char *err, size_t errlen)
{
	MDB_val k = popstore_lmdb_val(key), v;
	MDB_txn *txn;
	int rc;

	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
		return lmdbenv_fail(err, errlen, "begin", rc);
	if (val != NULL) {
		v = popstore_lmdb_val(val);
		rc = mdb_put(txn, s->dbi, &k, &v, 0);
	} else
		rc = mdb_del(txn, s->dbi, &k, NULL);
	if (rc != 0) {
		mdb_txn_abort(txn);
		if (rc == MDB_NOTFOUND)
			return 0;
		return lmdbenv_fail(err, errlen, "write", rc);
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return lmdbenv_fail(err, errlen, "commit", rc);
	return 1;
}

static int popstore_lmdb_purge(void *impl, time_t cutoff);

static int
popstore_lmdb_put(void *impl, const char *key, const char *val, int ttl,
    char *err, size_t errlen)
{
	int rc = popstore_lmdb_write(impl, key, val, err, errlen);

	/* A full map: drop what has expired and try once more. */
	if (rc < 0 && strstr(err, "MDB_MAP_FULL") != NULL &&
	    popstore_lmdb_purge(impl, time(NULL) - ttl) > 0)
		rc = popstore_lmdb_write(impl, key, val, err, errlen);
	return rc < 0 ? -1 : 0;
}

static int
popstore_lmdb_del(void *impl, const char *key, char *err, size_t errlen)
{
	return popstore_lmdb_write(impl, key, NULL, err, errlen);
}

/* Walk every entry in a transaction of the given flags. */
static int
popstore_lmdb_walk(struct popstore_lmdb *s, unsigned flags,
    popstore_raw_fn fn, void *arg, MDB_txn **txnp)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if (mdb_txn_begin(s->env, NULL, flags, txnp) != 0)
		return -1;
	if (mdb_cursor_open(*txnp, s->dbi, &cur) != 0) {
		mdb_txn_abort(*txnp);
		return -1;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		int r = fn(arg, k.mv_data, k.mv_size, v.mv_data, v.mv_size);

		if (r > 0)
			break;
		if (r < 0 && mdb_cursor_del(cur, 0) != 0)
			break;
	}
	mdb_cursor_close(cur);
	return 0;
}

static int
popstore_lmdb_scan(void *impl, popstore_raw_fn fn, void *arg, char *err,
    size_t errlen)
{
	MDB_txn *txn;

	if (popstore_lmdb_walk(impl, MDB_RDONLY, fn, arg, &txn) != 0) {
		snprintf(err, errlen, "lmdb: cannot read the store");
		return -1;
	}
	mdb_txn_abort(txn);
	return 0;
}

struct popstore_lmdb_cut {
	time_t	 cutoff;
	int	 removed;
};

/* Returns -1 (delete) for an expired or unreadable entry. */
static int
popstore_lmdb_expired(void *arg, const char *key, size_t klen,
    const char *val, size_t vlen)
{
	struct popstore_lmdb_cut *c = arg;
	char user[POPSTORE_VALUE_MAX];
	time_t when;

	(void)key;
	(void)klen;
	if (popstore_value_parse(val, vlen, &when, user, sizeof(user)) == 0 &&
	    when >= c->cutoff)
		return 0;
	c->removed++;
	return -1;
}

static int
popstore_lmdb_purge(void *impl, time_t cutoff)
{
	struct popstore_lmdb_cut c = { cutoff, 0 };
	MDB_txn *txn;

	if (popstore_lmdb_walk(impl, 0, popstore_lmdb_expired, &c, &txn) != 0)
		return -1;
	if (mdb_txn_commit(txn) != 0)
		return -1;
	return c.removed;
}

const struct popstore_ops popstore_lmdb_ops = {
	.kind = "lmdb",
	.get = popstore_lmdb_get,
	.put = popstore_lmdb_put,
	.del = popstore_lmdb_del,
	.scan = popstore_lmdb_scan,
	.purge = popstore_lmdb_purge,
	.close = popstore_lmdb_close,
};
