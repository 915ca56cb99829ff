/*
 * pwhash: the stored password schemes of the users list. Verification
 * of a plaintext password against any scheme, the properties a SASL
 * mechanism needs from a stored secret, and the making of new stored
 * strings for "relayctl pw". Secret comparisons take constant time.
 */
#ifndef RELAYMILTER_PWHASH_H
#define RELAYMILTER_PWHASH_H

#include <stddef.h>

enum pwhash_scheme {
	PWHASH_NONE,		/* not a known scheme */
	PWHASH_PLAIN,
	PWHASH_CRYPT,		/* {SHA512-CRYPT}, {BLF-CRYPT}, {CRYPT} */
	PWHASH_SCRAM_SHA256
};

/* A stored SCRAM-SHA-256 secret, as GNU SASL's server wants it. */
struct pwhash_scram {
	unsigned	 iter;
	char		 salt_b64[128];
	char		 stored_b64[48];	/* as GNU SASL takes them */
	char		 server_b64[48];
	unsigned char	 stored[32];
	unsigned char	 server[32];
};

/* pwhash_scheme -- the scheme of a stored string. Pure. */
enum pwhash_scheme pwhash_scheme(const char *stored);

/*
 * pwhash_verify -- 1 if password matches the stored string, 0 if not,
 * -1 if the stored string is unusable. Costs what the scheme costs
 * (crypt rounds, SCRAM iterations); thread-safe; compares in constant
 * time.
 */
int pwhash_verify(const char *stored, const char *password);

/*
 * pwhash_plaintext -- the plaintext of a {PLAIN} stored string (for
 * CRAM-MD5), or NULL for every other scheme. Pure.
 */
const char *pwhash_plaintext(const char *stored);

/*
 * pwhash_scram_parse -- fill out from a {SCRAM-SHA-256} stored string
 * (Dovecot's "iter,salt,storedkey,serverkey", base64). Returns 0, or -1
 * if it is not one. Pure.
 */
int pwhash_scram_parse(const char *stored, struct pwhash_scram *out);

/*
 * pwhash_make -- a new stored string for password in scheme ("SCRAM-SHA-256"
 * (default when NULL), "SHA512-CRYPT", "BLF-CRYPT", "CRYPT" (yescrypt) or
 * "PLAIN"), with a fresh random salt. Returns 0, or -1 with a message in
 * out.
 */
int pwhash_make(const char *scheme, const char *password, char *out,
    size_t len);

/*
 * pwhash_equal -- constant-time comparison of a secret with an offered
 * string: 1 if equal. The time depends only on the offered string's
 * length, never on the position of the first difference.
 */
int pwhash_equal(const char *secret, const char *offered);

#endif
