/*
 * socketmap: the Sendmail socket map door (sendmail_socketmap in
 * relaymilter.conf). Sendmail asks the map "relaymilter" from
 * Local_check_rcpt (contrib/sendmail/relaymilter-socketmap.m4) with a key
 * that carries every input of the decision; each request is decided,
 * counted and logged by verdict_decide as the milter does it, and
 * answered with a value the m4 turns into relaying granted, Sendmail's
 * own checks, or a refusal with relaymilter's reason.
 */
#ifndef RELAYMILTER_SOCKETMAP_H
#define RELAYMILTER_SOCKETMAP_H

#include <stddef.h>

#include "conf.h"

/*
 * socketmap_open -- bind the socket of c->sendmail_socketmap, if set
 * (a unix socket gets socket_mode and socket_group). Call before threads
 * start and before privileges are dropped. Returns 0, or -1 with a
 * message in err.
 */
int socketmap_open(const struct conf *c, char *err, size_t errlen);

/*
 * socketmap_start -- serve the socket socketmap_open bound, each Sendmail
 * connection in a thread of its own (a connection carries the requests
 * of one Sendmail process, one after the other). Returns 0, or -1 if no
 * thread starts.
 */
int socketmap_start(void);

/* socketmap_close -- remove the unix socket file, if there is one. */
void socketmap_close(void);

/*
 * socketmap_client -- serve one connection on fd until the peer closes
 * it, stays idle for an hour, takes more than 10 s to finish a request
 * or to take a reply, or sends a byte that is not a netstring (logged,
 * and only this connection is closed). arg is unused. Closes nothing.
 */
void socketmap_client(int fd, void *arg);

#endif
