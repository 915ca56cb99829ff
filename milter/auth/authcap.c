/*
 * authcap: counts of open auth exchanges per client network, in a small
 * chained hash under one mutex (held for a lookup, never across I/O).
 * An entry lives while its count is above zero, so the table holds at
 * most as many entries as there are exchanges open.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authcap.h"
#include "throttle.h"

#define AUTHCAP_BUCKETS	256

struct authcap_entry {
	struct authcap_entry *next;
	int		 count;
	char		 key[THROTTLE_KEY_MAX];
};

static pthread_mutex_t authcap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct authcap_entry *authcap_table[AUTHCAP_BUCKETS];

static unsigned
authcap_hash(const char *key)
{
	unsigned h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h % AUTHCAP_BUCKETS;
}

/* Where key's entry is linked, or where a new one would be. */
static struct authcap_entry **
authcap_find(const char *key)
{
	struct authcap_entry **pp = &authcap_table[authcap_hash(key)];

	while (*pp != NULL && strcmp((*pp)->key, key) != 0)
		pp = &(*pp)->next;
	return pp;
}

int
authcap_enter(const char *rip)
{
	struct authcap_entry **pp, *e;
	char key[THROTTLE_KEY_MAX];
	int rc = 1;

	if (throttle_client_key(rip, key, sizeof(key)) != 0)
		return 0;
	pthread_mutex_lock(&authcap_lock);
	pp = authcap_find(key);
	if ((e = *pp) == NULL) {
		/* Out of memory: refuse rather than count nothing. */
		if ((e = calloc(1, sizeof(*e))) == NULL)
			rc = -1;
		else {
			snprintf(e->key, sizeof(e->key), "%s", key);
			*pp = e;
		}
	}
	if (rc == 1 && e->count >= AUTHCAP_PER_CLIENT)
		rc = -1;
	if (rc == 1)
		e->count++;
	pthread_mutex_unlock(&authcap_lock);
	return rc;
}

void
authcap_leave(const char *rip)
{
	struct authcap_entry **pp, *e;
	char key[THROTTLE_KEY_MAX];

	if (throttle_client_key(rip, key, sizeof(key)) != 0)
		return;
	pthread_mutex_lock(&authcap_lock);
	pp = authcap_find(key);
	if ((e = *pp) != NULL && --e->count <= 0) {
		*pp = e->next;
		free(e);
	}
	pthread_mutex_unlock(&authcap_lock);
}
