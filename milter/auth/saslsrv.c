/*
 * saslsrv: GNU SASL glue. One Gsasl handle with one callback, set before
 * the threads start; each session carries its pinned config in its hook.
 * The callback answers only from the config: it never offers channel
 * binding (the auth sockets carry none), and it refuses an authorization
 * identity other than the authentication identity. Which stored scheme
 * serves which mechanism is saslmech's table, not a rule of this file.
 *
 * What a probe sees does not depend on whether a name is a user. SCRAM:
 * the callback always supplies the iteration count, the salt and the
 * keys, so that GNU SASL never makes up a random salt; a name without a
 * stored SCRAM secret gets the config's usual form and a salt derived
 * from the per-install secret (authsecret), and the keys are derived
 * here at the one cost every exchange of the config pays (authdecoy).
 * PLAIN and LOGIN: a check costs what the dearest stored password costs.
 */
#include "config.h"

#include <gsasl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authdecoy.h"
#include "authsecret.h"
#include "b64.h"
#include "pwhash.h"
#include "pwscheme.h"
#include "saslmech.h"
#include "saslsrv.h"

#define SASLSRV_KEY64	(PWSCHEME_B64LEN(PWSCHEME_SCRAM_KEY) + 1)

struct saslsrv_session {
	Gsasl_session	*gs;
	struct conf	*conf;
	const struct saslmech *mech;	/* static: may outlive the conf */
	const struct conf_user *user;	/* known once authenticated */
	int		 ok;
	/* SCRAM-SHA-256: what the server-first message said */
	struct authdecoy_scram form;	/* the config's usual form */
	unsigned	 iter;		/* 0 until decided */
	size_t		 saltlen;
	unsigned char	 salt[PWSCHEME_SCRAM_SALT_MAX];
	int		 keyed;		/* the keys are set */
	int		 decoy;		/* keys of no user: never a success */
};

static Gsasl *saslsrv_ctx;

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
	int ok = u != NULL && pwhash_verify(u->password, password) == 1;

	/* No user, or a cheap scheme: spend what the dearest one costs. */
	authdecoy_check(c, u != NULL ? u->password : NULL, password);
	return ok ? u : NULL;
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
 * GSASL_SCRAM_ITER and GSASL_SCRAM_SALT, for the server-first message:
 * a SCRAM user's own; for any other name (a user of another scheme, or
 * none) the config's usual form and a salt derived from the secret and
 * the name as conf_user_find reads it, the same at every try.
 */
static int
saslsrv_scram_first(struct saslsrv_session *ss, Gsasl_session *gs,
    Gsasl_property prop)
{
	const char *authid = gsasl_property_fast(gs, GSASL_AUTHID);
	char text[PWSCHEME_B64LEN(PWSCHEME_SCRAM_SALT_MAX) + 1];
	struct pwscheme pw;

	if (ss->iter == 0 && saslsrv_served(ss, gs, &pw) != NULL &&
	    pw.kind == PWSCHEME_SCRAM_SHA256) {
		ss->iter = pw.iter;
		ss->saltlen = pw.saltlen;
		memcpy(ss->salt, pw.salt, pw.saltlen);
	} else if (ss->iter == 0) {
		if (authid == NULL || ss->form.saltlen > sizeof(ss->salt) ||
		    authsecret_derive(authid, conf_user_keylen(ss->conf, authid),
		    ss->salt, ss->form.saltlen) != 0)
			return GSASL_AUTHENTICATION_ERROR;
		ss->iter = ss->form.iter;
		ss->saltlen = ss->form.saltlen;
	}
	if (prop == GSASL_SCRAM_ITER)
		snprintf(text, sizeof(text), "%u", ss->iter);
	else
		b64_encode(ss->salt, ss->saltlen, text, sizeof(text));
	return gsasl_property_set(gs, prop, text);
}

