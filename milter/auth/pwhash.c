/*
 * pwhash: password schemes. {PLAIN} compares digests in constant time;
 * crypt(3) hashes go through libxcrypt's reentrant crypt_rn; SCRAM-SHA-256
 * secrets (Dovecot's format) are checked by deriving the keys from the
 * offered password with GNU SASL and comparing both keys.
 */
#include "config.h"

#include <crypt.h>
#include <gsasl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "b64.h"
#include "pwhash.h"

#define PWHASH_SCRAM_ITER	4096	/* Dovecot's default */

static const struct {
	const char	*prefix;
	enum pwhash_scheme scheme;
} pwhash_prefixes[] = {
	{ "{PLAIN}", PWHASH_PLAIN },
	{ "{SHA512-CRYPT}", PWHASH_CRYPT },
	{ "{BLF-CRYPT}", PWHASH_CRYPT },
	{ "{CRYPT}", PWHASH_CRYPT },
	{ "{SCRAM-SHA-256}", PWHASH_SCRAM_SHA256 },
};

static const char *
pwhash_body(const char *stored, enum pwhash_scheme *scheme)
{
	size_t i;

	for (i = 0; i < sizeof(pwhash_prefixes) / sizeof(pwhash_prefixes[0]);
	    i++) {
		size_t n = strlen(pwhash_prefixes[i].prefix);

		if (strncasecmp(stored, pwhash_prefixes[i].prefix, n) == 0) {
			*scheme = pwhash_prefixes[i].scheme;
			return stored + n;
		}
	}
	*scheme = PWHASH_NONE;
	return NULL;
}

enum pwhash_scheme
pwhash_scheme(const char *stored)
{
	enum pwhash_scheme s;

	(void)pwhash_body(stored, &s);
	return s;
}

