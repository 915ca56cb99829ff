/*
 * arena: the bump allocator behind a config's long keys. Chunks are mapped
 * straight from the kernel (mmap), not taken from malloc: a big config's
 * chunks then never sit between malloc's small blocks, and freeing the
 * config returns them to the system at once, whatever malloc's
 * thresholds are at the time. Chunks grow with the arena (16 KiB, then
 * the size held so far, up to 1 MiB), so a small config maps one chunk
 * and a big one a handful; an allocation too big for that gets a chunk
 * of its own and leaves the current one in use. arena_pages gives the
 * same kind of memory to the big hash tables, which grow by steps and
 * so cannot live in an arena.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"

#define ARENA_CHUNK_MIN	(16 * 1024)
#define ARENA_CHUNK_MAX	(1024 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t		 size;		/* bytes mapped, this header included */
};

/* The header rounded up, so the first allocation is aligned too. */
#define ARENA_HEAD \
	((sizeof(struct arena_chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

void
arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

static struct arena_chunk *
arena_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct arena_chunk *c;

	if (p == MAP_FAILED)
		return NULL;
	c = p;
	c->size = size;
	return c;
}

/* A fresh chunk with room for need bytes; NULL when out of memory. */
static void *
arena_grow(struct arena *a, size_t need)
{
	size_t size = a->held < ARENA_CHUNK_MIN ? ARENA_CHUNK_MIN :
	    a->held > ARENA_CHUNK_MAX ? ARENA_CHUNK_MAX : a->held;
	struct arena_chunk *c;

	if (need > SIZE_MAX - ARENA_HEAD - 4095)
		return NULL;
	if (need > (size - ARENA_HEAD) / 4) {
		/* Big: a chunk of its own, behind the current one, whose
		 * free space stays in use. */
		c = arena_map((ARENA_HEAD + need + 4095) & ~(size_t)4095);
		if (c == NULL)
			return NULL;
		if (a->chunks != NULL) {
			c->next = a->chunks->next;
			a->chunks->next = c;
		} else {
			c->next = NULL;
			a->chunks = c;
			a->cur = a->end = (char *)c + c->size;
		}
		a->held += c->size;
		return (char *)c + ARENA_HEAD;
	}
	c = arena_map(size);
	if (c == NULL)
		return NULL;
	c->next = a->chunks;
	a->chunks = c;
	a->held += size;
	a->cur = (char *)c + ARENA_HEAD + need;
	a->end = (char *)c + size;
	return (char *)c + ARENA_HEAD;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	size_t need = size == 0 ? ARENA_ALIGN :
	    (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (need < size)
		return NULL;
	/* cur and end are aligned, so is every bump. */
	if (a->cur != NULL && need <= (size_t)(a->end - a->cur)) {
		p = a->cur;
		a->cur += need;
	} else if ((p = arena_grow(a, need)) == NULL)
		return NULL;
	a->used += need;
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX || (p = arena_alloc(a, len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

size_t
arena_held(const struct arena *a)
{
	return a->held;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c = a->chunks, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		munmap(c, c->size);
	}
	arena_init(a);
}

/* The size arena_pages really maps for size bytes: whole pages. */
static size_t
arena_pages_len(size_t size)
{
	return (size + 4095) & ~(size_t)4095;
}

void *
arena_pages(size_t size)
{
	size_t len, span;
	char *p, *al;

	if (size == 0 || size > SIZE_MAX - 2 * ARENA_HUGE)
		return NULL;
	len = arena_pages_len(size);
	if (len < ARENA_HUGE) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	/* Map a huge page more than needed, then cut both ends so the
	 * block starts on a huge page boundary. */
	span = len + ARENA_HUGE;
	p = mmap(NULL, span, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	al = (char *)(((uintptr_t)p + ARENA_HUGE - 1) &
	    ~(uintptr_t)(ARENA_HUGE - 1));
	if (al > p)
		munmap(p, (size_t)(al - p));
	if (al + len < p + span)
		munmap(al + len, (size_t)(p + span - (al + len)));
#ifdef MADV_HUGEPAGE
	/* Advice only: without huge pages the block works the same. */
	(void)madvise(al, len, MADV_HUGEPAGE);
#endif
	return al;
}

void
arena_pages_free(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, arena_pages_len(size));
}
