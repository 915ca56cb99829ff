/*
 * t_listen: the daemon's own listening sockets, in a temporary directory
 * and on loopback ports the kernel picks. A unix socket is made with its
 * mode (0660 by default) and group; a stale socket file is replaced, a
 * live one is refused and keeps serving its owner; a path too long, a
 * missing directory, an unknown group and every malformed spec give an
 * error naming it and leave no descriptor behind; inet (and inet6 where
 * the host has it) listen on the address asked. listen_sock binds a
 * configured socket (or nothing when none is configured) and removes
 * its file at stop. The accept loop serves
 * each client in a thread with the send and receive timeouts set,
 * closes the connection after the handler, and closes at once a client
 * past max_clients.
 */
#include "unit_fixture.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "listen.h"

static char dir[512];

/* ==== helpers ==== */

/* Open descriptors of this process. */
static int
fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static void
sock_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* A client connected to the unix socket at path, or -1. */
static int
unix_connect(const char *path)
{
	struct sockaddr_un sun;
	struct timeval tv = { 30, 0 };	/* a hang fails, it does not wait */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* A socket bound at path, listening if live; -1 on failure. */
static int
unix_bound(const char *path, int live)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    (live && listen(fd, 4) != 0)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Everything the peer sends until it closes (at most len - 1 bytes). */
static const char *
read_all(int fd, char *buf, size_t len)
{
	size_t o = 0;
	ssize_t n;

	while (o + 1 < len && (n = read(fd, buf + o, len - 1 - o)) > 0)
		o += (size_t)n;
	buf[o] = '\0';
	return buf;
}

/* ==== the unix path a socket spec names (sockspec_parse) ==== */

static const struct {
	const char *spec, *want;	/* want NULL: not a unix socket */
} path_cases[] = {
	{ "unix:/run/relaymilter/ctl.sock", "/run/relaymilter/ctl.sock" },
	{ "local:/run/x.sock", "/run/x.sock" },
	{ "unix:", NULL },
	{ "inet:8895@127.0.0.1", NULL },
	{ "inet6:8895@::1", NULL },
	{ "UNIX:/run/x.sock", NULL },
	{ "unix/run/x.sock", NULL },
	{ "/run/x.sock", NULL },
	{ "", NULL },
};

/* The unix path of spec as the daemon reads a listener key, or NULL. */
static const char *
unix_path(const char *spec, struct sockspec *s)
{
	char err[256];

	if (sockspec_parse(spec, SOCKSPEC_ACCEPT_UNIX | SOCKSPEC_ACCEPT_INET,
	    s, err, sizeof(err)) != 0 || s->family != SOCKSPEC_UNIX)
		return NULL;
	return s->path;
}

/*
 * Open spec as the daemon opens a listener key: parsed by sockspec,
 * then listen_open. -1 with err from whichever refused it.
 */
static int
open_spec(const char *spec, int mode, const char *group, char *err,
    size_t errlen)
{
	struct sockspec s;

	if (sockspec_parse(spec, SOCKSPEC_ACCEPT_UNIX | SOCKSPEC_ACCEPT_INET,
	    &s, err, errlen) != 0)
		return -1;
	return listen_open(&s, mode, group, err, errlen);
}

static void
test_unix_path(void)
{
	struct sockspec s;
	size_t i;

	for (i = 0; i < NELEM(path_cases); i++) {
		char what[128];

		snprintf(what, sizeof(what), "unix path of \"%s\"",
		    path_cases[i].spec);
		tap_is_str(unix_path(path_cases[i].spec, &s),
		    path_cases[i].want, what);
	}
}

/* ==== unix sockets: mode and group ==== */

/* A group other than ours into name and *gid: 0, or -1 if none. */
static int
other_group(char *name, size_t len, gid_t *gid)
{
	const struct group *g;
	int rc = -1;

	setgrent();
	while ((g = getgrent()) != NULL)
		if (g->gr_gid != getegid()) {
			snprintf(name, len, "%s", g->gr_name);
			*gid = g->gr_gid;
			rc = 0;
			break;
		}
	endgrent();
	return rc;
}

struct mode_case {
	const char	*name;
	int		 mode;
	long		 want;
};

static const struct mode_case mode_cases[] = {
	{ "default.sock", -1, 0660 },
	{ "private.sock", 0600, 0600 },
	{ "open.sock", 0666, 0666 },
	{ "group.sock", 0620, 0620 },
};

static void
test_unix_modes(void)
{
	size_t i;

	for (i = 0; i < NELEM(mode_cases); i++) {
		const struct mode_case *tc = &mode_cases[i];
		char path[600], spec[620], err[256] = "", what[200];
		char label[64];
		struct stat st;
		int fd, c;

		snprintf(label, sizeof(label), "unix socket %s, mode %s%o",
		    tc->name, tc->mode < 0 ? "-" : "0",
		    (unsigned)(tc->mode < 0 ? -tc->mode : tc->mode));
		sock_path(tc->name, path, sizeof(path));
		snprintf(spec, sizeof(spec), "unix:%s", path);
		fd = open_spec(spec, tc->mode, NULL, err, sizeof(err));
		snprintf(what, sizeof(what), "%s: opens", label);
		if (!tap_ok(fd >= 0, "%s", what)) {
			printf("#   %s\n", err);
			continue;
		}
		snprintf(what, sizeof(what), "%s: a socket file of mode %04lo",
		    label, tc->want);
		tap_is_int(stat(path, &st) == 0 && S_ISSOCK(st.st_mode) ?
		    (long)(st.st_mode & 07777) : -1, tc->want, what);
		c = unix_connect(path);
		snprintf(what, sizeof(what), "%s: takes a connection", label);
		tap_ok(c >= 0, "%s", what);
		if (c >= 0)
			close(c);
		close(fd);
	}
}

static void
test_unix_group(void)
{
	char path[600], spec[620], err[256] = "", name[64];
	struct stat st;
	gid_t gid;
	int fd, before;

	if (other_group(name, sizeof(name), &gid) != 0) {
		printf("# no group but our own: group ownership not checked\n");
		return;
	}
	sock_path("grp.sock", path, sizeof(path));
	snprintf(spec, sizeof(spec), "unix:%s", path);
	fd = open_spec(spec, 0660, name, err, sizeof(err));
	if (tap_ok(fd >= 0, "unix socket for group %s: opens", name)) {
		tap_is_int(stat(path, &st) == 0 ? (long)st.st_gid : -1,
		    (long)gid, "... and belongs to the group");
		close(fd);
	} else
		printf("#   %s\n", err);

	sock_path("nogrp.sock", path, sizeof(path));
	snprintf(spec, sizeof(spec), "unix:%s", path);
	before = fd_count();
	fd = open_spec(spec, 0660, "no-such-group-here", err, sizeof(err));
	tap_is_int(fd, -1, "an unknown group is an error");
	tap_ok(strstr(err, "no-such-group-here") != NULL, "... naming it (%s)",
	    err);
	tap_is_int(fd_count(), before, "... leaving no descriptor open");
}

/* ==== stale and live sockets ==== */

static void
test_unix_stale_live(void)
{
	char path[600], spec[620], err[256] = "";
	struct stat st, st2;
	int old, fd, c, got;

	/* Stale: bound once, its owner gone, the file left behind. */
	sock_path("stale.sock", path, sizeof(path));
	snprintf(spec, sizeof(spec), "unix:%s", path);
	old = unix_bound(path, 0);
	if (old >= 0)
		close(old);
	tap_ok(stat(path, &st) == 0 && S_ISSOCK(st.st_mode),
	    "fixture: a stale socket file");
	tap_is_int(listen_unix_in_use(path), 0, "a stale socket is not in use");
	fd = open_spec(spec, -1, NULL, err, sizeof(err));
	tap_ok(fd >= 0, "a stale socket is replaced (%s)", fd >= 0 ? "ok" :
	    err);
	c = unix_connect(path);
	tap_ok(c >= 0, "... and the new one takes connections");
	if (c >= 0)
		close(c);
	if (fd >= 0)
		close(fd);

	/* Live: another listener (ours) still serves the path. */
	sock_path("live.sock", path, sizeof(path));
	snprintf(spec, sizeof(spec), "unix:%s", path);
	old = unix_bound(path, 1);
	if (!tap_ok(old >= 0 && stat(path, &st) == 0, "fixture: a live "
	    "socket"))
		return;
	tap_is_int(listen_unix_in_use(path), 1, "a live socket is in use");
	err[0] = '\0';
	fd = open_spec(spec, -1, NULL, err, sizeof(err));
	tap_is_int(fd, -1, "a live socket is not taken over");
	tap_ok(strstr(err, path) != NULL && strstr(err, "in use") != NULL,
	    "... the error names it and says it is in use (%s)", err);
	tap_ok(stat(path, &st2) == 0 && st2.st_ino == st.st_ino,
	    "... its file is left alone");
	c = unix_connect(path);
	got = accept(old, NULL, NULL);
	tap_ok(c >= 0 && got >= 0, "... and its owner still gets the "
	    "connections");
	if (c >= 0)
		close(c);
	if (got >= 0)
		close(got);
	close(old);
	sock_path("missing.sock", path, sizeof(path));
	tap_is_int(listen_unix_in_use(path), 0, "a missing socket is not in "
	    "use");
}

/* ==== errors ==== */

struct bad_case {
	const char	*spec;		/* "%s" is the temporary directory */
	const char	*needle;	/* in the error, besides the spec */
};

static const struct bad_case bad_cases[] = {
	{ "unix:%s/no/such/dir/x.sock", "No such file or directory" },
	{ "unix:%s/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock",
	    "under 100 characters" },
	{ "inet:8895", "expected inet:PORT@HOST" },
	{ "inet6:8895", "expected inet:PORT@HOST" },
	{ "inet:12345678@127.0.0.1", "expected inet:PORT@HOST" },
	{ "inet:http@127.0.0.1", "inet:http@127.0.0.1" },
	{ "inet:-1@127.0.0.1", "inet:-1@127.0.0.1" },
	{ "tcp:8895@127.0.0.1", "expected unix:/path" },
	{ "/run/x.sock", "expected unix:/path" },
	{ "", "expected unix:/path" },
};

static void
test_errors(void)
{
	size_t i;

	for (i = 0; i < NELEM(bad_cases); i++) {
		char spec[700], err[256] = "", what[300], shown[60];
		struct sockspec ss;
		const char *p;
		int fd, before = fd_count();

		snprintf(spec, sizeof(spec), bad_cases[i].spec, dir);
		fd = open_spec(spec, -1, NULL, err, sizeof(err));
		snprintf(shown, sizeof(shown), "%s", bad_cases[i].spec);
		snprintf(what, sizeof(what), "listen_open(\"%s\") fails",
		    shown);
		tap_is_int(fd, -1, what);
		if (fd >= 0)
			close(fd);
		p = unix_path(spec, &ss);
		snprintf(what, sizeof(what), "... naming it and saying \"%s\"",
		    bad_cases[i].needle);
		tap_ok(strstr(err, p != NULL ? p : spec) != NULL &&
		    strstr(err, bad_cases[i].needle) != NULL, "%s", what);
		if (!strstr(err, bad_cases[i].needle))
			printf("#   got: %s\n", err);
		tap_is_int(fd_count(), before, "... leaving no descriptor "
		    "open");
	}
}

/* ==== inet ==== */

/* The local address of fd as "addr port", into buf. */
static const char *
local_of(int fd, char *buf, size_t len, int *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char a[INET6_ADDRSTRLEN] = "?";

	*port = 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return "(getsockname failed)";
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		*port = ntohs(sin->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		*port = ntohs(sin6->sin6_port);
	}
	snprintf(buf, len, "%s", a);
	return buf;
}

static int
have_ipv6(void)
{
	struct sockaddr_in6 sin6;
	int fd = socket(AF_INET6, SOCK_STREAM, 0), ok;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	ok = fd >= 0 && bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static void
test_inet_one(const char *family, const char *host)
{
	char spec[64], again[64], err[256] = "", addr[64], what[128];
	struct sockspec any;
	int fd, fd2, port;

	/* Port 0 (the kernel picks) is no config value: set it directly. */
	memset(&any, 0, sizeof(any));
	any.family = strcmp(family, "inet6") == 0 ? SOCKSPEC_INET6 :
	    SOCKSPEC_INET;
	snprintf(any.host, sizeof(any.host), "%s", host);
	snprintf(spec, sizeof(spec), "%s:0@%s", family, host);
	fd = listen_open(&any, -1, NULL, err, sizeof(err));
	snprintf(what, sizeof(what), "%s opens", spec);
	if (!tap_ok(fd >= 0, "%s", what)) {
		printf("#   %s\n", err);
		return;
	}
	snprintf(what, sizeof(what), "%s listens on %s", spec, host);
	tap_is_str(local_of(fd, addr, sizeof(addr), &port), host, what);
	tap_ok(port > 0, "... on the port the kernel picked (%d)", port);
	snprintf(again, sizeof(again), "%s:%d@%s", family, port, host);
	fd2 = open_spec(again, -1, NULL, err, sizeof(err));
	snprintf(what, sizeof(what), "%s again while it listens: an error",
	    family);
	tap_is_int(fd2, -1, what);
	tap_ok(strstr(err, again) != NULL && strstr(err,
	    strerror(EADDRINUSE)) != NULL, "... \"%s\" (%s)",
	    strerror(EADDRINUSE), err);
	if (fd2 >= 0)
		close(fd2);
	close(fd);
}

static void
test_inet(void)
{
	test_inet_one("inet", "127.0.0.1");
	if (have_ipv6())
		test_inet_one("inet6", "::1");
	else
		printf("# no IPv6 loopback here: inet6 not checked\n");
}

/* ==== listen_sock: one configured socket, from bind to removal ==== */

static void
test_sock(void)
{
	struct listen_sock none = LISTEN_SOCK_NONE, ls = LISTEN_SOCK_NONE;
	char spec[600], path[560], err[256] = "";
	struct stat st;
	int before = fd_count();

	tap_is_int(listen_sock_open(&none, NULL, SOCKSPEC_ACCEPT_UNIX, -1,
	    NULL, err, sizeof(err)), 0, "listen_sock_open: no spec, nothing "
	    "to bind, no error");
	tap_is_int(none.fd, -1, "... and nothing bound");
	tap_is_int(listen_sock_start(&none, NULL, NULL, 1, 1), 0,
	    "listen_sock_start: nothing bound, nothing to start");
	listen_sock_close(&none);
	tap_is_int(fd_count(), before, "... and no descriptor left");
	snprintf(path, sizeof(path), "%s/door.sock", dir);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	tap_ok(listen_sock_open(&ls, spec, SOCKSPEC_ACCEPT_UNIX, -1, NULL,
	    err, sizeof(err)) == 0, "listen_sock_open binds %s (%s)", spec,
	    err);
	tap_ok(ls.fd >= 0 && stat(path, &st) == 0 && S_ISSOCK(st.st_mode),
	    "... a listening unix socket");
	tap_is_str(ls.path, path, "... whose path it keeps for the stop");
	listen_sock_close(&ls);
	tap_ok(stat(path, &st) != 0 && errno == ENOENT,
	    "listen_sock_close removes the socket file");
	if (ls.fd >= 0)
		close(ls.fd);
	snprintf(spec, sizeof(spec), "inet:1@127.0.0.1");
	tap_is_int(listen_sock_open(&none, spec, SOCKSPEC_ACCEPT_UNIX, -1,
	    NULL, err, sizeof(err)), -1, "a form the key does not take: -1");
	tap_ok(err[0] != '\0' && none.fd == -1, "... with a message (%s), "
	    "nothing bound", err);
}

/* ==== the accept loop ==== */

struct served {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 running;	/* handlers inside */
	int		 served;
	int		 hold;		/* handlers wait while set */
	long		 rcvtimeo, sndtimeo;
};

static struct served srv = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 1, -1, -1
};

static long
timeout_of(int fd, int opt)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);

	if (getsockopt(fd, SOL_SOCKET, opt, &tv, &len) != 0)
		return -1;
	return (long)tv.tv_sec;
}

