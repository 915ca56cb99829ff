/*
 * conf_load: internal interface between the config front end (conf.c)
 * and the validating builder (conf_load.c). Not for other modules.
 */
#ifndef RELAYMILTER_CONF_LOAD_H
#define RELAYMILTER_CONF_LOAD_H

#include <libconfig.h>

#include "conf.h"

/*
 * conf_build -- validate a parsed libconfig tree and build a conf with one
 * reference. name is the file name used when a setting has no source
 * file. Returns NULL with "file:line: message" in err.
 */
struct conf *conf_build(config_t *cfg, const char *name, char *err,
    size_t errlen);

/* conf_free -- release a conf regardless of its reference count. */
void conf_free(struct conf *c);

#endif
