/*
 * conf_load: the validating builder. It walks the libconfig tree group by
 * group, has conf_read check each group against the key table (unknown
 * keys, types, ranges, defaults: conf_keys.c), parses every list entry
 * into the lookup structures the policy uses, and applies the safety
 * rules (no /0 in the LAN or always_allow_from, no host bits set).
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "conf_limits.h"
#include "conf_load.h"
#include "conf_perm.h"
#include "conf_read.h"
#include "pwscheme.h"
#include "saslmech.h"
#include "conf_risk.h"


struct netlist_arg {
	struct netset	*nets;
	struct domset	*names;		/* NULL: IPs only */
	const char	*key;
};

/*
 * Whether the last label of v is all digits: then v is a mistyped IPv4
 * address ("10.0.0.256", "192.168.1"), not a host name.
 */
static int
conf_load_numeric_tld(const char *v)
{
	const char *last = strrchr(v, '.');

	last = last != NULL ? last + 1 : v;
	if (*last == '\0')
		return 0;
	for (; *last; last++)
		if (*last < '0' || *last > '9')
			return 0;
	return 1;
}

/* fc00::/7 (unique local) and fe80::/10 (link-local) never route. */
static int
conf_load_net_private6(const struct cidr *c)
{
	return (c->len >= 7 && (c->addr.a[0] & 0xfe) == 0xfc) ||
	    (c->len >= 10 && c->addr.a[0] == 0xfe &&
	    (c->addr.a[1] & 0xc0) == 0x80);
}

/*
 * Wide networks are legal but risky: in always_allow_from shorter than
 * /16 (IPv4) or /32 (IPv6), in local.lan shorter than /8 (IPv4) or /32
 * (IPv6 outside the private ranges).
 */
static void
conf_load_warn_wide_net(struct loader *L, const config_setting_t *e,
    const struct netlist_arg *a, const char *v, const struct cidr *c)
{
	int v4 = c->addr.family == AF_INET, allow = a->names != NULL;
	unsigned min = allow ? (v4 ? 16 : 32) : (v4 ? 8 : 32);

	if (c->len >= min || (!allow && !v4 && conf_load_net_private6(c)))
		return;
	if (allow)
		conf_read_warn(L, e, "%s: \"%s\" is wider than /%u: every client in it "
		    "may relay whatever the other controls say; list the "
		    "hosts you mean", a->key, v, min);
	else
		conf_read_warn(L, e, "%s: \"%s\" is wider than /%u: every client in it "
		    "counts as the LAN and may relay", a->key, v, min);
}

static int
conf_load_item_net(struct loader *L, const config_setting_t *e, const char *v,
    void *arg)
{
	struct netlist_arg *a = arg;
	struct cidr c;
	char msg[256];

	if (a->names != NULL && strpbrk(v, ":/") == NULL &&
	    netaddr_parse(v, &c.addr) != 0 && !conf_load_numeric_tld(v)) {
		/* Not an address: a host name, exact or ".suffix". */
		if (domset_add(a->names, v, DOMSET_ALLOW_SUFFIX, msg,
		    sizeof(msg)) != 0)
			return conf_read_fail(L, e, "%s: %s", a->key, msg);
		return 0;
	}
	if (netaddr_cidr_parse(v, &c, msg, sizeof(msg)) != 0)
		return conf_read_fail(L, e, "%s: %s", a->key, msg);
	if (c.len == 0)
		return conf_read_fail(L, e, "%s: \"%s\" would match every client (an "
		    "open relay); list the networks you mean", a->key, v);
	if (netset_add(a->nets, &c) != 0)
		return conf_read_nomem(L, e);
	conf_load_warn_wide_net(L, e, a, v, &c);
	return 0;
}

struct domlist_arg {
	struct domset	*set;
	int		 flags;
	const char	*key;
};

static int
conf_load_item_dom(struct loader *L, const config_setting_t *e, const char *v,
    void *arg)
{
	struct domlist_arg *a = arg;
	char msg[256];

	if (domset_add(a->set, v, a->flags, msg, sizeof(msg)) != 0)
		return conf_read_fail(L, e, "%s: %s", a->key, msg);
	return 0;
}

