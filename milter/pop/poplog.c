/*
 * poplog: pure parsers for login lines of Dovecot, Courier and of any
 * server described by a PCRE2 pattern. A line is trusted only as far as
 * its shape: the login process must be the first "tag: " of the line,
 * the success word must follow it directly, and where a user name could
 * smuggle a fake "rip=" or "ip=[" into the line, the last one (written by
 * the server itself) is taken.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <string.h>
#include <strings.h>

#include "poplog.h"

#define POPLOG_IP_MAX	64

/* The first occurrence of needle in [p, p+len), or NULL. */
static const char *
poplog_find(const char *p, size_t len, const char *needle)
{
	return memmem(p, len, needle, strlen(needle));
}

/* The last occurrence of needle in [p, p+len), or NULL. */
static const char *
poplog_find_last(const char *p, size_t len, const char *needle)
{
	const char *hit = NULL, *q;
	size_t n = strlen(needle);

	while ((q = memmem(p, len, needle, n)) != NULL) {
		hit = q;
		len -= (size_t)(q + 1 - p);
		p = q + 1;
	}
	return hit;
}

/* Does [*p, end) start with word? Advances *p past it if so. */
static int
poplog_skip(const char **p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - *p) < n || memcmp(*p, word, n) != 0)
		return 0;
	*p += n;
	return 1;
}

/*
 * The line's first "tag: " (syslog's program name, or Dovecot's log
 * process name): the word before the first ": ", without "[pid]".
 * Returns its length with *tag set, and *rest after the ": "; 0 if none.
 */
static size_t
poplog_tag(const char *line, size_t len, const char **tag, const char **rest)
{
	const char *colon = poplog_find(line, len, ": "), *t, *e;

	if (colon == NULL)
		return 0;
	for (t = colon; t > line && t[-1] != ' '; t--)
		;
	e = colon;
	if (e > t && e[-1] == ']') {
		while (e > t && *e != '[')
			e--;
		if (e == t)
			return 0;
	}
	*tag = t;
	*rest = colon + 2;
	return (size_t)(e - t);
}

static int
poplog_tag_is(const char *tag, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(tag, want, n) == 0;
}

