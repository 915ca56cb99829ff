/*
 * smapproto: netstrings, socket map requests and relaymilter's key, and
 * the replies (see smapproto.h). The parsers read only the bytes they
 * are given and count before they index, so that any byte sequence
 * yields an answer or a refusal, never a read past the end.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "smapproto.h"

int
smapproto_netstring(const char *buf, size_t len, size_t max,
    const char **data, size_t *dlen, size_t *used, char *err, size_t errlen)
{
	size_t i = 0, n = 0;

	while (i < len && buf[i] >= '0' && buf[i] <= '9') {
		/* djb's netstrings: no leading zero but in "0:," itself */
		if (i == 1 && buf[0] == '0') {
			snprintf(err, errlen, "netstring length with a leading "
			    "zero");
			return -1;
		}
		n = n * 10 + (size_t)(buf[i] - '0');
		if (n > max) {
			snprintf(err, errlen, "netstring longer than %zu bytes",
			    max);
			return -1;
		}
		i++;
	}
	if (i == len)
		return 1;
	if (i == 0 || buf[i] != ':') {
		snprintf(err, errlen, "not a netstring (no length and ':')");
		return -1;
	}
	/* i digits, ':', n bytes, ','; n <= max, so no overflow */
	if (len - i - 1 < n + 1)
		return 1;
	if (buf[i + 1 + n] != ',') {
		snprintf(err, errlen, "netstring of %zu bytes not closed by ','",
		    n);
		return -1;
	}
	*data = buf + i + 1;
	*dlen = n;
	*used = i + n + 2;
	return 0;
}

int
smapproto_request(const char *data, size_t len, const char **name,
    size_t *namelen, const char **key, size_t *keylen)
{
	const char *sp = memchr(data, ' ', len);

	if (sp == NULL || sp == data)
		return -1;
	*name = data;
	*namelen = (size_t)(sp - data);
	*key = sp + 1;
	*keylen = len - *namelen - 1;
	return 0;
}

/* s without the blanks at its ends, in place. */
static char *
smapproto_trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* "IPv6:2001:db8::1" (Sendmail's form) or a plain address. */
static void
smapproto_client(struct smapproto_key *k)
{
	const char *a = k->client_addr;

	if (strncasecmp(a, "IPv6:", 5) == 0)
		for (a += 5; *a == ' '; a++)
			;
	k->client_addr = a;
	k->have_client = a[0] != '\0' && netaddr_parse(a, &k->client) == 0;
}

int
smapproto_key_parse(const char *key, size_t len, struct smapproto_key *out,
    char *err, size_t errlen)
{
	char *f[SMAPPROTO_NFIELDS], *p;
	size_t i, n = 1;

	memset(out, 0, sizeof(*out));
	if (len >= SMAPPROTO_KEY_CUT || len >= sizeof(out->buf)) {
		snprintf(err, errlen, "key of %zu bytes: Sendmail may have cut "
		    "it (it stops at %d)", len, SMAPPROTO_KEY_CUT);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)key[i];

		if (ch < 0x20 || ch == 0x7f) {
			snprintf(err, errlen, "control character 0x%02x in the "
			    "key", ch);
			return -1;
		}
		n += ch == SMAPPROTO_SEP;
	}
	/*
	 * Sender and recipient come from the client and may hold '^': the
	 * fields could then be read more than one way, so none is taken.
	 */
	if (n != SMAPPROTO_NFIELDS) {
		snprintf(err, errlen, "key of %zu fields, not %d: a value "
		    "holds '^', or the key is not the one "
		    "relaymilter-socketmap.m4 builds", n, SMAPPROTO_NFIELDS);
		return -1;
	}
	memcpy(out->buf, key, len);
	out->buf[len] = '\0';
	for (p = out->buf, i = 0; i < SMAPPROTO_NFIELDS; i++) {
		char *sep = strchr(p, SMAPPROTO_SEP);

		if (sep != NULL)
			*sep = '\0';
		f[i] = smapproto_trim(p);
		p = sep != NULL ? sep + 1 : p + strlen(p);
	}
	if (strcmp(f[0], SMAPPROTO_TAG) != 0 ||
	    strcmp(f[SMAPPROTO_NFIELDS - 1], SMAPPROTO_TAG) != 0) {
		snprintf(err, errlen, "key without the version tag \"%s\" at "
		    "both ends (relaymilter-socketmap.m4 of another version?)",
		    SMAPPROTO_TAG);
		return -1;
	}
	out->daemon_name = f[1];
	out->qid = f[2];
	out->client_addr = f[3];
	out->client_resolve = f[4];
	out->rcpt_mailer = f[5];
	out->rcpt = f[6];
	out->sender = f[7];
	out->client_name = f[8];
	out->auth_authen = f[9];
	smapproto_client(out);
	return 0;
}

const char *
smapproto_client_name(const struct smapproto_key *k)
{
	/* Sendmail's "[192.0.2.7]" says that there is no name. */
	if (k->client_name == NULL || k->client_name[0] == '\0' ||
	    k->client_name[0] == '[' || k->client_resolve == NULL ||
	    strcmp(k->client_resolve, "OK") != 0)
		return NULL;
	return k->client_name;
}

char *
smapproto_quote(const char *code, const char *text, char *buf, size_t len)
{
	size_t o = 0, i;

	if (len < 3) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	for (i = 0; code[i] != '\0' && o + 2 < len; i++)
		buf[o++] = code[i];
	if (code[0] != '\0' && text[0] != '\0' && o + 2 < len)
		buf[o++] = ' ';
	for (i = 0; text[i] != '\0' && o + 2 < len; i++) {
		unsigned char ch = (unsigned char)text[i];

		/* One token, one line: nothing that ends or escapes it. */
		buf[o++] = ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' ?
		    '?' : (char)ch;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

size_t
smapproto_reply(const char *status, const char *value, char *buf,
    size_t len)
{
	size_t n = strlen(status) + 1 + strlen(value);
	int w;

	w = snprintf(buf, len, "%zu:%s %s,", n, status, value);
	if (w < 0 || (size_t)w >= len) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	return (size_t)w;
}
