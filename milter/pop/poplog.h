/*
 * poplog: recognising successful POP3 (and IMAP) logins in mail server
 * log lines. The parsers are pure functions of one line: no I/O, no
 * clock, no allocation but PCRE2's match data for the regex format, so
 * they can be tested and fuzzed alone. Only a line that says a login
 * succeeded yields a login; failures ("Aborted login", "auth failed",
 * "LOGIN FAILED") and lines of other programs never do.
 */
#ifndef RELAYMILTER_POPLOG_H
#define RELAYMILTER_POPLOG_H

#include <stddef.h>

#include "conf.h"
#include "netset.h"

#define POPLOG_USER_MAX	128
#define POPLOG_LINE_MAX	8192	/* longer lines are not logins */

struct poplog_login {
	struct netaddr	 addr;		/* the client (mapped IPv4 folded) */
	char		 user[POPLOG_USER_MAX];	/* "" if the line has none */
	int		 protocol;	/* CONF_POP_POP3 or CONF_POP_IMAP */
};

/*
 * poplog_parse_dovecot -- a Dovecot login line, in the log_path form
 * ("TIME pop3-login: Info: Login: user=<u>, ..., rip=IP, ...") or the
 * syslog form ("TIME host dovecot[pid]: pop3-login: Login: ..."); imap-
 * login likewise. TIME is syslog's "Nov 28 11:05:01" (or "Nov  8"),
 * ISO 8601 "2026-11-28T11:05:01[.frac][Z|+hh:mm|+hhmm]" or
 * "2026-11-28 11:05:01". The tags are read at those places only, so
 * text quoted inside another program's line, or a user name in the
 * "pop3(user)" prefix of Dovecot's own lines, cannot pass for a login.
 * Returns 1 with out filled, or 0. Pure.
 */
int poplog_parse_dovecot(const char *line, size_t len,
    struct poplog_login *out);

/*
 * poplog_parse_courier -- a Courier syslog line "TIME host pop3d: LOGIN,
 * user=u, ip=[IP], ..." (also pop3d-ssl, imapd, imapd-ssl; TIME as for
 * Dovecot; IP may be ::ffff:a.b.c.d). Returns 1 with out filled, or 0.
 * Pure.
 */
int poplog_parse_courier(const char *line, size_t len,
    struct poplog_login *out);

/*
 * poplog_parse_regex -- match the compiled PCRE2 pattern re (a
 * pcre2_code *, from the config) against the line; the named groups
 * "ip" and "user" (optional) say what to take. Counted as POP3. Returns
 * 1 with out filled, 0 for no match or no valid address. Pure.
 */
int poplog_parse_regex(const void *re, const char *line, size_t len,
    struct poplog_login *out);

/*
 * poplog_parse -- parse a line in the format of entry pl and keep only
 * logins of the protocols in the mask (CONF_POP_* bits). Returns 1 with
 * out filled, or 0. Pure.
 */
int poplog_parse(const struct conf_poplog *pl, int protocols,
    const char *line, size_t len, struct poplog_login *out);

#endif
