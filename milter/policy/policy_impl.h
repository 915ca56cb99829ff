/*
 * policy_impl: the interface between the decision procedure (policy.c)
 * and its relay limits and suspension steps (policy_limits.c). Not for
 * other modules.
 */
#ifndef RELAYMILTER_POLICY_IMPL_H
#define RELAYMILTER_POLICY_IMPL_H

#include "policy.h"

/*
 * policy_set -- fill out's verdict, rule and reason (static text).
 */
void policy_set(struct policy_decision *out, enum policy_verdict v,
    enum policy_rule r, const char *reason);

/*
 * policy_pop_needed -- 1 if steps 4-5 would look the client up in the
 * POP store (step 4b is reached and there is a client address). Pure.
 */
int policy_pop_needed(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req);

/*
 * policy_steps45 -- steps 4 and 5 with pop as the POP store's answer
 * (1 hit, 0 none, -1 unavailable). Pure.
 */
void policy_steps45(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req, int pop, struct policy_decision *out);

/*
 * policy_limits_steps -- steps 4 and 5 wrapped in 4a' (a suspended
 * user's relayed recipients are refused) and 6 (a counting accept is
 * charged against limits.user / users[].limit and limits.client), with
 * one call of req->limits. Pure but for that callback.
 */
void policy_limits_steps(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req, struct policy_decision *out);

#endif
