/*
 * policy: the relaying decision for one recipient, as a pure function of
 * the config, the request, the clock and the answers of the POP store
 * and of the accounts store (relay limits, suspensions), both asked
 * through callbacks. The front doors, "relaymilter --explain" and the
 * tests all call policy_decide.
 */
#ifndef RELAYMILTER_POLICY_H
#define RELAYMILTER_POLICY_H

#include <stddef.h>
#include <time.h>

#include "addr.h"
#include "conf.h"
#include "netset.h"

enum policy_verdict {
	POLICY_ACCEPT,
	POLICY_REJECT,
	POLICY_TEMPFAIL
};

enum policy_rule {
	RULE_LOCAL,
	RULE_ALWAYS_ALLOW_FROM,
	RULE_ALWAYS_ALLOW_TO,
	RULE_AUTH,
	RULE_POP_BEFORE_SMTP,
	RULE_POP_STORE_UNAVAILABLE,
	RULE_NO_RELAY_PRIVILEGE,
	RULE_AUTH_REQUIRED,
	RULE_NON_LOCAL_SENDER,
	RULE_OUTSIDE_LAN,
	RULE_SERIAL,
	RULE_ERROR,
	/* a local domain the MTA relays, whose relaying steps 2-5 refuse */
	RULE_ROUTING_MISMATCH,
	/* step 0: bind_sender, MAIL FROM not one of the user's addresses */
	RULE_SENDER_LOGIN_MISMATCH,
	/* relay limits and suspension (policy_limits.c) */
	RULE_ACCOUNT_SUSPENDED,
	RULE_OVER_QUOTA,
	RULE_LIMITS_STORE_UNAVAILABLE,
	RULE_COUNT
};

/*
 * The POP store's answer for a client: 1 a login within window seconds
 * before now, 0 none, -1 the store cannot answer.
 */
typedef int (*policy_pop_fn)(void *ctx, const struct netaddr *client,
    time_t now, int window);

/* policy_limits_query's charge_flags: charge when POP says hit / no hit. */
#define POLICY_CHARGE_POP_HIT	0x1
#define POLICY_CHARGE_POP_MISS	0x2

/*
 * What the engine asks the accounts store for one relayed recipient
 * (steps 4a' and 6, with step 4b's POP lookup when need_pop): the POP
 * answer, whether user is suspended (after recording client's network
 * when user_clients.n > 0), and, when charge_flags match the POP answer
 * and the user is not suspended, one recipient charged against the
 * limits whose n is not 0 (all of them or none).
 */
struct policy_limits_query {
	time_t		 now;
	const struct netaddr *client;	/* NULL: no client counter, no seen */
	int		 need_pop;	/* 1: look the client up (step 4b) */
	int		 pop_window;
	policy_pop_fn	 pop;		/* the request's POP store, to ask */
	void		*pop_ctx;	/* when the limits store cannot */
	const char	*user;		/* the authenticated user, or NULL */
	struct conf_limit user_limit;	/* n 0: none */
	struct conf_limit client_limit;
	struct conf_limit user_clients;
	int		 charge_flags;	/* POLICY_CHARGE_* */
};

enum policy_limits_charge {
	POLICY_LIMITS_FAILED = -1,	/* the store cannot answer */
	POLICY_LIMITS_COUNTED,
	POLICY_LIMITS_OVER_USER,	/* nothing charged */
	POLICY_LIMITS_OVER_CLIENT,	/* nothing charged */
	POLICY_LIMITS_NOT_CHARGED	/* not asked, or not to be charged */
};

struct policy_limits_answer {
	int		 pop;		/* 1, 0 (or not asked), -1 */
	int		 suspended;	/* 1, 0 (or no user), -1 unknown */
	int		 charge;	/* enum policy_limits_charge */
	long		 user_count;	/* the counters after the call */
	long		 client_count;
};

/*
 * The accounts store's answer for q, filled into a. Returns 0, or -1 if
 * the store cannot answer at all (a is then ignored).
 */
typedef int (*policy_limits_fn)(void *ctx,
    const struct policy_limits_query *q, struct policy_limits_answer *a);

