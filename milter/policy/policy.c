/*
 * policy: the per-recipient relaying decision. The order of the checks is
 * the contract (first verdict wins); each check is a hash or binary-search
 * lookup, so the cost does not grow with the size of the lists.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy.h"
#include "policy_impl.h"

static const char *const rule_names[RULE_COUNT] = {
	[RULE_LOCAL] = "local",
	[RULE_ALWAYS_ALLOW_FROM] = "always-allow-from",
	[RULE_ALWAYS_ALLOW_TO] = "always-allow-to",
	[RULE_AUTH] = "auth",
	[RULE_POP_BEFORE_SMTP] = "pop-before-smtp",
	[RULE_POP_STORE_UNAVAILABLE] = "pop-store-unavailable",
	[RULE_NO_RELAY_PRIVILEGE] = "no-relay-privilege",
	[RULE_AUTH_REQUIRED] = "auth-required",
	[RULE_NON_LOCAL_SENDER] = "non-local-sender",
	[RULE_OUTSIDE_LAN] = "outside-lan",
	[RULE_SERIAL] = "serial",
	[RULE_ERROR] = "error",
	[RULE_ROUTING_MISMATCH] = "routing-mismatch",
	[RULE_SENDER_LOGIN_MISMATCH] = "sender-login-mismatch",
	[RULE_ACCOUNT_SUSPENDED] = "account-suspended",
	[RULE_OVER_QUOTA] = "over-quota",
	[RULE_LIMITS_STORE_UNAVAILABLE] = "limits-store-unavailable",
};

const char *
policy_rule_name(enum policy_rule rule)
{
	return (unsigned)rule < RULE_COUNT ? rule_names[rule] : "?";
}

const char *
policy_verdict_name(enum policy_verdict v)
{
	switch (v) {
	case POLICY_ACCEPT:	return "accept";
	case POLICY_REJECT:	return "reject";
	case POLICY_TEMPFAIL:	return "tempfail";
	}
	return "?";
}

void
policy_set(struct policy_decision *out, enum policy_verdict v,
    enum policy_rule r, const char *reason)
{
	out->verdict = v;
	out->rule = r;
	out->reason = reason;
}

/* The recipient's domain with its hash, computed once per decision. */
struct policy_rcpt_key {
	size_t		 len;
	uint64_t	 hash;
};

/*
 * Hash the recipient's domain and start loading the hash table lines its
 * lookups in local.domains and always_allow_to read: with big lists each
 * is a cache miss, and asked for together they overlap instead of
 * queueing one behind the other.
 */
static void
policy_rcpt_prefetch(const struct conf *c, const struct relay_policy *rp,
    const struct addr *rcpt, struct policy_rcpt_key *k)
{
	k->len = 0;
	k->hash = 0;
	if (rcpt->kind != ADDR_PLAIN)
		return;
	k->len = strlen(rcpt->domain);
	k->hash = strmap_hash(rcpt->domain, k->len);
	domset_prefetch(&c->local_domains, k->hash);
	domset_prefetch(rp->allow_to, k->hash);
}

static int
policy_local_domain(const struct conf *c, const struct addr *a)
{
	return a->kind == ADDR_PLAIN && domset_match(&c->local_domains,
	    a->domain);
}

/*
 * The MTA delivers a recipient of a local domain with a transport that is
 * not local: its own routing says relaying. "error" and "discard" deliver
 * nowhere (Postfix answers "error" for virtual alias domains), and an
 * unknown mailer (NULL, "") or an empty local.transports checks nothing.
 */
static int
policy_routing_mismatch(const struct conf *c, const char *mailer)
{
	size_t i;

	if (mailer == NULL || mailer[0] == '\0' || c->nlocal_transports == 0 ||
	    strcasecmp(mailer, "error") == 0 ||
	    strcasecmp(mailer, "discard") == 0)
		return 0;
	for (i = 0; i < c->nlocal_transports; i++)
		if (strcasecmp(mailer, c->local_transports[i]) == 0)
			return 0;
	return 1;
}

static int
policy_client_allowed(const struct relay_policy *rp,
    const struct policy_request *req)
{
	char name[ADDR_DOMAIN_MAX];

	if (req->client != NULL && netset_contains(rp->allow_from_nets,
	    req->client))
		return 1;
	if (req->client_name == NULL || domset_count(rp->allow_from_names) ==
	    0 || addr_domain_normalize(req->client_name,
	    strlen(req->client_name), name, sizeof(name)) != 0 ||
	    name[0] == '[')
		return 0;
	return domset_match(rp->allow_from_names, name);
}

