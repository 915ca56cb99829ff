/*
 * netset: IPv4/IPv6 network sets for the LAN and always-allow lists.
 * Entries are collected as ranges, then sorted and merged into disjoint
 * ranges, so membership is a binary search with no locks, no allocation
 * and no dependence on how the administrator split the networks.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netset.h"

void
netset_init(struct netset *set)
{
	memset(set, 0, sizeof(*set));
}

static uint32_t
netset_load32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
netset_load64(const uint8_t *p)
{
	return (uint64_t)netset_load32(p) << 32 | netset_load32(p + 4);
}

static struct u128
netset_u128_of(const struct netaddr *a)
{
	struct u128 v = { netset_load64(a->a), netset_load64(a->a + 8) };

	return v;
}

static int
netset_u128_cmp(struct u128 a, struct u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/* Whether a range ending at hi overlaps or abuts one starting at lo. */
static int
netset_u128_touches(struct u128 hi, struct u128 lo)
{
	struct u128 next = hi;

	if (netset_u128_cmp(lo, hi) <= 0)
		return 1;
	if (++next.lo == 0 && ++next.hi == 0)
		return 1;
	return netset_u128_cmp(lo, next) == 0;
}

/* The last address of a network: all bits below the prefix set. */
static struct u128
netset_u128_last(struct u128 v, unsigned len)
{
	if (len == 0) {
		v.hi = v.lo = UINT64_MAX;
	} else if (len <= 64) {
		v.hi |= len == 64 ? 0 : UINT64_MAX >> len;
		v.lo = UINT64_MAX;
	} else if (len < 128) {
		v.lo |= UINT64_MAX >> (len - 64);
	}
	return v;
}

static int
netset_grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *np;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	np = realloc(*p, ncap * size);
	if (np == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

int
netset_add(struct netset *set, const struct cidr *c)
{
	if (c->addr.family == AF_INET) {
		uint32_t lo = netset_load32(c->addr.a);
		uint32_t span = c->len == 0 ? UINT32_MAX :
		    (c->len == 32 ? 0 : UINT32_MAX >> c->len);

		if (netset_grow((void **)&set->v4, &set->cap4, set->n4,
		    sizeof(*set->v4)) != 0)
			return -1;
		set->v4[set->n4].lo = lo;
		set->v4[set->n4].hi = lo | span;
		set->n4++;
	} else {
		struct u128 lo = netset_u128_of(&c->addr);

		if (netset_grow((void **)&set->v6, &set->cap6, set->n6,
		    sizeof(*set->v6)) != 0)
			return -1;
		set->v6[set->n6].lo = lo;
		set->v6[set->n6].hi = netset_u128_last(lo, c->len);
		set->n6++;
	}
	set->entries++;
	return 0;
}

static int
netset_cmp4(const void *a, const void *b)
{
	const struct range4 *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int
netset_cmp6(const void *a, const void *b)
{
	const struct range6 *x = a, *y = b;

	return netset_u128_cmp(x->lo, y->lo);
}

/* Whether the n elements of size bytes at v are in cmp's order. */
static int
netset_sorted(const void *v, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	const char *p = v;
	size_t i;

	for (i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) > 0)
			return 0;
	return 1;
}

/* Make *p hold exactly n elements; keep it as it is if realloc fails. */
static void
netset_shrink(void **p, size_t *cap, size_t n, size_t size)
{
	void *np;

	if (n == *cap)
		return;
	if (n == 0) {
		free(*p);
		*p = NULL;
		*cap = 0;
		return;
	}
	if ((np = realloc(*p, n * size)) != NULL) {
		*p = np;
		*cap = n;
	}
}

void
netset_freeze(struct netset *set)
{
	size_t i, o;

	/* qsort's pointer must not be NULL, even for zero elements; and a
	 * list written in order (the usual case) needs no sorting. */
	if (set->n4 > 0 && !netset_sorted(set->v4, set->n4, sizeof(*set->v4),
	    netset_cmp4))
		qsort(set->v4, set->n4, sizeof(*set->v4), netset_cmp4);
	for (i = 0, o = 0; i < set->n4; i++) {
		/* Merge overlapping and touching ranges into one. */
		if (o > 0 && (set->v4[o - 1].hi == UINT32_MAX ||
		    set->v4[i].lo <= set->v4[o - 1].hi + 1)) {
			if (set->v4[i].hi > set->v4[o - 1].hi)
				set->v4[o - 1].hi = set->v4[i].hi;
		} else
			set->v4[o++] = set->v4[i];
	}
	set->n4 = o;
	if (set->n6 > 0 && !netset_sorted(set->v6, set->n6, sizeof(*set->v6),
	    netset_cmp6))
		qsort(set->v6, set->n6, sizeof(*set->v6), netset_cmp6);
	for (i = 0, o = 0; i < set->n6; i++) {
		if (o > 0 && netset_u128_touches(set->v6[o - 1].hi,
		    set->v6[i].lo)) {
			if (netset_u128_cmp(set->v6[i].hi,
			    set->v6[o - 1].hi) > 0)
				set->v6[o - 1].hi = set->v6[i].hi;
		} else
			set->v6[o++] = set->v6[i];
	}
	set->n6 = o;
	/* Merging often leaves a few ranges of many: give the rest back. */
	netset_shrink((void **)&set->v4, &set->cap4, set->n4, sizeof(*set->v4));
	netset_shrink((void **)&set->v6, &set->cap6, set->n6, sizeof(*set->v6));
}

int
netset_contains(const struct netset *set, const struct netaddr *a)
{
	size_t lo = 0, hi;

	if (a->family == AF_INET) {
		uint32_t v = netset_load32(a->a);

		hi = set->n4;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (v < set->v4[mid].lo)
				hi = mid;
			else if (v > set->v4[mid].hi)
				lo = mid + 1;
			else
				return 1;
		}
		return 0;
	}
	if (a->family == AF_INET6) {
		struct u128 v = netset_u128_of(a);

		hi = set->n6;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (netset_u128_cmp(v, set->v6[mid].lo) < 0)
				hi = mid;
			else if (netset_u128_cmp(v, set->v6[mid].hi) > 0)
				lo = mid + 1;
			else
				return 1;
		}
	}
	return 0;
}

