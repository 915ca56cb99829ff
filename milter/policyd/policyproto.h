/*
 * policyproto: the Postfix policy delegation protocol (Postfix's
 * SMTPD_POLICY_README), server side, as pure functions. A request is
 * "name=value" lines, each ending with LF, and an empty line ends it;
 * the answer is one "action=..." line and an empty line; Postfix keeps
 * the connection and sends the next request on it. The parser takes the
 * bytes as they came off the socket, says whether a whole request is
 * there, keeps the attributes relaymilter reads (a whitelist; the others
 * are checked for shape and skipped, as the protocol asks), and refuses
 * what Postfix never sends: a line or a request over its bound, a line
 * that is not name=value, a NUL, the same attribute twice, a request that
 * is not "request=smtpd_access_policy". Nothing here does I/O, allocates
 * or locks.
 */
#ifndef RELAYMILTER_POLICYPROTO_H
#define RELAYMILTER_POLICYPROTO_H

#include <stddef.h>

#include "policy.h"
#include "verdict.h"

#define POLICYPROTO_LINE_MAX	4096	/* one line, its LF excluded */
#define POLICYPROTO_REQ_MAX	32768	/* a request, its empty line included */
#define POLICYPROTO_LINES_MAX	128	/* attribute lines in a request */
#define POLICYPROTO_NAME_MAX	64	/* an attribute name */
#define POLICYPROTO_REPLY_MAX	600	/* "action=..." and the empty line */

/* The attributes relaymilter reads; every other one is skipped. */
enum policyproto_attr {
	POLICYPROTO_REQUEST,		/* "smtpd_access_policy" */
	POLICYPROTO_PROTOCOL_STATE,	/* CONNECT, EHLO, MAIL, RCPT, ... */
	POLICYPROTO_CLIENT_ADDRESS,	/* the client IP */
	POLICYPROTO_CLIENT_NAME,	/* verified name, "unknown" if none */
	POLICYPROTO_SASL_USERNAME,	/* SMTP AUTH name, "" if none */
	POLICYPROTO_SENDER,		/* MAIL FROM, no brackets, "" for <> */
	POLICYPROTO_RECIPIENT,		/* RCPT TO, no brackets */
	POLICYPROTO_POLICY_CONTEXT,	/* smtpd_policy_service_policy_context */
	POLICYPROTO_QUEUE_ID,		/* "" before Postfix has one */
	POLICYPROTO_NATTRS
};

/* One request: each attribute's value (pointing into the buffer), or NULL. */
struct policyproto_req {
	const char	*attr[POLICYPROTO_NATTRS];
	size_t		 nlines;	/* attribute lines, skipped ones too */
};

/*
 * Where the parser stopped in an unfinished request, so that more bytes
 * do not make it read the same lines again. Zero it for a new
 * connection; policyproto_parse resets it after each request.
 */
struct policyproto_scan {
	size_t		 checked;	/* bytes of whole lines found sound */
	size_t		 lines;		/* how many lines those are */
};

/*
 * policyproto_parse -- look for one whole request at the start of
 * buf[0..len), resuming at sc. Returns:
 *   1  a request is there: *used is its length (through the empty line),
 *      out holds its attributes, pointing into buf (the parser has put a
 *      NUL over each LF and over each name's '='); the bytes after *used
 *      are untouched (the next request, pipelined)
 *   0  no whole request yet, and nothing wrong so far: read more bytes
 *      and call again with the same sc (buf may hold up to
 *      POLICYPROTO_REQ_MAX bytes; the parser says -1 before that fills)
 *  -1  malformed (err says why, one line): close the connection
 * Pure; writes into buf only when it returns 1 or -1.
 */
int policyproto_parse(char *buf, size_t len, struct policyproto_scan *sc,
    struct policyproto_req *out, size_t *used, char *err, size_t errlen);

/*
 * policyproto_get -- the value of attribute a in r, "" when it was not
 * sent. Pure.
 */
const char *policyproto_get(const struct policyproto_req *r,
    enum policyproto_attr a);

/* policyproto_attr_name -- "protocol_state" for POLICYPROTO_PROTOCOL_STATE. */
const char *policyproto_attr_name(enum policyproto_attr a);

/*
 * policyproto_action -- what to tell Postfix for a recipient that
 * verdict_decide answered a about (d is its decision): "DUNNO" for a
 * local recipient (rule local: Postfix's own reject_unauth_destination
 * still judges it) and for a refusal let through by dry_run; "OK" for
 * every other accept (relaying granted); "550 5.7.1 Relaying denied: ..."
 * for a reject; "451 4.7.1 ..." for a tempfail (the milter's reply
 * without the recipient, which Postfix names itself: "<rcpt>: Recipient
 * address rejected: Relaying denied: ..."). Writes it into buf (len
 * bytes) and returns buf. Pure.
 */
char *policyproto_action(const struct policy_decision *d,
    enum verdict_answer a, char *buf, size_t len);

/*
 * policyproto_reply -- the answer for action: "action=ACTION\n\n" in buf
 * (len bytes, at least 16), with any control character of action written
 * as '?' and action cut where it would not fit, so that the answer is
 * always one line and its empty line. Returns the answer's length. Pure.
 */
size_t policyproto_reply(const char *action, char *buf, size_t len);

#endif
