/*
 * conf_perm: who may reach what the config opens. Whoever can connect to
 * the control socket can open relaying for any address (relayctl pop
 * add), and whoever can connect to an auth socket can try the users'
 * passwords, so those two kinds must be reachable from this host only,
 * and no socket mode may let every local user in; the milter socket may
 * sit on a network address, since the MTA may run elsewhere, but that
 * draws a warning. The rules run on the finished values, with the
 * loader's positions for the messages.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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
	{ "auth.dovecot", 1, "every host that reaches it could try the "
	    "users' passwords; use a unix socket, or 127.0.0.1 or ::1" },
	{ "auth.saslauthd", 1, "every host that reaches it could try the "
	    "users' passwords; use a unix socket, or 127.0.0.1 or ::1" },
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
	    "passwords on the auth sockets and talk to the milter; use "
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
		/* socket_mode serves the milter and auth unix sockets. */
		int unix_socket = sock ? conf_perm_unix(c->socket) ||
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
		if (conf_perm_socks[i].refuse)
			return conf_read_fail(L, s, "%s \"%s\" is not on a "
			    "loopback address: %s", conf_perm_socks[i].path, v,
			    conf_perm_socks[i].risk);
		conf_read_warn(L, s, "%s \"%s\" is not on a loopback address: "
		    "%s", conf_perm_socks[i].path, v, conf_perm_socks[i].risk);
	}
	return 0;
}
