/*
 * verdict: one recipient decided as every front door decides it (the
 * libmilter glue, the Postfix policy service, the Sendmail socket map):
 * the pure engine's decision, its counters, and its log lines (the
 * decision line, and the routing-mismatch warning before it), so that
 * the doors answer, count and log alike.
 */
#ifndef RELAYMILTER_VERDICT_H
#define RELAYMILTER_VERDICT_H

#include "conf.h"
#include "policy.h"

/* What a front door knows of the session, for the log line. */
struct verdict_session {
	const char	*qid;		/* queue id, or NULL: "NOQUEUE" */
	const char	*client_ip;	/* text, "" if unknown */
	const char	*service;	/* daemon_name, "" if none */
	const char	*sender_raw;	/* MAIL FROM as the client sent it */
	const char	*auth_user;	/* SMTP AUTH name, "" if none */
	int		 stats_slot;	/* stats_service_slot, or -1 */
};

/* What the door must answer. */
enum verdict_answer {
	VERDICT_ACCEPT,		/* accepted, or refused under dry_run */
	VERDICT_REJECT,
	VERDICT_TEMPFAIL
};

/*
 * verdict_decide -- decide the recipient req->rcpt (written rcpt_raw by
 * the client) under rp of c with policy_decide, count it, and log it:
 * "QID: accept|reject|tempfail|would reject|would tempfail rcpt=<..>
 * rule=.. client=name[ip] from=<..> service=.. [user=..] [mailer=..]
 * [pop=1|0|-1]" (values escaped; name is req->client_name, the verified
 * one, or "unknown"; mailer= when req->rcpt_mailer is known; pop= when
 * the decision asked req->pop, with its answer), preceded by a "mismatch" warning when the MTA routes a local
 * recipient elsewhere (whose refusal policy_decide turned into a
 * tempfail). Fills d. Returns what to answer: a refusal under
 * c->dry_run is answered VERDICT_ACCEPT (and counted as a dry-run
 * refusal). Thread-safe; no allocation.
 */
enum verdict_answer verdict_decide(const struct conf *c,
    const struct relay_policy *rp, const struct policy_request *req,
    const struct verdict_session *vs, const char *rcpt_raw,
    struct policy_decision *d);

/*
 * verdict_error -- a recipient the door cannot judge (why: constant
 * text): counted under errors and "<accept|tempfail>.error", logged as
 * "NOQUEUE: accept|tempfail rcpt=.. rule=error reason=\"why\"", and
 * answered as on_error says: that of c, the config the request pinned,
 * or, when it pinned none (c NULL), the running config's; tempfail when
 * there is none at all. Returns VERDICT_ACCEPT or VERDICT_TEMPFAIL.
 * Thread-safe.
 */
enum verdict_answer verdict_error(const struct conf *c, const char *rcpt_raw,
    const char *why);

#endif
