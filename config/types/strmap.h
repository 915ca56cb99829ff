/*
 * strmap: an open-addressing hash map from byte strings to pointers.
 * Keys are copied in; the map is filled at config load and then only
 * read, so lookups take no lock and allocate nothing.
 */
#ifndef RELAYMILTER_STRMAP_H
#define RELAYMILTER_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	uint64_t	 hash;
	char		*key;		/* NULL: empty slot */
	size_t		 keylen;
	void		*val;
};

struct strmap {
	struct strmap_slot *slots;
	size_t		 cap;		/* power of two, or 0 */
	size_t		 n;
};

/* strmap_hash -- 64-bit FNV-1a of len bytes at s. Pure. */
uint64_t strmap_hash(const char *s, size_t len);

/* strmap_init -- make m an empty map. Never fails. */
void strmap_init(struct strmap *m);

/*
 * strmap_put -- insert a copy of key[0..len) with value val (not NULL).
 * Returns 0 when inserted, 1 when the key was already there (the old value
 * is kept), -1 when out of memory. Not thread-safe: call before sharing m.
 */
int strmap_put(struct strmap *m, const char *key, size_t len, void *val);

/*
 * strmap_get -- the value stored for key[0..len), or NULL. Safe to call
 * from many threads at once on a map that is no longer modified.
 */
void *strmap_get(const struct strmap *m, const char *key, size_t len);

/* strmap_get_hashed -- strmap_get with a hash already computed. */
void *strmap_get_hashed(const struct strmap *m, const char *key, size_t len,
    uint64_t hash);

/*
 * strmap_free -- release the keys and the table (not the values; pass
 * free_val to release them too, or NULL).
 */
void strmap_free(struct strmap *m, void (*free_val)(void *));

#endif
