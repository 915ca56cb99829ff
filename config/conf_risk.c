/*
 * conf_risk: refuses, once the loader has built every list, the configs
 * that would let (nearly) everyone relay in ways no single entry shows:
 * networks that add up to half of IPv4 or all of 2000::/3 (in the LAN,
 * in an always_allow_from, or in the two together), and domains that are
 * a whole top-level domain or a public suffix, under which anyone can
 * register a name (and so a PTR record, a recipient domain, a "local"
 * one). It reads the libconfig tree again only to name the file and
 * line; what it measures are the built sets.
 */
#include "config.h"

#include <libpsl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "conf_risk.h"

/* Half of IPv4: 0.0.0.0/1, however it is split. */
#define RISK_V4_HALF	((uint64_t)1 << 31)

/* Warn of a list wider in all than a /8 of IPv4 or a /32 of 2000::/3. */
#define RISK_V4_WIDE	((uint64_t)1 << 24)
#define RISK_V6_WIDE_HI	((uint64_t)1 << 32)

/* What the lists are: their name in messages and conf_load's limit. */
struct risk_list {
	const char	*key;		/* "local.lan", "relay.always_allow_from" */
	unsigned	 entry4;	/* an IPv4 entry wider than this warned */
	const char	*who;		/* what the clients in it may do */
};

static psl_ctx_t *risk_psl;

static void
conf_risk_psl_load(void)
{
	/* The newer of libpsl's built-in list and the system's file. */
	risk_psl = psl_latest(NULL);
}

/* The public suffix list, loaded once per process; NULL if none. */
static const psl_ctx_t *
conf_risk_psl(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, conf_risk_psl_load);
	return risk_psl;
}

int
conf_risk_domain(const char *p, char *err, size_t errlen)
{
	const char *name = p[0] == '.' ? p + 1 : p;
	const psl_ctx_t *psl;
	char d[ADDR_DOMAIN_MAX];

	if (strchr(p, '@') != NULL || addr_domain_normalize(name,
	    strlen(name), d, sizeof(d)) != 0 || d[0] == '[')
		return 0;
	/* RFC 6761: localhost never leaves the host. */
	if (strchr(d, '.') == NULL && (name != p ||
	    strcmp(d, "localhost") != 0)) {
		snprintf(err, errlen, "\"%s\" is a single label (a top-level "
		    "domain): every name under it would count; list your own "
		    "domains", p);
		return -1;
	}
	if (strchr(d, '.') == NULL)
		return 0;
	if ((psl = conf_risk_psl()) == NULL) {
		snprintf(err, errlen, "cannot check \"%s\" against the public "
		    "suffix list: libpsl has none (Debian: apt-get install "
		    "publicsuffix)", p);
		return -1;
	}
	if (psl_is_public_suffix2(psl, d, PSL_TYPE_ANY)) {
		snprintf(err, errlen, "\"%s\" is a public suffix: anyone may "
		    "register a name under it; list your own domains", p);
		return -1;
	}
	return 0;
}

/*
 * Check each string of the list key of grp with conf_risk_domain; with
 * nets set, entries that are networks (always_allow_from) are skipped.
 */
static int
conf_risk_domains(struct loader *L, const config_setting_t *grp,
    const char *key, const char *what, int nets)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char msg[512], cerr[128];
	struct cidr c;
	int i, n;

	n = s != NULL ? config_setting_length(s) : 0;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s,
		    (unsigned)i);
		const char *v = config_setting_get_string(e);

		if (v == NULL || (nets && netaddr_cidr_parse(v, &c, cerr,
		    sizeof(cerr)) == 0))
			continue;
		if (conf_risk_domain(v, msg, sizeof(msg)) != 0)
			return conf_read_fail(L, e, "%s: %s", what, msg);
	}
	return 0;
}

/*
 * Whether one entry of the list s alone is wider than /entry4 (IPv4) or
 * /32 and inside 2000::/3 (IPv6), so that conf_load warned of it already.
 */
static void
conf_risk_wide_entry(const config_setting_t *s, unsigned entry4, int *wide4,
    int *wide6)
{
	char cerr[128];
	struct cidr c;
	int i, n = config_setting_length(s);

	*wide4 = *wide6 = 0;
	for (i = 0; i < n; i++) {
		const char *v = config_setting_get_string(
		    config_setting_get_elem(s, (unsigned)i));
		unsigned top3;

		if (v == NULL || netaddr_cidr_parse(v, &c, cerr, sizeof(cerr)) != 0)
			continue;
		top3 = c.addr.a[0] >> 5;
		if (c.addr.family == AF_INET)
			*wide4 |= c.len < entry4;
		else if (c.len < 32 && (c.len >= 3 ? top3 == 1 :
		    (top3 >> (3 - c.len)) == 0))
			*wide6 = 1;
	}
}

