/*
 * conf_check: syntax checks for values that are strings to libconfig but
 * have a grammar of their own: stored passwords and socket addresses.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "b64.h"
#include "conf.h"
#include "conf_load.h"

static int
conf_check_crypt(const char *h, const char *const *ids, const char *scheme,
    char *err, size_t errlen)
{
	const char *const *id;

	for (id = ids; *id; id++)
		if (strncmp(h, *id, strlen(*id)) == 0 && strlen(h) >
		    strlen(*id) + 8)
			return 0;
	snprintf(err, errlen, "%s password is not a crypt hash of a supported "
	    "kind (expected one starting with %s)", scheme, ids[0]);
	return -1;
}

/* "iter,salt,storedkey,serverkey", as Dovecot stores SCRAM secrets. */
static int
conf_check_scram(const char *v, char *err, size_t errlen)
{
	char buf[512], *f[4], *save = NULL, *end;
	unsigned char bin[128];
	long iter, n;
	int i;

	if (strlen(v) >= sizeof(buf))
		goto bad;
	strcpy(buf, v);
	for (i = 0; i < 4; i++) {
		f[i] = strtok_r(i == 0 ? buf : NULL, ",", &save);
		if (f[i] == NULL)
			goto bad;
	}
	if (strtok_r(NULL, ",", &save) != NULL)
		goto bad;
	iter = strtol(f[0], &end, 10);
	if (*end != '\0' || iter < 1 || iter > 10000000)
		goto bad;
	if (b64_decode(f[1], strlen(f[1]), bin, sizeof(bin)) <= 0)
		goto bad;
	for (i = 2; i < 4; i++) {
		n = b64_decode(f[i], strlen(f[i]), bin, sizeof(bin));
		if (n != 32)
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errlen, "{SCRAM-SHA-256} password must be "
	    "iterations,salt,storedkey,serverkey in base64 (relayctl pw makes "
	    "one)");
	return -1;
}

int
conf_password_check(const char *pw, char *err, size_t errlen)
{
	static const char *const sha512[] = { "$6$", NULL };
	static const char *const blf[] = { "$2b$", "$2y$", "$2a$", NULL };
	static const char *const any[] = { "$y$", "$6$", "$2b$", "$2y$",
	    "$2a$", NULL };

	if (strncasecmp(pw, "{PLAIN}", 7) == 0) {
		if (pw[7] == '\0') {
			snprintf(err, errlen, "empty {PLAIN} password");
			return -1;
		}
		return 0;
	}
	if (strncasecmp(pw, "{SHA512-CRYPT}", 14) == 0)
		return conf_check_crypt(pw + 14, sha512, "{SHA512-CRYPT}", err,
		    errlen);
	if (strncasecmp(pw, "{BLF-CRYPT}", 11) == 0)
		return conf_check_crypt(pw + 11, blf, "{BLF-CRYPT}", err,
		    errlen);
	if (strncasecmp(pw, "{CRYPT}", 7) == 0)
		return conf_check_crypt(pw + 7, any, "{CRYPT}", err, errlen);
	if (strncasecmp(pw, "{SCRAM-SHA-256}", 15) == 0)
		return conf_check_scram(pw + 15, err, errlen);
	if (pw[0] == '{')
		snprintf(err, errlen, "unknown password scheme (known: {PLAIN}, "
		    "{SHA512-CRYPT}, {BLF-CRYPT}, {CRYPT}, {SCRAM-SHA-256})");
	else
		snprintf(err, errlen, "the password needs a scheme prefix such "
		    "as {SCRAM-SHA-256} or {PLAIN}");
	return -1;
}

long
conf_check_number(const char *p, size_t len, long lo, long hi)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v >= lo && v <= hi ? v : -1;
}

int
conf_socket_check(const char *spec, char *err, size_t errlen)
{
	const char *at;

	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		const char *path = strchr(spec, ':') + 1;

		if (path[0] == '/' && strlen(path) < 100)
			return 0;
		snprintf(err, errlen, "\"%s\": a unix socket needs an absolute "
		    "path under 100 characters", spec);
		return -1;
	}
	if (strncmp(spec, "inet:", 5) == 0 || strncmp(spec, "inet6:", 6) == 0) {
		const char *port = strchr(spec, ':') + 1;

		at = strchr(port, '@');
		if (at != NULL && conf_check_number(port, (size_t)(at - port),
		    1, 65535) > 0 && at[1] != '\0')
			return 0;
		snprintf(err, errlen, "\"%s\": expected inet:PORT@HOST or "
		    "inet6:PORT@HOST", spec);
		return -1;
	}
	snprintf(err, errlen, "\"%s\": expected unix:/path, inet:PORT@HOST or "
	    "inet6:PORT@HOST", spec);
	return -1;
}
