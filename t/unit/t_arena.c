/*
 * t_arena: the config's bump allocator. Each row of the table is a
 * sequence of allocation sizes made in a fresh arena; every result must
 * be aligned, hold its bytes without overlapping any other (each is
 * filled with its own pattern and checked after the last allocation),
 * and the accounting must add up. Then strndup, a big allocation next
 * to small ones, and freeing and reusing an arena.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../tap.h"
#include "arena.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAXSEQ 8

struct seq_case {
	const char	*what;
	size_t		 sizes[MAXSEQ];	/* 0 ends the list unless first */
	size_t		 n;
};

static const struct seq_case seq_cases[] = {
	{ "nothing", { 0 }, 0 },
	{ "size 0 counts as 1", { 0, 0, 1 }, 3 },
	{ "odd sizes", { 1, 3, 5, 7, 9, 13, 17, 31 }, 8 },
	{ "exact multiples of the alignment", { 8, 16, 24, 64 }, 4 },
	{ "fills the first chunk", { 4000, 4000, 4000, 4000, 4000 }, 5 },
	{ "around a quarter of the first chunk", { 4090, 4090, 4090, 4090, 4090 }, 5 },
	{ "bigger than a chunk", { 10, 100000, 10, 3000000, 10 }, 5 },
	{ "many chunks", { 60000, 60000, 60000, 60000, 60000, 60000,
	    60000, 60000 }, 8 },
};

static void
fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i);
}

static int
intact(const unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed * 31 + i))
			return 0;
	return 1;
}

static void
test_sequences(void)
{
	size_t i, j;

	for (i = 0; i < NELEM(seq_cases); i++) {
		const struct seq_case *tc = &seq_cases[i];
		unsigned char *p[MAXSEQ];
		struct arena a;
		size_t want_used = 0;
		int aligned = 1, ok = 1;
		char what[128];

		arena_init(&a);
		for (j = 0; j < tc->n; j++) {
			size_t sz = tc->sizes[j];

			p[j] = arena_alloc(&a, sz);
			if (p[j] == NULL) {
				ok = 0;
				break;
			}
			aligned &= (uintptr_t)p[j] % ARENA_ALIGN == 0;
			fill(p[j], sz, (unsigned)j);
			want_used += sz == 0 ? ARENA_ALIGN :
			    (sz + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
		}
		tap_ok(ok, "%s: every allocation succeeds", tc->what);
		for (j = 0; ok && j < tc->n; j++)
			ok = intact(p[j], tc->sizes[j], (unsigned)j);
		tap_ok(ok, "%s: no allocation overlaps another", tc->what);
		tap_ok(aligned, "%s: every result is aligned", tc->what);
		snprintf(what, sizeof(what), "%s: arena_used", tc->what);
		tap_is_int((long)arena_used(&a), (long)want_used, what);
		tap_ok(arena_held(&a) >= arena_used(&a), "%s: held %zu >= used",
		    tc->what, arena_held(&a));
		arena_free(&a);
		snprintf(what, sizeof(what), "%s: arena_free leaves nothing held",
		    tc->what);
		tap_is_int((long)arena_held(&a), 0, what);
	}
}

struct dup_case {
	const char	*s;
	size_t		 len;
};

static const struct dup_case dup_cases[] = {
	{ "", 0 },
	{ "example.com", 11 },
	{ "example.com", 7 },		/* a prefix */
	{ "a\0b", 3 },			/* NUL bytes are copied */
};

static void
test_strndup(void)
{
	struct arena a;
	size_t i;

	arena_init(&a);
	for (i = 0; i < NELEM(dup_cases); i++) {
		const struct dup_case *tc = &dup_cases[i];
		char *d = arena_strndup(&a, tc->s, tc->len);

		tap_ok(d != NULL && memcmp(d, tc->s, tc->len) == 0 &&
		    d[tc->len] == '\0', "arena_strndup(\"%s\", %zu)",
		    tap_show(tc->s), tc->len);
	}
	arena_free(&a);
}

static void
test_big_keeps_chunk(void)
{
	struct arena a;
	char *s1, *big, *s2;

	/* A big allocation gets its own chunk; small ones continue where
	 * they were, so no space of the current chunk is left behind. */
	arena_init(&a);
	s1 = arena_alloc(&a, 16);
	big = arena_alloc(&a, 1 << 20);
	s2 = arena_alloc(&a, 16);
	tap_ok(s1 != NULL && big != NULL && s2 == s1 + 16,
	    "small allocations around a big one stay contiguous");
	arena_free(&a);

	/* The same when the big one comes first. */
	big = arena_alloc(&a, 1 << 20);
	s1 = arena_alloc(&a, 16);
	s2 = arena_alloc(&a, 16);
	tap_ok(big != NULL && s1 != NULL && s2 == s1 + 16,
	    "a big first allocation, then small ones");
	arena_free(&a);
}

static void
test_reuse(void)
{
	struct arena a;
	int round, ok = 1;

	arena_init(&a);
	for (round = 0; round < 3; round++) {
		int i;

		for (i = 0; i < 20000 && ok; i++) {
			char *p = arena_alloc(&a, 40);

			ok = p != NULL;
			if (ok)
				memset(p, 'x', 40);
		}
		ok = ok && arena_used(&a) == 20000 * 40;
		arena_free(&a);
		ok = ok && arena_held(&a) == 0 && arena_used(&a) == 0;
	}
	tap_ok(ok, "an arena freed three times is used again each time");
	tap_ok(arena_alloc(&a, SIZE_MAX) == NULL &&
	    arena_alloc(&a, SIZE_MAX - 3) == NULL &&
	    arena_alloc(&a, SIZE_MAX / 2) == NULL && arena_held(&a) == 0,
	    "impossible sizes fail and leave the arena unchanged");
	arena_free(&a);
}

int
main(void)
{
	test_sequences();
	test_strndup();
	test_big_keeps_chunk();
	test_reuse();
	return tap_done();
}
