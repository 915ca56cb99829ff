/*
 * listen: the daemon's own listening sockets (control, auth services,
 * the Postfix policy and Sendmail socket map doors):
 * opening unix, inet and inet6 sockets from a config string, and serving
 * each accepted client in a short-lived thread of its own, with a cap on
 * clients and I/O timeouts so that no client can wedge the daemon.
 */
#ifndef RELAYMILTER_LISTEN_H
#define RELAYMILTER_LISTEN_H

#include <stddef.h>

#include "sockspec.h"

/* Handles one client; must close nothing (the caller closes fd). */
typedef void (*listen_handler)(int fd, void *arg);

/*
 * listen_open -- listen on s (sockspec_parse made it). A unix socket
 * gets mode and group as listen_unix_perms gives them; a live socket at
 * the path is an error, a stale one is replaced. Returns the
 * descriptor, or -1 with a message in err.
 */
int listen_open(const struct sockspec *s, int mode, const char *group,
    char *err, size_t errlen);

/*
 * listen_open_spec -- parse spec with sockspec_parse (the forms in
 * accept) and listen_open it. The path of a unix socket is copied to
 * path (SOCKSPEC_PATH_MAX bytes; left as it is for inet), for its
 * removal at stop. Returns the descriptor, or -1 with a message in err.
 */
int listen_open_spec(const char *spec, unsigned accept, int mode,
    const char *group, char *path, char *err, size_t errlen);

/*
 * A socket the daemon serves (the control socket, an auth socket, a
 * front door): its descriptor, -1 while none is bound, and the path of
 * a unix socket ("" for inet), removed at stop. LISTEN_SOCK_NONE is an
 * unbound one.
 */
struct listen_sock {
	int		 fd;
	char		 path[SOCKSPEC_PATH_MAX];
};
#define LISTEN_SOCK_NONE	{ -1, { 0 } }

/*
 * listen_sock_open -- listen_open_spec(spec, accept, mode, group) into
 * ls; nothing when spec is NULL (the socket is not configured). Call
 * before threads start and before privileges are dropped. Returns 0, or
 * -1 with a message in err.
 */
int listen_sock_open(struct listen_sock *ls, const char *spec,
    unsigned accept, int mode, const char *group, char *err, size_t errlen);

/*
 * listen_sock_start -- listen_start on the socket of ls, if one is
 * bound (0 when none is). Returns 0, or -1 if no thread starts.
 */
int listen_sock_start(const struct listen_sock *ls, listen_handler handler,
    void *arg, int max_clients, int timeout_s);

/* listen_sock_close -- remove the unix socket file of ls, if it has one. */
void listen_sock_close(const struct listen_sock *ls);

/*
 * listen_start -- accept clients on fd in a thread of its own, running
 * handler(client_fd, arg) in a detached thread per client, at most
 * max_clients at once (more are closed at once), with send and receive
 * timeouts of timeout_s seconds. Returns 0, or -1 if no thread starts.
 */
int listen_start(int fd, listen_handler handler, void *arg, int max_clients,
    int timeout_s);

/*
 * listen_unix_in_use -- 1 if a process accepts connections on the unix
 * socket at path (so it must not be replaced), else 0.
 */
int listen_unix_in_use(const char *path);

/*
 * listen_unix_perms -- give the unix socket at path to group (if not
 * NULL) and mode (0660 if mode < 0), for every listener of the daemon,
 * the milter's included. Changes the file's group and mode; looks the
 * group up with getgrnam, so call it at start, before threads. Returns
 * 0, or -1 with a message in err.
 */
int listen_unix_perms(const char *path, int mode, const char *group,
    char *err, size_t errlen);

#endif
