/*
 * t_policyproto: the Postfix policy protocol's parser, answers and
 * actions (milter/policyd/policyproto.c). A table of requests, each
 * parsed whole: what it gives (the whitelisted attributes, the length
 * used) or why it is refused. Then the bounds (line, request, number of
 * lines) at and past their edge, a request fed byte by byte with the
 * scan state kept between calls, pipelined requests in one buffer, the
 * action for each verdict (DUNNO, OK, 550, 451, dry run), and the answer
 * line with hostile bytes in it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "policyproto.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* What Postfix 3.7 sends at RCPT TO (SMTPD_POLICY_README's list). */
#define HEAD "request=smtpd_access_policy\nprotocol_state=RCPT\n" \
	"protocol_name=ESMTP\n"
#define TAIL "helo_name=client.test\nqueue_id=\nrecipient_count=0\n" \
	"instance=1a2b.64c0f1e2.3d4e5.0\nsize=0\netrn_domain=\n" \
	"stress=\nsasl_method=\nsasl_username=\nsasl_sender=\n" \
	"ccert_subject=\nccert_issuer=\nccert_fingerprint=\n" \
	"ccert_pubkey_fingerprint=\nencryption_protocol=\n" \
	"encryption_cipher=\nencryption_keysize=0\nclient_port=41234\n" \
	"policy_context=\nserver_address=127.0.0.1\nserver_port=25\n" \
	"compatibility_level=3.6\nmail_version=3.7.11\n"
#define RCPT_REQ HEAD "client_address=192.0.2.7\nclient_name=unknown\n" \
	"reverse_client_name=unknown\nsender=a@remote.test\n" \
	"recipient=u@remote.test\n" TAIL "\n"
/* lines in RCPT_REQ */
#define RCPT_LINES 31

struct parse_case {
	const char	*what;
	const char	*in;
	size_t		 inlen;		/* 0: strlen(in) */
	int		 rc;
	/* rc 1: the attributes (NULL: not sent) and the lines counted */
	const char	*want[POLICYPROTO_NATTRS];
	size_t		 nlines;
	/* rc -1: a piece of the message */
	const char	*err;
};

#define ATTRS(rq, st, ip, nm, sa, se, rc, cx, qi) \
	{ rq, st, ip, nm, sa, se, rc, cx, qi }
#define NONE ATTRS(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
#define REQ_ONLY(st) ATTRS("smtpd_access_policy", st, NULL, NULL, NULL, \
	NULL, NULL, NULL, NULL)

