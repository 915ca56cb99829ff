/*
 * ctl: the control socket server and its commands (reload, stats,
 * status, pop), which ctlproto parses and checks; here they are run.
 * One line in, an answer out, then the connection is closed.
 * Reads are bounded in size and time: a client that sends garbage or
 * nothing loses its connection, and the daemon carries on.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctlproto.h"
#include "listen.h"
#include "log.h"
#include "accounts.h"
#include "pop.h"
#include "reload.h"
#include "stats.h"

#define CTL_CLIENTS_MAX	16
#define CTL_TIMEOUT_S	5

static struct listen_sock ctl_sock = LISTEN_SOCK_NONE;
static time_t ctl_started;

int
ctl_open(const struct conf *c, char *err, size_t errlen)
{
	ctl_started = time(NULL);
	return listen_sock_open(&ctl_sock, c->control, CONF_CONTROL_SOCKETS,
	    c->control_mode, c->control_group, err, errlen);
}

static void
ctl_status(FILE *out)
{
	struct conf *c = conf_current();
	char when[32], pending[512];
	time_t loaded = reload_loaded_at();
	struct tm tm;

	gmtime_r(&loaded, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	reload_restart_needed(pending, sizeof(pending));
	fprintf(out, "version %s\n", PACKAGE_VERSION);
	fprintf(out, "pid %ld\n", (long)getpid());
	fprintf(out, "uptime %lld\n", (long long)(time(NULL) - ctl_started));
	fprintf(out, "config %s\n", reload_path() ? reload_path() :
	    "(embedded default)");
	fprintf(out, "config_loaded %s\n", when);
	if (c != NULL) {
		fprintf(out, "listener.milter %s\n", c->socket);
		if (c->postfix_policy != NULL)
			fprintf(out, "listener.postfix_policy %s\n",
			    c->postfix_policy);
		if (c->sendmail_socketmap != NULL)
			fprintf(out, "listener.sendmail_socketmap %s\n",
			    c->sendmail_socketmap);
		if (c->metrics != NULL)
			fprintf(out, "listener.metrics %s\n", c->metrics);
		if (c->control != NULL)
			fprintf(out, "listener.control %s\n", c->control);
		fprintf(out, "services %zu\n", c->nservices);
		fprintf(out, "users %zu\n", c->nusers);
		fprintf(out, "dry_run %s\n", c->dry_run ? "yes" : "no");
	}
	fprintf(out, "restart_needed %s\n", pending[0] ? pending : "no");
	fprintf(out, "connections %llu\n",
	    (unsigned long long)stats_get(STATS_CONNECTIONS));
	conf_unref(c);
}

void
ctl_handle(char *line, FILE *out)
{
	struct ctlproto_request req;
	char msg[CONF_ERRLEN];
	int rc = 0, removed;

	if (ctlproto_parse(line, &req, msg, sizeof(msg)) != 0) {
		fprintf(out, "error: %s\n", msg);
		return;
	}
	switch (req.cmd) {
	case CTLPROTO_RELOAD:
		if ((rc = reload_run(msg, sizeof(msg))) == 0)
			fprintf(out, "%s\n", msg);
		break;
	case CTLPROTO_STATS:
		stats_print(out, req.prometheus);
		break;
	case CTLPROTO_STATUS:
		ctl_status(out);
		break;
	case CTLPROTO_POP_ADD:
		rc = pop_record(&req.addr, req.user, "relayctl", msg,
		    sizeof(msg));
		break;
	case CTLPROTO_POP_DEL:
		if ((rc = pop_remove(&req.addr, &removed, msg,
		    sizeof(msg))) == 0)
			fprintf(out, "%s %s\n", removed ? "removed" : "absent",
			    req.ip);
		break;
	case CTLPROTO_POP_LIST:
		rc = pop_list(out, msg, sizeof(msg));
		break;
	case CTLPROTO_SUSPEND:
		rc = accounts_suspend(req.user, out, msg, sizeof(msg));
		break;
	case CTLPROTO_UNSUSPEND:
		rc = accounts_unsuspend(req.user, out, msg, sizeof(msg));
		break;
	case CTLPROTO_ACCOUNTS:
		rc = accounts_list(out, msg, sizeof(msg));
		break;
	}
	if (rc == 0)
		fprintf(out, "ok\n");
	else
		fprintf(out, "error: %s\n", msg);
}

/*
 * Read one line of at most CTL_LINE_MAX bytes. Returns 0, -1 when it is
 * too long or never ends, -2 when it holds a NUL (which would hide the
 * rest of the line from the parser).
 */
static int
ctl_read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	int nul = 0;

	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, 1);

		if (r <= 0)
			return -1;
		if (buf[n] == '\0')
			nul = 1;
		if (buf[n] == '\n') {
			buf[n + 1] = '\0';
			return nul ? -2 : 0;
		}
		n++;
	}
	return -1;
}

static void
ctl_client(int fd, void *arg)
{
	char line[CTL_LINE_MAX + 1], *buf = NULL;
	size_t len = 0;
	FILE *out;
	int rc;

	(void)arg;
	out = open_memstream(&buf, &len);
	if (out == NULL)
		return;
	rc = ctl_read_line(fd, line, sizeof(line));
	if (rc == 0)
		ctl_handle(line, out);
	else if (rc == -2)
		fprintf(out, "error: malformed command line\n");
	else
		fprintf(out, "error: expected one command line of at most %d "
		    "bytes\n", CTL_LINE_MAX - 1);
	fclose(out);
	/* The reply is best effort: the client may be gone. */
	if (buf != NULL && send(fd, buf, len, MSG_NOSIGNAL) < 0)
		len = 0;
	free(buf);
}

int
ctl_start(void)
{
	return listen_sock_start(&ctl_sock, ctl_client, NULL, CTL_CLIENTS_MAX,
	    CTL_TIMEOUT_S);
}

void
ctl_close(void)
{
	listen_sock_close(&ctl_sock);
}
