/*
 * smapproto: Sendmail's socket map protocol as the relaymilter map
 * speaks it, without I/O. A request is one netstring "LEN:name key,"
 * and a reply one netstring "LEN:OK value," (or "NOTFOUND ", "TEMP
 * reason", "PERM reason"); a connection carries many of them, one
 * after the other. The key is the one contrib/sendmail/
 * relaymilter-socketmap.m4 builds, eleven fields joined by '^':
 *
 *   rm1^{daemon_name}^i^{client_addr}^{client_resolve}^{rcpt_mailer}^
 *   RCPT^f^{client_name}^{auth_authen}^rm1
 *
 * (relaymilter.conf(5), SENDMAIL SOCKET MAP). Every byte comes from the
 * network: nothing here trusts a length, a count or a terminator, and a
 * key that could mean two things is refused rather than guessed at.
 */
#ifndef RELAYMILTER_SMAPPROTO_H
#define RELAYMILTER_SMAPPROTO_H

#include <stddef.h>

#include "netset.h"

/* The map name the m4 fragment declares (Krelaymilter socket ...). */
#define SMAPPROTO_MAP		"relaymilter"
/* The version tag at both ends of a key. */
#define SMAPPROTO_TAG		"rm1"
#define SMAPPROTO_SEP		'^'
#define SMAPPROTO_NFIELDS	11
/* The longest request data taken; longer ones close the connection. */
#define SMAPPROTO_REQ_MAX	4096
/*
 * Sendmail 8.17 builds a map key in a 1024-byte buffer and stops at
 * 1021 bytes: a key that long may have lost its end, so it is refused
 * (the length alone tells, whatever the key holds).
 */
#define SMAPPROTO_KEY_CUT	1021

/*
 * smapproto_netstring -- the netstring at the start of buf, of which len
 * bytes have arrived, holding at most max bytes of data. Returns 1 when
 * more bytes are needed; 0 when it is complete: *data (pointing into
 * buf) and *dlen are its data, *used the bytes it takes with its length
 * and its ','; -1 when buf cannot start such a netstring (no digits, a
 * leading zero, more than max, no ':' or ','), with a message in err.
 * Pure.
 */
int smapproto_netstring(const char *buf, size_t len, size_t max,
    const char **data, size_t *dlen, size_t *used, char *err, size_t errlen);

/*
 * smapproto_request -- split request data (len bytes) at its first
 * blank into the map name (*name, *namelen) and the key (*key,
 * *keylen), both pointing into data. Returns 0, or -1 when there is no
 * blank or the name is empty. Pure.
 */
int smapproto_request(const char *data, size_t len, const char **name,
    size_t *namelen, const char **key, size_t *keylen);

/* A key, split. Every string points into buf; "" when empty. */
struct smapproto_key {
	char		 buf[SMAPPROTO_REQ_MAX + 1];
	const char	*daemon_name;	/* {daemon_name} */
	const char	*qid;		/* i */
	const char	*client_addr;	/* {client_addr}, "IPv6:" removed */
	const char	*client_resolve;	/* {client_resolve} */
	const char	*rcpt_mailer;	/* {rcpt_mailer} */
	const char	*rcpt;		/* RCPT TO as the client wrote it */
	const char	*sender;	/* f: "" for the null sender */
	const char	*client_name;	/* {client_name}, verified or not */
	const char	*auth_authen;	/* {auth_authen} */
	int		 have_client;	/* client_addr is an address: */
	struct netaddr	 client;	/* that address */
};

/*
 * smapproto_key_parse -- split the key (len bytes) into out. Blanks
 * around a field are dropped (a Sendmail whose OperatorChars lack '^'
 * puts them there). Refused, returning -1 with a message in err: a key
 * of SMAPPROTO_KEY_CUT bytes or more (Sendmail may have cut it), one
 * holding a control character, one of another field count (a value that
 * holds '^' makes the fields ambiguous), one without the version tag at
 * both ends. An empty or unparsable client address leaves have_client
 * 0. Returns 0. Pure.
 */
int smapproto_key_parse(const char *key, size_t len,
    struct smapproto_key *out, char *err, size_t errlen);

/*
 * smapproto_client_name -- the client name k may be trusted with (for
 * always_allow_from): {client_name} when {client_resolve} is OK and it
 * is a name (not "[address]"), else NULL. Pure.
 */
const char *smapproto_client_name(const struct smapproto_key *k);

/*
 * smapproto_quote -- code and text as one quoted string ("550 text")
 * that Sendmail reads back as a single token of the map's answer and
 * uses as the reply text: a '"', '\\', control or non-ASCII byte of
 * text becomes '?'. Cut to fit len. Returns buf. Pure.
 */
char *smapproto_quote(const char *code, const char *text, char *buf,
    size_t len);

/*
 * smapproto_reply -- the reply netstring "LEN:status value," into buf
 * (len bytes, NUL-terminated). Returns its length without the NUL, or 0
 * when it does not fit. Pure.
 */
size_t smapproto_reply(const char *status, const char *value, char *buf,
    size_t len);

#endif
