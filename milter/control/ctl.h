/*
 * ctl: the daemon's control socket (a unix socket, for relayctl). It is
 * bound before privileges are dropped and served by its own threads, one
 * short-lived thread per client, so a slow client delays nobody else.
 */
#ifndef RELAYMILTER_CTL_H
#define RELAYMILTER_CTL_H

#include <stddef.h>
#include <stdio.h>

#include "conf.h"

/*
 * ctl_open -- bind and listen on the control socket of c (if any), with
 * control_mode (default 0660) and control_group. A live socket at the
 * path is an error; a stale one is replaced. Returns 0 (also when no
 * control socket is configured), or -1 with a message in err.
 */
int ctl_open(const struct conf *c, char *err, size_t errlen);

/* ctl_start -- start serving the socket opened by ctl_open. Returns 0/-1. */
int ctl_start(void);

/* ctl_close -- stop listening and remove the socket file. */
void ctl_close(void);

/*
 * ctl_handle -- run one command line and write the answer, ending with
 * "ok" or "error: ..." lines, to out. Used by the server threads and the
 * tests. Thread-safe.
 */
void ctl_handle(char *line, FILE *out);

#endif
