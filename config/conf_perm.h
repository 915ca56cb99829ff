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
 * L->c against root, the tree it was read from: an auth socket
 * (auth.dovecot, auth.saslauthd) or the control socket that another
 * host could reach (sockspec_local) is refused at its line; a milter
 * socket that another host could reach draws a warning. Call it once the
 * top level and auth have been read. Returns 0, or -1 with L->err
 * filled.
 */
int conf_perm_sockets(struct loader *L, const config_setting_t *root);

#endif
