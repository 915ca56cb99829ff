/*
 * relayctl: the administrator's client for a running relaymilter. It
 * sends one command line over the control socket and prints the answer;
 * the daemon's last line ("ok" or "error: ...") sets the exit status.
 */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <sysexits.h>
#include <unistd.h>

#include "conf.h"
#include "ctlproto.h"
#include "pwhash.h"

#define RELAYCTL_DEFAULT_SOCKET	"/run/relaymilter/control.sock"

static void
relayctl_usage(FILE *f)
{
	const char *help;
	char form[128];
	size_t i;

	fprintf(f, "usage: relayctl [-s SOCKET] [-c FILE] command\n"
	    "commands:\n");
	/* the daemon's commands, from the grammar they are parsed by */
	for (i = 0; (help = ctlproto_command(i, form, sizeof(form))) != NULL;
	    i++)
		fprintf(f, "  %-22s %s\n", form, help);
	fprintf(f,
	    "  pw [-s SCHEME]         read a password, print its config string\n"
	    "                         (SCRAM-SHA-256 default; SHA512-CRYPT,\n"
	    "                         BLF-CRYPT, CRYPT, PLAIN)\n"
	    "SOCKET is unix:/path, local:/path or /path; without -s, the "
	    "\"control\"\nkey of FILE (default %s) or %s.\n", CONF_DEFAULT_PATH,
	    RELAYCTL_DEFAULT_SOCKET);
}

/*
 * The socket named by the config's "control" key, read leniently: a
 * broken file must not stop "relayctl reload" from reporting why.
 */
static const char *
relayctl_socket_from(const char *file, char *buf, size_t len)
{
	config_t cfg;
	const char *v = NULL;
	struct sockspec s;
	char err[256];

	config_init(&cfg);
	/* The forms the daemon takes: one it would refuse is not its socket. */
	if (config_read_file(&cfg, file) == CONFIG_TRUE &&
	    config_lookup_string(&cfg, "control", &v) == CONFIG_TRUE &&
	    sockspec_parse(v, CONF_CONTROL_SOCKETS, &s, err, sizeof(err)) == 0)
		snprintf(buf, len, "%s", s.path);
	else
		v = NULL;
	config_destroy(&cfg);
	return v != NULL ? buf : NULL;
}

static int
relayctl_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "relayctl: %s: path too long\n", path);
		return -EX_USAGE;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -EX_OSERR;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return fd;
	rc = errno == EACCES || errno == EPERM ? EX_NOPERM : EX_UNAVAILABLE;
	fprintf(stderr, "relayctl: %s: %s%s\n", path, strerror(errno),
	    rc == EX_UNAVAILABLE ? " (is relaymilter running, with this "
	    "control socket?)" : "");
	close(fd);
	return -rc;
}

/* Print the answer; returns 0 for "ok", 1 for "error: ...". */
static int
relayctl_answer(FILE *in)
{
	char line[4096];
	int rc = EX_PROTOCOL;

	while (fgets(line, sizeof(line), in) != NULL) {
		if (strcmp(line, "ok\n") == 0) {
			rc = 0;
			break;
		}
		if (strncmp(line, "error: ", 7) == 0) {
			fputs(line + 7, stderr);
			rc = 1;
			break;
		}
		fputs(line, stdout);
	}
	if (rc == EX_PROTOCOL)
		fprintf(stderr, "relayctl: the daemon closed the connection "
		    "without an answer\n");
	return rc;
}

static int
relayctl_send(const char *path, const char *cmd)
{
	FILE *in;
	int fd = relayctl_connect(path);

	if (fd < 0)
		return -fd;
	if (write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		fprintf(stderr, "relayctl: %s: %s\n", path, strerror(errno));
		close(fd);
		return EX_IOERR;
	}
	in = fdopen(fd, "r");
	if (in == NULL) {
		close(fd);
		return EX_OSERR;
	}
	fd = relayctl_answer(in);
	fclose(in);
	return fd;
}

/* Join the command words into one protocol line. */
static int
relayctl_line(int argc, char **argv, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	for (i = 0; i < argc; i++) {
		size_t w = strlen(argv[i]);

		if (w == 0 || strpbrk(argv[i], " \t\r\n") != NULL ||
		    n + w + 2 > len)
			return -1;
		if (i > 0)
			buf[n++] = ' ';
		memcpy(buf + n, argv[i], w);
		n += w;
	}
	buf[n++] = '\n';
	buf[n] = '\0';
	return 0;
}

