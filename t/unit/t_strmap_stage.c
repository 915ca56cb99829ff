/*
 * t_strmap_stage: the hash map under every name list of the config. A table of
 * keys (empty, the longest kept in a slot, the shortest kept outside,
 * NUL bytes inside, keys that differ only in length) is put in one by
 * one and staged then committed, in a map with its own arena and in one
 * sharing an arena; every key must come back with its value, every near
 * miss must not, duplicates keep the first value. Then reserve, free_val
 * and 100k keys both ways.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "strmap.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct key_case {
	const char	*key;
	size_t		 len;
};

/* Every key distinct from every other as bytes. */
static const struct key_case keys[] = {
	{ "", 0 },
	{ "a", 1 },
	{ "a\0", 2 },				/* "a" and a NUL */
	{ "A", 1 },				/* case matters */
	{ "example.com", 11 },
	{ "example.co", 10 },			/* a prefix */
	{ "12345678901234567890123", 23 },	/* longest in a slot */
	{ "123456789012345678901234", 24 },	/* shortest outside */
	{ "12345678901234567890124", 23 },	/* differs at the end */
	{ "a.very.long.name.of.a.host.in.a.domain.example.org", 50 },
	{ "a.very.long.name.of.a.host.in.a.domain.example.orh", 50 },
	{ "nul\0in\0the\0middle", 17 },
	{ "nul\0in\0the\0middlf", 17 },
};

/* Not in the map; each is close to a key. */
static const struct key_case misses[] = {
	{ "b", 1 },
	{ "a\0\0", 3 },
	{ "example.cop", 11 },
	{ "1234567890123456789012", 22 },
	{ "1234567890123456789012345", 25 },
	{ "a.very.long.name.of.a.host.in.a.domain.example.or", 49 },
	{ "nul\0in\0the\0middle\0", 18 },
};

/* The value stored for keys[i]: a pointer into the table itself. */
static void *
val_of(size_t i)
{
	return (void *)&keys[i];
}

enum fill { FILL_PUT, FILL_STAGE };

static int
fill_map(struct strmap *m, enum fill how)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < NELEM(keys); i++)
		bad += (how == FILL_PUT ? strmap_put(m, keys[i].key,
		    keys[i].len, val_of(i)) : strmap_stage(m, keys[i].key,
		    keys[i].len, val_of(i))) != 0;
	return bad;
}

static void
check_map(const struct strmap *m, const char *what)
{
	size_t i;
	int bad = 0;

	tap_is_int((long)m->n, (long)NELEM(keys), what);
	for (i = 0; i < NELEM(keys); i++)
		if (strmap_get(m, keys[i].key, keys[i].len) != val_of(i)) {
			printf("# %s: key %zu (\"%s\") not found\n", what, i,
			    tap_show(keys[i].key));
			bad++;
		}
	tap_is_int(bad, 0, "... every key found with its value");
	bad = 0;
	for (i = 0; i < NELEM(misses); i++)
		if (strmap_get(m, misses[i].key, misses[i].len) != NULL) {
			printf("# %s: miss %zu (\"%s\") found\n", what, i,
			    tap_show(misses[i].key));
			bad++;
		}
	tap_is_int(bad, 0, "... no near miss found");
}

struct mode_case {
	const char	*what;
	int		 shared;	/* strmap_init_in */
	enum fill	 how;
};

static const struct mode_case modes[] = {
	{ "own arena, put", 0, FILL_PUT },
	{ "own arena, staged", 0, FILL_STAGE },
	{ "shared arena, put", 1, FILL_PUT },
	{ "shared arena, staged", 1, FILL_STAGE },
};

static void
test_modes(void)
{
	size_t i, j;

	for (i = 0; i < NELEM(modes); i++) {
		const struct mode_case *tc = &modes[i];
		struct arena a;
		struct strmap m;
		char what[128];
		int dups = 0;

		arena_init(&a);
		if (tc->shared)
			strmap_init_in(&m, &a);
		else
			strmap_init(&m);
		tap_is_int(fill_map(&m, tc->how), 0, tc->what);
		if (tc->how == FILL_STAGE) {
			tap_ok(strmap_get(&m, "a", 1) == NULL && m.n == 0,
			    "%s: nothing seen before the commit", tc->what);
			/* Duplicates among the staged keys: the first stays. */
			for (j = 0; j < NELEM(keys); j++)
				dups += strmap_stage(&m, keys[j].key,
				    keys[j].len, &dups) != 0;
			tap_is_int(strmap_commit(&m), 0, "strmap_commit");
		} else
			for (j = 0; j < NELEM(keys); j++)
				dups += strmap_put(&m, keys[j].key,
				    keys[j].len, &dups) != 1;
		tap_is_int(dups, 0, "duplicates accepted, not added");
		snprintf(what, sizeof(what), "%s: every key counted once",
		    tc->what);
		check_map(&m, what);
		/* Staged after the first commit, against keys put before. */
		tap_ok(strmap_stage(&m, "late", 4, &dups) == 0 &&
		    strmap_stage(&m, "a", 1, &dups) == 0 &&
		    strmap_commit(&m) == 0 &&
		    strmap_get(&m, "late", 4) == &dups &&
		    strmap_get(&m, "a", 1) == val_of(1) &&
		    m.n == NELEM(keys) + 1,
		    "%s: a second commit adds to the first", tc->what);
		tap_ok(tc->shared ? arena_used(&a) > 0 : arena_used(&a) == 0,
		    "%s: long keys live in the %s arena", tc->what,
		    tc->shared ? "shared" : "map's own");
		strmap_free(&m, NULL);
		tap_ok(m.n == 0 && strmap_get(&m, "a", 1) == NULL &&
		    m.arena == (tc->shared ? &a : NULL),
		    "%s: freed, empty, same arena choice", tc->what);
		arena_free(&a);
	}
}

