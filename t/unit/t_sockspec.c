/*
 * t_sockspec: the one parser of socket names (relaymilter.conf(5):
 * socket, control, auth.dovecot, auth.saslauthd; relayctl(8): -s): what
 * each form splits into, which forms each caller takes, the messages,
 * the form libmilter gets, which sockets only this host can reach, and a
 * unix listener opened from a parsed name with its mode and group
 * (listen_unix_perms, shared with the milter).
 */
#include "conf_fixture.h"

#include <grp.h>
#include <sys/socket.h>

#include "listen.h"
#include "sockspec.h"

#define CONF	CONF_SOCKETS
#define CTL	CONF_CONTROL_SOCKETS
#define RCTL	(SOCKSPEC_ACCEPT_UNIX | SOCKSPEC_ACCEPT_BARE)
#define UNIX	SOCKSPEC_UNIX
#define INET	SOCKSPEC_INET
#define INET6	SOCKSPEC_INET6

/* unix paths of 99 and 100 characters: the longest taken, one too long */
#define P90	"/aaaaaaaaa/aaaaaaaaa/aaaaaaaaa/aaaaaaaaa/aaaaaaaaa" \
	"/aaaaaaaaa/aaaaaaaaa/aaaaaaaaa/aaaaaaaaa"
#define P99	P90 "/12345678"
#define P100	P90 "/123456789"
#define MILTER	"/run/relaymilter/milter.sock"
#define CONTROL	"/run/relaymilter/control.sock"

struct sock_case {
	const char	*in;
	unsigned	 accept;
	int		 rc;
	int		 family;	/* want, when rc == 0 */
	const char	*path;		/* UNIX */
	unsigned	 port;		/* INET, INET6 */
	const char	*host;
};

