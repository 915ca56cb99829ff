/*
 * explain: "relaymilter --explain", the offline decision. It runs the
 * same policy_decide as the milter on a request given on the command
 * line and prints one line per recipient.
 */
#ifndef RELAYMILTER_EXPLAIN_H
#define RELAYMILTER_EXPLAIN_H

#include <stdio.h>

#include "addr.h"
#include "conf.h"
#include "netaddr.h"
#include "policy.h"

struct explain_opts {
	const char	*client;	/* IP, required */
	const char	*client_name;
	const char	*daemon_name;
	const char	*auth;
	const char	*from;		/* required */
	int		 pop;		/* a POP3 login within the window */
	long		 count;		/* relayed recipients counted before */
};

/*
 * explain_count_parse -- the N of --count N (0..1000000000) into *out.
 * Returns 0, or -1 if s is not such a number. Pure.
 */
int explain_count_parse(const char *s, long *out);

/* An offline request and the storage its pointers point into. */
struct explain_req {
	struct policy_request req;
	struct netaddr	 client;
	struct addr	 sender;
	struct addr	 rcpt;
	int		 pop;		/* what the POP store answers */
	long		 count;		/* each relay counter stands here */
};

/*
 * explain_request -- build er->req for client (an IP address, or NULL:
 * the MTA named none), its verified client_name (or NULL), the SMTP AUTH
 * name auth (or NULL), the sender from (as sent, brackets or not) and a
 * POP store that answers pop (1, 0, -1) to every question, relay
 * counters that stand at er->count (0; set it after this call) and count
 * what this request accepts, no one suspended; the clock is now. Returns 0, or -1 if client is not an IP address. er must stay
 * where it is while er->req is used.
 */
int explain_request(struct explain_req *er, const char *client,
    const char *client_name, const char *auth, const char *from, int pop);

/*
 * explain_decide -- decide the recipient rcpt (as sent), delivered by the
 * MTA's transport mailer (NULL: unknown), for er under the relay policy
 * rp of c. Fills d. Pure but for er's recipient storage.
 */
void explain_decide(struct explain_req *er, const struct conf *c,
    const struct relay_policy *rp, const char *rcpt, const char *mailer,
    struct policy_decision *d);

/*
 * explain_run -- decide each of the nrcpt recipients and print
 * "accept|reject|tempfail <rcpt> rule=<rule> [reply=\"...\"]" lines to out.
 * Returns 0 if all were accepted, 1 otherwise, EX_USAGE (with a message
 * on stderr) if the client address is not an IP address.
 */
int explain_run(const struct conf *c, const struct explain_opts *o,
    char *const *rcpts, int nrcpt, FILE *out);

#endif