static const struct parse_case cases[] = {
	/* ---- whole requests ---- */
	{ "Postfix's RCPT request", RCPT_REQ, 0, 1,
	    ATTRS("smtpd_access_policy", "RCPT", "192.0.2.7", "unknown", "",
	    "a@remote.test", "u@remote.test", "", ""), RCPT_LINES, NULL },
	{ "the smallest request", "request=smtpd_access_policy\n\n", 0, 1,
	    REQ_ONLY(NULL), 1, NULL },
	{ "attributes in any order, unknown ones skipped",
	    "zz_new_attribute=1\nrecipient=<odd>\nrequest=smtpd_access_policy\n"
	    "Upper-Case.name=x\nsender=\nprotocol_state=MAIL\n\n", 0, 1,
	    ATTRS("smtpd_access_policy", "MAIL", NULL, NULL, NULL, "",
	    "<odd>", NULL, NULL), 6, NULL },
	{ "every whitelisted attribute",
	    "request=smtpd_access_policy\nprotocol_state=RCPT\n"
	    "client_address=2001:db8::7\nclient_name=mx.example.net\n"
	    "sasl_username=alice@example.com\nsender=a@example.com\n"
	    "recipient=b@remote.test\npolicy_context=submission\n"
	    "queue_id=4XbQ1x0Zz3z9\n\n", 0, 1,
	    ATTRS("smtpd_access_policy", "RCPT", "2001:db8::7",
	    "mx.example.net", "alice@example.com", "a@example.com",
	    "b@remote.test", "submission", "4XbQ1x0Zz3z9"), 9, NULL },
	{ "a value keeps '=', blanks, tabs and 8-bit bytes",
	    "request=smtpd_access_policy\nrecipient= a=b\t\xc3\xa9 \n\n", 0, 1,
	    ATTRS("smtpd_access_policy", NULL, NULL, NULL, NULL, NULL,
	    " a=b\t\xc3\xa9 ", NULL, NULL), 2, NULL },
	{ "a CR is part of the value (Postfix sends none)",
	    "request=smtpd_access_policy\nprotocol_state=RCPT\r\n\n", 0, 1,
	    REQ_ONLY("RCPT\r"), 2, NULL },
	{ "a name of 64 bytes",
	    "request=smtpd_access_policy\n"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa="
	    "1\n\n", 0, 1, REQ_ONLY(NULL), 2, NULL },
	/* ---- unfinished ---- */
	{ "nothing yet", "", 0, 0, NONE, 0, NULL },
	{ "half a line", "request=smtpd_acc", 0, 0, NONE, 0, NULL },
	{ "lines, no empty line yet", "request=smtpd_access_policy\n"
	    "protocol_state=RCPT\n", 0, 0, NONE, 0, NULL },
	/* ---- refused ---- */
	{ "an empty request", "\n", 0, -1, NONE, 0,
	    "not a request=smtpd_access_policy" },
	{ "no request attribute", "protocol_state=RCPT\n\n", 0, -1, NONE, 0,
	    "not a request=smtpd_access_policy" },
	{ "another request type", "request=junk\n\n", 0, -1, NONE, 0,
	    "not a request=smtpd_access_policy" },
	{ "request in upper case", "request=SMTPD_ACCESS_POLICY\n\n", 0, -1,
	    NONE, 0, "not a request" },
	{ "REQUEST= is not request=", "REQUEST=smtpd_access_policy\n\n", 0,
	    -1, NONE, 0, "not a request" },
	{ "a line without '='", "request=smtpd_access_policy\nRCPT\n", 0, -1,
	    NONE, 0, "line 2 is not name=value" },
	{ "garbage at the first line", "GET / HTTP/1.0\r\n", 0, -1, NONE, 0,
	    "line 1: byte 0x20 in an attribute name" },
	{ "an empty name", "=x\n", 0, -1, NONE, 0,
	    "attribute name of 0 bytes" },
	{ "a name of 65 bytes",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "=1\n", 0, -1, NONE, 0, "attribute name of 65 bytes" },
	{ "a blank before '='", "request =smtpd_access_policy\n", 0, -1, NONE,
	    0, "byte 0x20 in an attribute name" },
	{ "a control byte in a name", "requ\x01st=x\n", 0, -1, NONE, 0,
	    "byte 0x01" },
	{ "an 8-bit byte in a name", "r\xc3\xa9quest=x\n", 0, -1, NONE, 0,
	    "byte 0xc3" },
	{ "a NUL in a value", "request=smtpd\0access_policy\n\n", 29, -1,
	    NONE, 0, "line 1: NUL in a value" },
	{ "a NUL in a name", "req\0uest=x\n", 11, -1, NONE, 0, "byte 0x00" },
	{ "a NUL in an unfinished line", "request=smtpd\0acc", 17, 0, NONE, 0,
	    NULL },
	{ "a whitelisted attribute twice",
	    "request=smtpd_access_policy\nrecipient=a@example.com\n"
	    "recipient=b@remote.test\n\n", 0, -1, NONE, 0,
	    "attribute recipient sent twice" },
	{ "request twice", "request=smtpd_access_policy\n"
	    "request=smtpd_access_policy\n\n", 0, -1, NONE, 0,
	    "attribute request sent twice" },
	{ "an unknown attribute twice is skipped twice",
	    "request=smtpd_access_policy\nx=1\nx=2\n\n", 0, 1,
	    REQ_ONLY(NULL), 3, NULL },
	{ "a bad line after good ones, unfinished",
	    "request=smtpd_access_policy\nprotocol_state=RCPT\n\x16\x03\x01\n",
	    0, -1, NONE, 0, "line 3" },
};

