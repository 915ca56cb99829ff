/*
 * conf_perm: the loader's rules on who may reach the daemon's sockets
 * (conf_perm_sockets, with the loader's positions) and who may change
 * the files a config is read from (conf_perm_files, for conf_load: a
 * string load has no file). Internal to config/.
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

/*
 * conf_perm_files -- check every file libconfig read into cfg (the file
 * it was given and each @include), through the descriptor of the file
 * opened again and the folders that hold it (a link's and its target's).
 * Refused: a file that others may write, or whose folder others may
 * write without the sticky bit (they could put another file in its
 * place). A warning, appended to the string vector *warn (*nwarn
 * entries; hand it to conf_perm_keep): a file its group may write.
 * Returns 0, or -1 with "file: message" in err.
 */
int conf_perm_files(const config_t *cfg, char ***warn, size_t *nwarn,
    char *err, size_t errlen);

/*
 * conf_perm_keep -- put the n warnings of warn (from conf_perm_files)
 * before the warnings of c, and release warn; with c NULL (the load
 * failed) only release it.
 */
void conf_perm_keep(struct conf *c, char **warn, size_t n);

#endif