static void
handler(int fd, void *arg)
{
	struct served *s = arg;

	pthread_mutex_lock(&s->lock);
	s->rcvtimeo = timeout_of(fd, SO_RCVTIMEO);
	s->sndtimeo = timeout_of(fd, SO_SNDTIMEO);
	s->running++;
	s->served++;
	pthread_cond_broadcast(&s->cond);
	while (s->hold)
		pthread_cond_wait(&s->cond, &s->lock);
	s->running--;
	pthread_mutex_unlock(&s->lock);
	if (write(fd, "hello\n", 6) != 6)
		return;
}

static void
test_accept(void)
{
	char path[600], spec[620], err[256] = "", buf[64];
	int fd, c1, c2, c3;

	sock_path("srv.sock", path, sizeof(path));
	snprintf(spec, sizeof(spec), "unix:%s", path);
	fd = open_spec(spec, -1, NULL, err, sizeof(err));
	if (!tap_ok(fd >= 0, "the served socket opens (%s)", fd >= 0 ? "ok" :
	    err))
		return;
	tap_is_int(listen_start(fd, handler, &srv, 2, 7), 0, "listen_start");
	c1 = unix_connect(path);
	c2 = unix_connect(path);
	pthread_mutex_lock(&srv.lock);
	while (srv.running < 2)
		pthread_cond_wait(&srv.cond, &srv.lock);
	pthread_mutex_unlock(&srv.lock);
	tap_ok(c1 >= 0 && c2 >= 0, "two clients are served at once "
	    "(max_clients 2)");
	c3 = unix_connect(path);
	tap_is_str(c3 >= 0 ? read_all(c3, buf, sizeof(buf)) : "(no "
	    "connection)", "", "a third is closed at once, unserved");
	pthread_mutex_lock(&srv.lock);
	tap_is_int(srv.served, 2, "... and its handler never ran");
	srv.hold = 0;
	pthread_cond_broadcast(&srv.cond);
	pthread_mutex_unlock(&srv.lock);
	tap_is_str(c1 >= 0 ? read_all(c1, buf, sizeof(buf)) : "", "hello\n",
	    "the first client gets the handler's answer, then the close");
	tap_is_str(c2 >= 0 ? read_all(c2, buf, sizeof(buf)) : "", "hello\n",
	    "so does the second");
	pthread_mutex_lock(&srv.lock);
	tap_is_int(srv.rcvtimeo, 7, "the client's receive timeout is "
	    "timeout_s");
	tap_is_int(srv.sndtimeo, 7, "so is its send timeout");
	pthread_mutex_unlock(&srv.lock);
	if (c1 >= 0)
		close(c1);
	if (c2 >= 0)
		close(c2);
	if (c3 >= 0)
		close(c3);
	/*
	 * The accept loop stays in accept(2) until the process exits: ended
	 * (by a shutdown of fd) it would leave its state unfreed.
	 */
}

int
main(void)
{
	if (tmpdir_make("t_listen", dir, sizeof(dir)) != 0)
		return 1;
	test_unix_path();
	test_unix_modes();
	test_unix_group();
	test_unix_stale_live();
	test_errors();
	test_inet();
	test_sock();
	test_accept();
	tmpdir_remove(dir);
	return tap_done();
}