static void
test_cases(void)
{
	size_t i;
	int a;

	for (i = 0; i < NELEM(cases); i++) {
		const struct parse_case *t = &cases[i];
		size_t n = t->inlen ? t->inlen : strlen(t->in), used = 99;
		struct policyproto_scan sc = { 0, 0 };
		struct policyproto_req r;
		char *buf = malloc(n + 1), err[256] = "";
		char what[300];
		int rc;

		if (buf == NULL)
			return;
		memcpy(buf, t->in, n);
		buf[n] = '\0';
		rc = policyproto_parse(buf, n, &sc, &r, &used, err, sizeof(err));
		snprintf(what, sizeof(what), "%s: returns %d", t->what, t->rc);
		if (!tap_is_int(rc, t->rc, what))
			printf("#   err: %s\n", err);
		if (t->rc == 1) {
			snprintf(what, sizeof(what), "%s: uses the whole request",
			    t->what);
			tap_is_int((long)used, (long)n, what);
			snprintf(what, sizeof(what), "%s: %zu lines", t->what,
			    t->nlines);
			tap_is_int((long)r.nlines, (long)t->nlines, what);
			for (a = 0; a < POLICYPROTO_NATTRS; a++) {
				snprintf(what, sizeof(what), "%s: %s", t->what,
				    policyproto_attr_name(a));
				tap_is_str(r.attr[a], t->want[a], what);
			}
		} else {
			snprintf(what, sizeof(what), "%s: nothing used, no "
			    "attribute", t->what);
			tap_ok(used == 0 && r.attr[POLICYPROTO_REQUEST] == NULL &&
			    r.attr[POLICYPROTO_RECIPIENT] == NULL && r.nlines == 0,
			    "%s", what);
		}
		if (t->rc == -1) {
			snprintf(what, sizeof(what), "%s: says \"%s\"", t->what,
			    t->err);
			tap_ok(strstr(err, t->err) != NULL, "%s (%s)", what, err);
		}
		if (t->rc == 0) {
			snprintf(what, sizeof(what), "%s: buffer untouched",
			    t->what);
			tap_ok(memcmp(buf, t->in, n) == 0, "%s", what);
		}
		if (t->rc != 0)
			tap_ok(sc.checked == 0 && sc.lines == 0, "%s: scan state "
			    "reset", t->what);
		free(buf);
	}
}

/* One parse of a fresh copy of the n bytes at in; the message in err. */
static int
parse_copy(const char *in, size_t n, char *err, size_t errlen)
{
	struct policyproto_scan sc = { 0, 0 };
	struct policyproto_req r;
	char *buf = malloc(n + 1);
	size_t used;
	int rc;

	if (buf == NULL)
		return -2;
	memcpy(buf, in, n);
	buf[n] = '\0';
	rc = policyproto_parse(buf, n, &sc, &r, &used, err, errlen);
	free(buf);
	return rc;
}

