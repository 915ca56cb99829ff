/*
 * conf: the configuration model. A libconfig file (or the embedded
 * default) is parsed and validated as a whole into an immutable,
 * reference-counted struct conf; a reload builds a new one and swaps it
 * in only when the whole file is valid. conf.c holds the running config
 * and the references, conf_load.c and conf_read.c build one, conf_check.c
 * and conf_pop.c validate single values.
 *
 * Pinning rule. A request keeps the config it started with: it takes one
 * reference with conf_current() at its start and uses that config, and
 * only that one, for every answer until it ends, then drops it with
 * conf_unref(). A request is a milter connection (pinned at connect, for
 * all its transactions and its error replies), one AUTH exchange of the
 * Dovecot protocol (from AUTH to OK/FAIL), one saslauthd request, one
 * Postfix policy request, one Sendmail socket map lookup, one policy or
 * control command, one line of a POP log. Listeners, log feeds and stores are set up from the start-up config and change only on a
 * restart (a reload reports them). Lock order: reload's lock, then
 * conf.c's; no other lock is held while either is taken, and no lock is
 * held across a network call or a failure delay.
 */
#ifndef RELAYMILTER_CONF_H
#define RELAYMILTER_CONF_H

#include <stddef.h>

#include "addr.h"
#include "arena.h"
#include "domset.h"
#include "netset.h"
#include "sockspec.h"
#include "strmap.h"

#define CONF_DEFAULT_PATH	"/etc/relaymilter.conf"
/* the socket key's default (conf_keys.c), also the embedded default's */
#define CONF_DEFAULT_SOCKET	"inet:8895@127.0.0.1"
/*
 * The socket forms the config takes (sockspec_parse's accept): socket,
 * postfix_policy, sendmail_socketmap, auth.dovecot and auth.saslauthd
 * take any; control, for local administrators only, a unix socket
 * (relayctl reads it the same way).
 */
#define CONF_SOCKETS		(SOCKSPEC_ACCEPT_UNIX | SOCKSPEC_ACCEPT_INET)
#define CONF_CONTROL_SOCKETS	SOCKSPEC_ACCEPT_UNIX
/* metrics: HTTP for a Prometheus server, which scrapes TCP only */
#define CONF_METRICS_SOCKETS	SOCKSPEC_ACCEPT_INET
#define CONF_ERRLEN		1024

enum conf_on_error {
	CONF_ON_ERROR_TEMPFAIL,
	CONF_ON_ERROR_ACCEPT
};

/* The relaying controls of one listener (top level or a services entry). */
struct relay_policy {
	const char	*service;	/* daemon_name; NULL at top level */
	int		 smtp_auth;
	int		 pop_before_smtp;
	int		 relay_for_non_local_senders;
	int		 relay_for_client_machines;
	int		 bind_sender;	/* MAIL FROM must be the user's own */
	struct netset	*allow_from_nets;	/* always_allow_from: IPs */
	struct domset	*allow_from_names;	/* always_allow_from: names */
	struct domset	*allow_to;		/* always_allow_to */
	int		 owns_from, owns_to;	/* lists set here, not shared */
};

/* A relay limit "N/window" (conf_limits.c); n == 0: no limit. */
struct conf_limit {
	long		 n;		/* 1..CONF_LIMIT_MAX */
	int		 window;	/* seconds */
};

#define CONF_LIMIT_MAX		1000000000L
#define CONF_LIMIT_WINDOW_MAX	(366 * 86400)

struct conf_user {
	char		*name;
	char		*password;	/* "{SCHEME}..." */
	int		 relay;
	struct conf_limit limit;	/* users[].limit; n 0: limits.user */
};

/* How a pop.logs entry's lines are read (conf_pop.c, poplog.c). */
enum conf_poplog_format {
	CONF_POPLOG_DOVECOT,
	CONF_POPLOG_COURIER,
	CONF_POPLOG_REGEX
};

/* pop.protocols: which logins open relaying (bits). */
#define CONF_POP_POP3		1
#define CONF_POP_IMAP		2

struct conf_poplog {
	char		*path;
	char		*format;
	enum conf_poplog_format fmt;
	char		*pattern;	/* format "regex": PCRE2 source */
	void		*re;		/* its compiled pcre2_code, or NULL */
	char		*journal;	/* SYSLOG_IDENTIFIER, instead of path */
	char		*journal_unit;	/* _SYSTEMD_UNIT too, unless "" */
	char		*journal_directory; /* NULL: the system journal */
	char		*source;	/* path, or "journal:IDENT": for logs */
};

