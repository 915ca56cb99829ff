/*
 * conf_fixture.h: what the config tests share -- real password strings
 * of "secret" in every scheme, base64 values of the right sizes, and
 * helpers to load a config from text and to ask a network set.
 * Included by t_conf.c, t_conf_files.c, t_pwscheme.c, t_saslmech.c and
 * t_sockspec.c only.
 */
#ifndef RELAYMILTER_CONF_FIXTURE_H
#define RELAYMILTER_CONF_FIXTURE_H

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "conf.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Real hashes of "secret". */
#define PW_SCRAM "{SCRAM-SHA-256}4096,AAECAwQFBgcICQoLDA0ODw==," \
	"THoPhoTAuqyoQsK4dUHncUzgfD8fdmhsgKZhWVqNP5U=," \
	"7YiHMMi2OcXGRogub03Ek06JRZ9bkhTOdCzHa5iPLiQ="
#define PW_SHA512 "{SHA512-CRYPT}$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuH" \
	"wwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1"
#define PW_BLF "{BLF-CRYPT}$2b$10$abcdefghijklmnopqrstuuqflPDzB6gcMhKa1rZqKiu" \
	"n2YGL5sa2u"
#define PW_YESCRYPT "{CRYPT}$y$j9T$saltsaltsaltsalt$.Zt5W26jjocuW0wIHGgB6AJel" \
	"ofw6GEpOypHGyow2y5"
#define B64_32 "THoPhoTAuqyoQsK4dUHncUzgfD8fdmhsgKZhWVqNP5U="
#define B64_16 "AAECAwQFBgcICQoLDA0ODw=="

static __attribute__((unused)) struct conf *
load(const char *text, const char *name)
{
	char err[CONF_ERRLEN];
	struct conf *c = conf_load_string(text, name, err, sizeof(err));

	if (c == NULL)
		printf("# %s: %s\n", name, err);
	return c;
}

static __attribute__((unused)) int
has_addr(const struct netset *s, const char *ip)
{
	struct netaddr a;

	if (netaddr_parse(ip, &a) != 0)
		return -1;
	return netset_contains(s, &a);
}

static __attribute__((unused)) void
check_error(const char *what, const char *err, const char *file, int line,
    const char *needle)
{
	char prefix[600], name[1400];
	size_t pl;

	snprintf(prefix, sizeof(prefix), "%s:%d: ", file, line);
	pl = strlen(prefix);
	snprintf(name, sizeof(name), "%s: \"%s\" message", what, prefix);
	tap_ok(strncmp(err, prefix, pl) == 0 && strlen(err) > pl, "%s", name);
	if (strncmp(err, prefix, pl) != 0 || strlen(err) <= pl)
		printf("#   got:  \"%s\"\n#   want: \"%s...\"\n", err, prefix);
	if (needle != NULL) {
		snprintf(name, sizeof(name), "%s: message names \"%s\"", what,
		    needle);
		tap_ok(strstr(err + (strlen(err) > pl ? pl : 0), needle) !=
		    NULL, "%s", name);
		if (strstr(err, needle) == NULL)
			printf("#   got:  \"%s\"\n", err);
	}
}

#endif
