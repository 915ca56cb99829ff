/*
 * authsvc: sockets and shared outcome handling of the auth services.
 * A failure costs the client auth.failure_delay seconds, spent in the
 * answer queue (authdelay.c), not in a client thread, so no slot is held
 * while it waits; repeated failures from one address are refused without
 * a check for a while.
 */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "authd.h"
#include "authdelay.h"
#include "authsecret.h"
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

static struct listen_sock authsvc_dovecot = LISTEN_SOCK_NONE;
static struct listen_sock authsvc_saslauthd = LISTEN_SOCK_NONE;

int
authsvc_open(const struct conf *c, char *err, size_t errlen)
{
	if (c->auth_dovecot == NULL && c->auth_saslauthd == NULL)
		return 0;
	if (saslsrv_init(err, errlen) != 0)
		return -1;
	if (listen_sock_open(&authsvc_dovecot, c->auth_dovecot, CONF_SOCKETS,
	    c->socket_mode, c->socket_group, err, errlen) != 0 ||
	    listen_sock_open(&authsvc_saslauthd, c->auth_saslauthd,
	    CONF_SOCKETS, c->socket_mode, c->socket_group, err, errlen) != 0)
		return -1;
	return 0;
}

void
authsvc_prepare(const struct conf *c)
{
	struct passwd *pw;
	char err[256];

	if ((authsvc_dovecot.fd < 0 && authsvc_saslauthd.fd < 0) ||
	    geteuid() != 0 || c->user == NULL ||
	    (pw = getpwnam(c->user)) == NULL)
		return;
	(void)authsecret_prepare(c->auth_secret_file, pw->pw_uid, pw->pw_gid,
	    err, sizeof(err));
}

/*
 * Without the file, names that are no users would show new salts after
 * each start, which a probe can compare: say so.
 */
static void
authsvc_secret(const struct conf *c)
{
	char err[256];
	int rc = authsecret_load(c->auth_secret_file, err, sizeof(err));

	if (rc < 0)
		log_msg(LOG_WARNING, "auth.secret_file %s: %s; using a secret "
		    "for this run only: the SCRAM salts of names that are not "
		    "users change at each start", c->auth_secret_file, err);
	else if (rc == 1)
		log_msg(LOG_NOTICE, "auth.secret_file %s: created",
		    c->auth_secret_file);
}

int
authsvc_start(const struct conf *c)
{
	if (authsvc_dovecot.fd >= 0 || authsvc_saslauthd.fd >= 0)
		authsvc_secret(c);
	if (listen_sock_start(&authsvc_dovecot, authd_client, NULL,
	    AUTHSVC_DOVECOT_CLIENTS, AUTHSVC_DOVECOT_IDLE_S) != 0 ||
	    listen_sock_start(&authsvc_saslauthd, saslauthd_client, NULL,
	    AUTHSVC_SASLAUTHD_CLIENTS, AUTHSVC_SASLAUTHD_TIMEOUT_S) != 0)
		return -1;
	return 0;
}

void
authsvc_close(void)
{
	/*
	 * GNU SASL is not released: client threads may still be finishing
	 * an exchange while the process exits.
	 */
	listen_sock_close(&authsvc_dovecot);
	listen_sock_close(&authsvc_saslauthd);
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
	stats_auth(0, mech);
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
	stats_auth(1, mech);
	authsvc_log(LOG_INFO, "success", proto, user, mech, rip, NULL);
}
