/*
 * t_ctlproto: the grammar of the control commands (relayctl(8)), which
 * the daemon and relayctl share: each line of the table is parsed by
 * ctlproto_parse and the command, its arguments, or the fault and the
 * daemon's answer are compared with what the line should give. Then the
 * help forms, and ctl_handle's answers: for refused lines and pop
 * commands without a POP store, then for the pop commands on an LMDB
 * store opened in a scratch folder, as the daemon opens it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "conf.h"
#include "ctl.h"
#include "ctlproto.h"
#include "log.h"
#include "pop.h"
#include "poplog.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define ALL_FORMS "reload, stats [--prometheus], status, pop add IP [USER] " \
	"| pop del IP | pop list, suspend USER, unsuspend USER, accounts"
#define UNKNOWN "unknown command or wrong arguments (" ALL_FORMS ")"
#define POP_USAGE "usage: pop add IP [USER] | pop del IP | pop list"

#define OK_(cmd, ip, user, prom) 0, CTLPROTO_FAULT_NONE, cmd, ip, user, \
	prom, NULL
#define BAD(fault, err) -1, fault, 0, NULL, NULL, 0, err
#define MALFORMED BAD(CTLPROTO_FAULT_MALFORMED, "malformed command line")
#define USAGE(err) BAD(CTLPROTO_FAULT_USAGE, err)
#define ARG(err) BAD(CTLPROTO_FAULT_ARG, err)

struct parse_case {
	const char		*line;
	int			 rc;
	enum ctlproto_fault	 fault;
	enum ctlproto_cmd	 cmd;		/* when rc is 0 */
	const char		*ip, *user;	/* when rc is 0 */
	int			 prometheus;	/* when rc is 0 */
	const char		*err;		/* when rc is -1 */
};

