/*
 * conf_pop: the pop.* part of the config model. It checks the store
 * address (lmdb:/dir or redis://host:port/db), the log feeds (format
 * dovecot, courier, or regex with a PCRE2 pattern compiled here, at load,
 * so that a bad pattern is a config error and not a runtime surprise) and
 * pop.protocols, and says whether any listener needs the store at all.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_load.h"

#define CONF_POP_REDIS_PORT	6379
#define CONF_POP_REDIS_DBMAX	15

int
conf_pop_needed(const struct conf *c)
{
	size_t i;

	if (c->relay.pop_before_smtp)
		return 1;
	for (i = 0; i < c->nservices; i++)
		if (c->services[i].pop_before_smtp)
			return 1;
	return 0;
}

const char *
conf_pop_store(const struct conf *c)
{
	return c->pop_store;
}

char *
conf_pop_describe(const struct conf *c, char *buf, size_t len)
{
	size_t i, n;

	snprintf(buf, len, "/%d", c->pop_ipv6_prefix);
	for (i = 0; i < c->pop_nlogs; i++) {
		const struct conf_poplog *pl = &c->pop_logs[i];

		n = strlen(buf);
		snprintf(buf + n, len - n, " %s:%s%s%s", pl->source, pl->format,
		    pl->pattern ? ":" : "", pl->pattern ? pl->pattern : "");
		n = strlen(buf);
		if (pl->journal != NULL)
			snprintf(buf + n, len - n, ":%s:%s",
			    pl->journal_unit ? pl->journal_unit : "",
			    pl->journal_directory ? pl->journal_directory : "");
	}
	return buf;
}

/* The host part of "host[:port]" or "[v6][:port]"; sets *rest after it. */
static int
conf_pop_redis_host(const char *p, const char *end, char *host,
    size_t hostlen, const char **rest)
{
	const char *h = p, *he;

	if (*p == '[') {
		h = p + 1;
		he = memchr(h, ']', (size_t)(end - h));
		if (he == NULL)
			return -1;
		*rest = he + 1;
	} else {
		he = memchr(p, ':', (size_t)(end - p));
		if (he == NULL)
			he = end;
		*rest = he;
	}
	if (he == h || (size_t)(he - h) >= hostlen ||
	    memchr(h, '@', (size_t)(he - h)) != NULL)
		return -1;
	memcpy(host, h, (size_t)(he - h));
	host[he - h] = '\0';
	return 0;
}

int
conf_pop_redis_parse(const char *spec, char *host, size_t hostlen,
    int *port, int *db, char *err, size_t errlen)
{
	const char *p, *slash, *rest;
	long v;

	*port = CONF_POP_REDIS_PORT;
	*db = 0;
	if (strncmp(spec, "redis://", 8) != 0)
		goto bad;
	p = spec + 8;
	slash = strchr(p, '/');
	if (slash == NULL)
		slash = p + strlen(p);
	if (conf_pop_redis_host(p, slash, host, hostlen, &rest) != 0)
		goto bad;
	if (rest < slash) {
		v = *rest == ':' ? conf_check_number(rest + 1,
		    (size_t)(slash - rest - 1), 1, 65535) : -1;
		if (v < 0)
			goto bad;
		*port = (int)v;
	}
	if (*slash == '/' && slash[1] != '\0') {
		v = conf_check_number(slash + 1, strlen(slash + 1), 0,
		    CONF_POP_REDIS_DBMAX);
		if (v < 0)
			goto bad;
		*db = (int)v;
	}
	return 0;
bad:
	snprintf(err, errlen, "pop.store \"%s\": expected "
	    "\"redis://host:port/db\" (db 0 to %d)", spec, CONF_POP_REDIS_DBMAX);
	return -1;
}

int
conf_pop_store_check(const char *spec, char *err, size_t errlen)
{
	char host[256];
	int port, db;

	if (strncmp(spec, "lmdb:", 5) == 0) {
		if (spec[5] == '/' && strlen(spec + 5) < 4000)
			return 0;
		snprintf(err, errlen, "pop.store \"%s\": an lmdb store needs an "
		    "absolute directory (\"lmdb:/var/lib/relaymilter/pop\")",
		    spec);
		return -1;
	}
	if (strncmp(spec, "redis://", 8) == 0)
		return conf_pop_redis_parse(spec, host, sizeof(host), &port,
		    &db, err, errlen);
	snprintf(err, errlen, "pop.store must be \"lmdb:/absolute/dir\" or "
	    "\"redis://host:port/db\"");
	return -1;
}

