/*
 * policyd: the Postfix policy service (see policyd.h). A connection is a
 * thread of listen.c reading requests into a buffer of its own; each
 * request pins the running config, is turned into the policy_request the
 * milter builds from its macros (client_address, client_name, sasl_username,
 * sender, recipient; policy_context in the place of {daemon_name}), and is
 * decided by verdict_decide, so both doors log and count alike. Postfix
 * sends no transport, so there is no routing cross-check here; it is not
 * needed: a local recipient is answered DUNNO, and Postfix's own
 * reject_unauth_destination, which follows in smtpd_relay_restrictions,
 * judges it with Postfix's own idea of its domains.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "accounts.h"
#include "addr.h"
#include "listen.h"
#include "log.h"
#include "policyd.h"
#include "pop.h"
#include "stats.h"
#include "verdict.h"

#define POLICYD_CLIENTS	512	/* one connection per asking smtpd process */
#define POLICYD_IDLE_S	330	/* smtpd_policy_service_max_idle is 300 s */

static struct listen_sock policyd_sock = LISTEN_SOCK_NONE;

int
policyd_open(const struct conf *c, char *err, size_t errlen)
{
	return listen_sock_open(&policyd_sock, c->postfix_policy, CONF_SOCKETS,
	    c->socket_mode, c->socket_group, err, errlen);
}

int
policyd_start(void)
{
	return listen_sock_start(&policyd_sock, policyd_client, NULL,
	    POLICYD_CLIENTS, POLICYD_IDLE_S);
}

void
policyd_close(void)
{
	listen_sock_close(&policyd_sock);
}

/* What the recipient gets when it cannot be judged: on_error says. */
static void
policyd_error(const struct conf *c, const char *rcpt, const char *why,
    char *action, size_t len)
{
	/*
	 * on_error = "accept" lets Postfix decide (DUNNO), never OK: its
	 * own relay check still stands, so an error opens nothing.
	 */
	snprintf(action, len, "%s", verdict_error(c, rcpt, why) ==
	    VERDICT_ACCEPT ? "DUNNO" : "451 4.7.1 Temporary relaying check "
	    "failure, try again later");
}

/* Decide the RCPT request r under c; the action into action. */
static void
policyd_decide(const struct conf *c, const struct policyproto_req *r,
    char *action, size_t len)
{
	const char *rcpt = policyproto_get(r, POLICYPROTO_RECIPIENT);
	const char *sender = policyproto_get(r, POLICYPROTO_SENDER);
	const char *name = policyproto_get(r, POLICYPROTO_CLIENT_NAME);
	const char *user = policyproto_get(r, POLICYPROTO_SASL_USERNAME);
	const char *ctx = policyproto_get(r, POLICYPROTO_POLICY_CONTEXT);
	const char *qid = policyproto_get(r, POLICYPROTO_QUEUE_ID);
	struct policy_request req;
	struct acct_ctx ax;
	struct policy_decision d;
	struct verdict_session vs;
	struct netaddr client;
	struct addr sa, ra;
	char ip[64];
	int have_client;

	if (rcpt[0] == '\0') {
		policyd_error(c, NULL, "policy request at RCPT without a "
		    "recipient", action, len);
		return;
	}
	have_client = netaddr_parse(policyproto_get(r,
	    POLICYPROTO_CLIENT_ADDRESS), &client) == 0;
	if (have_client)
		netaddr_format(&client, ip, sizeof(ip));
	else
		snprintf(ip, sizeof(ip), "unknown");
	/* Postfix says "unknown" where it could not verify a name. */
	if (strcmp(name, "unknown") == 0 || name[0] == '[')
		name = "";
	/* Postfix writes the null sender as an empty value. */
	addr_parse(sender[0] != '\0' ? sender : "<>", &sa);
	addr_parse(rcpt, &ra);
	memset(&req, 0, sizeof(req));
	req.client = have_client ? &client : NULL;
	req.client_name = name[0] != '\0' ? name : NULL;
	req.auth_user = user[0] != '\0' ? user : NULL;
	req.sender = &sa;
	req.rcpt = &ra;
	req.rcpt_mailer = NULL;
	req.now = time(NULL);
	req.pop = popstore_policy;
	req.pop_ctx = pop_store();
	accounts_request(&req, &ax);
	vs.qid = qid[0] != '\0' ? qid : NULL;
	vs.client_ip = ip;
	vs.service = ctx;
	vs.sender_raw = sender;
	vs.auth_user = user;
	vs.stats_slot = stats_service_slot(ctx);
	policyproto_action(&d, verdict_decide(c, conf_service(c, ctx[0] ?
	    ctx : NULL), &req, &vs, rcpt, &d), action, len);
}

size_t
policyd_answer(const struct policyproto_req *r, char *buf, size_t len)
{
	char action[POLICYPROTO_REPLY_MAX];
	struct conf *c;

	/* Only RCPT TO is a relay decision; the rest is not ours. */
	if (strcmp(policyproto_get(r, POLICYPROTO_PROTOCOL_STATE),
	    "RCPT") != 0)
		return policyproto_reply("DUNNO", buf, len);
	c = conf_current();
	if (c == NULL)
		policyd_error(NULL, policyproto_get(r, POLICYPROTO_RECIPIENT),
		    "no running config", action, sizeof(action));
	else
		policyd_decide(c, r, action, sizeof(action));
	conf_unref(c);
	return policyproto_reply(action, buf, len);
}

/* Why a connection ended with an unfinished request (len bytes of it). */
static void
policyd_cut(size_t len, ssize_t got)
{
	if (len == 0)
		return;
	stats_inc(STATS_POLICY_MALFORMED);
	log_msg(LOG_WARNING, "postfix policy: closing a client: %s after %zu "
	    "bytes of an unfinished request", got == 0 ? "it hung up" :
	    (errno == EAGAIN || errno == EWOULDBLOCK) ? "no more bytes within "
	    "the timeout" : "receive error", len);
}

struct policyd_conn {
	struct policyproto_scan sc;
	size_t		 len;
	char		 buf[POLICYPROTO_REQ_MAX];
};

void
policyd_client(int fd, void *arg)
{
	struct policyd_conn *pc = calloc(1, sizeof(*pc));
	char reply[POLICYPROTO_REPLY_MAX], err[256];
	struct policyproto_req r;
	size_t used, n;
	ssize_t got;
	int rc;

	(void)arg;
	if (pc == NULL)
		return;
	stats_session(STATS_DOOR_POLICY, 1);
	for (;;) {
		rc = policyproto_parse(pc->buf, pc->len, &pc->sc, &r, &used, err,
		    sizeof(err));
		if (rc < 0) {
			stats_inc(STATS_POLICY_MALFORMED);
			log_msg(LOG_WARNING, "postfix policy: closing a client: "
			    "%s", err);
			break;
		}
		if (rc == 0) {
			/* The parser refuses a full buffer: there is room. */
			got = recv(fd, pc->buf + pc->len, sizeof(pc->buf) -
			    pc->len, 0);
			if (got <= 0) {
				policyd_cut(pc->len, got);
				break;
			}
			pc->len += (size_t)got;
			continue;
		}
		stats_inc(STATS_POLICY_REQUESTS);
		n = policyd_answer(&r, reply, sizeof(reply));
		if (send(fd, reply, n, MSG_NOSIGNAL) != (ssize_t)n)
			break;
		memmove(pc->buf, pc->buf + used, pc->len - used);
		pc->len -= used;
	}
	stats_session(STATS_DOOR_POLICY, -1);
	free(pc);
}
