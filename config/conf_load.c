/*
 * conf_load: the validating builder. It walks the libconfig tree group by
 * group, refuses unknown keys and wrong types, parses every list entry
 * into the lookup structures the policy uses, and applies the safety
 * rules (no /0 in the LAN or always_allow_from, no host bits set).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "conf_load.h"
#include "conf_read.h"

static const char *const keys_top[] = {
	"socket", "socket_mode", "socket_group", "control", "control_mode",
	"control_group", "user", "pidfile", "dry_run", "on_error", "local",
	"relay", "services", "users", "auth", "pop", NULL
};
static const char *const keys_local[] = {
	"domains", "domain_aliases", "lan", "transports", NULL
};
static const char *const keys_relay[] = {
	"smtp_auth", "pop_before_smtp", "relay_for_non_local_senders",
	"relay_for_client_machines", "always_allow_from", "always_allow_to",
	NULL
};
static const char *const keys_service[] = {
	"daemon_name", "smtp_auth", "pop_before_smtp",
	"relay_for_non_local_senders", "relay_for_client_machines",
	"always_allow_from", "always_allow_to", NULL
};
static const char *const keys_user[] = { "name", "password", "relay", NULL };
static const char *const keys_auth[] = {
	"dovecot", "saslauthd", "mechanisms", "failure_delay", "realms",
	"max_failures", "failure_window", NULL
};
static const char *const keys_pop[] = {
	"window", "store", "logs", "ipv6_prefix", "protocols", NULL
};
static const char *const keys_poplog[] = {
	"path", "format", "pattern", NULL
};
static const char *const sasl_mechanisms[] = {
	"CRAM-MD5", "LOGIN", "PLAIN", "SCRAM-SHA-256", NULL
};

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
conf_numeric_tld(const char *v)
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
conf_net_private6(const struct cidr *c)
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
warn_wide_net(struct loader *L, const config_setting_t *e,
    const struct netlist_arg *a, const char *v, const struct cidr *c)
{
	int v4 = c->addr.family == AF_INET, allow = a->names != NULL;
	unsigned min = allow ? (v4 ? 16 : 32) : (v4 ? 8 : 32);

	if (c->len >= min || (!allow && !v4 && conf_net_private6(c)))
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
item_net(struct loader *L, const config_setting_t *e, const char *v,
    void *arg)
{
	struct netlist_arg *a = arg;
	struct cidr c;
	char msg[256];

	if (a->names != NULL && strpbrk(v, ":/") == NULL &&
	    netaddr_parse(v, &c.addr) != 0 && !conf_numeric_tld(v)) {
		/* Not an address: a host name, exact or ".suffix". */
		if (domset_add(a->names, v, DOMSET_ALLOW_SUFFIX, msg,
		    sizeof(msg)) != 0)
			return conf_read_fail(L, e, "%s: %s", a->key, msg);
		return 0;
	}
	if (cidr_parse(v, &c, msg, sizeof(msg)) != 0)
		return conf_read_fail(L, e, "%s: %s", a->key, msg);
	if (c.len == 0)
		return conf_read_fail(L, e, "%s: \"%s\" would match every client (an "
		    "open relay); list the networks you mean", a->key, v);
	if (netset_add(a->nets, &c) != 0)
		return conf_read_nomem(L, e);
	warn_wide_net(L, e, a, v, &c);
	return 0;
}

struct domlist_arg {
	struct domset	*set;
	int		 flags;
	const char	*key;
};