/* A local.transports entry: an MTA transport or mailer name. */
static int
conf_load_item_transport(struct loader *L, const config_setting_t *e,
    const char *v, void *arg)
{
	struct conf *c = L->c;
	size_t i;

	(void)arg;
	if (*v == '\0' || strlen(v) > 64 || strspn(v, "abcdefghijklmnopqrstu"
	    "vwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-*+") != strlen(v))
		return conf_read_fail(L, e, "local.transports: \"%s\" is not a transport "
		    "name (as in master.cf, or a Sendmail mailer)", v);
	for (i = 0; i < c->nlocal_transports; i++)
		if (strcasecmp(c->local_transports[i], v) == 0)
			return 0;
	if (conf_read_strv_add(&c->local_transports, &c->nlocal_transports, v) != 0)
		return conf_read_nomem(L, e);
	return 0;
}

/* Read the list of domain patterns at path into set; label for messages. */
static int
conf_load_domains(struct loader *L, const config_setting_t *g, const char *path,
    const char *label, struct domset *set, int flags)
{
	struct domlist_arg d = { set, flags, label };

	return conf_read_strlist(L, g, path, conf_load_item_dom, &d) < 0 ? -1 : 0;
}

static int
conf_load_local(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	const config_setting_t *g;
	struct netlist_arg n = { &c->lan, NULL, "local.lan" };
	int rc;

	g = conf_read_group(L, root, "local", &rc);
	if (rc < 0 || conf_read_strlist(L, g, "local.transports",
	    conf_load_item_transport, NULL) < 0 ||
	    conf_load_domains(L, g, "local.domains", "local.domains",
	    &c->local_domains, DOMSET_ALLOW_SUFFIX) != 0 ||
	    conf_load_domains(L, g, "local.domain_aliases",
	    "local.domain_aliases", &c->local_domains,
	    DOMSET_ALLOW_SUFFIX) != 0)
		return -1;
	if (domset_freeze(&c->local_domains) != 0)
		return conf_read_nomem(L, g != NULL ? g : root);
	if (conf_read_strlist(L, g, "local.lan", conf_load_item_net, &n) < 0)
		return -1;
	netset_freeze(&c->lan);
	if (netset_covers_all(&c->lan))
		return conf_read_fail(L, conf_read_get(g, "local.lan"),
		    "local.lan covers every address: that would let the "
		    "whole internet relay");
	return 0;
}

/*
 * Give p lists of its own (empty, strings in the config's arena),
 * releasing any it owned already; lists it only borrowed from the top
 * level are left alone.
 */
static int
conf_load_policy_lists(struct loader *L, struct relay_policy *p, int from,
    int to)
{
	if (from) {
		if (p->owns_from) {
			netset_free(p->allow_from_nets);
			domset_free(p->allow_from_names);
			free(p->allow_from_nets);
			free(p->allow_from_names);
		}
		p->allow_from_nets = calloc(1, sizeof(*p->allow_from_nets));
		p->allow_from_names = calloc(1, sizeof(*p->allow_from_names));
		p->owns_from = 1;
		if (p->allow_from_nets == NULL || p->allow_from_names == NULL)
			return -1;
		netset_init(p->allow_from_nets);
		domset_init_in(p->allow_from_names, &L->c->arena);
	}
	if (to) {
		if (p->owns_to) {
			domset_free(p->allow_to);
			free(p->allow_to);
		}
		p->allow_to = calloc(1, sizeof(*p->allow_to));
		p->owns_to = 1;
		if (p->allow_to == NULL)
			return -1;
		domset_init_in(p->allow_to, &L->c->arena);
	}
	return 0;
}

