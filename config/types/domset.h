/*
 * domset: immutable sets of domain patterns and full addresses, as used
 * by local.domains, always_allow_from (host names) and always_allow_to.
 * "example.org" matches itself only; ".example.org" matches its
 * subdomains, on a label boundary, never itself; "u@example.org" (where
 * allowed) matches that address, case-insensitively. Lookups are hashed.
 * Entries of up to 23 bytes sit in the hash tables' slots, longer ones
 * in an arena: the config's (domset_init_in), or the set's own
 * (domset_init).
 */
#ifndef RELAYMILTER_DOMSET_H
#define RELAYMILTER_DOMSET_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "strmap.h"

struct domset {
	struct strmap	 exact;
	struct strmap	 suffix;
	struct strmap	 address;
	uint64_t	 suffix_lens;	/* bit min(length, 63) of each suffix */
	int		 staged;	/* domset_add stages until domset_freeze */
};

#define DOMSET_ALLOW_ADDRESS	0x1	/* accept "local@domain" entries */
#define DOMSET_ALLOW_SUFFIX	0x2	/* accept ".domain" entries */

/* domset_init -- make an empty set that keeps its strings itself. */
void domset_init(struct domset *set);

/*
 * domset_init_in -- make an empty set that keeps its strings in arena,
 * which must outlive the set (domset_free leaves arena alone), and builds
 * its tables at once at domset_freeze: entries added before that are not
 * seen by lookups. The way for long lists (the config's).
 */
void domset_init_in(struct domset *set, struct arena *arena);

/*
 * domset_freeze -- put the entries added since domset_init_in (or the last
 * freeze) in the tables; call after the last domset_add and before any
 * lookup or domset_count. Nothing to do for a domset_init set. Returns 0,
 * or -1 when out of memory (the set is then unusable: free it).
 */
int domset_freeze(struct domset *set);

/*
 * domset_add -- add the pattern p (a domain, ".domain" or, with
 * DOMSET_ALLOW_ADDRESS, "local@domain"), normalized as addr.h says.
 * Returns 0, or -1 with a message in err (bad pattern, out of memory).
 * A duplicate is not an error.
 */
int domset_add(struct domset *set, const char *p, int flags, char *err,
    size_t errlen);

/*
 * domset_match -- 1 if the normalized domain d equals an exact entry or
 * is a subdomain of a suffix entry, else 0. Thread-safe on a set no
 * longer modified; allocation-free.
 */
int domset_match(const struct domset *set, const char *d);

/*
 * domset_match_hashed -- domset_match for d of len bytes whose
 * strmap_hash is hash: a caller probing several sets with one name
 * hashes it once (and can domset_prefetch each set first).
 */
int domset_match_hashed(const struct domset *set, const char *d, size_t len,
    uint64_t hash);

/*
 * domset_prefetch -- start loading what domset_match_hashed of a name with
 * this hash reads first, to overlap its cache misses with other work.
 * Changes nothing; thread-safe.
 */
void domset_prefetch(const struct domset *set, uint64_t hash);

/*
 * domset_match_address -- 1 if local@domain (both normalized: local part
 * lower-cased) is an address entry. Thread-safe, allocation-free.
 */
int domset_match_address(const struct domset *set, const char *local,
    const char *domain);

/* domset_count -- number of entries. */
size_t domset_count(const struct domset *set);

/* domset_free -- release the set (and its strings, unless they live in
 * an arena it was given). */
void domset_free(struct domset *set);

#endif
