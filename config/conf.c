/*
 * conf: the config's life. Reading a file or a string with libconfig
 * (conf_load, conf_load_string; conf_load.c builds and validates the
 * struct, conf_perm.c refuses files that others may change), the
 * embedded default, references, the running config
 * (conf_current, conf_install), freeing, and the lookups every front door
 * makes in a config: the listener's policy and the user an SMTP AUTH name
 * refers to.
 */
#include "config.h"

#include <libconfig.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "conf_load.h"
#include "conf_risk.h"
#include "conf_perm.h"

static pthread_mutex_t conf_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conf *conf_running;

struct conf *
conf_ref(struct conf *c)
{
	__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	return c;
}

static void
conf_free_policy(struct relay_policy *p)
{
	if (p->owns_from && p->allow_from_nets != NULL) {
		netset_free(p->allow_from_nets);
		free(p->allow_from_nets);
	}
	if (p->owns_from && p->allow_from_names != NULL) {
		domset_free(p->allow_from_names);
		free(p->allow_from_names);
	}
	if (p->owns_to && p->allow_to != NULL) {
		domset_free(p->allow_to);
		free(p->allow_to);
	}
	free((char *)p->service);
}

static void
conf_free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->path);
	free(c->socket);
	free(c->socket_group);
	free(c->postfix_policy);
	free(c->sendmail_socketmap);
	free(c->metrics);
	free(c->control);
	free(c->control_group);
	free(c->user);
	free(c->pidfile);
	domset_free(&c->local_domains);
	netset_free(&c->lan);
	conf_free_strv(c->local_transports, c->nlocal_transports);
	for (i = 0; i < c->nservices; i++)
		conf_free_policy(&c->services[i]);
	free(c->services);
	conf_free_policy(&c->relay);
	for (i = 0; i < c->nusers; i++) {
		free(c->users[i].name);
		if (c->users[i].password != NULL) {
			/* Do not leave secrets in freed heap memory. */
			explicit_bzero(c->users[i].password,
			    strlen(c->users[i].password));
			free(c->users[i].password);
		}
	}
	free(c->users);
	strmap_free(&c->usermap, NULL);
	strmap_free(&c->senders, NULL);
	free(c->auth_dovecot);
	free(c->auth_saslauthd);
	conf_free_strv(c->auth_mechanisms, c->auth_nmechanisms);
	domset_free(&c->auth_realms);
	free(c->auth_secret_file);
	conf_pop_free(c);
	free(c->limits_store);
	conf_free_strv(c->warnings, c->nwarnings);
	/* Last: the sets above kept their strings here. */
	arena_free(&c->arena);
	free(c);
}

void
conf_unref(struct conf *c)
{
	if (c != NULL && __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) == 0)
		conf_free(c);
}

struct conf *
conf_current(void)
{
	struct conf *c;

	pthread_mutex_lock(&conf_lock);
	c = conf_running != NULL ? conf_ref(conf_running) : NULL;
	pthread_mutex_unlock(&conf_lock);
	return c;
}

/*
 * Give the memory of the parse that built the running config back to the
 * system. libconfig takes a few blocks per setting (about 80 MiB for a
 * config of 220k entries) and config_destroy frees them below the blocks
 * of the conf built meanwhile, so malloc cannot shrink its heap by
 * itself: a daemon would keep the largest file it ever parsed resident
 * for good. Done here rather than in conf_load, because the next parse
 * has to fault those pages in again (15-30 ms for 220k entries): worth
 * it for the config a daemon keeps, not for one loaded to be checked.
 */