/* Copy [p, p+n) into buf as one printable word; 0, or -1 if too long. */
static int
poplog_copy(char *buf, size_t len, const char *p, size_t n)
{
	size_t i;

	if (n >= len)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		buf[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	buf[n] = '\0';
	return 0;
}

/* Parse the address [p, p+n) into out->addr. Returns 1, or 0. */
static int
poplog_addr(const char *p, size_t n, struct poplog_login *out)
{
	char ip[POPLOG_IP_MAX];

	if (n == 0 || poplog_copy(ip, sizeof(ip), p, n) != 0)
		return 0;
	return netaddr_parse(ip, &out->addr) == 0;
}

/* "pop3-login" or "imap-login" at [p, p+n): the protocol, or 0. */
static int
poplog_dovecot_proto(const char *p, size_t n)
{
	if (poplog_tag_is(p, n, "pop3-login"))
		return CONF_POP_POP3;
	if (poplog_tag_is(p, n, "imap-login"))
		return CONF_POP_IMAP;
	return 0;
}

/* The fields after "Login: ": user=<u>, ..., rip=IP, ... */
static int
poplog_dovecot_fields(const char *p, const char *end,
    struct poplog_login *out)
{
	const char *rip = poplog_find_last(p, (size_t)(end - p), ", rip=");
	const char *v, *ve, *ue;

	if (rip == NULL)
		return 0;
	v = rip + 6;
	ve = memchr(v, ',', (size_t)(end - v));
	if (ve == NULL)
		ve = end;
	if (!poplog_addr(v, (size_t)(ve - v), out))
		return 0;
	out->user[0] = '\0';
	if (poplog_skip(&p, rip, "user=<")) {
		ue = poplog_find_last(p, (size_t)(rip - p), ">");
		if (ue != NULL && poplog_copy(out->user, sizeof(out->user), p,
		    (size_t)(ue - p)) != 0)
			out->user[0] = '\0';
	}
	return 1;
}

int
poplog_parse_dovecot(const char *line, size_t len, struct poplog_login *out)
{
	const char *end = line + len, *tag, *p;
	size_t n = poplog_tag(line, len, &tag, &p);

	if (n == 0)
		return 0;
	if (poplog_tag_is(tag, n, "dovecot")) {
		/* Syslog form: "dovecot: pop3-login: Login: ..." */
		const char *c = memchr(p, ':', (size_t)(end - p));

		if (c == NULL || (size_t)(end - c) < 2 || c[1] != ' ')
			return 0;
		out->protocol = poplog_dovecot_proto(p, (size_t)(c - p));
		p = c + 2;
	} else
		out->protocol = poplog_dovecot_proto(tag, n);
	if (out->protocol == 0)
		return 0;
	(void)poplog_skip(&p, end, "Info: ");
	if (!poplog_skip(&p, end, "Login: "))
		return 0;
	return poplog_dovecot_fields(p, end, out);
}

/* Courier's program names (old and new): the protocol, or 0. */
static int
poplog_courier_proto(const char *tag, size_t n)
{
	static const char *const pop[] = { "pop3d", "pop3d-ssl",
	    "courierpop3login", "pop3login", NULL };
	static const char *const imap[] = { "imapd", "imapd-ssl",
	    "courierimaplogin", "imaplogin", NULL };
	size_t i;

	for (i = 0; pop[i] != NULL; i++)
		if (poplog_tag_is(tag, n, pop[i]))
			return CONF_POP_POP3;
	for (i = 0; imap[i] != NULL; i++)
		if (poplog_tag_is(tag, n, imap[i]))
			return CONF_POP_IMAP;
	return 0;
}

int
poplog_parse_courier(const char *line, size_t len, struct poplog_login *out)
{
	const char *end = line + len, *tag, *p, *ip, *v, *ve;
	size_t n = poplog_tag(line, len, &tag, &p);

	if (n == 0 || (out->protocol = poplog_courier_proto(tag, n)) == 0)
		return 0;
	/* "LOGIN FAILED, ..." does not start with "LOGIN, ". */
	if (!poplog_skip(&p, end, "LOGIN, "))
		return 0;
	ip = poplog_find_last(p, (size_t)(end - p), ", ip=[");
	if (ip == NULL)
		return 0;
	v = ip + 6;
	ve = memchr(v, ']', (size_t)(end - v));
	if (ve == NULL || !poplog_addr(v, (size_t)(ve - v), out))
		return 0;
	out->user[0] = '\0';
	if (poplog_skip(&p, ip, "user=") && poplog_copy(out->user,
	    sizeof(out->user), p, (size_t)(ip - p)) != 0)
		out->user[0] = '\0';
	return 1;
}

/* Copy the named group into buf; 0, or -1 if unset or too long. */
static int
poplog_group(pcre2_match_data *md, const char *name, char *buf, size_t len)
{
	PCRE2_SIZE n = len;

	if (pcre2_substring_copy_byname(md, (PCRE2_SPTR)name,
	    (PCRE2_UCHAR *)buf, &n) != 0)
		return -1;
	return 0;
}

int
poplog_parse_regex(const void *re, const char *line, size_t len,
    struct poplog_login *out)
{
	pcre2_match_data *md;
	char ip[POPLOG_IP_MAX], proto[16];
	int rc = 0;

	md = pcre2_match_data_create_from_pattern(re, NULL);
	if (md == NULL)
		return 0;
	if (pcre2_match(re, (PCRE2_SPTR)line, len, 0, 0, md, NULL) > 0 &&
	    poplog_group(md, "ip", ip, sizeof(ip)) == 0 &&
	    poplog_addr(ip, strlen(ip), out)) {
		if (poplog_group(md, "user", out->user, sizeof(out->user)) != 0)
			out->user[0] = '\0';
		(void)poplog_copy(out->user, sizeof(out->user), out->user,
		    strlen(out->user));
		out->protocol = poplog_group(md, "protocol", proto,
		    sizeof(proto)) == 0 && strcasecmp(proto, "imap") == 0 ?
		    CONF_POP_IMAP : CONF_POP_POP3;
		rc = 1;
	}
	pcre2_match_data_free(md);
	return rc;
}

int
poplog_parse(const struct conf_poplog *pl, int protocols, const char *line,
    size_t len, struct poplog_login *out)
{
	int rc;

	if (len > POPLOG_LINE_MAX)
		return 0;
	switch (pl->fmt) {
	case CONF_POPLOG_DOVECOT:
		rc = poplog_parse_dovecot(line, len, out);
		break;
	case CONF_POPLOG_COURIER:
		rc = poplog_parse_courier(line, len, out);
		break;
	case CONF_POPLOG_REGEX:
		rc = pl->re != NULL && poplog_parse_regex(pl->re, line, len,
		    out);
		break;
	default:
		rc = 0;
	}
	return rc == 1 && (out->protocol & protocols) != 0;
}