static int freed;

static void
count_free(void *v)
{
	(void)v;
	freed++;
}

static void
test_free_val(void)
{
	struct strmap m;

	strmap_init(&m);
	fill_map(&m, FILL_PUT);
	freed = 0;
	strmap_free(&m, count_free);
	tap_is_int(freed, (long)NELEM(keys), "strmap_free calls free_val once "
	    "per value");
}

static void
test_reserve(void)
{
	struct strmap m;
	size_t cap;
	char k[32];
	int i, bad = 0;

	strmap_init(&m);
	tap_is_int(strmap_reserve(&m, 0), 0, "strmap_reserve(0)");
	tap_is_int((long)m.cap, 0, "... allocates nothing");
	tap_is_int(strmap_reserve(&m, 1000), 0, "strmap_reserve(1000)");
	cap = m.cap;
	tap_ok(cap >= 1000, "... makes room (%zu slots)", cap);
	for (i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "user%d", i);
		bad += strmap_put(&m, k, strlen(k), k) != 0;
	}
	tap_ok(bad == 0 && m.cap == cap && m.n == 1000,
	    "1000 keys go in without growing the table");
	tap_is_int(strmap_reserve(&m, 10), 0, "a smaller reserve is a no-op");
	tap_is_int((long)m.cap, (long)cap, "... and never shrinks");
	strmap_free(&m, NULL);
}

#define BIG 100000

static void
test_big(enum fill how, const char *what)
{
	struct arena a;
	struct strmap m;
	char k[64];
	int i, bad = 0;

	arena_init(&a);
	strmap_init_in(&m, &a);
	for (i = 0; i < BIG; i++) {
		/* Half short keys, half too long for a slot. */
		snprintf(k, sizeof(k), i % 2 ? "d%d.example" :
		    "host%d.a-rather-long-domain.example", i);
		bad += (how == FILL_PUT ? strmap_put(&m, k, strlen(k),
		    (void *)(size_t)(i + 1)) : strmap_stage(&m, k, strlen(k),
		    (void *)(size_t)(i + 1))) != 0;
	}
	if (how == FILL_STAGE)
		bad += strmap_commit(&m) != 0;
	tap_ok(bad == 0 && m.n == BIG, "%s: 100k keys in", what);
	bad = 0;
	for (i = 0; i < BIG; i++) {
		snprintf(k, sizeof(k), i % 2 ? "d%d.example" :
		    "host%d.a-rather-long-domain.example", i);
		bad += strmap_get(&m, k, strlen(k)) != (void *)(size_t)(i + 1);
		snprintf(k, sizeof(k), "x%d.example", i);
		bad += strmap_get(&m, k, strlen(k)) != NULL;
	}
	tap_is_int(bad, 0, "... each found with its value, no stranger");
	strmap_free(&m, NULL);
	arena_free(&a);
}

static void
test_hash(void)
{
	tap_ok(strmap_hash("example.com", 11) == strmap_hash("example.com",
	    11), "strmap_hash is a function of the bytes");
	tap_ok(strmap_hash("a", 1) != strmap_hash("a\0", 2) &&
	    strmap_hash("", 0) != strmap_hash("\0", 1),
	    "strmap_hash tells trailing NUL bytes apart");
	tap_ok(strmap_hash("12345678", 8) != strmap_hash("123456789", 9) &&
	    strmap_hash("x12345678", 9) != strmap_hash("y12345678", 9),
	    "strmap_hash reads whole words and the bytes before them");
}

int
main(void)
{
	test_modes();
	test_free_val();
	test_reserve();
	test_big(FILL_PUT, "put");
	test_big(FILL_STAGE, "staged");
	test_hash();
	return tap_done();
}
