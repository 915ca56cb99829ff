/*
 * verdictline: the decision log line read back. verdict.c writes it
 * ("QID: accept rcpt=<x> rule=.. client=name[ip] from=<..> service=..
 * [user=..] [mailer=..] [pop=..]", values escaped by log_clean), this
 * reads it, whatever prefix syslog, the journal or stderr put before it,
 * and undoes exactly that escaping. relaymilter --replay decides the
 * lines again.
 */
#ifndef RELAYMILTER_VERDICTLINE_H
#define RELAYMILTER_VERDICTLINE_H

#include <stddef.h>

#include "policy.h"

/* room for one unescaped value (log_clean's callers clip at 300) */
#define VERDICTLINE_VALUE_MAX 320

/* pop when the line has no pop= (the decision did not ask the store) */
#define VERDICTLINE_POP_NONE 2

/* The fields of a decision line, unescaped. */
struct verdictline {
	char		 qid[64];	/* "NOQUEUE" when the MTA gave none */
	enum policy_verdict verdict;
	int		 dry_run;	/* "would reject", "would tempfail" */
	char		 rule[48];	/* as logged ("outside-lan") */
	enum policy_rule rule_id;	/* RULE_COUNT: not a rule of ours */
	char		 rcpt[VERDICTLINE_VALUE_MAX];	/* as logged: <x> */
	char		 sender[VERDICTLINE_VALUE_MAX];	/* <x>, <> */
	char		 client_name[VERDICTLINE_VALUE_MAX]; /* verified, or "" */
	char		 client_ip[64];	/* "" when unknown */
	char		 service[VERDICTLINE_VALUE_MAX]; /* "" for "-" */
	char		 user[VERDICTLINE_VALUE_MAX];	/* "" without AUTH */
	char		 mailer[VERDICTLINE_VALUE_MAX];	/* "" if unknown */
	int		 pop;		/* 1, 0, -1 or VERDICTLINE_POP_NONE */
	/* 1 when client=, from= and service= are all there */
	int		 complete;
};

/*
 * verdictline_parse -- read the line s[0..len) (no newline). Returns 1 and
 * fills out for a decision line ("QID: <verdict> rcpt=..." after any
 * prefix, with rcpt= and rule=; out->complete says whether client=,
 * from= and service= were there too: verdict_error's "rule=error" lines
 * have none), 0 for a line that is no decision (out untouched but for
 * scratch), -1 for a line that starts like one but is damaged (a bad
 * escape, a value too long, a field twice, a bad pop= or client=, a
 * truncated value). Unknown keys are skipped, so that fields added later
 * do not break older readers. Pure, thread-safe, no allocation.
 */
int verdictline_parse(const char *s, size_t len, struct verdictline *out);

/*
 * verdictline_unescape -- undo log_clean on s[0..len): each \xHH becomes
 * its byte, anything else is copied. Writes a NUL-terminated string of at
 * most outlen - 1 bytes. Returns its length, or -1 for text log_clean
 * cannot have written: a backslash not starting \xHH (lower-case hex), an
 * escaped NUL or an escaped byte log_clean copies as it is, a bare byte it
 * escapes (space, control, quote, backslash, 0x7f and above), or a result
 * that does not fit. So log_clean of the result is s again.
 */
int verdictline_unescape(const char *s, size_t len, char *out,
    size_t outlen);

#endif