struct policy_request {
	const struct netaddr *client;	/* NULL if the MTA did not say */
	const char	*client_name;	/* MTA-verified name, or NULL */
	const char	*auth_user;	/* {auth_authen}, or NULL */
	const struct addr *sender;	/* parsed MAIL FROM */
	const struct addr *rcpt;	/* parsed RCPT TO */
	const char	*rcpt_mailer;	/* {rcpt_mailer}, or NULL if unknown */
	time_t		 now;
	policy_pop_fn	 pop;		/* NULL: no store (answers -1) */
	void		*pop_ctx;
	/* the accounts store, asked when c->limits_on; NULL answers -1 */
	policy_limits_fn limits;
	void		*limits_ctx;
};

struct policy_decision {
	enum policy_verdict verdict;
	enum policy_rule rule;
	const char	*reason;	/* static text for the reply */
	/*
	 * 1 when the recipient is local to relaymilter (a local domain or a
	 * bare <postmaster>) but rcpt_mailer is not a local transport
	 * (local.transports): it was then judged as relaying by steps 2 to
	 * 5, whose verdict and rule are relay_verdict and relay_rule. An
	 * accept stands (verdict and rule are theirs); a refusal becomes
	 * POLICY_TEMPFAIL with RULE_ROUTING_MISMATCH. 0: relay_verdict is
	 * POLICY_ACCEPT and relay_rule RULE_COUNT, meaningless.
	 */
	int		 routing_mismatch;
	enum policy_verdict relay_verdict;
	enum policy_rule relay_rule;
};

/*
 * policy_decide -- apply the decision procedure (relaymilter(8),
 * "Decision procedure") for one recipient under the relay policy rp of
 * conf c. Fills out. Pure: no I/O but the pop and limits callbacks
 * (the limits one only where c->limits_on), no allocation,
 * no locks.
 * Step 0 comes first: where rp->bind_sender is on and the session is
 * authenticated (req->auth_user not empty), a MAIL FROM the user may not
 * use (conf_sender_allowed) refuses every recipient, local ones too,
 * with RULE_SENDER_LOGIN_MISMATCH.
 * A recipient in a local domain (or a bare <postmaster>) whose
 * req->rcpt_mailer is known and is neither in c->local_transports nor
 * "error"/"discard" is not accepted as local: it goes on through steps
 * 2-5 with out->routing_mismatch set, and what they refuse is answered
 * tempfail with RULE_ROUTING_MISMATCH (the mail waits in the sender's
 * queue until the config and the MTA agree; nothing is relayed).
 */
void policy_decide(const struct conf *c, const struct relay_policy *rp,
    const struct policy_request *req, struct policy_decision *out);

/* policy_rule_name -- the rule's name as logged ("outside-lan"). */
const char *policy_rule_name(enum policy_rule rule);

/* policy_verdict_name -- "accept", "reject" or "tempfail". */
const char *policy_verdict_name(enum policy_verdict v);

/*
 * policy_reply -- write the SMTP reply for a refusal of rcpt (as given,
 * with or without brackets) into buf: "550 5.7.1 <rcpt>: Relaying
 * denied: ..." or "451 4.7.1 <rcpt>: ...". Returns buf ("" for accept).
 */
char *policy_reply(const struct policy_decision *d, const char *rcpt,
    char *buf, size_t len);

/*
 * policy_reply_code -- the status of a refusal's reply: "550 5.7.1" for a
 * reject, "451 4.7.1" for a tempfail, "" for an accept. Pure.
 */
const char *policy_reply_code(const struct policy_decision *d);

/*
 * policy_reason_text -- why the recipient was refused, as the reply
 * says it after the recipient ("Relaying denied: ..." or the tempfail's
 * reason): static text only, never a byte from the client. Returns buf
 * ("" for accept). For a door whose MTA names the recipient itself (the
 * socket map's Sendmail, the policy service's Postfix).
 */
char *policy_reason_text(const struct policy_decision *d, char *buf,
    size_t len);

/*
 * policy_reply_text -- the text part of that reply, after the status
 * codes ("<rcpt>: Relaying denied: ..."), as libmilter's smfi_setreply
 * wants it. Returns buf.
 */
char *policy_reply_text(const struct policy_decision *d, const char *rcpt,
    char *buf, size_t len);

#endif
