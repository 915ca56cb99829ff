/*
 * authsvc: sockets and shared outcome handling of the auth services.
 * A failure costs the client auth.failure_delay seconds, spent in the
 * answer queue (authdelay.c), not in a client thread, so no slot is held
 * while it waits; repeated failures from one address are refused without
 * a check for a while.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "authd.h"
#include "authdelay.h"
#include "authsvc.h"
#include "listen.h"
#include "log.h"
#include "saslauthd.h"
#include "saslsrv.h"
#include "stats.h"
#include "throttle.h"

#define AUTHSVC_DOVECOT_CLIENTS		512
#define AUTHSVC_DOVECOT_IDLE_S		3600
#define AUTHSVC_SASLAUTHD_CLIENTS	128
#define AUTHSVC_SASLAUTHD_TIMEOUT_S	10
#define AUTHSVC_DELAY_MAX		9	/* Postfix waits 10 s */

static int authsvc_dovecot_fd = -1, authsvc_saslauthd_fd = -1;
static char authsvc_paths[2][SOCKSPEC_PATH_MAX];

static int
authsvc_bind(const char *spec, const struct conf *c, int *fd, char *path,
    char *err, size_t errlen)
{
	if (spec == NULL)
		return 0;
	*fd = listen_bind(spec, CONF_SOCKETS, c->socket_mode, c->socket_group,
	    path, err, errlen);
	return *fd < 0 ? -1 : 0;
}

int
authsvc_open(const struct conf *c, char *err, size_t errlen)
{
	if (c->auth_dovecot == NULL && c->auth_saslauthd == NULL)
		return 0;
	if (saslsrv_init(err, errlen) != 0)
		return -1;
	if (authsvc_bind(c->auth_dovecot, c, &authsvc_dovecot_fd,
	    authsvc_paths[0], err, errlen) != 0 ||
	    authsvc_bind(c->auth_saslauthd, c, &authsvc_saslauthd_fd,
	    authsvc_paths[1], err, errlen) != 0)
		return -1;
	return 0;
}

int
authsvc_start(void)
{
	if (authsvc_dovecot_fd >= 0 && listen_start(authsvc_dovecot_fd,
	    authd_client, NULL, AUTHSVC_DOVECOT_CLIENTS,
	    AUTHSVC_DOVECOT_IDLE_S) != 0)
		return -1;
	if (authsvc_saslauthd_fd >= 0 && listen_start(authsvc_saslauthd_fd,
	    saslauthd_client, NULL, AUTHSVC_SASLAUTHD_CLIENTS,
	    AUTHSVC_SASLAUTHD_TIMEOUT_S) != 0)
		return -1;
	return 0;
}

void
authsvc_close(void)
{
	int i;

	/*
	 * GNU SASL is not released: client threads may still be finishing
	 * an exchange while the process exits.
	 */
	for (i = 0; i < 2; i++)
		if (authsvc_paths[i][0] != '\0')
			unlink(authsvc_paths[i]);
}

static void
authsvc_log(int prio, const char *what, const char *proto, const char *user,
    const char *mech, const char *rip, const char *why)
{
	char u[300], r[100], m[64];

	/* why is always one of our own constant strings. */
	log_msg(prio, "auth %s: user=%s mech=%s rip=%s service=%s%s%s%s", what,
	    log_clean(user && *user ? user : "-", u, sizeof(u)),
	    log_clean(mech ? mech : "-", m, sizeof(m)),
	    log_clean(rip && *rip ? rip : "-", r, sizeof(r)), proto,
	    why ? " reason=\"" : "", why ? why : "", why ? "\"" : "");
}

int
authsvc_blocked(const struct conf *c, const char *proto, const char *user,
    const char *mech, const char *rip)
{
	if (!throttle_blocked(rip, time(NULL), c->auth_max_failures,
	    c->auth_failure_window))
		return 0;
	authsvc_failed(c, proto, user, mech, rip,
	    "too many failures from this address");
	return 1;
}

void
authsvc_failed(const struct conf *c, const char *proto, const char *user,
    const char *mech, const char *rip, const char *why)
{
	stats_inc(STATS_AUTH_FAILURE);
	authsvc_log(LOG_NOTICE, "failure", proto, user, mech, rip, why);
	throttle_failed(rip, user, time(NULL), c->auth_failure_window);
}

int
authsvc_fail_reply(const struct conf *c, const char *user, int fd,
    const void *line, size_t len)
{
	int delay = c->auth_failure_delay;

	/*
	 * A name guessed at from many addresses: its failures wait the
	 * longest delay Postfix still waits for. The right password is
	 * answered at once all the same.
	 */
	if (throttle_user_over(user, time(NULL), c->auth_user_max_failures,
	    c->auth_failure_window))
		delay = AUTHSVC_DELAY_MAX;
	return authdelay_reply(fd, line, len, delay);
}

void
authsvc_succeeded(const char *proto, const char *user, const char *mech,
    const char *rip)
{
	stats_inc(STATS_AUTH_SUCCESS);
	authsvc_log(LOG_INFO, "success", proto, user, mech, rip, NULL);
}
