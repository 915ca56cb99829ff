/*
 * conf_keys: the key table of relaymilter.conf(5) (see conf_keys.h) and
 * its lookups. One row a key, in the order of the man page. A row's path
 * and type stay on its first line, and a BOOL or INT row on one line:
 * t/manpage.test reads them from this file.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_keys.h"

const struct conf_key conf_keys[] = {
	/* the top level */
	{ "socket", CONF_KEY_STRING, CONF_DEFAULT_SOCKET, 0, 0 },
	/* modes: unset (-1) means 0660, applied where the socket is made */
	{ "socket_mode", CONF_KEY_MODE, NULL, 0, 0777 },
	{ "socket_group", CONF_KEY_STRING, NULL, 0, 0 },
	/* the front doors beside the milter (the Postfix policy service,
	 * the Sendmail socket map); socket_mode and socket_group apply */
	{ "postfix_policy", CONF_KEY_STRING, NULL, 0, 0 },
	{ "sendmail_socketmap", CONF_KEY_STRING, NULL, 0, 0 },
	/* Prometheus text over HTTP; off loopback only with metrics_public */
	{ "metrics", CONF_KEY_STRING, NULL, 0, 0 },
	{ "metrics_public", CONF_KEY_BOOL, "false", 0, 0 },
	{ "control", CONF_KEY_STRING, NULL, 0, 0 },
	{ "control_mode", CONF_KEY_MODE, NULL, 0, 0777 },
	{ "control_group", CONF_KEY_STRING, NULL, 0, 0 },
	{ "user", CONF_KEY_STRING, NULL, 0, 0 },
	{ "pidfile", CONF_KEY_STRING, NULL, 0, 0 },
	{ "dry_run", CONF_KEY_BOOL, "false", 0, 0 },
	{ "on_error", CONF_KEY_STRING, "tempfail", 0, 0 },
	{ "local", CONF_KEY_GROUP, NULL, 0, 0 },
	{ "relay", CONF_KEY_GROUP, NULL, 0, 0 },
	{ "services", CONF_KEY_ENTRIES, NULL, 0, 0 },
	{ "users", CONF_KEY_ENTRIES, NULL, 0, 0 },
	{ "auth", CONF_KEY_GROUP, NULL, 0, 0 },
	{ "pop", CONF_KEY_GROUP, NULL, 0, 0 },
	/* local */
	{ "local.domains", CONF_KEY_LIST, NULL, 0, 0 },
	{ "local.domain_aliases", CONF_KEY_LIST, NULL, 0, 0 },
	{ "local.lan", CONF_KEY_LIST, NULL, 0, 0 },
	/*
	 * The MTA's names for delivery on this server: Postfix's local,
	 * virtual and LMTP transports, its relay transport (relay_domains:
	 * domains Postfix itself takes in from anyone, so never a relay it
	 * opens) and the usual pipe transports to Dovecot, maildrop and
	 * Cyrus; Sendmail's local, procmail and cyrusv2 mailers.
	 */
	{ "local.transports", CONF_KEY_LIST, "local virtual lmtp relay "
	    "dovecot maildrop cyrus procmail cyrusv2", 0, 0 },
	/* relay */
	{ "relay.smtp_auth", CONF_KEY_BOOL, "false", 0, 0 },
	{ "relay.pop_before_smtp", CONF_KEY_BOOL, "false", 0, 0 },
	{ "relay.relay_for_non_local_senders", CONF_KEY_BOOL, "true", 0, 0 },
	{ "relay.relay_for_client_machines", CONF_KEY_BOOL, "false", 0, 0 },
	{ "relay.always_allow_from", CONF_KEY_LIST, NULL, 0, 0 },
	{ "relay.always_allow_to", CONF_KEY_LIST, NULL, 0, 0 },
	{ "relay.bind_sender", CONF_KEY_BOOL, "false", 0, 0 },
	/* services entries: an absent key inherits relay's value */
	{ "services[].daemon_name", CONF_KEY_STRING, NULL, 0, 0 },
	{ "services[].smtp_auth", CONF_KEY_BOOL, NULL, 0, 0 },
	{ "services[].pop_before_smtp", CONF_KEY_BOOL, NULL, 0, 0 },
	{ "services[].relay_for_non_local_senders", CONF_KEY_BOOL, NULL, 0, 0 },
	{ "services[].relay_for_client_machines", CONF_KEY_BOOL, NULL, 0, 0 },
	{ "services[].always_allow_from", CONF_KEY_LIST, NULL, 0, 0 },
	{ "services[].always_allow_to", CONF_KEY_LIST, NULL, 0, 0 },
	{ "services[].bind_sender", CONF_KEY_BOOL, NULL, 0, 0 },
	/* users entries */
	{ "users[].name", CONF_KEY_STRING, NULL, 0, 0 },
	{ "users[].password", CONF_KEY_STRING, NULL, 0, 0 },
	{ "users[].relay", CONF_KEY_BOOL, "false", 0, 0 },
	/* none: a name that is an address is its own sender */
	{ "users[].senders", CONF_KEY_LIST, NULL, 0, 0 },
	/* "N/window" as limits.user, which it replaces for this user */
	{ "users[].limit", CONF_KEY_STRING, NULL, 0, 0 },
	/* auth; no mechanisms listed: every one the loader knows */
	{ "auth.dovecot", CONF_KEY_STRING, NULL, 0, 0 },
	{ "auth.saslauthd", CONF_KEY_STRING, NULL, 0, 0 },
	{ "auth.mechanisms", CONF_KEY_LIST, NULL, 0, 0 },
	/* below 10 s: Postfix gives up on the auth server at 10 */
	{ "auth.failure_delay", CONF_KEY_INT, "2", 0, 9 },
	{ "auth.max_failures", CONF_KEY_INT, "10", 0, 1000000 },
	{ "auth.user_max_failures", CONF_KEY_INT, "30", 0, 1000000 },
	{ "auth.failure_window", CONF_KEY_INT, "300", 1, 86400 },
	{ "auth.realms", CONF_KEY_LIST, NULL, 0, 0 },
	/* next to the POP store; the systemd unit makes the folder */
	{ "auth.secret_file", CONF_KEY_STRING, "/var/lib/relaymilter/auth-secret", 0, 0 },
	/* pop */
	{ "pop.window", CONF_KEY_INT, "300", 1, 86400 },
	{ "pop.store", CONF_KEY_STRING, "lmdb:/var/lib/relaymilter/pop", 0, 0 },
	{ "pop.store_password", CONF_KEY_STRING, NULL, 0, 0 },
	/* a /64 is one customer's LAN; 128 keys single addresses */
	{ "pop.ipv6_prefix", CONF_KEY_INT, "64", 32, 128 },
	{ "pop.protocols", CONF_KEY_LIST, "pop3", 0, 0 },
	{ "pop.logs", CONF_KEY_ENTRIES, NULL, 0, 0 },
	/* pop.logs entries */
	{ "pop.logs[].path", CONF_KEY_STRING, NULL, 0, 0 },
	{ "pop.logs[].format", CONF_KEY_STRING, NULL, 0, 0 },
	{ "pop.logs[].pattern", CONF_KEY_STRING, NULL, 0, 0 },
	/* the journal instead of a file: only what dovecot.service wrote */
	{ "pop.logs[].journal", CONF_KEY_STRING, NULL, 0, 0 },
	{ "pop.logs[].journal_unit", CONF_KEY_STRING, "dovecot.service", 0, 0 },
	{ "pop.logs[].journal_directory", CONF_KEY_STRING, NULL, 0, 0 },
	/* relay limits and suspension: "N/window", window with s, m, h, d */
	{ "limits", CONF_KEY_GROUP, NULL, 0, 0 },
	{ "limits.user", CONF_KEY_STRING, NULL, 0, 0 },
	{ "limits.client", CONF_KEY_STRING, NULL, 0, 0 },
	{ "limits.user_clients", CONF_KEY_STRING, NULL, 0, 0 },
	{ "limits.store", CONF_KEY_STRING, "memory", 0, 0 },
	{ NULL, CONF_KEY_BOOL, NULL, 0, 0 }
};

