/*
 * saslsrv: GNU SASL glue. One Gsasl handle with one callback, set before
 * the threads start; each session carries its pinned config in its hook.
 * The callback answers only from the config: it never offers channel
 * binding (the auth sockets carry none), and it refuses an authorization
 * identity other than the authentication identity. Which stored scheme
 * serves which mechanism is saslmech's table, not a rule of this file.
 */
#include "config.h"

#include <gsasl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pwhash.h"
#include "pwscheme.h"
#include "saslmech.h"
#include "saslsrv.h"

struct saslsrv_session {
	Gsasl_session	*gs;
	struct conf	*conf;
	const struct saslmech *mech;	/* static: may outlive the conf */
	const struct conf_user *user;	/* known once authenticated */
	int		 ok;
};

static Gsasl *saslsrv_ctx;
static char saslsrv_secret[16];	/* salts fake SCRAM data for unknown users */

/* The known mechanism called mech if c offers it, else NULL. */
static const struct saslmech *
saslsrv_offered(const struct conf *c, const char *mech)
{
	const struct saslmech *m = saslmech_find(mech);
	size_t i;

	if (m != NULL)
		for (i = 0; i < c->auth_nmechanisms; i++)
			if (strcmp(c->auth_mechanisms[i], m->name) == 0)
				return m;
	return NULL;
}

const char *
saslsrv_mech_name(const struct conf *c, const char *mech)
{
	const struct saslmech *m = saslsrv_offered(c, mech);

	return m != NULL ? m->name : NULL;
}

const struct conf_user *
saslsrv_check_password(const struct conf *c, const char *name,
    const char *password)
{
	const struct conf_user *u = conf_user_find(c, name);

	if (u == NULL) {
		/* Spend the work of a real check; the result means nothing. */
		if (c->nusers > 0)
			(void)pwhash_verify(c->users[0].password, password);
		return NULL;
	}
	return pwhash_verify(u->password, password) == 1 ? u : NULL;
}

static int
saslsrv_validate(struct saslsrv_session *ss, Gsasl_session *gs)
{
	const char *authid = gsasl_property_fast(gs, GSASL_AUTHID);
	const char *authzid = gsasl_property_fast(gs, GSASL_AUTHZID);
	const char *password = gsasl_property_fast(gs, GSASL_PASSWORD);

	if (authid == NULL || password == NULL)
		return GSASL_AUTHENTICATION_ERROR;
	/* PLAIN fills AUTHZID with AUTHID when none is given. */
	if (authzid != NULL && *authzid != '\0' && strcmp(authzid, authid) != 0)
		return GSASL_AUTHENTICATION_ERROR;
	ss->user = saslsrv_check_password(ss->conf, authid, password);
	return ss->user != NULL ? GSASL_OK : GSASL_AUTHENTICATION_ERROR;
}

static const struct conf_user *
saslsrv_claimed(struct saslsrv_session *ss, Gsasl_session *gs)
{
	const char *authid = gsasl_property_fast(gs, GSASL_AUTHID);

	return authid != NULL ? conf_user_find(ss->conf, authid) : NULL;
}

/*
 * The claimed user, with its stored password parsed into pw, if the
 * session's mechanism can use the scheme it is stored in; else NULL,
 * and the exchange fails as with a wrong password.
 */
static const struct conf_user *
saslsrv_served(struct saslsrv_session *ss, Gsasl_session *gs,
    struct pwscheme *pw)
{
	const struct conf_user *u = saslsrv_claimed(ss, gs);

	if (u == NULL || pwscheme_parse(u->password, pw, NULL, 0) != 0 ||
	    !saslmech_serves(ss->mech, pw->kind))
		return NULL;
	return u;
}

/*
 * SCRAM data for a name that is not a user: a salt derived from the name
 * and a per-process secret, so that a probe cannot tell unknown names
 * from known ones by the salt changing, and keys that match nothing.
 */
