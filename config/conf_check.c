/*
 * conf_check: syntax checks for values that are strings to libconfig but
 * have a grammar of their own: stored passwords and socket addresses.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_load.h"
#include "pwscheme.h"

int
conf_password_check(const char *pw, char *err, size_t errlen)
{
	struct pwscheme parsed;

	return pwscheme_parse(pw, &parsed, err, errlen);
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
