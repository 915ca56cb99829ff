/*
 * log: the one logger. Lines go to syslog (facility mail) and, in the
 * foreground, also to stderr with a timestamp, so that a test or an
 * administrator without a syslog daemon still sees every decision.
 */
#ifndef RELAYMILTER_LOG_H
#define RELAYMILTER_LOG_H

#include <stddef.h>
#include <syslog.h>

/*
 * log_init -- start logging as ident; to_stderr also copies every line
 * to stderr. Call once before threads start.
 */
void log_init(const char *ident, int to_stderr);

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
