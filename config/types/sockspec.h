/*
 * sockspec: the grammar of a socket as the config and relayctl name it:
 * "unix:/path" or "local:/path" (libmilter's two names for a unix
 * socket), "inet:PORT@HOST", "inet6:PORT@HOST", and, where the caller
 * takes it, a bare "/path". The loader, the listeners, the milter glue
 * and relayctl all read sockets with it, so a socket that loads is one
 * that opens, and each caller says which forms it takes.
 */
#ifndef RELAYMILTER_SOCKSPEC_H
#define RELAYMILTER_SOCKSPEC_H

#include <stddef.h>

enum sockspec_family {
	SOCKSPEC_UNIX,
	SOCKSPEC_INET,
	SOCKSPEC_INET6
};

/* The forms a caller takes (bits of sockspec_parse's accept). */
#define SOCKSPEC_ACCEPT_UNIX	1	/* unix:/path, local:/path */
#define SOCKSPEC_ACCEPT_INET	2	/* inet:PORT@HOST, inet6:PORT@HOST */
#define SOCKSPEC_ACCEPT_BARE	4	/* /path */

/* A unix path is shorter: sun_path holds 108 bytes on Linux, less elsewhere. */
#define SOCKSPEC_PATH_MAX	100
#define SOCKSPEC_HOST_MAX	256

struct sockspec {
	enum sockspec_family family;
	char		 path[SOCKSPEC_PATH_MAX];	/* UNIX: absolute */
	unsigned	 port;		/* INET, INET6: 1 to 65535 */
	char		 host[SOCKSPEC_HOST_MAX];	/* INET, INET6 */
};

/*
 * sockspec_parse -- read spec into out, taking only the forms in accept
 * (SOCKSPEC_ACCEPT_* bits). A unix path is absolute and shorter than
 * SOCKSPEC_PATH_MAX characters; a port is 1 to 65535 in decimal digits;
 * a host is not empty, holds no '@', blank or control character, and
 * may be an IPv6 address in brackets for inet6 (out->host drops them).
 * Returns 0, or -1 with a message naming spec and the accepted forms in
 * err. Pure.
 */
int sockspec_parse(const char *spec, unsigned accept, struct sockspec *out,
    char *err, size_t errlen);

/*
 * sockspec_format -- s as libmilter reads it ("unix:/path",
 * "inet:PORT@HOST", "inet6:PORT@HOST", without brackets), into buf (len
 * bytes). Returns buf, or NULL if it does not fit. Pure.
 */
char *sockspec_format(const struct sockspec *s, char *buf, size_t len);

/*
 * sockspec_local -- 1 if only this host can reach s: a unix socket, or
 * an inet or inet6 socket on a loopback address (127.0.0.0/8, ::1,
 * ::ffff:127.0.0.0/104) or on the name "localhost" (any case); else 0.
 * No name is resolved, so any other name counts as reachable from other
 * hosts (the safe side for a caller that refuses those). Pure.
 */
int sockspec_local(const struct sockspec *s);

#endif
