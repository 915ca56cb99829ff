/*
 * mlfi: the libmilter glue. This interface hides libmilter from the rest
 * of the program: only mlfi.c includes libmilter/mfapi.h.
 */
#ifndef RELAYMILTER_MLFI_H
#define RELAYMILTER_MLFI_H

#include "conf.h"

/*
 * mlfi_setup -- register the filter and bind the milter socket of c
 * (removing a stale unix socket), applying socket_mode/socket_group.
 * Call before daemonizing and dropping privileges. Returns 0, or -1 with
 * a message in err.
 */
int mlfi_setup(const struct conf *c, char *err, size_t errlen);

/*
 * mlfi_run -- serve milter connections until libmilter is told to stop
 * (SIGHUP, SIGTERM, SIGINT). Each connection pins the config current when
 * it starts. Returns 0 on a clean stop, -1 otherwise.
 */
int mlfi_run(void);

#endif