static int
policy_rcpt_allowed(const struct relay_policy *rp, const struct addr *rcpt,
    const struct policy_rcpt_key *k)
{
	/* A recipient with routing never matches: only ADDR_PLAIN. */
	if (rcpt->kind != ADDR_PLAIN)
		return 0;
	if (domset_match_hashed(rp->allow_to, rcpt->domain, k->len, k->hash))
		return 1;
	return !rcpt->local_toolong && domset_match_address(rp->allow_to,
	    rcpt->local, rcpt->domain);
}

/* Step 4a: an authenticated user with relay = true. */
static int
policy_auth_accepts(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req)
{
	const struct conf_user *u;

	if (!rp->smtp_auth || req->auth_user == NULL ||
	    req->auth_user[0] == '\0')
		return 0;
	u = conf_user_find(c, req->auth_user);
	return u != NULL && u->relay;
}

int
policy_pop_needed(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req)
{
	/* Without a client address there is nothing to look up. */
	return rp->pop_before_smtp && req->client != NULL &&
	    !policy_auth_accepts(c, rp, req);
}

/* Step 4 of the procedure: SMTP AUTH and POP-before-SMTP. */
static void
policy_auth_or_pop(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req, int pop, struct policy_decision *out)
{
	int authed = req->auth_user != NULL && req->auth_user[0] != '\0';

	if (policy_auth_accepts(c, rp, req)) {
		policy_set(out, POLICY_ACCEPT, RULE_AUTH, NULL);
		return;
	}
	if (rp->pop_before_smtp) {
		int r = req->client == NULL ? 0 : pop;

		if (r > 0) {
			policy_set(out, POLICY_ACCEPT, RULE_POP_BEFORE_SMTP, NULL);
			return;
		}
		if (r < 0) {
			policy_set(out, POLICY_TEMPFAIL, RULE_POP_STORE_UNAVAILABLE,
			    "POP-before-SMTP store unavailable, try again "
			    "later");
			return;
		}
	}
	if (rp->smtp_auth && authed)
		policy_set(out, POLICY_REJECT, RULE_NO_RELAY_PRIVILEGE,
		    "user may not relay");
	else if (rp->smtp_auth && rp->pop_before_smtp)
		policy_set(out, POLICY_REJECT, RULE_AUTH_REQUIRED,
		    "authenticate or check your mail (POP3) first");
	else if (rp->smtp_auth)
		policy_set(out, POLICY_REJECT, RULE_AUTH_REQUIRED,
		    "authentication required");
	else
		policy_set(out, POLICY_REJECT, RULE_AUTH_REQUIRED,
		    "check your mail (POP3) first");
}

void
policy_steps45(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req, int pop, struct policy_decision *out)
{
	if (rp->smtp_auth || rp->pop_before_smtp) {
		policy_auth_or_pop(c, rp, req, pop, out);
		return;
	}
	/* The null sender and routed senders are never local senders. */
	if (!rp->relay_for_non_local_senders &&
	    !policy_local_domain(c, req->sender)) {
		policy_set(out, POLICY_REJECT, RULE_NON_LOCAL_SENDER,
		    "sender domain is not local");
		return;
	}
	if (!rp->relay_for_client_machines && (req->client == NULL ||
	    !netset_contains(&c->lan, req->client))) {
		policy_set(out, POLICY_REJECT, RULE_OUTSIDE_LAN,
		    "client is not on the local network");
		return;
	}
	policy_set(out, POLICY_ACCEPT, RULE_SERIAL, NULL);
}

/*
 * Step 0: bind_sender. An authenticated client writing a MAIL FROM that
 * is not its user's refuses every recipient, local ones included: a
 * stolen password must not send in other people's names even to us.
 * The reason names neither the user nor the addresses allowed. Returns
 * 1 when it decided.
 */
static int
policy_sender_bound(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req, struct policy_decision *out)
{
	if (!rp->bind_sender || req->auth_user == NULL ||
	    req->auth_user[0] == '\0' ||
	    conf_sender_allowed(c, req->auth_user, req->sender))
		return 0;
	policy_set(out, POLICY_REJECT, RULE_SENDER_LOGIN_MISMATCH,
	    "sender address not allowed for this login");
	return 1;
}

/* Steps 2 to 5 of the procedure: the recipient is relayed. */
static void
policy_relaying(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req, const struct policy_rcpt_key *k,
    struct policy_decision *out)
{
	int pop = 0;

