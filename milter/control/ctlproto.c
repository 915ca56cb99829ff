/*
 * ctlproto: parsing of control command lines against the one grammar of
 * the control commands (a table: each command's words, its arguments and
 * what it does), for the daemon and relayctl alike. Every byte is
 * checked: the socket may be reachable by any member of its group.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctlproto.h"
#include "poplog.h"

/*
 * The commands, in the order of help texts. args are the words after
 * the command's own, in order: IP (an address), USER (a login name) or
 * an option written as is; in brackets when it may be left out, which
 * only the last ones may.
 */
static const struct {
	const char		*words;
	const char		*args;
	enum ctlproto_cmd	 cmd;
	const char		*help;
} ctlproto_grammar[] = {
	{ "reload", "", CTLPROTO_RELOAD, "reload the daemon's config file" },
	{ "stats", "[--prometheus]", CTLPROTO_STATS,
	    "counters, one \"name value\" per line" },
	{ "status", "", CTLPROTO_STATUS, "version, uptime, config, listeners" },
	{ "pop add", "IP [USER]", CTLPROTO_POP_ADD,
	    "let IP relay as after a POP3 login now" },
	{ "pop del", "IP", CTLPROTO_POP_DEL, "forget the POP3 login of IP" },
	{ "pop list", "", CTLPROTO_POP_LIST,
	    "the logins still within pop.window" },
	{ "suspend", "USER", CTLPROTO_SUSPEND,
	    "turn USER's relaying off until unsuspend" },
	{ "unsuspend", "USER", CTLPROTO_UNSUSPEND,
	    "lift USER's suspension" },
	{ "accounts", "", CTLPROTO_ACCOUNTS,
	    "relay counters in their window, and suspensions" },
};

#define CTLPROTO_NCMDS	(sizeof(ctlproto_grammar) / sizeof(ctlproto_grammar[0]))

/* Whether command i's first word is verb (verb NULL: every command). */
static int
ctlproto_verb_is(size_t i, const char *verb)
{
	const char *w = ctlproto_grammar[i].words;
	size_t n = strcspn(w, " ");

	return verb == NULL || (strlen(verb) == n && strncmp(w, verb, n) == 0);
}

const char *
ctlproto_command(size_t i, char *buf, size_t len)
{
	if (i >= CTLPROTO_NCMDS)
		return NULL;
	snprintf(buf, len, "%s%s%s", ctlproto_grammar[i].words,
	    ctlproto_grammar[i].args[0] ? " " : "", ctlproto_grammar[i].args);
	return ctlproto_grammar[i].help;
}

/*
 * The forms of the commands whose first word is verb (NULL: all), as
 * "pop add IP [USER] | pop del IP | pop list", with ", " between verbs.
 */
static void
ctlproto_forms(const char *verb, char *buf, size_t len)
{
	char form[128], prev[32] = "";
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < CTLPROTO_NCMDS && o < len; i++) {
		if (!ctlproto_verb_is(i, verb))
			continue;
		ctlproto_command(i, form, sizeof(form));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o == 0 ? "" :
		    ctlproto_verb_is(i, prev) ? " | " : ", ", form);
		snprintf(prev, sizeof(prev), "%.*s", (int)strcspn(form, " ") &
		    0x1f, form);
	}
}

static int ctlproto_refuse(struct ctlproto_request *, enum ctlproto_fault,
    char *, size_t, const char *, ...) __attribute__((format(printf, 5, 6)));