/* The bounds at their edge and one byte past it. */
static void
test_bounds(void)
{
	size_t cap = POLICYPROTO_REQ_MAX + 8192, n;
	char *big = malloc(cap), err[256];
	int i;

	if (big == NULL)
		return;
	/* a line of POLICYPROTO_LINE_MAX bytes, then one more */
	n = (size_t)snprintf(big, cap, "request=smtpd_access_policy\nx=");
	memset(big + n, 'v', POLICYPROTO_LINE_MAX - 2);
	n += POLICYPROTO_LINE_MAX - 2;
	memcpy(big + n, "\n\n", 2);
	tap_is_int(parse_copy(big, n + 2, err, sizeof(err)), 1,
	    "a line of exactly POLICYPROTO_LINE_MAX bytes is taken");
	big[n] = 'v';
	memcpy(big + n + 1, "\n\n", 2);
	tap_is_int(parse_copy(big, n + 3, err, sizeof(err)), -1,
	    "one byte more is refused");
	tap_ok(strstr(err, "line 2 is longer than 4096 bytes") != NULL,
	    "... \"line 2 is longer than 4096 bytes\" (%s)", err);
	/* unfinished: the same, before its LF has come */
	tap_is_int(parse_copy(big, n, err, sizeof(err)), 0,
	    "an unfinished line of POLICYPROTO_LINE_MAX bytes: read more");
	tap_is_int(parse_copy(big, n + 1, err, sizeof(err)), -1,
	    "an unfinished line past it: refused before its LF");

	/* POLICYPROTO_LINES_MAX lines, then one more */
	n = (size_t)snprintf(big, cap, "request=smtpd_access_policy\n");
	for (i = 1; i < POLICYPROTO_LINES_MAX; i++)
		n += (size_t)snprintf(big + n, cap - n, "a%d=%d\n", i, i);
	memcpy(big + n, "\n", 1);
	tap_is_int(parse_copy(big, n + 1, err, sizeof(err)), 1,
	    "POLICYPROTO_LINES_MAX lines are taken");
	n += (size_t)snprintf(big + n, cap - n, "one=more\n");
	tap_is_int(parse_copy(big, n, err, sizeof(err)), -1,
	    "one line more is refused, before the empty line");
	tap_ok(strstr(err, "more than 128 attributes") != NULL,
	    "... \"more than 128 attributes\" (%s)", err);

	/* POLICYPROTO_REQ_MAX bytes without an empty line */
	n = (size_t)snprintf(big, cap, "request=smtpd_access_policy\n");
	for (i = 0; n + 400 < POLICYPROTO_REQ_MAX; i++) {
		n += (size_t)snprintf(big + n, cap - n, "b%d=", i);
		memset(big + n, 'w', 300);
		n += 300;
		big[n++] = '\n';
	}
	memset(big + n, 'z', POLICYPROTO_REQ_MAX - n);
	tap_is_int(parse_copy(big, POLICYPROTO_REQ_MAX - 1, err, sizeof(err)),
	    0, "POLICYPROTO_REQ_MAX - 1 bytes, no empty line: read more");
	tap_is_int(parse_copy(big, POLICYPROTO_REQ_MAX, err, sizeof(err)), -1,
	    "POLICYPROTO_REQ_MAX bytes without an empty line: refused");
	tap_ok(strstr(err, "no empty line within 32768 bytes") != NULL,
	    "... \"no empty line within 32768 bytes\" (%s)", err);
	/* a request that ends exactly at the bound */
	big[POLICYPROTO_REQ_MAX - 2] = '\n';
	big[POLICYPROTO_REQ_MAX - 1] = '\n';
	big[n] = 'c';
	big[n + 1] = '=';
	tap_is_int(parse_copy(big, POLICYPROTO_REQ_MAX, err, sizeof(err)), 1,
	    "a request of exactly POLICYPROTO_REQ_MAX bytes is taken");
	tap_is_int(parse_copy(big, POLICYPROTO_REQ_MAX + 10, err,
	    sizeof(err)), 1, "... with more bytes behind it too");
	free(big);
}

