/*
 * pwhash: password schemes, on the stored strings pwscheme parses.
 * {PLAIN} compares in constant time;
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

#include "b64.h"
#include "pwhash.h"
#include "pwscheme.h"

#define PWHASH_SCRAM_ITER	4096	/* Dovecot's default */
#define PWHASH_SCRAM_SALT	16
/* More than pwscheme takes: the tests make salts it must refuse. */
#define PWHASH_SCRAM_SALT_MAX	255

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

static int
pwhash_verify_scram(const struct pwscheme *pw, const char *password)
{
	char salted[GSASL_HASH_SHA256_SIZE], client[GSASL_HASH_SHA256_SIZE];
	char server[GSASL_HASH_SHA256_SIZE], storedk[GSASL_HASH_SHA256_SIZE];
	int ok;

	if (gsasl_scram_secrets_from_password(GSASL_HASH_SHA256, password,
	    pw->iter, (const char *)pw->salt, pw->saltlen, salted, client,
	    server, storedk) != GSASL_OK)
		return -1;
	/* Both keys must match; & (not &&) keeps the work constant. */
	ok = pwhash_memeq((unsigned char *)storedk, pw->stored_key, 32) &
	    pwhash_memeq((unsigned char *)server, pw->server_key, 32);
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
	struct pwscheme pw;

	if (pwscheme_parse(stored, &pw, NULL, 0) != 0)
		return -1;
	switch (pw.kind) {
	case PWSCHEME_PLAIN:
		return pwhash_equal(pw.plain, password);
	case PWSCHEME_CRYPT:
		return pwhash_verify_crypt(pw.crypt, password);
	case PWSCHEME_SCRAM_SHA256:
		return pwhash_verify_scram(&pw, password);
	case PWSCHEME_NONE:
		break;
	}
	return -1;
}

int
pwhash_make_scram(const char *password, unsigned iter,
    const unsigned char *salt, size_t saltlen, char *out, size_t len)
{
	char salted[GSASL_HASH_SHA256_SIZE];
	char client[GSASL_HASH_SHA256_SIZE], server[GSASL_HASH_SHA256_SIZE];
	char storedk[GSASL_HASH_SHA256_SIZE];
	char salt64[PWSCHEME_B64LEN(PWHASH_SCRAM_SALT_MAX) + 1];
	char stored64[48], server64[48];

	if (iter < 1 || iter > PWSCHEME_SCRAM_ITER_MAX || saltlen == 0 ||
	    saltlen > PWHASH_SCRAM_SALT_MAX ||
	    gsasl_scram_secrets_from_password(GSASL_HASH_SHA256, password,
	    iter, (const char *)salt, saltlen, salted, client, server,
	    storedk) != GSASL_OK) {
		snprintf(out, len, "cannot derive the SCRAM keys");
		return -1;
	}
	b64_encode(salt, saltlen, salt64, sizeof(salt64));
	b64_encode((unsigned char *)storedk, sizeof(storedk), stored64,
	    sizeof(stored64));
	b64_encode((unsigned char *)server, sizeof(server), server64,
	    sizeof(server64));
	explicit_bzero(salted, sizeof(salted));
	explicit_bzero(client, sizeof(client));
	snprintf(out, len, "{SCRAM-SHA-256}%u,%s,%s,%s", iter, salt64,
	    stored64, server64);
	return 0;
}

static int
pwhash_make_crypt(const struct pwscheme_info *scheme, const char *password,
    char *out, size_t len)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *prefix = scheme->ids[0];
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
	snprintf(out, len, "{%s}%s", scheme->name, cd->output);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return 0;
}

int
pwhash_make(const char *scheme, const char *password, char *out,
    size_t len)
{
	const struct pwscheme_info *s = pwscheme_find(scheme != NULL ?
	    scheme : "SCRAM-SHA-256");
	unsigned char salt[PWHASH_SCRAM_SALT];
	char names[128];

	if (s == NULL) {
		snprintf(out, len, "unknown scheme %s (%s)", scheme,
		    pwscheme_names(names, sizeof(names), 0));
		return -1;
	}
	switch (s->kind) {
	case PWSCHEME_SCRAM_SHA256:
		if (gsasl_nonce((char *)salt, sizeof(salt)) != GSASL_OK) {
			snprintf(out, len, "no random numbers for the salt");
			return -1;
		}
		return pwhash_make_scram(password, PWHASH_SCRAM_ITER, salt,
		    sizeof(salt), out, len);
	case PWSCHEME_CRYPT:
		return pwhash_make_crypt(s, password, out, len);
	case PWSCHEME_PLAIN:
		snprintf(out, len, "{PLAIN}%s", password);
		return 0;
	case PWSCHEME_NONE:
		break;
	}
	return -1;
}
