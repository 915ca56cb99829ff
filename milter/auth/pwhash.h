/*
 * pwhash: the cryptography of the stored password schemes of the users
 * list (their grammar is config/types/pwscheme): verification of a
 * plaintext password against any scheme, and the making of new stored
 * strings for "relayctl pw". Secret comparisons take constant time.
 */
#ifndef RELAYMILTER_PWHASH_H
#define RELAYMILTER_PWHASH_H

#include <stddef.h>

/*
 * pwhash_verify -- 1 if password matches the stored string, 0 if not,
 * -1 if the stored string is unusable. Costs what the scheme costs
 * (crypt rounds, SCRAM iterations); thread-safe; compares in constant
 * time.
 */
int pwhash_verify(const char *stored, const char *password);

/*
 * pwhash_make -- a new stored string for password in scheme ("SCRAM-SHA-256"
 * (default when NULL), "SHA512-CRYPT", "BLF-CRYPT", "CRYPT" (yescrypt) or
 * "PLAIN"), with a fresh random salt. Returns 0, or -1 with a message in
 * out.
 */
int pwhash_make(const char *scheme, const char *password, char *out,
    size_t len);

/*
 * pwhash_make_scram -- the {SCRAM-SHA-256} stored string of password
 * with iter iterations (1 to PWSCHEME_SCRAM_ITER_MAX) and the saltlen
 * bytes (1 to 255) at salt. A salt longer than PWSCHEME_SCRAM_SALT_MAX
 * makes a string pwscheme_parse refuses (tests use that). Returns 0, or
 * -1 with a message in out. Costs iter rounds of PBKDF2; thread-safe.
 */
int pwhash_make_scram(const char *password, unsigned iter,
    const unsigned char *salt, size_t saltlen, char *out, size_t len);

/*
 * pwhash_equal -- constant-time comparison of a secret with an offered
 * string: 1 if equal. The time depends only on the offered string's
 * length, never on the position of the first difference.
 */
int pwhash_equal(const char *secret, const char *offered);

#endif
