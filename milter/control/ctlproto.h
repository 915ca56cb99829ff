/*
 * ctlproto: the control socket's line protocol, shared by the daemon and
 * relayctl. A client sends one command line; the daemon answers with
 * zero or more lines of output and a last line "ok" or "error: <why>".
 * The grammar of the commands is here, once: ctlproto_parse turns a line
 * into a request with its arguments checked, for the daemon (ctl.c) and,
 * before it connects, for relayctl.
 */
#ifndef RELAYMILTER_CTLPROTO_H
#define RELAYMILTER_CTLPROTO_H

#include <stddef.h>

#include "netset.h"

#define CTL_LINE_MAX	512	/* a command line, newline included */
#define CTL_ARGS_MAX	8

enum ctlproto_cmd {
	CTLPROTO_RELOAD,	/* reload */
	CTLPROTO_STATS,		/* stats [--prometheus] */
	CTLPROTO_STATUS,	/* status */
	CTLPROTO_POP_ADD,	/* pop add IP [USER] */
	CTLPROTO_POP_DEL,	/* pop del IP */
	CTLPROTO_POP_LIST,	/* pop list */
	CTLPROTO_SUSPEND,	/* suspend USER */
	CTLPROTO_UNSUSPEND,	/* unsuspend USER */
	CTLPROTO_ACCOUNTS	/* accounts */
};

/* Why a line was refused: relayctl exits differently for each. */
enum ctlproto_fault {
	CTLPROTO_FAULT_NONE,
	CTLPROTO_FAULT_MALFORMED,	/* control bytes, no word, too many */
	CTLPROTO_FAULT_USAGE,		/* unknown command, wrong word count */
	CTLPROTO_FAULT_ARG		/* an argument of the wrong form */
};

/* One parsed command line; the strings point into the line. */
struct ctlproto_request {
	enum ctlproto_cmd	 cmd;
	int			 prometheus;	/* stats --prometheus */
	const char		*ip;		/* pop add/del: as written */
	struct netaddr		 addr;		/* ... and parsed */
	const char		*user;		/* pop add, (un)suspend */
	enum ctlproto_fault	 fault;		/* why ctlproto_parse failed */
};

/*
 * ctlproto_parse -- split line (modified in place, as ctlproto_split)
 * and check it against the grammar: the command, the number of words,
 * and each argument (an IP address, a user name of printable bytes
 * without quotes or backslashes, shorter than the POP login store
 * keeps). Fills *req, whose strings point into line. Returns 0, or -1
 * with req->fault set and the daemon's answer (without "error: ") in
 * err. Pure.
 */
int ctlproto_parse(char *line, struct ctlproto_request *req, char *err,
    size_t errlen);

/*
 * ctlproto_command -- the i-th command of the grammar, from 0, for help
 * texts: its form ("pop add IP [USER]") in buf (len bytes). Returns a
 * one-line description of it, or NULL past the last command. Pure.
 */
const char *ctlproto_command(size_t i, char *buf, size_t len);

/*
 * ctlproto_split -- split the command line (modified in place) into at
 * most CTL_ARGS_MAX words separated by single spaces or tabs; a trailing
 * CR/LF is removed. Returns the number of words, or -1 if the line holds
 * control characters, is empty, or has too many words. Pure.
 */
int ctlproto_split(char *line, char **argv);

#endif