/*
 * Measure the union of sets[0..n) as list l (at setting s; with the LAN
 * added, together names the LAN in the message): refuse half of IPv4 or
 * all of 2000::/3; for the list alone, warn when it is wide in all.
 */
static int
conf_risk_nets(struct loader *L, const config_setting_t *s,
    const struct risk_list *l, const struct netset *const *sets, size_t n,
    int together)
{
	struct netset_cover cov;
	int wide4, wide6;

	if (netset_coverage(sets, n, &cov) != 0)
		return conf_read_nomem(L, s);
	if (cov.v4 >= RISK_V4_HALF)
		return conf_read_fail(L, s, "%s%s cover %llu IPv4 addresses, "
		    "half of IPv4 or more: nearly every client would %s; list "
		    "the networks you mean", l->key, together ? " and "
		    "local.lan together" : ": its networks",
		    (unsigned long long)cov.v4, l->who);
	if (cov.v6.hi >= NETSET_GLOBAL6_HI)
		return conf_read_fail(L, s, "%s%s cover all of 2000::/3 (every "
		    "global IPv6 address): every client would %s; list the "
		    "networks you mean", l->key, together ? " and local.lan "
		    "together" : ": its networks", l->who);
	if (together)
		return 0;
	conf_risk_wide_entry(s, l->entry4, &wide4, &wide6);
	if (!wide4 && cov.v4 > RISK_V4_WIDE)
		conf_read_warn(L, s, "%s: its networks cover %llu IPv4 "
		    "addresses in all, more than a /8: every client in them "
		    "may %s", l->key, (unsigned long long)cov.v4, l->who);
	/* a /32 of IPv6 is 2^96 addresses: v6.hi == 2^32, v6.lo == 0 */
	if (!wide6 && (cov.v6.hi > RISK_V6_WIDE_HI ||
	    (cov.v6.hi == RISK_V6_WIDE_HI && cov.v6.lo > 0)))
		conf_read_warn(L, s, "%s: its networks cover more than a /32 "
		    "of 2000::/3 in all: every client in them may %s", l->key,
		    l->who);
	return 0;
}

/* always_allow_from and always_allow_to of a policy that lists its own. */
static int
conf_risk_policy(struct loader *L, const config_setting_t *grp,
    const struct relay_policy *p, const char *where)
{
	const config_setting_t *s;
	const struct netset *sets[2] = { p->allow_from_nets, &L->c->lan };
	char key[192], tkey[192];
	struct risk_list l = { key, 16, "relay whatever the other controls "
	    "say" };

	if (grp == NULL)
		return 0;
	snprintf(key, sizeof(key), "%s.always_allow_from", where);
	snprintf(tkey, sizeof(tkey), "%s.always_allow_to", where);
	s = config_setting_get_member(grp, "always_allow_from");
	if (p->owns_from && s != NULL && (conf_risk_domains(L, grp,
	    "always_allow_from", key, 1) != 0 || conf_risk_nets(L, s, &l, sets, 1,
	    0) != 0 || conf_risk_nets(L, s, &l, sets, 2, 1) != 0))
		return -1;
	if (p->owns_to && conf_risk_domains(L, grp, "always_allow_to", tkey,
	    0) != 0)
		return -1;
	return 0;
}

int
conf_risk_check(struct loader *L, const config_setting_t *root)
{
	const struct conf *c = L->c;
	const config_setting_t *g = config_setting_get_member(root, "local");
	const config_setting_t *s, *svc;
	const struct netset *lan = &c->lan;
	const struct risk_list l = { "local.lan", 8, "count as the LAN and "
	    "relay" };
	char where[160];
	size_t i;

	if (g != NULL && (conf_risk_domains(L, g, "domains", "local.domains",
	    0) != 0 || conf_risk_domains(L, g, "domain_aliases",
	    "local.domain_aliases", 0) != 0))
		return -1;
	s = g != NULL ? config_setting_get_member(g, "lan") : NULL;
	if (s != NULL && conf_risk_nets(L, s, &l, &lan, 1, 0) != 0)
		return -1;
	if (conf_risk_policy(L, config_setting_get_member(root, "relay"),
	    &c->relay, "relay") != 0)
		return -1;
	svc = config_setting_get_member(root, "services");
	for (i = 0; svc != NULL && i < c->nservices; i++) {
		snprintf(where, sizeof(where), "services[%s]",
		    c->services[i].service);
		if (conf_risk_policy(L, config_setting_get_elem(svc, (unsigned)i),
		    &c->services[i], where) != 0)
			return -1;
	}
	return 0;
}