static int
saslsrv_fake_scram(Gsasl_session *gs, Gsasl_property prop)
{
	const char *authid = gsasl_property_fast(gs, GSASL_AUTHID);
	char salted[GSASL_HASH_SHA256_SIZE], client[GSASL_HASH_SHA256_SIZE];
	char server[GSASL_HASH_SHA256_SIZE], stored[GSASL_HASH_SHA256_SIZE];
	char *b64 = NULL;
	int rc;

	if (prop == GSASL_SCRAM_ITER)
		return gsasl_property_set(gs, prop, "4096");
	if (gsasl_scram_secrets_from_password(GSASL_HASH_SHA256,
	    authid != NULL ? authid : "", 1, saslsrv_secret,
	    sizeof(saslsrv_secret), salted, client, server, stored) != GSASL_OK)
		return GSASL_AUTHENTICATION_ERROR;
	/* SALT, STOREDKEY and SERVERKEY all travel in base64. */
	if (gsasl_base64_to(prop == GSASL_SCRAM_SALT ? salted :
	    prop == GSASL_SCRAM_STOREDKEY ? stored : server,
	    prop == GSASL_SCRAM_SALT ? 16 : GSASL_HASH_SHA256_SIZE, &b64,
	    NULL) != GSASL_OK)
		return GSASL_AUTHENTICATION_ERROR;
	rc = gsasl_property_set(gs, prop, b64);
	gsasl_free(b64);
	return rc;
}

static int
saslsrv_scram_prop(struct saslsrv_session *ss, Gsasl_session *gs,
    Gsasl_property prop)
{
	struct pwscheme pw;
	char iter[16];

	if (saslsrv_claimed(ss, gs) == NULL)
		return saslsrv_fake_scram(gs, prop);
	/* A {PLAIN} user: GNU SASL derives the keys from GSASL_PASSWORD. */
	if (saslsrv_served(ss, gs, &pw) == NULL ||
	    pw.kind != PWSCHEME_SCRAM_SHA256)
		return GSASL_NO_CALLBACK;
	switch (prop) {
	case GSASL_SCRAM_ITER:
		snprintf(iter, sizeof(iter), "%u", pw.iter);
		return gsasl_property_set(gs, prop, iter);
	case GSASL_SCRAM_SALT:
		return gsasl_property_set(gs, prop, pw.salt_b64);
	case GSASL_SCRAM_STOREDKEY:
		return gsasl_property_set(gs, prop, pw.stored_b64);
	default:
		return gsasl_property_set(gs, prop, pw.server_b64);
	}
}

static int
saslsrv_callback(Gsasl *ctx, Gsasl_session *gs, Gsasl_property prop)
{
	struct saslsrv_session *ss = gs ? gsasl_session_hook_get(gs) : NULL;
	const struct conf_user *u;
	struct pwscheme pw;

	(void)ctx;
	if (ss == NULL)
		return GSASL_NO_CALLBACK;
	switch (prop) {
	case GSASL_VALIDATE_SIMPLE:
		return saslsrv_validate(ss, gs);
	case GSASL_PASSWORD:
		/* Only for CRAM-MD5 and SCRAM: a plaintext we really hold. */
		u = saslsrv_served(ss, gs, &pw);
		if (u == NULL || pw.plain == NULL)
			return GSASL_NO_CALLBACK;
		ss->user = u;
		return gsasl_property_set(gs, prop, pw.plain);
	case GSASL_SCRAM_ITER:
	case GSASL_SCRAM_SALT:
	case GSASL_SCRAM_STOREDKEY:
	case GSASL_SCRAM_SERVERKEY:
		return saslsrv_scram_prop(ss, gs, prop);
	default:
		/* Channel binding (GSASL_CB_TLS_*) and the rest: never. */
		return GSASL_NO_CALLBACK;
	}
}