struct conf {
	int		 refs;		/* atomic */
	/*
	 * Unique among the confs this process builds: what a cache of
	 * per-config results is keyed on, since a later conf may be given
	 * the address of a freed one.
	 */
	unsigned long	 serial;
	char		*path;		/* file loaded; "(embedded default)" */
	int		 embedded;
	char		*socket;
	int		 socket_mode;	/* -1: not set */
	char		*socket_group;
	char		*postfix_policy;	/* Postfix policy door, or NULL */
	char		*sendmail_socketmap;	/* Sendmail socket map door */
	char		*metrics;	/* Prometheus scrape address, or NULL */
	int		 metrics_public;	/* metrics may be off loopback */
	char		*control;
	int		 control_mode;
	char		*control_group;
	char		*user;
	char		*pidfile;
	int		 dry_run;
	enum conf_on_error on_error;

	struct domset	 local_domains;	/* domains and domain_aliases */
	struct netset	 lan;
	/* local.transports: {rcpt_mailer} values that deliver here; none:
	 * the routing cross-check is off (the key table's default if absent) */
	char		**local_transports;
	size_t		 nlocal_transports;

	struct relay_policy relay;
	struct relay_policy *services;
	size_t		 nservices;

	struct conf_user *users;
	size_t		 nusers;
	struct strmap	 usermap;	/* name -> struct conf_user * */
	/* users[].senders: "<user index>\t<local>@<domain>" and
	 * "<user index>\t@<domain>" keys (conf_senders.c) */
	struct strmap	 senders;

	char		*auth_dovecot;
	char		*auth_saslauthd;
	char		**auth_mechanisms;
	size_t		 auth_nmechanisms;
	int		 auth_failure_delay;
	int		 auth_max_failures;	/* per client network, 0: off */
	int		 auth_user_max_failures; /* per name, then slowed; 0: off */
	int		 auth_failure_window;	/* seconds */
	struct domset	 auth_realms;
	char		*auth_secret_file;	/* absolute path */

	int		 pop_window;
	char		*pop_store;	/* the key table's default if absent */
	char		*pop_store_password;	/* Redis AUTH; never logged */
	int		 pop_ipv6_prefix;	/* IPv6 clients grouped by */
	int		 pop_protocols;	/* CONF_POP_* bits */
	struct conf_poplog *pop_logs;
	size_t		 pop_nlogs;

	/* limits (conf_limits.c); n 0: that limit is off */
	struct conf_limit limit_user;
	struct conf_limit limit_client;
	struct conf_limit limit_user_clients;
	char		*limits_store;	/* the key table's default if absent */
	int		 limits_on;	/* some limit is set (or users[].limit) */

	char		**warnings;	/* to log after a successful load */
	size_t		 nwarnings;

	/* the keys of the domain sets and of usermap too long for a table
	 * slot, freed at once */
	struct arena	 arena;
};

/*
 * conf_load -- read and validate the file at path. Returns a new conf
 * with one reference, or NULL with "file:line: message" in err. A file
 * read (path or an @include) that others may write, or that lies in a
 * folder others may write without the sticky bit, is refused with
 * "file: message"; one its group may write adds a warning (conf_perm.c).
 */
struct conf *conf_load(const char *path, char *err, size_t errlen);

/*
 * conf_load_string -- the same from text; name is used in messages and
 * as the base for @include. Returns a conf or NULL with err filled.
 */
struct conf *conf_load_string(const char *text, const char *name, char *err,
    size_t errlen);

/*
 * conf_default -- the embedded default: the host's own domain and
 * "localhost" are local, the LAN is loopback, the controls have their
 * defaults. Returns a conf or NULL with err filled.
 */
struct conf *conf_default(char *err, size_t errlen);

/* conf_ref -- take another reference. Thread-safe. Returns c. */
struct conf *conf_ref(struct conf *c);

/* conf_unref -- drop a reference; frees c with the last one. Thread-safe. */
void conf_unref(struct conf *c);

/*
 * conf_current -- the running config, with a reference the caller must
 * drop. NULL before conf_install. Thread-safe (short mutex).
 */
