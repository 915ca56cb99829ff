/*
 * strmap: the hash map behind every name list of the config: local
 * domains, always-allow names and addresses, users. Built once, then
 * read-only, so it is laid out for lookups on tables too big for the
 * CPU's caches:
 *
 *   - a control word per group of 8 slots holds one byte per slot: 0
 *     when empty, else a tag of 8 bits of the key's hash (1-255). A
 *     lookup reads its home group's word and compares all 8 bytes at
 *     once (SWAR, plain 64-bit arithmetic), so a miss usually ends after
 *     a read or two of an array of one byte per slot (128 KiB for 100k
 *     keys, which stays cached) and rarely (1 in 255 per full slot seen)
 *     reads a slot for nothing.
 *   - a slot is 32 bytes, half a cache line: the value and the key
 *     itself when it has at most STRMAP_INLINE bytes (most domains and
 *     user names), so a hit costs one more memory access, not two.
 *     A longer key is kept in the arena and the slot points to it.
 *
 * Slots are filled group by group along the probe sequence and never
 * emptied (there is no delete), so a lookup may stop at the first group
 * that has an empty slot. The table doubles past 7/8 full (the control
 * words keep the longer probe runs cheap), or is sized once up front
 * when the caller knows how many keys come (strmap_reserve).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strmap.h"

#define STRMAP_INLINE	23		/* longest key kept in its slot */
#define STRMAP_OUTSIDE	0xff		/* len of a slot whose key is not */

struct strmap_slot {
	void		*val;
	union {
		struct {
			uint8_t		 len;	/* <= STRMAP_INLINE */
			char		 key[STRMAP_INLINE];
		} in;
		struct {
			uint8_t		 mark;	/* STRMAP_OUTSIDE */
			uint32_t	 len;
			const char	*key;	/* in the arena */
		} out;
	} k;
};

/* A key waiting for strmap_commit, with its hash. */
struct strmap_staged {
	uint64_t	 hash;
	struct strmap_slot slot;
};

/* Two slots per cache line, never one across two. */
_Static_assert(sizeof(struct strmap_slot) == 32, "strmap_slot is 32 bytes");

#define LANES		0x0101010101010101ULL	/* 1 in each byte */
#define HIGHS		0x8080808080808080ULL	/* high bit of each byte */

static uint64_t
strmap_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

/* Unaligned native-order loads: the hash only has to agree with itself. */
static uint64_t
strmap_load64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint64_t
strmap_load32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