	if (policy_client_allowed(rp, req)) {
		policy_set(out, POLICY_ACCEPT, RULE_ALWAYS_ALLOW_FROM, NULL);
		return;
	}
	if (policy_rcpt_allowed(rp, req->rcpt, k)) {
		policy_set(out, POLICY_ACCEPT, RULE_ALWAYS_ALLOW_TO, NULL);
		return;
	}
	if (c->limits_on) {
		policy_limits_steps(c, rp, req, out);
		return;
	}
	if (policy_pop_needed(c, rp, req))
		pop = req->pop == NULL ? -1 : req->pop(req->pop_ctx,
		    req->client, req->now, c->pop_window);
	policy_steps45(c, rp, req, pop, out);
}

void
policy_decide(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req, struct policy_decision *out)
{
	const struct addr *rcpt = req->rcpt;
	struct policy_rcpt_key k;

	policy_rcpt_prefetch(c, rp, rcpt, &k);
	out->routing_mismatch = 0;
	out->relay_verdict = POLICY_ACCEPT;
	out->relay_rule = RULE_COUNT;
	if (policy_sender_bound(c, rp, req, out))
		return;
	/*
	 * A bare <postmaster> is ours like a local domain, and like one it
	 * is local only where the MTA delivers it here: an MTA that
	 * qualifies or aliases it to somewhere it relays would otherwise
	 * relay for anyone on relaymilter's word.
	 */
	if (rcpt->kind == ADDR_POSTMASTER || (rcpt->kind == ADDR_PLAIN &&
	    domset_match_hashed(&c->local_domains, rcpt->domain, k.len,
	    k.hash))) {
		if (!policy_routing_mismatch(c, req->rcpt_mailer)) {
			policy_set(out, POLICY_ACCEPT, RULE_LOCAL, NULL);
			return;
		}
		/* Judged as the relaying it is: steps 2 to 5. */
		out->routing_mismatch = 1;
	}
	policy_relaying(c, rp, req, &k, out);
	if (!out->routing_mismatch)
		return;
	out->relay_verdict = out->verdict;
	out->relay_rule = out->rule;
	/*
	 * Whoever may relay still gets through; anyone else is told to come
	 * back later, not refused for good: the sender was most likely
	 * writing to one of our own domains, and its mail should wait in
	 * its queue while local.domains and the MTA's routing are made to
	 * agree, instead of bouncing. No relay opens either way.
	 */
	if (out->verdict != POLICY_ACCEPT)
		policy_set(out, POLICY_TEMPFAIL, RULE_ROUTING_MISMATCH,
		    "mail routing for this domain is misconfigured here, try "
		    "again later");
}

/* The recipient between angle brackets, clipped for the reply line. */
static void
policy_bracketed(const char *rcpt, char *buf, size_t len)
{
	size_t n = strlen(rcpt), i, o = 0;

	if (n >= 2 && rcpt[0] == '<' && rcpt[n - 1] == '>') {
		rcpt++;
		n -= 2;
	}
	if (len < 8)
		return;
	buf[o++] = '<';
	for (i = 0; i < n && o + 5 < len; i++) {
		unsigned char ch = (unsigned char)rcpt[i];

		/* Keep the reply one printable line whatever the client sent. */
		buf[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	if (i < n) {
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o++] = '>';
	buf[o] = '\0';
}

const char *
policy_reply_code(const struct policy_decision *d)
{
	return d->verdict == POLICY_REJECT ? "550 5.7.1" :
	    d->verdict == POLICY_TEMPFAIL ? "451 4.7.1" : "";
}

char *
policy_reason_text(const struct policy_decision *d, char *buf, size_t len)
{
	if (d->verdict == POLICY_REJECT)
		snprintf(buf, len, "Relaying denied: %s",
		    d->reason ? d->reason : "not allowed");
	else if (d->verdict == POLICY_TEMPFAIL)
		snprintf(buf, len, "%s", d->reason ? d->reason :
		    "try again later");
	else if (len > 0)
		buf[0] = '\0';
	return buf;
}

char *
policy_reply_text(const struct policy_decision *d, const char *rcpt,
    char *buf, size_t len)
{
	char b[300], why[200];

	policy_bracketed(rcpt, b, sizeof(b));
	if (d->verdict != POLICY_ACCEPT)
		snprintf(buf, len, "%s: %s", b, policy_reason_text(d, why,
		    sizeof(why)));
	else if (len > 0)
		buf[0] = '\0';
	return buf;
}

char *
policy_reply(const struct policy_decision *d, const char *rcpt, char *buf,
    size_t len)
{
	char text[400];

	policy_reply_text(d, rcpt, text, sizeof(text));
	if (d->verdict == POLICY_ACCEPT) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	snprintf(buf, len, "%s %s", policy_reply_code(d), text);
	return buf;
}