struct conf *conf_current(void);

/*
 * conf_install -- make c (whose reference is passed in) the running
 * config; the previous one loses the install reference and lives on
 * while connections still pin it. Then returns the heap memory freed by
 * the load (the parse tree) to the system (malloc_trim, with glibc).
 * Thread-safe.
 */
void conf_install(struct conf *c);

/*
 * conf_service -- the policy for the listener named daemon_name (exact
 * match), or the top-level one. Pure; daemon_name may be NULL.
 */
const struct relay_policy *conf_service(const struct conf *c,
    const char *daemon_name);

/*
 * conf_user_find -- the user an SMTP AUTH name refers to: exact,
 * case-sensitive match of users[].name, after removing an "@realm"
 * suffix whose realm is listed in auth.realms. NULL if none. Pure.
 */
const struct conf_user *conf_user_find(const struct conf *c,
    const char *authen);

/*
 * conf_sender_allowed -- whether the SMTP AUTH name authen may use
 * sender (a parsed MAIL FROM) under bind_sender: the null sender always;
 * a plain local@domain when the user's senders list it, or list
 * "@domain" (that domain exactly, not its subdomains); domains compare
 * normalized (case, IDN), local parts case-insensitively. A routed or
 * otherwise not plain sender, and any sender of a name that is not a
 * user, never. Returns 1 or 0. Pure, allocation-free, thread-safe.
 */
int conf_sender_allowed(const struct conf *c, const char *authen,
    const struct addr *sender);

/*
 * conf_user_keylen -- how much of the SMTP AUTH name authen names its
 * user, by conf_user_find's rule, whether or not there is such a user:
 * all of it, or the part before an "@realm" suffix whose realm is
 * listed in auth.realms when authen as a whole is not a user. So
 * "alice@example.com" and "alice" have the same key exactly when
 * conf_user_find takes them for the same user, known or not. Pure.
 */
size_t conf_user_keylen(const struct conf *c, const char *authen);

/*
 * conf_limits_parse -- parse a relay limit "N/window" (N 1..CONF_LIMIT_MAX,
 * window a number with s, m, h or d, at most CONF_LIMIT_WINDOW_MAX
 * seconds) into out. Returns 0, or -1 with a message in err. Pure.
 */
int conf_limits_parse(const char *s, struct conf_limit *out, char *err,
    size_t errlen);

/*
 * conf_limits_user -- the limit of the authenticated user u (users[].limit,
 * else limits.user); u may be NULL (limits.user). Pure.
 */
const struct conf_limit *conf_limits_user(const struct conf *c,
    const struct conf_user *u);

/*
 * conf_check_password -- validate a stored password ("{PLAIN}...",
 * crypt hashes, "{SCRAM-SHA-256}iter,salt,stored,server") with the
 * parser the SASL service uses (pwscheme_parse), so that every password
 * that loads can be checked. Returns 0, or -1 with a message in err.
 * Pure.
 */
int conf_check_password(const char *pw, char *err, size_t errlen);

/*
 * conf_pop_needed -- 1 if the top level or some services entry enables
 * pop_before_smtp (the POP store is then opened), else 0. Pure.
 */
int conf_pop_needed(const struct conf *c);

/* conf_pop_store -- pop.store (its default when it is not set). Pure. */
const char *conf_pop_store(const struct conf *c);

/*
 * conf_pop_describe -- what the log feeds and the key grouping are, as
 * one line ("/64 /var/log/mail.log:dovecot ..."), to tell whether a
 * reload changed them. Returns buf. Pure.
 */
char *conf_pop_describe(const struct conf *c, char *buf, size_t len);

/*
 * conf_pop_store_check -- validate a pop.store value: "lmdb:/abs/dir" or
 * "redis://host:port/db" (port 1-65535, db 0-15 and both optional:
 * 6379 and 0). Returns 0 or -1 with a message in err. Pure.
 */
int conf_pop_store_check(const char *spec, char *err, size_t errlen);

/*
 * conf_pop_redis_parse -- split "redis://host[:port][/db]" ("[v6]" for
 * an IPv6 host) into host (hostlen bytes), *port and *db. Returns 0, or
 * -1 with a message in err. Pure.
 */
int conf_pop_redis_parse(const char *spec, char *host, size_t hostlen,
    int *port, int *db, char *err, size_t errlen);

#endif
