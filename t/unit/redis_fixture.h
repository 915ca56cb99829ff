/*
 * redis_fixture.h: a private redis-server for the tests of the stores
 * kept in Redis: started on 127.0.0.1:redis_port with its files in
 * redis_dir, a direct connection of the test's own (INFO, FLUSHDB,
 * SCRIPT FLUSH, CONFIG SET) on database redis_db, and the per-command
 * call counts of INFO commandstats. The including test sets redis_port,
 * redis_db and (with tmpdir_make) redis_dir first. Only the server it
 * started is ever signalled, by its PID.
 */
#ifndef RELAYMILTER_REDIS_FIXTURE_H
#define RELAYMILTER_REDIS_FIXTURE_H

#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit_fixture.h"

static int redis_port, redis_db;
static char redis_dir[256];
static pid_t redis_pid = -1;

/* A direct connection of the test's own (INFO, FLUSHDB, SCRIPT FLUSH). */
static __attribute__((unused)) redisContext *
redis_ctl(void)
{
	struct timeval tv = { 1, 0 };
	redisContext *c = redisConnectWithTimeout("127.0.0.1", redis_port, tv);
	redisReply *rep;

	if (c != NULL && c->err) {
		redisFree(c);
		return NULL;
	}
	/* the store's database, so that FLUSHDB clears what it wrote */
	rep = c != NULL ? redisCommand(c, "SELECT %d", redis_db) : NULL;
	if (rep != NULL)
		freeReplyObject(rep);
	return c;
}

/* Run one command on a fresh connection; 0 if it answered no error. */
static __attribute__((unused)) int
redis_cmd(const char *cmd)
{
	redisContext *c = redis_ctl();
	redisReply *rep = c != NULL ? redisCommand(c, cmd) : NULL;
	int rc = rep != NULL && rep->type != REDIS_REPLY_ERROR ? 0 : -1;

	if (rep != NULL)
		freeReplyObject(rep);
	if (c != NULL)
		redisFree(c);
	return rc;
}

/*
 * redis_start -- start redis-server on 127.0.0.1:redis_port with its
 * files in redis_dir (no persistence) and wait until it answers PING.
 * 0, or -1.
 */
static __attribute__((unused)) int
redis_start(void)
{
	char port[8], logfile[sizeof(redis_dir) + 16];
	int i;

	snprintf(port, sizeof(port), "%d", redis_port);
	/* the server's own lines stay out of the TAP stream */
	snprintf(logfile, sizeof(logfile), "%s/redis.log", redis_dir);
	redis_pid = fork();
	if (redis_pid == 0) {
		execlp("redis-server", "redis-server", "--port", port,
		    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		    "--dir", redis_dir, "--loglevel", "warning", "--logfile",
		    logfile, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200 && redis_pid > 0; i++) {
		if (redis_cmd("PING") == 0)
			return 0;
		usleep(50000);
	}
	return -1;
}

/* redis_stop -- stop the server started by redis_start, if running. */
static __attribute__((unused)) void
redis_stop(void)
{
	if (redis_pid <= 0)
		return;
	kill(redis_pid, SIGTERM);
	waitpid(redis_pid, NULL, 0);
	redis_pid = -1;
}

/* The number of calls of each command so far, from INFO commandstats. */
struct redis_cmdstats {
	char	 names[64][48];
	long	 calls[64];
	int	 n;
};

static __attribute__((unused)) int
redis_cmdstats(struct redis_cmdstats *s)
{
	redisContext *c = redis_ctl();
	redisReply *rep = c != NULL ? redisCommand(c, "INFO commandstats") :
	    NULL;
	char *p, *save = NULL;

	s->n = 0;
	if (rep == NULL || rep->type != REDIS_REPLY_STRING) {
		if (rep != NULL)
			freeReplyObject(rep);
		if (c != NULL)
			redisFree(c);
		return -1;
	}
	for (p = strtok_r(rep->str, "\r\n", &save); p != NULL && s->n < 64;
	    p = strtok_r(NULL, "\r\n", &save))
		if (sscanf(p, "cmdstat_%47[^:]:calls=%ld", s->names[s->n],
		    &s->calls[s->n]) == 2)
			s->n++;
	freeReplyObject(rep);
	redisFree(c);
	return 0;
}

static __attribute__((unused)) long
redis_cmdstats_calls(const struct redis_cmdstats *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return s->calls[i];
	return 0;
}


/* What the decide script calls inside the server (commandstats counts
   them too, though they cost no round trip). */
static const char *const redis_inner[] = { "get", "hget", "hincrby", "hset",
    "expire", "zadd", "zremrangebyscore", "zcard", "select", "info" };

static __attribute__((unused)) int
redis_cmdstats_inner(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(redis_inner); i++)
		if (strcmp(redis_inner[i], name) == 0)
			return 1;
	return 0;
}

/* The commands whose count moved from a to b, as text. */
static __attribute__((unused)) void
redis_cmdstats_diff(const struct redis_cmdstats *a, const struct redis_cmdstats *b, char *out,
    size_t len)
{
	int i;

	out[0] = '\0';
	for (i = 0; i < b->n; i++) {
		long d = b->calls[i] - redis_cmdstats_calls(a, b->names[i]);

		if (d != 0 && !redis_cmdstats_inner(b->names[i]))
			snprintf(out + strlen(out), len - strlen(out), "%s=%ld ",
			    b->names[i], d);
	}
}

#endif
