/*
 * saslmech: the table of known SASL mechanisms. Which scheme serves
 * which mechanism follows from what GNU SASL's server asks for: PLAIN and
 * LOGIN hand over the password to check, CRAM-MD5 wants the plaintext to
 * compute the digest, SCRAM-SHA-256 wants its salted keys or the
 * plaintext to derive them.
 */
#include "config.h"

#include <stdio.h>
#include <strings.h>

#include "saslmech.h"

#define SASLMECH_BIT(k)	(1u << (k))
#define SASLMECH_ANY	(SASLMECH_BIT(PWSCHEME_PLAIN) | \
	SASLMECH_BIT(PWSCHEME_CRYPT) | SASLMECH_BIT(PWSCHEME_SCRAM_SHA256))

static const struct saslmech saslmech_table[] = {
	{ "CRAM-MD5", SASLMECH_BIT(PWSCHEME_PLAIN),
	    SASLMECH_DICTIONARY | SASLMECH_ACTIVE },
	{ "LOGIN", SASLMECH_ANY, SASLMECH_PLAINTEXT },
	{ "PLAIN", SASLMECH_ANY, SASLMECH_PLAINTEXT },
	{ "SCRAM-SHA-256", SASLMECH_BIT(PWSCHEME_PLAIN) |
	    SASLMECH_BIT(PWSCHEME_SCRAM_SHA256), SASLMECH_MUTUAL },
};
#define SASLMECH_N	(sizeof(saslmech_table) / sizeof(saslmech_table[0]))

const struct saslmech *
saslmech_find(const char *name)
{
	size_t i;

	for (i = 0; i < SASLMECH_N; i++)
		if (strcasecmp(name, saslmech_table[i].name) == 0)
			return &saslmech_table[i];
	return NULL;
}

const struct saslmech *
saslmech_at(size_t i)
{
	return i < SASLMECH_N ? &saslmech_table[i] : NULL;
}

int
saslmech_serves(const struct saslmech *m, enum pwscheme_kind kind)
{
	return kind != PWSCHEME_NONE && (m->schemes & SASLMECH_BIT(kind)) != 0;
}

char *
saslmech_names(char *buf, size_t len)
{
	size_t i, o = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < SASLMECH_N && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
		    saslmech_table[i].name);
	return buf;
}
