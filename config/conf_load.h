/*
 * conf_load: internal interface between the config front end (conf.c)
 * and the validating builder (conf_load.c). Not for other modules.
 */
#ifndef RELAYMILTER_CONF_LOAD_H
#define RELAYMILTER_CONF_LOAD_H

#include <libconfig.h>

#include "conf.h"

/*
 * conf_load_build -- validate a parsed libconfig tree and build a conf with one
 * reference. name is the file name used when a setting has no source
 * file; text is the source of a string load (NULL for a file), used to
 * pin down line numbers. Returns NULL with "file:line: message" in err.
 */
struct conf *conf_load_build(config_t *cfg, const char *name, const char *text,
    char *err, size_t errlen);

/* conf_free -- release a conf regardless of its reference count. */
void conf_free(struct conf *c);

/*
 * conf_pop_log_check -- check a pop.logs entry read by the loader (path
 * or journal, journal_unit, journal_directory; format, pattern), set its
 * fmt and source, and compile its pattern into pl->re.
 * Returns 0, or -1 with a message (without file:line) in err.
 */
int conf_pop_log_check(struct conf_poplog *pl, char *err, size_t errlen);

/*
 * conf_pop_protocol_add -- add one pop.protocols entry ("pop3", "imap")
 * to c->pop_protocols. Returns 0, or -1 with a message in err.
 */
int conf_pop_protocol_add(struct conf *c, const char *v, char *err,
    size_t errlen);

/* conf_pop_free -- release the pop.* parts of c (logs, patterns). */
void conf_pop_free(struct conf *c);

/*
 * conf_check_number -- the decimal number of at most 5 digits at
 * [p, p+len) if it lies in [lo, hi], else -1. Pure.
 */
long conf_check_number(const char *p, size_t len, long lo, long hi);

struct loader;

/*
 * conf_senders_load -- read users[].senders of the users entry e (user u,
 * at index idx of c->users) into c->senders, staged: strmap_commit makes
 * them visible. Without the key, a name that is a plain address is the
 * user's one sender. Returns 0, or -1 with "file:line: message" (an
 * empty entry, a bad or routed address, <>) set through L.
 */
int conf_senders_load(struct loader *L, const config_setting_t *e,
    const struct conf_user *u, size_t idx);

#endif
