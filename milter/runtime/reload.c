/*
 * reload: building, checking and installing a new config at run time.
 * Listener sockets and the user are bound or switched once at start, so a
 * change to them is reported as needing a restart instead of being
 * silently ignored.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reload.h"
#include "stats.h"

static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static char *reload_file;
static time_t reload_time;
static char reload_pending[512];

/* What was bound at start, to compare with each new file. */
static struct {
	char	*socket;
	char	*postfix_policy;
	char	*socketmap;
	char	*control;
	char	*user;
	char	*dovecot;
	char	*saslauthd;
	char	*secret_file;	/* read once, by the auth services' start */
	char	*pop_store;	/* the store opened at start, or NULL */
	char	*pop_feeds;	/* conf_pop_describe of the start */
	char	*metrics;	/* the metrics address bound at start */
	char	*limits_store;	/* the accounts store opened at start */
} reload_start;

static char *
reload_dup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

void
reload_init(const char *path, const struct conf *c)
{
	reload_file = reload_dup(path);
	reload_time = time(NULL);
	reload_start.socket = reload_dup(c->socket);
	reload_start.postfix_policy = reload_dup(c->postfix_policy);
	reload_start.socketmap = reload_dup(c->sendmail_socketmap);
	reload_start.control = reload_dup(c->control);
	reload_start.user = reload_dup(c->user);
	reload_start.dovecot = reload_dup(c->auth_dovecot);
	reload_start.saslauthd = reload_dup(c->auth_saslauthd);
	reload_start.secret_file = reload_dup(c->auth_secret_file);
	reload_start.metrics = reload_dup(c->metrics);
	reload_start.limits_store = reload_dup(c->limits_store);
	if (conf_pop_needed(c)) {
		char feeds[512];

		reload_start.pop_store = reload_dup(conf_pop_store(c));
		conf_pop_describe(c, feeds, sizeof(feeds));
		reload_start.pop_feeds = reload_dup(feeds);
	}
}

static int
reload_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

static void
reload_note(char *buf, size_t len, const char *key, const char *a,
    const char *b)
{
	size_t n = strlen(buf);

	if (!reload_differs(a, b) || n >= len)
		return;
	snprintf(buf + n, len - n, "%s%s (running %s, file %s)",
	    n ? ", " : "", key, a ? a : "none", b ? b : "none");
}

/* The POP store and its feeds are opened once, at start. */
static void
reload_compare_pop(const struct conf *c, char *buf, size_t len)
{
	char feeds[512];

	if (!conf_pop_needed(c))
		return;
	reload_note(buf, len, "pop.store", reload_start.pop_store,
	    conf_pop_store(c));
	conf_pop_describe(c, feeds, sizeof(feeds));
	if (reload_start.pop_store != NULL)
		reload_note(buf, len, "pop.logs/pop.ipv6_prefix",
		    reload_start.pop_feeds, feeds);
}

static void
reload_compare(const struct conf *c)
{
	char buf[sizeof(reload_pending)] = "";

	reload_note(buf, sizeof(buf), "socket", reload_start.socket,
	    c->socket);
	reload_note(buf, sizeof(buf), "postfix_policy",
	    reload_start.postfix_policy, c->postfix_policy);
	reload_note(buf, sizeof(buf), "sendmail_socketmap",
	    reload_start.socketmap, c->sendmail_socketmap);
	reload_note(buf, sizeof(buf), "control", reload_start.control,
	    c->control);
	reload_note(buf, sizeof(buf), "user", reload_start.user, c->user);
	reload_note(buf, sizeof(buf), "auth.dovecot", reload_start.dovecot,
	    c->auth_dovecot);
	reload_note(buf, sizeof(buf), "auth.saslauthd", reload_start.saslauthd,
	    c->auth_saslauthd);
	reload_note(buf, sizeof(buf), "auth.secret_file",
	    reload_start.secret_file, c->auth_secret_file);
	reload_note(buf, sizeof(buf), "metrics", reload_start.metrics,
	    c->metrics);
	reload_compare_pop(c, buf, sizeof(buf));
	reload_note(buf, sizeof(buf), "limits.store",
	    reload_start.limits_store, c->limits_store);
	memcpy(reload_pending, buf, sizeof(buf));
}

static double
reload_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
reload_run(char *msg, size_t len)
{
	double t0, ms;
	struct conf *c;
	size_t i;

	pthread_mutex_lock(&reload_lock);
	if (reload_file == NULL) {
		snprintf(msg, len, "running on the embedded default: there is "
		    "no file to reload (start with -c FILE)");
		log_msg(LOG_NOTICE, "reload: %s", msg);
		pthread_mutex_unlock(&reload_lock);
		return 0;
	}
	t0 = reload_ms();
	c = conf_load(reload_file, msg, len);
	if (c == NULL) {
		stats_inc(STATS_RELOAD_FAILED);
		log_msg(LOG_ERR, "reload failed, keeping the running config: %s",
		    msg);
		pthread_mutex_unlock(&reload_lock);
		return -1;
	}
	for (i = 0; i < c->nwarnings; i++)
		log_msg(LOG_WARNING, "%s", c->warnings[i]);
	reload_compare(c);
	conf_install(c);
	reload_time = time(NULL);
	stats_inc(STATS_RELOAD_OK);
	ms = reload_ms() - t0;
	stats_config_loaded(reload_time, ms / 1e3);
	if (reload_pending[0] != '\0') {
		snprintf(msg, len, "%s loaded in %.0f ms; restart needed for: "
		    "%s", reload_file, ms, reload_pending);
		log_msg(LOG_WARNING, "reload: %s", msg);
	} else {
		snprintf(msg, len, "%s loaded in %.0f ms", reload_file, ms);
		log_msg(LOG_INFO, "reload: %s", msg);
	}
	pthread_mutex_unlock(&reload_lock);
	return 0;
}

const char *
reload_path(void)
{
	return reload_file;
}

time_t
reload_loaded_at(void)
{
	time_t t;

	pthread_mutex_lock(&reload_lock);
	t = reload_time;
	pthread_mutex_unlock(&reload_lock);
	return t;
}

void
reload_restart_needed(char *buf, size_t len)
{
	pthread_mutex_lock(&reload_lock);
	snprintf(buf, len, "%s", reload_pending);
	pthread_mutex_unlock(&reload_lock);
}