static void
conf_trim(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

void
conf_install(struct conf *c)
{
	struct conf *old;

	pthread_mutex_lock(&conf_lock);
	old = conf_running;
	conf_running = c;
	pthread_mutex_unlock(&conf_lock);
	conf_unref(old);
	conf_trim();
}

const struct relay_policy *
conf_service(const struct conf *c, const char *daemon_name)
{
	size_t i;

	if (daemon_name != NULL && *daemon_name != '\0')
		for (i = 0; i < c->nservices; i++)
			if (strcmp(c->services[i].service, daemon_name) == 0)
				return &c->services[i];
	return &c->relay;
}

/* The "@" of authen's "@realm" suffix if auth.realms lists the realm. */
static const char *
conf_user_realm(const struct conf *c, const char *authen)
{
	const char *at = strrchr(authen, '@');
	char realm[ADDR_DOMAIN_MAX];

	if (at != NULL && at > authen && domset_count(&c->auth_realms) > 0 &&
	    addr_domain_normalize(at + 1, strlen(at + 1), realm,
	    sizeof(realm)) == 0 && domset_match(&c->auth_realms, realm))
		return at;
	return NULL;
}

const struct conf_user *
conf_user_find(const struct conf *c, const char *authen)
{
	const struct conf_user *u;
	const char *at;

	if (authen == NULL || *authen == '\0')
		return NULL;
	u = strmap_get(&c->usermap, authen, strlen(authen));
	if (u != NULL)
		return u;
	at = conf_user_realm(c, authen);
	return at != NULL ? strmap_get(&c->usermap, authen,
	    (size_t)(at - authen)) : NULL;
}

size_t
conf_user_keylen(const struct conf *c, const char *authen)
{
	size_t len = authen != NULL ? strlen(authen) : 0;
	const char *at;

	if (len == 0 || strmap_get(&c->usermap, authen, len) != NULL)
		return len;
	at = conf_user_realm(c, authen);
	return at != NULL ? (size_t)(at - authen) : len;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	config_t cfg;
	struct conf *c;
	char *dir, *slash, **warn = NULL;
	size_t nwarn = 0;

	config_init(&cfg);
	dir = strdup(path);
	if (dir == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		config_destroy(&cfg);
		return NULL;
	}
	slash = strrchr(dir, '/');
	if (slash != NULL) {
		*slash = '\0';
		config_set_include_dir(&cfg, *dir ? dir : "/");
	}
	free(dir);
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read the file", path);
		else
			snprintf(err, errlen, "%s:%d: %s",
			    config_error_file(&cfg) ? config_error_file(&cfg) :
			    path, config_error_line(&cfg),
			    config_error_text(&cfg));
		config_destroy(&cfg);
		return NULL;
	}
	/* Before building: a file anyone may change is no policy at all. */
	if (conf_perm_files(&cfg, &warn, &nwarn, err, errlen) != 0) {
		conf_perm_keep(NULL, warn, nwarn);
		config_destroy(&cfg);
		return NULL;
	}
	c = conf_load_build(&cfg, path, NULL, err, errlen);
	conf_perm_keep(c, warn, nwarn);
	config_destroy(&cfg);
	return c;
}

struct conf *
conf_load_string(const char *text, const char *name, char *err,
    size_t errlen)
{
	config_t cfg;
	struct conf *c;

	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		snprintf(err, errlen, "%s:%d: %s", name,
		    config_error_line(&cfg), config_error_text(&cfg));
		config_destroy(&cfg);
		return NULL;
	}
	c = conf_load_build(&cfg, name, text, err, errlen);
	config_destroy(&cfg);
	return c;
}

/*
 * Append a quoted domain to the default config text if it is valid and
 * may be listed: a bare host name ("vm") or a public suffix as parent
 * ("co.uk") is left out, as a file would be refused for it.
 */
static void
conf_default_domain(char *buf, size_t len, const char *d)
{
	char norm[ADDR_DOMAIN_MAX], quoted[ADDR_DOMAIN_MAX + 2], err[256];

	if (d == NULL || *d == '\0' || strchr(d, '"') != NULL ||
	    addr_domain_normalize(d, strlen(d), norm, sizeof(norm)) != 0 ||
	    conf_risk_domain(norm, err, sizeof(err)) != 0)
		return;
	snprintf(quoted, sizeof(quoted), "\"%s\"", norm);
	if (strstr(buf, quoted) != NULL)
		return;
	snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
	    *buf ? ", " : "", quoted);
}

struct conf *
conf_default(char *err, size_t errlen)
{
	char host[256] = "", domains[1024] = "", text[2048];
	struct addrinfo hints, *res = NULL;
	struct conf *c;

	if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	/* Like Postfix's myhostname: qualify a bare name if the resolver can. */
	if (host[0] != '\0' && strchr(host, '.') == NULL) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_flags = AI_CANONNAME;
		if (getaddrinfo(host, NULL, &hints, &res) == 0 &&
		    res->ai_canonname != NULL &&
		    strchr(res->ai_canonname, '.') != NULL)
			snprintf(host, sizeof(host), "%s", res->ai_canonname);
		if (res != NULL)
			freeaddrinfo(res);
	}
	conf_default_domain(domains, sizeof(domains), host);
	if (strchr(host, '.') != NULL)
		conf_default_domain(domains, sizeof(domains),
		    strchr(host, '.') + 1);
	conf_default_domain(domains, sizeof(domains), "localhost");
	snprintf(text, sizeof(text),
	    "socket = \"%s\";\n"
	    "local = {\n"
	    "  domains = [ %s ];\n"
	    "  lan = [ \"127.0.0.0/8\", \"::1/128\" ];\n"
	    "};\n", CONF_DEFAULT_SOCKET, domains);
	c = conf_load_string(text, "(embedded default)", err, errlen);
	if (c != NULL)
		c->embedded = 1;
	return c;
}