/* Refuse with a fault and the daemon's answer in err. Returns -1. */
static int
ctlproto_refuse(struct ctlproto_request *req, enum ctlproto_fault fault,
    char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	req->fault = fault;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A wrong word count or an unknown word: the forms of verb, or all. */
static int
ctlproto_usage(struct ctlproto_request *req, const char *verb, char *err,
    size_t errlen)
{
	char forms[400];
	size_t i;

	for (i = 0; i < CTLPROTO_NCMDS; i++)
		if (ctlproto_verb_is(i, verb))
			break;
	if (i == CTLPROTO_NCMDS) {
		ctlproto_forms(NULL, forms, sizeof(forms));
		return ctlproto_refuse(req, CTLPROTO_FAULT_USAGE, err, errlen,
		    "unknown command or wrong arguments (%s)", forms);
	}
	ctlproto_forms(verb, forms, sizeof(forms));
	return ctlproto_refuse(req, CTLPROTO_FAULT_USAGE, err, errlen,
	    "usage: %s", forms);
}

/* The user name of "pop add": printable (split saw to that), bounded. */
static int
ctlproto_user_ok(const char *u)
{
	size_t n = strlen(u);

	return n > 0 && n < POPLOG_USER_MAX && strpbrk(u, "\"\\") == NULL;
}

/*
 * The n-th argument name of command i ("IP", "USER", "--prometheus") in
 * name, and whether it may be left out in *opt. Returns 0, or -1 past
 * the last one.
 */
static int
ctlproto_arg(size_t i, int n, char *name, size_t len, int *opt)
{
	const char *a = ctlproto_grammar[i].args;
	size_t w = 0;

	for (; n >= 0; n--) {
		a += w;
		a += strspn(a, " ");
		if ((w = strcspn(a, " ")) == 0)
			return -1;
	}
	*opt = a[0] == '[';
	snprintf(name, len, "%.*s", (int)(*opt ? w - 2 : w) & 0x3f, a + *opt);
	return 0;
}

/*
 * Match argv (the words after the command's own) to command i's
 * arguments: -1 for a wrong count or option (a usage fault, left to the
 * caller), -1 with req->fault set for an argument of the wrong form.
 */
static int
ctlproto_args(size_t i, int argc, char **argv, struct ctlproto_request *req,
    char *err, size_t errlen)
{
	char name[64];
	int n, opt, need = 0;

	/* The count first: too many words is a usage error, not a bad IP. */
	for (n = 0; ctlproto_arg(i, n, name, sizeof(name), &opt) == 0; n++)
		need += !opt;
	if (argc < need || argc > n)
		return -1;
	for (n = 0; n < argc; n++) {
		ctlproto_arg(i, n, name, sizeof(name), &opt);
		if (strcmp(name, "IP") == 0) {
			req->ip = argv[n];
			if (netaddr_parse(argv[n], &req->addr) != 0)
				return ctlproto_refuse(req, CTLPROTO_FAULT_ARG,
				    err, errlen, "%s: not an IP address",
				    argv[n]);
		} else if (strcmp(name, "USER") == 0) {
			req->user = argv[n];
			if (!ctlproto_user_ok(argv[n]))
				return ctlproto_refuse(req, CTLPROTO_FAULT_ARG,
				    err, errlen, "bad user name");
		} else if (strcmp(name, argv[n]) == 0)
			req->prometheus = strcmp(name, "--prometheus") == 0;
		else
			return -1;
	}
	return 0;
}

int
ctlproto_parse(char *line, struct ctlproto_request *req, char *err,
    size_t errlen)
{
	char *argv[CTL_ARGS_MAX];
	int argc = ctlproto_split(line, argv);
	size_t i, w;

	memset(req, 0, sizeof(*req));
	if (argc < 0)
		return ctlproto_refuse(req, CTLPROTO_FAULT_MALFORMED, err,
		    errlen, "malformed command line");
	for (i = 0; i < CTLPROTO_NCMDS; i++) {
		const char *c = ctlproto_grammar[i].words;
		int k;

		/* the command's own words, one by one */
		for (k = 0; k < argc; k++, c += w + (c[w] == ' ')) {
			w = strcspn(c, " ");
			if (w == 0 || strlen(argv[k]) != w ||
			    strncmp(argv[k], c, w) != 0)
				break;
		}
		if (*c != '\0')
			continue;
		req->cmd = ctlproto_grammar[i].cmd;
		if (ctlproto_args(i, argc - k, argv + k, req, err, errlen) == 0)
			return 0;
		if (req->fault == CTLPROTO_FAULT_ARG)
			return -1;
		break;
	}
	return ctlproto_usage(req, argv[0], err, errlen);
}

int
ctlproto_split(char *line, char **argv)
{
	size_t len = strlen(line);
	int n = 0;
	char *p;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	for (p = line; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return -1;
	}
	for (p = line; *p; ) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n == CTL_ARGS_MAX)
			return -1;
		argv[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return n > 0 ? n : -1;
}
