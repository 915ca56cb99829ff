/*
 * conf_senders: the addresses each user may write in MAIL FROM where
 * bind_sender is on (users[].senders). All users' entries sit in one
 * hash map of the config (c->senders), keyed by the user's index in
 * c->users, a tab, and the normalized entry: "<i>\t<local>@<domain>" for
 * an address, "<i>\t@<domain>" for a whole domain. The keys live in the
 * config's arena, so a config with many users costs one table, not one
 * per user, and a lookup is two probes of it with no allocation.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf_load.h"
#include "conf_read.h"

/* The longest key: an index, a tab, a local part, "@", a domain. */
#define CONF_SENDERS_KEYMAX	(24 + ADDR_LOCAL_MAX + ADDR_DOMAIN_MAX + 2)

struct conf_senders_arg {
	size_t		 idx;		/* the user's index in c->users */
	const char	*user;		/* its name, for messages */
};

/*
 * Write the key "<idx>\t<local>@<domain>" into key (CONF_SENDERS_KEYMAX
 * bytes, not NUL-terminated) and return its length, 0 if it does not
 * fit. By hand, not snprintf: it runs for every bound decision.
 */
static size_t
conf_senders_key(char *key, size_t idx, const char *local,
    const char *domain)
{
	char digits[24];
	size_t nd = 0, ll = strlen(local), dl = strlen(domain), n;

	do {
		digits[nd++] = (char)('0' + idx % 10);
		idx /= 10;
	} while (idx > 0);
	n = nd + 1 + ll + 1 + dl;
	if (n > CONF_SENDERS_KEYMAX)
		return 0;
	for (n = 0; nd > 0; )
		key[n++] = digits[--nd];
	key[n++] = '\t';
	memcpy(key + n, local, ll);
	n += ll;
	key[n++] = '@';
	memcpy(key + n, domain, dl);
	return n + dl;
}

/* Stage "<idx>\t<entry>" in c->senders; 0, or -1 when out of memory. */
static int
conf_senders_stage(struct conf *c, size_t idx, const char *local,
    const char *domain)
{
	char key[CONF_SENDERS_KEYMAX];
	size_t n = conf_senders_key(key, idx, local, domain);

	/* Any non-NULL value marks presence; the config itself will do. */
	if (n == 0)
		return -1;
	return strmap_stage(&c->senders, key, n, c);
}

/* Why a MAIL FROM form cannot be a senders entry, or NULL if it can. */
static const char *
conf_senders_bad_kind(const struct addr *a)
{
	switch (a->kind) {
	case ADDR_PLAIN:
		return a->local_toolong ? "its local part is too long" : NULL;
	case ADDR_NULL:
		return "the null sender <> is always allowed and is not listed";
	case ADDR_ROUTED:
		return "a routed address (source route, %, !, a quoted @ or a "
		    "second @) never matches a sender";
	default:
		return "not an address local@domain, nor @domain";
	}
}

/* One users[].senders entry: "local@domain" or "@domain". */
static int
conf_senders_item(struct loader *L, const config_setting_t *e, const char *v,
    void *arg)
{
	const struct conf_senders_arg *a = arg;
	char d[ADDR_DOMAIN_MAX];
	const char *why;
	struct addr ad;

	if (v == NULL || *v == '\0')
		return conf_read_fail(L, e, "users[%s].senders: an empty entry",
		    a->user);
	if (v[0] == '@') {
		/* A whole domain: the domain itself, not its subdomains. */
		if (v[1] == '\0' || v[1] == '.' || strchr(v + 1, '@') != NULL ||
		    addr_domain_normalize(v + 1, strlen(v + 1), d,
		    sizeof(d)) != 0)
			return conf_read_fail(L, e, "users[%s].senders: \"%s\" "
			    "is not @domain (an invalid domain)", a->user, v);
		if (conf_senders_stage(L->c, a->idx, "", d) != 0)
			return conf_read_nomem(L, e);
		return 0;
	}
	addr_parse(v, &ad);
	if ((why = conf_senders_bad_kind(&ad)) != NULL)
		return conf_read_fail(L, e, "users[%s].senders: \"%s\": %s",
		    a->user, v, why);
	if (conf_senders_stage(L->c, a->idx, ad.local, ad.domain) != 0)
		return conf_read_nomem(L, e);
	return 0;
}

/* The daemon_name of a listener with bind_sender on, "relay", or NULL. */
static const char *
conf_senders_bound_where(const struct conf *c)
{
	size_t i;

	if (c->relay.bind_sender)
		return "relay";
	for (i = 0; i < c->nservices; i++)
		if (c->services[i].bind_sender)
			return c->services[i].service;
	return NULL;
}

int
conf_senders_load(struct loader *L, const config_setting_t *e,
    const struct conf_user *u, size_t idx)
{
	struct conf_senders_arg a = { idx, u->name };
	const char *where;
	struct addr ad;
	int rc;

	rc = conf_read_strlist(L, e, "users[].senders", conf_senders_item, &a);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		/*
		 * No senders key: a user named by an address may use that
		 * address (the usual login of mail providers).
		 */
		addr_parse(u->name, &ad);
		if (ad.kind == ADDR_PLAIN && !ad.local_toolong) {
			if (conf_senders_stage(L->c, idx, ad.local,
			    ad.domain) != 0)
				return conf_read_nomem(L, e);
			return 0;
		}
	} else if (config_setting_length(conf_read_get(e,
	    "users[].senders")) > 0)
		return 0;
	/* A relaying user left with <> alone is most likely an oversight. */
	if (u->relay && (where = conf_senders_bound_where(L->c)) != NULL)
		conf_read_warn(L, e, "user \"%s\" has no senders while "
		    "bind_sender is on (%s): with SMTP AUTH it may send only "
		    "with MAIL FROM <>", u->name, where);
	return 0;
}

int
conf_sender_allowed(const struct conf *c, const char *authen,
    const struct addr *sender)
{
	const struct conf_user *u;
	char key[CONF_SENDERS_KEYMAX];
	size_t idx, n;

	if (sender->kind == ADDR_NULL)
		return 1;
	/* Routing, no domain, a bare postmaster: never one's own address. */
	if (sender->kind != ADDR_PLAIN || sender->local_toolong ||
	    c->senders.n == 0 || authen == NULL ||
	    (u = conf_user_find(c, authen)) == NULL)
		return 0;
	idx = (size_t)(u - c->users);
	n = conf_senders_key(key, idx, "", sender->domain);
	if (n > 0 && strmap_get(&c->senders, key, n) != NULL)
		return 1;
	n = conf_senders_key(key, idx, sender->local, sender->domain);
	return n > 0 && strmap_get(&c->senders, key, n) != NULL;
}
