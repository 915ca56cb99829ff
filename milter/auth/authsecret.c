/*
 * authsecret: the per-install secret, kept in one file the daemon owns,
 * and the salts and dummy keys derived from it. GNU SASL exports no HMAC,
 * but PBKDF2 with one iteration is one HMAC: the derivations go through
 * gsasl_scram_secrets_from_password, which SASLpreps what it takes as the
 * password, so the key it is given is the secret in base64 (plain ASCII,
 * which SASLprep leaves as it is). The secret is written before the
 * service threads start and only read afterwards.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gsasl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authsecret.h"
#include "b64.h"
#include "pwscheme.h"

/* the secret as the HMAC key: its base64 */
static char authsecret_key[PWSCHEME_B64LEN(AUTHSECRET_LEN) + 1];

static void
authsecret_set(const unsigned char *secret)
{
	b64_encode(secret, AUTHSECRET_LEN, authsecret_key,
	    sizeof(authsecret_key));
}

/* Fill buf with len random bytes. Returns 0 or -1. */
static int
authsecret_random(unsigned char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = getrandom(buf + got, len - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

int
authsecret_init(char *err, size_t errlen)
{
	unsigned char secret[AUTHSECRET_LEN];

	if (authsecret_random(secret, sizeof(secret)) != 0) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		return -1;
	}
	authsecret_set(secret);
	explicit_bzero(secret, sizeof(secret));
	return 0;
}

/*
 * Read the secret at path into secret. Returns 0, 1 if there is no file,
 * or -1 with the reason in err.
 */
static int
authsecret_read(const char *path, unsigned char *secret, char *err,
    size_t errlen)
{
	/* O_NONBLOCK: a FIFO planted there must not hang the start. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	ssize_t n;

	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0) {
		snprintf(err, errlen, "cannot open it: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0 ||
	    st.st_size != AUTHSECRET_LEN) {
		snprintf(err, errlen, "not used: it must be a plain file of "
		    "uid %ld, mode 0600 or stricter, of %d bytes (remove it "
		    "to have a new one made)", (long)geteuid(), AUTHSECRET_LEN);
		close(fd);
		return -1;
	}
	n = read(fd, secret, AUTHSECRET_LEN);
	close(fd);
	if (n != AUTHSECRET_LEN) {
		snprintf(err, errlen, "cannot read it");
		return -1;
	}
	return 0;
}

/*
 * Make the file: a new random secret under a temporary name (mkstemp:
 * mode 0600, never an existing file or link), given to uid and gid by
 * its descriptor (unless uid is -1), then linked to path, which fails
 * rather than replace a file that is there first. Nothing is ever done
 * by path but the link and the removal of the temporary name, so root
 * may run it in a folder the service account can write. Returns 0 with
 * the secret now at path, 1 if path exists already, or -1 with err.
 */
static int
authsecret_create(const char *path, uid_t uid, gid_t gid,
    unsigned char *secret, char *err, size_t errlen)
{
	char tmp[4096];
	int fd, bad, rc;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	if (authsecret_random(secret, AUTHSECRET_LEN) != 0) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot create it: %s", strerror(errno));
		return -1;
	}
	bad = fchmod(fd, 0600) != 0 ||
	    (uid != (uid_t)-1 && fchown(fd, uid, gid) != 0) ||
	    write(fd, secret, AUTHSECRET_LEN) != AUTHSECRET_LEN ||
	    fsync(fd) != 0;
	if (close(fd) != 0 || bad) {
		snprintf(err, errlen, "cannot write it: %s", strerror(errno));
		unlink(tmp);
		return -1;
	}
	rc = link(tmp, path) == 0 ? 0 : errno;
	unlink(tmp);
	if (rc == EEXIST)
		return 1;
	if (rc != 0) {
		snprintf(err, errlen, "cannot create it: %s", strerror(rc));
		return -1;
	}
	return 0;
}

int
authsecret_prepare(const char *path, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	unsigned char secret[AUTHSECRET_LEN];
	struct stat st;
	int rc;

	if (lstat(path, &st) == 0 || errno != ENOENT)
		return 0;
	rc = authsecret_create(path, uid, gid, secret, err, errlen);
	explicit_bzero(secret, sizeof(secret));
	return rc < 0 ? -1 : 0;
}

int
authsecret_load(const char *path, char *err, size_t errlen)
{
	unsigned char secret[AUTHSECRET_LEN];
	int rc = authsecret_read(path, secret, err, errlen);

	if (rc == 1) {
		rc = authsecret_create(path, (uid_t)-1, (gid_t)-1, secret, err,
		    errlen);
		/* Another process was first: its secret is the one. */
		if (rc == 1)
			rc = authsecret_read(path, secret, err, errlen);
		else if (rc == 0)
			rc = 1;
	}
	if (rc >= 0)
		authsecret_set(secret);
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

/* HMAC-SHA-256(secret, msg || 0x00000001): PBKDF2's first block. */
static int
authsecret_hmac(const char *msg, size_t len, unsigned iter, char *salted,
    char *stored, char *server)
{
	char client[GSASL_HASH_SHA256_SIZE];
	int rc;

	rc = gsasl_scram_secrets_from_password(GSASL_HASH_SHA256,
	    authsecret_key, iter, msg, len, salted, client, server, stored);
	explicit_bzero(client, sizeof(client));
	return rc == GSASL_OK ? 0 : -1;
}

int
authsecret_derive(const char *name, size_t namelen, unsigned char *out,
    size_t len)
{
	char salted[GSASL_HASH_SHA256_SIZE], stored[GSASL_HASH_SHA256_SIZE];
	char server[GSASL_HASH_SHA256_SIZE], *msg;
	size_t done, n;
	int rc = 0;

	if (len < 1 || len > 255 || (msg = malloc(namelen + 2)) == NULL)
		return -1;
	memcpy(msg, name, namelen);
	msg[namelen] = '\0';
	for (done = 0; done < len && rc == 0; done += n) {
		/*
		 * The first block over the name alone; the next ones over the
		 * name, a NUL (no name holds one) and the block number.
		 */
		msg[namelen + 1] = (char)(done / sizeof(salted) + 1);
		rc = authsecret_hmac(msg, done == 0 ? namelen : namelen + 2, 1,
		    salted, stored, server);
		n = len - done < sizeof(salted) ? len - done : sizeof(salted);
		memcpy(out + done, salted, n);
	}
	explicit_bzero(salted, sizeof(salted));
	free(msg);
	return rc;
}

int
authsecret_keys(unsigned iter, const unsigned char *salt, size_t saltlen,
    char *stored_b64, char *server_b64)
{
	char salted[GSASL_HASH_SHA256_SIZE], stored[GSASL_HASH_SHA256_SIZE];
	char server[GSASL_HASH_SHA256_SIZE];
	int rc;

	rc = authsecret_hmac((const char *)salt, saltlen, iter, salted, stored,
	    server);
	explicit_bzero(salted, sizeof(salted));
	if (rc != 0)
		return -1;
	b64_encode((unsigned char *)stored, sizeof(stored), stored_b64,
	    PWSCHEME_B64LEN(PWSCHEME_SCRAM_KEY) + 1);
	b64_encode((unsigned char *)server, sizeof(server), server_b64,
	    PWSCHEME_B64LEN(PWSCHEME_SCRAM_KEY) + 1);
	return 0;
}
