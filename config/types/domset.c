/*
 * domset: hashed sets of domains, subdomain patterns and addresses. A
 * suffix match walks the labels of the looked-up domain and probes the
 * suffix table once per label, so the cost depends on the depth of the
 * name, never on the size of the list; and only the parents whose length
 * some suffix entry has are probed at all.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "domset.h"

static char domset_marker;

void
domset_init(struct domset *set)
{
	strmap_init(&set->exact);
	strmap_init(&set->suffix);
	strmap_init(&set->address);
	set->suffix_lens = 0;
	set->staged = 0;
}

void
domset_init_in(struct domset *set, struct arena *arena)
{
	strmap_init_in(&set->exact, arena);
	strmap_init_in(&set->suffix, arena);
	strmap_init_in(&set->address, arena);
	set->suffix_lens = 0;
	set->staged = 1;
}

/* The bit of suffix_lens for a name of len bytes (63: 63 or longer). */
static uint64_t
domset_len_bit(size_t len)
{
	return (uint64_t)1 << (len < 63 ? len : 63);
}

static int
domset_put(const struct domset *set, struct strmap *m, const char *k,
    char *err, size_t errlen)
{
	size_t len = strlen(k);

	if ((set->staged ? strmap_stage(m, k, len, &domset_marker) :
	    strmap_put(m, k, len, &domset_marker)) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
domset_add_address(struct domset *set, const char *p, char *err,
    size_t errlen)
{
	struct addr a;
	char key[ADDR_LOCAL_MAX + ADDR_DOMAIN_MAX + 1];

	addr_parse(p, &a);
	if (a.kind != ADDR_PLAIN || a.local_toolong) {
		snprintf(err, errlen, "invalid address \"%s\" (it must be a "
		    "plain local@domain)", p);
		return -1;
	}
	snprintf(key, sizeof(key), "%s@%s", a.local, a.domain);
	return domset_put(set, &set->address, key, err, errlen);
}

int
domset_add(struct domset *set, const char *p, int flags, char *err,
    size_t errlen)
{
	char d[ADDR_DOMAIN_MAX];
	int suffix = 0;

	if (strchr(p, '@') != NULL) {
		if (flags & DOMSET_ALLOW_ADDRESS)
			return domset_add_address(set, p, err, errlen);
		snprintf(err, errlen, "\"%s\": an address is not allowed "
		    "here, only a domain", p);
		return -1;
	}
	if (p[0] == '.') {
		if (!(flags & DOMSET_ALLOW_SUFFIX)) {
			snprintf(err, errlen, "\"%s\": a subdomain pattern is "
			    "not allowed here", p);
			return -1;
		}
		suffix = 1;
		p++;
	}
	if (addr_domain_normalize(p, strlen(p), d, sizeof(d)) != 0 ||
	    (suffix && d[0] == '[')) {
		snprintf(err, errlen, "invalid domain pattern \"%s%s\"",
		    suffix ? "." : "", p);
		return -1;
	}
	if (!suffix)
		return domset_put(set, &set->exact, d, err, errlen);
	if (domset_put(set, &set->suffix, d, err, errlen) != 0)
		return -1;
	set->suffix_lens |= domset_len_bit(strlen(d));
	return 0;
}

int
domset_freeze(struct domset *set)
{
	if (strmap_commit(&set->exact) != 0 ||
	    strmap_commit(&set->suffix) != 0 ||
	    strmap_commit(&set->address) != 0)
		return -1;
	return 0;
}

int
domset_match(const struct domset *set, const char *d)
{
	size_t len = strlen(d);

	return domset_match_hashed(set, d, len, strmap_hash(d, len));
}

void
domset_prefetch(const struct domset *set, uint64_t hash)
{
	strmap_prefetch(&set->exact, hash);
}

int
domset_match_hashed(const struct domset *set, const char *d, size_t len,
    uint64_t hash)
{
	const char *p;

	if (strmap_get_hashed(&set->exact, d, len, hash) != NULL)
		return 1;
	if (set->suffix.n == 0)
		return 0;
	/* Each proper parent after a dot: label boundaries only. */
	for (p = d; (p = memchr(p, '.', len - (size_t)(p - d))) != NULL; ) {
		size_t plen = len - (size_t)(++p - d);

		if ((set->suffix_lens & domset_len_bit(plen)) &&
		    strmap_get(&set->suffix, p, plen) != NULL)
			return 1;
	}
	return 0;
}

int
domset_match_address(const struct domset *set, const char *local,
    const char *domain)
{
	char key[ADDR_LOCAL_MAX + ADDR_DOMAIN_MAX + 1];
	size_t ll, dl;

	if (set->address.n == 0)
		return 0;
	ll = strlen(local);
	dl = strlen(domain);
	if (ll + dl + 2 > sizeof(key))
		return 0;
	memcpy(key, local, ll);
	key[ll] = '@';
	memcpy(key + ll + 1, domain, dl + 1);
	return strmap_get(&set->address, key, ll + 1 + dl) != NULL;
}

size_t
domset_count(const struct domset *set)
{
	return set->exact.n + set->suffix.n + set->address.n;
}

void
domset_free(struct domset *set)
{
	strmap_free(&set->exact, NULL);
	strmap_free(&set->suffix, NULL);
	strmap_free(&set->address, NULL);
	set->suffix_lens = 0;
}
