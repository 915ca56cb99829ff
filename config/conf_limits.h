/*
 * conf_limits: internal interface between the loader (conf_load.c) and
 * the limits.* part of the config (conf_limits.c). Not for other modules.
 */
#ifndef RELAYMILTER_CONF_LIMITS_H
#define RELAYMILTER_CONF_LIMITS_H

#include <libconfig.h>

#include "conf.h"
#include "conf_read.h"

/*
 * conf_limits_read -- read the "N/window" string key path of grp into
 * out (left as is when absent) and note that limits are on. Returns 0,
 * or -1 with "file:line: message" in L->err.
 */
int conf_limits_read(struct loader *L, const config_setting_t *grp,
    const char *path, struct conf_limit *out);

/*
 * conf_limits_load -- the limits group: user, client, user_clients and
 * store (a warning for suspensions kept in memory). 0, or -1 with
 * L->err filled.
 */
int conf_limits_load(struct loader *L, const config_setting_t *root);

#endif
