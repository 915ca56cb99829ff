/*
 * throttle: a small hashed table of (address, failures, window start),
 * behind one mutex held for a few instructions.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "strmap.h"
#include "throttle.h"

#define THROTTLE_SLOTS	4096

struct throttle_slot {
	char	 rip[64];
	int	 failures;
	time_t	 start;
};

static struct throttle_slot throttle_table[THROTTLE_SLOTS];
static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;

static struct throttle_slot *
throttle_slot(const char *rip)
{
	return &throttle_table[strmap_hash(rip, strlen(rip)) % THROTTLE_SLOTS];
}

int
throttle_blocked(const char *rip, time_t now, int max, int window)
{
	struct throttle_slot *s;
	int blocked = 0;

	if (max <= 0 || rip == NULL || *rip == '\0')
		return 0;
	s = throttle_slot(rip);
	pthread_mutex_lock(&throttle_lock);
	if (strcmp(s->rip, rip) == 0 && now - s->start < window)
		blocked = s->failures >= max;
	pthread_mutex_unlock(&throttle_lock);
	return blocked;
}

void
throttle_failed(const char *rip, time_t now, int window)
{
	struct throttle_slot *s;

	if (rip == NULL || *rip == '\0')
		return;
	s = throttle_slot(rip);
	pthread_mutex_lock(&throttle_lock);
	/* Another address, or an expired window: start counting afresh. */
	if (strcmp(s->rip, rip) != 0 || now - s->start >= window) {
		snprintf(s->rip, sizeof(s->rip), "%s", rip);
		s->failures = 0;
		s->start = now;
	}
	s->failures++;
	pthread_mutex_unlock(&throttle_lock);
}
