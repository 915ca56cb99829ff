/*
 * log: the one logger. Lines go to syslog (facility mail) when the daemon
 * runs in the background, and to stderr with a timestamp in the
 * foreground (-f, systemd), so that nothing is lost without a syslog
 * daemon and nothing is written twice.
 */
#ifndef RELAYMILTER_LOG_H
#define RELAYMILTER_LOG_H

#include <stddef.h>
#include <syslog.h>

/*
 * log_init -- start logging as ident: to stderr if to_stderr, else to
 * syslog. log_to_syslog may switch later. Call before threads start.
 */
void log_init(const char *ident, int to_stderr);

/* log_to_syslog -- from now on log to syslog (after daemonizing). */
void log_to_syslog(void);

/* log_msg -- log one line at priority prio (LOG_INFO, ...). Thread-safe. */
void log_msg(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * log_clean -- copy the untrusted string in into out (len bytes), with
 * control characters, spaces and quotes escaped as \xHH, so that a value
 * from the network can never forge or split a log line. Returns out.
 */
char *log_clean(const char *in, char *out, size_t len);

#endif
