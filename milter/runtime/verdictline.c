/*
 * verdictline: reads back the decision line verdict.c writes. The line is
 * found by its head, "QID: <verdict> rcpt=", wherever a syslog, journal or
 * stderr prefix put it; the fields after it are key=value tokens split by
 * single spaces (log_clean leaves no space in a value), a quoted value
 * ends at the next quote (log_clean escapes quotes too). Values are
 * unescaped exactly as log_clean escaped them: \xHH, nothing else.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "verdictline.h"

/* the fields, as bits of what a line held */
enum {
	VL_RCPT = 1 << 0, VL_RULE = 1 << 1, VL_CLIENT = 1 << 2,
	VL_FROM = 1 << 3, VL_SERVICE = 1 << 4, VL_USER = 1 << 5,
	VL_MAILER = 1 << 6, VL_POP = 1 << 7
};

struct verdictline_word {
	const char		*text;
	enum policy_verdict	 verdict;
	int			 dry_run;
};

static const struct verdictline_word verdictline_words[] = {
	{ "would reject", POLICY_REJECT, 1 },
	{ "would tempfail", POLICY_TEMPFAIL, 1 },
	{ "accept", POLICY_ACCEPT, 0 },
	{ "reject", POLICY_REJECT, 0 },
	{ "tempfail", POLICY_TEMPFAIL, 0 },
};

static int
verdictline_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The bytes log_clean escapes: all others it copies as they are. */
static int
verdictline_escaped(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || c == '"' || c == '\\';
}

int
verdictline_unescape(const char *s, size_t len, char *out, size_t outlen)
{
	size_t i, o = 0;

	if (outlen == 0)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 1 >= outlen)
			return -1;
		if (c == '\\') {
			/*
			 * log_clean writes \xHH in lower-case hex, for the
			 * bytes it escapes only, never \x00: one spelling per
			 * value, so log_clean(unescaped) gives the text back.
			 */
			int hi, lo;

			if (len - i < 4 || s[i + 1] != 'x')
				return -1;
			hi = verdictline_hex(s[i + 2]);
			lo = verdictline_hex(s[i + 3]);
			if (hi < 0 || lo < 0 || (hi | lo) == 0 ||
			    !verdictline_escaped((unsigned char)(hi << 4 | lo)))
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 3;
			continue;
		}
		/* A byte log_clean escapes cannot stand bare in its output. */
		if (verdictline_escaped(c))
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (int)o;
}

/*
 * The head: " rcpt=" after "<qid>: <verdict>". Returns the offset of
 * "rcpt=" and fills qid, verdict and dry_run, or 0 if the line has none.
 */
static size_t
verdictline_head(const char *s, size_t len, struct verdictline *out)
{
	const char *p = s, *end = s + len;
	size_t w;

	while ((p = memmem(p, (size_t)(end - p), " rcpt=", 6)) != NULL) {
		for (w = 0; w < sizeof(verdictline_words) /
		    sizeof(verdictline_words[0]); w++) {
			const char *t = verdictline_words[w].text;
			size_t tl = strlen(t);
			const char *q, *qe;

			if ((size_t)(p - s) < tl + 3 ||
			    memcmp(p - tl, t, tl) != 0 || *(p - tl - 1) != ' ' ||
			    *(p - tl - 2) != ':')
				continue;
			/* the queue id: printable, after a space or nothing */
			qe = p - tl - 2;
			for (q = qe; q > s && q[-1] > ' ' && q[-1] < 0x7f; q--)
				;
			if (q == qe || (size_t)(qe - q) >= sizeof(out->qid) ||
			    (q > s && q[-1] != ' '))
				continue;
			memcpy(out->qid, q, (size_t)(qe - q));
			out->qid[qe - q] = '\0';
			out->verdict = verdictline_words[w].verdict;
			out->dry_run = verdictline_words[w].dry_run;
			return (size_t)(p - s) + 1;
		}
		p++;
	}
	return 0;
}

