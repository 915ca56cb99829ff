/*
 * netset: immutable sets of IPv4 and IPv6 networks (the LAN list and the
 * always-allow host list). A set is filled from CIDR strings, then frozen
 * into sorted, merged, disjoint address ranges; a lookup is a binary
 * search, so 100k entries cost about 17 comparisons.
 */
#ifndef RELAYMILTER_NETSET_H
#define RELAYMILTER_NETSET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "netaddr.h"

struct range4 { uint32_t lo, hi; };
struct u128 { uint64_t hi, lo; };
struct range6 { struct u128 lo, hi; };

struct netset {
	struct range4	*v4;
	size_t		 n4, cap4;
	struct range6	*v6;
	size_t		 n6, cap6;
	size_t		 entries;	/* CIDRs added, before merging */
};


/* netset_init -- make an empty set. */
void netset_init(struct netset *set);

/* netset_add -- add a network. Returns 0, or -1 when out of memory. */
int netset_add(struct netset *set, const struct cidr *c);

/*
 * netset_freeze -- sort and merge; call once after the last netset_add and
 * before any lookup. Only shrinks memory: it cannot fail.
 */
void netset_freeze(struct netset *set);

/* netset_contains -- 1 if a lies in a network of the frozen set, else 0.
 * Lock-free and allocation-free. */
int netset_contains(const struct netset *set, const struct netaddr *a);

/* netset_covers_all -- 1 if the frozen set holds every IPv4 address or
 * every IPv6 address (an open relay if used as a LAN). */
int netset_covers_all(const struct netset *set);

/*
 * How much of the address space a union of sets holds: v4 counts IPv4
 * addresses, the IPv4-mapped ::ffff:0:0/96 of IPv6 entries included
 * (an address is matched as IPv4 whichever way it was written); v6
 * counts the addresses of 2000::/3, the global unicast space, of which
 * there are 2^125 (v6.hi == NETSET_GLOBAL6_HI, v6.lo == 0 for all).
 */
struct netset_cover {
	uint64_t	 v4;
	struct u128	 v6;
};
#define NETSET_GLOBAL6_HI	((uint64_t)1 << 61)

/*
 * netset_coverage -- the coverage of the union of sets[0..n) (frozen or
 * not) into *out, overlaps counted once. Returns 0, or -1 when out of
 * memory. Pure but for a temporary allocation.
 */
int netset_coverage(const struct netset *const *sets, size_t n,
    struct netset_cover *out);

/* netset_empty -- 1 if nothing was added. */
int netset_empty(const struct netset *set);

/* netset_free -- release the set's memory. */
void netset_free(struct netset *set);

#endif
