/*
 * policyproto: the Postfix policy protocol's requests and answers (see
 * policyproto.h). A request is read in two passes: while it is
 * unfinished, each new whole line is checked for its shape (so garbage
 * closes the connection at its first line, not at a timeout) and the
 * buffer is left alone; once its empty line is there, a second pass
 * splits the lines in place and keeps the whitelisted attributes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policyproto.h"

static const char *const policyproto_names[POLICYPROTO_NATTRS] = {
	[POLICYPROTO_REQUEST] = "request",
	[POLICYPROTO_PROTOCOL_STATE] = "protocol_state",
	[POLICYPROTO_CLIENT_ADDRESS] = "client_address",
	[POLICYPROTO_CLIENT_NAME] = "client_name",
	[POLICYPROTO_SASL_USERNAME] = "sasl_username",
	[POLICYPROTO_SENDER] = "sender",
	[POLICYPROTO_RECIPIENT] = "recipient",
	[POLICYPROTO_POLICY_CONTEXT] = "policy_context",
	[POLICYPROTO_QUEUE_ID] = "queue_id",
};

const char *
policyproto_attr_name(enum policyproto_attr a)
{
	return (unsigned)a < POLICYPROTO_NATTRS ? policyproto_names[a] : "?";
}

const char *
policyproto_get(const struct policyproto_req *r, enum policyproto_attr a)
{
	if ((unsigned)a >= POLICYPROTO_NATTRS || r->attr[a] == NULL)
		return "";
	return r->attr[a];
}

/*
 * Postfix's attribute names are lower-case words with underscores; a
 * little more is taken (upper case, digits, '-', '.') so that a name a
 * later Postfix adds is skipped, not refused.
 */
static int
policyproto_name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.';
}

/*
 * One line (n bytes, its LF excluded) of an unfinished request: name=value
 * with a sound name and no NUL. Returns 0, or -1 with err filled.
 */
static int
policyproto_line_check(const char *line, size_t n, size_t lineno, char *err,
    size_t errlen)
{
	size_t i;

	if (n > POLICYPROTO_LINE_MAX) {
		snprintf(err, errlen, "line %zu is longer than %d bytes", lineno,
		    POLICYPROTO_LINE_MAX);
		return -1;
	}
	for (i = 0; i < n && line[i] != '='; i++)
		if (!policyproto_name_char((unsigned char)line[i])) {
			snprintf(err, errlen, "line %zu: byte 0x%02x in an "
			    "attribute name", lineno, (unsigned char)line[i]);
			return -1;
		}
	if (i == n) {
		snprintf(err, errlen, "line %zu is not name=value", lineno);
		return -1;
	}
	if (i == 0 || i > POLICYPROTO_NAME_MAX) {
		snprintf(err, errlen, "line %zu: attribute name of %zu bytes",
		    lineno, i);
		return -1;
	}
	if (memchr(line + i, '\0', n - i) != NULL) {
		snprintf(err, errlen, "line %zu: NUL in a value", lineno);
		return -1;
	}
	return 0;
}

/*
 * Pass 1: check the lines not yet checked. Returns the length of the
 * request through its empty line, 0 if it has none yet, -1 if malformed.
 */
static long
policyproto_scan_lines(const char *buf, size_t len,
    struct policyproto_scan *sc, char *err, size_t errlen)
{
	size_t pos = sc->checked;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n;

		if (nl == NULL) {
			if (len - pos > POLICYPROTO_LINE_MAX) {
				snprintf(err, errlen, "line %zu is longer than "
				    "%d bytes", sc->lines + 1,
				    POLICYPROTO_LINE_MAX);
				return -1;
			}
			break;
		}
		n = (size_t)(nl - (buf + pos));
		if (n == 0) {
			if (pos + 1 > POLICYPROTO_REQ_MAX)
				break;
			return (long)(pos + 1);
		}
		if (++sc->lines > POLICYPROTO_LINES_MAX) {
			snprintf(err, errlen, "more than %d attributes",
			    POLICYPROTO_LINES_MAX);
			return -1;
		}
		if (policyproto_line_check(buf + pos, n, sc->lines, err,
		    errlen) != 0)
			return -1;
		pos += n + 1;
		sc->checked = pos;
	}
	if (len >= POLICYPROTO_REQ_MAX) {
		snprintf(err, errlen, "no empty line within %d bytes",
		    POLICYPROTO_REQ_MAX);
		return -1;
	}
	return 0;
}

