/*
 * socketmap: the Sendmail socket map door. Each request pins the
 * running config (a request is one lookup), is split by smapproto and
 * decided by verdict_decide, so the log line and the counters are the
 * milter's. The answers, which relaymilter-socketmap.m4 matches:
 *
 *   OK                      relaying granted ($#OK)
 *   DUNNO                   go on with Sendmail's own checks: a local
 *                           recipient (not relaying, so nothing to
 *                           grant), or a refusal under dry_run
 *   REJECT "550 text"       refused: $#error $@ 5.7.1
 *   TEMPFAIL "451 text"     $#error $@ 4.7.1
 *
 * A request that is not ours (another map name, no blank) is answered
 * PERM; a key that cannot be judged is an error answered as on_error
 * says (tempfail, or DUNNO for "accept": Sendmail's own check decides).
 * Bytes that are not a netstring close the connection: its framing is
 * lost, and Sendmail opens a new one.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "accounts.h"
#include "addr.h"
#include "listen.h"
#include "log.h"
#include "policy.h"
#include "pop.h"
#include "smapproto.h"
#include "socketmap.h"
#include "stats.h"
#include "verdict.h"

/* One connection per Sendmail process that looks the map up. */
#define SOCKETMAP_CLIENTS	512
/* A Sendmail process keeps its connection for its whole SMTP session. */
#define SOCKETMAP_IDLE_S	3600
/* Once a request has begun, the rest of it comes at once. */
#define SOCKETMAP_REQUEST_MS	10000
/* A reply is a few dozen bytes: a peer that does not read them goes. */
#define SOCKETMAP_SEND_S	10

static struct listen_sock socketmap_sock = LISTEN_SOCK_NONE;

int
socketmap_open(const struct conf *c, char *err, size_t errlen)
{
	return listen_sock_open(&socketmap_sock, c->sendmail_socketmap,
	    CONF_SOCKETS, c->socket_mode, c->socket_group, err, errlen);
}

int
socketmap_start(void)
{
	return listen_sock_start(&socketmap_sock, socketmap_client, NULL,
	    SOCKETMAP_CLIENTS, SOCKETMAP_IDLE_S);
}

void
socketmap_close(void)
{
	listen_sock_close(&socketmap_sock);
}

