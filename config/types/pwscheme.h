/*
 * pwscheme: the grammar of a stored password, "{SCHEME}body", as the
 * users list holds it. The config loader checks users with it and the
 * SASL service reads them with it, so a string that loads is one the
 * service can use: the limits below are those of the struct the service
 * works from. It knows no cryptography; milter/auth/pwhash does that.
 */
#ifndef RELAYMILTER_PWSCHEME_H
#define RELAYMILTER_PWSCHEME_H

#include <stddef.h>

enum pwscheme_kind {
	PWSCHEME_NONE,		/* not a known scheme */
	PWSCHEME_PLAIN,
	PWSCHEME_CRYPT,		/* {SHA512-CRYPT}, {BLF-CRYPT}, {CRYPT} */
	PWSCHEME_SCRAM_SHA256
};

#define PWSCHEME_SCRAM_ITER_MAX	10000000
/* Dovecot and relayctl pw use 16 bytes; GNU SASL takes any length. */
#define PWSCHEME_SCRAM_SALT_MAX	96
#define PWSCHEME_SCRAM_KEY	32	/* SHA-256 */
/* base64 of n bytes, without the NUL */
#define PWSCHEME_B64LEN(n)	(((n) + 2) / 3 * 4)

/* One scheme: its name without braces and the crypt(3) ids it holds. */
struct pwscheme_info {
	const char	*name;		/* "SHA512-CRYPT" */
	enum pwscheme_kind kind;
	const char *const *ids;	/* CRYPT: "$6$", ...; the first is made */
};

/* A parsed stored password; the pointers point into the parsed string. */
struct pwscheme {
	const struct pwscheme_info *scheme;
	enum pwscheme_kind kind;
	const char	*plain;		/* PLAIN: the password */
	const char	*crypt;		/* CRYPT: the crypt(3) hash */
	/* SCRAM-SHA-256, decoded and (for GNU SASL) as written */
	unsigned	 iter;
	size_t		 saltlen;
	unsigned char	 salt[PWSCHEME_SCRAM_SALT_MAX];
	unsigned char	 stored_key[PWSCHEME_SCRAM_KEY];
	unsigned char	 server_key[PWSCHEME_SCRAM_KEY];
	char		 salt_b64[PWSCHEME_B64LEN(PWSCHEME_SCRAM_SALT_MAX) + 1];
	char		 stored_b64[PWSCHEME_B64LEN(PWSCHEME_SCRAM_KEY) + 1];
	char		 server_b64[PWSCHEME_B64LEN(PWSCHEME_SCRAM_KEY) + 1];
};

/*
 * pwscheme_parse -- split stored into out: "{PLAIN}password" (not
 * empty), "{SHA512-CRYPT}$6$...", "{BLF-CRYPT}$2b$..." ($2y$, $2a$),
 * "{CRYPT}" with any of those or $y$ (a hash of at least 9 characters
 * after its id), or "{SCRAM-SHA-256}iter,salt,storedkey,serverkey"
 * (exactly four fields: iter 1 to PWSCHEME_SCRAM_ITER_MAX in decimal,
 * the salt base64 of 1 to PWSCHEME_SCRAM_SALT_MAX bytes, each key
 * base64 of 32 bytes). The scheme is case-insensitive. Returns 0, or -1
 * with a message in err (never the password; err may be NULL when
 * errlen is 0). Pure; out keeps pointers into stored.
 */
int pwscheme_parse(const char *stored, struct pwscheme *out, char *err,
    size_t errlen);

/*
 * pwscheme_kind -- the kind of scheme stored names by its prefix alone,
 * without checking the body (PWSCHEME_NONE if none). Pure.
 */
enum pwscheme_kind pwscheme_kind(const char *stored);

/*
 * pwscheme_find -- the scheme called name (without braces, any case),
 * or NULL. Pure.
 */
const struct pwscheme_info *pwscheme_find(const char *name);

/*
 * pwscheme_names -- the scheme names, comma-separated and in braces if
 * braces is not 0, into buf (len bytes, cut short if too small).
 * Returns buf. Pure.
 */
char *pwscheme_names(char *buf, size_t len, int braces);

#endif
