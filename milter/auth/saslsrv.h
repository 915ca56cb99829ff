/*
 * saslsrv: the SASL server side of SMTP AUTH, on GNU SASL. It checks the
 * users of the running config: PLAIN and LOGIN against any stored scheme,
 * CRAM-MD5 only for {PLAIN} users, SCRAM-SHA-256 for {SCRAM-SHA-256} and
 * {PLAIN} users. The protocol front ends (authd for Dovecot's protocol,
 * saslauthd) call it; it knows nothing of sockets.
 */
#ifndef RELAYMILTER_SASLSRV_H
#define RELAYMILTER_SASLSRV_H

#include <stddef.h>

#include "conf.h"

enum saslsrv_rc {
	SASLSRV_OK,		/* authenticated: see saslsrv_user */
	SASLSRV_CONTINUE,	/* send the challenge, wait for more */
	SASLSRV_FAIL		/* refused (wrong secret, bad data, ...) */
};

struct saslsrv_session;

/*
 * saslsrv_init -- set up GNU SASL and a per-run secret (authsecret_init;
 * authsecret_load replaces it with the install's). Call once, before
 * threads start. Returns 0, or -1 with a message in err.
 */
int saslsrv_init(char *err, size_t errlen);

/* saslsrv_done -- release GNU SASL and the per-config caches at exit. */
void saslsrv_done(void);

/*
 * saslsrv_mech_name -- the canonical (upper-case) name of mech if c
 * offers it (auth.mechanisms), else NULL. Pure.
 */
const char *saslsrv_mech_name(const struct conf *c, const char *mech);

/*
 * saslsrv_start -- begin an exchange with mechanism mech (any case) for
 * service (e.g. "smtp"), pinning c for its duration. ir_b64 is the
 * client's initial response in base64 (NULL if none was sent, "" if an
 * empty one was). Returns the session and sets *rc and *out_b64 (the
 * first challenge, to free with free(); may be NULL), or NULL with *rc =
 * SASLSRV_FAIL. A session is used by one thread at a time. SCRAM-SHA-256
 * shows every name a salt and iteration count of the same form, stable
 * per name, and every exchange of a config costs the same work
 * (authdecoy), whether the name is a user or not.
 */
struct saslsrv_session *saslsrv_start(struct conf *c, const char *mech,
    const char *service, const char *ir_b64, enum saslsrv_rc *rc,
    char **out_b64);

/*
 * saslsrv_step -- feed the client's next response (base64). Returns the
 * outcome; *out_b64 gets the next challenge (free() it) or NULL.
 */
enum saslsrv_rc saslsrv_step(struct saslsrv_session *s, const char *in_b64,
    char **out_b64);

/*
 * saslsrv_user -- after SASLSRV_OK, the configured name of the user;
 * before, the name the client claimed (for logs), or "".
 */
const char *saslsrv_user(const struct saslsrv_session *s);

/* saslsrv_mech -- the session's mechanism name. */
const char *saslsrv_mech(const struct saslsrv_session *s);

/* saslsrv_end -- release the session and its pinned config. */
void saslsrv_end(struct saslsrv_session *s);

/*
 * saslsrv_check_password -- verify a plaintext password (saslauthd, and
 * PLAIN/LOGIN). A name that is no user, or a user whose scheme is cheaper
 * than the config's dearest, costs what the dearest costs
 * (authdecoy_check). Returns the user on success, NULL otherwise.
 * Thread-safe.
 */
const struct conf_user *saslsrv_check_password(const struct conf *c,
    const char *name, const char *password);

#endif
