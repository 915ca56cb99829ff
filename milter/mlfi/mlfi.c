/*
 * mlfi: the libmilter callbacks. A connection pins the running config and
 * remembers the client, the listener ({daemon_name}) and, per
 * transaction, the sender and {auth_authen}; every RCPT is then one call
 * of policy_decide and one log line. Only this file knows libmilter.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "accounts.h"
#include "addr.h"
#include "listen.h"
#include "log.h"
#include "mlfi.h"
#include "policy.h"
#include "pop.h"
#include "stats.h"
#include "verdict.h"

struct mlfi_conn {
	struct conf	*conf;
	const struct relay_policy *rp;
	unsigned long	 pflags;	/* protocol flags agreed with MTA */
	int		 have_client;
	struct netaddr	 client;
	char		 client_ip[48];
	char		 client_name[256];	/* verified name, or "" */
	char		 service[64];
	int		 stats_slot;	/* counters of this listener */
	int		 session_open;	/* counted in sessions.milter */
	char		 auth_user[256];
	int		 have_sender;
	struct addr	 sender;
	char		 sender_raw[512];
};

/* Macros asked of the MTA, per stage. */
static char mlfi_macros_connect[] =
    "{daemon_name} {client_addr} {client_name} {client_resolve} j v";
/* {mail_addr} is always defined at MAIL: its absence shows that the MTA
 * ignores this list, so that a missing {auth_authen} proves nothing. */
static char mlfi_macros_envfrom[] = "{auth_authen} {auth_type} i {mail_addr}";
static char mlfi_macros_envrcpt[] = "i {rcpt_mailer}";

static unsigned long mlfi_nr_wanted = SMFIP_NR_CONN | SMFIP_NR_MAIL;
static unsigned long mlfi_skip_wanted = SMFIP_NOHELO | SMFIP_NOHDRS |
    SMFIP_NOEOH | SMFIP_NOBODY | SMFIP_NOUNKNOWN;

/*
 * Macros the MTA fails to send are reported once per process, loudly,
 * with the lines that make Postfix and Sendmail send them.
 */
enum mlfi_missing {
	MLFI_MISSING_DAEMON_NAME,
	MLFI_MISSING_MAIL_MACROS,
	MLFI_MISSING_AUTH_AUTHEN,
	MLFI_MISSING_RCPT_MAILER,
	MLFI_MISSING_COUNT
};

static int mlfi_missing_told[MLFI_MISSING_COUNT];

static const char mlfi_fix_connect[] = "Postfix main.cf: "
    "milter_connect_macros = j {daemon_name} {daemon_addr} v _ "
    "{client_addr} {client_name} {client_ptr} (and "
    "-o milter_macro_daemon_name=NAME per listener in master.cf); "
    "Sendmail .mc: define(`confMILTER_MACROS_CONNECT', ``j, _, "
    "{daemon_name}, {if_name}, {if_addr}, {client_addr}, {client_name}, "
    "{client_resolve}, {client_port}'') and Name=NAME in each "
    "DAEMON_OPTIONS";
static const char mlfi_fix_mail[] = "Postfix main.cf: "
    "milter_mail_macros = i {auth_type} {auth_authen} {auth_author} "
    "{mail_addr} {mail_host} {mail_mailer}; Sendmail .mc: "
    "define(`confMILTER_MACROS_ENVFROM', ``i, {auth_type}, {auth_authen}, "
    "{auth_ssf}, {auth_author}, {mail_mailer}, {mail_host}, {mail_addr}'')";
static const char mlfi_fix_rcpt[] = "Postfix main.cf: "
    "milter_rcpt_macros = i {rcpt_addr} {rcpt_host} {rcpt_mailer}; "
    "Sendmail .mc: define(`confMILTER_MACROS_ENVRCPT', ``i, {rcpt_mailer}, "
    "{rcpt_host}, {rcpt_addr}'')";

static void
mlfi_missing(enum mlfi_missing which, const char *what, const char *fix)
{
	if (__atomic_exchange_n(&mlfi_missing_told[which], 1,
	    __ATOMIC_RELAXED) != 0)
		return;
	log_msg(LOG_ERR, "MTA configuration: %s. Add to the MTA's "
	    "configuration: %s. (Said once per process.)", what, fix);
}

/* Whether some listener's policy reads {auth_authen}. */
static int
mlfi_auth_needed(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nservices; i++)
		if (c->services[i].smtp_auth)
			return 1;
	return c->relay.smtp_auth;
}

