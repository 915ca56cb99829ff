/*
 * t_strmap: the string map under every name list of the config, by its
 * behaviour (t_strmap_stage covers staging and arenas): the hash reads
 * exactly len bytes, in order; keys are byte strings of a given length,
 * so case, a prefix and an embedded NUL all make another key; a second
 * put keeps the first value; the table grows and every key survives the
 * move; free releases keys and values and leaves an empty map that can
 * be used again; readers in several threads agree.
 */
#include "unit_fixture.h"

#include <stdint.h>

#include "strmap.h"

#define BIG	100000
#define READERS	4

/* key[0..len) for a test name, NUL bytes shown as \0. */
static const char *
shown(const char *key, size_t len)
{
	static char bufs[2][64];
	static int which;
	char *b = bufs[which++ & 1];
	size_t i, o = 0;

	for (i = 0; i < len && o + 3 < sizeof(bufs[0]); i++) {
		if (key[i] == '\0') {
			b[o++] = '\\';
			b[o++] = '0';
		} else
			b[o++] = key[i];
	}
	b[o] = '\0';
	return b;
}

/* ==== the hash ==== */

static void
test_hash(void)
{
	tap_ok(strmap_hash("abc", 3) == strmap_hash("abc", 3),
	    "strmap_hash: the same bytes, the same hash");
	tap_ok(strmap_hash("abc", 3) != strmap_hash("acb", 3),
	    "strmap_hash: the order of the bytes counts");
	tap_ok(strmap_hash("abcdef", 3) == strmap_hash("abc", 3),
	    "strmap_hash: only len bytes are read");
	tap_ok(strmap_hash("a\0b", 3) != strmap_hash("a", 1),
	    "strmap_hash: bytes after a NUL count");
	tap_ok(strmap_hash("example.com", 11) !=
	    strmap_hash("example.con", 11),
	    "strmap_hash: the last byte of a long key counts");
}

/* ==== put and get ==== */

static int vals[BIG];

/* A step: put (want its return) or get (want the value, -1: NULL). */
struct op {
	char		 op;		/* 'p' put, 'g' get */
	const char	*key;
	size_t		 len;
	int		 val;		/* put vals[val]; get: want it */
	int		 want;		/* put: return value */
};

static const struct op ops[] = {
	{ 'g', "example.com", 11, -1, 0 },	/* an empty map */
	{ 'p', "example.com", 11, 1, 0 },
	{ 'g', "example.com", 11, 1, 0 },
	{ 'g', "Example.com", 11, -1, 0 },	/* case counts */
	{ 'g', "EXAMPLE.COM", 11, -1, 0 },
	{ 'p', "Example.COM", 11, 2, 0 },
	{ 'g', "Example.COM", 11, 2, 0 },
	{ 'g', "example.com", 11, 1, 0 },
	{ 'p', "example.com", 11, 3, 1 },	/* already there */
	{ 'g', "example.com", 11, 1, 0 },	/* the first value kept */
	{ 'g', "example.co", 10, -1, 0 },	/* a prefix is another key */
	{ 'g', "example.com.", 12, -1, 0 },
	{ 'p', "abcdef", 3, 4, 0 },		/* only "abc" is stored */
	{ 'g', "abc", 3, 4, 0 },
	{ 'g', "abcdef", 6, -1, 0 },
	{ 'p', "a\0b", 3, 5, 0 },		/* an embedded NUL */
	{ 'g', "a\0b", 3, 5, 0 },
	{ 'g', "a", 1, -1, 0 },
	{ 'g', "a\0c", 3, -1, 0 },
	{ 'p', "", 0, 6, 0 },			/* the empty key */
	{ 'g', "", 0, 6, 0 },
	{ 'p', "", 0, 7, 1 },
	{ 'g', "x", 1, -1, 0 },
};

static void
test_ops(void)
{
	struct strmap m;
	size_t i, n = 0;

	strmap_init(&m);
	tap_ok(m.cap == 0 && m.n == 0 && m.slots == NULL,
	    "strmap_init: no table yet");
	for (i = 0; i < NELEM(ops); i++) {
		const struct op *o = &ops[i];
		char what[128];

		if (o->op == 'p') {
			snprintf(what, sizeof(what), "put(\"%s\")",
			    shown(o->key, o->len));
			tap_is_int(strmap_put(&m, o->key, o->len,
			    &vals[o->val]), o->want, what);
			n += o->want == 0;
		} else {
			void *got = strmap_get(&m, o->key, o->len);

			snprintf(what, sizeof(what), "get(\"%s\")",
			    shown(o->key, o->len));
			tap_is_int(got == NULL ? -1 : (int *)got - vals, o->val,
			    what);
		}
	}
	tap_is_int((long)m.n, (long)n, "n counts the keys inserted");
	tap_ok(strmap_get_hashed(&m, "Example.COM", 11,
	    strmap_hash("Example.COM", 11)) == &vals[2],
	    "strmap_get_hashed with the key's hash finds it");
	tap_ok(strmap_get_hashed(&m, "Example.COM", 11,
	    strmap_hash("example.com", 11)) == NULL,
	    "... and with another key's hash does not");
	strmap_free(&m, NULL);
}

