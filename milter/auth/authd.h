/*
 * authd: one client connection of the Dovecot-protocol auth service, as
 * Postfix's smtpd (smtpd_sasl_type = dovecot) opens it: a handshake, then
 * any number of AUTH/CONT requests with increasing ids, several of which
 * may be open at once.
 */
#ifndef RELAYMILTER_AUTHD_H
#define RELAYMILTER_AUTHD_H

/*
 * authd_client -- serve the connection fd until the client closes it or
 * breaks the protocol (then it is closed with a log line; the daemon
 * carries on). arg is unused. Runs in the client's own thread.
 */
void authd_client(int fd, void *arg);

#endif
