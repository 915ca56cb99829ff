/*
 * arena: a bump allocator for data that lives exactly as long as one
 * config. Memory comes from the system in big chunks and is handed out
 * in order, 8-byte aligned; nothing is freed on its own, everything is
 * freed at once with arena_free. The config keeps the keys of its domain
 * sets and maps here that are too long for a slot of their hash table,
 * so loading a big config costs no malloc per entry and freeing it costs
 * one munmap per chunk.
 */
#ifndef RELAYMILTER_ARENA_H
#define RELAYMILTER_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	char		*cur;		/* next free byte of the newest chunk */
	char		*end;		/* end of the newest chunk */
	struct arena_chunk *chunks;	/* newest first */
	size_t		 held;		/* bytes of all chunks, headers included */
	size_t		 used;		/* bytes handed out, padding included */
};

/* The alignment of every arena_alloc result: pointers, 64-bit integers. */
#define ARENA_ALIGN	8

/* arena_init -- make a an empty arena. Allocates nothing; never fails. */
void arena_init(struct arena *a);

/*
 * arena_alloc -- size bytes (size 0 counts as 1), ARENA_ALIGN-aligned,
 * not cleared, valid until arena_free(a). Returns NULL when the system
 * has no memory left; a is then unchanged. Not thread-safe: build
 * first, then share.
 */
void *arena_alloc(struct arena *a, size_t size);

/*
 * arena_strndup -- copy s[0..len) into a, with a NUL after it (s may hold
 * NUL bytes; they are copied). Returns the copy, or NULL when out of
 * memory.
 */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* arena_held -- bytes taken from the system (chunks, headers included). */
size_t arena_held(const struct arena *a);

/* arena_used -- bytes handed out by arena_alloc, alignment included. */
size_t arena_used(const struct arena *a);

/*
 * arena_free -- give every chunk back to the system; every pointer a
 * handed out becomes invalid. a is left empty and may be used again.
 */
void arena_free(struct arena *a);

/*
 * arena_pages -- size bytes (size > 0) straight from the kernel, zeroed,
 * for one big table that lives apart from any arena. A block of
 * ARENA_HUGE bytes or more is aligned for huge pages and advised to use
 * them: a table read at random then costs a TLB entry per 2 MiB, not per
 * 4 KiB, and a handful of page faults to fill. Returns NULL when out of
 * memory. Release with arena_pages_free and the same size.
 */
void *arena_pages(size_t size);

/* arena_pages_free -- give back a block of arena_pages (NULL: nothing). */
void arena_pages_free(void *p, size_t size);

/* From this size on, arena_pages asks for huge pages (x86-64, arm64). */
#define ARENA_HUGE	((size_t)2 << 20)

#endif
