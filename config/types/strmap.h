/*
 * strmap: an open-addressing hash map from byte strings to pointers.
 * Keys are copied in (short ones into the table itself, longer ones into
 * an arena: the config's, or one of the map's own); the map is filled at
 * config load and then only read, so lookups take no lock and allocate
 * nothing.
 */
#ifndef RELAYMILTER_STRMAP_H
#define RELAYMILTER_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct strmap_slot;
struct strmap_staged;

struct strmap {
	uint64_t	*ctrl;		/* cap / 8 groups of 8 one-byte lanes */
	struct strmap_slot *slots;	/* cap */
	size_t		 cap;		/* power of two >= 8, or 0 */
	size_t		 n;		/* keys in the table */
	struct arena	*arena;		/* where keys go; NULL until needed */
	int		 own_arena;	/* arena belongs to this map */
	struct strmap_staged *staged;	/* strmap_stage'd, not yet in it */
	size_t		 nstaged, capstaged;
};

/*
 * strmap_hash -- a 64-bit hash of len bytes at s (read 8 at a time, then
 * mixed). Pure; the same in every thread of one process, not across
 * machines (it reads words in the machine's byte order).
 */
uint64_t strmap_hash(const char *s, size_t len);

/* strmap_init -- make m an empty map keeping its keys in an arena of its
 * own (made on the first insertion). Never fails. */
void strmap_init(struct strmap *m);

/*
 * strmap_init_in -- make m an empty map keeping its keys in arena, which
 * must outlive it (strmap_free leaves arena alone). Never fails.
 */
void strmap_init_in(struct strmap *m, struct arena *arena);

/*
 * strmap_reserve -- make room for n keys in all, so that inserting them
 * does not grow (and rehash) the table step by step. Returns 0, or -1
 * when out of memory (m unchanged). Not thread-safe.
 */
int strmap_reserve(struct strmap *m, size_t n);

/*
 * strmap_put -- insert a copy of key[0..len) with value val (not NULL).
 * Returns 0 when inserted, 1 when the key was already there (the old value
 * is kept), -1 when out of memory (m unchanged). Not thread-safe: call
 * before sharing m.
 */
int strmap_put(struct strmap *m, const char *key, size_t len, void *val);

/*
 * strmap_stage -- note key[0..len) with value val (not NULL) for the next
 * strmap_commit, which puts every staged key in at once, much faster for
 * a long list than strmap_put one by one. Lookups do not see a staged key
 * before that. Returns 0, or -1 when out of memory. Not thread-safe.
 */
int strmap_stage(struct strmap *m, const char *key, size_t len, void *val);

/*
 * strmap_commit -- put the staged keys in, in the order they were staged
 * as far as duplicates go (the first value stays, as with strmap_put).
 * Returns 0, or -1 when out of memory (the staged keys then stay staged).
 * Not thread-safe.
 */
int strmap_commit(struct strmap *m);

/*
 * strmap_get -- the value stored for key[0..len), or NULL. Safe to call
 * from many threads at once on a map that is no longer modified.
 */
void *strmap_get(const struct strmap *m, const char *key, size_t len);

/* strmap_get_hashed -- strmap_get with hash = strmap_hash(key, len). */
void *strmap_get_hashed(const struct strmap *m, const char *key, size_t len,
    uint64_t hash);

/*
 * strmap_prefetch -- ask the CPU to start loading what a lookup of a key
 * with this hash reads first (its home group's control word and slots),
 * without waiting for it, so that the cache misses of lookups in several
 * big maps overlap instead of following one another. Changes nothing;
 * thread-safe like strmap_get.
 */
void strmap_prefetch(const struct strmap *m, uint64_t hash);

/*
 * strmap_free -- release the table, and the keys if they live in the
 * map's own arena (pass free_val to release the values too, or NULL).
 * m is left empty, keeping its arena choice.
 */
void strmap_free(struct strmap *m, void (*free_val)(void *));

#endif
