/*
 * poplog: pure parsers for login lines of Dovecot, Courier and of any
 * server described by a PCRE2 pattern. A line is trusted only as far as
 * its shape: the program tag is read where syslog writes it (after the
 * time stamp and the host; for Dovecot's own log_path, the process right
 * after the time stamp), never at the first ": " of the line, which a
 * user name in Dovecot's "pop3(user)" prefix could supply; the success
 * word must follow the login process directly, and where a user name
 * could smuggle a fake "rip=" or "ip=[" into the line, the last one
 * (written by the server itself) is taken.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <string.h>
#include <strings.h>

#include "poplog.h"

#define POPLOG_IP_MAX	64

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

/* Are [p, p+n) n ASCII digits (and inside [p, end))? */
static int
poplog_digits(const char *p, const char *end, size_t n)
{
	if ((size_t)(end - p) < n)
		return 0;
	for (; n > 0; n--, p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/* "hh:mm:ss" and an optional ".fraction" at p: its length, or 0. */
static size_t
poplog_clock(const char *p, const char *end)
{
	const char *q = p + 8;

	if (end - p < 8 || !poplog_digits(p, end, 2) || p[2] != ':' ||
	    !poplog_digits(p + 3, end, 2) || p[5] != ':' ||
	    !poplog_digits(p + 6, end, 2))
		return 0;
	if (q < end && *q == '.' && poplog_digits(q + 1, end, 1))
		for (q++; q < end && *q >= '0' && *q <= '9'; q++)
			;
	return (size_t)(q - p);
}

/*
 * The time stamp that opens a log line, with the one space after it:
 * syslog's "Nov 28 11:05:01" (the day zero- or space-padded, as
 * Dovecot's log_timestamp "%b %d %H:%M:%S" or syslog writes it), or
 * ISO 8601 "2026-11-28T11:05:01.123456+00:00" (rsyslog, journalctl;
 * "Z", "+0000" or no zone; a space for the "T": Dovecot's
 * "%Y-%m-%d %H:%M:%S"). Returns the length, space included, or 0: a
 * line without one is not a log line of a server.
 */
static size_t
poplog_stamp(const char *line, const char *end)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p = line;
	size_t i, n;

	if (end - p >= 7 && p[3] == ' ') {
		for (i = 0; i < 36; i += 3)
			if (memcmp(p, months + i, 3) == 0)
				break;
		if (i == 36 || !(poplog_digits(p + 4, end, 2) ||
		    (p[4] == ' ' && poplog_digits(p + 5, end, 1))) ||
		    p[6] != ' ')
			return 0;
		p += 7;
	} else if (poplog_digits(p, end, 4) && end - p >= 11 &&
	    p[4] == '-' && poplog_digits(p + 5, end, 2) && p[7] == '-' &&
	    poplog_digits(p + 8, end, 2) && (p[10] == 'T' || p[10] == ' '))
		p += 11;
	else
		return 0;
	if ((n = poplog_clock(p, end)) == 0)
		return 0;
	p += n;
	if (p < end && *p == 'Z')
		p++;
	else if (p < end && (*p == '+' || *p == '-') &&
	    poplog_digits(p + 1, end, 2)) {
		if (end - p >= 6 && p[3] == ':' && poplog_digits(p + 4, end, 2))
			p += 6;
		else if (poplog_digits(p + 3, end, 2))
			p += 5;
		else
			return 0;
	}
	if (p >= end || *p != ' ')
		return 0;
	return (size_t)(p + 1 - line);
}

/* A character of a program or Dovecot process name ("postfix/smtpd"). */
static int
poplog_namechar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '/';
}

/*
 * The "tag: " at *p exactly: a name, an optional "[pid]", then ": ".
 * Returns the name's length with *tag set and *p moved past the ": ";
 * 0 (and *p unchanged) if *p does not start with one. A user's process
 * in Dovecot's log ("pop3(user)<pid><session>:") is never a tag.
 */
static size_t
poplog_tag_at(const char **p, const char *end, const char **tag)
{
	const char *q = *p;
	size_t n;

	while (q < end && poplog_namechar(*q))
		q++;
	n = (size_t)(q - *p);
	if (n == 0)
		return 0;
	if (q < end && *q == '[') {
		if (!poplog_digits(++q, end, 1))
			return 0;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
		if (q >= end || *q++ != ']')
			return 0;
	}
	if (end - q < 2 || q[0] != ':' || q[1] != ' ')
		return 0;
	*tag = *p;
	*p = q + 2;
	return n;
}

/*
 * Skip the host syslog writes after the time stamp: a host name or
 * address and one space. Returns 1 with *p past it, or 0 if *p does not
 * hold one (a name ending in ':' would be a tag, not a host).
 */
static int
poplog_host(const char **p, const char *end)
{
	const char *q = *p;

	while (q < end && (poplog_namechar(*q) || *q == ':'))
		q++;
	if (q == *p || q >= end || *q != ' ' || q[-1] == ':' ||
	    memchr(*p, '/', (size_t)(q - *p)) != NULL)
		return 0;
	*p = q + 1;
	return 1;
}

/*
 * The program tag of a syslog line: after the time stamp and the host.
 * Returns its length with *tag set and *rest after its ": ", or 0.
 */
static size_t
poplog_syslog_tag(const char *line, size_t len, const char **tag,
    const char **rest)
{
	const char *end = line + len, *p = line + poplog_stamp(line, end);

	if (p == line || !poplog_host(&p, end))
		return 0;
	*rest = p;
	return poplog_tag_at(rest, end, tag);
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
	const char *end = line + len, *tag = NULL;
	const char *p = line + poplog_stamp(line, end);
	size_t n;

	if (p == line)
		return 0;
	/* log_path form: Dovecot's process right after its time stamp. */
	n = poplog_tag_at(&p, end, &tag);
	out->protocol = poplog_dovecot_proto(tag, n);
	if (out->protocol == 0) {
		/* Syslog form: "host dovecot[pid]: pop3-login: Login: ..." */
		n = poplog_syslog_tag(line, len, &tag, &p);
		if (!poplog_tag_is(tag, n, "dovecot"))
			return 0;
		n = poplog_tag_at(&p, end, &tag);
		out->protocol = poplog_dovecot_proto(tag, n);
		if (out->protocol == 0)
			return 0;
	}
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
	const char *end = line + len, *tag = NULL, *p, *ip, *v, *ve;
	size_t n = poplog_syslog_tag(line, len, &tag, &p);

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
