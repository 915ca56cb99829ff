/*
 * lmdbenv: the LMDB plumbing the embedded stores share (see lmdbenv.h):
 * the store's directory, made ready as root and given to the service
 * account, and the environment opened in it by that account.
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

#define LMDBENV_READERS	1024

int
lmdbenv_fail(char *err, size_t errlen, const char *what, int rc)
{
	snprintf(err, errlen, "lmdb %s: %s", what, mdb_strerror(rc));
	return -1;
}

/* mkdir -p, each new level mode 0750. */
static int
lmdbenv_mkdir(const char *dir, char *err, size_t errlen)
{
	char path[4096], *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		snprintf(err, errlen, "lmdb:%s: path too long", dir);
		return -1;
	}
	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0750) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "lmdb:%s: cannot create %s: %s",
			    dir, path, strerror(errno));
			return -1;
		}
		*p = c;
		if (c == '\0')
			return 0;
	}
}

int
lmdbenv_prepare(const char *dir, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	struct stat st;
	int fd;

	if (lmdbenv_mkdir(dir, err, errlen) != 0)
		return -1;
	if (uid == (uid_t)-1)
		return 0;
	/*
	 * By descriptor, never by path: a link planted in place of the
	 * directory is refused, and nothing inside it is touched as root.
	 */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "lmdb:%s: %s", dir, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || ((st.st_uid != uid || st.st_gid != gid) &&
	    fchown(fd, uid, gid) != 0)) {
		snprintf(err, errlen, "lmdb:%s: cannot give it to uid %ld: %s",
		    dir, (long)uid, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
lmdbenv_open(const char *dir, size_t mapsize, unsigned flags,
    MDB_env **env, MDB_dbi *dbi, char *err, size_t errlen)
{
	MDB_txn *txn;
	int rc, dead;

	*env = NULL;
	if (lmdbenv_mkdir(dir, err, errlen) != 0)
		return -1;
	if ((rc = mdb_env_create(env)) != 0)
		return lmdbenv_fail(err, errlen, "env", rc);
	mdb_env_set_mapsize(*env, mapsize);
	mdb_env_set_maxreaders(*env, LMDBENV_READERS);
	rc = mdb_env_open(*env, dir, MDB_NOTLS | MDB_NOMETASYNC | flags, 0640);
	if (rc != 0) {
		snprintf(err, errlen, "lmdb:%s: %s", dir, mdb_strerror(rc));
		return -1;
	}
	/* Reader slots left by a process that died. */
	mdb_reader_check(*env, &dead);
	if ((rc = mdb_txn_begin(*env, NULL, 0, &txn)) != 0)
		return lmdbenv_fail(err, errlen, "begin", rc);
	if ((rc = mdb_dbi_open(txn, NULL, 0, dbi)) != 0) {
		mdb_txn_abort(txn);
		return lmdbenv_fail(err, errlen, "open", rc);
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return lmdbenv_fail(err, errlen, "commit", rc);
	return 0;
}

