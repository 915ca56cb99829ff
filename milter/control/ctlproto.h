/*
 * ctlproto: the control socket's line protocol, shared by the daemon and
 * relayctl. A client sends one command line; the daemon answers with
 * zero or more lines of output and a last line "ok" or "error: <why>".
 */
#ifndef RELAYMILTER_CTLPROTO_H
#define RELAYMILTER_CTLPROTO_H

#include <stddef.h>

#define CTL_LINE_MAX	512	/* a command line, newline included */
#define CTL_ARGS_MAX	8

/*
 * ctlproto_split -- split the command line (modified in place) into at
 * most CTL_ARGS_MAX words separated by single spaces or tabs; a trailing
 * CR/LF is removed. Returns the number of words, or -1 if the line holds
 * control characters, is empty, or has too many words. Pure.
 */
int ctlproto_split(char *line, char **argv);

#endif