static const struct parse_case parse_cases[] = {
	/* every command */
	{ "reload", OK_(CTLPROTO_RELOAD, NULL, NULL, 0) },
	{ "stats", OK_(CTLPROTO_STATS, NULL, NULL, 0) },
	{ "stats --prometheus", OK_(CTLPROTO_STATS, NULL, NULL, 1) },
	{ "status", OK_(CTLPROTO_STATUS, NULL, NULL, 0) },
	{ "pop add 192.0.2.1", OK_(CTLPROTO_POP_ADD, "192.0.2.1", NULL, 0) },
	{ "pop add 192.0.2.1 alice",
	    OK_(CTLPROTO_POP_ADD, "192.0.2.1", "alice", 0) },
	{ "pop add 2001:db8::1 bob@example.com",
	    OK_(CTLPROTO_POP_ADD, "2001:db8::1", "bob@example.com", 0) },
	{ "pop add ::ffff:192.0.2.1",
	    OK_(CTLPROTO_POP_ADD, "::ffff:192.0.2.1", NULL, 0) },
	{ "pop del 192.0.2.1", OK_(CTLPROTO_POP_DEL, "192.0.2.1", NULL, 0) },
	{ "pop del 2001:db8::1",
	    OK_(CTLPROTO_POP_DEL, "2001:db8::1", NULL, 0) },
	{ "pop list", OK_(CTLPROTO_POP_LIST, NULL, NULL, 0) },
	{ "suspend alice", OK_(CTLPROTO_SUSPEND, NULL, "alice", 0) },
	{ "unsuspend alice", OK_(CTLPROTO_UNSUSPEND, NULL, "alice", 0) },
	{ "accounts", OK_(CTLPROTO_ACCOUNTS, NULL, NULL, 0) },
	{ "suspend", USAGE("usage: suspend USER") },
	{ "accounts all", USAGE("usage: accounts") },
	{ "suspend a\"b", ARG("bad user name") },
	/* line ends and blanks */
	{ "reload\n", OK_(CTLPROTO_RELOAD, NULL, NULL, 0) },
	{ "reload\r\n", OK_(CTLPROTO_RELOAD, NULL, NULL, 0) },
	{ "stats\r", OK_(CTLPROTO_STATS, NULL, NULL, 0) },
	{ "  status  ", OK_(CTLPROTO_STATUS, NULL, NULL, 0) },
	{ "stats\t--prometheus\n", OK_(CTLPROTO_STATS, NULL, NULL, 1) },
	{ "pop  add\t192.0.2.1   u\n",
	    OK_(CTLPROTO_POP_ADD, "192.0.2.1", "u", 0) },
	/* malformed lines */
	{ "", MALFORMED },
	{ "   ", MALFORMED },
	{ "\n", MALFORMED },
	{ "\r\n", MALFORMED },
	{ "stats\x01", MALFORMED },
	{ "stats\x7f", MALFORMED },
	{ "stats\rx", MALFORMED },
	{ "sta\x1bts", MALFORMED },
	{ "pop add 192.0.2.1 al\x07ice", MALFORMED },
	{ "a b c d e f g h i", MALFORMED },
	/* usage: unknown commands, wrong word counts, unknown options */
	{ "bogus", USAGE(UNKNOWN) },
	{ "RELOAD", USAGE(UNKNOWN) },
	{ "popadd 192.0.2.1", USAGE(UNKNOWN) },
	{ "--prometheus", USAGE(UNKNOWN) },
	{ "reload now", USAGE("usage: reload") },
	{ "status x", USAGE("usage: status") },
	{ "stats --json", USAGE("usage: stats [--prometheus]") },
	{ "stats prometheus", USAGE("usage: stats [--prometheus]") },
	{ "stats --prometheus --prometheus",
	    USAGE("usage: stats [--prometheus]") },
	{ "pop", USAGE(POP_USAGE) },
	{ "pop frobnicate", USAGE(POP_USAGE) },
	{ "pop ADD 192.0.2.1", USAGE(POP_USAGE) },
	{ "pop add", USAGE(POP_USAGE) },
	{ "pop add 192.0.2.1 u extra", USAGE(POP_USAGE) },
	{ "pop add not-an-ip u extra", USAGE(POP_USAGE) },
	{ "pop del", USAGE(POP_USAGE) },
	{ "pop del 192.0.2.1 u", USAGE(POP_USAGE) },
	{ "pop list all", USAGE(POP_USAGE) },
	{ "pop list 192.0.2.1", USAGE(POP_USAGE) },
	/* arguments of the wrong form */
	{ "pop add not-an-ip", ARG("not-an-ip: not an IP address") },
	{ "pop add 192.0.2.256", ARG("192.0.2.256: not an IP address") },
	{ "pop add 192.0.2", ARG("192.0.2: not an IP address") },
	{ "pop add 10.0.0.0/8", ARG("10.0.0.0/8: not an IP address") },
	{ "pop add [192.0.2.1]", ARG("[192.0.2.1]: not an IP address") },
	{ "pop del example.com", ARG("example.com: not an IP address") },
	{ "pop del 2001:db8::g", ARG("2001:db8::g: not an IP address") },
	{ "pop add not-an-ip alice", ARG("not-an-ip: not an IP address") },
	{ "pop add 192.0.2.1 a\"b", ARG("bad user name") },
	{ "pop add 192.0.2.1 a\\b", ARG("bad user name") },
	{ "pop add 192.0.2.1 \"", ARG("bad user name") },
};

static const char *
cmd_name(enum ctlproto_cmd c)
{
	static const char *const names[] = { "reload", "stats", "status",
	    "pop add", "pop del", "pop list", "suspend", "unsuspend",
	    "accounts" };

	return (size_t)c < NELEM(names) ? names[c] : "?";
}