static struct mlfi_conn *
mlfi_conn_get(SMFICTX *ctx)
{
	struct mlfi_conn *cc = smfi_getpriv(ctx);

	if (cc == NULL) {
		cc = calloc(1, sizeof(*cc));
		if (cc == NULL)
			return NULL;
		smfi_setpriv(ctx, cc);
	}
	return cc;
}

static sfsistat
mlfi_continue(const struct mlfi_conn *cc, unsigned long nr_flag)
{
	/* libmilter insists on NOREPLY once the MTA agreed not to wait. */
	return cc != NULL && (cc->pflags & nr_flag) ? SMFIS_NOREPLY :
	    SMFIS_CONTINUE;
}

static sfsistat
mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct mlfi_conn *cc = mlfi_conn_get(ctx);

	(void)f2;
	(void)f3;
	*pf0 = f0 & SMFIF_SETSYMLIST;
	*pf1 = f1 & (mlfi_nr_wanted | mlfi_skip_wanted);
	*pf2 = 0;
	*pf3 = 0;
	if (cc != NULL)
		cc->pflags = *pf1;
	if (f0 & SMFIF_SETSYMLIST) {
		smfi_setsymlist(ctx, SMFIM_CONNECT, mlfi_macros_connect);
		smfi_setsymlist(ctx, SMFIM_ENVFROM, mlfi_macros_envfrom);
		smfi_setsymlist(ctx, SMFIM_ENVRCPT, mlfi_macros_envrcpt);
	}
	return SMFIS_CONTINUE;
}

static void
mlfi_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* Log once per process which way client names came to be trusted. */
static void
mlfi_client_name_basis(int *said, const char *why)
{
	if (__atomic_exchange_n(said, 1, __ATOMIC_RELAXED) == 0)
		log_msg(LOG_INFO, "client names for always_allow_from: %s", why);
}

/*
 * The client name only when the MTA vouches for it: Sendmail says how it
 * found the name in {client_resolve} (only OK is verified); Postfix,
 * known by its v macro, puts only verified names in {client_name} and
 * sends no {client_resolve}. Any other MTA's name is not trusted.
 */
static void
mlfi_client_name(SMFICTX *ctx, struct mlfi_conn *cc)
{
	static int said_resolve, said_postfix, said_none;
	const char *name = smfi_getsymval(ctx, "{client_name}");
	const char *resolve = smfi_getsymval(ctx, "{client_resolve}");
	const char *v = smfi_getsymval(ctx, "v");

	if (name == NULL || name[0] == '[' || strcmp(name, "unknown") == 0)
		name = NULL;
	else if (resolve != NULL) {
		if (strcmp(resolve, "OK") != 0)
			name = NULL;
		else
			mlfi_client_name_basis(&said_resolve, "{client_name} "
			    "trusted when {client_resolve} is OK (Sendmail)");
	} else if (v != NULL && strncmp(v, "Postfix", 7) == 0)
		mlfi_client_name_basis(&said_postfix, "{client_name} trusted "
		    "from Postfix (it sends verified names only)");
	else {
		mlfi_client_name_basis(&said_none, "{client_name} ignored: "
		    "the MTA sent no {client_resolve} and is not Postfix "
		    "(macro v)");
		name = NULL;
	}
	mlfi_copy(cc->client_name, sizeof(cc->client_name), name);
}

static sfsistat
mlfi_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct mlfi_conn *cc = mlfi_conn_get(ctx);
	const char *v;

	if (cc == NULL)
		return SMFIS_TEMPFAIL;
	cc->conf = conf_current();
	if (cc->conf == NULL)
		return SMFIS_TEMPFAIL;
	cc->have_client = netaddr_from_sockaddr(hostaddr, &cc->client) == 0;
	if (!cc->have_client) {
		v = smfi_getsymval(ctx, "{client_addr}");
		cc->have_client = v != NULL && netaddr_parse(v, &cc->client) ==
		    0;
	}
	if (cc->have_client)
		netaddr_format(&cc->client, cc->client_ip,
		    sizeof(cc->client_ip));
	else
		mlfi_copy(cc->client_ip, sizeof(cc->client_ip), "unknown");
	/*
	 * The connect argument may be an unconfirmed PTR name (Sendmail):
	 * neither matched nor logged, the log names verified names only.
	 */
	(void)hostname;
	mlfi_client_name(ctx, cc);
	v = smfi_getsymval(ctx, "{daemon_name}");
	if (v == NULL && cc->conf->nservices > 0)
		mlfi_missing(MLFI_MISSING_DAEMON_NAME, "it sent no "
		    "{daemon_name} at connect, but relaymilter.conf has "
		    "services: every listener gets the top-level relay policy",
		    mlfi_fix_connect);
	mlfi_copy(cc->service, sizeof(cc->service), v);
	cc->rp = conf_service(cc->conf, cc->service);
	cc->stats_slot = stats_service_slot(cc->service);
	stats_inc(STATS_CONNECTIONS);
	if (!cc->session_open) {
		cc->session_open = 1;
		stats_session(STATS_DOOR_MILTER, 1);
	}
	return mlfi_continue(cc, SMFIP_NR_CONN);
}

