/*
 * conf_perm: the loader's rules on who may reach the daemon's sockets
 * (conf_perm_sockets, with the loader's positions). Internal to config/.
 */
#ifndef RELAYMILTER_CONF_PERM_H
#define RELAYMILTER_CONF_PERM_H

#include <libconfig.h>

#include "conf_read.h"

/*
 * conf_perm_sockets -- check the sockets of the config being built in
 * L->c against root, the tree it was read from. Refused at its line: a
 * socket_mode or control_mode with the other-write bit (every local user
 * could connect), and an auth socket (auth.dovecot, auth.saslauthd) or
 * the control socket that another host could reach (sockspec_local).
 * A warning: a mode written with the group-write bit while its group key
 * (socket_group, control_group) is not set, where a unix socket takes
 * it; a milter socket that another host could reach. Call it once the
 * top level and auth have been read. Returns 0, or -1 with L->err
 * filled.
 */
int conf_perm_sockets(struct loader *L, const config_setting_t *root);

#endif