/* Compile pl->pattern; it must name a group "ip" (and may name "user"). */
static int
conf_pop_compile(struct conf_poplog *pl, char *err, size_t errlen)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	int ec;

	re = pcre2_compile((PCRE2_SPTR)pl->pattern, PCRE2_ZERO_TERMINATED, 0,
	    &ec, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(err, errlen, "pop.logs pattern: %s at offset %zu",
		    (const char *)msg, (size_t)off);
		return -1;
	}
	if (pcre2_substring_number_from_name(re, (PCRE2_SPTR)"ip") < 0) {
		pcre2_code_free(re);
		snprintf(err, errlen, "pop.logs pattern needs a named group "
		    "(?<ip>...) for the client address");
		return -1;
	}
	pl->re = re;
	return 0;
}

/* A printable word without '=', for a journal match: 0, or -1. */
static int
conf_pop_journal_word(const char *v)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= ' ' || *p == '=' || *p == 0x7f)
			return -1;
	return 0;
}

/*
 * Where a pop.logs entry reads: a file (path) or the journal (journal,
 * journal_unit, journal_directory). Sets pl->source. 0, or -1 with err.
 */
static int
conf_pop_log_where(struct conf_poplog *pl, char *err, size_t errlen)
{
	size_t n;

	if ((pl->path == NULL) == (pl->journal == NULL)) {
		snprintf(err, errlen, "a pop.logs entry needs either a path or "
		    "a journal identifier (journal = \"dovecot\")");
		return -1;
	}
	if (pl->path != NULL) {
		if (pl->path[0] != '/' || pl->journal_directory != NULL) {
			snprintf(err, errlen, "a pop.logs entry needs an "
			    "absolute path (journal_directory is for journal "
			    "entries)");
			return -1;
		}
		pl->source = strdup(pl->path);
		goto done;
	}
	if (pl->journal[0] == '\0' || conf_pop_journal_word(pl->journal) ||
	    (pl->journal_unit != NULL &&
	    conf_pop_journal_word(pl->journal_unit))) {
		snprintf(err, errlen, "pop.logs journal and journal_unit must "
		    "be words without spaces or '='");
		return -1;
	}
	if (pl->journal_directory != NULL && pl->journal_directory[0] != '/') {
		snprintf(err, errlen, "pop.logs journal_directory must be "
		    "absolute");
		return -1;
	}
	n = strlen(pl->journal) + sizeof("journal:");
	if ((pl->source = malloc(n)) != NULL)
		snprintf(pl->source, n, "journal:%s", pl->journal);
done:
	if (pl->source != NULL)
		return 0;
	snprintf(err, errlen, "out of memory");
	return -1;
}

int
conf_pop_log_check(struct conf_poplog *pl, char *err, size_t errlen)
{
	static const char *const names[] = { "dovecot", "courier", "regex" };
	size_t i;

	if (conf_pop_log_where(pl, err, errlen) != 0)
		return -1;
	if (pl->format == NULL) {
		snprintf(err, errlen, "a pop.logs entry needs a format "
		    "(dovecot, courier or regex)");
		return -1;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(pl->format, names[i]) == 0)
			break;
	if (i == sizeof(names) / sizeof(names[0])) {
		snprintf(err, errlen, "unknown pop.logs format \"%s\" (dovecot, "
		    "courier or regex)", pl->format);
		return -1;
	}
	pl->fmt = (enum conf_poplog_format)i;
	if (pl->fmt != CONF_POPLOG_REGEX) {
		if (pl->pattern == NULL)
			return 0;
		snprintf(err, errlen, "pattern is only for format \"regex\"");
		return -1;
	}
	if (pl->pattern == NULL) {
		snprintf(err, errlen, "format \"regex\" needs a pattern with "
		    "named groups ip and user");
		return -1;
	}
	return conf_pop_compile(pl, err, errlen);
}

int
conf_pop_protocol_add(struct conf *c, const char *v, char *err,
    size_t errlen)
{
	if (strcmp(v, "pop3") == 0)
		c->pop_protocols |= CONF_POP_POP3;
	else if (strcmp(v, "imap") == 0)
		c->pop_protocols |= CONF_POP_IMAP;
	else {
		snprintf(err, errlen, "pop.protocols: unknown protocol \"%s\" "
		    "(pop3 or imap)", v);
		return -1;
	}
	return 0;
}

void
conf_pop_free(struct conf *c)
{
	size_t i;

	free(c->pop_store);
	if (c->pop_store_password != NULL) {
		explicit_bzero(c->pop_store_password,
		    strlen(c->pop_store_password));
		free(c->pop_store_password);
	}
	for (i = 0; i < c->pop_nlogs; i++) {
		free(c->pop_logs[i].path);
		free(c->pop_logs[i].format);
		free(c->pop_logs[i].pattern);
		free(c->pop_logs[i].journal);
		free(c->pop_logs[i].journal_unit);
		free(c->pop_logs[i].journal_directory);
		free(c->pop_logs[i].source);
		pcre2_code_free(c->pop_logs[i].re);
	}
	free(c->pop_logs);
}