uint64_t
strmap_hash(const char *s, size_t len)
{
	uint64_t h = 0x243f6a8885a308d3ULL ^ len;
	size_t i;

	/*
	 * Whole words, the last one ending at the last byte (it overlaps
	 * the one before unless len is a multiple of 8); short keys in two
	 * overlapping halves or three bytes. For a given length the words
	 * read hold every byte, so keys that differ are mixed differently,
	 * and no byte outside the key is read.
	 */
	if (len >= 8) {
		for (i = 0; i + 8 < len; i += 8)
			h = strmap_mix(h, strmap_load64(s + i));
		h = strmap_mix(h, strmap_load64(s + len - 8));
	} else if (len >= 4)
		h = strmap_mix(h, strmap_load32(s) << 32 |
		    strmap_load32(s + len - 4));
	else if (len > 0)
		h = strmap_mix(h, (uint64_t)(unsigned char)s[0] << 16 |
		    (uint64_t)(unsigned char)s[len / 2] << 8 |
		    (unsigned char)s[len - 1]);
	/* murmur3's finalizer: every output bit depends on every input bit,
	 * so both the low bits (slot) and the top 7 (tag) are usable. */
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

/* The tag byte of a hash: its top 8 bits, 0 made 1 (0 is empty). */
static unsigned
strmap_tag(uint64_t h)
{
	unsigned t = (unsigned)(h >> 56);

	return t + (t == 0);
}

/* The home group of a hash in a table of cap slots. */
static size_t
strmap_home(uint64_t h, size_t cap)
{
	return (size_t)(h >> 3) & (cap / 8 - 1);
}

/*
 * The zero bytes of x, as their high bits. Exact for the lowest one and
 * for "is there any"; a byte 0x01 just above a zero one may be flagged
 * too (the borrow), so a flagged byte is checked before it is trusted.
 */
static uint64_t
strmap_zeros(uint64_t x)
{
	return (x - LANES) & ~x & HIGHS;
}

/* The byte of group word w for slot i of the group. */
static unsigned
strmap_lane(uint64_t w, size_t i)
{
	return (unsigned)(w >> (i % 8 * 8)) & 0xff;
}

/* The slot index of the lowest byte flagged in bits, in group g. */
static size_t
strmap_index(size_t g, uint64_t bits)
{
	return g * 8 + (size_t)(__builtin_ctzll(bits) >> 3);
}

static int
strmap_slot_is(const struct strmap_slot *s, const char *key, size_t len)
{
	if (s->k.in.len != STRMAP_OUTSIDE)
		return s->k.in.len == len && memcmp(s->k.in.key, key, len) == 0;
	return s->k.out.len == len && memcmp(s->k.out.key, key, len) == 0;
}

static void
strmap_slot_key(const struct strmap_slot *s, const char **key, size_t *len)
{
	if (s->k.in.len != STRMAP_OUTSIDE) {
		*key = s->k.in.key;
		*len = s->k.in.len;
	} else {
		*key = s->k.out.key;
		*len = s->k.out.len;
	}
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
	for (g = strmap_home(hash, m->cap);; g = (g + 1) & gmask) {
		uint64_t w = m->ctrl[g];
		uint64_t hit = strmap_zeros(w ^ (LANES * tag));

		for (; hit != 0; hit &= hit - 1) {
			size_t i = strmap_index(g, hit);

			if (strmap_lane(w, i) == tag &&
			    strmap_slot_is(&m->slots[i], key, len))
				return m->slots[i].val;
		}
		if (strmap_zeros(w) != 0)
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

void
strmap_prefetch(const struct strmap *m, uint64_t hash)
{
	size_t g;

	if (m->n == 0)
		return;
	g = strmap_home(hash, m->cap);
	__builtin_prefetch(&m->ctrl[g]);
	/*
	 * And the group's first line of slots, before the control word says
	 * which slot to read: a hit then mostly waits for one miss, not two
	 * in a row. One line, not the group's four: the CPU's own prefetcher
	 * brings its pair, and asking for more measured no faster
	 * (BENCHMARKS.md, section 12).
	 */
	__builtin_prefetch(&m->slots[g * 8]);
}

/* The first free slot of hash's probe sequence, now marked taken. */
static struct strmap_slot *
strmap_take(struct strmap *m, uint64_t hash)
{
	size_t gmask = m->cap / 8 - 1, g, i;
	uint64_t empty;

	for (g = strmap_home(hash, m->cap);
	    (empty = strmap_zeros(m->ctrl[g])) == 0; g = (g + 1) & gmask)
		;
	i = strmap_index(g, empty);	/* the lowest flag: a true zero */
	m->ctrl[g] |= (uint64_t)strmap_tag(hash) << (i % 8 * 8);
	return &m->slots[i];
}

static int
strmap_slot_full(const struct strmap *m, size_t i)
{
	return strmap_lane(m->ctrl[i / 8], i) != 0;
}

/* The bytes of a table of cap slots: slots, then a control byte each. */
static size_t
strmap_table_size(size_t cap)
{
	return cap * (sizeof(struct strmap_slot) + 1);
}

/* Big tables come from arena_pages (huge pages), small ones from malloc. */
static void *
strmap_table_alloc(size_t cap)
{
	size_t size = strmap_table_size(cap);

	return size >= ARENA_HUGE ? arena_pages(size) : malloc(size);
}

static void
strmap_table_free(void *p, size_t cap)
{
	size_t size = strmap_table_size(cap);

	if (size >= ARENA_HUGE)
		arena_pages_free(p, size);
	else
		free(p);
}

/* Rebuild m with ncap slots (a power of two >= 8 that holds m->n). */
static int
strmap_resize(struct strmap *m, size_t ncap)
{
	struct strmap old = *m;
	size_t i;
	void *mem;

	if (ncap > SIZE_MAX / (sizeof(*m->slots) + 1))
		return -1;
	/* Slots first: they need the stricter alignment. */
	mem = strmap_table_alloc(ncap);
	if (mem == NULL)
		return -1;
	m->slots = mem;
	m->ctrl = (uint64_t *)(m->slots + ncap);
	m->cap = ncap;
	/* All slots empty (arena_pages' blocks come zeroed already). */
	if (strmap_table_size(ncap) < ARENA_HUGE)
		memset(m->ctrl, 0, ncap);
	/* Keys are not stored with their hash: hash them again, once per
	 * resize, so a slot keeps its room for the key. */
	for (i = 0; i < old.cap; i++)
		if (strmap_slot_full(&old, i)) {
			const char *k;
			size_t len;

			strmap_slot_key(&old.slots[i], &k, &len);
			*strmap_take(m, strmap_hash(k, len)) = old.slots[i];
		}
	if (old.slots != NULL)
		strmap_table_free(old.slots, old.cap);
	return 0;
}

/* Whether n keys fit in cap slots: at most 7/8 full. */
static int
strmap_fits(size_t n, size_t cap)
{
	return n <= cap / 8 * 7;
}

int
strmap_reserve(struct strmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 8;

	if (strmap_fits(n, m->cap))
		return 0;
	while (!strmap_fits(n, cap)) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	return strmap_resize(m, cap);
}

/*
 * Make *s the slot of key[0..len) with val: the key in the slot, or a copy
 * in the arena when it is longer. Returns 0, or -1 when out of memory.
 */
static int
strmap_slot_make(struct strmap *m, struct strmap_slot *s, const char *key,
    size_t len, void *val)
{
	char *copy;

	memset(s, 0, sizeof(*s));
	s->val = val;
	if (len <= STRMAP_INLINE) {
		s->k.in.len = (uint8_t)len;
		memcpy(s->k.in.key, key, len);
		return 0;
	}
	if (len > UINT32_MAX)
		return -1;
	if (m->arena == NULL) {
		if ((m->arena = malloc(sizeof(*m->arena))) == NULL)
			return -1;
		arena_init(m->arena);
		m->own_arena = 1;
	}
	/* With a NUL after it, for a debugger's sake. */
	if ((copy = arena_strndup(m->arena, key, len)) == NULL)
		return -1;
	s->k.out.mark = STRMAP_OUTSIDE;
	s->k.out.len = (uint32_t)len;
	s->k.out.key = copy;
	return 0;
}

int
strmap_put(struct strmap *m, const char *key, size_t len, void *val)
{
	uint64_t h = strmap_hash(key, len);
	struct strmap_slot s;

	if (strmap_get_hashed(m, key, len, h) != NULL)
		return 1;
	if (strmap_slot_make(m, &s, key, len, val) != 0)
		return -1;
	if (!strmap_fits(m->n + 1, m->cap) &&
	    strmap_resize(m, m->cap ? m->cap * 2 : 8) != 0)
		return -1;	/* a copy stays in the arena until it goes */
	*strmap_take(m, h) = s;
	m->n++;
	return 0;
}

int
strmap_stage(struct strmap *m, const char *key, size_t len, void *val)
{
	struct strmap_staged *st;

	if (m->nstaged == m->capstaged) {
		size_t ncap = m->capstaged ? m->capstaged * 2 : 64;

		if (ncap > SIZE_MAX / sizeof(*st) ||
		    (st = realloc(m->staged, ncap * sizeof(*st))) == NULL)
			return -1;
		m->staged = st;
		m->capstaged = ncap;
	}
	st = &m->staged[m->nstaged];
	if (strmap_slot_make(m, &st->slot, key, len, val) != 0)
		return -1;
	st->hash = strmap_hash(key, len);
	m->nstaged++;
	return 0;
}

/*
 * Filling a big table in the order keys come touches a random slot per
 * key, a cache miss each (several hundred ns on a busy machine). So the
 * staged keys are first sorted by home group (a counting sort of their
 * indexes: one pass to count, one to place, both stable) and then put in
 * that order: the table fills front to back, and a key's duplicate check
 * reads slots the keys before it just wrote.
 */
int
strmap_commit(struct strmap *m)
{
	size_t *start, groups, i;
	uint32_t *order;

	if (m->nstaged == 0)
		return 0;
	if (m->nstaged > UINT32_MAX ||
	    strmap_reserve(m, m->n + m->nstaged) != 0)
		return -1;
	groups = m->cap / 8;
	start = calloc(groups + 1, sizeof(*start));
	order = malloc(m->nstaged * sizeof(*order));
	if (start == NULL || order == NULL) {
		free(start);
		free(order);
		return -1;
	}
	for (i = 0; i < m->nstaged; i++)
		start[strmap_home(m->staged[i].hash, m->cap) + 1]++;
	for (i = 0; i < groups; i++)
		start[i + 1] += start[i];
	for (i = 0; i < m->nstaged; i++)
		order[start[strmap_home(m->staged[i].hash, m->cap)]++] =
		    (uint32_t)i;
	for (i = 0; i < m->nstaged; i++) {
		const struct strmap_staged *st = &m->staged[order[i]];
		const char *k;
		size_t len;

		/* The staged keys are read out of order: ask ahead. */
		if (i + 8 < m->nstaged)
			__builtin_prefetch(&m->staged[order[i + 8]]);

		/* The first of duplicates stays, as with strmap_put. */
		strmap_slot_key(&st->slot, &k, &len);
		if (strmap_get_hashed(m, k, len, st->hash) != NULL)
			continue;
		*strmap_take(m, st->hash) = st->slot;
		m->n++;
	}
	free(start);
	free(order);
	free(m->staged);
	m->staged = NULL;
	m->nstaged = m->capstaged = 0;
	return 0;
}

void
strmap_free(struct strmap *m, void (*free_val)(void *))
{
	struct arena *shared = m->own_arena ? NULL : m->arena;
	size_t i;

	if (free_val != NULL)
		for (i = 0; i < m->cap; i++)
			if (strmap_slot_full(m, i))
				free_val(m->slots[i].val);
	if (m->slots != NULL)
		strmap_table_free(m->slots, m->cap);
	free(m->staged);
	if (m->own_arena) {
		arena_free(m->arena);
		free(m->arena);
	}
	strmap_init_in(m, shared);
}
