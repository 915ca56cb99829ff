/*
 * authsvc: the authentication services the MTA talks to (auth.dovecot for
 * Postfix, auth.saslauthd for Sendmail through Cyrus SASL): opening their
 * sockets, starting them, and what both do with an outcome (log, count,
 * throttle, the delayed answer, the cap on open exchanges per client).
 * The protocols live in authd.c and saslauthd.c.
 */
#ifndef RELAYMILTER_AUTHSVC_H
#define RELAYMILTER_AUTHSVC_H

#include <stddef.h>

#include "conf.h"

/*
 * authsvc_open -- initialise GNU SASL and bind the auth sockets that c
 * configures (socket_mode/socket_group apply to unix ones). Call before
 * threads start and before privileges are dropped. Returns 0, or -1 with
 * a message in err.
 */
int authsvc_open(const struct conf *c, char *err, size_t errlen);

/*
 * authsvc_prepare -- as root, before the switch to c's user, when c
 * configures an auth socket: make c's auth.secret_file if it is missing,
 * given to that user by descriptor (authsecret_prepare), so that a
 * folder only root may write (systemd's StateDirectory) is no obstacle.
 * Best effort, silent: authsvc_start reports what is wrong with the
 * file. Calls getpwnam.
 */
void authsvc_prepare(const struct conf *c);

/*
 * authsvc_start -- take the per-install secret from c's auth.secret_file
 * (made there if still missing), as the user the daemon serves as, after
 * the switch: a file that cannot be used is logged once, as a warning,
 * and this run has a secret of its own. Then serve the sockets opened by
 * authsvc_open. Call before the other threads use auth. Returns 0/-1.
 */
int authsvc_start(const struct conf *c);

/* authsvc_close -- remove the unix socket files. */
void authsvc_close(void);

/*
 * authsvc_blocked -- 1 if rip is throttled under c's auth.max_failures
 * and auth.failure_window (then logs the refusal). Thread-safe.
 */
int authsvc_blocked(const struct conf *c, const char *proto,
    const char *user, const char *mech, const char *rip);

/*
 * authsvc_failed -- log and count a failed authentication and charge it
 * to rip. Never logs a password. Thread-safe.
 */
void authsvc_failed(const struct conf *c, const char *proto,
    const char *user, const char *mech, const char *rip, const char *why);

/*
 * authsvc_fail_reply -- send the failure answer line (len bytes) on fd
 * after c's auth.failure_delay (the longest delay, 9 s, when the name
 * user, which may be NULL, is over auth.user_max_failures), without
 * holding the caller: the answer waits in a queue with a duplicate of
 * fd. Returns 0, or -1 if it could be neither sent nor queued (close the
 * connection). Thread-safe.
 */
int authsvc_fail_reply(const struct conf *c, const char *user, int fd,
    const void *line, size_t len);

/* authsvc_succeeded -- log and count a successful authentication. */
void authsvc_succeeded(const char *proto, const char *user,
    const char *mech, const char *rip);

#endif
