/*
 * fuzz_poplog: the POP-before-SMTP log-line parsers on arbitrary lines
 * (any bytes, NULs included, up to POPLOG_LINE_MAX + 16), each in an
 * exact-size heap block without a terminator, so ASan sees any read past
 * len. Each line goes through poplog_parse_dovecot, poplog_parse_courier
 * and poplog_parse for the three pop.logs entries of a fixed config
 * (dovecot, courier, and regex with the relaymilter.conf(5) example
 * pattern), under the protocol masks pop3, imap and both. Checked:
 *  - dovecot: a line without "Login: " (or without ", rip=") never
 *    yields a login; a login is yielded exactly when an independent
 *    reading of the line finds the shape relaymilter.conf(5) and poplog.h
 *    give (a time stamp, then the tag pop3-login / imap-login, or a host
 *    and the tag dovecot followed by one of them; a tag is a name of
 *    [A-Za-z0-9._/-], an optional [pid] and ": "; then an optional
 *    "Info: " and "Login: " directly; the last ", rip=" after it holds a
 *    valid address), with that address and protocol;
 *  - courier likewise (time stamp, host, a pop3d / imapd tag, "LOGIN, "
 *    right after it, the last ", ip=[...]"); a line without "LOGIN, "
 *    never yields a login;
 *  - every login has a printable, terminated user name of bounded size
 *    and a protocol of the mask; poplog_parse agrees with the direct
 *    parsers, and lines over POPLOG_LINE_MAX are never logins.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf.h"
#include "netset.h"
#include "poplog.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_poplog: invariant failed: %s "	\
		    "(line %d)\n", #cond, __LINE__);			\
		abort();						\
	}								\
} while (0)

static const char conf_text[] =
    "pop = {\n"
    "  protocols = [ \"pop3\", \"imap\" ];\n"
    "  logs = (\n"
    "    { path = \"/var/log/mail.log\"; format = \"dovecot\"; },\n"
    "    { path = \"/var/log/mail.log\"; format = \"courier\"; },\n"
    "    { path = \"/var/log/pop.log\"; format = \"regex\";\n"
    "      pattern = \"popd\\\\[\\\\d+\\\\]: login ok user=(?<user>\\\\S+) "
    "from (?<ip>\\\\S+)( (?<protocol>imap))?$\"; }\n"
    "  );\n"
    "};\n";

static struct conf *conf;

static int
has(const char *p, size_t len, const char *needle)
{
	return memmem(p, len, needle, strlen(needle)) != NULL;
}

static int
starts(const char *p, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && memcmp(p, word, n) == 0;
}

static int
is_word(const char *p, size_t n, const char *w)
{
	return n == strlen(w) && memcmp(p, w, n) == 0;
}

/*
 * Does l (len bytes) match template t at i? In t, '9' is a digit, '_'
 * a digit or a space, 'M' the start of a month name (three letters),
 * anything else itself. Returns the index after it, or 0.
 */
static size_t
ref_template(const char *l, size_t len, size_t i, const char *t)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	size_t m;

	for (; *t; t++) {
		if (*t == 'M') {
			for (m = 0; m < 12; m++)
				if (i + 3 <= len && memcmp(l + i, months[m], 3) == 0)
					break;
			if (m == 12)
				return 0;
			i += 3;
			continue;
		}
		if (i >= len)
			return 0;
		if (*t == '9' ? !(l[i] >= '0' && l[i] <= '9') :
		    *t == '_' ? !(l[i] == ' ' || (l[i] >= '0' && l[i] <= '9')) :
		    l[i] != *t)
			return 0;
		i++;
	}
	return i;
}

/* The index after the line's time stamp and its space, or 0. */
static size_t
ref_stamp(const char *l, size_t len)
{
	size_t i;

	i = ref_template(l, len, 0, "M _9 99:99:99");
	if (i == 0)
		i = ref_template(l, len, 0, "9999-99-99T99:99:99");
	if (i == 0)
		i = ref_template(l, len, 0, "9999-99-99 99:99:99");
	if (i == 0)
		return 0;
	if (i + 1 < len && l[i] == '.' && l[i + 1] >= '0' && l[i + 1] <= '9')
		for (i++; i < len && l[i] >= '0' && l[i] <= '9'; i++)
			;
	if (i < len && l[i] == 'Z')
		i++;
	else if (ref_template(l, len, i, "+99:99") ||
	    ref_template(l, len, i, "-99:99"))
		i += 6;
	else if (ref_template(l, len, i, "+9999") ||
	    ref_template(l, len, i, "-9999"))
		i += 5;
	else if (i < len && (l[i] == '+' || l[i] == '-'))
		return 0;
	return i < len && l[i] == ' ' ? i + 1 : 0;
}

