/*
 * log: one logger, to syslog when daemonized and to stderr in the
 * foreground (where systemd's journal or the administrator reads it).
 * A stderr line is formatted once and written with a single write(2), so
 * lines from different threads never interleave.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_stderr;
static long log_pid;	/* cached: a getpid per line costs a system call */
static char log_ident[64] = "relaymilter";

void
log_init(const char *ident, int to_stderr)
{
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
	log_stderr = to_stderr;
	log_pid = (long)getpid();
	if (!to_stderr)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_to_syslog(void)
{
	openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
	log_stderr = 0;
}

static const char *
log_level(int prio)
{
	switch (prio) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: return "fatal";
	case LOG_ERR:		return "error";
	case LOG_WARNING:	return "warning";
	case LOG_NOTICE:	return "notice";
	case LOG_DEBUG:		return "debug";
	default:		return "info";
	}
}

void
log_msg(int prio, const char *fmt, ...)
{
	char msg[2048], line[2200], ts[32];
	struct tm tm;
	time_t now;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!log_stderr) {
		syslog(prio, "%s", msg);
		return;
	}
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s %s[%ld]: %s%s%s\n", ts,
	    log_ident, log_pid,
	    prio <= LOG_WARNING ? log_level(prio) : "",
	    prio <= LOG_WARNING ? ": " : "", msg);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

char *
log_clean(const char *in, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (len == 0)
		return out;
	for (; in != NULL && *in != '\0'; in++) {
		unsigned char c = (unsigned char)*in;

		if (c > 0x20 && c < 0x7f && c != '"' && c != '\\') {
			if (o + 1 >= len)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= len)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}
