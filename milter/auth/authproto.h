/*
 * authproto: the Dovecot authentication protocol (client side version
 * 1.x) as Postfix's smtpd speaks it: parsing of the lines a client sends
 * and the server's handshake. Pure functions, so the parser can be unit
 * tested and fuzzed without sockets.
 */
#ifndef RELAYMILTER_AUTHPROTO_H
#define RELAYMILTER_AUTHPROTO_H

#include <stddef.h>
#include <stdio.h>

#define AUTHPROTO_LINE_MAX	8192	/* longer lines close the connection */

enum authproto_cmd {
	AUTHPROTO_VERSION,
	AUTHPROTO_CPID,
	AUTHPROTO_AUTH,
	AUTHPROTO_CONT
};

struct authproto_req {
	enum authproto_cmd cmd;
	unsigned	 major, minor;	/* VERSION */
	unsigned long	 id;		/* AUTH, CONT (> 0) */
	const char	*mech;		/* AUTH */
	const char	*service;	/* AUTH service=, or NULL */
	const char	*rip;		/* AUTH rip=, or NULL */
	const char	*resp;		/* AUTH resp= (NULL: none), CONT data */
};

/*
 * authproto_parse -- parse one line (modified in place: fields point into
 * it; a trailing LF is removed). Returns 0, or -1 with a reason in err for
 * anything malformed: unknown command, missing or bad fields, a zero or
 * non-numeric id, base64 that does not decode, an empty mechanism.
 * Unknown AUTH parameters are ignored, as the protocol allows.
 */
int authproto_parse(char *line, struct authproto_req *out, char *err,
    size_t errlen);

/*
 * authproto_handshake -- write the server's greeting to f: VERSION, one
 * MECH line per mechanism with the flags saslmech's table gives it
 * (before SPID: Postfix needs that order), SPID, CUID, COOKIE (128 bits
 * from getrandom(2), 32 hex digits, new for each handshake) and DONE.
 * mechs holds n upper-case names. Returns 0, or -1 (nothing written)
 * when the kernel gives no random bytes.
 */
int authproto_handshake(FILE *f, char *const *mechs, size_t n,
    unsigned long cuid);

#endif