/* A request fed one byte at a time, the scan state kept. */
static void
test_bytewise(void)
{
	static const char req[] = RCPT_REQ "request=smtpd_access_policy\n";
	size_t n = sizeof(RCPT_REQ) - 1, i, used = 0, zeros = 0;
	struct policyproto_scan sc = { 0, 0 };
	struct policyproto_req r;
	char buf[sizeof(req)], err[256];
	int rc = 0;

	for (i = 1; i <= sizeof(req) - 1; i++) {
		memcpy(buf, req, i);
		rc = policyproto_parse(buf, i, &sc, &r, &used, err, sizeof(err));
		if (rc != 0)
			break;
		zeros++;
	}
	tap_is_int(rc, 1, "byte by byte: the request is whole at its last "
	    "byte");
	tap_is_int((long)i, (long)n, "... and not before (at byte N)");
	tap_is_int((long)zeros, (long)n - 1, "... every call before said: "
	    "read more");
	tap_is_str(policyproto_get(&r, POLICYPROTO_RECIPIENT), "u@remote.test",
	    "... recipient");
	tap_ok(sc.checked == 0 && sc.lines == 0, "... scan state reset");

	/* garbage after good lines is caught as soon as its line ends */
	memset(&sc, 0, sizeof(sc));
	memcpy(buf, "request=smtpd_access_policy\nbad line\n", 37);
	rc = policyproto_parse(buf, 28, &sc, &r, &used, err, sizeof(err));
	tap_ok(rc == 0 && sc.checked == 28 && sc.lines == 1, "a sound first "
	    "line is remembered (checked %zu, lines %zu)", sc.checked,
	    sc.lines);
	rc = policyproto_parse(buf, 36, &sc, &r, &used, err, sizeof(err));
	tap_is_int(rc, 0, "a bad line not yet ended: read more");
	rc = policyproto_parse(buf, 37, &sc, &r, &used, err, sizeof(err));
	tap_ok(rc == -1 && strstr(err, "line 2") != NULL, "the bad line is "
	    "refused when its LF comes, numbered 2 (%s)", err);
	sc.checked = 40;
	rc = policyproto_parse(buf, 37, &sc, &r, &used, err, sizeof(err));
	tap_ok(rc == -1 && sc.checked == 0, "a scan state beyond the data is "
	    "refused and reset");
}

/* Two requests and half a third in one buffer, as Postfix may send. */
static void
test_pipelined(void)
{
	char buf[1024], err[256];
	struct policyproto_scan sc = { 0, 0 };
	struct policyproto_req r;
	size_t len, used;
	int rc;

	len = (size_t)snprintf(buf, sizeof(buf), "request=smtpd_access_policy\n"
	    "recipient=one@remote.test\n\nrequest=smtpd_access_policy\n"
	    "recipient=two@remote.test\n\nrequest=smtpd_acc");
	rc = policyproto_parse(buf, len, &sc, &r, &used, err, sizeof(err));
	tap_ok(rc == 1 && strcmp(policyproto_get(&r, POLICYPROTO_RECIPIENT),
	    "one@remote.test") == 0 && used == 55, "pipelined: the first "
	    "request, 55 bytes");
	tap_ok(memcmp(buf + used, "request=smtpd_access_policy\nrecipient=two",
	    41) == 0, "... the bytes behind it untouched");
	memmove(buf, buf + used, len - used);
	len -= used;
	rc = policyproto_parse(buf, len, &sc, &r, &used, err, sizeof(err));
	tap_ok(rc == 1 && strcmp(policyproto_get(&r, POLICYPROTO_RECIPIENT),
	    "two@remote.test") == 0, "pipelined: the second request");
	memmove(buf, buf + used, len - used);
	len -= used;
	rc = policyproto_parse(buf, len, &sc, &r, &used, err, sizeof(err));
	tap_ok(rc == 0 && len == 17, "pipelined: the third is unfinished");
	tap_is_str(policyproto_get(&r, POLICYPROTO_SENDER), "",
	    "an attribute not sent reads \"\"");
	tap_is_str(policyproto_attr_name(POLICYPROTO_NATTRS), "?",
	    "an unknown attribute slot is named \"?\"");
}

struct action_case {
	enum policy_verdict v;
	enum policy_rule rule;
	const char	*reason;
	enum verdict_answer a;
	const char	*want;
};

