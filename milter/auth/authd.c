/*
 * authd: the Dovecot auth protocol server side. Each AUTH request pins the
 * config it starts with until its exchange ends (a reload applies to the
 * next AUTH; the handshake uses the config of the connection's start);
 * a connection keeps a few
 * open SASL exchanges keyed by request id, and answers OK with user=,
 * CONT with a base64 challenge (an empty one keeps its TAB), or FAIL after
 * the failure delay. A malformed or overlong line ends the connection.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "authcap.h"
#include "authd.h"
#include "authproto.h"
#include "authsvc.h"
#include "log.h"
#include "saslsrv.h"

#define AUTHD_OPEN_MAX	16	/* open exchanges per connection */

struct authd_open {
	unsigned long	 id;
	struct saslsrv_session *ss;
	int		 final;	/* success data sent, awaiting the empty CONT */
	char		 rip[64];
	struct conf	*conf;	/* pinned at AUTH, for the whole exchange */
	int		 capped;	/* counted by authcap_enter(rip) */
};

struct authd_conn {
	int		 fd;
	int		 versioned;
	struct authd_open open[AUTHD_OPEN_MAX];
	char		 buf[AUTHPROTO_LINE_MAX + 1];
	size_t		 len;
};

static int
authd_send(struct authd_conn *ac, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
authd_send(struct authd_conn *ac, const char *fmt, ...)
{
	char line[AUTHPROTO_LINE_MAX + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	return send(ac->fd, line, (size_t)n, MSG_NOSIGNAL) == n ? 0 : -1;
}

/* A FAIL answer, sent after c's failure delay by the answer queue. */
static int
authd_fail(struct authd_conn *ac, const struct conf *c, const char *user,
    unsigned long id, const char *reason)
{
	char line[AUTHPROTO_LINE_MAX];
	int n = snprintf(line, sizeof(line), "FAIL\t%lu\treason=%s\n", id,
	    reason);

	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	return authsvc_fail_reply(c, user, ac->fd, line, (size_t)n);
}

/* Read the next line; 1 when one is ready, 0 at EOF/error, -1 overlong. */
static int
authd_readline(struct authd_conn *ac, char *line)
{
	for (;;) {
		char *nl = memchr(ac->buf, '\n', ac->len);
		ssize_t r;

		if (nl != NULL) {
			size_t n = (size_t)(nl - ac->buf) + 1;

			memcpy(line, ac->buf, n);
			line[n] = '\0';
			memmove(ac->buf, ac->buf + n, ac->len - n);
			ac->len -= n;
			/* A NUL inside would hide the rest of the line. */
			return memchr(line, '\0', n) == NULL ? 1 : -1;
		}
		if (ac->len >= AUTHPROTO_LINE_MAX)
			return -1;
		r = recv(ac->fd, ac->buf + ac->len, AUTHPROTO_LINE_MAX - ac->len,
		    0);
		if (r <= 0)
			return 0;
		ac->len += (size_t)r;
	}
}

static struct authd_open *
authd_find(struct authd_conn *ac, unsigned long id)
{
	int i;

	for (i = 0; i < AUTHD_OPEN_MAX; i++)
		if (ac->open[i].ss != NULL && ac->open[i].id == id)
			return &ac->open[i];
	return NULL;
}

static void
authd_close_open(struct authd_open *o)
{
	saslsrv_end(o->ss);
	if (o->capped)
		authcap_leave(o->rip);
	o->capped = 0;
	conf_unref(o->conf);
	o->conf = NULL;
	o->ss = NULL;
	o->id = 0;
	o->final = 0;
}

/* A free slot; when all are taken, the oldest exchange is dropped. */
static struct authd_open *
authd_slot(struct authd_conn *ac)
{
	struct authd_open *oldest = &ac->open[0];
	int i;

	for (i = 0; i < AUTHD_OPEN_MAX; i++) {
		if (ac->open[i].ss == NULL)
			return &ac->open[i];
		if (ac->open[i].id < oldest->id)
			oldest = &ac->open[i];
	}
	authd_close_open(oldest);
	return oldest;
}

/* Act on a step's outcome; the exchange is closed unless it continues. */
static int
authd_outcome(struct authd_conn *ac, struct authd_open *o,
    enum saslsrv_rc rc, char *out)
{
	int sent;

	/*
	 * Success with data for the client (SCRAM's server-final message):
	 * like Dovecot for a client that did not say final-resp-ok (Postfix
	 * never does), send it as CONT and answer OK to the empty response.
	 */
	if (rc == SASLSRV_CONTINUE || (rc == SASLSRV_OK && out != NULL &&
	    *out != '\0' && !o->final)) {
		if (rc == SASLSRV_OK)
			o->final = 1;
		sent = authd_send(ac, "CONT\t%lu\t%s\n", o->id, out ? out : "");
		free(out);
		return sent;
	}
	free(out);
	if (rc == SASLSRV_OK) {
		authsvc_succeeded("dovecot", saslsrv_user(o->ss),
		    saslsrv_mech(o->ss), o->rip);
		sent = authd_send(ac, "OK\t%lu\tuser=%s\n", o->id,
		    saslsrv_user(o->ss));
	} else {
		authsvc_failed(o->conf, "dovecot", saslsrv_user(o->ss),
		    saslsrv_mech(o->ss), o->rip, "wrong credentials");
		sent = authd_fail(ac, o->conf, saslsrv_user(o->ss), o->id,
		    "Authentication failed");
	}
	authd_close_open(o);
	return sent;
}

/*
 * Refuse AUTH request rq before any exchange starts: log and count it
 * (why, unless the refusal was logged already: why NULL), answer FAIL
 * with reason after the failure delay, and drop the reference c.
 */
static int
authd_refuse(struct authd_conn *ac, struct conf *c,
    const struct authproto_req *rq, const char *why, const char *reason)
{
	int sent;

	if (why != NULL)
		authsvc_failed(c, "dovecot", NULL, rq->mech, rq->rip, why);
	sent = authd_fail(ac, c, NULL, rq->id, reason);
	conf_unref(c);
	return sent;
}

static int
authd_auth(struct authd_conn *ac, const struct authproto_req *rq)
{
	struct conf *c = conf_current();
	struct authd_open *o;
	enum saslsrv_rc rc;
	char *out = NULL;
	int sent, capped;

	if (c == NULL)
		return -1;
	if (authsvc_blocked(c, "dovecot", NULL, rq->mech, rq->rip))
		return authd_refuse(ac, c, rq, NULL, "Too many failures, "
		    "try again later");
	if ((capped = authcap_enter(rq->rip)) < 0)
		return authd_refuse(ac, c, rq, "too many exchanges open from "
		    "this client", "Too many requests, try again later");
	o = authd_slot(ac);
	o->id = rq->id;
	o->capped = capped;
	snprintf(o->rip, sizeof(o->rip), "%s", rq->rip ? rq->rip : "");
	o->conf = c;	/* the exchange's reference, dropped when it ends */
	o->ss = saslsrv_start(c, rq->mech, rq->service, rq->resp, &rc, &out);
	if (o->ss == NULL) {
		authsvc_failed(c, "dovecot", NULL, rq->mech, rq->rip,
		    "mechanism not offered");
		sent = authd_fail(ac, c, NULL, rq->id, "Unsupported "
		    "authentication mechanism");
		authd_close_open(o);
		return sent;
	}
	return authd_outcome(ac, o, rc, out);
}

static int
authd_request(struct authd_conn *ac, char *line)
{
	struct authproto_req rq;
	struct authd_open *o;
	enum saslsrv_rc rc;
	char err[128], *out = NULL;

	if (authproto_parse(line, &rq, err, sizeof(err)) != 0) {
		log_msg(LOG_WARNING, "auth dovecot: closing a client: %s", err);
		return -1;
	}
	switch (rq.cmd) {
	case AUTHPROTO_VERSION:
		if (rq.major != 1) {
			log_msg(LOG_WARNING, "auth dovecot: closing a client "
			    "speaking protocol version %u", rq.major);
			return -1;
		}
		ac->versioned = 1;
		return 0;
	case AUTHPROTO_CPID:
		return 0;
	case AUTHPROTO_AUTH:
		if (!ac->versioned || authd_find(ac, rq.id) != NULL) {
			log_msg(LOG_WARNING, "auth dovecot: closing a client: %s",
			    ac->versioned ? "duplicate request id" :
			    "AUTH before VERSION");
			return -1;
		}
		return authd_auth(ac, &rq);
	case AUTHPROTO_CONT:
		o = authd_find(ac, rq.id);
		if (o == NULL)
			return authd_send(ac, "FAIL\t%lu\treason=Unknown "
			    "request\n", rq.id);
		if (o->final)
			rc = *rq.resp == '\0' ? SASLSRV_OK : SASLSRV_FAIL;
		else
			rc = saslsrv_step(o->ss, rq.resp, &out);
		return authd_outcome(ac, o, rc, out);
	}
	return -1;
}

void
authd_client(int fd, void *arg)
{
	struct authd_conn *ac = calloc(1, sizeof(*ac));
	char *line = malloc(AUTHPROTO_LINE_MAX + 1), *hs = NULL;
	struct conf *c = conf_current();
	size_t hslen = 0;
	FILE *f;
	int i, rc;

	(void)arg;
	f = open_memstream(&hs, &hslen);
	if (ac == NULL || line == NULL || c == NULL || f == NULL)
		goto out;
	ac->fd = fd;
	if (authproto_handshake(f, c->auth_mechanisms, c->auth_nmechanisms,
	    (unsigned long)fd) != 0) {
		log_msg(LOG_ERR, "auth dovecot: no random bytes for the "
		    "handshake cookie: closing a client");
		goto out;
	}
	fclose(f);
	f = NULL;
	if (send(fd, hs, hslen, MSG_NOSIGNAL) != (ssize_t)hslen)
		goto out;
	while ((rc = authd_readline(ac, line)) == 1)
		if (authd_request(ac, line) != 0)
			break;
	if (rc < 0)
		log_msg(LOG_WARNING, "auth dovecot: closing a client: overlong "
		    "or malformed line");
	for (i = 0; i < AUTHD_OPEN_MAX; i++)
		if (ac->open[i].ss != NULL)
			authd_close_open(&ac->open[i]);
out:
	if (f != NULL)
		fclose(f);
	free(hs);
	conf_unref(c);
	free(line);
	free(ac);
}