/*
 * {auth_authen} is absent for an unauthenticated client, so its absence
 * alone proves nothing; what can be checked is that the MTA sends the
 * MAIL list at all ({mail_addr}), and that {auth_type} comes with it.
 */
static void
mlfi_check_mail_macros(SMFICTX *ctx)
{
	const char *type = smfi_getsymval(ctx, "{auth_type}");

	if (smfi_getsymval(ctx, "{mail_addr}") == NULL && type == NULL &&
	    smfi_getsymval(ctx, "{auth_authen}") == NULL)
		mlfi_missing(MLFI_MISSING_MAIL_MACROS, "it does not send the "
		    "MAIL FROM macros relaymilter asks for (no {mail_addr}), "
		    "but smtp_auth is on: {auth_authen} may never arrive, and "
		    "authenticated clients would be refused relaying",
		    mlfi_fix_mail);
	else if (type != NULL && type[0] != '\0' &&
	    smfi_getsymval(ctx, "{auth_authen}") == NULL)
		mlfi_missing(MLFI_MISSING_AUTH_AUTHEN, "it sent {auth_type} "
		    "but no {auth_authen} at MAIL FROM: authenticated clients "
		    "are refused relaying", mlfi_fix_mail);
}

static sfsistat
mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct mlfi_conn *cc = smfi_getpriv(ctx);

	if (cc == NULL || cc->conf == NULL)
		return SMFIS_TEMPFAIL;
	/* A new transaction: nothing of the previous one may leak in. */
	mlfi_copy(cc->sender_raw, sizeof(cc->sender_raw), argv[0]);
	addr_parse(argv[0], &cc->sender);
	cc->have_sender = 1;
	mlfi_copy(cc->auth_user, sizeof(cc->auth_user),
	    smfi_getsymval(ctx, "{auth_authen}"));
	if (mlfi_auth_needed(cc->conf))
		mlfi_check_mail_macros(ctx);
	return mlfi_continue(cc, SMFIP_NR_MAIL);
}

/* The reply text with '%' doubled: libmilter reads it as a format. */
static void
mlfi_setreply(SMFICTX *ctx, const struct policy_decision *d,
    const char *rcpt)
{
	char text[400], esc[800];
	size_t i, o = 0;

	policy_reply_text(d, rcpt, text, sizeof(text));
	for (i = 0; text[i] != '\0' && o + 2 < sizeof(esc); i++) {
		if (text[i] == '%')
			esc[o++] = '%';
		esc[o++] = text[i];
	}
	esc[o] = '\0';
	if (d->verdict == POLICY_REJECT)
		smfi_setreply(ctx, "550", "5.7.1", esc);
	else
		smfi_setreply(ctx, "451", "4.7.1", esc);
}

static sfsistat
mlfi_error(SMFICTX *ctx, const struct conf *pinned, const char *rcpt,
    const char *why)
{
	if (verdict_error(pinned, rcpt, why) == VERDICT_ACCEPT)
		return SMFIS_CONTINUE;
	smfi_setreply(ctx, "451", "4.7.1", "Temporary relaying check failure, "
	    "try again later");
	return SMFIS_TEMPFAIL;
}