static int
ref_namechar(char c)
{
	return c != '\0' && strchr("abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-", c) != NULL;
}

/*
 * A "name[pid]: " tag at exactly i: [*t, *te) is the name, *rest the
 * index after ": ". 0 if there is none.
 */
static int
ref_tag_at(const char *l, size_t len, size_t i, size_t *t, size_t *te,
    size_t *rest)
{
	size_t j = i, d;

	while (j < len && ref_namechar(l[j]))
		j++;
	if (j == i)
		return 0;
	*t = i;
	*te = j;
	if (j < len && l[j] == '[') {
		for (d = j + 1; d < len && l[d] >= '0' && l[d] <= '9'; d++)
			;
		if (d == j + 1 || d >= len || l[d] != ']')
			return 0;
		j = d + 1;
	}
	if (j + 1 >= len || l[j] != ':' || l[j + 1] != ' ')
		return 0;
	*rest = j + 2;
	return 1;
}

/* The index after the host and its space at i (syslog form), or 0. */
static size_t
ref_host(const char *l, size_t len, size_t i)
{
	size_t j = i;

	while (j < len && (ref_namechar(l[j]) || l[j] == ':') && l[j] != '/')
		j++;
	if (j == i || j >= len || l[j] != ' ' || l[j - 1] == ':')
		return 0;
	return j + 1;
}

/* The last occurrence of needle in [from, len), as an index, or -1. */
static long
ref_last(const char *l, size_t from, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;
	long hit = -1;

	for (i = from; i + n <= len; i++)
		if (memcmp(l + i, needle, n) == 0)
			hit = (long)i;
	return hit;
}

/* Parse [p, p+n) as the parsers do (control bytes read as '?'). */
static int
ref_addr(const char *p, size_t n, struct netaddr *a)
{
	char ip[64];
	size_t i;

	if (n == 0 || n >= sizeof(ip))
		return 0;
	for (i = 0; i < n; i++)
		ip[i] = (unsigned char)p[i] < 0x20 || p[i] == 0x7f ? '?' : p[i];
	ip[n] = '\0';
	return netaddr_parse(ip, a) == 0;
}

static int
ref_dovecot(const char *l, size_t len, struct netaddr *a, int *proto)
{
	size_t t, te, p, h, s = ref_stamp(l, len);
	long rip;
	const char *ve;

	if (s == 0)
		return 0;
	if (!ref_tag_at(l, len, s, &t, &te, &p) ||
	    (!is_word(l + t, te - t, "pop3-login") &&
	    !is_word(l + t, te - t, "imap-login"))) {
		/* the syslog form: host, dovecot[pid], then the process */
		if ((h = ref_host(l, len, s)) == 0 ||
		    !ref_tag_at(l, len, h, &t, &te, &p) ||
		    !is_word(l + t, te - t, "dovecot") ||
		    !ref_tag_at(l, len, p, &t, &te, &p))
			return 0;
	}
	if (is_word(l + t, te - t, "pop3-login"))
		*proto = CONF_POP_POP3;
	else if (is_word(l + t, te - t, "imap-login"))
		*proto = CONF_POP_IMAP;
	else
		return 0;
	if (starts(l + p, len - p, "Info: "))
		p += 6;
	if (!starts(l + p, len - p, "Login: "))
		return 0;
	p += 7;
	if ((rip = ref_last(l, p, len, ", rip=")) < 0)
		return 0;
	p = (size_t)rip + 6;
	ve = memchr(l + p, ',', len - p);
	return ref_addr(l + p, ve ? (size_t)(ve - (l + p)) : len - p, a);
}

static int
ref_courier(const char *l, size_t len, struct netaddr *a, int *proto)
{
	static const char *const pop[] = { "pop3d", "pop3d-ssl",
	    "courierpop3login", "pop3login", NULL };
	static const char *const imap[] = { "imapd", "imapd-ssl",
	    "courierimaplogin", "imaplogin", NULL };
	size_t t, te, p, i, s = ref_stamp(l, len), h;
	long ip;
	const char *ve;

	if (s == 0 || (h = ref_host(l, len, s)) == 0 ||
	    !ref_tag_at(l, len, h, &t, &te, &p))
		return 0;
	*proto = 0;
	for (i = 0; pop[i] != NULL; i++)
		if (is_word(l + t, te - t, pop[i]))
			*proto = CONF_POP_POP3;
	for (i = 0; imap[i] != NULL; i++)
		if (is_word(l + t, te - t, imap[i]))
			*proto = CONF_POP_IMAP;
	if (*proto == 0 || !starts(l + p, len - p, "LOGIN, "))
		return 0;
	p += 7;
	if ((ip = ref_last(l, p, len, ", ip=[")) < 0)
		return 0;
	p = (size_t)ip + 6;
	ve = memchr(l + p, ']', len - p);
	return ve != NULL && ref_addr(l + p, (size_t)(ve - (l + p)), a);
}

