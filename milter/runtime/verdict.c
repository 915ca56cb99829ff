/*
 * verdict: the decision of one recipient with its counters and log
 * lines, shared by the front doors (see verdict.h). The log line carries
 * every input of the decision, so that --replay can decide it again.
 */
#include "config.h"

#include <stdio.h>

#include "log.h"
#include "stats.h"
#include "verdict.h"

/* "<x>" for x, x itself when it already has its angle brackets. */
static void
verdict_angle(const char *raw, char *out, size_t len)
{
	char e[300];

	log_clean(raw, e, sizeof(e));
	snprintf(out, len, "%s%s%s", raw[0] == '<' ? "" : "<", e,
	    raw[0] == '<' ? "" : ">");
}

/*
 * What the POP store answered while policy_decide ran: the callback of
 * the request, wrapped so that its answer reaches the log line.
 */
struct verdict_pop {
	policy_pop_fn	 fn;
	void		*ctx;
	policy_limits_fn limits;
	void		*limits_ctx;
	int		 asked;
	int		 answer;
};

static int
verdict_pop_seen(void *ctx, const struct netaddr *client, time_t now,
    int window)
{
	struct verdict_pop *vp = ctx;

	vp->answer = vp->fn == NULL ? -1 : vp->fn(vp->ctx, client, now,
	    window);
	vp->asked = 1;
	return vp->answer;
}

/*
 * With relay limits on, the accounts store answers the POP question in
 * the same request (one round trip on Redis): its answer is logged too.
 */
static int
verdict_limits_seen(void *ctx, const struct policy_limits_query *q,
    struct policy_limits_answer *a)
{
	struct verdict_pop *vp = ctx;
	int rc = vp->limits == NULL ? -1 : vp->limits(vp->limits_ctx, q, a);

	if (q->need_pop) {
		vp->asked = 1;
		vp->answer = rc != 0 ? -1 : a->pop;
	}
	return rc;
}

/*
 * The decision line: every input of the decision, so that --replay
 * (verdictline.c reads it back) can decide it again. The client's name is
 * the verified one the policy saw, "unknown" when there is none; mailer=
 * only when the MTA named the transport, pop= only when the decision
 * asked the store (1 a login, 0 none, -1 the store could not answer).
 */
static void
verdict_log(const struct verdict_session *vs, const char *what,
    const char *rcpt, const struct policy_request *req,
    enum policy_rule rule, const struct verdict_pop *vp)
{
	char r[310], s[310], n[300], u[300], svc[100], m[100], pop[8] = "";
	const char *name = req->client_name;

	verdict_angle(rcpt, r, sizeof(r));
	verdict_angle(vs->sender_raw, s, sizeof(s));
	log_clean(name != NULL && name[0] != '\0' ? name : "unknown", n,
	    sizeof(n));
	log_clean(vs->service[0] ? vs->service : "-", svc, sizeof(svc));
	log_clean(vs->auth_user, u, sizeof(u));
	log_clean(req->rcpt_mailer, m, sizeof(m));
	if (vp->asked)
		snprintf(pop, sizeof(pop), "%d", vp->answer);
	log_msg(LOG_INFO, "%s: %s rcpt=%s rule=%s client=%s[%s] from=%s "
	    "service=%s%s%s%s%s%s%s", vs->qid ? vs->qid : "NOQUEUE", what, r,
	    policy_rule_name(rule), n, vs->client_ip, s, svc,
	    u[0] ? " user=" : "", u, m[0] ? " mailer=" : "", m,
	    pop[0] ? " pop=" : "", pop);
}

/*
 * A local domain the MTA relays: logged as a warning of its own, before
 * the decision line. It says what the relaying steps said, and when they
 * refused, that the answer is a tempfail until the config is fixed.
 */
