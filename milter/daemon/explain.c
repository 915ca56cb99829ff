/*
 * explain: the offline form of the decision, for administrators and
 * tests. The POP store is replaced by the --pop flag, the clock is the
 * real one, and dry_run is ignored: it shows what the policy says.
 */
#include "config.h"

#include <stdio.h>
#include <sysexits.h>
#include <time.h>

#include "explain.h"
#include "policy.h"

static int
explain_pop(void *ctx, const struct netaddr *client, time_t now, int window)
{
	(void)client;
	(void)now;
	(void)window;
	return *(const int *)ctx;
}

int
explain_run(const struct conf *c, const struct explain_opts *o,
    char *const *rcpts, int nrcpt, FILE *out)
{
	const struct relay_policy *rp = conf_service(c, o->daemon_name);
	struct policy_request req = { 0 };
	struct policy_decision d;
	struct netaddr client;
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