/* The whitelist slot of name, or POLICYPROTO_NATTRS. */
static enum policyproto_attr
policyproto_lookup(const char *name)
{
	unsigned a;

	for (a = 0; a < POLICYPROTO_NATTRS; a++)
		if (strcmp(name, policyproto_names[a]) == 0)
			return (enum policyproto_attr)a;
	return POLICYPROTO_NATTRS;
}

/* Pass 2: split the checked lines of buf[0..end) in place into out. */
static int
policyproto_split(char *buf, size_t end, struct policyproto_req *out,
    char *err, size_t errlen)
{
	size_t pos = 0;

	while (pos + 1 < end) {
		char *line = buf + pos, *nl = memchr(line, '\n', end - pos);
		char *eq = memchr(line, '=', (size_t)(nl - line));
		enum policyproto_attr a;

		*nl = '\0';
		*eq = '\0';
		out->nlines++;
		a = policyproto_lookup(line);
		if (a != POLICYPROTO_NATTRS) {
			/* A second value could slip past what the first said. */
			if (out->attr[a] != NULL) {
				snprintf(err, errlen, "attribute %s sent twice",
				    policyproto_names[a]);
				return -1;
			}
			out->attr[a] = eq + 1;
		}
		pos = (size_t)(nl - buf) + 1;
	}
	buf[end - 1] = '\0';
	if (out->attr[POLICYPROTO_REQUEST] == NULL ||
	    strcmp(out->attr[POLICYPROTO_REQUEST], "smtpd_access_policy") != 0) {
		snprintf(err, errlen, "not a request=smtpd_access_policy");
		return -1;
	}
	return 0;
}

int
policyproto_parse(char *buf, size_t len, struct policyproto_scan *sc,
    struct policyproto_req *out, size_t *used, char *err, size_t errlen)
{
	long end;

	memset(out, 0, sizeof(*out));
	*used = 0;
	if (sc->checked > len) {
		snprintf(err, errlen, "scan state beyond the data");
		memset(sc, 0, sizeof(*sc));
		return -1;
	}
	end = policyproto_scan_lines(buf, len, sc, err, errlen);
	if (end == 0)
		return 0;
	memset(sc, 0, sizeof(*sc));
	if (end < 0 || policyproto_split(buf, (size_t)end, out, err,
	    errlen) != 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	*used = (size_t)end;
	return 1;
}

char *
policyproto_action(const struct policy_decision *d, enum verdict_answer a,
    char *buf, size_t len)
{
	char why[200];

	if (len == 0)
		return buf;
	switch (a) {
	case VERDICT_ACCEPT:
		/*
		 * A local recipient is not relaymilter's to grant: DUNNO
		 * leaves it to Postfix's own reject_unauth_destination, so a
		 * local.domains that has drifted from Postfix's domains opens
		 * nothing. A refusal let through by dry_run is left to
		 * Postfix as well, which then refuses relaying itself.
		 */
		snprintf(buf, len, "%s", d->verdict == POLICY_ACCEPT &&
		    d->rule != RULE_LOCAL ? "OK" : "DUNNO");
		break;
	case VERDICT_REJECT:
	case VERDICT_TEMPFAIL:
		/*
		 * Postfix puts "<rcpt>: Recipient address rejected: " before
		 * the text itself, so the text does not name it again.
		 */
		snprintf(buf, len, "%s %s", policy_reply_code(d),
		    policy_reason_text(d, why, sizeof(why)));
		break;
	}
	return buf;
}

size_t
policyproto_reply(const char *action, char *buf, size_t len)
{
	static const char head[] = "action=";
	size_t o = sizeof(head) - 1, i;

	if (len < 16) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	memcpy(buf, head, o);
	/* Room is kept for the two LFs and the NUL. */
	for (i = 0; action[i] != '\0' && o + 3 < len; i++) {
		unsigned char ch = (unsigned char)action[i];

		buf[o++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	buf[o++] = '\n';
	buf[o++] = '\n';
	buf[o] = '\0';
	return o;
}
