/*
 * addr: SMTP addresses as the client wrote them (MAIL FROM / RCPT TO
 * arguments), parsed into a domain that can be compared safely. Every
 * routing trick (source routes, %, !, quoted @, a second @) is recognised
 * here so that the policy never mistakes a relay attempt for local mail.
 */
#ifndef RELAYMILTER_ADDR_H
#define RELAYMILTER_ADDR_H

#include <stddef.h>

#define ADDR_DOMAIN_MAX	256	/* normalized domain, NUL included */
#define ADDR_LOCAL_MAX	256	/* lower-cased local part, NUL included */

enum addr_kind {
	ADDR_PLAIN,		/* local@domain, no routing */
	ADDR_NULL,		/* <> */
	ADDR_POSTMASTER,	/* <postmaster>, any case, no domain */
	ADDR_NODOMAIN,		/* a local part alone */
	ADDR_ROUTED,		/* source route, %, !, quoted @%!, second @ */
	ADDR_INVALID		/* not an address we can judge */
};

struct addr {
	enum addr_kind	 kind;
	int		 literal;	/* the domain is [...] */
	int		 local_toolong;	/* local[] could not hold it */
	char		 domain[ADDR_DOMAIN_MAX];
	char		 local[ADDR_LOCAL_MAX];
};

/*
 * addr_parse -- classify and normalize the address s (with or without
 * angle brackets). Always fills out; kind says what was found, and domain
 * is set only for ADDR_PLAIN. Pure, allocation-free, thread-safe.
 */
void addr_parse(const char *s, struct addr *out);

/*
 * addr_domain_normalize -- turn the domain in[0..len) into its comparable
 * form: ASCII lower case, one trailing dot removed, U-labels converted to
 * A-labels, domain literals ([v4], [IPv6:v6]) canonicalised. Writes a
 * NUL-terminated string into out (ADDR_DOMAIN_MAX bytes). Returns 0, or -1
 * if it is not a valid domain, which includes an IDN look-alike: a name
 * that IDNA's mapping changes beyond case, NFC and A-label/U-label
 * conversion (fullwidth letters, circled letters, soft hyphens, ...).
 * Thread-safe.
 */
int addr_domain_normalize(const char *in, size_t len, char *out,
    size_t outlen);

/* addr_kind_name -- a short word for a kind, for logs and tests. */
const char *addr_kind_name(enum addr_kind kind);

#endif
