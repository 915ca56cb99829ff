/*
 * conf_read: the loader's reading toolkit. It knows where a setting stands
 * in its file (libconfig's positions, corrected for list elements), turns
 * problems into "file:line: message" errors or warnings, refuses unknown
 * keys, and reads typed values. conf_load.c and conf_pop.c build the
 * config with it. Internal to config/.
 */
#ifndef RELAYMILTER_CONF_READ_H
#define RELAYMILTER_CONF_READ_H

#include <libconfig.h>

#include "conf.h"

/* The state of one load: where errors go and the conf being built. */
struct loader {
	const char	*name;
	const char	*text;		/* source of a string load, or NULL */
	char		*err;
	size_t		 errlen;
	struct conf	*c;
	size_t		 warnings_dropped;	/* past CONF_WARNINGS_MAX */
};

/* Warnings kept per load; the rest are counted in one last line. */
#define CONF_WARNINGS_MAX	16

typedef int (*conf_item_fn)(struct loader *, const config_setting_t *,
    const char *, void *);


/*
 * conf_read_fail -- write "file:line: message" for setting s (or its
 * nearest positioned parent) into L->err. Returns -1, for "return fail()".
 */
int conf_read_fail(struct loader *L, const config_setting_t *s,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* conf_read_warn -- the same as a warning kept in L->c->warnings (capped). */
void conf_read_warn(struct loader *L, const config_setting_t *s,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* conf_read_add_warning -- keep msg as a warning, or count it past the cap. */
void conf_read_add_warning(struct loader *L, const char *msg);

/* conf_read_nomem -- conf_read_fail with "out of memory". Returns -1. */
int conf_read_nomem(struct loader *L, const config_setting_t *s);

/* conf_read_strv_add -- append a copy of s to *v (*n entries). 0 or -1. */
int conf_read_strv_add(char ***v, size_t *n, const char *s);

/* conf_read_keys -- fail on a member of grp not in allowed. 0 or -1. */
int conf_read_keys(struct loader *L, const config_setting_t *grp,
    const char *const *allowed, const char *where);

/*
 * conf_read_str, _bool, _int, _mode -- read member key of grp into *out
 * (a string is newly allocated; a mode is an octal string). Each returns
 * 1 if set, 0 if absent, -1 (with L->err filled) on a wrong type or value.
 */
int conf_read_str(struct loader *L, const config_setting_t *grp,
    const char *key, char **out);
int conf_read_bool(struct loader *L, const config_setting_t *grp,
    const char *key, int *out);
int conf_read_int(struct loader *L, const config_setting_t *grp,
    const char *key, long lo, long hi, int *out);
int conf_read_mode(struct loader *L, const config_setting_t *grp,
    const char *key, int *out);

/*
 * conf_read_strlist -- call fn for each string of the array or list key.
 * Returns 1 if present, 0 if absent, -1 on error (from fn or a type).
 */
int conf_read_strlist(struct loader *L, const config_setting_t *grp,
    const char *key, conf_item_fn fn, void *arg);

/*
 * conf_read_group -- member key of grp if it is a group with only allowed
 * keys; NULL with *rc 0 if absent, NULL with *rc -1 on an error.
 */
const config_setting_t *conf_read_group(struct loader *L,
    const config_setting_t *grp, const char *key,
    const char *const *allowed, int *rc);

#endif