/* ==== growth ==== */

struct grow_case {
	size_t	 n;		/* keys inserted */
};

/* Around the sizes where a table of powers of two must grow. */
static const struct grow_case grow_cases[] = {
	{ 0 }, { 1 }, { 8 }, { 9 }, { 16 }, { 17 }, { 32 }, { 33 },
	{ 1024 }, { 1025 },
};

static void
key_of(size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "k%zu.example", i);
}

/* Keys 0..n-1 that do not find their own value. */
static size_t
count_lost(const struct strmap *m, size_t n)
{
	size_t i, lost = 0;
	char k[32];

	for (i = 0; i < n; i++) {
		key_of(i, k, sizeof(k));
		lost += strmap_get(m, k, strlen(k)) != &vals[i];
	}
	return lost;
}

static void
test_growth(void)
{
	struct strmap m;
	size_t i, n = 0, bad = 0;
	char k[32];

	strmap_init(&m);
	for (i = 0; i < NELEM(grow_cases); i++) {
		char what[128];

		for (; n < grow_cases[i].n; n++) {
			key_of(n, k, sizeof(k));
			bad += strmap_put(&m, k, strlen(k), &vals[n]) != 0;
		}
		snprintf(what, sizeof(what), "%zu keys: each one found",
		    n);
		tap_is_int((long)count_lost(&m, n), 0, what);
	}
	for (; n < BIG; n++) {
		key_of(n, k, sizeof(k));
		bad += strmap_put(&m, k, strlen(k), &vals[n]) != 0;
	}
	tap_is_int((long)bad, 0, "100k: every put inserted");
	tap_is_int((long)m.n, BIG, "100k: n");
	tap_is_int((long)count_lost(&m, BIG), 0, "100k: every key found");
	key_of(BIG, k, sizeof(k));
	tap_ok(strmap_get(&m, k, strlen(k)) == NULL, "100k: a key never put "
	    "is absent");
	strmap_free(&m, NULL);
}

/* ==== concurrent readers ==== */

struct reader {
	const struct strmap *m;
	size_t	 lost;
};

static void *
reader_thread(void *arg)
{
	struct reader *r = arg;

	r->lost = count_lost(r->m, 10000);
	return NULL;
}

static void
test_readers(void)
{
	struct reader r[READERS];
	struct strmap m;
	size_t i, lost = 0;
	char k[32];

	strmap_init(&m);
	for (i = 0; i < 10000; i++) {
		key_of(i, k, sizeof(k));
		strmap_put(&m, k, strlen(k), &vals[i]);
	}
	for (i = 0; i < READERS; i++) {
		r[i].m = &m;
		r[i].lost = 0;
	}
	threads_run(READERS, reader_thread, r, sizeof(r[0]));
	for (i = 0; i < READERS; i++)
		lost += r[i].lost;
	tap_is_int((long)lost, 0, "readers in several threads find every key");
	strmap_free(&m, NULL);
}

/* ==== free ==== */

static int freed;

static void
count_free(void *v)
{
	(void)v;
	freed++;
}

static void
test_free(void)
{
	struct strmap m;
	size_t i;
	char k[32];

	strmap_init(&m);
	strmap_free(&m, count_free);
	tap_is_int(freed, 0, "free of an empty map: no value released");
	for (i = 0; i < 20; i++) {
		key_of(i, k, sizeof(k));
		strmap_put(&m, k, strlen(k), &vals[i]);
	}
	strmap_put(&m, "k3.example", 10, &vals[99]);
	strmap_free(&m, count_free);
	tap_is_int(freed, 20, "free releases each value once (a refused "
	    "duplicate is not the map's)");
	tap_ok(m.cap == 0 && m.n == 0 && m.slots == NULL,
	    "free leaves an empty map");
	tap_ok(strmap_get(&m, "k1.example", 10) == NULL,
	    "... in which nothing is found");
	tap_is_int(strmap_put(&m, "k1.example", 10, &vals[1]), 0,
	    "... and which takes new keys");
	tap_ok(strmap_get(&m, "k1.example", 10) == &vals[1], "... and finds "
	    "them");
	strmap_free(&m, NULL);
}

int
main(void)
{
	test_hash();
	test_ops();
	test_growth();
	test_readers();
	test_free();
	return tap_done();
}
