/*
 * strmap: the hash map behind every name list of the config: local
 * domains, always-allow names and addresses, users. Built once, then
 * read-only, so it is laid out for lookups:
 *
 *   - a control word per group of 8 slots holds one byte per slot: 0x80
 *     when empty, else 7 bits of the key's hash. A lookup reads its home
 *     group's word and compares all 8 bytes at once (SWAR, plain 64-bit
 *     arithmetic); a miss usually ends there, touching one word of an
 *     array of one byte per slot (128 KiB for 100k keys).
 *   - a hit follows one pointer to its entry in the arena: value, 32
 *     bits of the hash, length and the key bytes, side by side.
 *
 * Slots are filled group by group along the probe sequence and never
 * emptied (there is no delete), so a lookup may stop at the first group
 * that has an empty slot. The table grows at 3/4 full.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strmap.h"

struct strmap_entry {
	void		*val;
	uint32_t	 hash;		/* low 32 bits of strmap_hash(key) */
	uint32_t	 len;
	char		 key[];		/* len bytes and a NUL */
};

#define LANES		0x0101010101010101ULL	/* 1 in each byte */
#define HIGHS		0x8080808080808080ULL	/* high bit of each byte */
#define EMPTY_GROUP	HIGHS			/* 8 empty slots */

static uint64_t
strmap_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

uint64_t
strmap_hash(const char *s, size_t len)
{
	uint64_t h = 0x243f6a8885a308d3ULL, w = 0;
	size_t n = len, i;

	/* Whole words from the end, then the 0-7 bytes left at the start. */
	for (; n >= 8; n -= 8) {
		memcpy(&w, s + n - 8, 8);
		h = strmap_mix(h, w);
	}
	if (n > 0) {
		for (w = 0, i = 0; i < n; i++)
			w = w << 8 | (unsigned char)s[i];
		h = strmap_mix(h, w);
	}
	/* murmur3's finalizer: every output bit depends on every input bit,
	 * so both the low bits (slot) and the top 7 (tag) are usable. */
	h ^= len;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

void
strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
strmap_init_in(struct strmap *m, struct arena *arena)
{
	strmap_init(m);
	m->arena = arena;
}

/* The tag byte of a hash: its top 7 bits (0x00-0x7f; 0x80 is empty). */
static unsigned
strmap_tag(uint64_t h)
{
	return (unsigned)(h >> 57);
}

/* Bytes of group word w equal to tag, as their high bits (a false hit
 * is possible above a true one; it is checked like any other). */
static uint64_t
strmap_match(uint64_t w, unsigned tag)
{
	uint64_t x = w ^ (LANES * tag);

	return (x - LANES) & ~x & HIGHS;
}

/* The slot index of the lowest byte flagged in bits, in group g. */
static size_t
strmap_slot(size_t g, uint64_t bits)
{
	return g * 8 + (size_t)(__builtin_ctzll(bits) >> 3);
}

void *
strmap_get_hashed(const struct strmap *m, const char *key, size_t len,
    uint64_t hash)
{
	size_t gmask, g;
	unsigned tag = strmap_tag(hash);

	if (m->n == 0)
		return NULL;
	gmask = m->cap / 8 - 1;
	for (g = ((uint32_t)hash >> 3) & gmask;; g = (g + 1) & gmask) {
		uint64_t w = m->ctrl[g];
		uint64_t hit = strmap_match(w, tag);

		for (; hit != 0; hit &= hit - 1) {
			const struct strmap_entry *e =
			    m->slots[strmap_slot(g, hit)];

			if (e->hash == (uint32_t)hash && e->len == len &&
			    memcmp(e->key, key, len) == 0)
				return e->val;
		}
		if (w & HIGHS)
			return NULL;
	}
}

void *
strmap_get(const struct strmap *m, const char *key, size_t len)
{
	if (m->n == 0)
		return NULL;
	return strmap_get_hashed(m, key, len, strmap_hash(key, len));
}

/* Put e (tag t) in the first free slot of its probe sequence. */
static void
strmap_place(struct strmap *m, const struct strmap_entry *e, unsigned t)
{
	size_t gmask = m->cap / 8 - 1, g, s;
	uint64_t empty;

	for (g = (e->hash >> 3) & gmask; (empty = m->ctrl[g] & HIGHS) == 0;
	    g = (g + 1) & gmask)
		;
	s = strmap_slot(g, empty);
	m->ctrl[g] ^= (uint64_t)(0x80 ^ t) << (s % 8 * 8);
	m->slots[s] = e;
}

static int
strmap_grow(struct strmap *m)
{
	struct strmap old = *m;
	size_t ncap = m->cap ? m->cap * 2 : 8, g, i;
	void *mem;

	/* 32 bits of hash are kept per entry: enough for 2^32 slots. */
	if (ncap > ((size_t)1 << 31) || ncap > SIZE_MAX / 16)
		return -1;
	mem = malloc(ncap + ncap * sizeof(*m->slots));
	if (mem == NULL)
		return -1;
	m->ctrl = mem;
	m->slots = (const struct strmap_entry **)(m->ctrl + ncap / 8);
	m->cap = ncap;
	for (g = 0; g < ncap / 8; g++)
		m->ctrl[g] = EMPTY_GROUP;
	for (g = 0; g < old.cap / 8; g++)
		for (i = 0; i < 8; i++) {
			unsigned t = (unsigned)(old.ctrl[g] >> (i * 8)) & 0xff;

			if (t != 0x80)
				strmap_place(m, old.slots[g * 8 + i], t);
		}
	free(old.ctrl);
	return 0;
}

int
strmap_put(struct strmap *m, const char *key, size_t len, void *val)
{
	uint64_t h = strmap_hash(key, len);
	struct strmap_entry *e;

	if (strmap_get_hashed(m, key, len, h) != NULL)
		return 1;
	if (len >= UINT32_MAX)
		return -1;
	if (m->arena == NULL) {
		if ((m->arena = malloc(sizeof(*m->arena))) == NULL)
			return -1;
		arena_init(m->arena);
		m->own_arena = 1;
	}
	/* Keep the load at most 3/4 so a miss rarely reads a second group. */
	if ((m->n + 1) * 4 > m->cap * 3 && strmap_grow(m) != 0)
		return -1;
	e = arena_alloc(m->arena, sizeof(*e) + len + 1);
	if (e == NULL)
		return -1;
	e->val = val;
	e->hash = (uint32_t)h;
	e->len = (uint32_t)len;
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	strmap_place(m, e, strmap_tag(h));
	m->n++;
	return 0;
}

void
strmap_free(struct strmap *m, void (*free_val)(void *))
{
	struct arena *shared = m->own_arena ? NULL : m->arena;
	size_t i;

	if (free_val != NULL)
		for (i = 0; i < m->cap; i++)
			if ((m->ctrl[i / 8] >> (i % 8 * 8) & 0xff) != 0x80)
				free_val(m->slots[i]->val);
	free(m->ctrl);
	if (m->own_arena) {
		arena_free(m->arena);
		free(m->arena);
	}
	strmap_init_in(m, shared);
}