static void
test_parse(void)
{
	size_t i;

	for (i = 0; i < NELEM(parse_cases); i++) {
		const struct parse_case *tc = &parse_cases[i];
		struct ctlproto_request req;
		char line[CTL_LINE_MAX], err[512] = "", what[256];
		int rc;

		snprintf(line, sizeof(line), "%s", tc->line);
		rc = ctlproto_parse(line, &req, err, sizeof(err));
		snprintf(what, sizeof(what), "\"%s\": %s", tap_show(tc->line),
		    tc->rc == 0 ? "parsed" : "refused");
		tap_is_int(rc, tc->rc, what);
		snprintf(what, sizeof(what), "\"%s\": fault",
		    tap_show(tc->line));
		tap_is_int(req.fault, tc->fault, what);
		if (rc != 0 || tc->rc != 0) {
			snprintf(what, sizeof(what), "\"%s\": answer",
			    tap_show(tc->line));
			tap_is_str(rc != 0 ? err : NULL, tc->err, what);
			continue;
		}
		snprintf(what, sizeof(what), "\"%s\": command",
		    tap_show(tc->line));
		tap_is_str(cmd_name(req.cmd), cmd_name(tc->cmd), what);
		snprintf(what, sizeof(what), "\"%s\": ip", tap_show(tc->line));
		tap_is_str(req.ip, tc->ip, what);
		snprintf(what, sizeof(what), "\"%s\": user",
		    tap_show(tc->line));
		tap_is_str(req.user, tc->user, what);
		snprintf(what, sizeof(what), "\"%s\": --prometheus",
		    tap_show(tc->line));
		tap_is_int(req.prometheus, tc->prometheus, what);
	}
}

/* A user name is kept while it is shorter than the store's limit. */
static void
test_user_length(void)
{
	char line[CTL_LINE_MAX], err[512], user[POPLOG_USER_MAX + 1];
	struct ctlproto_request req;
	size_t n;

	for (n = POPLOG_USER_MAX - 1; n <= POPLOG_USER_MAX; n++) {
		memset(user, 'u', n);
		user[n] = '\0';
		snprintf(line, sizeof(line), "pop add 192.0.2.1 %s", user);
		tap_is_int(ctlproto_parse(line, &req, err, sizeof(err)),
		    n < POPLOG_USER_MAX ? 0 : -1, n < POPLOG_USER_MAX ?
		    "a user name of POPLOG_USER_MAX - 1 bytes is taken" :
		    "a user name of POPLOG_USER_MAX bytes is refused");
		if (n == POPLOG_USER_MAX)
			tap_is_int(req.fault, CTLPROTO_FAULT_ARG,
			    "... as an argument of the wrong form");
	}
}

/* ctlproto_command: the grammar's forms, in the order of help texts. */
static void
test_commands(void)
{
	static const char *const forms[] = { "reload", "stats [--prometheus]",
	    "status", "pop add IP [USER]", "pop del IP", "pop list",
	    "suspend USER", "unsuspend USER", "accounts" };
	char form[128], what[128];
	size_t i;

	for (i = 0; i < NELEM(forms); i++) {
		const char *help = ctlproto_command(i, form, sizeof(form));

		snprintf(what, sizeof(what), "command %zu: form", i);
		tap_is_str(help != NULL ? form : NULL, forms[i], what);
		tap_ok(help != NULL && help[0] != '\0',
		    "command %zu: a description", i);
	}
	tap_ok(ctlproto_command(NELEM(forms), form, sizeof(form)) == NULL,
	    "no command past the last");
}

/* ctl_handle's whole answer to line, in a new string (or NULL). */
static char *
handle(const char *line)
{
	char copy[CTL_LINE_MAX], *buf = NULL;
	size_t len;
	FILE *out = open_memstream(&buf, &len);

	if (out == NULL)
		return NULL;
	snprintf(copy, sizeof(copy), "%s", line);
	ctl_handle(copy, out);
	fclose(out);
	return buf;
}

