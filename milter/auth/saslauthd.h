/*
 * saslauthd: the saslauthd protocol, as Cyrus SASL's
 * "pwcheck_method: saslauthd" speaks it for Sendmail: one request per
 * connection, four (or five) strings each prefixed by a 2-byte big-endian
 * length -- login, password, service, realm [, client address] -- and one
 * such string in reply, "OK" or "NO <reason>".
 */
#ifndef RELAYMILTER_SASLAUTHD_H
#define RELAYMILTER_SASLAUTHD_H

#include <stddef.h>

#define SASLAUTHD_FIELD_MAX	1024
#define SASLAUTHD_REQ_MAX	(5 * (2 + SASLAUTHD_FIELD_MAX))

struct saslauthd_req {
	char	 login[SASLAUTHD_FIELD_MAX + 1];
	char	 password[SASLAUTHD_FIELD_MAX + 1];
	char	 service[SASLAUTHD_FIELD_MAX + 1];
	char	 realm[SASLAUTHD_FIELD_MAX + 1];
	char	 addr[SASLAUTHD_FIELD_MAX + 1];	/* "" if not sent */
	int	 nfields;
};

/*
 * saslauthd_parse -- parse the len bytes received so far. Returns 0 when
 * at least four whole strings are there (a fifth is taken if complete),
 * 1 when more bytes are needed, -1 when the data is malformed (a field
 * too long, a NUL inside a field, more than five strings). Pure.
 */
int saslauthd_parse(const unsigned char *buf, size_t len,
    struct saslauthd_req *out);

/*
 * saslauthd_user -- the user name to check: the login, with "@realm"
 * added back when Cyrus split one off. Writes into buf. Pure.
 */
void saslauthd_user(const struct saslauthd_req *r, char *buf, size_t len);

/* saslauthd_client -- serve one request on fd. arg is unused. */
void saslauthd_client(int fd, void *arg);

#endif
