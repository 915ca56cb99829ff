/*
 * strmap: an open-addressing (linear probing) hash map from byte strings
 * to pointers, used for every name list of the config: local domains,
 * always-allow names and addresses, users. Built once, then read-only.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strmap.h"

uint64_t
strmap_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	/* Fold the high bits down: the table index uses the low bits. */
	return h ^ (h >> 29);
}

void
strmap_init(struct strmap *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->n = 0;
}

static struct strmap_slot *
strmap_find(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)h & mask;

	for (;;) {
		struct strmap_slot *s = &m->slots[i];

		if (s->key == NULL)
			return s;
		if (s->hash == h && s->keylen == len &&
		    memcmp(s->key, key, len) == 0)
			return s;
		i = (i + 1) & mask;
	}
}

static int
strmap_grow(struct strmap *m)
{
	struct strmap old = *m;
	size_t ncap = m->cap ? m->cap * 2 : 16;
	size_t i;

	m->slots = calloc(ncap, sizeof(*m->slots));
	if (m->slots == NULL) {
		*m = old;
		return -1;
	}
	m->cap = ncap;
	for (i = 0; i < old.cap; i++) {
		struct strmap_slot *s = &old.slots[i];

		if (s->key != NULL)
			*strmap_find(m, s->key, s->keylen, s->hash) = *s;
	}
	free(old.slots);
	return 0;
}

int
strmap_put(struct strmap *m, const char *key, size_t len, void *val)
{
	uint64_t h = strmap_hash(key, len);
	struct strmap_slot *s;

	/* Keep the load under one half so probe runs stay short. */
	if ((m->n + 1) * 2 > m->cap && strmap_grow(m) != 0)
		return -1;
	s = strmap_find(m, key, len, h);
	if (s->key != NULL)
		return 1;
	s->key = malloc(len + 1);
	if (s->key == NULL)
		return -1;
	memcpy(s->key, key, len);
	s->key[len] = '\0';
	s->keylen = len;
	s->hash = h;
	s->val = val;
	m->n++;
	return 0;
}

void *
strmap_get_hashed(const struct strmap *m, const char *key, size_t len,
    uint64_t hash)
{
	if (m->n == 0)
		return NULL;
	return strmap_find(m, key, len, hash)->val;
}

void *
strmap_get(const struct strmap *m, const char *key, size_t len)
{
	if (m->n == 0)
		return NULL;
	return strmap_get_hashed(m, key, len, strmap_hash(key, len));
}

void
strmap_free(struct strmap *m, void (*free_val)(void *))
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		if (m->slots[i].key == NULL)
			continue;
		free(m->slots[i].key);
		if (free_val != NULL)
			free_val(m->slots[i].val);
	}
	free(m->slots);
	strmap_init(m);
}