/* "name[ip]": the verified name ("" for unknown) and the address. */
static int
verdictline_client(const char *v, size_t vl, struct verdictline *out)
{
	char buf[VERDICTLINE_VALUE_MAX];
	char *open;
	int n = verdictline_unescape(v, vl, buf, sizeof(buf));

	if (n < 3 || buf[n - 1] != ']' || (open = strrchr(buf, '[')) ==
	    NULL || (size_t)(buf + n - 1 - open) >= sizeof(out->client_ip))
		return -1;
	buf[n - 1] = '\0';
	*open = '\0';
	/* an address as netaddr_format writes it, or "unknown" */
	if (open[1 + strspn(open + 1, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ.:")] != '\0')
		return -1;
	snprintf(out->client_ip, sizeof(out->client_ip), "%s",
	    strcmp(open + 1, "unknown") == 0 ? "" : open + 1);
	snprintf(out->client_name, sizeof(out->client_name), "%s",
	    strcmp(buf, "unknown") == 0 ? "" : buf);
	return 0;
}

static int
verdictline_rule(const char *v, size_t vl, struct verdictline *out)
{
	int r;

	if (verdictline_unescape(v, vl, out->rule, sizeof(out->rule)) <= 0)
		return -1;
	out->rule_id = RULE_COUNT;
	for (r = 0; r < RULE_COUNT; r++)
		if (strcmp(policy_rule_name((enum policy_rule)r), out->rule) ==
		    0)
			out->rule_id = (enum policy_rule)r;
	return 0;
}

static int
verdictline_pop(const char *v, size_t vl, struct verdictline *out)
{
	if (vl == 1 && (v[0] == '0' || v[0] == '1'))
		out->pop = v[0] - '0';
	else if (vl == 2 && v[0] == '-' && v[1] == '1')
		out->pop = -1;
	else
		return -1;
	return 0;
}

/* One key=value; *seen gets its bit. Returns 0 or -1. */
static int
verdictline_field(const char *k, size_t kl, const char *v, size_t vl,
    struct verdictline *out, unsigned *seen)
{
	static const struct { const char *key; unsigned bit; } keys[] = {
		{ "rcpt", VL_RCPT }, { "rule", VL_RULE },
		{ "client", VL_CLIENT }, { "from", VL_FROM },
		{ "service", VL_SERVICE }, { "user", VL_USER },
		{ "mailer", VL_MAILER }, { "pop", VL_POP },
	};
	unsigned bit = 0;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].key) == kl && memcmp(keys[i].key, k, kl) ==
		    0)
			bit = keys[i].bit;
	if (bit == 0)
		return 0;	/* a field of a later version */
	if (*seen & bit)
		return -1;
	*seen |= bit;
	switch (bit) {
	case VL_RCPT:
		return verdictline_unescape(v, vl, out->rcpt,
		    sizeof(out->rcpt)) > 0 ? 0 : -1;
	case VL_RULE:	return verdictline_rule(v, vl, out);
	case VL_CLIENT:	return verdictline_client(v, vl, out);
	case VL_FROM:
		return verdictline_unescape(v, vl, out->sender,
		    sizeof(out->sender)) > 0 ? 0 : -1;
	case VL_SERVICE:
		if (verdictline_unescape(v, vl, out->service,
		    sizeof(out->service)) <= 0)
			return -1;
		if (strcmp(out->service, "-") == 0)
			out->service[0] = '\0';
		return 0;
	case VL_USER:
		return verdictline_unescape(v, vl, out->user,
		    sizeof(out->user)) > 0 ? 0 : -1;
	case VL_MAILER:
		return verdictline_unescape(v, vl, out->mailer,
		    sizeof(out->mailer)) > 0 ? 0 : -1;
	default:	return verdictline_pop(v, vl, out);
	}
}

/* The key=value tokens of s[0..len). Returns the bits seen, or -1. */
static long
verdictline_fields(const char *s, size_t len, struct verdictline *out)
{
	size_t i = 0;
	unsigned seen = 0;

	while (i < len) {
		size_t k = i, eq, v, ve;

		while (i < len && s[i] != '=' && s[i] != ' ')
			i++;
		if (i == len || s[i] != '=' || i == k)
			return -1;
		eq = i++;
		v = i;
		if (i < len && s[i] == '"') {
			const char *q = memchr(s + i + 1, '"', len - i - 1);

			if (q == NULL)
				return -1;
			v = i + 1;
			ve = (size_t)(q - s);
			i = ve + 1;
		} else {
			while (i < len && s[i] != ' ')
				i++;
			ve = i;
		}
		if (i < len && s[i] != ' ')
			return -1;
		if (verdictline_field(s + k, eq - k, s + v, ve - v, out,
		    &seen) != 0)
			return -1;
		/* one space between fields, none at the end */
		if (i < len && ++i == len)
			return -1;
	}
	return (long)seen;
}

int
verdictline_parse(const char *s, size_t len, struct verdictline *out)
{
	size_t at = verdictline_head(s, len, out);
	long seen;

	if (at == 0)
		return 0;
	out->client_name[0] = out->client_ip[0] = out->service[0] = '\0';
	out->user[0] = out->mailer[0] = out->sender[0] = '\0';
	out->pop = VERDICTLINE_POP_NONE;
	seen = verdictline_fields(s + at, len - at, out);
	if (seen < 0 || (seen & (VL_RCPT | VL_RULE)) != (VL_RCPT | VL_RULE))
		return -1;
	out->complete = (seen & (VL_CLIENT | VL_FROM | VL_SERVICE)) ==
	    (VL_CLIENT | VL_FROM | VL_SERVICE);
	return 1;
}