static const struct action_case actions[] = {
	{ POLICY_ACCEPT, RULE_LOCAL, NULL, VERDICT_ACCEPT, "DUNNO" },
	{ POLICY_ACCEPT, RULE_SERIAL, NULL, VERDICT_ACCEPT, "OK" },
	{ POLICY_ACCEPT, RULE_AUTH, NULL, VERDICT_ACCEPT, "OK" },
	{ POLICY_ACCEPT, RULE_ALWAYS_ALLOW_FROM, NULL, VERDICT_ACCEPT, "OK" },
	{ POLICY_ACCEPT, RULE_ALWAYS_ALLOW_TO, NULL, VERDICT_ACCEPT, "OK" },
	{ POLICY_ACCEPT, RULE_POP_BEFORE_SMTP, NULL, VERDICT_ACCEPT, "OK" },
	{ POLICY_REJECT, RULE_OUTSIDE_LAN, "client is not on the local network",
	    VERDICT_REJECT, "550 5.7.1 Relaying denied: client is not on the "
	    "local network" },
	{ POLICY_REJECT, RULE_NO_RELAY_PRIVILEGE, "user may not relay",
	    VERDICT_REJECT, "550 5.7.1 Relaying denied: user may not relay" },
	{ POLICY_TEMPFAIL, RULE_POP_STORE_UNAVAILABLE, "POP-before-SMTP store "
	    "unavailable, try again later", VERDICT_TEMPFAIL, "451 4.7.1 "
	    "POP-before-SMTP store unavailable, try again later" },
	{ POLICY_TEMPFAIL, RULE_ROUTING_MISMATCH, NULL, VERDICT_TEMPFAIL,
	    "451 4.7.1 try again later" },
	/* dry_run: the refusal is let through, and left to Postfix */
	{ POLICY_REJECT, RULE_OUTSIDE_LAN, "client is not on the local network",
	    VERDICT_ACCEPT, "DUNNO" },
	{ POLICY_TEMPFAIL, RULE_POP_STORE_UNAVAILABLE, "x", VERDICT_ACCEPT,
	    "DUNNO" },
};

static void
test_actions(void)
{
	char buf[POLICYPROTO_REPLY_MAX], what[200];
	size_t i;

	for (i = 0; i < NELEM(actions); i++) {
		const struct action_case *t = &actions[i];
		struct policy_decision d;

		memset(&d, 0, sizeof(d));
		d.verdict = t->v;
		d.rule = t->rule;
		d.reason = t->reason;
		snprintf(what, sizeof(what), "action %zu: %s %s answered %d: %s",
		    i + 1, policy_verdict_name(t->v), policy_rule_name(t->rule),
		    (int)t->a, t->want);
		tap_is_str(policyproto_action(&d, t->a, buf, sizeof(buf)),
		    t->want, what);
	}
	{
		struct policy_decision d = { POLICY_REJECT, RULE_OUTSIDE_LAN,
		    "x", 0, POLICY_ACCEPT, RULE_COUNT };

		tap_is_str(policyproto_action(&d, VERDICT_REJECT, buf, 12),
		    "550 5.7.1 R", "action: cut to its buffer");
	}
}

static void
test_reply(void)
{
	char buf[POLICYPROTO_REPLY_MAX], small[20], tiny[8];
	char long_action[1000];
	size_t n;

	n = policyproto_reply("DUNNO", buf, sizeof(buf));
	tap_is_str(buf, "action=DUNNO\n\n", "reply: action=DUNNO and the empty "
	    "line");
	tap_is_int((long)n, 14, "... 14 bytes");
	policyproto_reply("550 5.7.1 <a\nb>\x7f", buf, sizeof(buf));
	tap_is_str(buf, "action=550 5.7.1 <a?b>?\n\n", "reply: control bytes "
	    "become '?'");
	n = policyproto_reply("451 4.7.1 a long text", small, sizeof(small));
	tap_is_str(small, "action=451 4.7.1 \n\n", "reply: cut to fit, always "
	    "ending with its empty line");
	tap_is_int((long)n, 19, "... 19 bytes and the NUL in a buffer of 20");
	memset(long_action, 'x', sizeof(long_action) - 1);
	long_action[sizeof(long_action) - 1] = '\0';
	n = policyproto_reply(long_action, buf, sizeof(buf));
	tap_ok(n == sizeof(buf) - 1 && buf[n - 1] == '\n' &&
	    buf[n - 2] == '\n' && buf[n - 3] == 'x', "reply: a long action "
	    "fills the buffer, then LF LF");
	tap_is_int((long)policyproto_reply("OK", tiny, sizeof(tiny)), 0,
	    "reply: a buffer under 16 bytes takes nothing");
	tap_is_str(tiny, "", "... and is left empty");
}

int
main(void)
{
	test_cases();
	test_bounds();
	test_bytewise();
	test_pipelined();
	test_actions();
	test_reply();
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}
