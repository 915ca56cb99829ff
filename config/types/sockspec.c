/*
 * sockspec: the one parser of socket names. The prefixes are a table:
 * "local:" is "unix:" under libmilter's other name, so both mean the
 * same to every caller; a bare path is only a unix socket for the
 * callers that take one (relayctl -s), never a guess. sockspec_local
 * tells a socket only this host can reach from one others may, for the
 * loader's rules on where each socket may listen.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sockspec.h"

static const struct {
	const char	*prefix;
	enum sockspec_family family;
	unsigned	 accept;
	const char	*form;		/* for messages */
} sockspec_forms[] = {
	{ "unix:", SOCKSPEC_UNIX, SOCKSPEC_ACCEPT_UNIX, "unix:/path" },
	{ "local:", SOCKSPEC_UNIX, SOCKSPEC_ACCEPT_UNIX, "local:/path" },
	{ "inet:", SOCKSPEC_INET, SOCKSPEC_ACCEPT_INET, "inet:PORT@HOST" },
	{ "inet6:", SOCKSPEC_INET6, SOCKSPEC_ACCEPT_INET, "inet6:PORT@HOST" },
	{ "/", SOCKSPEC_UNIX, SOCKSPEC_ACCEPT_BARE, "/path" },
};
#define SOCKSPEC_NFORMS	(sizeof(sockspec_forms) / sizeof(sockspec_forms[0]))

/* "\"spec\": expected A, B or C", naming the forms accept takes. */
static int
sockspec_expected(const char *spec, unsigned accept, char *err,
    size_t errlen)
{
	size_t i, n = 0, left = 0, o;

	for (i = 0; i < SOCKSPEC_NFORMS; i++)
		left += (sockspec_forms[i].accept & accept) != 0;
	o = (size_t)snprintf(err, errlen, "\"%s\": expected", spec);
	for (i = 0; i < SOCKSPEC_NFORMS && o < errlen; i++) {
		if ((sockspec_forms[i].accept & accept) == 0)
			continue;
		n++;
		o += (size_t)snprintf(err + o, errlen - o, "%s%s", n == 1 ? " " :
		    n == left ? " or " : ", ", sockspec_forms[i].form);
	}
	return -1;
}

static int
sockspec_unix(const char *spec, const char *path, struct sockspec *out,
    char *err, size_t errlen)
{
	if (path[0] != '/' || strlen(path) >= SOCKSPEC_PATH_MAX) {
		snprintf(err, errlen, "\"%s\": a unix socket needs an absolute "
		    "path under %d characters", spec, SOCKSPEC_PATH_MAX);
		return -1;
	}
	strcpy(out->path, path);
	return 0;
}

/* "PORT@HOST"; brackets around an IPv6 host are dropped. */
static int
sockspec_inet(const char *spec, const char *p, struct sockspec *out,
    char *err, size_t errlen)
{
	const char *at = strchr(p, '@'), *host;
	size_t plen, hlen;
	long port;

	if (at == NULL)
		goto bad;
	plen = (size_t)(at - p);
	host = at + 1;
	hlen = strlen(host);
	if (out->family == SOCKSPEC_INET6 && hlen > 2 && host[0] == '[' &&
	    host[hlen - 1] == ']') {
		host++;
		hlen -= 2;
	}
	if (plen == 0 || plen > 5 || strspn(p, "0123456789") < plen ||
	    (port = strtol(p, NULL, 10)) < 1 || port > 65535)
		goto bad;
	if (hlen == 0 || hlen >= SOCKSPEC_HOST_MAX ||
	    strcspn(host, "@[] \t\r\n") < hlen)
		goto bad;
	for (size_t i = 0; i < hlen; i++)
		if ((unsigned char)host[i] < 0x20 || host[i] == 0x7f)
			goto bad;
	out->port = (unsigned)port;
	memcpy(out->host, host, hlen);
	out->host[hlen] = '\0';
	return 0;
bad:
	snprintf(err, errlen, "\"%s\": expected inet:PORT@HOST or "
	    "inet6:PORT@HOST (port 1 to 65535)", spec);
	return -1;
}

int
sockspec_parse(const char *spec, unsigned accept, struct sockspec *out,
    char *err, size_t errlen)
{
	size_t i, n;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < SOCKSPEC_NFORMS; i++) {
		n = strlen(sockspec_forms[i].prefix);
		if (strncmp(spec, sockspec_forms[i].prefix, n) == 0)
			break;
	}
	if (i == SOCKSPEC_NFORMS || (sockspec_forms[i].accept & accept) == 0)
		return sockspec_expected(spec, accept, err, errlen);
	out->family = sockspec_forms[i].family;
	if (out->family == SOCKSPEC_UNIX)
		/* A bare path keeps its slash: only the prefix is "/". */
		return sockspec_unix(spec, sockspec_forms[i].accept ==
		    SOCKSPEC_ACCEPT_BARE ? spec : spec + n, out, err, errlen);
	return sockspec_inet(spec, spec + n, out, err, errlen);
}

char *
sockspec_format(const struct sockspec *s, char *buf, size_t len)
{
	int n;

	if (s->family == SOCKSPEC_UNIX)
		n = snprintf(buf, len, "unix:%s", s->path);
	else
		n = snprintf(buf, len, "%s:%u@%s", s->family == SOCKSPEC_INET ?
		    "inet" : "inet6", s->port, s->host);
	return n >= 0 && (size_t)n < len ? buf : NULL;
}

int
sockspec_local(const struct sockspec *s)
{
	static const unsigned char lo6[16] = { [15] = 1 };
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	unsigned char a[16];

	if (s->family == SOCKSPEC_UNIX || strcasecmp(s->host, "localhost") == 0)
		return 1;
	/* inet_pton takes only the full dotted quad: "127.1" is not local. */
	if (inet_pton(AF_INET, s->host, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, s->host, a) == 1)
		return memcmp(a, lo6, sizeof(lo6)) == 0 ||
		    (memcmp(a, mapped, sizeof(mapped)) == 0 && a[12] == 127);
	return 0;
}
