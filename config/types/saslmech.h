/*
 * saslmech: the SASL mechanisms relaymilter knows, in one table: the
 * names auth.mechanisms may list (and its default), and which stored
 * password schemes can serve each one. The config loader and the SASL
 * service both read it, so a mechanism that loads is one the service
 * runs.
 */
#ifndef RELAYMILTER_SASLMECH_H
#define RELAYMILTER_SASLMECH_H

#include <stddef.h>

#include "pwscheme.h"

struct saslmech {
	const char	*name;		/* canonical, upper case */
	unsigned	 schemes;	/* 1 << PWSCHEME_*: what can serve it */
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
