/*
 * t_popjournal: the line a journal entry becomes (popjournal_line) and
 * what the format parsers make of it: a Dovecot login logged through
 * syslog into the journal counts; a failed login, a message of several
 * lines with a login in its second line, and a message too long for a
 * line do not. And the pop.logs entries the loader refuses (path and
 * journal mixed, journal words with '=' or blanks, a relative
 * journal_directory).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "popjournal.h"
#include "poplog.h"
#include "../tap.h"

struct jcase {
	unsigned long long usec;
	const char	*ident;
	const char	*msg;
	const char	*line;		/* want; NULL: no line */
	const char	*ip;		/* want from the dovecot parser */
};

static const struct jcase cases[] = {
	{ 1796599615123456ULL, "dovecot",
	  "pop3-login: Login: user=<alice>, method=PLAIN, rip=127.0.0.5, "
	  "lip=127.0.0.1, mpid=4242, session=<9cVJmKcu0p5/AAAB>",
	  "2026-12-06T23:26:55.123456Z localhost dovecot: pop3-login: Login: "
	  "user=<alice>, method=PLAIN, rip=127.0.0.5, lip=127.0.0.1, "
	  "mpid=4242, session=<9cVJmKcu0p5/AAAB>", "127.0.0.5" },
	{ 0ULL, "dovecot", "pop3-login: Login: user=<b>, rip=192.0.2.9, x",
	  "1970-01-01T00:00:00.000000Z localhost dovecot: pop3-login: Login: "
	  "user=<b>, rip=192.0.2.9, x", "192.0.2.9" },
	{ 1796599615000000ULL, "dovecot",
	  "pop3-login: Disconnected: Aborted login by logging out (auth "
	  "failed, 1 attempts in 2 secs): user=<alice>, method=PLAIN, "
	  "rip=127.0.0.7, lip=127.0.0.1, session=<x>",
	  "2026-12-06T23:26:55.000000Z localhost dovecot: pop3-login: "
	  "Disconnected: Aborted login by logging out (auth failed, 1 "
	  "attempts in 2 secs): user=<alice>, method=PLAIN, rip=127.0.0.7, "
	  "lip=127.0.0.1, session=<x>", NULL },
	/* only the first line of a message is a line */
	{ 1796599615000000ULL, "dovecot", "hello\npop3-login: Login: "
	  "user=<m>, rip=192.0.2.10, lip=127.0.0.1",
	  "2026-12-06T23:26:55.000000Z localhost dovecot: hello", NULL },
	/* another identifier is not Dovecot */
	{ 1796599615000000ULL, "popd", "pop3-login: Login: user=<m>, "
	  "rip=192.0.2.11, lip=127.0.0.1",
	  "2026-12-06T23:26:55.000000Z localhost popd: pop3-login: Login: "
	  "user=<m>, rip=192.0.2.11, lip=127.0.0.1", NULL },
};

struct bad_case {
	const char	*entry;		/* inside pop = { logs = ( ... ); } */
	const char	*want;		/* in the error message */
};

static const struct bad_case bad_cases[] = {
	{ "{ path = \"/var/log/mail.log\"; journal = \"dovecot\"; "
	  "format = \"dovecot\"; }", "either a path or a journal" },
	{ "{ format = \"dovecot\"; }", "either a path or a journal" },
	{ "{ journal = \"a=b\"; format = \"dovecot\"; }",
	  "journal and journal_unit must be words" },
	{ "{ journal = \"dovecot\"; journal_unit = \"a b\"; "
	  "format = \"dovecot\"; }", "journal and journal_unit must be words" },
	{ "{ journal = \"\"; format = \"dovecot\"; }",
	  "journal and journal_unit must be words" },
	{ "{ journal = \"dovecot\"; journal_directory = \"j\"; "
	  "format = \"dovecot\"; }", "journal_directory must be absolute" },
	{ "{ path = \"/var/log/x\"; journal_directory = \"/j\"; "
	  "format = \"dovecot\"; }", "journal_directory is for journal" },
};

/* Each bad entry is refused with its message; a good one loads. */
static void
t_popjournal_conf(void)
{
	char text[512], err[512];
	struct conf *c;
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		snprintf(text, sizeof(text), "pop = {\n  logs = ( %s );\n};\n",
		    bad_cases[i].entry);
		err[0] = '\0';
		c = conf_load_string(text, "t", err, sizeof(err));
		if (!tap_ok(c == NULL && strstr(err, bad_cases[i].want) != NULL,
		    "refused: %s", bad_cases[i].entry))
			printf("# got: %s\n", c != NULL ? "(loaded)" : err);
		conf_unref(c);
	}
	c = conf_load_string("pop = {\n  logs = ( { journal = \"dovecot\"; "
	    "format = \"dovecot\"; } );\n};\n", "t", err, sizeof(err));
	tap_ok(c != NULL, "the documented journal entry loads");
	if (c != NULL) {
		tap_is_str(c->pop_logs[0].journal_unit, "dovecot.service",
		    "journal_unit defaults to dovecot.service");
		tap_is_str(c->pop_logs[0].source, "journal:dovecot",
		    "its source is journal:dovecot");
		tap_ok(c->pop_logs[0].journal_directory == NULL,
		    "journal_directory unset: the system journal");
	}
	conf_unref(c);
}

static void
t_popjournal_case(const struct jcase *c, const struct conf_poplog *pl)
{
	char buf[POPLOG_LINE_MAX + 1], ip[64];
	struct poplog_login l;
	size_t n = popjournal_line(buf, sizeof(buf), c->usec, c->ident,
	    c->msg, strlen(c->msg));
	int got;

	tap_is_str(n > 0 ? buf : "(none)", c->line, "line of the entry");
	got = n > 0 && poplog_parse(pl, CONF_POP_POP3, buf, n, &l);
	if (!tap_ok(got == (c->ip != NULL), "%s a login: %.40s",
	    c->ip != NULL ? "is" : "is not", c->msg) || !got)
		return;
	netaddr_format(&l.addr, ip, sizeof(ip));
	tap_is_str(ip, c->ip, "the client address");
}

int
main(void)
{
	static char big[POPLOG_LINE_MAX + 10];
	struct conf_poplog pl = { .fmt = CONF_POPLOG_DOVECOT };
	char buf[POPLOG_LINE_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		t_popjournal_case(&cases[i], &pl);
	memset(big, 'x', sizeof(big) - 1);
	tap_ok(popjournal_line(buf, sizeof(buf), 0, "dovecot", big,
	    strlen(big)) == 0, "a message longer than a line gives no line");
	tap_ok(popjournal_line(buf, 20, 0, "dovecot", "pop3-login: Login:",
	    18) == 0, "a line that does not fit the buffer gives none");
	t_popjournal_conf();
	return tap_done();
}
