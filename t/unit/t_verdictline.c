/*
 * t_verdictline: the decision log line read back (milter/runtime/
 * verdictline.c). A table of lines -- as stderr, syslog and journalctl
 * (-o short, -o cat) show them, with every field, escapes, fields of a
 * later version, and truncated or damaged lines -- each with what it
 * must give. Then log_clean's output unescaped for every byte (the one
 * format has one parser), and the unescaper's refusals.
 */
#include "config.h"

#include "log.h"
#include "unit_fixture.h"
#include "verdictline.h"

#define P_NONE VERDICTLINE_POP_NONE

struct line_case {
	const char	*what;
	const char	*line;
	int		 rc;
	/* rc 1: the fields */
	const char	*qid;
	enum policy_verdict verdict;
	int		 dry_run;
	const char	*rule;
	enum policy_rule rule_id;
	const char	*rcpt, *sender, *name, *ip, *service, *user, *mailer;
	int		 pop;
	int		 complete;
};

#define BASE "rcpt=<u@remote.test> rule=outside-lan " \
	"client=unknown[192.0.2.9] from=<a@b.test> service=MTA"

/* a line that is no decision (0) or a damaged one (-1) */
#define BAD(w, l, r) { .what = (w), .line = (l), .rc = (r) }

static const struct line_case cases[] = {
	/* ---- prefixes ---- */
	{ "stderr (-f)", "2026-12-06T23:00:01 relaymilter[812]: 4XyZ1: "
	    "reject " BASE, 1, "4XyZ1", POLICY_REJECT, 0, "outside-lan",
	    RULE_OUTSIDE_LAN, "<u@remote.test>", "<a@b.test>", "",
	    "192.0.2.9", "MTA", "", "", P_NONE, 1 },
	{ "syslog (mail.log)", "Dec  6 23:00:01 mx relaymilter[812]: 4XyZ1: "
	    "reject " BASE, 1, "4XyZ1", POLICY_REJECT, 0, "outside-lan",
	    RULE_OUTSIDE_LAN, "<u@remote.test>", "<a@b.test>", "",
	    "192.0.2.9", "MTA", "", "", P_NONE, 1 },
	{ "journalctl -o cat", "NOQUEUE: reject " BASE, 1, "NOQUEUE",
	    POLICY_REJECT, 0, "outside-lan", RULE_OUTSIDE_LAN,
	    "<u@remote.test>", "<a@b.test>", "", "192.0.2.9", "MTA", "", "",
	    P_NONE, 1 },
	{ "journalctl -o short-iso", "2026-12-06T23:00:01+0000 mx "
	    "relaymilter[812]: Q1: reject " BASE, 1, "Q1", POLICY_REJECT, 0,
	    "outside-lan", RULE_OUTSIDE_LAN, "<u@remote.test>", "<a@b.test>",
	    "", "192.0.2.9", "MTA", "", "", P_NONE, 1 },
	/* ---- verdicts ---- */
	{ "accept, every field", "Q2: accept rcpt=<v@remote.test> rule=auth "
	    "client=mx.partner.test[2001:db8::7] from=<relayer@example.com> "
	    "service=submission user=relayer mailer=smtp pop=0", 1, "Q2",
	    POLICY_ACCEPT, 0, "auth", RULE_AUTH, "<v@remote.test>",
	    "<relayer@example.com>", "mx.partner.test", "2001:db8::7",
	    "submission", "relayer", "smtp", 0, 1 },
	{ "tempfail, store down", "Q3: tempfail rcpt=<v@remote.test> "
	    "rule=pop-store-unavailable client=unknown[192.0.2.9] from=<> "
	    "service=pop pop=-1", 1, "Q3", POLICY_TEMPFAIL, 0,
	    "pop-store-unavailable", RULE_POP_STORE_UNAVAILABLE,
	    "<v@remote.test>", "<>", "", "192.0.2.9", "pop", "", "", -1, 1 },
	{ "pop=1", "Q3: accept rcpt=<v@remote.test> rule=pop-before-smtp "
	    "client=unknown[192.0.2.9] from=<> service=pop pop=1", 1, "Q3",
	    POLICY_ACCEPT, 0, "pop-before-smtp", RULE_POP_BEFORE_SMTP,
	    "<v@remote.test>", "<>", "", "192.0.2.9", "pop", "", "", 1, 1 },
	{ "dry run reject", "Q4: would reject " BASE, 1, "Q4", POLICY_REJECT,
	    1, "outside-lan", RULE_OUTSIDE_LAN, "<u@remote.test>",
	    "<a@b.test>", "", "192.0.2.9", "MTA", "", "", P_NONE, 1 },
	{ "dry run tempfail", "Q4: would tempfail rcpt=<m@example.com> "
	    "rule=routing-mismatch client=unknown[192.0.2.9] from=<a@b.test> "
	    "service=- mailer=smtp", 1, "Q4", POLICY_TEMPFAIL, 1,
	    "routing-mismatch", RULE_ROUTING_MISMATCH, "<m@example.com>",
	    "<a@b.test>", "", "192.0.2.9", "", "", "smtp", P_NONE, 1 },
	{ "no client address", "Q5: reject rcpt=<u@remote.test> "
	    "rule=outside-lan client=unknown[unknown] from=<a@b.test> "
	    "service=MTA", 1, "Q5", POLICY_REJECT, 0, "outside-lan",
	    RULE_OUTSIDE_LAN, "<u@remote.test>", "<a@b.test>", "", "", "MTA",
	    "", "", P_NONE, 1 },
	{ "a rule of a later build", "Q6: reject rcpt=<u@remote.test> "
	    "rule=later-rule client=unknown[192.0.2.9] from=<a@b.test> "
	    "service=MTA user=bob", 1, "Q6", POLICY_REJECT, 0, "later-rule",
	    RULE_COUNT, "<u@remote.test>", "<a@b.test>", "", "192.0.2.9",
	    "MTA", "bob", "", P_NONE, 1 },
	{ "a field of a later version, quoted", "Q7: accept " BASE
	    " size=10 why=\"a\\x20b c\"", 1, "Q7", POLICY_ACCEPT, 0,
	    "outside-lan", RULE_OUTSIDE_LAN, "<u@remote.test>", "<a@b.test>",
	    "", "192.0.2.9", "MTA", "", "", P_NONE, 1 },
	{ "verdict_error line: no inputs",
	    "x relaymilter[1]: error: NOQUEUE: tempfail rcpt=<u@r.test> "
	    "rule=error reason=\"no connection state\"", 1, "NOQUEUE",
	    POLICY_TEMPFAIL, 0, "error", RULE_ERROR, "<u@r.test>", "", "", "",
	    "", "", "", P_NONE, 0 },
	/* ---- escapes ---- */
	{ "escaped recipient, sender, user",
	    "Q8: reject rcpt=<\\x22a\\x20b\\x22@remote.test> rule=outside-lan "
	    "client=unknown[192.0.2.9] from=<a\\x5cb@c.test> service=MTA "
	    "user=j\\xc3\\xa9r\\xc3\\xb4me", 1, "Q8", POLICY_REJECT, 0,
	    "outside-lan", RULE_OUTSIDE_LAN, "<\"a b\"@remote.test>",
	    "<a\\b@c.test>", "", "192.0.2.9", "MTA", "j\xc3\xa9r\xc3\xb4me",
	    "", P_NONE, 1 },
	{ "escaped service name", "Q9: accept rcpt=<x@example.com> rule=local "
	    "client=unknown[192.0.2.9] from=<> service=my\\x09svc", 1, "Q9",
	    POLICY_ACCEPT, 0, "local", RULE_LOCAL, "<x@example.com>", "<>",
	    "", "192.0.2.9", "my\tsvc", "", "", P_NONE, 1 },
	/* ---- not decisions ---- */
	BAD("mismatch warning", "Q1: mismatch rcpt=<m@example.com> "
	    "rule=routing-mismatch mailer=smtp client=[192.0.2.9] "
	    "service=MTA: a local domain", 0),
	BAD("Postfix's own reject", "Dec  6 23:00:01 mx postfix/smtpd[9]: "
	    "NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 554 5.7.1 "
	    "<u@remote.test>: Relay access denied; from=<a@b.test> "
	    "to=<u@remote.test> proto=ESMTP helo=<c>", 0),
	BAD("ready line", "2026-12-06T23:00:01 relaymilter[812]: ready", 0),
	BAD("empty line", "", 0),
	BAD("verdict without its colon", "Q1 reject " BASE, 0),
	BAD("no queue id", ": reject " BASE, 0),
	BAD("a control byte in the queue id", "Q\x01Q: reject " BASE, 0),
	BAD("unknown verdict", "Q1: refuse " BASE, 0),
	/* ---- damaged ---- */
	{ "cut in a value", "Q1: reject rcpt=<u@remote.test> rule=outside-lan "
	    "client=unknown[192.0.2.9] from=<a@b.te", 1, "Q1", POLICY_REJECT,
	    0, "outside-lan", RULE_OUTSIDE_LAN, "<u@remote.test>",
	    "<a@b.te", "", "192.0.2.9", "", "", "", P_NONE, 0 },
	BAD("cut before rule", "Q1: reject rcpt=<u@remote.test>", -1),
	BAD("cut in an escape", "Q1: reject rcpt=<u\\x2", -1),
	BAD("cut in a client", "Q1: reject rcpt=<u@r.test> rule=outside-lan "
	    "client=unknown[192.0", -1),
	BAD("cut in a quote", "Q1: reject " BASE " why=\"abc", -1),
	BAD("a backslash not \\xHH", "Q1: reject rcpt=<u\\n@r.test> "
	    "rule=local", -1),
	BAD("upper-case hex", "Q1: reject rcpt=<u\\x2A@r.test> rule=local", -1),
	BAD("an escape log_clean never writes", "Q1: reject "
	    "rcpt=<u\\x40r.test> rule=local", -1),
	BAD("escaped NUL", "Q1: reject rcpt=<u\\x00@r.test> rule=local", -1),
	BAD("a bare tab", "Q1: reject rcpt=<u\t@r.test> rule=local", -1),
	BAD("a bare 8-bit byte", "Q1: reject rcpt=<\xc3\xa9@r.test> "
	    "rule=local", -1),
	BAD("two spaces", "Q1: reject rcpt=<u@r.test>  rule=local", -1),
	BAD("trailing space", "Q1: reject rcpt=<u@r.test> rule=local ", -1),
	BAD("a token without =", "Q1: reject rcpt=<u@r.test> rule=local "
	    "junk", -1),
	BAD("a field twice", "Q1: reject rcpt=<u@r.test> rule=local "
	    "rule=serial", -1),
	BAD("empty rcpt", "Q1: reject rcpt= rule=local", -1),
	BAD("bad pop", "Q1: reject " BASE " pop=2", -1),
	BAD("client without brackets", "Q1: reject rcpt=<u@r.test> rule=local "
	    "client=192.0.2.9 from=<> service=MTA", -1),
	BAD("escaped space in the address", "Q1: reject rcpt=<u@r.test> "
	    "rule=local client=unknown[192.0.2\\x20.9] from=<> service=MTA",
	    -1),
	BAD("client address too long", "Q1: reject rcpt=<u@r.test> rule=local "
	    "client=unknown[0123456789012345678901234567890123456789012345678"
	    "901234567890123] from=<> service=MTA", -1),
};

