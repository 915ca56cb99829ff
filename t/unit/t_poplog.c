/*
 * t_poplog: the log-line parsers of POP-before-SMTP on real Dovecot and
 * Courier lines (success, failure, IPv6, mapped IPv4, lines of other
 * programs quoting a login), the regex format, pop.protocols, and the
 * pure parts of the store: window arithmetic, IPv6 prefix grouping,
 * stored values and the pop.* config keys.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "poplog.h"
#include "popstore.h"
#include "../tap.h"

struct line_case {
	const char	*line;
	const char	*ip;		/* NULL: not a login */
	const char	*user;
	int		 protocol;
};

static const struct line_case dovecot_cases[] = {
	/* log_path form, as the private test instance writes it */
	{ "Nov 28 11:05:01 pop3-login: Info: Login: user=<alice>, "
	  "method=PLAIN, rip=127.0.0.5, lip=127.0.0.1, mpid=12345, "
	  "session=<abcdEFGH1234>", "127.0.0.5", "alice", CONF_POP_POP3 },
	/* syslog form, with and without a pid, TLS */
	{ "Nov 28 11:05:01 mail dovecot: pop3-login: Login: user=<alice>, "
	  "method=PLAIN, rip=192.0.2.10, lip=192.0.2.1, mpid=12345, TLS, "
	  "session=<xY>", "192.0.2.10", "alice", CONF_POP_POP3 },
	{ "Nov 28 11:05:01 mail dovecot[812]: pop3-login: Login: "
	  "user=<bob@example.com>, method=PLAIN, rip=2001:db8::25, "
	  "lip=2001:db8::1, mpid=2, TLS, session=<q>", "2001:db8::25",
	  "bob@example.com", CONF_POP_POP3 },
	/* ISO time stamp, mapped IPv4 */
	{ "2026-11-28T11:05:01.123456+00:00 mx dovecot[5]: pop3-login: "
	  "Login: user=<a>, method=PLAIN, rip=::ffff:192.0.2.33, "
	  "lip=::ffff:192.0.2.1, mpid=1, session=<s>", "192.0.2.33", "a",
	  CONF_POP_POP3 },
	/* IMAP */
	{ "Nov 28 11:05:01 mail dovecot: imap-login: Login: user=<carol>, "
	  "method=CRAM-MD5, rip=198.51.100.7, lip=198.51.100.1, mpid=9, "
	  "session=<i>", "198.51.100.7", "carol", CONF_POP_IMAP },
	{ "Nov 28 11:05:01 imap-login: Info: Login: user=<carol>, "
	  "method=PLAIN, rip=198.51.100.8, lip=198.51.100.1, mpid=9, "
	  "session=<i>", "198.51.100.8", "carol", CONF_POP_IMAP },
	/* the other time stamps: syslog's space-padded day, Dovecot's
	 * zero-padded one and its "%Y-%m-%d %H:%M:%S", journalctl's ISO */
	{ "Nov  8 11:05:01 mail dovecot: pop3-login: Login: user=<d>, "
	  "method=PLAIN, rip=192.0.2.40, lip=192.0.2.1", "192.0.2.40", "d",
	  CONF_POP_POP3 },
	{ "Nov 08 11:05:01 pop3-login: Info: Login: user=<d>, method=PLAIN, "
	  "rip=192.0.2.41, lip=192.0.2.1", "192.0.2.41", "d", CONF_POP_POP3 },
	{ "2026-11-28 11:05:01 pop3-login: Info: Login: user=<d>, "
	  "method=PLAIN, rip=192.0.2.42, lip=192.0.2.1", "192.0.2.42", "d",
	  CONF_POP_POP3 },
	{ "2026-11-28T11:05:01+0000 mx dovecot[5]: pop3-login: Login: "
	  "user=<d>, rip=192.0.2.43, lip=192.0.2.1", "192.0.2.43", "d",
	  CONF_POP_POP3 },
	{ "2026-11-28T11:05:01Z mx dovecot: pop3-login: Login: user=<d>, "
	  "rip=192.0.2.44", "192.0.2.44", "d", CONF_POP_POP3 },
	/* a user name that tries to smuggle its own rip= */
	{ "Nov 28 11:05:01 pop3-login: Info: Login: user=<x, rip=6.6.6.6>, "
	  "method=PLAIN, rip=127.0.0.5, lip=127.0.0.1, mpid=1, session=<s>",
	  "127.0.0.5", "x, rip=6.6.6.6", CONF_POP_POP3 },
	/* failures and other lines: never a login */
	{ "Nov 28 11:05:01 pop3-login: Info: Aborted login (auth failed, 1 "
	  "attempts in 2 secs): user=<alice>, method=PLAIN, rip=127.0.0.7, "
	  "lip=127.0.0.1, session=<f>", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 mail dovecot: pop3-login: Disconnected (auth "
	  "failed, 1 attempts in 2 secs): user=<alice>, method=PLAIN, "
	  "rip=127.0.0.7, lip=127.0.0.1, session=<f>", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 mail dovecot: pop3-login: Aborted login (no auth "
	  "attempts in 0 secs): user=<>, rip=127.0.0.8, lip=127.0.0.1, "
	  "session=<g>", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 mail dovecot: auth: passwd-file(alice,127.0.0.7,"
	  "<f>): Password mismatch", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 pop3(alice)<123><abc>: Info: Disconnected: Logged "
	  "out top=0/0, retr=0/0, del=0/0, size=0", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 mail dovecot: master: Dovecot v2.3.19.1 starting "
	  "up for pop3", NULL, NULL, 0 },
	/* another program quoting a login line (SMTP HELO, a sender...) */
	{ "Nov 28 11:05:01 mail postfix/smtpd[9]: NOQUEUE: reject: RCPT from "
	  "unknown[203.0.113.9]: 554 5.7.1 <u@x>: Relay access denied; "
	  "helo=<dovecot: pop3-login: Login: user=<x>, rip=6.6.6.6>",
	  NULL, NULL, 0 },
	{ "Nov 28 11:05:01 mail sshd[3]: Invalid user pop3-login: Login: "
	  "user=<x>, rip=6.6.6.6", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 xpop3-login: Info: Login: user=<x>, rip=6.6.6.6",
	  NULL, NULL, 0 },
	{ "Nov 28 11:05:01 pop3-login: Info: Login: user=<x>, rip=not-an-ip, "
	  "lip=127.0.0.1", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 pop3-login: Info: Login: user=<x>", NULL, NULL, 0 },
	{ "", NULL, NULL, 0 },
	{ "pop3-login: ", NULL, NULL, 0 },
	{ "dovecot: pop3-login", NULL, NULL, 0 },
};

static const struct line_case courier_cases[] = {
	{ "Nov 28 11:05:01 mail pop3d: LOGIN, user=alice, "
	  "ip=[::ffff:127.0.0.5], port=[41234]", "127.0.0.5", "alice",
	  CONF_POP_POP3 },
	{ "Nov 28 11:05:01 mail pop3d-ssl: LOGIN, user=bob@example.com, "
	  "ip=[2001:db8::9], port=[995]", "2001:db8::9", "bob@example.com",
	  CONF_POP_POP3 },
	{ "Nov 28 11:05:01 mail pop3d[77]: LOGIN, user=alice, "
	  "ip=[192.0.2.5], port=[1]", "192.0.2.5", "alice", CONF_POP_POP3 },
	{ "Nov 28 11:05:01 mail courierpop3login: LOGIN, user=dave, "
	  "ip=[::ffff:192.0.2.6]", "192.0.2.6", "dave", CONF_POP_POP3 },
	{ "Nov 28 11:05:01 mail imapd: LOGIN, user=alice, "
	  "ip=[::ffff:192.0.2.4], port=[5], protocol=IMAP", "192.0.2.4",
	  "alice", CONF_POP_IMAP },
	{ "Nov 28 11:05:01 mail imapd-ssl: LOGIN, user=alice, "
	  "ip=[2001:db8::4], port=[5], protocol=IMAP", "2001:db8::4", "alice",
	  CONF_POP_IMAP },
	/* a user name smuggling its own ip=[...] */
	{ "Nov 28 11:05:01 mail pop3d: LOGIN, user=x, ip=[6.6.6.6], "
	  "ip=[::ffff:127.0.0.5], port=[2]", "127.0.0.5", "x, ip=[6.6.6.6]",
	  CONF_POP_POP3 },
	/* failures and other lines */
	{ "Nov 28 11:05:01 mail pop3d: LOGIN FAILED, user=alice, "
	  "ip=[::ffff:127.0.0.7]", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 mail imapd: LOGIN FAILED, method=PLAIN, "
	  "user=alice, ip=[::ffff:127.0.0.7]", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 mail pop3d: Connection, ip=[::ffff:127.0.0.5]",
	  NULL, NULL, 0 },
	{ "Nov 28 11:05:01 mail pop3d: LOGOUT, user=alice, "
	  "ip=[::ffff:127.0.0.5], port=[41234], top=0, retr=0, rcvd=12, "
	  "sent=45, time=0", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 mail pop3d: authentication error: Input/output "
	  "error", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 mail postfix/smtpd[1]: warning: helo=<pop3d: "
	  "LOGIN, user=x, ip=[6.6.6.6]>", NULL, NULL, 0 },
	{ "Nov 28 11:05:01 mail pop3d: LOGIN, user=x, ip=[6.6.6.6",
	  NULL, NULL, 0 },
};

/*
 * Forged lines: a user name (or other text a client controls) that
 * holds ": " and "<" must not make a line pass for a login, whatever
 * parser reads it. Dovecot's log_path names a user's process
 * "pop3(USER)<pid><session>:" before the first ": " of the line; the
 * tag is where syslog (or Dovecot) puts it, after the time stamp (and
 * the host), never the first ": " found.
 */
static const char *const forged_lines[] = {
	/* log_path: the user name opens the line's first "tag: " */
	"Nov 28 11:05:01 pop3(x pop3-login: Info: Login: user=<x>, "
	"rip=6.6.6.6, y)<7><abc>: Info: Disconnected: Logged out top=0/0",
	"Nov 28 11:05:01 imap(x imap-login: Info: Login: user=<x>, "
	"rip=6.6.6.6, y)<7><abc>: Info: Logged out in=1 out=2",
	"Nov 28 11:05:01 pop3(x dovecot: pop3-login: Login: user=<x>, "
	"rip=6.6.6.6, y)<7><abc>: Info: Disconnected: Logged out",
	"Nov 28 11:05:01 pop3(x mail dovecot: pop3-login: Login: user=<x>, "
	"rip=6.6.6.6, y)<7><abc>: Info: Disconnected: Logged out",
	"Nov 28 11:05:01 pop3( dovecot: pop3-login: Login: user=<x>, "
	"rip=6.6.6.6, y)<7><abc>: Info: Disconnected: Logged out",
	"Nov 28 11:05:01 auth: Info: passwd-file(x pop3-login: Info: Login: "
	"user=<x>, rip=6.6.6.6,192.0.2.1,<abc>): unknown user",
	/* syslog: the same inside Dovecot's message */
	"Nov 28 11:05:01 mail dovecot: pop3(x pop3-login: Login: user=<x>, "
	"rip=6.6.6.6, y)<7><abc>: Disconnected: Logged out",
	"Nov 28 11:05:01 mail dovecot: auth: passwd-file(x pop3-login: "
	"Login: user=<x>, rip=6.6.6.6,192.0.2.1,<abc>): unknown user",
	"Nov 28 11:05:01 mail dovecot: pop3-login: Aborted login (auth "
	"failed): user=<x: pop3-login: Login: user=<y>, rip=6.6.6.6>, "
	"rip=192.0.2.9",
	/* a Courier shape behind a user-named process */
	"Nov 28 11:05:01 pop3(x mail pop3d: LOGIN, user=x, ip=[6.6.6.6]",
	"Nov 28 11:05:01 pop3(x pop3d: LOGIN, user=x, ip=[6.6.6.6]",
	"Nov 28 11:05:01 mail pop3d: LOGIN FAILED, user=x pop3d: LOGIN, "
	"user=y, ip=[6.6.6.6], ip=[::ffff:192.0.2.9]",
	/* no time stamp, or text where syslog puts one */
	"pop3-login: Info: Login: user=<x>, rip=6.6.6.6",
	"dovecot: pop3-login: Login: user=<x>, rip=6.6.6.6",
	"x pop3-login: Info: Login: user=<x>, rip=6.6.6.6",
	"mail pop3d: LOGIN, user=x, ip=[6.6.6.6]",
	"Nov 28 pop3-login: Info: Login: user=<x>, rip=6.6.6.6",
	"Nov 28 11:05:01: pop3-login: Info: Login: user=<x>, rip=6.6.6.6",
	/* a host that is no host name */
	"Nov 28 11:05:01 a<b dovecot: pop3-login: Login: user=<x>, "
	"rip=6.6.6.6",
	"Nov 28 11:05:01 a(b pop3d: LOGIN, user=x, ip=[6.6.6.6]",
};

static void
test_forged(void)
{
	struct conf_poplog dv = { 0 }, co = { 0 };
	const int all = CONF_POP_POP3 | CONF_POP_IMAP;
	struct poplog_login l;
	size_t i;

	dv.fmt = CONF_POPLOG_DOVECOT;
	co.fmt = CONF_POPLOG_COURIER;
	for (i = 0; i < sizeof(forged_lines) / sizeof(forged_lines[0]); i++) {
		const char *f = forged_lines[i];
		size_t n = strlen(f);

		tap_ok(poplog_parse_dovecot(f, n, &l) == 0 &&
		    poplog_parse(&dv, all, f, n, &l) == 0, "forged line %zu "
		    "grants nothing as dovecot: %s", i, tap_show(f));
		tap_ok(poplog_parse_courier(f, n, &l) == 0 &&
		    poplog_parse(&co, all, f, n, &l) == 0, "forged line %zu "
		    "grants nothing as courier", i);
	}
}

static void
check_case(const char *kind, const struct line_case *c, int rc,
    const struct poplog_login *l, size_t i)
{
	char ip[64], what[128];

	snprintf(what, sizeof(what), "%s line %zu: %s", kind, i,
	    c->ip ? "a login" : "not a login");
	if (!tap_is_int(rc, c->ip != NULL, what) || rc != 1)
		return;
	snprintf(what, sizeof(what), "%s line %zu: client %s", kind, i, c->ip);
	tap_is_str(netaddr_format(&l->addr, ip, sizeof(ip)), c->ip, what);
	snprintf(what, sizeof(what), "%s line %zu: user", kind, i);
	tap_is_str(l->user, c->user, what);
	snprintf(what, sizeof(what), "%s line %zu: protocol", kind, i);
	tap_is_int(l->protocol, c->protocol, what);
}

static void
test_lines(void)
{
	struct poplog_login l;
	size_t i;

	for (i = 0; i < sizeof(dovecot_cases) / sizeof(dovecot_cases[0]);
	    i++) {
		const struct line_case *c = &dovecot_cases[i];

		memset(&l, 0, sizeof(l));
		check_case("dovecot", c, poplog_parse_dovecot(c->line,
		    strlen(c->line), &l), &l, i);
	}
	for (i = 0; i < sizeof(courier_cases) / sizeof(courier_cases[0]);
	    i++) {
		const struct line_case *c = &courier_cases[i];

		memset(&l, 0, sizeof(l));
		check_case("courier", c, poplog_parse_courier(c->line,
		    strlen(c->line), &l), &l, i);
	}
}

/* pop.protocols through poplog_parse, with the format of a conf entry. */
static void
test_protocols(void)
{
	struct conf_poplog dv = { 0 }, co = { 0 };
	struct poplog_login l;
	const char *imap = dovecot_cases[4].line, *pop = dovecot_cases[0].line;
	const char *cimap = courier_cases[4].line;

	dv.fmt = CONF_POPLOG_DOVECOT;
	co.fmt = CONF_POPLOG_COURIER;
	tap_is_int(poplog_parse(&dv, CONF_POP_POP3, pop, strlen(pop), &l), 1,
	    "protocols [pop3]: a pop3-login counts");
	tap_is_int(poplog_parse(&dv, CONF_POP_POP3, imap, strlen(imap), &l),
	    0, "protocols [pop3]: an imap-login does not count");
	tap_is_int(poplog_parse(&dv, CONF_POP_POP3 | CONF_POP_IMAP, imap,
	    strlen(imap), &l), 1, "protocols [pop3, imap]: imap-login counts");
	tap_is_int(poplog_parse(&dv, CONF_POP_IMAP, pop, strlen(pop), &l), 0,
	    "protocols [imap]: a pop3-login does not count");
	tap_is_int(poplog_parse(&co, CONF_POP_POP3, cimap, strlen(cimap), &l),
	    0, "courier imapd LOGIN does not count by default");
	tap_is_int(poplog_parse(&co, CONF_POP_POP3 | CONF_POP_IMAP, cimap,
	    strlen(cimap), &l), 1, "courier imapd LOGIN counts with imap");
	tap_is_int(poplog_parse(&dv, CONF_POP_POP3, pop, POPLOG_LINE_MAX + 1,
	    &l), 0, "an over-long line is never a login");
}

static struct conf *
load(const char *text, char *err, size_t errlen)
{
	return conf_load_string(text, "t.conf", err, errlen);
}

static void
test_regex(void)
{
	static const char *const conf_text =
	    "pop = { logs = ( { path = \"/var/log/pop.log\"; format = "
	    "\"regex\"; pattern = \"^\\\\S+ mypop\\\\[\\\\d+\\\\]: login ok "
	    "user=(?<user>\\\\S+) from (?<ip>[0-9a-fA-F:.]+)"
	    "( (?<protocol>imap))?$\"; } ); };\n";
	char err[CONF_ERRLEN];
	struct conf *c = load(conf_text, err, sizeof(err));
	struct poplog_login l;
	const char *ok = "t1 mypop[12]: login ok user=eve from 192.0.2.77";
	const char *v6 = "t1 mypop[12]: login ok user=eve from ::ffff:10.0.0.1";
	const char *im = "t1 mypop[1]: login ok user=eve from 192.0.2.8 imap";
	const char *bad = "t1 mypop[12]: login FAILED user=eve from 192.0.2.7";
	char ip[64];

	tap_ok(c != NULL, "a regex pop.logs entry loads");
	if (c == NULL) {
		printf("#   %s\n", err);
		return;
	}
	tap_is_int(c->pop_logs[0].fmt, CONF_POPLOG_REGEX, "format regex");
	tap_is_int(poplog_parse(&c->pop_logs[0], CONF_POP_POP3, ok,
	    strlen(ok), &l), 1, "regex: a matching line is a login");
	tap_is_str(netaddr_format(&l.addr, ip, sizeof(ip)), "192.0.2.77",
	    "regex: group ip");
	tap_is_str(l.user, "eve", "regex: group user");
	tap_is_int(poplog_parse(&c->pop_logs[0], CONF_POP_POP3, v6,
	    strlen(v6), &l), 1, "regex: mapped IPv4 address");
	tap_is_str(netaddr_format(&l.addr, ip, sizeof(ip)), "10.0.0.1",
	    "regex: mapped address folded to IPv4");
	tap_is_int(poplog_parse(&c->pop_logs[0], CONF_POP_POP3, bad,
	    strlen(bad), &l), 0, "regex: a failure line does not match");
	tap_is_int(poplog_parse(&c->pop_logs[0], CONF_POP_POP3, im,
	    strlen(im), &l), 0, "regex: group protocol=imap is IMAP");
	conf_unref(c);
}

struct conf_case {
	const char	*text;
	const char	*want;		/* NULL: loads; else in the error */
};

static const struct conf_case conf_cases[] = {
	{ "pop = { ipv6_prefix = 56; protocols = [ \"pop3\", \"imap\" ]; };",
	  NULL },
	{ "pop = { logs = ( { path = \"/l\"; format = \"regex\"; "
	  "pattern = \"(?<ip>\\\\S+\"; } ); };", "t.conf:1: pop.logs pattern" },
	{ "pop = {\n logs = (\n { path = \"/l\"; format = \"regex\";\n"
	  " pattern = \"(?<user>x) (?<addr>y)\"; } ); };",
	  "t.conf:4: pop.logs pattern needs a named group (?<ip>" },
	{ "pop = { logs = ( { path = \"/l\"; format = \"regex\"; } ); };",
	  "needs a pattern" },
	{ "pop = { logs = ( { path = \"/l\"; format = \"dovecot\"; "
	  "pattern = \"x\"; } ); };", "pattern is only for format" },
	{ "pop = { protocols = [ \"smtp\" ]; };", "unknown protocol \"smtp\"" },
	{ "pop = { protocols = [ ]; };", "pop.protocols is empty" },
	{ "pop = { ipv6_prefix = 129; };", "ipv6_prefix" },
	{ "pop = { ipv6_prefix = 16; };", "ipv6_prefix" },
	{ "pop = { store = \"redis://127.0.0.1:6379/0\"; };", NULL },
	{ "pop = { store = \"redis://[::1]:16379/3\"; };", NULL },
	{ "pop = { store = \"redis://redis.example\"; };", NULL },
	{ "pop = { store = \"redis://h:99999/0\"; };", "redis://host:port/db" },
	{ "pop = { store = \"redis://h:6379/16\"; };", "redis://host:port/db" },
	{ "pop = { store = \"redis://:pw@h:6379/0\"; };",
	  "redis://host:port/db" },
	{ "pop = { store = \"redis://h:6379/x\"; };", "redis://host:port/db" },
	{ "pop = { store = \"lmdb:relative\"; };", "absolute directory" },
};

static void
test_conf(void)
{
	char err[CONF_ERRLEN], what[200];
	struct conf *c;
	size_t i;

	for (i = 0; i < sizeof(conf_cases) / sizeof(conf_cases[0]); i++) {
		const struct conf_case *k = &conf_cases[i];

		err[0] = '\0';
		c = load(k->text, err, sizeof(err));
		snprintf(what, sizeof(what), "config %zu: %s", i,
		    k->want ? k->want : "loads");
		if (k->want == NULL)
			tap_ok(c != NULL, "%s", what);
		else
			tap_ok(c == NULL && strstr(err, k->want) != NULL, "%s",
			    what);
		if ((k->want == NULL) != (c != NULL) || (c == NULL &&
		    strstr(err, k->want) == NULL))
			printf("#   %s\n", err);
		conf_unref(c);
	}
	c = load("pop = { };", err, sizeof(err));
	tap_ok(c != NULL, "defaults load");
	if (c != NULL) {
		tap_is_int(c->pop_ipv6_prefix, 64, "default pop.ipv6_prefix 64");
		tap_is_int(c->pop_protocols, CONF_POP_POP3,
		    "default pop.protocols [ \"pop3\" ]");
		tap_is_str(conf_pop_store(c), "lmdb:/var/lib/relaymilter/pop",
		    "default pop.store");
		tap_is_int(conf_pop_needed(c), 0, "no service needs the store");
	}
	conf_unref(c);
	c = load("services = ( { daemon_name = \"pop\"; pop_before_smtp = "
	    "true; } );", err, sizeof(err));
	tap_ok(c != NULL, "a service with pop_before_smtp loads");
	if (c != NULL)
		tap_is_int(conf_pop_needed(c), 1, "a services entry needs the "
		    "store");
	conf_unref(c);
}

static void
test_window(void)
{
	static const struct { long when, now; int window, want; } w[] = {
		{ 1000, 1000, 300, 1 }, { 1000, 1300, 300, 1 },
		{ 1000, 1301, 300, 0 }, { 1000, 999999, 300, 0 },
		{ 1000, 1003, 3, 1 }, { 1000, 1004, 3, 0 },
		{ 1060, 1000, 300, 1 }, { 1061, 1000, 300, 0 },
		{ 0, 86400, 86400, 1 },
	};
	char what[100];
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		snprintf(what, sizeof(what), "window %d: login at %ld, now %ld",
		    w[i].window, w[i].when, w[i].now);
		tap_is_int(popstore_fresh(w[i].when, w[i].now, w[i].window),
		    w[i].want, what);
	}
}

static void
test_keys(void)
{
	static const struct { const char *ip; int prefix; const char *key; }
	    k[] = {
		{ "192.0.2.1", 64, "192.0.2.1" },
		{ "192.0.2.1", 128, "192.0.2.1" },
		{ "::ffff:192.0.2.1", 64, "192.0.2.1" },
		{ "2001:db8:1:2:a:b:c:d", 64, "2001:db8:1:2::/64" },
		{ "2001:db8:1:2:ffff:ffff:ffff:ffff", 64, "2001:db8:1:2::/64" },
		{ "2001:db8:1:2:a:b:c:d", 128, "2001:db8:1:2:a:b:c:d" },
		{ "2001:db8:1:2:a:b:c:d", 48, "2001:db8:1::/48" },
		{ "2001:db8:1:2ab::1", 56, "2001:db8:1:200::/56" },
		{ "2001:db8:1:2ff::1", 60, "2001:db8:1:2f0::/60" },
		{ "2001:db8:1:2:a:b:c:d", 127, "2001:db8:1:2:a:b:c:c/127" },
		{ "::1", 64, "::/64" },
	};
	struct netaddr a;
	char key[POPSTORE_KEY_MAX], what[120];
	size_t i;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		snprintf(what, sizeof(what), "key of %s by /%d", k[i].ip,
		    k[i].prefix);
		if (netaddr_parse(k[i].ip, &a) != 0 || popstore_key(&a,
		    k[i].prefix, key, sizeof(key)) != 0)
			snprintf(key, sizeof(key), "(error)");
		tap_is_str(key, k[i].key, what);
	}
	netaddr_parse("2001:db8::1", &a);
	tap_is_int(popstore_key(&a, 64, key, 8), -1, "key: a short buffer is "
	    "an error");
}

static void
test_values(void)
{
	char user[32];
	time_t when = 0;

	tap_is_int(popstore_value_parse("1700000000 alice", 16, &when, user,
	    sizeof(user)), 0, "value: time and user");
	tap_is_int((long)when, 1700000000L, "value: time");
	tap_is_str(user, "alice", "value: user");
	tap_is_int(popstore_value_parse("5 ", 2, &when, user, sizeof(user)), 0,
	    "value: no user");
	tap_is_str(user, "", "value: empty user");
	tap_is_int(popstore_value_parse("x alice", 7, &when, user,
	    sizeof(user)), -1, "value: no time");
	tap_is_int(popstore_value_parse("17", 2, &when, user, sizeof(user)),
	    -1, "value: no separator");
	tap_is_int(popstore_value_parse("1 0123456789012345678901234567890123",
	    36, &when, user, sizeof(user)), -1, "value: user too long");
}

int
main(void)
{
	test_lines();
	test_forged();
	test_protocols();
	test_regex();
	test_conf();
	test_window();
	test_keys();
	test_values();
	return tap_done();
}
