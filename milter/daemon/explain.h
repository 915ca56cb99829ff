/*
 * explain: "relaymilter --explain", the offline decision. It runs the
 * same policy_decide as the milter on a request given on the command
 * line and prints one line per recipient.
 */
#ifndef RELAYMILTER_EXPLAIN_H
#define RELAYMILTER_EXPLAIN_H

#include <stdio.h>

#include "conf.h"

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

/*
 * explain_run -- decide each of the nrcpt recipients and print
 * "accept|reject|tempfail <rcpt> rule=<rule> [reply=\"...\"]" lines to out.
 * Returns 0 if all were accepted, 1 otherwise, EX_USAGE (with a message
 * on stderr) if the client address is not an IP address.
 */
int explain_run(const struct conf *c, const struct explain_opts *o,
    char *const *rcpts, int nrcpt, FILE *out);

#endif