static const char *
what(const struct line_case *t, const char *field)
{
	static char buf[200];

	snprintf(buf, sizeof(buf), "%s: %s", t->what, field);
	return buf;
}

static void
check_case(const struct line_case *t)
{
	struct verdictline vl;
	int rc = verdictline_parse(t->line, strlen(t->line), &vl);

	tap_is_int(rc, t->rc, what(t, "parse's answer"));
	if (rc != 1 || t->rc != 1)
		return;
	tap_is_str(vl.qid, t->qid, what(t, "qid"));
	tap_is_int(vl.verdict, t->verdict, what(t, "verdict"));
	tap_is_int(vl.dry_run, t->dry_run, what(t, "dry run"));
	tap_is_str(vl.rule, t->rule, what(t, "rule"));
	tap_is_int(vl.rule_id, t->rule_id, what(t, "rule id"));
	tap_is_str(vl.rcpt, t->rcpt, what(t, "rcpt"));
	tap_is_int(vl.complete, t->complete, what(t, "complete"));
	if (!t->complete)
		return;
	{
		const struct { const char *name, *got, *want; } f[] = {
			{ "sender", vl.sender, t->sender },
			{ "verified name", vl.client_name, t->name },
			{ "client address", vl.client_ip, t->ip },
			{ "service", vl.service, t->service },
			{ "user", vl.user, t->user },
			{ "mailer", vl.mailer, t->mailer },
		};
		size_t i;

		for (i = 0; i < NELEM(f); i++)
			tap_is_str(f[i].got, f[i].want, what(t, f[i].name));
	}
	tap_is_int(vl.pop, t->pop, what(t, "pop"));
}

