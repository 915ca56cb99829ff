/*
 * conf_perm: who may reach what the config opens, and who may change the
 * config itself. Whoever can connect to the control socket can open
 * relaying for any address (relayctl pop add), whoever can connect to
 * an auth socket can try the users' passwords, and whoever can connect
 * to a front door (the Postfix policy service, the Sendmail socket map)
 * can probe the relaying policy, ask for decisions and write decision
 * lines to the log, so those kinds must be reachable from this host
 * only, and no socket mode may let every local user in; the milter
 * socket may sit on a network address, since the MTA may run elsewhere,
 * but that draws a warning (a door's MTA runs beside relaymilter: it has
 * no such need); the metrics address, which shows who relays how much,
 * must be loopback unless metrics_public says otherwise. The socket
 * rules run on the finished values, with the loader's positions for the
 * messages. Whoever can write the file, an @include, or the folder that
 * holds one sets the policy at the next reload: a file every local user
 * could change is refused, one its group could change draws a warning.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_perm.h"
#include "sockspec.h"

/* The socket keys, and what a host that reaches one could do with it. */
static const struct {
	const char	*path;
	int		 refuse;	/* reachable from outside: an error */
	const char	*risk;
} conf_perm_socks[] = {
	{ "socket", 0, "every host that reaches the port may talk to the "
	    "milter (ask for decisions, hold connections open); let only "
	    "the MTA reach it (a firewall), or use 127.0.0.1 when the MTA "
	    "runs on this host" },
	{ "control", 1, "whoever reaches it could open relaying for any "
	    "address (relayctl pop add); use a unix socket" },
	{ "postfix_policy", 1, "every host that reaches it could probe the "
	    "relaying policy (which clients, senders and users may relay) and "
	    "hold the daemon's connections; use a unix socket, or 127.0.0.1 "
	    "or ::1" },
	{ "auth.dovecot", 1, "every host that reaches it could try the "
	    "users' passwords; use a unix socket, or 127.0.0.1 or ::1" },
	{ "auth.saslauthd", 1, "every host that reaches it could try the "
	    "users' passwords; use a unix socket, or 127.0.0.1 or ::1" },
	{ "sendmail_socketmap", 1, "every host that reaches it could ask for "
	    "relay decisions and write decision lines to the log; use a unix "
	    "socket, or 127.0.0.1 or ::1 (Sendmail runs on this host)" },
	/* with metrics_public = true: a warning (conf_perm_public) */
	{ "metrics", 1, "every host that reaches it can read the counters "
	    "(who relays how much, which rules refuse, how many logins "
	    "fail); use 127.0.0.1 or ::1, or set metrics_public = true and "
	    "let only the Prometheus server reach it (a firewall)" },
};
#define CONF_PERM_NSOCKS (sizeof(conf_perm_socks) / sizeof(conf_perm_socks[0]))

/* The setting of the key at path ("auth.dovecot": in group auth). */
static const config_setting_t *
conf_perm_setting(const config_setting_t *root, const char *path)
{
	const char *dot = strchr(path, '.');
	char group[32];

	if (dot == NULL)
		return conf_read_get(root, path);
	snprintf(group, sizeof(group), "%.*s", (int)(dot - path) & 0x1f, path);
	return conf_read_get(conf_read_get(root, group), path);
}

/* Whether the socket spec v (NULL: not set) is a unix socket. */
static int
conf_perm_unix(const char *v)
{
	struct sockspec sp;
	char msg[256];

	return v != NULL && sockspec_parse(v, CONF_SOCKETS, &sp, msg,
	    sizeof(msg)) == 0 && sp.family == SOCKSPEC_UNIX;
}

/* The mode keys (socket_mode first), their group keys, and the risk. */
static const struct {
	const char	*mode, *group;
	const char	*risk;
} conf_perm_modes[] = {
	{ "socket_mode", "socket_group", "they could try the users' "
	    "passwords on the auth sockets and talk to the milter and the "
	    "front doors (policy service, socket map); use "
	    "\"0660\" with socket_group (the MTA's group)" },
	{ "control_mode", "control_group", "they could open relaying for "
	    "any address (relayctl pop add) and reload the daemon; use "
	    "\"0660\" with control_group" },
};
#define CONF_PERM_NMODES (sizeof(conf_perm_modes) / sizeof(conf_perm_modes[0]))