static sfsistat
mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	struct mlfi_conn *cc = smfi_getpriv(ctx);
	struct policy_request req;
	struct acct_ctx ax;
	struct policy_decision d;
	struct verdict_session vs;
	struct addr rcpt;

	if (cc == NULL || cc->conf == NULL || !cc->have_sender ||
	    argv[0] == NULL)
		return mlfi_error(ctx, cc != NULL ? cc->conf : NULL, argv[0],
		    "no connection state");
	addr_parse(argv[0], &rcpt);
	memset(&req, 0, sizeof(req));
	req.client = cc->have_client ? &cc->client : NULL;
	req.client_name = cc->client_name[0] ? cc->client_name : NULL;
	req.auth_user = cc->auth_user[0] ? cc->auth_user : NULL;
	req.sender = &cc->sender;
	req.rcpt = &rcpt;
	req.rcpt_mailer = smfi_getsymval(ctx, "{rcpt_mailer}");
	if (req.rcpt_mailer == NULL && cc->conf->nlocal_transports > 0)
		mlfi_missing(MLFI_MISSING_RCPT_MAILER, "it sends no "
		    "{rcpt_mailer} at RCPT TO: the routing cross-check "
		    "(local.transports) is off", mlfi_fix_rcpt);
	req.now = time(NULL);
	req.pop = popstore_policy;
	req.pop_ctx = pop_store();
	accounts_request(&req, &ax);
	vs.qid = smfi_getsymval(ctx, "i");
	if (vs.qid != NULL && vs.qid[0] == '\0')
		vs.qid = NULL;
	vs.client_ip = cc->client_ip;
	vs.service = cc->service;
	vs.sender_raw = cc->sender_raw;
	vs.auth_user = cc->auth_user;
	vs.stats_slot = cc->stats_slot;
	if (verdict_decide(cc->conf, cc->rp, &req, &vs, argv[0], &d) ==
	    VERDICT_ACCEPT)
		return SMFIS_CONTINUE;
	mlfi_setreply(ctx, &d, argv[0]);
	return d.verdict == POLICY_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
}

static sfsistat
mlfi_data(SMFICTX *ctx)
{
	/* Every recipient is decided: spare the MTA the rest. */
	(void)ctx;
	return SMFIS_ACCEPT;
}

static sfsistat
mlfi_abort(SMFICTX *ctx)
{
	struct mlfi_conn *cc = smfi_getpriv(ctx);

	if (cc != NULL)
		cc->have_sender = 0;
	return SMFIS_CONTINUE;
}

static sfsistat
mlfi_close(SMFICTX *ctx)
{
	struct mlfi_conn *cc = smfi_getpriv(ctx);

	if (cc != NULL) {
		if (cc->session_open)
			stats_session(STATS_DOOR_MILTER, -1);
		conf_unref(cc->conf);
		free(cc);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc mlfi_desc = {
	.xxfi_name = "relaymilter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = 0,
	.xxfi_connect = mlfi_connect,
	.xxfi_envfrom = mlfi_envfrom,
	.xxfi_envrcpt = mlfi_envrcpt,
	.xxfi_data = mlfi_data,
	.xxfi_abort = mlfi_abort,
	.xxfi_close = mlfi_close,
	.xxfi_negotiate = mlfi_negotiate,
};

int
mlfi_setup(const struct conf *c, char *err, size_t errlen)
{
	char conn[SOCKSPEC_PATH_MAX + SOCKSPEC_HOST_MAX + 16];
	struct sockspec s;

	if (smfi_register(mlfi_desc) == MI_FAILURE) {
		snprintf(err, errlen, "libmilter refused to register the "
		    "filter");
		return -1;
	}
	if (sockspec_parse(c->socket, CONF_SOCKETS, &s, err, errlen) != 0)
		return -1;
	/*
	 * libmilter removes whatever is at a unix socket path: make sure it
	 * is not the live socket of a running daemon before it does.
	 */
	if (s.family == SOCKSPEC_UNIX && listen_unix_in_use(s.path)) {
		snprintf(err, errlen, "socket %s is in use by a running daemon",
		    c->socket);
		return -1;
	}
	/*
	 * libmilter gets the socket as parsed here ("local:" as "unix:",
	 * no IPv6 brackets); smfi_setconn keeps a copy.
	 */
	if (sockspec_format(&s, conn, sizeof(conn)) == NULL ||
	    smfi_setconn(conn) == MI_FAILURE) {
		snprintf(err, errlen, "socket %s: invalid", c->socket);
		return -1;
	}
	/* 1: remove a stale unix socket left by a previous run. */
	if (smfi_opensocket(1) == MI_FAILURE) {
		snprintf(err, errlen, "socket %s: cannot listen (in use, or "
		    "no permission)", c->socket);
		return -1;
	}
	if (s.family != SOCKSPEC_UNIX)
		return 0;
	return listen_unix_perms(s.path, c->socket_mode, c->socket_group, err,
	    errlen);
}

int
mlfi_run(void)
{
	return smfi_main() == MI_SUCCESS ? 0 : -1;
}