int
netset_covers_all(const struct netset *set)
{
	if (set->n4 == 1 && set->v4[0].lo == 0 && set->v4[0].hi == UINT32_MAX)
		return 1;
	if (set->n6 == 1 && set->v6[0].lo.hi == 0 && set->v6[0].lo.lo == 0 &&
	    set->v6[0].hi.hi == UINT64_MAX && set->v6[0].hi.lo == UINT64_MAX)
		return 1;
	return 0;
}

/* [*lo, *hi] cut down to [min, max]; 0 if nothing is left. */
static int
netset_u128_clip(struct u128 *lo, struct u128 *hi, struct u128 min,
    struct u128 max)
{
	if (netset_u128_cmp(*lo, min) < 0)
		*lo = min;
	if (netset_u128_cmp(*hi, max) > 0)
		*hi = max;
	return netset_u128_cmp(*lo, *hi) <= 0;
}

/* a += hi - lo + 1 (the size of [lo, hi], at most 2^125 here). */
static void
netset_u128_add_size(struct u128 *a, struct u128 lo, struct u128 hi)
{
	struct u128 n = { hi.hi - lo.hi - (hi.lo < lo.lo), hi.lo - lo.lo };

	if (++n.lo == 0)
		n.hi++;
	a->lo += n.lo;
	a->hi += n.hi + (a->lo < n.lo);
}

/*
 * Gather the ranges of the n sets into u (not frozen): IPv4 as they
 * are, IPv6 as they are and, for the part of each inside the mapped
 * ::ffff:0:0/96, again as IPv4.
 */
static int
netset_gather(struct netset *u, const struct netset *const *sets, size_t n)
{
	const struct u128 mlo = { 0, 0x0000ffff00000000ULL };
	const struct u128 mhi = { 0, 0x0000ffffffffffffULL };
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct netset *s = sets[i];

		for (k = 0; k < s->n4; k++) {
			if (netset_grow((void **)&u->v4, &u->cap4, u->n4,
			    sizeof(*u->v4)) != 0)
				return -1;
			u->v4[u->n4++] = s->v4[k];
		}
		for (k = 0; k < s->n6; k++) {
			struct u128 lo = s->v6[k].lo, hi = s->v6[k].hi;

			if (netset_grow((void **)&u->v6, &u->cap6, u->n6,
			    sizeof(*u->v6)) != 0)
				return -1;
			u->v6[u->n6++] = s->v6[k];
			if (!netset_u128_clip(&lo, &hi, mlo, mhi))
				continue;
			if (netset_grow((void **)&u->v4, &u->cap4, u->n4,
			    sizeof(*u->v4)) != 0)
				return -1;
			u->v4[u->n4].lo = (uint32_t)lo.lo;
			u->v4[u->n4++].hi = (uint32_t)hi.lo;
		}
	}
	return 0;
}

int
netset_coverage(const struct netset *const *sets, size_t n,
    struct netset_cover *out)
{
	const struct u128 glo = { 0x2000000000000000ULL, 0 };
	const struct u128 ghi = { 0x3fffffffffffffffULL, UINT64_MAX };
	struct netset u;
	size_t k;

	memset(out, 0, sizeof(*out));
	netset_init(&u);
	if (netset_gather(&u, sets, n) != 0) {
		netset_free(&u);
		return -1;
	}
	/* Merged ranges are disjoint: their sizes add up. */
	netset_freeze(&u);
	for (k = 0; k < u.n4; k++)
		out->v4 += (uint64_t)u.v4[k].hi - u.v4[k].lo + 1;
	for (k = 0; k < u.n6; k++) {
		struct u128 lo = u.v6[k].lo, hi = u.v6[k].hi;

		if (netset_u128_clip(&lo, &hi, glo, ghi))
			netset_u128_add_size(&out->v6, lo, hi);
	}
	netset_free(&u);
	return 0;
}

int
netset_empty(const struct netset *set)
{
	return set->entries == 0;
}

void
netset_free(struct netset *set)
{
	free(set->v4);
	free(set->v6);
	netset_init(set);
}