/* The switches of a listener's policy, read from relay and services. */
static const struct {
	const char	*name;
	size_t		 off;
} policy_bools[] = {
	{ "smtp_auth", offsetof(struct relay_policy, smtp_auth) },
	{ "pop_before_smtp", offsetof(struct relay_policy, pop_before_smtp) },
	{ "relay_for_non_local_senders",
	    offsetof(struct relay_policy, relay_for_non_local_senders) },
	{ "relay_for_client_machines",
	    offsetof(struct relay_policy, relay_for_client_machines) },
	{ "bind_sender", offsetof(struct relay_policy, bind_sender) },
};

/*
 * Read the relay keys of grp (the keys prefix.*; grp NULL: all absent)
 * over the values already in p: an absent key takes the table's default
 * at the top level, and keeps the inherited value in a services entry.
 */
static int
conf_load_policy_keys(struct loader *L, const config_setting_t *grp,
    struct relay_policy *p, const char *prefix, const char *where)
{
	const config_setting_t *s;
	char path[128], key[128];
	size_t i;

	for (i = 0; i < sizeof(policy_bools) / sizeof(policy_bools[0]); i++) {
		snprintf(path, sizeof(path), "%s.%s", prefix,
		    policy_bools[i].name);
		if (conf_read_bool(L, grp, path,
		    (int *)(void *)((char *)p + policy_bools[i].off)) < 0)
			return -1;
	}
	snprintf(path, sizeof(path), "%s.always_allow_from", prefix);
	if ((s = conf_read_get(grp, path)) != NULL) {
		struct netlist_arg n;

		/* A list given here replaces the inherited one. */
		if (conf_load_policy_lists(L, p, 1, 0) != 0)
			return conf_read_nomem(L, s);
		snprintf(key, sizeof(key), "%s.always_allow_from", where);
		n.nets = p->allow_from_nets;
		n.names = p->allow_from_names;
		n.key = key;
		if (conf_read_strlist(L, grp, path, conf_load_item_net, &n) < 0)
			return -1;
		netset_freeze(p->allow_from_nets);
		if (domset_freeze(p->allow_from_names) != 0)
			return conf_read_nomem(L, s);
	}
	snprintf(path, sizeof(path), "%s.always_allow_to", prefix);
	if ((s = conf_read_get(grp, path)) != NULL) {
		if (conf_load_policy_lists(L, p, 0, 1) != 0)
			return conf_read_nomem(L, s);
		snprintf(key, sizeof(key), "%s.always_allow_to", where);
		if (conf_load_domains(L, grp, path, key, p->allow_to,
		    DOMSET_ALLOW_SUFFIX | DOMSET_ALLOW_ADDRESS) != 0)
			return -1;
		if (domset_freeze(p->allow_to) != 0)
			return conf_read_nomem(L, s);
	}
	/* Step 5 with the LAN check off: only the (forgeable) sender left. */
	if (p->relay_for_client_machines && !p->smtp_auth &&
	    !p->pop_before_smtp) {
		snprintf(path, sizeof(path), "%s.relay_for_client_machines",
		    prefix);
		s = conf_read_get(grp, path);
		conf_read_warn(L, s != NULL ? s : grp, "%s: relay_for_client_machines is "
		    "on and neither smtp_auth nor pop_before_smtp is: %s",
		    where, p->relay_for_non_local_senders ? "any client may "
		    "relay to anywhere (an open relay)" : "any client that "
		    "writes a local sender in MAIL FROM may relay (the sender "
		    "is not verified)");
	}
	return 0;
}

static int
conf_load_relay(struct loader *L, const config_setting_t *root)
{
	struct relay_policy *p = &L->c->relay;
	const config_setting_t *g;
	int rc;

	if (conf_load_policy_lists(L, p, 1, 1) != 0)
		return conf_read_nomem(L, root);
	netset_freeze(p->allow_from_nets);
	g = conf_read_group(L, root, "relay", &rc);
	if (rc < 0)
		return -1;
	return conf_load_policy_keys(L, g, p, "relay", "relay");
}

static int
conf_load_service(struct loader *L, const config_setting_t *e,
    struct relay_policy *p)
{
	char *name = NULL;
	char where[160];
	size_t i;