/* A {PLAIN} user's keys for the session's iterations and salt. */
static int
saslsrv_plain_keys(struct saslsrv_session *ss, const char *password,
    char *stored, char *server)
{
	char secret[PWSCHEME_B64LEN(PWSCHEME_SCRAM_SALT_MAX) + 160];
	struct pwscheme pw;
	int rc;

	rc = pwhash_make_scram(password, ss->iter, ss->salt, ss->saltlen,
	    secret, sizeof(secret)) == 0 &&
	    pwscheme_parse(secret, &pw, NULL, 0) == 0 ? 0 : -1;
	if (rc == 0) {
		memcpy(stored, pw.stored_b64, SASLSRV_KEY64);
		memcpy(server, pw.server_b64, SASLSRV_KEY64);
	}
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(&pw, sizeof(pw));
	return rc;
}

/*
 * GSASL_SCRAM_SERVERKEY and GSASL_SCRAM_STOREDKEY, both set at the first
 * call. Where some exchange of the config runs PBKDF2 (a {PLAIN} user's)
 * every one does, at the iteration count it presented; a name without
 * keys it may use gets keys that match no password, marked decoy so that
 * even a proof made with them cannot succeed.
 */
static int
saslsrv_scram_keys(struct saslsrv_session *ss, Gsasl_session *gs)
{
	char stored[SASLSRV_KEY64], server[SASLSRV_KEY64];
	const struct conf_user *u;
	struct pwscheme pw;

	if (ss->keyed)
		return GSASL_OK;
	if (ss->iter == 0)
		return GSASL_AUTHENTICATION_ERROR;
	u = saslsrv_served(ss, gs, &pw);
	if (u != NULL && pw.kind == PWSCHEME_SCRAM_SHA256) {
		/* The derivation a {PLAIN} user's exchange costs, for naught. */
		if (ss->form.work)
			(void)authsecret_keys(ss->iter, ss->salt, ss->saltlen,
			    stored, server);
		memcpy(stored, pw.stored_b64, sizeof(stored));
		memcpy(server, pw.server_b64, sizeof(server));
	} else if (u == NULL || pw.kind != PWSCHEME_PLAIN ||
	    saslsrv_plain_keys(ss, pw.plain, stored, server) != 0) {
		ss->decoy = 1;
		if (authsecret_keys(ss->form.work ? ss->iter : 1, ss->salt,
		    ss->saltlen, stored, server) != 0)
			return GSASL_AUTHENTICATION_ERROR;
	}
	ss->keyed = 1;
	if (gsasl_property_set(gs, GSASL_SCRAM_STOREDKEY, stored) != GSASL_OK ||
	    gsasl_property_set(gs, GSASL_SCRAM_SERVERKEY, server) != GSASL_OK)
		return GSASL_MALLOC_ERROR;
	return GSASL_OK;
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
		/*
		 * Only CRAM-MD5 asks (SCRAM is given its keys above): a
		 * plaintext we really hold.
		 */
		u = saslsrv_served(ss, gs, &pw);
		if (u == NULL || pw.plain == NULL)
			return GSASL_NO_CALLBACK;
		ss->user = u;
		return gsasl_property_set(gs, prop, pw.plain);
	case GSASL_SCRAM_ITER:
	case GSASL_SCRAM_SALT:
		return saslsrv_scram_first(ss, gs, prop);
	case GSASL_SCRAM_STOREDKEY:
	case GSASL_SCRAM_SERVERKEY:
		return saslsrv_scram_keys(ss, gs);
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
	return authsecret_init(err, errlen);
}

void
saslsrv_done(void)
{
	if (saslsrv_ctx != NULL)
		gsasl_done(saslsrv_ctx);
	saslsrv_ctx = NULL;
	authdecoy_flush();
}

/* Map a GNU SASL step result, checking who was authenticated. */
static enum saslsrv_rc
saslsrv_result(struct saslsrv_session *ss, int rc)
{
	const char *authzid;

	if (rc == GSASL_NEEDS_MORE)
		return SASLSRV_CONTINUE;
	if (rc != GSASL_OK || ss->decoy)
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
	if (strcmp(m->name, "SCRAM-SHA-256") == 0)
		authdecoy_scram(c, &ss->form);
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