/* Constant-time comparison of n bytes. */
static int
pwhash_memeq(const unsigned char *a, const unsigned char *b, size_t n)
{
	unsigned char d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

int
pwhash_equal(const char *secret, const char *offered)
{
	size_t ls = strlen(secret), lo = strlen(offered), i;
	unsigned char d = ls != lo;

	/*
	 * Touch every byte of the offered string and never stop early: the
	 * time depends on what the client sent, not on where it went wrong.
	 */
	for (i = 0; i < lo; i++)
		d |= (unsigned char)offered[i] ^
		    (unsigned char)secret[ls ? i % ls : 0];
	return d == 0;
}

const char *
pwhash_plaintext(const char *stored)
{
	enum pwhash_scheme s;
	const char *body = pwhash_body(stored, &s);

	return s == PWHASH_PLAIN ? body : NULL;
}

int
pwhash_scram_parse(const char *stored, struct pwhash_scram *out)
{
	enum pwhash_scheme s;
	const char *body = pwhash_body(stored, &s);
	char buf[512], *f[4], *save = NULL, *end;
	unsigned char salt[96];
	long v;
	int i;

	if (s != PWHASH_SCRAM_SHA256 || strlen(body) >= sizeof(buf))
		return -1;
	strcpy(buf, body);
	for (i = 0; i < 4; i++)
		if ((f[i] = strtok_r(i ? NULL : buf, ",", &save)) == NULL)
			return -1;
	v = strtol(f[0], &end, 10);
	if (*end != '\0' || v < 1 || v > 10000000 ||
	    strlen(f[1]) >= sizeof(out->salt_b64) ||
	    b64_decode(f[1], strlen(f[1]), salt, sizeof(salt)) <= 0)
		return -1;
	out->iter = (unsigned)v;
	strcpy(out->salt_b64, f[1]);
	if (b64_decode(f[2], strlen(f[2]), out->stored, 32) != 32 ||
	    b64_decode(f[3], strlen(f[3]), out->server, 32) != 32 ||
	    strlen(f[2]) >= sizeof(out->stored_b64) ||
	    strlen(f[3]) >= sizeof(out->server_b64))
		return -1;
	strcpy(out->stored_b64, f[2]);
	strcpy(out->server_b64, f[3]);
	return 0;
}

static int
pwhash_verify_scram(const char *stored, const char *password)
{
	struct pwhash_scram sc;
	char salted[GSASL_HASH_SHA256_SIZE], client[GSASL_HASH_SHA256_SIZE];
	char server[GSASL_HASH_SHA256_SIZE], storedk[GSASL_HASH_SHA256_SIZE];
	unsigned char salt[96];
	long saltlen;
	int ok;

	if (pwhash_scram_parse(stored, &sc) != 0)
		return -1;
	saltlen = b64_decode(sc.salt_b64, strlen(sc.salt_b64), salt,
	    sizeof(salt));
	if (gsasl_scram_secrets_from_password(GSASL_HASH_SHA256, password,
	    sc.iter, (const char *)salt, (size_t)saltlen, salted, client,
	    server, storedk) != GSASL_OK)
		return -1;
	/* Both keys must match; & (not &&) keeps the work constant. */
	ok = pwhash_memeq((unsigned char *)storedk, sc.stored, 32) &
	    pwhash_memeq((unsigned char *)server, sc.server, 32);
	explicit_bzero(salted, sizeof(salted));
	explicit_bzero(client, sizeof(client));
	return ok;
}

static int
pwhash_verify_crypt(const char *hash, const char *password)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	int ok;

	if (cd == NULL)
		return -1;
	if (crypt_rn(password, hash, cd, sizeof(*cd)) == NULL ||
	    cd->output[0] == '*') {
		free(cd);
		return -1;
	}
	ok = pwhash_equal(cd->output, hash);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

int
pwhash_verify(const char *stored, const char *password)
{
	enum pwhash_scheme s;
	const char *body = pwhash_body(stored, &s);

	switch (s) {
	case PWHASH_PLAIN:
		return pwhash_equal(body, password);
	case PWHASH_CRYPT:
		return pwhash_verify_crypt(body, password);
	case PWHASH_SCRAM_SHA256:
		return pwhash_verify_scram(stored, password);
	case PWHASH_NONE:
		break;
	}
	return -1;
}

static int
pwhash_make_scram(const char *password, char *out, size_t len)
{
	char salt[16], salted[GSASL_HASH_SHA256_SIZE];
	char client[GSASL_HASH_SHA256_SIZE], server[GSASL_HASH_SHA256_SIZE];
	char storedk[GSASL_HASH_SHA256_SIZE];
	char salt64[32], stored64[48], server64[48];

	if (gsasl_nonce(salt, sizeof(salt)) != GSASL_OK ||
	    gsasl_scram_secrets_from_password(GSASL_HASH_SHA256, password,
	    PWHASH_SCRAM_ITER, salt, sizeof(salt), salted, client, server,
	    storedk) != GSASL_OK) {
		snprintf(out, len, "cannot derive the SCRAM keys");
		return -1;
	}
	b64_encode((unsigned char *)salt, sizeof(salt), salt64, sizeof(salt64));
	b64_encode((unsigned char *)storedk, sizeof(storedk), stored64,
	    sizeof(stored64));
	b64_encode((unsigned char *)server, sizeof(server), server64,
	    sizeof(server64));
	explicit_bzero(salted, sizeof(salted));
	explicit_bzero(client, sizeof(client));
	snprintf(out, len, "{SCRAM-SHA-256}%d,%s,%s,%s", PWHASH_SCRAM_ITER,
	    salt64, stored64, server64);
	return 0;
}

static int
pwhash_make_crypt(const char *scheme, const char *prefix,
    const char *password, char *out, size_t len)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	/* bcrypt's library default (5) is too cheap today; 10 is usual. */
	unsigned long cost = strcmp(prefix, "$2b$") == 0 ? 10 : 0;

	if (crypt_gensalt_rn(prefix, cost, NULL, 0, setting,
	    sizeof(setting)) == NULL) {
		snprintf(out, len, "this system cannot make %s hashes", prefix);
		return -1;
	}
	cd = calloc(1, sizeof(*cd));
	if (cd == NULL || crypt_rn(password, setting, cd, sizeof(*cd)) ==
	    NULL || cd->output[0] == '*') {
		free(cd);
		snprintf(out, len, "crypt failed");
		return -1;
	}
	snprintf(out, len, "{%s}%s", scheme, cd->output);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return 0;
}

int
pwhash_make(const char *scheme, const char *password, char *out,
    size_t len)
{
	if (scheme == NULL || strcasecmp(scheme, "SCRAM-SHA-256") == 0)
		return pwhash_make_scram(password, out, len);
	if (strcasecmp(scheme, "SHA512-CRYPT") == 0)
		return pwhash_make_crypt("SHA512-CRYPT", "$6$", password, out,
		    len);
	if (strcasecmp(scheme, "BLF-CRYPT") == 0)
		return pwhash_make_crypt("BLF-CRYPT", "$2b$", password, out,
		    len);
	if (strcasecmp(scheme, "CRYPT") == 0)
		return pwhash_make_crypt("CRYPT", "$y$", password, out, len);
	if (strcasecmp(scheme, "PLAIN") == 0) {
		snprintf(out, len, "{PLAIN}%s", password);
		return 0;
	}
	snprintf(out, len, "unknown scheme %s (SCRAM-SHA-256, SHA512-CRYPT, "
	    "BLF-CRYPT, CRYPT, PLAIN)", scheme);
	return -1;
}