	if (conf_read_str(L, e, "services[].daemon_name", &name) <= 0) {
		if (name == NULL)
			return conf_read_fail(L, e, "a services entry needs a "
			    "daemon_name");
		return -1;
	}
	/* conf_service never selects "" (no {daemon_name}: top level). */
	if (name[0] == '\0') {
		free(name);
		return conf_read_fail(L, conf_read_get(e,
		    "services[].daemon_name"), "daemon_name is empty: such an "
		    "entry would never apply (a listener without a name uses "
		    "relay)");
	}
	for (i = 0; i < L->c->nservices; i++)
		if (strcmp(L->c->services[i].service, name) == 0) {
			free(name);
			return conf_read_fail(L, e, "daemon_name \"%s\" is listed twice",
			    L->c->services[i].service);
		}
	*p = L->c->relay;
	p->owns_from = p->owns_to = 0;
	p->service = name;
	snprintf(where, sizeof(where), "services[%s]", name);
	return conf_load_policy_keys(L, e, p, "services[]", where);
}

static int
conf_load_services(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	const config_setting_t *s = conf_read_get(root, "services"), *e;
	int i, n, rc;

	if (s == NULL)
		return 0;
	n = config_setting_length(s);
	c->services = calloc((size_t)n + 1, sizeof(*c->services));
	if (c->services == NULL)
		return conf_read_nomem(L, s);
	for (i = 0; i < n; i++) {
		struct relay_policy *p = &c->services[c->nservices];

		if ((e = conf_read_entry(L, s, "services", i)) == NULL)
			return -1;
		rc = conf_load_service(L, e, p);
		/* Count it even when half-built so conf_free releases it. */
		if (p->service != NULL)
			c->nservices++;
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
conf_load_user(struct loader *L, const config_setting_t *e, struct conf_user *u)
{
	char msg[256];

	if (conf_read_str(L, e, "users[].name", &u->name) < 0 ||
	    conf_read_str(L, e, "users[].password", &u->password) < 0 ||
	    conf_read_bool(L, e, "users[].relay", &u->relay) < 0 ||
	    conf_limits_read(L, e, "users[].limit", &u->limit) < 0)
		return -1;
	if (u->name == NULL || *u->name == '\0')
		return conf_read_fail(L, e, "a users entry needs a name");
	if (strpbrk(u->name, " \t\r\n") != NULL)
		return conf_read_fail(L, e, "user name \"%s\" holds white space", u->name);
	if (u->password == NULL)
		return conf_read_fail(L, e, "user \"%s\" needs a password", u->name);
	if (conf_check_password(u->password, msg, sizeof(msg)) != 0)
		return conf_read_fail(L, conf_read_get(e, "users[].password"),
		    "user \"%s\": %s", u->name, msg);
	return 0;
}

static void
conf_load_warn_readable(struct loader *L, const config_setting_t *e)
{
	const char *file = config_setting_source_file(e);
	const char *slash = strrchr(L->name, '/');
	char path[900], msg[CONF_ERRLEN];
	struct stat st;

	if (file == NULL)
		return;
	/* libconfig names an @include as written: relative to our folder. */
	if (file[0] != '/' && strcmp(file, L->name) != 0 && slash != NULL)
		snprintf(path, sizeof(path), "%.*s/%s",
		    (int)(slash - L->name) & 0x1ff, L->name, file);
	else
		snprintf(path, sizeof(path), "%s", file);
	if (stat(path, &st) != 0 || !(st.st_mode & S_IROTH))
		return;
	for (size_t i = 0; i < L->c->nwarnings; i++)
		if (strstr(L->c->warnings[i], file) != NULL)
			return;
	snprintf(msg, sizeof(msg), "%s: holds plaintext passwords and is "
	    "readable by others (chmod o-r, or move users to an @include "
	    "file with mode 0600)", path);
	conf_read_add_warning(L, msg);
}

static int
conf_load_users(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	const config_setting_t *s = conf_read_get(root, "users"), *e;
	const char *checked = NULL;
	int i, n, rc;

	if (s == NULL)
		return 0;
	n = config_setting_length(s);
	c->users = calloc((size_t)n + 1, sizeof(*c->users));
	if (c->users == NULL || strmap_reserve(&c->usermap, (size_t)n) != 0)
		return conf_read_nomem(L, s);
	for (i = 0; i < n; i++) {
		struct conf_user *u = &c->users[c->nusers++];

		if ((e = conf_read_entry(L, s, "users", i)) == NULL ||
		    conf_load_user(L, e, u) != 0 ||
		    conf_senders_load(L, e, u, c->nusers - 1) != 0)
			return -1;
		rc = strmap_put(&c->usermap, u->name, strlen(u->name), u);
		if (rc < 0)
			return conf_read_nomem(L, e);
		if (rc > 0)
			return conf_read_fail(L, e, "user \"%s\" is listed twice",
			    u->name);
		/* One stat per file, not per user (libconfig keeps one copy
		 * of each file name, so the pointer says "same file"). */
		if (pwscheme_kind(u->password) == PWSCHEME_PLAIN &&
		    config_setting_source_file(e) != checked) {
			checked = config_setting_source_file(e);
			conf_load_warn_readable(L, e);
		}
	}
	if (strmap_commit(&c->senders) != 0)
		return conf_read_nomem(L, s);
	return 0;
}

static int
conf_load_item_mech(struct loader *L, const config_setting_t *e, const char *v,
    void *arg)
{
	struct conf *c = L->c;
	const struct saslmech *m = saslmech_find(v);
	char known[128];
	size_t i;

	(void)arg;
	if (m == NULL)
		return conf_read_fail(L, e, "auth.mechanisms: unknown mechanism "
		    "\"%s\" (known: %s)", v, saslmech_names(known,
		    sizeof(known)));
	for (i = 0; i < c->auth_nmechanisms; i++)
		if (strcmp(c->auth_mechanisms[i], m->name) == 0)
			return 0;
	/* Stored upper case: mechanism names are compared exactly later. */
	if (conf_read_strv_add(&c->auth_mechanisms, &c->auth_nmechanisms,
	    m->name) != 0)
		return conf_read_nomem(L, e);
	return 0;
}

/* A socket key: one of the forms accept takes (CONF_SOCKETS, ...). */
static int
conf_load_item_socket(struct loader *L, const config_setting_t *grp,
    const char *key, unsigned accept, char **out)
{
	struct sockspec s;
	char msg[256];
	int rc = conf_read_str(L, grp, key, out);

	if (rc <= 0)
		return rc;
	if (sockspec_parse(*out, accept, &s, msg, sizeof(msg)) != 0)
		return conf_read_fail(L, conf_read_get(grp, key), "%s: %s",
		    key, msg);
	return 1;
}

static int
conf_load_auth(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	const config_setting_t *g;
	int rc;

	g = conf_read_group(L, root, "auth", &rc);
	if (rc < 0 ||
	    conf_load_item_socket(L, g, "auth.dovecot", CONF_SOCKETS,
	    &c->auth_dovecot) < 0 ||
	    conf_load_item_socket(L, g, "auth.saslauthd", CONF_SOCKETS,
	    &c->auth_saslauthd) < 0 ||
	    conf_read_strlist(L, g, "auth.mechanisms", conf_load_item_mech,
	    NULL) < 0 ||
	    conf_read_int(L, g, "auth.failure_delay",
	    &c->auth_failure_delay) < 0 ||
	    conf_read_int(L, g, "auth.max_failures",
	    &c->auth_max_failures) < 0 ||
	    conf_read_int(L, g, "auth.user_max_failures",
	    &c->auth_user_max_failures) < 0 ||
	    conf_read_int(L, g, "auth.failure_window",
	    &c->auth_failure_window) < 0 ||
	    conf_load_domains(L, g, "auth.realms", "auth.realms",
	    &c->auth_realms, 0) != 0 ||
	    conf_read_str(L, g, "auth.secret_file", &c->auth_secret_file) < 0)
		return -1;
	if (domset_freeze(&c->auth_realms) != 0)
		return conf_read_nomem(L, g != NULL ? g : root);
	/* The daemon runs from "/" in the background: no relative path. */
	if (c->auth_secret_file[0] != '/')
		return conf_read_fail(L, conf_read_get(g, "auth.secret_file"),
		    "auth.secret_file \"%s\": needs an absolute path",
		    c->auth_secret_file);
	if (c->auth_nmechanisms == 0 &&
	    conf_read_get(g, "auth.mechanisms") == NULL) {
		const struct saslmech *m;
		size_t i;

		for (i = 0; (m = saslmech_at(i)) != NULL; i++)
			if (conf_load_item_mech(L, root, m->name, NULL) != 0)
				return -1;
	}
	return 0;
}

static int
conf_load_poplogs(struct loader *L, const config_setting_t *g)
{
	struct conf *c = L->c;
	const config_setting_t *s = conf_read_get(g, "pop.logs"), *e;
	char msg[CONF_ERRLEN];
	int i, n;

	if (s == NULL)
		return 0;
	n = config_setting_length(s);
	c->pop_logs = calloc((size_t)n + 1, sizeof(*c->pop_logs));
	if (c->pop_logs == NULL)
		return conf_read_nomem(L, s);
	for (i = 0; i < n; i++) {
		struct conf_poplog *pl = &c->pop_logs[c->pop_nlogs++];

		if ((e = conf_read_entry(L, s, "pop.logs", i)) == NULL ||
		    conf_read_str(L, e, "pop.logs[].path", &pl->path) < 0 ||
		    conf_read_str(L, e, "pop.logs[].format", &pl->format) < 0 ||
		    conf_read_str(L, e, "pop.logs[].pattern", &pl->pattern) < 0 ||
		    conf_read_str(L, e, "pop.logs[].journal", &pl->journal) < 0 ||
		    conf_read_str(L, e, "pop.logs[].journal_unit",
		    &pl->journal_unit) < 0 ||
		    conf_read_str(L, e, "pop.logs[].journal_directory",
		    &pl->journal_directory) < 0)
			return -1;
		if (conf_pop_log_check(pl, msg, sizeof(msg)) != 0)
			return conf_read_fail(L, pl->pattern != NULL ?
			    conf_read_get(e, "pop.logs[].pattern") : e, "%s",
			    msg);
	}
	return 0;
}

static int
conf_load_item_proto(struct loader *L, const config_setting_t *e, const char *v,
    void *arg)
{
	char msg[256];

	(void)arg;
	if (conf_pop_protocol_add(L->c, v, msg, sizeof(msg)) != 0)
		return conf_read_fail(L, e, "%s", msg);
	return 0;
}

static int
conf_load_pop(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	const config_setting_t *g;
	char msg[CONF_ERRLEN];
	int rc;

	g = conf_read_group(L, root, "pop", &rc);
	if (rc < 0 ||
	    conf_read_int(L, g, "pop.window", &c->pop_window) < 0 ||
	    conf_read_int(L, g, "pop.ipv6_prefix", &c->pop_ipv6_prefix) < 0 ||
	    conf_read_str(L, g, "pop.store_password",
	    &c->pop_store_password) < 0 ||
	    (rc = conf_read_str(L, g, "pop.store", &c->pop_store)) < 0)
		return -1;
	if (rc > 0 && conf_pop_store_check(c->pop_store, msg,
	    sizeof(msg)) != 0)
		return conf_read_fail(L, conf_read_get(g, "pop.store"), "%s",
		    msg);
	if (conf_read_strlist(L, g, "pop.protocols", conf_load_item_proto,
	    NULL) < 0)
		return -1;
	if (c->pop_protocols == 0)
		return conf_read_fail(L, conf_read_get(g, "pop.protocols"),
		    "pop.protocols is empty: list \"pop3\" and/or \"imap\"");
	return conf_load_poplogs(L, g);
}

/* on_error: what the milter answers when it cannot decide. */
static int
conf_load_on_error(struct loader *L, const config_setting_t *root)
{
	char *onerr = NULL;
	int rc = conf_read_str(L, root, "on_error", &onerr);

	if (rc < 0)
		return -1;
	if (onerr != NULL && strcmp(onerr, "tempfail") == 0)
		L->c->on_error = CONF_ON_ERROR_TEMPFAIL;
	else if (onerr != NULL && strcmp(onerr, "accept") == 0)
		L->c->on_error = CONF_ON_ERROR_ACCEPT;
	else
		rc = conf_read_fail(L, conf_read_get(root, "on_error"),
		    "on_error must be \"tempfail\" or \"accept\"");
	free(onerr);
	return rc < 0 ? -1 : 0;
}

static int
conf_load_top(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;

	if (conf_read_members(L, root, "") != 0 ||
	    conf_load_item_socket(L, root, "socket", CONF_SOCKETS, &c->socket) < 0 ||
	    conf_read_mode(L, root, "socket_mode", &c->socket_mode) < 0 ||
	    conf_read_str(L, root, "socket_group", &c->socket_group) < 0 ||
	    conf_load_item_socket(L, root, "postfix_policy", CONF_SOCKETS,
	    &c->postfix_policy) < 0 ||
	    conf_load_item_socket(L, root, "sendmail_socketmap", CONF_SOCKETS,
	    &c->sendmail_socketmap) < 0 ||
	    conf_load_item_socket(L, root, "metrics", CONF_METRICS_SOCKETS,
	    &c->metrics) < 0 ||
	    conf_read_bool(L, root, "metrics_public", &c->metrics_public) < 0 ||
	    conf_load_item_socket(L, root, "control", CONF_CONTROL_SOCKETS,
	    &c->control) < 0 ||
	    conf_read_mode(L, root, "control_mode", &c->control_mode) < 0 ||
	    conf_read_str(L, root, "control_group", &c->control_group) < 0 ||
	    conf_read_str(L, root, "user", &c->user) < 0 ||
	    conf_read_str(L, root, "pidfile", &c->pidfile) < 0 ||
	    conf_read_bool(L, root, "dry_run", &c->dry_run) < 0)
		return -1;
	if (c->dry_run)
		conf_read_warn(L, conf_read_get(root, "dry_run"), "dry_run is "
		    "on: nothing is refused, refusals are only logged as "
		    "\"would reject\"");
	return conf_load_on_error(L, root);
}

/* the last conf's serial (struct conf) */
static unsigned long conf_serials;

struct conf *
conf_load_build(config_t *cfg, const char *name, const char *text, char *err,
    size_t errlen)
{
	struct loader L = { name, text, err, errlen, NULL, 0 };
	const config_setting_t *root = config_root_setting(cfg);
	struct conf *c;

	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->path = strdup(name)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		free(c);
		return NULL;
	}
	L.c = c;
	c->refs = 1;
	c->serial = __atomic_add_fetch(&conf_serials, 1, __ATOMIC_RELAXED);
	arena_init(&c->arena);
	domset_init_in(&c->local_domains, &c->arena);
	netset_init(&c->lan);
	strmap_init_in(&c->usermap, &c->arena);
	strmap_init_in(&c->senders, &c->arena);
	domset_init_in(&c->auth_realms, &c->arena);
	if (conf_load_top(&L, root) != 0 || conf_load_local(&L, root) != 0 ||
	    conf_load_relay(&L, root) != 0 || conf_load_services(&L, root) != 0 ||
	    conf_load_users(&L, root) != 0 || conf_load_auth(&L, root) != 0 ||
	    conf_load_pop(&L, root) != 0 || conf_limits_load(&L, root) != 0 ||
	    conf_risk_check(&L, root) != 0 ||
	    conf_perm_sockets(&L, root) != 0) {
		conf_free(c);
		return NULL;
	}
	if (L.warnings_dropped > 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%zu more warnings like these not "
		    "shown", L.warnings_dropped);
		(void)conf_read_strv_add(&c->warnings, &c->nwarnings, msg);
	}
	return c;
}
