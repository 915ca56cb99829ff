/*
 * listen: sockets and accept loops for the control and auth services and
 * the front doors beside the milter (Postfix policy, Sendmail socket map).
 * (The milter socket belongs to libmilter, but its unix socket gets its
 * group and mode here too.)
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "listen.h"

struct listen_server {
	int		 fd;
	listen_handler	 handler;
	void		*arg;
	int		 max_clients;
	int		 timeout_s;
	int		 clients;
};

struct listen_client {
	struct listen_server *srv;
	int		 fd;
};

int
listen_unix_in_use(const char *path)
{
	struct sockaddr_un sun;
	int fd, used;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return 0;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	used = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return used;
}

int
listen_unix_perms(const char *path, int mode, const char *group, char *err,
    size_t errlen)
{
	if (group != NULL) {
		struct group *g = getgrnam(group);

		if (g == NULL || chown(path, (uid_t)-1, g->gr_gid) != 0) {
			snprintf(err, errlen, "%s: cannot give the socket to "
			    "group %s", path, group);
			return -1;
		}
	}
	if (chmod(path, (mode_t)(mode >= 0 ? mode : 0660)) != 0) {
		snprintf(err, errlen, "%s: cannot set the socket mode: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
listen_unix(const char *path, int mode, const char *group, char *err,
    size_t errlen)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	/* Never steal the socket of a daemon that is still running. */
	if (listen_unix_in_use(path)) {
		snprintf(err, errlen, "%s is in use by a running daemon", path);
		return -1;
	}
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    listen(fd, 64) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (listen_unix_perms(path, mode, group, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
listen_inet(const struct sockspec *s, char *err, size_t errlen)
{
	char port[8], name[SOCKSPEC_HOST_MAX + 16];
	struct addrinfo hints, *res = NULL;
	int fd, on = 1, rc;

	snprintf(port, sizeof(port), "%u", s->port);
	sockspec_format(s, name, sizeof(name));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = s->family == SOCKSPEC_INET6 ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(s->host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", name, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(fd, 64) != 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
listen_open(const struct sockspec *s, int mode, const char *group,
    char *err, size_t errlen)
{
	if (s->family == SOCKSPEC_UNIX)
		return listen_unix(s->path, mode, group, err, errlen);
	return listen_inet(s, err, errlen);
}

int
listen_open_spec(const char *spec, unsigned accept, int mode,
    const char *group, char *path, char *err, size_t errlen)
{
	struct sockspec s;
	int fd;

	if (sockspec_parse(spec, accept, &s, err, errlen) != 0)
		return -1;
	fd = listen_open(&s, mode, group, err, errlen);
	if (fd >= 0 && s.family == SOCKSPEC_UNIX)
		snprintf(path, SOCKSPEC_PATH_MAX, "%s", s.path);
	return fd;
}

int
listen_sock_open(struct listen_sock *ls, const char *spec, unsigned accept,
    int mode, const char *group, char *err, size_t errlen)
{
	if (spec == NULL)
		return 0;
	ls->fd = listen_open_spec(spec, accept, mode, group, ls->path, err,
	    errlen);
	return ls->fd < 0 ? -1 : 0;
}

int
listen_sock_start(const struct listen_sock *ls, listen_handler handler,
    void *arg, int max_clients, int timeout_s)
{
	if (ls->fd < 0)
		return 0;
	return listen_start(ls->fd, handler, arg, max_clients, timeout_s);
}

void
listen_sock_close(const struct listen_sock *ls)
{
	if (ls->fd >= 0 && ls->path[0] != '\0')
		unlink(ls->path);
}

static void *
listen_client_thread(void *arg)
{
	struct listen_client *lc = arg;
	struct listen_server *srv = lc->srv;

	srv->handler(lc->fd, srv->arg);
	close(lc->fd);
	free(lc);
	__atomic_sub_fetch(&srv->clients, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void
listen_spawn(struct listen_server *srv, int fd, pthread_attr_t *attr)
{
	struct timeval tv = { srv->timeout_s, 0 };
	struct listen_client *lc;
	pthread_t tid;

	if (__atomic_add_fetch(&srv->clients, 1, __ATOMIC_RELAXED) >
	    srv->max_clients || (lc = malloc(sizeof(*lc))) == NULL) {
		__atomic_sub_fetch(&srv->clients, 1, __ATOMIC_RELAXED);
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	lc->srv = srv;
	lc->fd = fd;
	if (pthread_create(&tid, attr, listen_client_thread, lc) != 0) {
		__atomic_sub_fetch(&srv->clients, 1, __ATOMIC_RELAXED);
		free(lc);
		close(fd);
	}
}

static void *
listen_accept_loop(void *arg)
{
	struct listen_server *srv = arg;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (;;) {
		int fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd >= 0) {
			listen_spawn(srv, fd, &attr);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EBADF || errno == EINVAL)
			break;
		/* EMFILE and friends: back off instead of spinning. */
		usleep(100000);
	}
	pthread_attr_destroy(&attr);
	return NULL;
}

int
listen_start(int fd, listen_handler handler, void *arg, int max_clients,
    int timeout_s)
{
	struct listen_server *srv = calloc(1, sizeof(*srv));
	pthread_t tid;

	if (srv == NULL)
		return -1;
	srv->fd = fd;
	srv->handler = handler;
	srv->arg = arg;
	srv->max_clients = max_clients;
	srv->timeout_s = timeout_s;
	if (pthread_create(&tid, NULL, listen_accept_loop, srv) != 0) {
		free(srv);
		return -1;
	}
	pthread_detach(tid);
	return 0;
}
