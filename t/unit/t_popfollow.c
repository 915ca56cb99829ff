/*
 * t_popfollow: the log follower on real files in a temporary directory:
 * it starts at the end, sees appended lines, waits for an unfinished
 * line, skips an over-long one, follows rename+create (reading what the
 * old file got after the rename) and copytruncate, and waits for a file
 * that went missing; once stopped it holds the file no longer and hands
 * out nothing more.
 */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "popfollow.h"
#include "poplog.h"

#define POLL_MS	20

static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static char seen[65536];

static void
on_line(void *arg, const char *line, size_t len)
{
	size_t n;

	(void)arg;
	pthread_mutex_lock(&seen_lock);
	n = strlen(seen);
	if (n + len + 2 < sizeof(seen)) {
		memcpy(seen + n, line, len);
		seen[n + len] = '|';
		seen[n + len + 1] = '\0';
	}
	pthread_mutex_unlock(&seen_lock);
}

/*
 * Wait until the lines seen are want, or can no longer become it (not a
 * prefix of it); then clear them. The 30 s limit only keeps a follower
 * that never reads from hanging the test: a slow machine still passes.
 */
static void
expect(const char *want, const char *what)
{
	char got[sizeof(seen)];
	int i;

	for (i = 0; i < 1500; i++) {
		pthread_mutex_lock(&seen_lock);
		snprintf(got, sizeof(got), "%s", seen);
		pthread_mutex_unlock(&seen_lock);
		if (strncmp(got, want, strlen(got)) != 0 ||
		    strcmp(got, want) == 0)
			break;
		usleep(20000);
	}
	/* Nothing more may arrive afterwards either. */
	usleep(5 * POLL_MS * 1000);
	pthread_mutex_lock(&seen_lock);
	snprintf(got, sizeof(got), "%s", seen);
	seen[0] = '\0';
	pthread_mutex_unlock(&seen_lock);
	tap_is_str(got, want, what);
}

static void
append(const char *path, const char *text, const char *mode)
{
	FILE *f = fopen(path, mode);

	if (f == NULL) {
		printf("# cannot write %s\n", path);
		return;
	}
	fputs(text, f);
	fclose(f);
}

/* How many of this process's descriptors are open on path. */
static int
open_on(const char *path)
{
	char link[300], target[PATH_MAX];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (dir == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		ssize_t len;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", d->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		n += strcmp(target, path) == 0;
	}
	closedir(dir);
	return n;
}

static void
test_long_line(const char *log)
{
	char *big = malloc(POPLOG_LINE_MAX * 2 + 2);

	if (big == NULL)
		return;
	memset(big, 'x', POPLOG_LINE_MAX * 2);
	big[POPLOG_LINE_MAX * 2] = '\n';
	big[POPLOG_LINE_MAX * 2 + 1] = '\0';
	append(log, big, "a");
	append(log, "after-long\n", "a");
	expect("after-long|", "an over-long line is skipped, the next is read");
	free(big);
}

static void
test_rotation(const char *log, const char *old)
{
	/* rename + create, with a late line in the renamed file */
	if (rename(log, old) != 0)
		printf("# rename failed\n");
	append(old, "late-in-old\n", "a");
	usleep(4 * POLL_MS * 1000);
	append(log, "first-in-new\n", "w");
	expect("late-in-old|first-in-new|", "rename+create: the old file is "
	    "read to its end, the new one from its start");
	/* copytruncate */
	append(log, "more\n", "a");
	expect("more|", "line after rotation");
	usleep(4 * POLL_MS * 1000);
	append(log, "", "w");
	usleep(4 * POLL_MS * 1000);
	append(log, "after-truncate\n", "a");
	expect("after-truncate|", "copytruncate: read again from the start");
	/* missing for a while */
	unlink(log);
	unlink(old);
	usleep(10 * POLL_MS * 1000);
	append(log, "back-again\n", "w");
	expect("back-again|", "a file missing for a while is read when it "
	    "comes back");
}

int
main(void)
{
	char dir[] = "/tmp/t_popfollow.XXXXXX", log[128], old[128], cmd[160];
	char err[256];
	struct popfollow *f;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp failed\n");
		return 1;
	}
	snprintf(log, sizeof(log), "%s/mail.log", dir);
	snprintf(old, sizeof(old), "%s/mail.log.1", dir);
	append(log, "old-1\nold-2\n", "w");
	f = popfollow_start(log, POLL_MS, on_line, NULL, err, sizeof(err));
	if (f == NULL) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	append(log, "new-1\nnew-2\n", "a");
	expect("new-1|new-2|", "starts at the end: only new lines");
	append(log, "part", "a");
	expect("", "an unfinished line is not handed out");
	append(log, "ial\n", "a");
	expect("partial|", "the line once finished");
	test_long_line(log);
	test_rotation(log, old);
	tap_is_int(open_on(log), 1, "the follower holds the log open");
	popfollow_stop(f);
	tap_is_int(open_on(log), 0, "once stopped, it holds the log no longer "
	    "(its thread closed it and was joined)");
	append(log, "after-stop\n", "a");
	expect("", "a line written after the stop is not handed out");
	/* A follower of a file that is not there yet reads it from 0. */
	unlink(log);
	f = popfollow_start(log, POLL_MS, on_line, NULL, err, sizeof(err));
	tap_ok(f != NULL, "a follower starts on a missing file (%s)",
	    f ? "ok" : err);
	append(log, "created-later\n", "w");
	expect("created-later|", "a file missing at start is read from its "
	    "start once it exists");
	popfollow_stop(f);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
