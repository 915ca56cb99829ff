/*
 * authsecret: the per-install secret of the SASL service, and what is
 * derived from it. A name that has no stored SCRAM secret (a name that is
 * not a user, or a user stored in another scheme) is answered with a
 * salt derived from this secret and the name, so that the salt is the
 * same at every try and every start, as a real user's is, and says
 * nothing a probe could compare. The secret is made once with
 * getrandom(2) and kept in auth.secret_file; without a usable file, the
 * process makes one for its own run.
 */
#ifndef RELAYMILTER_AUTHSECRET_H
#define RELAYMILTER_AUTHSECRET_H

#include <stddef.h>
#include <sys/types.h>

#define AUTHSECRET_LEN	32	/* bytes of secret, and of the file */

/*
 * authsecret_init -- take a fresh random secret for this process run
 * (what is used until authsecret_load succeeds). Call before threads
 * start. Returns 0, or -1 with a message in err.
 */
int authsecret_init(char *err, size_t errlen);

/*
 * authsecret_prepare -- as root, before the switch to the service
 * account (uid, gid): make the file at path if there is none, so that
 * the account finds it even in a folder only root may write (systemd's
 * StateDirectory): AUTHSECRET_LEN random bytes, mode 0600, given to
 * uid and gid by descriptor, never by path, and written under a
 * temporary name then linked into place, which never replaces or
 * follows what is at path. Returns 0 (also when the file exists), or
 * -1 with the reason in err; authsecret_load says what matters.
 */
int authsecret_prepare(const char *path, uid_t uid, gid_t gid, char *err,
    size_t errlen);

/*
 * authsecret_load -- use the secret kept in the file at path, making it
 * (as authsecret_prepare, owned by whoever runs it) if there is none, so
 * that a reader never sees a half-written file and two processes
 * starting at once agree on one secret. Run it as the account the daemon
 * serves as (after the switch to user). A file is used only if it is a
 * plain file (not a link) of that account, with no permission for group
 * or others, of exactly AUTHSECRET_LEN bytes. Returns 1 if the file was
 * made, 0 if it was read, or -1 with the reason in err (the secret of
 * authsecret_init stays). Call before threads start.
 */
int authsecret_load(const char *path, char *err, size_t errlen);

/*
 * authsecret_derive -- len bytes (1 to 255) for the name's first namelen
 * bytes: HMAC-SHA-256 keyed by the secret over the name (as PBKDF2 with
 * one iteration computes it), then further blocks over the name, a NUL
 * and the block number. Different names get unrelated bytes; without the
 * secret nobody can compute them. Returns 0, or -1 (out of memory,
 * len out of range). Thread-safe.
 */
int authsecret_derive(const char *name, size_t namelen, unsigned char *out,
    size_t len);

/*
 * authsecret_keys -- SCRAM-SHA-256 keys that match no password: derived
 * from the secret with iter iterations of PBKDF2 (the work a real
 * derivation costs) and the saltlen bytes at salt, into stored_b64 and
 * server_b64 (base64, room for 45 bytes each). Returns 0 or -1.
 * Thread-safe.
 */
int authsecret_keys(unsigned iter, const unsigned char *salt,
    size_t saltlen, char *stored_b64, char *server_b64);

#endif
