/*
 * conf_read: the loader's reading toolkit. It knows where a setting stands
 * in its file (libconfig's positions, corrected for list elements), turns
 * problems into "file:line: message" errors or warnings, and checks and
 * reads keys as the key table (conf_keys.h) declares them: unknown keys,
 * types, ranges and defaults. conf_load.c builds the config with it.
 * Internal to config/.
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

/*
 * conf_read_members -- check every member of grp against the key table
 * (conf_keys.c): a name the table has no key for under prefix ("" for the
 * top level, "local", "services[]") is an unknown key; a value of another
 * type than the key's, or outside its range, is refused too, with the
 * list elements and list entries it holds. Call it on a group before
 * reading from it. Returns 0, or -1 with L->err filled.
 */
int conf_read_members(struct loader *L, const config_setting_t *grp,
    const char *prefix);

/*
 * conf_read_get -- the member of grp (NULL: an absent group) that the
 * table key at path names, or NULL when it is absent. Pure.
 */
const config_setting_t *conf_read_get(const config_setting_t *grp,
    const char *path);

/*
 * conf_read_str, _bool, _int, _mode -- read the table key at path, a
 * member of grp (NULL: an absent group), into *out: the value given, or
 * the key's default when it is absent (a string is newly allocated; a
 * mode without a default reads -1; without a default *out is left as
 * it is). grp must have passed conf_read_members. Each returns 1 if the
 * key is set, 0 if absent, -1 with L->err filled (out of memory, or a
 * path that is not a key of that type: a bug).
 */
int conf_read_str(struct loader *L, const config_setting_t *grp,
    const char *path, char **out);
int conf_read_bool(struct loader *L, const config_setting_t *grp,
    const char *path, int *out);
int conf_read_int(struct loader *L, const config_setting_t *grp,
    const char *path, int *out);
int conf_read_mode(struct loader *L, const config_setting_t *grp,
    const char *path, int *out);

/*
 * conf_read_strlist -- call fn for each string of the list key at path,
 * or, when it is absent, for each word of the key's default (with grp
 * as the setting). Returns 1 if present, 0 if absent, -1 on an error
 * from fn (or a path that is not a list key).
 */
int conf_read_strlist(struct loader *L, const config_setting_t *grp,
    const char *path, conf_item_fn fn, void *arg);

/*
 * conf_read_group -- the group key at path, a member of grp, with its
 * own members checked by conf_read_members. Returns it; NULL with *rc 0
 * if absent, NULL with *rc -1 on an error.
 */
const config_setting_t *conf_read_group(struct loader *L,
    const config_setting_t *grp, const char *path, int *rc);

/*
 * conf_read_entry -- entry i of list, the list of groups at path (from
 * conf_read_get), with its members checked by conf_read_members. Returns
 * it, or NULL with L->err filled.
 */
const config_setting_t *conf_read_entry(struct loader *L,
    const config_setting_t *list, const char *path, int i);

#endif