static void
check_login(const struct poplog_login *o)
{
	size_t i, n = strnlen(o->user, sizeof(o->user));

	CHECK(n < sizeof(o->user));
	for (i = 0; i < n; i++)
		CHECK((unsigned char)o->user[i] >= 0x20 &&
		    o->user[i] != 0x7f);
	CHECK(o->protocol == CONF_POP_POP3 || o->protocol == CONF_POP_IMAP);
	CHECK(o->addr.family == AF_INET || o->addr.family == AF_INET6);
}

static void
fuzz_init(void)
{
	char err[CONF_ERRLEN];

	conf = conf_load_string(conf_text, "fuzz_poplog.conf", err,
	    sizeof(err));
	if (conf == NULL) {
		fprintf(stderr, "fuzz_poplog: %s\n", err);
		abort();
	}
	CHECK(conf->pop_nlogs == 3);
	CHECK(conf->pop_logs[0].fmt == CONF_POPLOG_DOVECOT);
	CHECK(conf->pop_logs[1].fmt == CONF_POPLOG_COURIER);
	CHECK(conf->pop_logs[2].fmt == CONF_POPLOG_REGEX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int masks[] = { CONF_POP_POP3, CONF_POP_IMAP,
	    CONF_POP_POP3 | CONF_POP_IMAP };
	struct poplog_login o, o2;
	struct netaddr ra;
	char *line;
	int rc, want, proto = 0, m, i;

	if (conf == NULL)
		fuzz_init();
	if (size > POPLOG_LINE_MAX + 16)
		return 0;
	line = malloc(size ? size : 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);

	/* Dovecot */
	memset(&o, 0x5a, sizeof(o));
	rc = poplog_parse_dovecot(line, size, &o);
	CHECK(rc == 0 || rc == 1);
	memset(&ra, 0, sizeof(ra));
	want = ref_dovecot(line, size, &ra, &proto);
	CHECK(rc == want);
	if (!has(line, size, "Login: ") || !has(line, size, ", rip="))
		CHECK(rc == 0);
	if (rc == 1) {
		check_login(&o);
		CHECK(o.protocol == proto);
		CHECK(memcmp(&o.addr, &ra, sizeof(ra)) == 0);
	}
	for (m = 0; m < 3; m++) {
		rc = poplog_parse(&conf->pop_logs[0], masks[m], line, size,
		    &o2);
		CHECK(rc == (want && size <= POPLOG_LINE_MAX &&
		    (proto & masks[m]) != 0));
	}

	/* Courier */
	memset(&o, 0x5a, sizeof(o));
	rc = poplog_parse_courier(line, size, &o);
	CHECK(rc == 0 || rc == 1);
	memset(&ra, 0, sizeof(ra));
	want = ref_courier(line, size, &ra, &proto);
	CHECK(rc == want);
	if (!has(line, size, "LOGIN, ") || !has(line, size, ", ip=["))
		CHECK(rc == 0);
	if (rc == 1) {
		check_login(&o);
		CHECK(o.protocol == proto);
		CHECK(memcmp(&o.addr, &ra, sizeof(ra)) == 0);
	}
	for (m = 0; m < 3; m++) {
		rc = poplog_parse(&conf->pop_logs[1], masks[m], line, size,
		    &o2);
		CHECK(rc == (want && size <= POPLOG_LINE_MAX &&
		    (proto & masks[m]) != 0));
	}

	/* Regex */
	for (i = 0; i < 3; i++) {
		memset(&o, 0x5a, sizeof(o));
		rc = poplog_parse(&conf->pop_logs[2], masks[i], line, size, &o);
		CHECK(rc == 0 || rc == 1);
		if (rc == 1) {
			check_login(&o);
			CHECK(size <= POPLOG_LINE_MAX);
			CHECK(has(line, size, "login ok user="));
		}
	}
	free(line);
	return 0;
}
