/*
 * authsvc: the authentication services the MTA talks to (auth.dovecot for
 * Postfix, auth.saslauthd for Sendmail through Cyrus SASL): opening their
 * sockets, starting them, and what both do with an outcome (log, count,
 * throttle, delay). The protocols live in authd.c and saslauthd.c.
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

/* authsvc_start -- serve the sockets opened by authsvc_open. Returns 0/-1. */
int authsvc_start(void);

/* authsvc_close -- remove the unix socket files. */
void authsvc_close(void);

/*
 * authsvc_blocked -- 1 if rip is throttled under c's auth.max_failures
 * and auth.failure_window (then logs the refusal). Thread-safe.
 */
int authsvc_blocked(const struct conf *c, const char *proto,
    const char *user, const char *mech, const char *rip);

/*
 * authsvc_failed -- log and count a failed authentication, charge it to
 * rip, then sleep auth.failure_delay seconds (this client's thread only).
 * Never logs a password. Thread-safe.
 */
void authsvc_failed(const struct conf *c, const char *proto,
    const char *user, const char *mech, const char *rip, const char *why);

/* authsvc_succeeded -- log and count a successful authentication. */
void authsvc_succeeded(const char *proto, const char *user,
    const char *mech, const char *rip);

#endif
