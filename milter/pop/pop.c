/*
 * pop: the daemon's POP-before-SMTP service. The store is opened once,
 * at start, and lives until exit; milter threads read its pointer
 * without a lock. Each pop.logs entry gets a follower thread (a file's,
 * or the journal's: popjournal.c) whose lines go through the pure parsers of poplog.c; what they recognise, and what
 * "relayctl pop add" says, is recorded with the current window. A purge
 * thread drops expired LMDB entries once a minute.
 */
#include "config.h"

#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pop.h"
#include "popfollow.h"
#include "popjournal.h"
#include "poplog.h"
#include "stats.h"

#define POP_POLL_MS	250
#define POP_PURGE_S	60

struct pop_feed {
	const struct conf_poplog *pl;
	struct popfollow *f;
	struct popjournal *jf;		/* instead of f, for a journal entry */
};

static struct popstore *pop_st;
static struct conf *pop_conf;		/* pins the pop.logs entries */
static struct pop_feed *pop_feeds;
static size_t pop_nfeeds;
static pthread_t pop_purger;
static int pop_purging;
static pthread_mutex_t pop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pop_cond = PTHREAD_COND_INITIALIZER;
static int pop_stopping;

struct popstore *
pop_store(void)
{
	return __atomic_load_n(&pop_st, __ATOMIC_ACQUIRE);
}

int
pop_prepare(const struct conf *c, const char *user, char *err, size_t errlen)
{
	struct passwd *pw = NULL;

	if (!conf_pop_needed(c))
		return 0;
	if (user != NULL && geteuid() == 0 && (pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user %s: no such user", user);
		return -1;
	}
	return popstore_prepare(conf_pop_store(c), pw ? pw->pw_uid : (uid_t)-1,
	    pw ? pw->pw_gid : (gid_t)-1, err, errlen);
}

int
pop_open(const struct conf *c, char *err, size_t errlen)
{
	struct popstore *st;
	const char *spec = conf_pop_store(c);

	if (!conf_pop_needed(c))
		return 0;
	if (popstore_open(spec, c->pop_ipv6_prefix, c->pop_store_password, &st,
	    err, errlen) != 0)
		return -1;
	__atomic_store_n(&pop_st, st, __ATOMIC_RELEASE);
	log_msg(LOG_INFO, "pop store %s open (window %d s, IPv6 clients by "
	    "/%d)", popstore_kind(st), c->pop_window, c->pop_ipv6_prefix);
	return 0;
}

/* Why there is no store to use, in err. Returns -1. */
static int
pop_no_store(char *err, size_t errlen)
{
	snprintf(err, errlen, "no POP login store is open (no listener "
	    "enables pop_before_smtp)");
	return -1;
}

/*
 * pop.window and pop.protocols of the running config, which a reload may
 * change (the defaults are the key table's, applied by the loader).
 * Returns 0, or -1 with err filled (err may be NULL) when no config
 * runs: past the end, nothing is recorded.
 */
static int
pop_settings(int *window, int *protocols, char *err, size_t errlen)
{
	struct conf *c = conf_current();

	if (c == NULL) {
		if (err != NULL)
			snprintf(err, errlen, "no configuration is running");
		return -1;
	}
	*window = c->pop_window;
	*protocols = c->pop_protocols;
	conf_unref(c);
	return 0;
}

/* Store and log one login, kept for window seconds. */
static int
pop_record_for(const struct netaddr *a, const char *user, const char *source,
    int window, char *err, size_t errlen)
{
	struct popstore *st = pop_store();
	char ip[64], u[POPLOG_USER_MAX * 4];

	if (st == NULL)
		return pop_no_store(err, errlen);
	if (popstore_add(st, a, user, time(NULL), window, err, errlen) != 0)
		return -1;
	stats_inc(STATS_POP_LOGINS);
	log_msg(LOG_INFO, "pop login recorded: client=%s user=%s source=%s",
	    netaddr_format(a, ip, sizeof(ip)),
	    log_clean(user != NULL && *user ? user : "-", u, sizeof(u)),
	    source);
	return 0;
}

int
pop_record(const struct netaddr *a, const char *user, const char *source,
    char *err, size_t errlen)
{
	int window, protocols;

	if (pop_store() == NULL)
		return pop_no_store(err, errlen);
	if (pop_settings(&window, &protocols, err, errlen) != 0)
		return -1;
	return pop_record_for(a, user, source, window, err, errlen);
}

/*
 * One log line is one request: it pins the running config once, for
 * both the protocols that count and the window. The feed's file, format
 * and pattern are those of the start (changing them needs a restart,
 * which a reload reports).
 */
static void
pop_feed_line(void *arg, const char *line, size_t len)
{
	struct pop_feed *feed = arg;
	struct poplog_login l;
	struct conf *c = conf_current();
	char err[256];

	if (c != NULL && poplog_parse(feed->pl, c->pop_protocols, line, len,
	    &l) && pop_record_for(&l.addr, l.user, feed->pl->source,
	    c->pop_window, err, sizeof(err)) != 0)
		log_msg(LOG_ERR, "pop log %s: login not recorded: %s",
		    feed->pl->source, err);
	conf_unref(c);
}

static void *
pop_purge_thread(void *arg)
{
	struct timespec ts;
	int n, window, protocols;

	(void)arg;
	pthread_mutex_lock(&pop_lock);
	while (!pop_stopping) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += POP_PURGE_S;
		pthread_cond_timedwait(&pop_cond, &pop_lock, &ts);
		if (pop_stopping)
			break;
		pthread_mutex_unlock(&pop_lock);
		n = pop_settings(&window, &protocols, NULL, 0) != 0 ? 0 :
		    popstore_purge(pop_store(), time(NULL), window);
		if (n > 0)
			log_msg(LOG_DEBUG, "pop store: %d expired logins purged",
			    n);
		pthread_mutex_lock(&pop_lock);
	}
	pthread_mutex_unlock(&pop_lock);
	return NULL;
}

