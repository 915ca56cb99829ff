/*
 * accounts: the daemon's accounts store (see accounts.h). The store is
 * opened once at start and lives until exit; request threads read its
 * pointer without a lock. Whether a request is counted is its own
 * config's business (limits_on, the limits), so a reload changes limits
 * at once; a changed limits.store waits for a restart (reload says so).
 */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accounts.h"
#include "log.h"

#define ACCOUNTS_LINE_MAX	1024

static struct acct *accounts_st;

struct acct *
accounts_store(void)
{
	return __atomic_load_n(&accounts_st, __ATOMIC_ACQUIRE);
}

int
accounts_prepare(const struct conf *c, const char *user, char *err,
    size_t errlen)
{
	struct passwd *pw = NULL;

	if (strncmp(c->limits_store, "lmdb:", 5) != 0)
		return 0;
	if (user != NULL && geteuid() == 0 && (pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user %s: no such user", user);
		return -1;
	}
	return acct_prepare(c->limits_store, pw ? pw->pw_uid : (uid_t)-1,
	    pw ? pw->pw_gid : (gid_t)-1, err, errlen);
}

int
accounts_open(const struct conf *c, char *err, size_t errlen)
{
	struct acct *a;

	/*
	 * The POP lookup rides in the accounts store's request with the POP
	 * key of a /64 (acct_policy); with another pop.ipv6_prefix the IPv6
	 * keys differ, so the POP store is then asked on its own.
	 */
	if (acct_open(c->limits_store, c->pop_store_password,
	    conf_pop_needed(c) && c->pop_ipv6_prefix == 64 ?
	    conf_pop_store(c) : NULL, &a, err, errlen) != 0)
		return -1;
	__atomic_store_n(&accounts_st, a, __ATOMIC_RELEASE);
	log_msg(LOG_INFO, "accounts store %s open (limits %s)", acct_kind(a),
	    c->limits_on ? "on" : "off");
	return 0;
}

void
accounts_close(void)
{
	acct_close(__atomic_exchange_n(&accounts_st, NULL, __ATOMIC_ACQ_REL));
}

void
accounts_request(struct policy_request *req, struct acct_ctx *x)
{
	x->acct = accounts_store();
	req->limits = acct_policy;
	req->limits_ctx = x;
}

/* The store, or -1 with err. */
static struct acct *
accounts_need(char *err, size_t errlen)
{
	struct acct *a = accounts_store();

	if (a == NULL)
		snprintf(err, errlen, "no accounts store is open");
	return a;
}

int
accounts_suspend(const char *user, FILE *out, char *err, size_t errlen)
{
	struct acct *a = accounts_need(err, errlen);
	int r;

	if (a == NULL)
		return -1;
	r = acct_suspend(a, user, time(NULL), "relayctl suspend", err, errlen);
	if (r < 0)
		return -1;
	if (r == 1)
		log_msg(LOG_WARNING, "suspended user=%s by relayctl suspend: "
		    "relaying is off until \"relayctl unsuspend\"", user);
	fprintf(out, "%s %s\n", r ? "suspended" : "already suspended", user);
	return 0;
}

int
accounts_unsuspend(const char *user, FILE *out, char *err, size_t errlen)
{
	struct acct *a = accounts_need(err, errlen);
	int r;

	if (a == NULL || (r = acct_unsuspend(a, user, err, errlen)) < 0)
		return -1;
	if (r == 1)
		log_msg(LOG_NOTICE, "unsuspended user=%s by relayctl "
		    "unsuspend", user);
	fprintf(out, "%s %s\n", r ? "lifted" : "not suspended", user);
	return 0;
}

struct accounts_lines {
	char		**v;
	size_t		 n, cap;
};

/* "2026-12-07T00:00:00Z" */
static void
accounts_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Text for a quoted field: printable, without quotes or backslashes. */
static const char *
accounts_quoted(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < len; i++)
		out[i] = in[i] < 0x20 || in[i] == 0x7f || in[i] == '"' ||
		    in[i] == '\\' ? '?' : in[i];
	if (len > 0)
		out[i] = '\0';
	return out;
}

/* One entry as its line, kept for sorting. */
static int
accounts_line(void *arg, const struct acct_entry *e)
{
	struct accounts_lines *L = arg;
	char line[ACCOUNTS_LINE_MAX], when[32], u[300], w[300];

	log_clean(e->user, u, sizeof(u));
	if (e->since != 0 || e->why[0] != '\0') {
		accounts_time(e->since, when, sizeof(when));
		snprintf(line, sizeof(line), "user=%s suspended since=%s "
		    "why=\"%s\"", u, when, accounts_quoted(e->why, w,
		    sizeof(w)));
	} else {
		accounts_time(e->start, when, sizeof(when));
		snprintf(line, sizeof(line), "%s=%s count=%ld window=%ds "
		    "since=%s", u[0] ? "user" : "client", u[0] ? u :
		    log_clean(e->client, w, sizeof(w)), e->count, e->window,
		    when);
	}
	if (L->n == L->cap) {
		size_t cap = L->cap ? L->cap * 2 : 64;
		char **v = realloc(L->v, cap * sizeof(*v));

		if (v == NULL)
			return 1;
		L->v = v;
		L->cap = cap;
	}
	if ((L->v[L->n] = strdup(line)) == NULL)
		return 1;
	L->n++;
	return 0;
}

static int
accounts_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
accounts_list(FILE *out, char *err, size_t errlen)
{
	struct acct *a = accounts_need(err, errlen);
	struct accounts_lines L = { NULL, 0, 0 };
	size_t i;
	int rc;

	if (a == NULL)
		return -1;
	/* Collected first: the store's lock is not held while writing. */
	rc = acct_list(a, time(NULL), accounts_line, &L, err, errlen);
	if (L.n > 0)
		qsort(L.v, L.n, sizeof(*L.v), accounts_cmp);
	for (i = 0; i < L.n; i++) {
		if (rc == 0)
			fprintf(out, "%s\n", L.v[i]);
		free(L.v[i]);
	}
	free(L.v);
	return rc;
}
