/*
 * saslauthd: the Cyrus saslauthd protocol server side. Only plaintext
 * verification happens here (Cyrus ran PLAIN or LOGIN with the client);
 * the answer is checked against the users of the running config.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "authcap.h"
#include "authsvc.h"
#include "saslauthd.h"
#include "saslsrv.h"

int
saslauthd_parse(const unsigned char *buf, size_t len,
    struct saslauthd_req *out)
{
	char *fields[5] = { out->login, out->password, out->service,
	    out->realm, out->addr };
	size_t pos = 0;
	int n;

	memset(out, 0, sizeof(*out));
	for (n = 0; n < 5 && pos < len; n++) {
		size_t flen;

		if (len - pos < 2)
			break;
		flen = (size_t)buf[pos] << 8 | buf[pos + 1];
		if (flen > SASLAUTHD_FIELD_MAX)
			return -1;
		if (len - pos - 2 < flen)
			break;
		if (memchr(buf + pos + 2, '\0', flen) != NULL)
			return -1;
		memcpy(fields[n], buf + pos + 2, flen);
		fields[n][flen] = '\0';
		pos += 2 + flen;
	}
	out->nfields = n;
	if (n == 5 && pos < len)
		return -1;
	return n >= 4 ? 0 : 1;
}

void
saslauthd_user(const struct saslauthd_req *r, char *buf, size_t len)
{
	if (r->realm[0] != '\0' && strchr(r->login, '@') == NULL)
		snprintf(buf, len, "%s@%s", r->login, r->realm);
	else
		snprintf(buf, len, "%s", r->login);
}

/* Encode msg as one counted string into out (2 + strlen(msg) bytes). */
static size_t
saslauthd_encode(const char *msg, unsigned char *out)
{
	size_t n = strlen(msg);

	out[0] = (unsigned char)(n >> 8);
	out[1] = (unsigned char)n;
	memcpy(out + 2, msg, n);
	return n + 2;
}

static void
saslauthd_reply(int fd, const char *msg)
{
	unsigned char out[128];
	size_t n = saslauthd_encode(msg, out);

	/* Best effort: the client may have gone. */
	(void)send(fd, out, n, MSG_NOSIGNAL);
}

/* A NO answer, sent after c's failure delay by the answer queue. */
static void
saslauthd_fail(int fd, const struct conf *c, const char *user,
    const char *msg)
{
	unsigned char out[128];
	size_t n = saslauthd_encode(msg, out);

	/* Not queued (queue full): the connection closes unanswered. */
	(void)authsvc_fail_reply(c, user, fd, out, n);
}

/* Read until four strings are in; a fifth sent with them is taken too. */
static int
saslauthd_read(int fd, unsigned char *buf, struct saslauthd_req *r)
{
	size_t len = 0;
	int rc = 1;

	while (rc == 1) {
		ssize_t got = recv(fd, buf + len, SASLAUTHD_REQ_MAX - len, 0);

		if (got <= 0)
			return -1;
		len += (size_t)got;
		rc = saslauthd_parse(buf, len, r);
		if (rc == 0 && r->nfields == 4) {
			struct pollfd p = { fd, POLLIN, 0 };

			/* Newer clients add the client address right after. */
			if (poll(&p, 1, 20) == 1 && len < SASLAUTHD_REQ_MAX)
				rc = 1;
		}
		if (rc == 1 && len == SASLAUTHD_REQ_MAX)
			return -1;
	}
	return rc;
}

void
saslauthd_client(int fd, void *arg)
{
	unsigned char *buf = malloc(SASLAUTHD_REQ_MAX);
	struct saslauthd_req *r = malloc(sizeof(*r));
	struct conf *c = conf_current();
	char user[2 * SASLAUTHD_FIELD_MAX + 2];
	const struct conf_user *u;
	int capped;

	(void)arg;
	if (buf == NULL || r == NULL || c == NULL ||
	    saslauthd_read(fd, buf, r) != 0)
		goto out;
	saslauthd_user(r, user, sizeof(user));
	if (authsvc_blocked(c, "saslauthd", user, "PLAIN", r->addr)) {
		saslauthd_fail(fd, c, user, "NO too many failures");
		goto out;
	}
	if ((capped = authcap_enter(r->addr)) < 0) {
		authsvc_failed(c, "saslauthd", user, "PLAIN", r->addr,
		    "too many requests open from this client");
		saslauthd_fail(fd, c, user, "NO too many requests");
		goto out;
	}
	u = saslsrv_check_password(c, user, r->password);
	if (u != NULL) {
		authsvc_succeeded("saslauthd", u->name, "PLAIN", r->addr);
		saslauthd_reply(fd, "OK");
	} else {
		authsvc_failed(c, "saslauthd", user, "PLAIN", r->addr,
		    "wrong credentials");
		saslauthd_fail(fd, c, user, "NO authentication failed");
	}
	if (capped)
		authcap_leave(r->addr);
out:
	if (r != NULL)
		explicit_bzero(r, sizeof(*r));
	if (buf != NULL)
		explicit_bzero(buf, SASLAUTHD_REQ_MAX);
	free(r);
	free(buf);
	conf_unref(c);
}
