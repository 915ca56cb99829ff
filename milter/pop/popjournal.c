/*
 * popjournal: a journal follower thread for a pop.logs entry with
 * "journal". The journal is opened with sd_journal, narrowed by matches
 * to one SYSLOG_IDENTIFIER (and one _SYSTEMD_UNIT), and read from its
 * end; each round reads the entries added since the last one, then
 * waits in sd_journal_wait, which also notices new, rotated and removed
 * journal files. A journal that cannot be opened is retried each round.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "log.h"
#include "popjournal.h"
#include "poplog.h"

struct popjournal {
	const struct conf_poplog *pl;
	int		 poll_ms;
	popfollow_line_fn fn;
	void		*arg;
	sd_journal	*j;
	int		 missing;	/* "cannot open" already logged */
	int		 failing;	/* a read error already logged */
	char		 line[POPLOG_LINE_MAX + 1];
	pthread_t	 tid;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 ready;		/* the first open was tried */
	int		 stop;		/* atomic */
};

size_t
popjournal_line(char *buf, size_t len, uint64_t realtime_usec,
    const char *ident, const char *msg, size_t msglen)
{
	time_t t = (time_t)(realtime_usec / 1000000);
	const char *nl = memchr(msg, '\n', msglen);
	struct tm tm;
	char stamp[32];
	int n;

	/* A file follower sees lines: only the first one of a message. */
	if (nl != NULL)
		msglen = (size_t)(nl - msg);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return 0;
	n = snprintf(buf, len, "%s.%06uZ localhost %s: %.*s", stamp,
	    (unsigned)(realtime_usec % 1000000), ident, (int)msglen, msg);
	if (n < 0 || (size_t)n >= len || msglen > POPLOG_LINE_MAX)
		return 0;
	return (size_t)n;
}

/* Add the match FIELD=value; 0, or a negative errno. */
static int
popjournal_match(sd_journal *j, const char *field, const char *value)
{
	char m[512];
	int n = snprintf(m, sizeof(m), "%s=%s", field, value);

	if (n < 0 || (size_t)n >= sizeof(m))
		return -ENAMETOOLONG;
	return sd_journal_add_match(j, m, (size_t)n);
}

/* Open the journal, narrow it and seek past its last entry. */
static void
popjournal_open(struct popjournal *p)
{
	const struct conf_poplog *pl = p->pl;
	const char *where = pl->journal_directory != NULL ?
	    pl->journal_directory : "the system journal";
	int r;

	r = pl->journal_directory != NULL ?
	    sd_journal_open_directory(&p->j, pl->journal_directory, 0) :
	    sd_journal_open(&p->j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (r >= 0)
		r = popjournal_match(p->j, "SYSLOG_IDENTIFIER", pl->journal);
	if (r >= 0 && pl->journal_unit != NULL && *pl->journal_unit != '\0')
		r = popjournal_match(p->j, "_SYSTEMD_UNIT", pl->journal_unit);
	/* Past the last entry that is there now: only new logins count. */
	if (r >= 0 && (r = sd_journal_seek_tail(p->j)) >= 0)
		r = sd_journal_previous(p->j);
	if (r < 0) {
		if (!p->missing)
			log_msg(LOG_WARNING, "pop log %s (%s): %s; retrying",
			    pl->source, where, strerror(-r));
		p->missing = 1;
		sd_journal_close(p->j);
		p->j = NULL;
		return;
	}
	log_msg(LOG_INFO, "pop log %s (%s, unit %s): following from its end",
	    pl->source, where, pl->journal_unit != NULL &&
	    *pl->journal_unit != '\0' ? pl->journal_unit : "any");
	p->missing = 0;
}

/* Hand the current entry to the callback. */
static void
popjournal_entry(struct popjournal *p)
{
	const void *d;
	size_t dlen, n;
	uint64_t usec;

	if (sd_journal_get_realtime_usec(p->j, &usec) < 0 ||
	    sd_journal_get_data(p->j, "MESSAGE", &d, &dlen) < 0 ||
	    dlen < sizeof("MESSAGE=") - 1)
		return;
	n = popjournal_line(p->line, sizeof(p->line), usec, p->pl->journal,
	    (const char *)d + 8, dlen - 8);
	if (n > 0)
		p->fn(p->arg, p->line, n);
}

/* Read every entry added since the last round. */
static void
popjournal_drain(struct popjournal *p)
{
	int r;

	while ((r = sd_journal_next(p->j)) > 0) {
		popjournal_entry(p);
		p->failing = 0;
	}
	if (r < 0 && !p->failing) {
		log_msg(LOG_WARNING, "pop log %s: reading the journal: %s",
		    p->pl->source, strerror(-r));
		p->failing = 1;
	}
}

/* Wait up to poll_ms for the journal to change; 1 when stopping. */
static int
popjournal_wait(struct popjournal *p)
{
	struct timespec ts = { p->poll_ms / 1000,
	    (long)(p->poll_ms % 1000) * 1000000L };

	if (__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE))
		return 1;
	/* sd_journal_wait also takes in new and removed journal files. */
	if (p->j == NULL || sd_journal_wait(p->j,
	    (uint64_t)p->poll_ms * 1000) < 0)
		nanosleep(&ts, NULL);
	return __atomic_load_n(&p->stop, __ATOMIC_ACQUIRE);
}

/*
 * sd_journal wants one thread for the whole life of a handle: this one
 * opens, reads and closes it. Its first open is awaited by the start.
 */
static void *
popjournal_thread(void *arg)
{
	struct popjournal *p = arg;

	popjournal_open(p);
	pthread_mutex_lock(&p->lock);
	p->ready = 1;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	while (!popjournal_wait(p)) {
		if (p->j == NULL)
			popjournal_open(p);
		else
			popjournal_drain(p);
	}
	sd_journal_close(p->j);
	return NULL;
}

static void
popjournal_free(struct popjournal *p)
{
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}

struct popjournal *
popjournal_start(const struct conf_poplog *pl, int poll_ms,
    popfollow_line_fn fn, void *arg, char *err, size_t errlen)
{
	struct popjournal *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->pl = pl;
	p->poll_ms = poll_ms > 0 ? poll_ms : 250;
	p->fn = fn;
	p->arg = arg;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (pthread_create(&p->tid, NULL, popjournal_thread, p) != 0) {
		snprintf(err, errlen, "pop log %s: cannot start a thread",
		    pl->source);
		popjournal_free(p);
		return NULL;
	}
	/* Wait for the first open, so that "the end" is the end now. */
	pthread_mutex_lock(&p->lock);
	while (!p->ready)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return p;
}

void
popjournal_stop(struct popjournal *p)
{
	if (p == NULL)
		return;
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	pthread_join(p->tid, NULL);
	popjournal_free(p);
}
