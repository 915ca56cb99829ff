/*
 * conf_limits: the limits.* part of the config model and users[].limit.
 * It parses "N/window" (window with s, m, h or d), checks limits.store
 * (memory, lmdb:/dir or redis://host:port/db) and says, as a warning,
 * that suspensions kept in memory do not survive a restart.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_limits.h"
#include "conf_load.h"
#include "conf_read.h"

/* The seconds of one unit letter, or 0. */
static long
conf_limits_unit(char u)
{
	switch (u) {
	case 's': return 1;
	case 'm': return 60;
	case 'h': return 3600;
	case 'd': return 86400;
	default: return 0;
	}
}

/* A decimal number of at most 10 digits at [p, *end), or -1. */
static long
conf_limits_number(const char *p, const char **end)
{
	long v = 0;
	size_t i;

	for (i = 0; p[i] >= '0' && p[i] <= '9'; i++) {
		if (i >= 10)
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*end = p + i;
	return i == 0 ? -1 : v;
}

int
conf_limits_parse(const char *s, struct conf_limit *out, char *err,
    size_t errlen)
{
	const char *p;
	long n, w, unit;

	n = conf_limits_number(s, &p);
	if (n < 1 || n > CONF_LIMIT_MAX || *p != '/') {
		snprintf(err, errlen, "\"%s\": a limit is \"N/window\" with N "
		    "in 1..%ld (e.g. \"500/1h\")", s, CONF_LIMIT_MAX);
		return -1;
	}
	w = conf_limits_number(p + 1, &p);
	unit = p[0] != '\0' && p[1] == '\0' ? conf_limits_unit(p[0]) : 0;
	if (w < 1 || unit == 0 || w > CONF_LIMIT_WINDOW_MAX / unit) {
		snprintf(err, errlen, "\"%s\": the window is a number with s, "
		    "m, h or d, from 1s to 366d (e.g. \"500/1h\")", s);
		return -1;
	}
	out->n = n;
	out->window = (int)(w * unit);
	return 0;
}

const struct conf_limit *
conf_limits_user(const struct conf *c, const struct conf_user *u)
{
	return u != NULL && u->limit.n > 0 ? &u->limit : &c->limit_user;
}

int
conf_limits_read(struct loader *L, const config_setting_t *grp,
    const char *path, struct conf_limit *out)
{
	char *v = NULL, msg[CONF_ERRLEN];
	int rc = conf_read_str(L, grp, path, &v);

	if (rc < 0)
		return -1;
	if (v != NULL && conf_limits_parse(v, out, msg, sizeof(msg)) != 0)
		rc = conf_read_fail(L, conf_read_get(grp, path), "%s: %s",
		    path, msg);
	else if (v != NULL)
		L->c->limits_on = 1;
	free(v);
	return rc < 0 ? -1 : 0;
}

/* limits.store: "memory", or a store as pop.store takes it. */
static int
conf_limits_store(struct loader *L, const config_setting_t *g)
{
	struct conf *c = L->c;
	char msg[CONF_ERRLEN];

	if (conf_read_str(L, g, "limits.store", &c->limits_store) < 0)
		return -1;
	if (strcmp(c->limits_store, "memory") == 0)
		return 0;
	if (conf_pop_store_check(c->limits_store, msg, sizeof(msg)) != 0)
		return conf_read_fail(L, conf_read_get(g, "limits.store"),
		    "limits.store: %s (or \"memory\")", msg);
	return 0;
}

int
conf_limits_load(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	const config_setting_t *g;
	int rc;

	g = conf_read_group(L, root, "limits", &rc);
	if (rc < 0 ||
	    conf_limits_read(L, g, "limits.user", &c->limit_user) < 0 ||
	    conf_limits_read(L, g, "limits.client", &c->limit_client) < 0 ||
	    conf_limits_read(L, g, "limits.user_clients",
	    &c->limit_user_clients) < 0 || conf_limits_store(L, g) < 0)
		return -1;
	/*
	 * A suspension in memory is forgotten at the next restart, and
	 * with it the reason the user was cut off: say so, but run (one
	 * MTA may want the counters without a store to set up).
	 */
	if (c->limit_user_clients.n > 0 &&
	    strcmp(c->limits_store, "memory") == 0)
		conf_read_warn(L, conf_read_get(g, "limits.user_clients"),
		    "limits.user_clients with limits.store = \"memory\": "
		    "suspensions are lost at every restart; use "
		    "\"lmdb:/dir\" or \"redis://host:port/db\" to keep them");
	return 0;
}
