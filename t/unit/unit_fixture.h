/*
 * unit_fixture.h: what the unit tests of single modules share -- NELEM,
 * a temporary directory of their own, running a function in several
 * threads at once, and counting lines of printed text. Included by
 * t_strmap.c, t_throttle.c, t_stats.c, t_metrics.c, t_log.c, t_listen.c
 * and t_authtiming.c.
 */
#ifndef RELAYMILTER_UNIT_FIXTURE_H
#define RELAYMILTER_UNIT_FIXTURE_H

#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define THREADS_MAX 64

/*
 * tmpdir_make -- create $TMPDIR/name.XXXXXX (or under /tmp) into dir.
 * Returns 0, or -1 after a "Bail out!" line.
 */
static __attribute__((unused)) int
tmpdir_make(const char *name, char *dir, size_t len)
{
	const char *base = getenv("TMPDIR");

	snprintf(dir, len, "%s/%s.XXXXXX", base && *base ? base : "/tmp",
	    name);
	if (mkdtemp(dir) != NULL)
		return 0;
	printf("Bail out! mkdtemp %s failed\n", dir);
	return -1;
}

/* tmpdir_remove -- rm -rf dir. */
static __attribute__((unused)) void
tmpdir_remove(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

/*
 * threads_run -- run fn in n threads at once, thread i with the argument
 * (char *)arg + i * stride (stride 0: all the same), and wait for them.
 * Returns how many started; checks that all did.
 */
static __attribute__((unused)) int
threads_run(int n, void *(*fn)(void *), void *arg, size_t stride)
{
	pthread_t tid[THREADS_MAX];
	int i, started = 0;

	for (i = 0; i < n && i < THREADS_MAX; i++)
		if (pthread_create(&tid[started], NULL, fn, (char *)arg +
		    (size_t)i * stride) == 0)
			started++;
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	tap_is_int(started, n, "threads started");
	return started;
}

/*
 * count_lines -- how many lines of text are s (whole) or start with it
 * (whole 0).
 */
static __attribute__((unused)) int
count_lines(const char *text, const char *s, int whole)
{
	size_t n = strlen(s);
	const char *p = text;
	int count = 0;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, s, n) == 0 && (!whole || p[n] == '\n' ||
		    p[n] == '\0'))
			count++;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return count;
}

#endif