/* Send the reply "status value"; -1 when the peer is gone. */
static int
socketmap_send(int fd, const char *status, const char *value)
{
	char out[600];
	size_t n = smapproto_reply(status, value, out, sizeof(out));

	if (n == 0)
		n = smapproto_reply("TEMP", "reply too long", out, sizeof(out));
	return send(fd, out, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* The value "WORD \"code text\"" that the m4 turns into $#error. */
static int
socketmap_send_text(int fd, const char *word, const char *code,
    const char *text)
{
	char quoted[260], value[280];

	smapproto_quote(code, text, quoted, sizeof(quoted));
	snprintf(value, sizeof(value), "%s %s", word, quoted);
	return socketmap_send(fd, "OK", value);
}

/* A refusal or a tempfail, with relaymilter's reason. */
static int
socketmap_refuse(int fd, const struct policy_decision *d)
{
	char why[200];

	policy_reason_text(d, why, sizeof(why));
	if (d->verdict == POLICY_REJECT)
		return socketmap_send_text(fd, "REJECT", "550", why);
	return socketmap_send_text(fd, "TEMPFAIL", "451", why);
}

/* A key that cannot be judged: on_error says what Sendmail hears. */
static int
socketmap_error(int fd, const struct conf *c, const char *why)
{
	if (verdict_error(c, "", why) == VERDICT_ACCEPT)
		return socketmap_send(fd, "OK", "DUNNO");
	return socketmap_send_text(fd, "TEMPFAIL", "451", "Temporary relaying "
	    "check failure, try again later");
}

/* Decide the recipient of key k under c, as the milter does. */
static int
socketmap_decide(int fd, const struct conf *c, const struct smapproto_key *k)
{
	struct policy_request req;
	struct acct_ctx ax;
	struct policy_decision d;
	struct verdict_session vs;
	struct addr sender, rcpt;
	char ip[48];
	/* f is empty for the null sender; the log shows it as <>. */
	const char *from = k->sender[0] != '\0' ? k->sender : "<>";

	addr_parse(from, &sender);
	addr_parse(k->rcpt, &rcpt);
	memset(&req, 0, sizeof(req));
	req.client = k->have_client ? &k->client : NULL;
	req.client_name = smapproto_client_name(k);
	req.auth_user = k->auth_authen[0] != '\0' ? k->auth_authen : NULL;
	req.sender = &sender;
	req.rcpt = &rcpt;
	req.rcpt_mailer = k->rcpt_mailer[0] != '\0' ? k->rcpt_mailer : NULL;
	req.now = time(NULL);
	req.pop = popstore_policy;
	req.pop_ctx = pop_store();
	accounts_request(&req, &ax);
	if (k->have_client)
		netaddr_format(&k->client, ip, sizeof(ip));
	else
		snprintf(ip, sizeof(ip), "unknown");
	vs.qid = k->qid[0] != '\0' ? k->qid : NULL;
	vs.client_ip = ip;
	vs.service = k->daemon_name;
	vs.sender_raw = from;
	vs.auth_user = k->auth_authen;
	vs.stats_slot = stats_service_slot(k->daemon_name);
	if (verdict_decide(c, conf_service(c, k->daemon_name), &req, &vs,
	    k->rcpt, &d) != VERDICT_ACCEPT)
		return socketmap_refuse(fd, &d);
	/*
	 * Granted only where relaymilter grants relaying: a local recipient
	 * is not relaying, and a refusal let through by dry_run is left to
	 * Sendmail's own check, as if relaymilter were not there.
	 */
	return socketmap_send(fd, "OK", d.verdict == POLICY_ACCEPT &&
	    d.rule != RULE_LOCAL ? "OK" : "DUNNO");
}

/* One request's data. Returns -1 when the connection must close. */
static int
socketmap_request(int fd, const char *data, size_t len)
{
	const char *name, *key;
	size_t namelen, keylen;
	struct smapproto_key *k;
	struct conf *c;
	char err[256];
	int rc;

	if (smapproto_request(data, len, &name, &namelen, &key, &keylen) != 0) {
		log_msg(LOG_WARNING, "sendmail socket map: a request without "
		    "a map name and a key: answered PERM");
		return socketmap_send(fd, "PERM", "malformed request");
	}
	if (namelen != strlen(SMAPPROTO_MAP) ||
	    memcmp(name, SMAPPROTO_MAP, namelen) != 0) {
		log_msg(LOG_WARNING, "sendmail socket map: a request for "
		    "another map than \"%s\": answered PERM", SMAPPROTO_MAP);
		return socketmap_send(fd, "PERM", "unknown map");
	}
	c = conf_current();
	if (c == NULL)
		return socketmap_send(fd, "TEMP", "not ready");
	/* 4 KiB: kept off the client thread's small stack */
	k = malloc(sizeof(*k));
	if (k == NULL)
		rc = socketmap_error(fd, c, "out of memory");
	else if (smapproto_key_parse(key, keylen, k, err, sizeof(err)) != 0)
		rc = socketmap_error(fd, c, err);
	else
		rc = socketmap_decide(fd, c, k);
	free(k);
	conf_unref(c);
	return rc;
}

static long
socketmap_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One client's conversation, until it closes or misbehaves. */
static void
socketmap_converse(int fd)
{
	/* the longest netstring: 4 digits, ':', the data, ',' */
	char buf[SMAPPROTO_REQ_MAX + 8], err[128];
	struct timeval tv = { SOCKETMAP_SEND_S, 0 };
	size_t have = 0, dlen, used;
	const char *data;
	long deadline = 0;
	ssize_t got;
	int rc;

	/* listen.c gave both directions the idle limit; sending needs less */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (;;) {
		rc = smapproto_netstring(buf, have, SMAPPROTO_REQ_MAX, &data,
		    &dlen, &used, err, sizeof(err));
		if (rc < 0) {
			log_msg(LOG_WARNING, "sendmail socket map: closing a "
			    "client: %s", err);
			return;
		}
		if (rc == 0) {
			if (socketmap_request(fd, data, dlen) != 0)
				return;
			memmove(buf, buf + used, have - used);
			have -= used;
			deadline = 0;
			continue;
		}
		/* Between requests the socket's own timeout (an hour) rules. */
		if (have > 0) {
			struct pollfd p = { fd, POLLIN, 0 };
			long left = deadline - socketmap_ms();

			if (left <= 0 || poll(&p, 1, (int)left) != 1) {
				log_msg(LOG_WARNING, "sendmail socket map: "
				    "closing a client: a request unfinished "
				    "after %d s", SOCKETMAP_REQUEST_MS / 1000);
				return;
			}
		}
		got = recv(fd, buf + have, sizeof(buf) - have, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return;
		if (have == 0)
			deadline = socketmap_ms() + SOCKETMAP_REQUEST_MS;
		have += (size_t)got;
	}
}

void
socketmap_client(int fd, void *arg)
{
	(void)arg;
	stats_session(STATS_DOOR_SOCKETMAP, 1);
	socketmap_converse(fd);
	stats_session(STATS_DOOR_SOCKETMAP, -1);
}