static const struct sock_case sock_cases[] = {
	/* the listeners of the config: socket, auth.dovecot, auth.saslauthd */
	{ "inet:8895@127.0.0.1", CONF, 0, INET, NULL, 8895, "127.0.0.1" },
	{ "inet:8895@localhost", CONF, 0, INET, NULL, 8895, "localhost" },
	{ "inet:1@127.0.0.1", CONF, 0, INET, NULL, 1, "127.0.0.1" },
	{ "inet:65535@127.0.0.1", CONF, 0, INET, NULL, 65535, "127.0.0.1" },
	{ "inet:08895@127.0.0.1", CONF, 0, INET, NULL, 8895, "127.0.0.1" },
	{ "inet6:8895@::1", CONF, 0, INET6, NULL, 8895, "::1" },
	{ "inet6:8895@[::1]", CONF, 0, INET6, NULL, 8895, "::1" },
	{ "inet6:25@[2001:db8::1]", CONF, 0, INET6, NULL, 25, "2001:db8::1" },
	{ "unix:" MILTER, CONF, 0, UNIX, MILTER, 0, NULL },
	{ "local:" MILTER, CONF, 0, UNIX, MILTER, 0, NULL },
	{ "unix:" P99, CONF, 0, UNIX, P99, 0, NULL },
	{ "local:" P99, CONF, 0, UNIX, P99, 0, NULL },
	{ "", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:8895", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:8895@", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:@127.0.0.1", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:0@127.0.0.1", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:65536@127.0.0.1", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:99999@127.0.0.1", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:088950@127.0.0.1", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:88a5@127.0.0.1", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:-1@127.0.0.1", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:+25@127.0.0.1", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:25@[127.0.0.1]", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:25@a b", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:25@a@b", CONF, -1, 0, NULL, 0, NULL },
	{ "inet:25@a\tb", CONF, -1, 0, NULL, 0, NULL },
	{ "inet6:8895", CONF, -1, 0, NULL, 0, NULL },
	{ "inet6:8895@", CONF, -1, 0, NULL, 0, NULL },
	{ "inet6:8895@[]", CONF, -1, 0, NULL, 0, NULL },
	{ "inet6:8895@[::1", CONF, -1, 0, NULL, 0, NULL },
	{ "inet6:8895@::1]", CONF, -1, 0, NULL, 0, NULL },
	{ "unix:", CONF, -1, 0, NULL, 0, NULL },
	{ "local:", CONF, -1, 0, NULL, 0, NULL },
	{ "unix:relative.sock", CONF, -1, 0, NULL, 0, NULL },
	{ "local:relative.sock", CONF, -1, 0, NULL, 0, NULL },
	{ "unix:" P100, CONF, -1, 0, NULL, 0, NULL },
	{ "unix:/run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock", CONF, -1, 0, NULL,
	    0, NULL },
	{ "Unix:" MILTER, CONF, -1, 0, NULL, 0, NULL },
	{ "tcp:8895@127.0.0.1", CONF, -1, 0, NULL, 0, NULL },
	{ MILTER, CONF, -1, 0, NULL, 0, NULL },
	{ "127.0.0.1:8895", CONF, -1, 0, NULL, 0, NULL },
	/* the control socket: unix only, as the daemon and relayctl read it */
	{ "unix:" CONTROL, CTL, 0, UNIX, CONTROL, 0, NULL },
	{ "local:" CONTROL, CTL, 0, UNIX, CONTROL, 0, NULL },
	{ "inet:8895@127.0.0.1", CTL, -1, 0, NULL, 0, NULL },
	{ "inet6:8895@::1", CTL, -1, 0, NULL, 0, NULL },
	{ CONTROL, CTL, -1, 0, NULL, 0, NULL },
	{ "unix:", CTL, -1, 0, NULL, 0, NULL },
	/* relayctl -s: a bare path too */
	{ CONTROL, RCTL, 0, UNIX, CONTROL, 0, NULL },
	{ P99, RCTL, 0, UNIX, P99, 0, NULL },
	{ "unix:" CONTROL, RCTL, 0, UNIX, CONTROL, 0, NULL },
	{ "local:" CONTROL, RCTL, 0, UNIX, CONTROL, 0, NULL },
	{ P100, RCTL, -1, 0, NULL, 0, NULL },
	{ "run/relaymilter/control.sock", RCTL, -1, 0, NULL, 0, NULL },
	{ "inet:8895@127.0.0.1", RCTL, -1, 0, NULL, 0, NULL },
	{ "", RCTL, -1, 0, NULL, 0, NULL },
};

static void
test_parse(void)
{
	size_t i;

	for (i = 0; i < NELEM(sock_cases); i++) {
		const struct sock_case *tc = &sock_cases[i];
		struct sockspec s;
		char err[300] = "", what[300];
		int rc = sockspec_parse(tc->in, tc->accept, &s, err,
		    sizeof(err));

		snprintf(what, sizeof(what), "sockspec_parse(\"%s\", %s)",
		    tap_show(tc->in), tc->accept == CONF ? "config" :
		    tc->accept == CTL ? "control" : "relayctl -s");
		if (!tap_is_int(rc, tc->rc, what) || rc != 0) {
			if (rc != 0)
				tap_ok(err[0] != '\0', "... with a message "
				    "(%s)", tap_show(err));
			continue;
		}
		tap_is_int(s.family, tc->family, "... family");
		if (tc->family == UNIX) {
			tap_is_str(s.path, tc->path, "... path");
			continue;
		}
		tap_is_int(s.port, tc->port, "... port");
		tap_is_str(s.host, tc->host, "... host");
	}
}

/* The message names the spec and what the caller would take instead. */
static const struct {
	const char	*in;
	unsigned	 accept;
	const char	*want;
} msg_cases[] = {
	{ "tcp:1@h", CONF, "\"tcp:1@h\": expected unix:/path, local:/path, "
	    "inet:PORT@HOST or inet6:PORT@HOST" },
	{ MILTER, CONF, "\"" MILTER "\": expected unix:/path, local:/path, "
	    "inet:PORT@HOST or inet6:PORT@HOST" },
	{ "inet:1@h", CTL, "\"inet:1@h\": expected unix:/path or local:/path" },
	{ "x", RCTL, "\"x\": expected unix:/path, local:/path or /path" },
	{ "unix:x", CONF, "\"unix:x\": a unix socket needs an absolute path "
	    "under 100 characters" },
	{ "inet:0@h", CONF, "\"inet:0@h\": expected inet:PORT@HOST or "
	    "inet6:PORT@HOST (port 1 to 65535)" },
};

/* What libmilter is given: one spelling per socket. */
static const struct {
	const char	*in;
	unsigned	 accept;
	const char	*want;
} format_cases[] = {
	{ "unix:" MILTER, CONF, "unix:" MILTER },
	{ "local:" MILTER, CONF, "unix:" MILTER },
	{ MILTER, RCTL, "unix:" MILTER },
	{ "inet:0025@127.0.0.1", CONF, "inet:25@127.0.0.1" },
	{ "inet6:8895@[::1]", CONF, "inet6:8895@::1" },
};

static void
test_messages(void)
{
	struct sockspec s;
	char err[300], buf[64], what[200];
	size_t i;

	for (i = 0; i < NELEM(msg_cases); i++) {
		err[0] = '\0';
		snprintf(what, sizeof(what), "message for \"%s\"",
		    msg_cases[i].in);
		tap_ok(sockspec_parse(msg_cases[i].in, msg_cases[i].accept, &s,
		    err, sizeof(err)) == -1, "%s: refused", what);
		tap_is_str(err, msg_cases[i].want, what);
	}
	for (i = 0; i < NELEM(format_cases); i++) {
		snprintf(what, sizeof(what), "sockspec_format of \"%s\"",
		    format_cases[i].in);
		if (sockspec_parse(format_cases[i].in, format_cases[i].accept,
		    &s, err, sizeof(err)) != 0)
			printf("# %s\n", err);
		tap_is_str(sockspec_format(&s, buf, sizeof(buf)),
		    format_cases[i].want, what);
	}
	tap_ok(sockspec_format(&s, buf, 10) == NULL,
	    "sockspec_format: a short buffer is an error");
}

/* Which sockets only this host can reach (the loader's rules use it). */
static const struct {
	const char	*in;
	int		 local;
} local_cases[] = {
	{ "unix:" MILTER, 1 },
	{ "local:" MILTER, 1 },
	{ "inet:8895@127.0.0.1", 1 },
	{ "inet:8895@127.255.255.254", 1 },
	{ "inet:8895@localhost", 1 },
	{ "inet:8895@LocalHost", 1 },
	{ "inet6:8895@::1", 1 },
	{ "inet6:8895@[::1]", 1 },
	{ "inet6:8895@0:0:0:0:0:0:0:1", 1 },
	{ "inet6:8895@::ffff:127.0.0.1", 1 },
	{ "inet:8895@0.0.0.0", 0 },
	{ "inet:8895@192.0.2.1", 0 },
	{ "inet:8895@128.0.0.1", 0 },
	{ "inet:8895@126.255.255.255", 0 },
	{ "inet:8895@127.1", 0 },
	{ "inet:8895@localhost.example", 0 },
	{ "inet:8895@mail.example.com", 0 },
	{ "inet6:8895@::", 0 },
	{ "inet6:8895@[::]", 0 },
	{ "inet6:8895@::2", 0 },
	{ "inet6:8895@::ffff:10.0.0.1", 0 },
	{ "inet6:8895@::127.0.0.1", 0 },
	{ "inet6:8895@2001:db8::1", 0 },
};

static void
test_local(void)
{
	struct sockspec s;
	char err[300], what[200];
	size_t i;

	for (i = 0; i < NELEM(local_cases); i++) {
		snprintf(what, sizeof(what), "sockspec_local(\"%s\")",
		    local_cases[i].in);
		if (sockspec_parse(local_cases[i].in, CONF, &s, err,
		    sizeof(err)) != 0) {
			tap_ok(0, "%s: parses (%s)", what, err);
			continue;
		}
		tap_is_int(sockspec_local(&s), local_cases[i].local, what);
	}
}

static int
mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* A control socket as the config names it, opened by the listener. */
static void
test_listen(void)
{
	char dir[] = "/tmp/t_sockspec.XXXXXX", spec[128], err[300] = "";
	struct group *g = getgrgid(getegid());
	struct sockspec s;
	int fd, fd2;

	if (!tap_ok(mkdtemp(dir) != NULL, "scratch directory"))
		return;
	snprintf(spec, sizeof(spec), "local:%s/c.sock", dir);
	tap_is_int(sockspec_parse(spec, CTL, &s, err, sizeof(err)), 0,
	    "a local: control socket parses");
	fd = listen_open(&s, -1, NULL, err, sizeof(err));
	if (!tap_ok(fd >= 0, "listen_open on it")) {
		printf("# %s\n", err);
		goto out;
	}
	tap_is_int(mode_of(s.path), 0660, "mode 0660 by default");
	fd2 = listen_open(&s, -1, NULL, err, sizeof(err));
	tap_ok(fd2 < 0 && strstr(err, "in use") != NULL, "a live socket is "
	    "not replaced (%s)", err);
	tap_is_int(listen_unix_perms(s.path, 0640, g ? g->gr_name : NULL,
	    err, sizeof(err)), 0, "listen_unix_perms: own group, 0640");
	tap_is_int(mode_of(s.path), 0640, "... mode 0640");
	tap_ok(listen_unix_perms(s.path, 0600, "no-such-group.t_sockspec", err,
	    sizeof(err)) == -1 && strstr(err, "cannot give the socket to "
	    "group no-such-group.t_sockspec") != NULL,
	    "listen_unix_perms: an unknown group is an error (%s)", err);
	close(fd);
	unlink(s.path);
	tap_ok(listen_unix_perms(s.path, 0600, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, s.path) != NULL, "listen_unix_perms: no socket (%s)",
	    err);
out:
	rmdir(dir);
}

int
main(void)
{
	test_parse();
	test_messages();
	test_local();
	test_listen();
	return tap_done();
}