int
saslsrv_init(char *err, size_t errlen)
{
	int rc = gsasl_init(&saslsrv_ctx);

	if (rc != GSASL_OK) {
		snprintf(err, errlen, "GNU SASL: %s", gsasl_strerror(rc));
		return -1;
	}
	gsasl_callback_set(saslsrv_ctx, saslsrv_callback);
	if (gsasl_nonce(saslsrv_secret, sizeof(saslsrv_secret)) != GSASL_OK) {
		snprintf(err, errlen, "GNU SASL: no random numbers");
		return -1;
	}
	return 0;
}

void
saslsrv_done(void)
{
	if (saslsrv_ctx != NULL)
		gsasl_done(saslsrv_ctx);
	saslsrv_ctx = NULL;
}

/* Map a GNU SASL step result, checking who was authenticated. */
static enum saslsrv_rc
saslsrv_result(struct saslsrv_session *ss, int rc)
{
	const char *authzid;

	if (rc == GSASL_NEEDS_MORE)
		return SASLSRV_CONTINUE;
	if (rc != GSASL_OK)
		return SASLSRV_FAIL;
	authzid = gsasl_property_fast(ss->gs, GSASL_AUTHZID);
	if (ss->user == NULL)
		ss->user = saslsrv_claimed(ss, ss->gs);
	if (ss->user == NULL || (authzid != NULL && *authzid != '\0' &&
	    strcmp(authzid, gsasl_property_fast(ss->gs, GSASL_AUTHID)) != 0)) {
		ss->user = NULL;
		return SASLSRV_FAIL;
	}
	ss->ok = 1;
	return SASLSRV_OK;
}

enum saslsrv_rc
saslsrv_step(struct saslsrv_session *ss, const char *in_b64, char **out_b64)
{
	*out_b64 = NULL;
	if (ss->ok)
		return SASLSRV_FAIL;
	return saslsrv_result(ss, gsasl_step64(ss->gs, in_b64, out_b64));
}

struct saslsrv_session *
saslsrv_start(struct conf *c, const char *mech, const char *service,
    const char *ir_b64, enum saslsrv_rc *rc, char **out_b64)
{
	struct saslsrv_session *ss;
	const struct saslmech *m = saslsrv_offered(c, mech);

	*rc = SASLSRV_FAIL;
	*out_b64 = NULL;
	if (m == NULL || (ss = calloc(1, sizeof(*ss))) == NULL)
		return NULL;
	ss->mech = m;
	ss->conf = conf_ref(c);
	if (gsasl_server_start(saslsrv_ctx, m->name, &ss->gs) != GSASL_OK) {
		saslsrv_end(ss);
		return NULL;
	}
	gsasl_session_hook_set(ss->gs, ss);
	gsasl_property_set(ss->gs, GSASL_SERVICE, service ? service : "smtp");
	/*
	 * GNU SASL's LOGIN server ignores an initial response: run its
	 * first step (the "User Name" prompt) and answer it with the
	 * response, as the client meant.
	 */
	if (strcmp(m->name, "LOGIN") == 0 && ir_b64 != NULL &&
	    *ir_b64 != '\0') {
		*rc = saslsrv_step(ss, NULL, out_b64);
		free(*out_b64);
		*out_b64 = NULL;
		if (*rc != SASLSRV_CONTINUE)
			return ss;
	}
	*rc = saslsrv_step(ss, ir_b64 != NULL ? ir_b64 : "", out_b64);
	return ss;
}

const char *
saslsrv_user(const struct saslsrv_session *ss)
{
	const char *authid;

	if (ss->ok && ss->user != NULL)
		return ss->user->name;
	authid = ss->gs ? gsasl_property_fast(ss->gs, GSASL_AUTHID) : NULL;
	return authid != NULL ? authid : "";
}

const char *
saslsrv_mech(const struct saslsrv_session *ss)
{
	return ss->mech->name;
}

void
saslsrv_end(struct saslsrv_session *ss)
{
	if (ss == NULL)
		return;
	if (ss->gs != NULL)
		gsasl_finish(ss->gs);
	conf_unref(ss->conf);
	free(ss);
}