static void
verdict_log_mismatch(const struct verdict_session *vs, const char *rcpt,
    const char *mailer, const struct policy_decision *d)
{
	char r[310], m[100], svc[100];
	int held = d->verdict == POLICY_TEMPFAIL &&
	    d->rule == RULE_ROUTING_MISMATCH;

	stats_inc(STATS_ROUTING_MISMATCH);
	verdict_angle(rcpt, r, sizeof(r));
	log_clean(mailer, m, sizeof(m));
	log_clean(vs->service[0] ? vs->service : "-", svc, sizeof(svc));
	log_msg(LOG_WARNING, "%s: mismatch rcpt=%s rule=%s mailer=%s "
	    "client=[%s] service=%s: a local domain, but the MTA delivers it "
	    "with \"%s\", not a transport of local.transports: judged as "
	    "relaying (%s rule=%s)%s; make local.domains match the MTA's own "
	    "domains, or list the transport in local.transports",
	    vs->qid ? vs->qid : "NOQUEUE", r,
	    policy_rule_name(RULE_ROUTING_MISMATCH), m, vs->client_ip, svc, m,
	    policy_verdict_name(d->relay_verdict),
	    policy_rule_name(d->relay_rule), held ? ", answered 451 (tempfail "
	    "rule=routing-mismatch) so that the mail waits in the sender's "
	    "queue" : "");
}

enum verdict_answer
verdict_decide(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req, const struct verdict_session *vs,
    const char *rcpt_raw, struct policy_decision *d)
{
	struct verdict_pop vp = { req->pop, req->pop_ctx, req->limits,
	    req->limits_ctx, 0, 0 };
	struct policy_request seen = *req;

	seen.pop = verdict_pop_seen;
	seen.pop_ctx = &vp;
	seen.limits = verdict_limits_seen;
	seen.limits_ctx = &vp;
	policy_decide(c, rp, &seen, d);
	stats_decision_slot(d->verdict, d->rule, vs->stats_slot);
	if (d->verdict == POLICY_ACCEPT && d->rule == RULE_POP_BEFORE_SMTP)
		stats_inc(STATS_POP_HITS);
	if (d->rule == RULE_SENDER_LOGIN_MISMATCH)
		stats_inc(STATS_SENDER_MISMATCH);
	if (d->rule == RULE_OVER_QUOTA)
		stats_inc(STATS_OVER_QUOTA);
	if (d->routing_mismatch)
		verdict_log_mismatch(vs, rcpt_raw, req->rcpt_mailer, d);
	if (d->verdict == POLICY_ACCEPT) {
		verdict_log(vs, "accept", rcpt_raw, req, d->rule, &vp);
		return VERDICT_ACCEPT;
	}
	if (c->dry_run) {
		stats_inc(STATS_DRY_RUN_REJECTS);
		verdict_log(vs, d->verdict == POLICY_REJECT ? "would reject" :
		    "would tempfail", rcpt_raw, req, d->rule, &vp);
		return VERDICT_ACCEPT;
	}
	verdict_log(vs, policy_verdict_name(d->verdict), rcpt_raw, req,
	    d->rule, &vp);
	return d->verdict == POLICY_REJECT ? VERDICT_REJECT : VERDICT_TEMPFAIL;
}

enum verdict_answer
verdict_error(const struct conf *c, const char *rcpt_raw, const char *why)
{
	/*
	 * The request's own config decides, like every other answer in it;
	 * only a request that never pinned one (its state is gone) falls
	 * back to the running config.
	 */
	struct conf *cur = c == NULL ? conf_current() : NULL;
	const struct conf *use = c != NULL ? c : cur;
	int accept = use != NULL && use->on_error == CONF_ON_ERROR_ACCEPT;
	char r[300];

	conf_unref(cur);
	stats_inc(STATS_ERRORS);
	stats_decision(accept ? POLICY_ACCEPT : POLICY_TEMPFAIL, RULE_ERROR,
	    NULL);
	log_msg(LOG_ERR, "NOQUEUE: %s rcpt=%s rule=error reason=\"%s\"",
	    accept ? "accept" : "tempfail",
	    log_clean(rcpt_raw != NULL ? rcpt_raw : "", r, sizeof(r)), why);
	return accept ? VERDICT_ACCEPT : VERDICT_TEMPFAIL;
}