/*
 * Check the command line as the daemon will, before connecting: a line
 * it would refuse is a usage error (EX_USAGE), or, for an argument of
 * the wrong form, the daemon's own error (exit 1).
 */
static int
relayctl_check(const char *line)
{
	struct ctlproto_request req;
	char copy[CTL_LINE_MAX], err[CTL_LINE_MAX + 64];

	snprintf(copy, sizeof(copy), "%s", line);
	if (ctlproto_parse(copy, &req, err, sizeof(err)) == 0)
		return EX_OK;
	if (req.fault == CTLPROTO_FAULT_ARG) {
		fprintf(stderr, "relayctl: %s\n", err);
		return 1;
	}
	relayctl_usage(stderr);
	return EX_USAGE;
}

/* Read one line without its newline; echo off on a terminal. */
static int
relayctl_read_pw(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO);
	size_t n;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (fgets(buf, (int)len, stdin) == NULL)
		buf[0] = '\0';
	/* A line that does not fit would be hashed cut short: refuse it. */
	if (strchr(buf, '\n') == NULL && strlen(buf) == len - 1) {
		explicit_bzero(buf, len);
		if (tty)
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		return -2;
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n > 0 ? 0 : -1;
}

static int
relayctl_pw(int argc, char **argv)
{
	char pw[1024], again[1024], out[512];
	const char *scheme = NULL;
	int opt, rc = EX_OK;

	optind = 1;
	while ((opt = getopt(argc, argv, "s:")) != -1) {
		if (opt != 's') {
			relayctl_usage(stderr);
			return EX_USAGE;
		}
		scheme = optarg;
	}
	if (optind != argc) {
		relayctl_usage(stderr);
		return EX_USAGE;
	}
	opt = relayctl_read_pw("Password: ", pw, sizeof(pw));
	if (opt != 0) {
		fprintf(stderr, "relayctl: %s\n", opt == -2 ?
		    "password longer than 1022 bytes" : "empty password");
		return EX_DATAERR;
	}
	if (isatty(STDIN_FILENO) && (relayctl_read_pw("Again: ", again,
	    sizeof(again)) != 0 || strcmp(pw, again) != 0)) {
		fprintf(stderr, "relayctl: the passwords differ\n");
		rc = EX_DATAERR;
	} else if (pwhash_make(scheme, pw, out, sizeof(out)) != 0) {
		fprintf(stderr, "relayctl: %s\n", out);
		rc = EX_USAGE;
	} else
		printf("%s\n", out);
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(again, sizeof(again));
	return rc;
}

int
main(int argc, char **argv)
{
	const char *sock = NULL, *file = CONF_DEFAULT_PATH;
	char buf[CTL_LINE_MAX], line[CTL_LINE_MAX], err[256];
	struct sockspec s;
	int opt, rc;

	/* "+": options after the command belong to the command. */
	while ((opt = getopt(argc, argv, "+s:c:h")) != -1) {
		switch (opt) {
		case 's':
			if (sockspec_parse(optarg, SOCKSPEC_ACCEPT_UNIX |
			    SOCKSPEC_ACCEPT_BARE, &s, err, sizeof(err)) != 0) {
				fprintf(stderr, "relayctl: -s %s\n", err);
				return EX_USAGE;
			}
			sock = s.path;
			break;
		case 'c': file = optarg; break;
		case 'h': relayctl_usage(stdout); return EX_OK;
		default: relayctl_usage(stderr); return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && strcmp(argv[0], "pw") == 0)
		return relayctl_pw(argc, argv);
	if (argc == 0 || relayctl_line(argc, argv, line, sizeof(line)) != 0) {
		relayctl_usage(stderr);
		return EX_USAGE;
	}
	if ((rc = relayctl_check(line)) != EX_OK)
		return rc;
	if (sock == NULL)
		sock = relayctl_socket_from(file, buf, sizeof(buf));
	if (sock == NULL)
		sock = RELAYCTL_DEFAULT_SOCKET;
	return relayctl_send(sock, line);
}