/*
 * A mode that lets others write lets every local user connect: refused.
 * One that lets the group write, written while its group key is not set,
 * hands the socket to the group the daemon starts with (root's), which
 * is seldom what was meant: a warning, where a unix socket takes it.
 */
static int
conf_perm_mode_check(struct loader *L, const config_setting_t *root)
{
	const struct conf *c = L->c;
	size_t i;

	for (i = 0; i < CONF_PERM_NMODES; i++) {
		const config_setting_t *s = conf_read_get(root,
		    conf_perm_modes[i].mode);
		int sock = i == 0;
		int mode = sock ? c->socket_mode : c->control_mode;
		const char *group = sock ? c->socket_group : c->control_group;
		/*
		 * socket_mode serves the milter, the doors' and the auth
		 * unix sockets.
		 */
		int unix_socket = sock ? conf_perm_unix(c->socket) ||
		    conf_perm_unix(c->postfix_policy) ||
		    conf_perm_unix(c->sendmail_socketmap) ||
		    conf_perm_unix(c->auth_dovecot) ||
		    conf_perm_unix(c->auth_saslauthd) : c->control != NULL;

		if (s == NULL || mode < 0)
			continue;
		if (mode & S_IWOTH)
			return conf_read_fail(L, s, "%s \"%s\" lets every local "
			    "user connect: %s", conf_perm_modes[i].mode,
			    config_setting_get_string(s), conf_perm_modes[i].risk);
		if ((mode & S_IWGRP) && group == NULL && unix_socket)
			conf_read_warn(L, s, "%s \"%s\" lets the group connect, "
			    "but %s is not set: the group is then the daemon's "
			    "own (root's when it starts as root), probably not "
			    "what was meant; set %s, or take the group's write "
			    "bit away", conf_perm_modes[i].mode,
			    config_setting_get_string(s), conf_perm_modes[i].group,
			    conf_perm_modes[i].group);
	}
	return 0;
}

/* metrics_public = true: the metrics address may be off loopback. */
static int
conf_perm_public(const struct conf *c, const char *path)
{
	return strcmp(path, "metrics") == 0 && c->metrics_public;
}

int
conf_perm_sockets(struct loader *L, const config_setting_t *root)
{
	struct sockspec sp;
	char msg[256];
	size_t i;

	if (conf_perm_mode_check(L, root) != 0)
		return -1;
	for (i = 0; i < CONF_PERM_NSOCKS; i++) {
		const config_setting_t *s = conf_perm_setting(root,
		    conf_perm_socks[i].path);
		const char *v = s != NULL ? config_setting_get_string(s) : NULL;

		/* Absent: none, or the default socket, which is loopback. */
		if (v == NULL || sockspec_parse(v, CONF_SOCKETS, &sp, msg,
		    sizeof(msg)) != 0 || sockspec_local(&sp))
			continue;
		if (conf_perm_public(L->c, conf_perm_socks[i].path)) {
			conf_read_warn(L, s, "metrics \"%s\" is not on a "
			    "loopback address (metrics_public = true): every "
			    "host that reaches it can read the counters; let "
			    "only the Prometheus server reach it (a firewall)",
			    v);
			continue;
		}
		if (conf_perm_socks[i].refuse)
			return conf_read_fail(L, s, "%s \"%s\" is not on a "
			    "loopback address: %s", conf_perm_socks[i].path, v,
			    conf_perm_socks[i].risk);
		conf_read_warn(L, s, "%s \"%s\" is not on a loopback address: "
		    "%s", conf_perm_socks[i].path, v, conf_perm_socks[i].risk);
	}
	return 0;
}

/*
 * How many files libconfig read into cfg, and the path it opened for the
 * i-th (the first is the file it was given). Before 1.6 the list holds
 * an @include as written, opened below include_dir (even an absolute
 * name); from 1.6 it holds the path opened, and from 1.7 it ends with
 * NULL instead of being counted.
 */
#if LIBCONFIG_VER_MAJOR == 1 && LIBCONFIG_VER_MINOR < 7
#define CONF_PERM_NFILES(cfg) ((cfg)->filenames != NULL ? \
	(size_t)(cfg)->num_filenames : 0)
#else
static size_t
conf_perm_nfiles(const config_t *cfg)
{
	size_t n = 0;

	while (cfg->filenames != NULL && cfg->filenames[n] != NULL)
		n++;
	return n;
}
#define CONF_PERM_NFILES(cfg) conf_perm_nfiles(cfg)
#endif