/* ctl_handle: the whole answer for lines that need no running daemon. */
static void
test_handle(void)
{
	static const struct {
		const char	*line;
		const char	*answer;
	} cases[] = {
		{ "bogus\n", "error: " UNKNOWN "\n" },
		{ "\n", "error: malformed command line\n" },
		{ "stats \x01\n", "error: malformed command line\n" },
		{ "pop\n", "error: " POP_USAGE "\n" },
		{ "pop add 192.0.2.1 u extra\n", "error: " POP_USAGE "\n" },
		{ "pop add not-an-ip\n",
		    "error: not-an-ip: not an IP address\n" },
		{ "pop add 192.0.2.1 a\"b\n", "error: bad user name\n" },
		{ "pop add 192.0.2.1\n", "error: no POP login store is open "
		    "(no listener enables pop_before_smtp)\n" },
		{ "pop del 192.0.2.1\n", "error: no POP login store is open "
		    "(no listener enables pop_before_smtp)\n" },
		{ "pop list\n", "error: no POP login store is open "
		    "(no listener enables pop_before_smtp)\n" },
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		char *buf = handle(cases[i].line), what[256];

		snprintf(what, sizeof(what), "ctl_handle(\"%s\")",
		    tap_show(cases[i].line));
		tap_is_str(buf != NULL ? tap_show(buf) : NULL,
		    tap_show(cases[i].answer), what);
		free(buf);
	}
}

/*
 * The pop commands on a store: what "pop add" records, "pop list" shows
 * and "pop del" removes, in the daemon's words; each line in turn.
 */
static void
test_handle_store(void)
{
	static const struct {
		const char	*line;
		const char	*answer;	/* NULL: starts with "ok"... */
		const char	*prefix;	/* ... or with this */
	} steps[] = {
		{ "pop list\n", "ok\n", NULL },
		{ "pop add 192.0.2.1 alice\n", "ok\n", NULL },
		{ "pop add 2001:db8:1:2::5\n", "ok\n", NULL },
		{ "pop list\n", NULL, "192.0.2.1 user=alice age=" },
		{ "pop del 192.0.2.1\n", "removed 192.0.2.1\nok\n", NULL },
		{ "pop del 192.0.2.1\n", "absent 192.0.2.1\nok\n", NULL },
		{ "pop list\n", NULL, "2001:db8:1:2::/64 user=- age=" },
		{ "pop del 2001:db8:1:2::9\n", "removed 2001:db8:1:2::9\nok\n",
		    NULL },
		{ "pop list\n", "ok\n", NULL },
		{ "pop add not-an-ip\n", "error: not-an-ip: not an IP address\n",
		    NULL },
	};
	char dir[] = "/tmp/t_ctlproto.XXXXXX", text[512], err[CONF_ERRLEN];
	char cmd[600], what[256];
	struct conf *c;
	size_t i;

	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "mkdtemp");
		return;
	}
	snprintf(text, sizeof(text), "relay = { pop_before_smtp = true; };\n"
	    "pop = { store = \"lmdb:%s/pop\"; };\n", dir);
	c = conf_load_string(text, "pop.conf", err, sizeof(err));
	if (!tap_ok(c != NULL && pop_open(c, err, sizeof(err)) == 0,
	    "a store opens (%s)", c != NULL ? err : "no config")) {
		conf_unref(c);
		return;
	}
	conf_install(c);
	for (i = 0; i < NELEM(steps); i++) {
		char *buf = handle(steps[i].line);

		snprintf(what, sizeof(what), "with a store: ctl_handle(\"%s\")",
		    tap_show(steps[i].line));
		if (steps[i].answer != NULL)
			tap_is_str(buf != NULL ? tap_show(buf) : NULL,
			    tap_show(steps[i].answer), what);
		else if (!tap_ok(buf != NULL && strncmp(buf, steps[i].prefix,
		    strlen(steps[i].prefix)) == 0 && strlen(buf) > 3 &&
		    strcmp(buf + strlen(buf) - 3, "ok\n") == 0, "%s", what))
			printf("#   got:  \"%s\"\n#   want: \"%s...ok\\n\"\n",
			    buf != NULL ? tap_show(buf) : "(null)",
			    steps[i].prefix);
		free(buf);
	}
	pop_stop();
	conf_install(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

int
main(void)
{
	test_parse();
	test_user_length();
	test_commands();
	test_handle();
	log_init("t_ctlproto", 1);
	test_handle_store();
	return tap_done();
}