const struct conf_key *
conf_keys_find(const char *path)
{
	const struct conf_key *k;

	for (k = conf_keys; k->path != NULL; k++)
		if (strcmp(k->path, path) == 0)
			return k;
	return NULL;
}

const struct conf_key *
conf_keys_member(const char *prefix, const char *name)
{
	const struct conf_key *k;
	size_t pl = strlen(prefix);

	for (k = conf_keys; k->path != NULL; k++) {
		const char *rest = k->path;

		/* No prefix: a top-level key, whose path has no dot. */
		if (pl > 0) {
			if (strncmp(rest, prefix, pl) != 0 || rest[pl] != '.')
				continue;
			rest += pl + 1;
		}
		if (strchr(rest, '.') == NULL && strcmp(rest, name) == 0)
			return k;
	}
	return NULL;
}

const char *
conf_keys_name(const struct conf_key *k)
{
	const char *p = strstr(k->path, "[].");

	return p != NULL ? p + 3 : k->path;
}

const char *
conf_keys_type_name(enum conf_key_type t)
{
	static const char *const names[] = { "bool", "int", "string", "mode",
	    "list", "group", "entries" };

	return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

int
conf_keys_default_word(const struct conf_key *k, size_t i, char *buf,
    size_t len)
{
	const char *p = k->dflt;
	size_t n;

	if (p == NULL)
		return -1;
	for (;;) {
		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n == 0)
			return -1;
		if (i-- == 0)
			break;
		p += n;
	}
	if (n >= len)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

int
conf_keys_default_int(const struct conf_key *k, long *out)
{
	char *end;
	long v;

	if (k->dflt == NULL || k->dflt[0] == '\0')
		return -1;
	if (k->type == CONF_KEY_BOOL) {
		if (strcmp(k->dflt, "true") != 0 &&
		    strcmp(k->dflt, "false") != 0)
			return -1;
		*out = k->dflt[0] == 't';
		return 0;
	}
	if (k->type != CONF_KEY_INT && k->type != CONF_KEY_MODE)
		return -1;
	v = strtol(k->dflt, &end, k->type == CONF_KEY_MODE ? 8 : 10);
	if (*end != '\0' || v < k->min || v > k->max)
		return -1;
	*out = v;
	return 0;
}
