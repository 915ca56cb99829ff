/*
 * addr: parsing of SMTP envelope addresses and normalisation of domains.
 * The parser is deliberately suspicious: anything it cannot read as a
 * plain local@domain is reported as routed or invalid, and the policy
 * treats both as non-local, so a mistake here can refuse mail but never
 * open a relay.
 */
#include "config.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicase.h>
#include <uninorm.h>

#include "addr.h"

const char *
addr_kind_name(enum addr_kind kind)
{
	switch (kind) {
	case ADDR_PLAIN:	return "plain";
	case ADDR_NULL:		return "null";
	case ADDR_POSTMASTER:	return "postmaster";
	case ADDR_NODOMAIN:	return "nodomain";
	case ADDR_ROUTED:	return "routed";
	case ADDR_INVALID:	return "invalid";
	}
	return "?";
}

static int
addr_literal_normalize(const char *in, size_t len, char *out, size_t outlen)
{
	char buf[INET6_ADDRSTRLEN + 8], txt[INET6_ADDRSTRLEN];
	unsigned char bin[16];
	size_t n;

	if (len < 3 || in[len - 1] != ']' || len - 2 >= sizeof(buf))
		return -1;
	n = len - 2;
	memcpy(buf, in + 1, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, bin) == 1) {
		inet_ntop(AF_INET, bin, txt, sizeof(txt));
		return snprintf(out, outlen, "[%s]", txt) < (int)outlen ? 0 : -1;
	}
	if (n > 5 && strncasecmp(buf, "ipv6:", 5) == 0 &&
	    inet_pton(AF_INET6, buf + 5, bin) == 1) {
		inet_ntop(AF_INET6, bin, txt, sizeof(txt));
		return snprintf(out, outlen, "[ipv6:%s]", txt) < (int)outlen ?
		    0 : -1;
	}
	return -1;
}

/* Label syntax check on the final ASCII form. */
static int
addr_labels_ok(const char *d)
{
	size_t label = 0;

	if (*d == '\0')
		return 0;
	for (; *d; d++) {
		unsigned char c = (unsigned char)*d;

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;
}

/* The length of the label at p (up to '.' or the end), and if all ASCII. */
static size_t
addr_label(const char *p, size_t len, int *ascii)
{
	size_t n;

	*ascii = 1;
	for (n = 0; n < len && p[n] != '.'; n++)
		if ((unsigned char)p[n] >= 0x80)
			*ascii = 0;
	return n;
}

/*
 * Whether IDNA's UTS-46 mapping of the name in (NUL-terminated) to its
 * A-label form ascii did more than case folding, canonical composition
 * and A-label/U-label conversion. UTS-46 also folds fullwidth letters
 * and dots, the ideographic full stop, circled letters, and drops soft
 * hyphens and zero-width characters, so example.com in fullwidth
 * letters would otherwise compare equal to example.com while the MTA may
 * route it elsewhere. Each label of in, lower-cased and composed (NFC),
 * must equal the same label of ascii: as written for an ASCII label, as
 * its U-label otherwise. Returns 1 for such a look-alike (or when the
 * check cannot be made), 0 for an honest spelling.
 */
static int
addr_idn_lookalike(const char *in, const char *ascii)
{
	uint8_t lbuf[ADDR_DOMAIN_MAX * 4];
	size_t llen = sizeof(lbuf), ln, an, un;
	uint8_t *low;
	char *uni = NULL;
	const char *l, *a, *u, *lend;
	int lascii, other, rc = 1;

	low = u8_tolower((const uint8_t *)in, strlen(in), NULL, UNINORM_NFC,
	    lbuf, &llen);
	if (low == NULL || idn2_to_unicode_8z8z(ascii, &uni, 0) != IDN2_OK)
		goto out;
	l = (const char *)low;
	lend = l + llen;
	a = ascii;
	u = uni;
	for (;;) {
		ln = addr_label(l, (size_t)(lend - l), &lascii);
		an = addr_label(a, strlen(a), &other);
		un = addr_label(u, strlen(u), &other);
		if (lascii ? ln != an || memcmp(l, a, ln) != 0 :
		    ln != un || memcmp(l, u, ln) != 0)
			goto out;
		l += ln;
		a += an;
		u += un;
		if (l == lend || *a == '\0' || *u == '\0')
			break;
		l++;
		a++;
		u++;
	}
	rc = l != lend || *a != '\0' || *u != '\0';
out:
	if (low != lbuf)
		free(low);
	idn2_free(uni);
	return rc;
}

/*
 * The common case of addr_domain_normalize, on every recipient: an ASCII
 * name that fits, lower-cased straight into out while its labels are
 * checked, in one pass. Returns 0 or -1 as addr_domain_normalize would,
 * or 1 at the first non-ASCII byte (out then holds garbage; the general
 * path starts again).
 */
static int
addr_domain_ascii(const char *in, size_t len, char *out)
{
	size_t i, label = 0;
	int bad = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 0x80)
			return 1;
		if (c >= 'A' && c <= 'Z')
			c += 32;
		out[i] = (char)c;
		if (c == '.') {
			bad |= label == 0;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			bad |= ++label > 63;
		else
			bad = 1;	/* NUL, space, other punctuation */
	}
	out[len] = '\0';
	return bad || label == 0 ? -1 : 0;
}

