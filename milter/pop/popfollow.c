/*
 * popfollow: a log follower thread. Each round it reads what was added
 * to the file since the last round, cuts it into lines, then looks at
 * the path: a new inode means rename+create rotation (drain the old
 * file, open the new one from its start), a file shorter than what was
 * read means copytruncate (start again at 0), no file means wait.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "popfollow.h"
#include "poplog.h"

struct popfollow {
	char		*path;
	int		 poll_ms;
	popfollow_line_fn fn;
	void		*arg;
	int		 fd;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 pos;
	int		 started;	/* first open done: later ones read all */
	int		 missing;	/* "missing" already logged */
	int		 skipping;	/* inside an over-long line */
	size_t		 blen;
	char		 buf[POPLOG_LINE_MAX + 1];
	pthread_t	 tid;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 stop;
};

/* Hand the complete lines of buf to fn; keep the unfinished tail. */
static void
popfollow_lines(struct popfollow *f)
{
	size_t start = 0, i;

	for (i = 0; i < f->blen; i++) {
		if (f->buf[i] != '\n')
			continue;
		if (!f->skipping)
			f->fn(f->arg, f->buf + start, i - start);
		f->skipping = 0;
		start = i + 1;
	}
	memmove(f->buf, f->buf + start, f->blen - start);
	f->blen -= start;
	if (f->blen == sizeof(f->buf)) {
		/* No newline in a full buffer: skip to the next one. */
		f->skipping = 1;
		f->blen = 0;
	}
}

/* Read to the end of the open file. */
static void
popfollow_drain(struct popfollow *f)
{
	ssize_t n;

	while ((n = read(f->fd, f->buf + f->blen, sizeof(f->buf) -
	    f->blen)) > 0) {
		f->pos += n;
		f->blen += (size_t)n;
		popfollow_lines(f);
	}
}

static void
popfollow_close(struct popfollow *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->blen = 0;
	f->skipping = 0;
}

/* Open the path; at the very first open, start at its end. */
static void
popfollow_open(struct popfollow *f)
{
	struct stat st;

	f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (f->fd < 0 || fstat(f->fd, &st) != 0) {
		if (!f->missing)
			log_msg(LOG_WARNING, "pop log %s: %s; waiting for it",
			    f->path, strerror(errno));
		f->missing = 1;
		f->started = 1;
		popfollow_close(f);
		return;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->pos = f->started ? 0 : st.st_size;
	if (lseek(f->fd, f->pos, SEEK_SET) < 0)
		f->pos = 0;
	log_msg(LOG_INFO, "pop log %s: following from its %s", f->path,
	    f->started ? "start (a new file)" : "end");
	f->missing = 0;
	f->started = 1;
}

/* After a drain: notice copytruncate and rename+create. */
static void
popfollow_check(struct popfollow *f)
{
	struct stat st, cur;

	if (fstat(f->fd, &cur) == 0 && cur.st_size < f->pos) {
		log_msg(LOG_INFO, "pop log %s: truncated, reading from its "
		    "start", f->path);
		lseek(f->fd, 0, SEEK_SET);
		f->pos = 0;
		f->blen = 0;
		f->skipping = 0;
		return;
	}
	if (stat(f->path, &st) != 0)
		return;		/* renamed away, not yet recreated */
	if (st.st_ino == f->ino && st.st_dev == f->dev)
		return;
	popfollow_drain(f);
	popfollow_close(f);
	popfollow_open(f);
}

static void
popfollow_round(struct popfollow *f)
{
	if (f->fd < 0) {
		popfollow_open(f);
		if (f->fd < 0)
			return;
	}
	popfollow_drain(f);
	popfollow_check(f);
	if (f->fd >= 0)
		popfollow_drain(f);
}

/* Sleep poll_ms unless told to stop; returns 1 when stopping. */
static int
popfollow_wait(struct popfollow *f)
{
	struct timespec ts;
	int stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)f->poll_ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&f->lock);
	if (!f->stop)
		pthread_cond_timedwait(&f->cond, &f->lock, &ts);
	stop = f->stop;
	pthread_mutex_unlock(&f->lock);
	return stop;
}

static void *
popfollow_thread(void *arg)
{
	struct popfollow *f = arg;

	do
		popfollow_round(f);
	while (!popfollow_wait(f));
	popfollow_close(f);
	return NULL;
}

struct popfollow *
popfollow_start(const char *path, int poll_ms, popfollow_line_fn fn,
    void *arg, char *err, size_t errlen)
{
	struct popfollow *f = calloc(1, sizeof(*f));

	if (f == NULL || (f->path = strdup(path)) == NULL) {
		free(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->poll_ms = poll_ms > 0 ? poll_ms : 250;
	f->fn = fn;
	f->arg = arg;
	f->fd = -1;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	/* The first open happens here, so "the end" is the end now. */
	popfollow_open(f);
	if (pthread_create(&f->tid, NULL, popfollow_thread, f) != 0) {
		snprintf(err, errlen, "pop log %s: cannot start a thread", path);
		popfollow_close(f);
		free(f->path);
		free(f);
		return NULL;
	}
	return f;
}

void
popfollow_stop(struct popfollow *f)
{
	if (f == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = 1;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->tid, NULL);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	free(f->path);
	free(f);
}
