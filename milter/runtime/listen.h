/*
 * listen: the daemon's own listening sockets (control, auth services):
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
 * listen_bind -- listen_open on the socket named spec (parsed by
 * sockspec_parse, taking the forms of accept), and the path of a unix
 * socket into path (SOCKSPEC_PATH_MAX bytes; "" for inet), for its
 * removal at stop. Returns the descriptor, or -1 with a message in err.
 */
int listen_bind(const char *spec, unsigned accept, int mode,
    const char *group, char *path, char *err, size_t errlen);

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
