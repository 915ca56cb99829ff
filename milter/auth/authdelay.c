/*
 * authdelay: failure answers of the auth services, sent late without
 * holding a client slot. A failed login costs its client
 * auth.failure_delay seconds, but the thread that served it goes back to
 * the pool at once: the answer (and a duplicate of the connection's
 * descriptor) waits in a queue, sorted by due time, that one thread
 * empties. So many wrong passwords at once cannot starve a right one of
 * a slot; only the queue is bounded, and past it the connection is
 * closed unanswered (the MTA takes that as a failure too).
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "authdelay.h"

struct authdelay_item {
	struct timespec	 due;
	int		 fd;
	size_t		 len;
	char		 line[AUTHDELAY_LINE_MAX];
};

static pthread_mutex_t authdelay_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t authdelay_cond;
static pthread_once_t authdelay_once = PTHREAD_ONCE_INIT;
static struct authdelay_item *authdelay_q;	/* sorted by due time */
static size_t authdelay_n;
static int authdelay_started;

static int
authdelay_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec != b->tv_sec ? a->tv_sec < b->tv_sec :
	    a->tv_nsec < b->tv_nsec;
}

static void
authdelay_send(const struct authdelay_item *it)
{
	/* Best effort: the client may have gone meanwhile. */
	(void)send(it->fd, it->line, it->len, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(it->fd);
}

static void *
authdelay_thread(void *arg)
{
	struct authdelay_item it;
	struct timespec now;

	(void)arg;
	pthread_mutex_lock(&authdelay_lock);
	for (;;) {
		if (authdelay_n == 0) {
			pthread_cond_wait(&authdelay_cond, &authdelay_lock);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (authdelay_before(&now, &authdelay_q[0].due)) {
			pthread_cond_timedwait(&authdelay_cond, &authdelay_lock,
			    &authdelay_q[0].due);
			continue;
		}
		it = authdelay_q[0];
		authdelay_n--;
		memmove(&authdelay_q[0], &authdelay_q[1],
		    authdelay_n * sizeof(*authdelay_q));
		/* No lock across the send: it may meet a full socket. */
		pthread_mutex_unlock(&authdelay_lock);
		authdelay_send(&it);
		pthread_mutex_lock(&authdelay_lock);
	}
	return NULL;
}

static void
authdelay_init(void)
{
	pthread_condattr_t ca;
	pthread_t tid;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&authdelay_cond, &ca);
	pthread_condattr_destroy(&ca);
	authdelay_q = calloc(AUTHDELAY_QUEUE_MAX, sizeof(*authdelay_q));
	if (authdelay_q != NULL &&
	    pthread_create(&tid, NULL, authdelay_thread, NULL) == 0) {
		pthread_detach(tid);
		authdelay_started = 1;
	}
}

/* Insert it at its place by due time; the caller holds the lock. */
static void
authdelay_insert(const struct authdelay_item *it)
{
	size_t i = authdelay_n;

	while (i > 0 && authdelay_before(&it->due, &authdelay_q[i - 1].due))
		i--;
	memmove(&authdelay_q[i + 1], &authdelay_q[i],
	    (authdelay_n - i) * sizeof(*authdelay_q));
	authdelay_q[i] = *it;
	authdelay_n++;
}

int
authdelay_reply(int fd, const void *line, size_t len, int delay_s)
{
	struct authdelay_item it;
	int queued = 0;

	if (len > sizeof(it.line))
		return -1;
	if (delay_s <= 0)
		return send(fd, line, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 :
		    -1;
	pthread_once(&authdelay_once, authdelay_init);
	if (!authdelay_started || (it.fd = dup(fd)) < 0)
		return -1;
	memcpy(it.line, line, len);
	it.len = len;
	clock_gettime(CLOCK_MONOTONIC, &it.due);
	it.due.tv_sec += delay_s;
	pthread_mutex_lock(&authdelay_lock);
	if (authdelay_n < AUTHDELAY_QUEUE_MAX) {
		authdelay_insert(&it);
		queued = 1;
		pthread_cond_signal(&authdelay_cond);
	}
	pthread_mutex_unlock(&authdelay_lock);
	if (!queued)
		close(it.fd);
	return queued ? 0 : -1;
}

size_t
authdelay_pending(void)
{
	size_t n;

	pthread_mutex_lock(&authdelay_lock);
	n = authdelay_n;
	pthread_mutex_unlock(&authdelay_lock);
	return n;
}
