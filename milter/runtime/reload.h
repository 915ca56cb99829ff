/*
 * reload: replacing the running config. The whole file is parsed and
 * validated first; only a valid one is swapped in, and connections keep
 * the config they pinned. Reloads from SIGUSR1 and from the control
 * socket are serialised.
 */
#ifndef RELAYMILTER_RELOAD_H
#define RELAYMILTER_RELOAD_H

#include <stddef.h>
#include <time.h>

#include "conf.h"

/*
 * reload_init -- remember the config file (NULL: embedded default) and
 * the listeners the daemon bound at start, from c. Call once, before any
 * reload.
 */
void reload_init(const char *path, const struct conf *c);

/*
 * reload_run -- load the file again and install it if valid. Returns 0
 * with a short report in msg (for instance which listeners need a
 * restart to change), or -1 with "file:line: message" in msg; the
 * running config is then unchanged. Logs either way. Thread-safe.
 */
int reload_run(char *msg, size_t len);

/* reload_path -- the config file, or NULL for the embedded default. */
const char *reload_path(void);

/* reload_loaded_at -- when the running config was loaded. */
time_t reload_loaded_at(void);

/*
 * reload_restart_needed -- copy into buf a description of the listener
 * settings that changed in the file since start and only take effect on
 * restart, or "" if none. Thread-safe.
 */
void reload_restart_needed(char *buf, size_t len);

#endif
