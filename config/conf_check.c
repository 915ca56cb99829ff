/*
 * conf_check: syntax checks for values that are strings to libconfig but
 * have a grammar of their own: stored passwords (whose parser, pwscheme,
 * the SASL service shares) and bounded decimal numbers.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_load.h"
#include "pwscheme.h"

int
conf_check_password(const char *pw, char *err, size_t errlen)
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
