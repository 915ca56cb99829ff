/*
 * netaddr: IPv4 and IPv6 addresses and networks in text and binary form.
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is folded to IPv4
 * everywhere, so one client has one spelling; a network with host bits
 * set below its prefix is refused rather than silently widened.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"

static const uint8_t netaddr_mapped[12] =
    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static void
netaddr_fold(struct netaddr *a)
{
	if (a->family == AF_INET6 &&
	    memcmp(a->a, netaddr_mapped, sizeof(netaddr_mapped)) == 0) {
		memmove(a->a, a->a + 12, 4);
		memset(a->a + 4, 0, 12);
		a->family = AF_INET;
	}
}

int
netaddr_parse(const char *s, struct netaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = AF_INET6;
		netaddr_fold(out);
		return 0;
	}
	return -1;
}

int
netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (sa == NULL)
		return -1;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		out->family = AF_INET;
		memcpy(out->a, &sin->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		out->family = AF_INET6;
		memcpy(out->a, &sin6->sin6_addr, 16);
		netaddr_fold(out);
		return 0;
	}
	return -1;
}

char *
netaddr_format(const struct netaddr *a, char *buf, size_t len)
{
	if (inet_ntop(a->family, a->a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

static int
netaddr_host_bits_set(const struct netaddr *a, unsigned len)
{
	unsigned bytes = a->family == AF_INET ? 4 : 16;
	unsigned i;

	for (i = 0; i < bytes; i++) {
		unsigned bit0 = i * 8;
		uint8_t mask;

		if (bit0 + 8 <= len)
			continue;
		mask = bit0 >= len ? 0xff : (uint8_t)(0xff >> (len - bit0));
		if (a->a[i] & mask)
			return 1;
	}
	return 0;
}

int
netaddr_cidr_parse(const char *s, struct cidr *out, char *err,
    size_t errlen)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned max, len;
	int mapped;

	if (alen == 0 || alen >= sizeof(buf)) {
		snprintf(err, errlen, "invalid network address \"%s\"", s);
		return -1;
	}
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr.a) == 1)
		out->addr.family = AF_INET;
	else if (inet_pton(AF_INET6, buf, out->addr.a) == 1)
		out->addr.family = AF_INET6;
	else {
		snprintf(err, errlen, "invalid network address \"%s\"", s);
		return -1;
	}
	max = out->addr.family == AF_INET ? 32 : 128;
	len = max;
	if (slash != NULL) {
		const char *p = slash + 1;
		unsigned v = 0;

		if (*p == '\0' || strlen(p) > 3)
			goto badlen;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				goto badlen;
			v = v * 10 + (unsigned)(*p - '0');
		}
		if (v > max)
			goto badlen;
		len = v;
	}
	mapped = out->addr.family == AF_INET6 &&
	    memcmp(out->addr.a, netaddr_mapped, sizeof(netaddr_mapped)) == 0;
	if (mapped && len < 96) {
		snprintf(err, errlen, "\"%s\": an IPv4-mapped network needs a "
		    "prefix of at least 96", s);
		return -1;
	}
	if (netaddr_host_bits_set(&out->addr, len)) {
		snprintf(err, errlen, "\"%s\" has host bits set beyond /%u",
		    s, len);
		return -1;
	}
	if (mapped) {
		netaddr_fold(&out->addr);
		len -= 96;
	}
	out->len = len;
	return 0;
badlen:
	snprintf(err, errlen, "invalid prefix length in \"%s\"", s);
	return -1;
}
