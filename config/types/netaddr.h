/*
 * netaddr: IPv4 and IPv6 addresses (struct netaddr) and networks (struct
 * cidr): parsing, formatting and taking them from socket addresses.
 */
#ifndef RELAYMILTER_NETADDR_H
#define RELAYMILTER_NETADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* An address; IPv4 (and IPv4-mapped IPv6) is always family AF_INET. */
struct netaddr {
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		 a[16];		/* network order; IPv4 uses a[0..3] */
};

/* A parsed network: address with host bits clear, and prefix length. */
struct cidr {
	struct netaddr	 addr;
	unsigned	 len;
};

/*
 * netaddr_parse -- parse an IPv4 or IPv6 address in text form; ::ffff:a.b.c.d
 * is folded to IPv4. Returns 0, or -1 if s is not an address.
 */
int netaddr_parse(const char *s, struct netaddr *out);

/*
 * netaddr_from_sockaddr -- take the address of an AF_INET/AF_INET6 socket
 * address (mapped IPv4 folded). Returns 0, or -1 for other families.
 */
int netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out);

/* netaddr_format -- print a into buf (at least 46 bytes). Returns buf. */
char *netaddr_format(const struct netaddr *a, char *buf, size_t len);

/*
 * netaddr_cidr_parse -- parse "ADDR" or "ADDR/LEN". A mapped IPv6 network
 * (::ffff:0:0/96 and longer) becomes the IPv4 network. Host bits set
 * below the prefix are an error, not a silent widening. Returns 0, or -1
 * with a message in err.
 */
int netaddr_cidr_parse(const char *s, struct cidr *out, char *err,
    size_t errlen);

#endif