int
addr_domain_normalize(const char *in, size_t len, char *out, size_t outlen)
{
	char buf[ADDR_DOMAIN_MAX * 4];
	int nonascii = 0, rc;
	size_t i;

	if (len > 0 && in[0] == '[')
		return addr_literal_normalize(in, len, out, outlen);
	/* One trailing dot is the root; two mean an empty label. */
	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len > 0 && len <= 253 && len < outlen &&
	    (rc = addr_domain_ascii(in, len, out)) <= 0)
		return rc;
	if (len == 0 || len >= sizeof(buf))
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\0')
			return -1;
		if (c >= 0x80)
			nonascii = 1;
		buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
	}
	buf[len] = '\0';
	if (nonascii) {
		char *ascii = NULL;

		rc = idn2_to_ascii_8z(buf, &ascii,
		    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK)
			return -1;
		if (addr_idn_lookalike(buf, ascii)) {
			idn2_free(ascii);
			return -1;
		}
		if (strlen(ascii) >= outlen) {
			idn2_free(ascii);
			return -1;
		}
		strcpy(out, ascii);
		idn2_free(ascii);
		/* The converter lower-cases, but be sure for the ASCII part. */
		for (i = 0; out[i]; i++)
			if (out[i] >= 'A' && out[i] <= 'Z')
				out[i] = (char)(out[i] + 32);
	} else {
		if (len >= outlen)
			return -1;
		memcpy(out, buf, len + 1);
	}
	if (strlen(out) > 253 || !addr_labels_ok(out))
		return -1;
	return 0;
}

/* Characters allowed in an unquoted local part (RFC 5322 atext and '.'). */
static int
addr_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80)
		return 1;
	return strchr(".#$&'*+-/=?^_`{|}~", c) != NULL && c != '\0';
}

/*
 * Scan a quoted local part starting at the opening quote. Returns the
 * index just past the closing quote, or 0 if it never closes. Sets
 * *routing when the quoted text holds @, % or ! (escaped or not).
 */
static size_t
addr_scan_quoted(const char *s, size_t len, int *routing)
{
	size_t i;

	for (i = 1; i < len; i++) {
		char c = s[i];

		if (c == '\\') {
			if (++i >= len)
				return 0;
			c = s[i];
		} else if (c == '"')
			return i + 1;
		if (c == '@' || c == '%' || c == '!')
			*routing = 1;
	}
	return 0;
}

static void
addr_set_local(struct addr *out, const char *s, size_t len)
{
	size_t i;

	if (len >= ADDR_LOCAL_MAX) {
		out->local_toolong = 1;
		return;
	}
	for (i = 0; i < len; i++) {
		char c = s[i];

		out->local[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	out->local[len] = '\0';
}

/* Classify the text between the angle brackets. */
static enum addr_kind
addr_classify(const char *s, size_t len, struct addr *out)
{
	size_t at, i;
	int routing = 0;
	const char *dom;
	size_t dlen;

	if (len == 0)
		return ADDR_NULL;
	if (s[0] == '@')
		return ADDR_ROUTED;
	if (s[0] == '"') {
		at = addr_scan_quoted(s, len, &routing);
		if (at == 0)
			return ADDR_INVALID;
		if (routing)
			return ADDR_ROUTED;
		if (at == len)
			return ADDR_NODOMAIN;
		if (s[at] != '@')
			return ADDR_INVALID;
	} else {
		for (at = 0; at < len && s[at] != '@'; at++) {
			unsigned char c = (unsigned char)s[at];

			if (c == '%' || c == '!')
				routing = 1;
			else if (!addr_atext(c))
				return ADDR_INVALID;
		}
		if (routing)
			return ADDR_ROUTED;
		if (at == 0)
			return ADDR_INVALID;
		if (at == len) {
			if (len == 10 && strncasecmp(s, "postmaster", 10) == 0)
				return ADDR_POSTMASTER;
			return ADDR_NODOMAIN;
		}
	}
	dom = s + at + 1;
	dlen = len - at - 1;
	if (addr_domain_normalize(dom, dlen, out->domain,
	    sizeof(out->domain)) != 0) {
		/* No valid domain holds @, % or !, so the scan that tells
		 * routing from garbage waits for a domain that failed. */
		for (i = 0; i < dlen; i++)
			if (dom[i] == '@' || dom[i] == '%' || dom[i] == '!')
				return ADDR_ROUTED;
		return ADDR_INVALID;
	}
	out->literal = dom[0] == '[';
	addr_set_local(out, s, at);
	return ADDR_PLAIN;
}

void
addr_parse(const char *s, struct addr *out)
{
	size_t len;

	out->literal = 0;
	out->local_toolong = 0;
	out->domain[0] = '\0';
	out->local[0] = '\0';
	if (s == NULL) {
		out->kind = ADDR_INVALID;
		return;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len > 0 && s[0] == '<') {
		if (len < 2 || s[len - 1] != '>') {
			out->kind = ADDR_INVALID;
			return;
		}
		s++;
		len -= 2;
	}
	out->kind = addr_classify(s, len, out);
	if (out->kind != ADDR_PLAIN)
		out->domain[0] = '\0';
}
