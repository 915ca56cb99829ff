/*
 * sasl_fixture.h: GNU SASL's own client against relaymilter's SASL server
 * (saslsrv), in-process: one whole exchange of any mechanism, and
 * stored passwords of "secret" made by other tools. Included by t_auth.c
 * and t_authtiming.c.
 */
#ifndef RELAYMILTER_SASL_FIXTURE_H
#define RELAYMILTER_SASL_FIXTURE_H

#include <gsasl.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "saslsrv.h"

/* gsasl --mkpasswd --mechanism SCRAM-SHA-256 --password secret
 *   --iteration-count 4096 --salt c2FsdHNhbHRzYWx0 */
#define SCRAM_SECRET "{SCRAM-SHA-256}4096,c2FsdHNhbHRzYWx0," \
    "UdmKRUjfgm0U6mfMFFn/tGaEoriNY2YlrUES5w+4kaA=," \
    "ZH6upP+u0RFc4kNZYflxg+txwr3oIlzDM/JXePM5XCY="
/* crypt(3) of "secret" with fixed settings (python3 crypt / mkpasswd) */
#define SHA512_SECRET "{SHA512-CRYPT}$6$saltsalt$" \
    "TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77" \
    "vwPZN.Pq.H91p5hVO1"

static const char *client_user, *client_pw, *client_authzid;

/* client_cb -- GNU SASL's client callback: the client_* above. */
static __attribute__((unused)) int
client_cb(Gsasl *ctx, Gsasl_session *s, Gsasl_property p)
{
	(void)ctx;
	switch (p) {
	case GSASL_AUTHID:
		return gsasl_property_set(s, p, client_user);
	case GSASL_PASSWORD:
		return gsasl_property_set(s, p, client_pw);
	case GSASL_AUTHZID:
		return client_authzid ? gsasl_property_set(s, p,
		    client_authzid) : GSASL_NO_CALLBACK;
	case GSASL_SERVICE:
		return gsasl_property_set(s, p, "smtp");
	case GSASL_HOSTNAME:
		return gsasl_property_set(s, p, "localhost");
	default:
		return GSASL_NO_CALLBACK;
	}
}

/*
 * exchange -- run one exchange of mech between cctx (with client_cb) and
 * saslsrv on c. Returns the user name on success, "" on failure.
 */
static __attribute__((unused)) const char *
exchange(struct conf *c, Gsasl *cctx, const char *mech, const char *user,
    const char *pw, const char *authzid)
{
	static char result[64];
	Gsasl_session *cs;
	struct saslsrv_session *ss;
	enum saslsrv_rc rc;
	char *to_srv = NULL, *to_cli = NULL;
	int crc, rounds;

	client_user = user;
	client_pw = pw;
	client_authzid = authzid;
	result[0] = '\0';
	if (gsasl_client_start(cctx, mech, &cs) != GSASL_OK)
		return "client-start-failed";
	crc = gsasl_step64(cs, "", &to_srv);
	ss = saslsrv_start(c, mech, "smtp", crc == GSASL_NEEDS_MORE ||
	    crc == GSASL_OK ? to_srv : NULL, &rc, &to_cli);
	free(to_srv);
	for (rounds = 0; ss != NULL && rc == SASLSRV_CONTINUE && rounds < 8;
	    rounds++) {
		to_srv = NULL;
		crc = gsasl_step64(cs, to_cli ? to_cli : "", &to_srv);
		free(to_cli);
		to_cli = NULL;
		if (crc != GSASL_OK && crc != GSASL_NEEDS_MORE)
			break;
		rc = saslsrv_step(ss, to_srv ? to_srv : "", &to_cli);
		free(to_srv);
	}
	free(to_cli);
	if (ss != NULL && rc == SASLSRV_OK)
		snprintf(result, sizeof(result), "%s", saslsrv_user(ss));
	saslsrv_end(ss);
	gsasl_finish(cs);
	return result;
}

#endif
