/*
 * explain: the offline form of the decision, for administrators and
 * tests. The POP store is replaced by the --pop flag, the accounts store
 * by --count N (each counter stands at N, plus the recipients counted on
 * the command line before; no one is suspended), the clock is the real
 * one, and dry_run is ignored: it shows what the policy says.
 * --replay builds its requests here too, from the fields of a log line
 * (its POP answer from pop=, its counters at 0).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "explain.h"
#include "policy.h"

/* The store's answer is the one given (--pop, or pop= of a log line). */
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
	struct explain_req *er = ctx;
	int hit = q->need_pop && er->pop == 1;

	a->pop = q->need_pop ? er->pop : 0;
	a->suspended = 0;
	a->charge = POLICY_LIMITS_NOT_CHARGED;
	if (!(q->charge_flags & (hit ? POLICY_CHARGE_POP_HIT :
	    POLICY_CHARGE_POP_MISS)) || (q->user_limit.n == 0 &&
	    q->client_limit.n == 0))
		return 0;
	if (q->user_limit.n > 0 && er->count >= q->user_limit.n)
		a->charge = POLICY_LIMITS_OVER_USER;
	else if (q->client_limit.n > 0 && er->count >= q->client_limit.n)
		a->charge = POLICY_LIMITS_OVER_CLIENT;
	else
		a->charge = POLICY_LIMITS_COUNTED;
	if (a->charge == POLICY_LIMITS_COUNTED)
		er->count++;
	a->user_count = a->client_count = er->count;
	return 0;
}

int
explain_request(struct explain_req *er, const char *client,
    const char *client_name, const char *auth, const char *from, int pop)
{
	struct policy_request *req = &er->req;

	memset(req, 0, sizeof(*req));
	if (client != NULL && netaddr_parse(client, &er->client) != 0)
		return -1;
	addr_parse(from, &er->sender);
	req->client = client != NULL ? &er->client : NULL;
	req->client_name = client_name;
	req->auth_user = auth;
	req->sender = &er->sender;
	req->rcpt = &er->rcpt;
	req->now = time(NULL);
	er->pop = pop;
	er->count = 0;
	req->pop = explain_pop;
	req->pop_ctx = &er->pop;
	req->limits = explain_limits;
	req->limits_ctx = er;
	return 0;
}

void
explain_decide(struct explain_req *er, const struct conf *c,
    const struct relay_policy *rp, const char *rcpt, const char *mailer,
    struct policy_decision *d)
{
	addr_parse(rcpt, &er->rcpt);
	er->req.rcpt_mailer = mailer;
	policy_decide(c, rp, &er->req, d);
}

int
explain_run(const struct conf *c, const struct explain_opts *o,
    char *const *rcpts, int nrcpt, FILE *out)
{
	const struct relay_policy *rp = conf_service(c, o->daemon_name);
	struct explain_req er;
	struct policy_decision d;
	char reply[600];
	int i, all = 1;

	if (explain_request(&er, o->client, o->client_name, o->auth, o->from,
	    o->pop) != 0) {
		fprintf(stderr, "relaymilter: --client %s: not an IP address\n",
		    o->client);
		return EX_USAGE;
	}
	er.count = o->count;
	for (i = 0; i < nrcpt; i++) {
		explain_decide(&er, c, rp, rcpts[i], NULL, &d);
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
