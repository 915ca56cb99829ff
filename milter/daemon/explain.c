/*
 * explain: the offline form of the decision, for administrators and
 * tests. The POP store is replaced by the --pop flag, the accounts store
 * by --count N (each counter stands at N, plus the recipients counted on
 * the command line before; no one is suspended), the clock is the real
 * one, and dry_run is ignored: it shows what the policy says.
 */
#include "config.h"

#include <stdio.h>
#include <sysexits.h>
#include <time.h>

#include "explain.h"
#include "policy.h"

struct explain_state {
	int		 pop;
	long		 count;
};

static int
explain_pop(void *ctx, const struct netaddr *client, time_t now, int window)
{
	(void)client;
	(void)now;
	(void)window;
	return *(const int *)ctx;
}

int
explain_count_parse(const char *s, long *out)
{
	long v = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 10; i++)
		v = v * 10 + (s[i] - '0');
	if (i == 0 || s[i] != '\0' || v > 1000000000L)
		return -1;
	*out = v;
	return 0;
}

/* The accounts store as --count and --pop describe it. */
static int
explain_limits(void *ctx, const struct policy_limits_query *q,
    struct policy_limits_answer *a)
{
	struct explain_state *st = ctx;
	int hit = q->need_pop && st->pop;

	a->pop = q->need_pop ? st->pop : 0;
	a->suspended = 0;
	a->charge = POLICY_LIMITS_NOT_CHARGED;
	if (!(q->charge_flags & (hit ? POLICY_CHARGE_POP_HIT :
	    POLICY_CHARGE_POP_MISS)) || (q->user_limit.n == 0 &&
	    q->client_limit.n == 0))
		return 0;
	if (q->user_limit.n > 0 && st->count >= q->user_limit.n)
		a->charge = POLICY_LIMITS_OVER_USER;
	else if (q->client_limit.n > 0 && st->count >= q->client_limit.n)
		a->charge = POLICY_LIMITS_OVER_CLIENT;
	else
		a->charge = POLICY_LIMITS_COUNTED;
	if (a->charge == POLICY_LIMITS_COUNTED)
		st->count++;
	a->user_count = a->client_count = st->count;
	return 0;
}

int
explain_run(const struct conf *c, const struct explain_opts *o,
    char *const *rcpts, int nrcpt, FILE *out)
{
	const struct relay_policy *rp = conf_service(c, o->daemon_name);
	struct policy_request req = { 0 };
	struct policy_decision d;
	struct netaddr client;
	struct explain_state st = { o->pop, o->count };
	struct addr sender, rcpt;
	char reply[600];
	int i, all = 1;

	if (netaddr_parse(o->client, &client) != 0) {
		fprintf(stderr, "relaymilter: --client %s: not an IP address\n",
		    o->client);
		return EX_USAGE;
	}
	addr_parse(o->from, &sender);
	req.client = &client;
	req.client_name = o->client_name;
	req.auth_user = o->auth;
	req.sender = &sender;
	req.now = time(NULL);
	req.pop = explain_pop;
	req.pop_ctx = (void *)&o->pop;
	req.limits = explain_limits;
	req.limits_ctx = &st;
	for (i = 0; i < nrcpt; i++) {
		addr_parse(rcpts[i], &rcpt);
		req.rcpt = &rcpt;
		policy_decide(c, rp, &req, &d);
		if (d.verdict == POLICY_ACCEPT) {
			fprintf(out, "accept %s rule=%s\n", rcpts[i],
			    policy_rule_name(d.rule));
			continue;
		}
		all = 0;
		fprintf(out, "%s %s rule=%s reply=\"%s\"\n",
		    policy_verdict_name(d.verdict), rcpts[i],
		    policy_rule_name(d.rule),
		    policy_reply(&d, rcpts[i], reply, sizeof(reply)));
	}
	return all ? 0 : 1;
}
