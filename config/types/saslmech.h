/*
 * saslmech: the SASL mechanisms relaymilter knows, in one table: the
 * names auth.mechanisms may list (and its default), which stored
 * password schemes can serve each one, and what each exposes. The config
 * loader, the SASL service and the Dovecot protocol's greeting all read
 * it, so a mechanism that loads is one the service runs and announces.
 */
#ifndef RELAYMILTER_SASLMECH_H
#define RELAYMILTER_SASLMECH_H

#include <stddef.h>

#include "pwscheme.h"

/* What a mechanism exposes (bits; Dovecot's protocol announces them). */
#define SASLMECH_PLAINTEXT	1	/* the password crosses readably */
#define SASLMECH_DICTIONARY	2	/* a recorded exchange can be guessed at */
#define SASLMECH_ACTIVE		4	/* open to an active attacker */
#define SASLMECH_MUTUAL		8	/* the server proves it knows the key */

struct saslmech {
	const char	*name;		/* canonical, upper case */
	unsigned	 schemes;	/* 1 << PWSCHEME_*: what can serve it */
	unsigned	 flags;		/* SASLMECH_* */
};

/*
 * saslmech_find -- the known mechanism called name (any case), or NULL.
 * The result is static: it outlives any config. Pure.
 */
const struct saslmech *saslmech_find(const char *name);

/*
 * saslmech_at -- the i-th known mechanism, in the order auth.mechanisms
 * offers them by default; NULL past the last. Pure.
 */
const struct saslmech *saslmech_at(size_t i);

/*
 * saslmech_serves -- 1 if a password stored in scheme kind can serve
 * mechanism m (CRAM-MD5 needs the plaintext, SCRAM-SHA-256 its own keys
 * or the plaintext, PLAIN and LOGIN any scheme), else 0. Pure.
 */
int saslmech_serves(const struct saslmech *m, enum pwscheme_kind kind);

/*
 * saslmech_names -- the known names, comma-separated, into buf (len
 * bytes, cut short if too small). Returns buf. Pure.
 */
char *saslmech_names(char *buf, size_t len);

#endif
