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
#include <sysexits.h>
#include <unistd.h>

#include "conf.h"
#include "ctlproto.h"

#define RELAYCTL_DEFAULT_SOCKET	"/run/relaymilter/control.sock"

static void
relayctl_usage(FILE *f)
{
	fprintf(f,
	    "usage: relayctl [-s SOCKET] [-c FILE] command\n"
	    "commands:\n"
	    "  reload                 reload the daemon's config file\n"
	    "  stats [--prometheus]   counters, one \"name value\" per line\n"
	    "  status                 version, uptime, config, listeners\n"
	    "SOCKET is unix:/path or /path; without -s, the \"control\" key of\n"
	    "FILE (default %s) or %s.\n", CONF_DEFAULT_PATH,
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

	config_init(&cfg);
	if (config_read_file(&cfg, file) == CONFIG_TRUE &&
	    config_lookup_string(&cfg, "control", &v) == CONFIG_TRUE &&
	    ctlproto_socket_path(v) != NULL)
		snprintf(buf, len, "%s", ctlproto_socket_path(v));
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

static int
relayctl_known(int argc, char **argv)
{
	if (strcmp(argv[0], "reload") == 0 || strcmp(argv[0], "status") == 0)
		return argc == 1;
	if (strcmp(argv[0], "stats") == 0)
		return argc == 1 || (argc == 2 &&
		    strcmp(argv[1], "--prometheus") == 0);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *sock = NULL, *file = CONF_DEFAULT_PATH;
	char buf[CTL_LINE_MAX], line[CTL_LINE_MAX];
	int opt;

	/* "+": options after the command belong to the command. */
	while ((opt = getopt(argc, argv, "+s:c:h")) != -1) {
		switch (opt) {
		case 's':
			sock = ctlproto_socket_path(optarg);
			if (sock == NULL) {
				fprintf(stderr, "relayctl: -s %s: expected "
				    "unix:/path or /path\n", optarg);
				return EX_USAGE;
			}
			break;
		case 'c': file = optarg; break;
		case 'h': relayctl_usage(stdout); return EX_OK;
		default: relayctl_usage(stderr); return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || !relayctl_known(argc, argv) ||
	    relayctl_line(argc, argv, line, sizeof(line)) != 0) {
		relayctl_usage(stderr);
		return EX_USAGE;
	}
	if (sock == NULL)
		sock = relayctl_socket_from(file, buf, sizeof(buf));
	if (sock == NULL)
		sock = RELAYCTL_DEFAULT_SOCKET;
	return relayctl_send(sock, line);
}
