/*
 * policy_limits: steps 4a' and 6 of the decision procedure. A relayed
 * recipient that steps 4-5 would accept by rule auth, pop-before-smtp or
 * serial is counted against the authenticated user's limit and the
 * client's; a suspended user's relayed recipients are refused. The
 * accounts store answers through one callback (req->limits) that also
 * carries step 4b's POP lookup, so a shared store needs one round trip.
 */
#include "config.h"

#include <string.h>

#include "policy.h"
#include "policy_impl.h"

/* An accept that counts against the limits (not local, not allow-lists). */
static int
policy_limits_counting(const struct policy_decision *d)
{
	return d->verdict == POLICY_ACCEPT && (d->rule == RULE_AUTH ||
	    d->rule == RULE_POP_BEFORE_SMTP || d->rule == RULE_SERIAL);
}

/* The user counted: the users entry's name, else the name as given. */
static const char *
policy_limits_user(const struct conf *c, const struct policy_request *req,
    const struct conf_user **u)
{
	*u = NULL;
	if (req->auth_user == NULL || req->auth_user[0] == '\0')
		return NULL;
	*u = conf_user_find(c, req->auth_user);
	return *u != NULL ? (*u)->name : req->auth_user;
}

/* Ask the store; a missing callback or a failed call answers -1 all. */
static void
policy_limits_ask(const struct policy_request *req,
    const struct policy_limits_query *q, struct policy_limits_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->charge = POLICY_LIMITS_NOT_CHARGED;
	if (req->limits == NULL || req->limits(req->limits_ctx, q, a) != 0) {
		a->pop = q->need_pop ? -1 : 0;
		a->suspended = q->user != NULL ? -1 : 0;
		a->charge = POLICY_LIMITS_FAILED;
	}
}

/* Fill q for this request; 0 if there is nothing to ask the store. */
static int
policy_limits_query(const struct conf *c, const struct policy_request *req,
    int flags, int need_pop, struct policy_limits_query *q)
{
	const struct conf_user *u;

	memset(q, 0, sizeof(*q));
	q->now = req->now;
	q->client = req->client;
	q->need_pop = need_pop;
	q->pop_window = c->pop_window;
	q->pop = req->pop;
	q->pop_ctx = req->pop_ctx;
	q->user = policy_limits_user(c, req, &u);
	q->charge_flags = flags;
	if (q->user != NULL) {
		q->user_limit = *conf_limits_user(c, u);
		q->user_clients = c->limit_user_clients;
	}
	if (req->client != NULL)
		q->client_limit = c->limit_client;
	return q->user != NULL || q->client_limit.n > 0;
}

/* Steps 4a' and 6 on the verdict d of steps 4-5 and the store's answer. */
static void
policy_limits_apply(const struct policy_limits_answer *a,
    struct policy_decision *d)
{
	if (!policy_limits_counting(d))
		return;
	if (a->suspended > 0) {
		policy_set(d, POLICY_REJECT, RULE_ACCOUNT_SUSPENDED,
		    "account suspended, contact the administrator");
		return;
	}
	if (a->suspended < 0 || a->charge == POLICY_LIMITS_FAILED) {
		policy_set(d, POLICY_TEMPFAIL, RULE_LIMITS_STORE_UNAVAILABLE,
		    "relay limits unavailable, try again later");
		return;
	}
	if (a->charge == POLICY_LIMITS_OVER_USER ||
	    a->charge == POLICY_LIMITS_OVER_CLIENT)
		policy_set(d, POLICY_TEMPFAIL, RULE_OVER_QUOTA,
		    "relay limit reached, try again later");
}

void
policy_limits_steps(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req, struct policy_decision *out)
{
	struct policy_decision hit, miss;
	struct policy_limits_query q;
	struct policy_limits_answer a;
	int need_pop = policy_pop_needed(c, rp, req), flags = 0;

	/* What steps 4-5 say for either POP answer: pure and cheap. */
	policy_steps45(c, rp, req, 0, &miss);
	hit = miss;
	if (need_pop)
		policy_steps45(c, rp, req, 1, &hit);
	if (policy_limits_counting(&hit))
		flags |= POLICY_CHARGE_POP_HIT;
	if (policy_limits_counting(&miss))
		flags |= POLICY_CHARGE_POP_MISS;
	if (flags == 0 || !policy_limits_query(c, req, flags, need_pop, &q)) {
		/* Nothing to count: steps 4-5 as without limits. */
		int pop = !need_pop ? 0 : req->pop == NULL ? -1 :
		    req->pop(req->pop_ctx, req->client, req->now,
		    c->pop_window);

		policy_steps45(c, rp, req, pop, out);
		return;
	}
	policy_limits_ask(req, &q, &a);
	policy_steps45(c, rp, req, need_pop ? a.pop : 0, out);
	policy_limits_apply(&a, out);
}
