/*
 * ctl: the control socket server and its commands (reload, stats,
 * status). One line in, an answer out, then the connection is closed.
 * Reads are bounded in size and time: a client that sends garbage or
 * nothing loses its connection, and the daemon carries on.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctlproto.h"
#include "log.h"
#include "reload.h"
#include "stats.h"

#define CTL_CLIENTS_MAX	16
#define CTL_TIMEOUT_S	5

static int ctl_fd = -1;
static char ctl_path[108];
static int ctl_clients;
static time_t ctl_started;

static int
ctl_bind(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket %s: path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	/* Refuse to steal the socket of a daemon that is still running. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		snprintf(err, errlen, "control socket %s is in use by a running "
		    "daemon", path);
		return -1;
	}
	close(fd);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    listen(fd, 16) != 0) {
		snprintf(err, errlen, "control socket %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
ctl_open(const struct conf *c, char *err, size_t errlen)
{
	const char *path;

	ctl_started = time(NULL);
	if (c->control == NULL)
		return 0;
	path = ctlproto_socket_path(c->control);
	if (path == NULL) {
		snprintf(err, errlen, "control %s: must be unix:/path",
		    c->control);
		return -1;
	}
	ctl_fd = ctl_bind(path, err, errlen);
	if (ctl_fd < 0)
		return -1;
	snprintf(ctl_path, sizeof(ctl_path), "%s", path);
	if (c->control_group != NULL) {
		struct group *g = getgrnam(c->control_group);

		if (g == NULL || chown(path, (uid_t)-1, g->gr_gid) != 0) {
			snprintf(err, errlen, "control socket %s: cannot give it "
			    "to group %s", path, c->control_group);
			return -1;
		}
	}
	if (chmod(path, (mode_t)(c->control_mode >= 0 ? c->control_mode :
	    0660)) != 0) {
		snprintf(err, errlen, "control socket %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static void
ctl_status(FILE *out)
{
	struct conf *c = conf_current();
	char when[32], pending[512];
	time_t loaded = reload_loaded_at();
	struct tm tm;

	gmtime_r(&loaded, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	reload_restart_needed(pending, sizeof(pending));
	fprintf(out, "version %s\n", PACKAGE_VERSION);
	fprintf(out, "pid %ld\n", (long)getpid());
	fprintf(out, "uptime %lld\n", (long long)(time(NULL) - ctl_started));
	fprintf(out, "config %s\n", reload_path() ? reload_path() :
	    "(embedded default)");
	fprintf(out, "config_loaded %s\n", when);
	if (c != NULL) {
		fprintf(out, "listener.milter %s\n", c->socket);
		if (c->control != NULL)
			fprintf(out, "listener.control %s\n", c->control);
		fprintf(out, "services %zu\n", c->nservices);
		fprintf(out, "users %zu\n", c->nusers);
		fprintf(out, "dry_run %s\n", c->dry_run ? "yes" : "no");
	}
	fprintf(out, "restart_needed %s\n", pending[0] ? pending : "no");
	fprintf(out, "connections %llu\n",
	    (unsigned long long)stats_get(STATS_CONNECTIONS));
	conf_unref(c);
}

void
ctl_handle(char *line, FILE *out)
{
	char *argv[CTL_ARGS_MAX], msg[CONF_ERRLEN];
	int argc = ctlproto_split(line, argv);

	if (argc < 0) {
		fprintf(out, "error: malformed command line\n");
		return;
	}
	if (strcmp(argv[0], "reload") == 0 && argc == 1) {
		if (reload_run(msg, sizeof(msg)) == 0)
			fprintf(out, "%s\nok\n", msg);
		else
			fprintf(out, "error: %s\n", msg);
	} else if (strcmp(argv[0], "stats") == 0 && argc == 1) {
		stats_print(out, 0);
		fprintf(out, "ok\n");
	} else if (strcmp(argv[0], "stats") == 0 && argc == 2 &&
	    strcmp(argv[1], "--prometheus") == 0) {
		stats_print(out, 1);
		fprintf(out, "ok\n");
	} else if (strcmp(argv[0], "status") == 0 && argc == 1) {
		ctl_status(out);
		fprintf(out, "ok\n");
	} else if (strcmp(argv[0], "pop") == 0) {
		fprintf(out, "error: POP-before-SMTP logins are not available "
		    "in this build\n");
	} else
		fprintf(out, "error: unknown command or wrong arguments "
		    "(reload, stats [--prometheus], status)\n");
}

/*
 * Read one line of at most CTL_LINE_MAX bytes. Returns 0, -1 when it is
 * too long or never ends, -2 when it holds a NUL (which would hide the
 * rest of the line from the parser).
 */
static int
ctl_read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	int nul = 0;

	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, 1);

		if (r <= 0)
			return -1;
		if (buf[n] == '\0')
			nul = 1;
		if (buf[n] == '\n') {
			buf[n + 1] = '\0';
			return nul ? -2 : 0;
		}
		n++;
	}
	return -1;
}

static void *
ctl_client(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char line[CTL_LINE_MAX + 1], *buf = NULL;
	size_t len = 0;
	FILE *out;

	out = open_memstream(&buf, &len);
	if (out != NULL) {
		int rc = ctl_read_line(fd, line, sizeof(line));

		if (rc == 0)
			ctl_handle(line, out);
		else if (rc == -2)
			fprintf(out, "error: malformed command line\n");
		else
			fprintf(out, "error: expected one command line of at "
			    "most %d bytes\n", CTL_LINE_MAX - 1);
		fclose(out);
		/* The reply is best effort: the client may be gone. */
		if (buf != NULL && send(fd, buf, len, MSG_NOSIGNAL) < 0)
			len = 0;
		free(buf);
	}
	close(fd);
	__atomic_sub_fetch(&ctl_clients, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void *
ctl_accept_loop(void *arg)
{
	struct timeval tv = { CTL_TIMEOUT_S, 0 };
	pthread_attr_t attr;

	(void)arg;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		pthread_t tid;
		int fd = accept4(ctl_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EBADF || errno == EINVAL)
				break;
			/* EMFILE and friends: back off instead of spinning. */
			usleep(100000);
			continue;
		}
		if (__atomic_add_fetch(&ctl_clients, 1, __ATOMIC_RELAXED) >
		    CTL_CLIENTS_MAX) {
			__atomic_sub_fetch(&ctl_clients, 1, __ATOMIC_RELAXED);
			close(fd);
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (pthread_create(&tid, &attr, ctl_client,
		    (void *)(intptr_t)fd) != 0) {
			__atomic_sub_fetch(&ctl_clients, 1, __ATOMIC_RELAXED);
			close(fd);
		}
	}
	pthread_attr_destroy(&attr);
	return NULL;
}

int
ctl_start(void)
{
	pthread_t tid;

	if (ctl_fd < 0)
		return 0;
	if (pthread_create(&tid, NULL, ctl_accept_loop, NULL) != 0)
		return -1;
	pthread_detach(tid);
	return 0;
}

void
ctl_close(void)
{
	if (ctl_fd >= 0 && ctl_path[0] != '\0')
		unlink(ctl_path);
}