/* log_clean then verdictline_unescape gives back every byte but NUL. */
static void
check_roundtrip(void)
{
	char in[256], esc[1100], back[300];
	int c, n, bad = 0;

	for (c = 1; c < 256; c++) {
		snprintf(in, sizeof(in), "a%cb%c", c, c);
		log_clean(in, esc, sizeof(esc));
		n = verdictline_unescape(esc, strlen(esc), back, sizeof(back));
		if (n != 4 || strcmp(back, in) != 0) {
			printf("# byte 0x%02x: \"%s\" gives %d\n", c, esc, n);
			bad++;
		}
	}
	tap_is_int(bad, 0, "log_clean's output of each byte 0x01-0xff "
	    "unescapes to the byte");
	n = verdictline_unescape("abc", 3, back, 3);
	tap_is_int(n, -1, "a result one byte too long for the buffer is "
	    "refused");
	n = verdictline_unescape("abc", 3, back, 4);
	tap_is_int(n, 3, "a result that just fits is taken");
	n = verdictline_unescape("\\x5c", 4, back, 2);
	tap_is_int(n, 1, "\\x5c unescapes to one byte");
	tap_is_str(back, "\\", "... the backslash");
	n = verdictline_unescape("\\x41", 4, back, 2);
	tap_is_int(n, -1, "\\x41 is refused: log_clean writes A as it is");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		check_case(&cases[i]);
	check_roundtrip();
	return tap_done();
}