static int
item_dom(struct loader *L, const config_setting_t *e, const char *v,
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
item_transport(struct loader *L, const config_setting_t *e, const char *v,
    void *arg)
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

static int
load_transports(struct loader *L, const config_setting_t *g)
{
	static const char *const dflt[] = CONF_LOCAL_TRANSPORTS;
	size_t i;

	if (g != NULL && config_setting_get_member(g, "transports") != NULL)
		return conf_read_strlist(L, g, "transports", item_transport, NULL) < 0 ?
		    -1 : 0;
	for (i = 0; i < sizeof(dflt) / sizeof(dflt[0]); i++)
		if (conf_read_strv_add(&L->c->local_transports,
		    &L->c->nlocal_transports, dflt[i]) != 0)
			return conf_read_nomem(L, g);
	return 0;
}

static int
load_local(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	const config_setting_t *g;
	struct domlist_arg d = { &c->local_domains, DOMSET_ALLOW_SUFFIX, NULL };
	struct netlist_arg n = { &c->lan, NULL, "local.lan" };
	int rc;

	g = conf_read_group(L, root, "local", keys_local, &rc);
	if (rc < 0 || load_transports(L, g) != 0)
		return -1;
	if (g == NULL)
		return rc;
	d.key = "local.domains";
	if (conf_read_strlist(L, g, "domains", item_dom, &d) < 0)
		return -1;
	d.key = "local.domain_aliases";
	if (conf_read_strlist(L, g, "domain_aliases", item_dom, &d) < 0)
		return -1;
	if (domset_freeze(&c->local_domains) != 0)
		return conf_read_nomem(L, g);
	if (conf_read_strlist(L, g, "lan", item_net, &n) < 0)
		return -1;
	netset_freeze(&c->lan);
	if (netset_covers_all(&c->lan))
		return conf_read_fail(L, config_setting_get_member(g, "lan"),
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
policy_lists_new(struct loader *L, struct relay_policy *p, int from, int to)
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

/* Read the relay keys of grp over the values already in p. */
static int
load_policy_keys(struct loader *L, const config_setting_t *grp,
    struct relay_policy *p, const char *where)
{
	const config_setting_t *s;
	char key[128];

	if (conf_read_bool(L, grp, "smtp_auth", &p->smtp_auth) < 0 ||
	    conf_read_bool(L, grp, "pop_before_smtp", &p->pop_before_smtp) < 0 ||
	    conf_read_bool(L, grp, "relay_for_non_local_senders",
	    &p->relay_for_non_local_senders) < 0 ||
	    conf_read_bool(L, grp, "relay_for_client_machines",
	    &p->relay_for_client_machines) < 0)
		return -1;
	s = config_setting_get_member(grp, "always_allow_from");
	if (s != NULL) {
		struct netlist_arg n;

		/* A list given here replaces the inherited one. */
		if (policy_lists_new(L, p, 1, 0) != 0)
			return conf_read_nomem(L, s);
		snprintf(key, sizeof(key), "%s.always_allow_from", where);
		n.nets = p->allow_from_nets;
		n.names = p->allow_from_names;
		n.key = key;
		if (conf_read_strlist(L, grp, "always_allow_from", item_net, &n) < 0)
			return -1;
		netset_freeze(p->allow_from_nets);
		if (domset_freeze(p->allow_from_names) != 0)
			return conf_read_nomem(L, s);
	}
	s = config_setting_get_member(grp, "always_allow_to");
	if (s != NULL) {
		struct domlist_arg d;

		if (policy_lists_new(L, p, 0, 1) != 0)
			return conf_read_nomem(L, s);
		snprintf(key, sizeof(key), "%s.always_allow_to", where);
		d.set = p->allow_to;
		d.flags = DOMSET_ALLOW_SUFFIX | DOMSET_ALLOW_ADDRESS;
		d.key = key;
		if (conf_read_strlist(L, grp, "always_allow_to", item_dom, &d) < 0)
			return -1;
		if (domset_freeze(p->allow_to) != 0)
			return conf_read_nomem(L, s);
	}
	/* Step 5 with the LAN check off: only the (forgeable) sender left. */
	if (p->relay_for_client_machines && !p->smtp_auth &&
	    !p->pop_before_smtp) {
		s = config_setting_get_member(grp, "relay_for_client_machines");
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
load_relay(struct loader *L, const config_setting_t *root)
{
	struct relay_policy *p = &L->c->relay;
	const config_setting_t *g;
	int rc;

	p->relay_for_non_local_senders = 1;
	if (policy_lists_new(L, p, 1, 1) != 0)
		return conf_read_nomem(L, root);
	netset_freeze(p->allow_from_nets);
	g = conf_read_group(L, root, "relay", keys_relay, &rc);
	if (g == NULL)
		return rc;
	return load_policy_keys(L, g, p, "relay");
}

static const config_setting_t *
get_list(struct loader *L, const config_setting_t *root, const char *key,
    int *rc)
{
	const config_setting_t *s = config_setting_get_member(root, key);

	*rc = 0;
	if (s == NULL)
		return NULL;
	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		*rc = conf_read_fail(L, s, "\"%s\" must be a list ( { ... }, ... )", key);
		return NULL;
	}
	return s;
}

static int
load_service(struct loader *L, const config_setting_t *e,
    struct relay_policy *p)
{
	char *name = NULL;
	char where[160];
	size_t i;

	if (config_setting_type(e) != CONFIG_TYPE_GROUP)
		return conf_read_fail(L, e, "each services entry must be a group { ... }");
	if (conf_read_keys(L, e, keys_service, "a services entry") != 0)
		return -1;
	if (conf_read_str(L, e, "daemon_name", &name) <= 0) {
		if (name == NULL)
			return conf_read_fail(L, e, "a services entry needs a "
			    "daemon_name");
		return -1;
	}
	/* conf_service never selects "" (no {daemon_name}: top level). */
	if (name[0] == '\0') {
		free(name);
		return conf_read_fail(L, config_setting_get_member(e, "daemon_name"),
		    "daemon_name is empty: such an entry would never apply "
		    "(a listener without a name uses relay)");
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
	return load_policy_keys(L, e, p, where);
}

static int
load_services(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	const config_setting_t *s;
	int i, n, rc;

	s = get_list(L, root, "services", &rc);
	if (s == NULL)
		return rc;
	n = config_setting_length(s);
	c->services = calloc((size_t)n + 1, sizeof(*c->services));
	if (c->services == NULL)
		return conf_read_nomem(L, s);
	for (i = 0; i < n; i++) {
		struct relay_policy *p = &c->services[c->nservices];

		rc = load_service(L, config_setting_get_elem(s, (unsigned)i), p);
		/* Count it even when half-built so conf_free releases it. */
		if (p->service != NULL)
			c->nservices++;
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
load_user(struct loader *L, const config_setting_t *e, struct conf_user *u)
{
	char msg[256];

	if (config_setting_type(e) != CONFIG_TYPE_GROUP)
		return conf_read_fail(L, e, "each users entry must be a group { ... }");
	if (conf_read_keys(L, e, keys_user, "a users entry") != 0)
		return -1;
	if (conf_read_str(L, e, "name", &u->name) < 0 ||
	    conf_read_str(L, e, "password", &u->password) < 0 ||
	    conf_read_bool(L, e, "relay", &u->relay) < 0)
		return -1;
	if (u->name == NULL || *u->name == '\0')
		return conf_read_fail(L, e, "a users entry needs a name");
	if (strpbrk(u->name, " \t\r\n") != NULL)
		return conf_read_fail(L, e, "user name \"%s\" holds white space", u->name);
	if (u->password == NULL)
		return conf_read_fail(L, e, "user \"%s\" needs a password", u->name);
	if (conf_password_check(u->password, msg, sizeof(msg)) != 0)
		return conf_read_fail(L, config_setting_get_member(e, "password"),
		    "user \"%s\": %s", u->name, msg);
	return 0;
}

static void
warn_readable(struct loader *L, const config_setting_t *e)
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
load_users(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	const config_setting_t *s;
	const char *checked = NULL;
	int i, n, rc;

	s = get_list(L, root, "users", &rc);
	if (s == NULL)
		return rc;
	n = config_setting_length(s);
	c->users = calloc((size_t)n + 1, sizeof(*c->users));
	if (c->users == NULL || strmap_reserve(&c->usermap, (size_t)n) != 0)
		return conf_read_nomem(L, s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s,
		    (unsigned)i);
		struct conf_user *u = &c->users[c->nusers++];

		if (load_user(L, e, u) != 0)
			return -1;
		rc = strmap_put(&c->usermap, u->name, strlen(u->name), u);
		if (rc < 0)
			return conf_read_nomem(L, e);
		if (rc > 0)
			return conf_read_fail(L, e, "user \"%s\" is listed twice",
			    u->name);
		/* One stat per file, not per user (libconfig keeps one copy
		 * of each file name, so the pointer says "same file"). */
		if (strncasecmp(u->password, "{PLAIN}", 7) == 0 &&
		    config_setting_source_file(e) != checked) {
			checked = config_setting_source_file(e);
			warn_readable(L, e);
		}
	}
	return 0;
}

static int
item_mech(struct loader *L, const config_setting_t *e, const char *v,
    void *arg)
{
	struct conf *c = L->c;
	const char *const *m;
	size_t i;

	(void)arg;
	for (m = sasl_mechanisms; *m; m++)
		if (strcasecmp(*m, v) == 0)
			break;
	if (*m == NULL)
		return conf_read_fail(L, e, "auth.mechanisms: unknown mechanism \"%s\" "
		    "(known: CRAM-MD5, LOGIN, PLAIN, SCRAM-SHA-256)", v);
	for (i = 0; i < c->auth_nmechanisms; i++)
		if (strcmp(c->auth_mechanisms[i], *m) == 0)
			return 0;
	/* Stored upper case: mechanism names are compared exactly later. */
	if (conf_read_strv_add(&c->auth_mechanisms, &c->auth_nmechanisms, *m) != 0)
		return conf_read_nomem(L, e);
	return 0;
}

static int
item_socket(struct loader *L, const config_setting_t *grp, const char *key,
    char **out)
{
	char msg[256];
	int rc = conf_read_str(L, grp, key, out);

	if (rc <= 0)
		return rc;
	if (conf_socket_check(*out, msg, sizeof(msg)) != 0)
		return conf_read_fail(L, config_setting_get_member(grp, key), "%s: %s",
		    key, msg);
	return 1;
}

/* The control socket is for local administrators only: unix, never inet. */
static int
check_unix(struct loader *L, const config_setting_t *grp, const char *key,
    const char *v)
{
	if (v == NULL || strncmp(v, "unix:", 5) == 0)
		return 0;
	return conf_read_fail(L, config_setting_get_member(grp, key), "%s must be a unix "
	    "socket (\"unix:/path\")", key);
}

static int
load_auth(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	const config_setting_t *g;
	struct domlist_arg d = { &c->auth_realms, 0, "auth.realms" };
	int rc;

	c->auth_failure_delay = 2;
	c->auth_max_failures = 10;
	c->auth_failure_window = 300;
	g = conf_read_group(L, root, "auth", keys_auth, &rc);
	if (g == NULL && rc < 0)
		return -1;
	if (g != NULL && (item_socket(L, g, "dovecot", &c->auth_dovecot) < 0 ||
	    item_socket(L, g, "saslauthd", &c->auth_saslauthd) < 0 ||
	    conf_read_strlist(L, g, "mechanisms", item_mech, NULL) < 0 ||
	    conf_read_int(L, g, "failure_delay", 0, 9, &c->auth_failure_delay) < 0 ||
	    conf_read_int(L, g, "max_failures", 0, 1000000, &c->auth_max_failures) <
	    0 || conf_read_int(L, g, "failure_window", 1, 86400,
	    &c->auth_failure_window) < 0 ||
	    conf_read_strlist(L, g, "realms", item_dom, &d) < 0))
		return -1;
	if (domset_freeze(&c->auth_realms) != 0)
		return conf_read_nomem(L, g != NULL ? g : root);
	if (c->auth_nmechanisms == 0 && (g == NULL ||
	    config_setting_get_member(g, "mechanisms") == NULL)) {
		const char *const *m;

		for (m = sasl_mechanisms; *m; m++)
			if (item_mech(L, root, *m, NULL) != 0)
				return -1;
	}
	return rc;
}

static int
load_poplogs(struct loader *L, const config_setting_t *g)
{
	struct conf *c = L->c;
	const config_setting_t *s = config_setting_get_member(g, "logs");
	char msg[CONF_ERRLEN];
	int i, n;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return conf_read_fail(L, s, "\"logs\" must be a list ( { ... }, ... )");
	n = config_setting_length(s);
	c->pop_logs = calloc((size_t)n + 1, sizeof(*c->pop_logs));
	if (c->pop_logs == NULL)
		return conf_read_nomem(L, s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s,
		    (unsigned)i);
		struct conf_poplog *pl = &c->pop_logs[c->pop_nlogs++];

		if (config_setting_type(e) != CONFIG_TYPE_GROUP)
			return conf_read_fail(L, e, "each pop.logs entry must be a group");
		if (conf_read_keys(L, e, keys_poplog, "a pop.logs entry") != 0 ||
		    conf_read_str(L, e, "path", &pl->path) < 0 ||
		    conf_read_str(L, e, "format", &pl->format) < 0 ||
		    conf_read_str(L, e, "pattern", &pl->pattern) < 0)
			return -1;
		if (conf_pop_log_check(pl, msg, sizeof(msg)) != 0)
			return conf_read_fail(L, pl->pattern != NULL ?
			    config_setting_get_member(e, "pattern") : e, "%s",
			    msg);
	}
	return 0;
}

static int
item_proto(struct loader *L, const config_setting_t *e, const char *v,
    void *arg)
{
	char msg[256];

	(void)arg;
	if (conf_pop_protocol_add(L->c, v, msg, sizeof(msg)) != 0)
		return conf_read_fail(L, e, "%s", msg);
	return 0;
}

static int
load_pop(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	const config_setting_t *g;
	char msg[CONF_ERRLEN];
	int rc;

	c->pop_window = 300;
	c->pop_ipv6_prefix = CONF_POP_DEFAULT_PREFIX;
	c->pop_protocols = CONF_POP_POP3;
	g = conf_read_group(L, root, "pop", keys_pop, &rc);
	if (g == NULL)
		return rc;
	if (conf_read_int(L, g, "window", 1, 86400, &c->pop_window) < 0 ||
	    conf_read_int(L, g, "ipv6_prefix", 32, 128, &c->pop_ipv6_prefix) < 0 ||
	    conf_read_str(L, g, "store", &c->pop_store) < 0)
		return -1;
	if (c->pop_store != NULL && conf_pop_store_check(c->pop_store, msg,
	    sizeof(msg)) != 0)
		return conf_read_fail(L, config_setting_get_member(g, "store"), "%s", msg);
	if (config_setting_get_member(g, "protocols") != NULL)
		c->pop_protocols = 0;
	if (conf_read_strlist(L, g, "protocols", item_proto, NULL) < 0)
		return -1;
	if (c->pop_protocols == 0)
		return conf_read_fail(L, config_setting_get_member(g, "protocols"),
		    "pop.protocols is empty: list \"pop3\" and/or \"imap\"");
	return load_poplogs(L, g);
}

static int
load_top(struct loader *L, const config_setting_t *root)
{
	struct conf *c = L->c;
	char *onerr = NULL;
	int rc;

	if (conf_read_keys(L, root, keys_top, "the top level") != 0 ||
	    item_socket(L, root, "socket", &c->socket) < 0 ||
	    conf_read_mode(L, root, "socket_mode", &c->socket_mode) < 0 ||
	    conf_read_str(L, root, "socket_group", &c->socket_group) < 0 ||
	    item_socket(L, root, "control", &c->control) < 0 ||
	    check_unix(L, root, "control", c->control) < 0 ||
	    conf_read_mode(L, root, "control_mode", &c->control_mode) < 0 ||
	    conf_read_str(L, root, "control_group", &c->control_group) < 0 ||
	    conf_read_str(L, root, "user", &c->user) < 0 ||
	    conf_read_str(L, root, "pidfile", &c->pidfile) < 0 ||
	    conf_read_bool(L, root, "dry_run", &c->dry_run) < 0)
		return -1;
	if (c->dry_run)
		conf_read_warn(L, config_setting_get_member(root, "dry_run"), "dry_run is "
		    "on: nothing is refused, refusals are only logged as "
		    "\"would reject\"");
	rc = conf_read_str(L, root, "on_error", &onerr);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (strcmp(onerr, "tempfail") == 0)
			c->on_error = CONF_ON_ERROR_TEMPFAIL;
		else if (strcmp(onerr, "accept") == 0)
			c->on_error = CONF_ON_ERROR_ACCEPT;
		else {
			free(onerr);
			return conf_read_fail(L, config_setting_get_member(root,
			    "on_error"), "on_error must be \"tempfail\" or "
			    "\"accept\"");
		}
		free(onerr);
	}
	if (c->socket == NULL && (c->socket = strdup(CONF_DEFAULT_SOCKET)) ==
	    NULL)
		return conf_read_nomem(L, root);
	return 0;
}

struct conf *
conf_build(config_t *cfg, const char *name, const char *text, char *err,
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
	c->socket_mode = c->control_mode = -1;
	arena_init(&c->arena);
	domset_init_in(&c->local_domains, &c->arena);
	netset_init(&c->lan);
	strmap_init_in(&c->usermap, &c->arena);
	domset_init_in(&c->auth_realms, &c->arena);
	if (load_top(&L, root) != 0 || load_local(&L, root) != 0 ||
	    load_relay(&L, root) != 0 || load_services(&L, root) != 0 ||
	    load_users(&L, root) != 0 || load_auth(&L, root) != 0 ||
	    load_pop(&L, root) != 0) {
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
