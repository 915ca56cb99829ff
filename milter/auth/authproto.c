/*
 * authproto: Dovecot auth protocol lines. Fields are separated by TABs;
 * every byte from the client is checked before it is believed. The
 * handshake's COOKIE comes from the kernel's random source.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "authproto.h"
#include "b64.h"
#include "saslmech.h"

#define AUTHPROTO_FIELDS_MAX	32

static int
authproto_split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		if (n == max)
			return -1;
		f[n++] = p;
		p = strchr(p, '\t');
		if (p == NULL)
			return n;
		*p++ = '\0';
	}
}

static int
authproto_id(const char *s, unsigned long *id)
{
	unsigned long v = 0;

	if (*s == '\0' || strlen(s) > 9)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*id = v;
	return v > 0 ? 0 : -1;
}

static int
authproto_b64ok(const char *s)
{
	size_t len = strlen(s);
	unsigned char *tmp;
	long n;

	if (len == 0)
		return 1;
	tmp = malloc(len);
	if (tmp == NULL)
		return 0;
	n = b64_decode(s, len, tmp, len);
	free(tmp);
	return n >= 0;
}

static int
authproto_fail(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return -1;
}

static int
authproto_auth(char **f, int n, struct authproto_req *out, char *err,
    size_t errlen)
{
	int i;

	if (n < 3 || authproto_id(f[1], &out->id) != 0 || f[2][0] == '\0')
		return authproto_fail(err, errlen, "AUTH needs an id > 0 and "
		    "a mechanism");
	out->mech = f[2];
	for (i = 3; i < n; i++) {
		if (strncmp(f[i], "service=", 8) == 0)
			out->service = f[i] + 8;
		else if (strncmp(f[i], "rip=", 4) == 0)
			out->rip = f[i] + 4;
		else if (strncmp(f[i], "resp=", 5) == 0)
			out->resp = f[i] + 5;
	}
	if (out->resp != NULL && !authproto_b64ok(out->resp))
		return authproto_fail(err, errlen, "AUTH resp= is not base64");
	return 0;
}

int
authproto_parse(char *line, struct authproto_req *out, char *err,
    size_t errlen)
{
	char *f[AUTHPROTO_FIELDS_MAX], *p;
	size_t len = strlen(line);
	int n;

	memset(out, 0, sizeof(*out));
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	for (p = line; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return authproto_fail(err, errlen, "control character");
	n = authproto_split(line, f, AUTHPROTO_FIELDS_MAX);
	if (n < 0)
		return authproto_fail(err, errlen, "too many fields");
	if (strcmp(f[0], "VERSION") == 0) {
		char *end;

		if (n != 3)
			return authproto_fail(err, errlen, "VERSION needs two "
			    "numbers");
		out->cmd = AUTHPROTO_VERSION;
		out->major = (unsigned)strtoul(f[1], &end, 10);
		if (*f[1] == '\0' || *end != '\0')
			return authproto_fail(err, errlen, "bad VERSION");
		out->minor = (unsigned)strtoul(f[2], &end, 10);
		if (*f[2] == '\0' || *end != '\0')
			return authproto_fail(err, errlen, "bad VERSION");
		return 0;
	}
	if (strcmp(f[0], "CPID") == 0) {
		out->cmd = AUTHPROTO_CPID;
		if (n != 2 || authproto_id(f[1], &out->id) != 0)
			return authproto_fail(err, errlen, "bad CPID");
		return 0;
	}
	if (strcmp(f[0], "AUTH") == 0) {
		out->cmd = AUTHPROTO_AUTH;
		return authproto_auth(f, n, out, err, errlen);
	}
	if (strcmp(f[0], "CONT") == 0) {
		out->cmd = AUTHPROTO_CONT;
		if (n != 3 || authproto_id(f[1], &out->id) != 0)
			return authproto_fail(err, errlen, "CONT needs an id and "
			    "data");
		out->resp = f[2];
		if (!authproto_b64ok(out->resp))
			return authproto_fail(err, errlen, "CONT data is not "
			    "base64");
		return 0;
	}
	return authproto_fail(err, errlen, "unknown command");
}

/* A MECH line: the name and Dovecot's words for what it exposes. */
static void
authproto_mech(FILE *f, const char *name)
{
	const struct saslmech *m = saslmech_find(name);
	unsigned fl = m != NULL ? m->flags : 0;

	fprintf(f, "MECH\t%s%s%s%s%s\n", name,
	    fl & SASLMECH_PLAINTEXT ? "\tplaintext" : "",
	    fl & SASLMECH_DICTIONARY ? "\tdictionary" : "",
	    fl & SASLMECH_ACTIVE ? "\tactive" : "",
	    fl & SASLMECH_MUTUAL ? "\tmutual-auth" : "");
}

/*
 * authproto_cookie -- 16 bytes from the kernel's CSPRNG as 32 lower-case
 * hex digits into out (33 bytes). The cookie is what a Dovecot client
 * hands back to the master to prove a login, so it must not be
 * guessable: getrandom(2), never a libc PRNG, whose unseeded state every
 * start (and every fork) would repeat. Returns 0, or -1 if the kernel
 * gives no random bytes.
 */
static int
authproto_cookie(char out[33])
{
	unsigned char r[16];
	size_t got = 0, i;
	ssize_t n;

	while (got < sizeof(r)) {
		n = getrandom(r + got, sizeof(r) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	for (i = 0; i < sizeof(r); i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
	explicit_bzero(r, sizeof(r));
	return 0;
}

int
authproto_handshake(FILE *f, char *const *mechs, size_t n,
    unsigned long cuid)
{
	char cookie[33];
	size_t i;

	if (authproto_cookie(cookie) != 0)
		return -1;
	fprintf(f, "VERSION\t1\t2\n");
	for (i = 0; i < n; i++)
		authproto_mech(f, mechs[i]);
	fprintf(f, "SPID\t%ld\nCUID\t%lu\nCOOKIE\t%s\nDONE\n",
	    (long)getpid(), cuid, cookie);
	return 0;
}
