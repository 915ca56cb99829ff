/*
 * policyd: the Postfix policy delegation service, relaymilter's second
 * front door. Postfix asks it from smtpd_relay_restrictions
 * (check_policy_service) at each RCPT TO, and keeps its own relay check
 * (reject_unauth_destination) after it, so a listener that does not ask
 * stays closed. Each request is decided, counted and logged by
 * verdict_decide exactly as the milter does it; the answer is DUNNO for a
 * local recipient, OK for an accepted relay, 550 or 451 for a refusal.
 */
#ifndef RELAYMILTER_POLICYD_H
#define RELAYMILTER_POLICYD_H

#include <stddef.h>

#include "conf.h"
#include "policyproto.h"

/*
 * policyd_open -- bind c->postfix_policy, if it is set (socket_mode and
 * socket_group apply to a unix socket). Call before threads start and
 * before privileges are dropped. Returns 0 (also when there is nothing
 * to bind), or -1 with a message in err.
 */
int policyd_open(const struct conf *c, char *err, size_t errlen);

/*
 * policyd_start -- serve the socket policyd_open bound (nothing if none),
 * one thread per Postfix connection, at most 512 at once, each closed
 * after 330 s without a request (Postfix closes its own after 300).
 * Returns 0, or -1 if the accept thread does not start.
 */
int policyd_start(void);

/* policyd_close -- remove the unix socket file, if there is one. */
void policyd_close(void);

/*
 * policyd_answer -- decide one parsed request under the running config
 * (pinned for this request only) and write the whole answer
 * ("action=...\n\n") into buf (len bytes, POLICYPROTO_REPLY_MAX is
 * enough). At protocol_state RCPT the recipient is decided, counted and
 * logged by verdict_decide (the policy_context attribute selects the
 * services entry); any other state is answered DUNNO. Returns the
 * answer's length. Thread-safe.
 */
size_t policyd_answer(const struct policyproto_req *r, char *buf,
    size_t len);

/*
 * policyd_client -- serve one Postfix connection on fd until it closes,
 * times out or sends a malformed request (logged, counted as
 * policy.malformed, and that connection closed); requests may be
 * pipelined. Closes nothing (the caller closes fd). A listen_handler.
 */
void policyd_client(int fd, void *arg);

#endif