/* The path libconfig opened for its i-th file (buf may hold it). */
static const char *
conf_perm_filename(const config_t *cfg, size_t i, char *buf, size_t len)
{
	const char *name = cfg->filenames[i];

#if LIBCONFIG_VER_MAJOR == 1 && LIBCONFIG_VER_MINOR < 6
	if (i > 0 && cfg->include_dir != NULL) {
		snprintf(buf, len, "%s/%s", cfg->include_dir, name);
		return buf;
	}
#else
	(void)buf;
	(void)len;
#endif
	return name;
}

/*
 * The folder that holds file: whoever may write there without the
 * sticky bit may put another file in its place.
 */
static int
conf_perm_dir(const char *file, char *err, size_t errlen)
{
	const char *slash = strrchr(file, '/');
	char dir[PATH_MAX];
	struct stat st;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == file ? 1 :
		    (int)(slash - file) & 0xfff, file);
	if (stat(dir, &st) != 0) {
		snprintf(err, errlen, "%s: cannot check who may write its "
		    "folder %s: %s", file, dir, strerror(errno));
		return -1;
	}
	if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
		snprintf(err, errlen, "%s: its folder %s may be written by "
		    "every local user (mode %04o, no sticky bit): anyone could "
		    "replace the file and set the relaying policy; chmod o-w "
		    "%s", file, dir, (unsigned)(st.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}

/* The name of group gid, or its number, into buf. */
static const char *
conf_perm_group(gid_t gid, char *buf, size_t len)
{
	struct group gr, *res = NULL;
	char tmp[1024];

	if (getgrgid_r(gid, &gr, tmp, sizeof(tmp), &res) == 0 && res != NULL)
		snprintf(buf, len, "%s", gr.gr_name);
	else
		snprintf(buf, len, "%u", (unsigned)gid);
	return buf;
}

/* One file libconfig read: see conf_perm_files. */
static int
conf_perm_file(const char *file, char ***warn, size_t *nwarn, char *err,
    size_t errlen)
{
	char real[PATH_MAX], msg[PATH_MAX + 512], group[64];
	struct stat st;
	int fd = open(file, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: cannot check who may write it: %s",
		    file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (st.st_mode & S_IWOTH) {
		snprintf(err, errlen, "%s: every local user may write it (mode "
		    "%04o): anyone could set the relaying policy; chmod o-w it",
		    file, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	/* A link: the folders of the link and of the file it names. */
	if (conf_perm_dir(file, err, errlen) != 0 ||
	    (realpath(file, real) != NULL && strcmp(real, file) != 0 &&
	    conf_perm_dir(real, err, errlen) != 0))
		return -1;
	if (st.st_mode & S_IWGRP) {
		snprintf(msg, sizeof(msg), "%s: group %s may write it (mode "
		    "%04o): every member may set the relaying policy; chmod "
		    "g-w it unless that is meant", file, conf_perm_group(
		    st.st_gid, group, sizeof(group)),
		    (unsigned)(st.st_mode & 07777));
		if (conf_read_strv_add(warn, nwarn, msg) != 0) {
			snprintf(err, errlen, "%s: out of memory", file);
			return -1;
		}
	}
	return 0;
}

int
conf_perm_files(const config_t *cfg, char ***warn, size_t *nwarn, char *err,
    size_t errlen)
{
	char buf[PATH_MAX];
	size_t i, n = CONF_PERM_NFILES(cfg);

	for (i = 0; i < n; i++)
		if (conf_perm_file(conf_perm_filename(cfg, i, buf, sizeof(buf)),
		    warn, nwarn, err, errlen) != 0)
			return -1;
	return 0;
}

void
conf_perm_keep(struct conf *c, char **warn, size_t n)
{
	char **v;
	size_t i;

	if (n == 0) {
		free(warn);
		return;
	}
	v = c != NULL ? realloc(c->warnings, (c->nwarnings + n) *
	    sizeof(*v)) : NULL;
	if (v == NULL) {
		for (i = 0; i < n; i++)
			free(warn[i]);
		free(warn);
		return;
	}
	/* First: they are about the files the rest was read from. */
	memmove(v + n, v, c->nwarnings * sizeof(*v));
	memcpy(v, warn, n * sizeof(*v));
	c->warnings = v;
	c->nwarnings += n;
	free(warn);
}