int
pop_start(const struct conf *c, char *err, size_t errlen)
{
	size_t i;

	if (pop_store() == NULL)
		return 0;
	pop_conf = conf_ref((struct conf *)c);
	pop_feeds = calloc(c->pop_nlogs + 1, sizeof(*pop_feeds));
	if (pop_feeds == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < c->pop_nlogs; i++) {
		struct pop_feed *fd = &pop_feeds[i];

		fd->pl = &c->pop_logs[i];
		if (fd->pl->journal != NULL)
			fd->jf = popjournal_start(fd->pl, POP_POLL_MS,
			    pop_feed_line, fd, err, errlen);
		else
			fd->f = popfollow_start(fd->pl->path, POP_POLL_MS,
			    pop_feed_line, fd, err, errlen);
		if (fd->f == NULL && fd->jf == NULL)
			return -1;
		pop_nfeeds++;
	}
	if (pthread_create(&pop_purger, NULL, pop_purge_thread, NULL) != 0) {
		snprintf(err, errlen, "cannot start the pop purge thread");
		return -1;
	}
	pop_purging = 1;
	return 0;
}

void
pop_stop(void)
{
	size_t i;

	for (i = 0; i < pop_nfeeds; i++) {
		popfollow_stop(pop_feeds[i].f);
		popjournal_stop(pop_feeds[i].jf);
	}
	free(pop_feeds);
	pop_feeds = NULL;
	pop_nfeeds = 0;
	if (pop_purging) {
		pthread_mutex_lock(&pop_lock);
		pop_stopping = 1;
		pthread_cond_signal(&pop_cond);
		pthread_mutex_unlock(&pop_lock);
		pthread_join(pop_purger, NULL);
		pop_purging = 0;
	}
	popstore_close(__atomic_exchange_n(&pop_st, NULL, __ATOMIC_ACQ_REL));
	conf_unref(pop_conf);
	pop_conf = NULL;
}

static int
pop_list_one(void *arg, const struct popstore_entry *e)
{
	FILE *out = arg;
	char u[POPLOG_USER_MAX * 4];
	long long age = (long long)(time(NULL) - e->when);

	fprintf(out, "%s user=%s age=%lld\n", e->key,
	    log_clean(*e->user ? e->user : "-", u, sizeof(u)), age);
	return 0;
}

int
pop_list(FILE *out, char *err, size_t errlen)
{
	struct popstore *st = pop_store();
	int window, protocols;

	if (st == NULL)
		return pop_no_store(err, errlen);
	if (pop_settings(&window, &protocols, err, errlen) != 0)
		return -1;
	/* popstore_list counts what it listed: only -1 is an error. */
	return popstore_list(st, time(NULL), window, pop_list_one, out, err,
	    errlen) < 0 ? -1 : 0;
}

int
pop_remove(const struct netaddr *a, int *removed, char *err, size_t errlen)
{
	struct popstore *st = pop_store();
	int rc;

	if (st == NULL)
		return pop_no_store(err, errlen);
	rc = popstore_del(st, a, err, errlen);
	if (rc < 0)
		return -1;
	*removed = rc;
	return 0;
}
