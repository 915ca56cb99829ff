/*
 * conf_read: positions, errors, warnings, and the checks and typed
 * getters the key table drives, for the config loader (see conf_read.h).
 * Every message names the file and the line of the setting it is about.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_keys.h"
#include "conf_read.h"

/* The text of a source file: the string loaded, or the file read back. */
static char *
conf_read_source(const struct loader *L, const char *file)
{
	char path[900], *buf;
	const char *slash = strrchr(L->name, '/');
	FILE *f;
	long n;

	if (strcmp(file, L->name) == 0 && L->text != NULL)
		return strdup(L->text);
	if (file[0] != '/' && strcmp(file, L->name) != 0 && slash != NULL)
		snprintf(path, sizeof(path), "%.*s/%s",
		    (int)(slash - L->name) & 0x1ff, L->name, file);
	else
		snprintf(path, sizeof(path), "%s", file);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	buf = malloc(1 << 20);
	n = buf != NULL ? (long)fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (buf != NULL)
		buf[n] = '\0';
	return buf;
}

/*
 * libconfig dates a list element by the token after it, which is the
 * closing bracket for the last one: look back for the line that really
 * holds the quoted value, but not above the list's own line.
 */
static int
conf_read_elem_line(const struct loader *L, const config_setting_t *s,
    const char *file, int line)
{
	const config_setting_t *parent = config_setting_parent(s);
	char needle[600], *text, *p, **starts = NULL;
	int n = 0, l, top;

	if (parent == NULL || config_setting_type(s) != CONFIG_TYPE_STRING ||
	    (config_setting_type(parent) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(parent) != CONFIG_TYPE_LIST) ||
	    (text = conf_read_source(L, file)) == NULL)
		return line;
	snprintf(needle, sizeof(needle), "\"%s\"",
	    config_setting_get_string(s));
	starts = calloc((size_t)line + 2, sizeof(*starts));
	for (p = text; starts != NULL && p != NULL && n <= line; n++) {
		starts[n] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	top = config_setting_source_line(parent);
	for (l = line; starts != NULL && l >= 1 && l >= top && l <= n; l--)
		if (strstr(starts[l - 1], needle) != NULL)
			break;
	if (starts == NULL || l < 1 || l < top || l > n)
		l = line;
	free(starts);
	free(text);
	return l;
}

/* "file:line" of setting s, for messages. */
static void
conf_read_where(const struct loader *L, const config_setting_t *s, char *buf,
    size_t len)
{
	const char *file = NULL;
	int line = 0;

	/* Scalars inside arrays may carry no position: use the parent's. */
	for (; s != NULL; s = config_setting_parent(s)) {
		line = config_setting_source_line(s);
		file = config_setting_source_file(s);
		if (line > 0)
			break;
	}
	if (s != NULL && line > 0)
		line = conf_read_elem_line(L, s, file ? file : L->name, line);
	snprintf(buf, len, "%s:%d", file ? file : L->name, line);
}

int
conf_read_fail(struct loader *L, const config_setting_t *s, const char *fmt,
    ...)
{
	char msg[CONF_ERRLEN], pos[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_read_where(L, s, pos, sizeof(pos));
	snprintf(L->err, L->errlen, "%s: %s", pos, msg);
	return -1;
}

/* Append a copy of s to the string vector *v of *n entries. */
int
conf_read_strv_add(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (nv == NULL)
		return -1;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* Keep msg in c->warnings (logged at start and reload, shown by -n). */
void
conf_read_add_warning(struct loader *L, const char *msg)
{
	if (L->c->nwarnings >= CONF_WARNINGS_MAX)
		L->warnings_dropped++;
	else
		(void)conf_read_strv_add(&L->c->warnings, &L->c->nwarnings, msg);
}

void
conf_read_warn(struct loader *L, const config_setting_t *s, const char *fmt,
    ...)
{
	char msg[CONF_ERRLEN], pos[900], line[CONF_ERRLEN + 904];
	va_list ap;

	/* Past the cap only count: finding the line rereads the file. */
	if (L->c->nwarnings >= CONF_WARNINGS_MAX) {
		L->warnings_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_read_where(L, s, pos, sizeof(pos));
	snprintf(line, sizeof(line), "%s: %s", pos, msg);
	conf_read_add_warning(L, line);
}

int
conf_read_nomem(struct loader *L, const config_setting_t *s)
{
	return conf_read_fail(L, s, "out of memory");
}

/* "the top level", "local", "a services entry": where prefix is. */
static void
conf_read_place(const char *prefix, char *buf, size_t len)
{
	size_t n = strlen(prefix);

	if (n == 0)
		snprintf(buf, len, "the top level");
	else if (n > 2 && strcmp(prefix + n - 2, "[]") == 0)
		snprintf(buf, len, "a %.*s entry", (int)(n - 2) & 0xff, prefix);
	else
		snprintf(buf, len, "%s", prefix);
}

/* An octal mode string within k's range into *out; 0 or -1. */
static int
conf_read_octal(const struct conf_key *k, const char *v, long *out)
{
	char *end;
	long m = strtol(v, &end, 8);

	if (*v == '\0' || *end != '\0' || m < k->min || m > k->max)
		return -1;
	*out = m;
	return 0;
}

/* The elements of a LIST (strings) or ENTRIES (groups) value s. */
static int
conf_read_check_elems(struct loader *L, const config_setting_t *s,
    const struct conf_key *k)
{
	int want = k->type == CONF_KEY_LIST ? CONFIG_TYPE_STRING :
	    CONFIG_TYPE_GROUP;
	int i, n = config_setting_length(s);

	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s,
		    (unsigned)i);

		if (config_setting_type(e) == want)
			continue;
		if (k->type == CONF_KEY_LIST)
			return conf_read_fail(L, e, "\"%s\" must hold strings "
			    "only", conf_keys_name(k));
		return conf_read_fail(L, e, "each %s entry must be a group "
		    "{ ... }", conf_keys_name(k));
	}
	return 0;
}

/* Whether the value s has the type (and lies in the range) of key k. */
static int
conf_read_check(struct loader *L, const config_setting_t *s,
    const struct conf_key *k)
{
	const char *name = conf_keys_name(k);
	int t = config_setting_type(s);
	long long v;
	long m;

	switch (k->type) {
	case CONF_KEY_BOOL:
		if (t != CONFIG_TYPE_BOOL)
			return conf_read_fail(L, s, "\"%s\" must be true or "
			    "false", name);
		return 0;
	case CONF_KEY_INT:
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			return conf_read_fail(L, s, "\"%s\" must be an integer",
			    name);
		v = t == CONFIG_TYPE_INT ? config_setting_get_int(s) :
		    config_setting_get_int64(s);
		if (v < k->min || v > k->max)
			return conf_read_fail(L, s, "\"%s\" must be between "
			    "%ld and %ld", name, k->min, k->max);
		return 0;
	case CONF_KEY_STRING:
		if (t != CONFIG_TYPE_STRING)
			return conf_read_fail(L, s, "\"%s\" must be a string",
			    name);
		return 0;
	case CONF_KEY_MODE:
		if (t != CONFIG_TYPE_STRING ||
		    conf_read_octal(k, config_setting_get_string(s), &m) != 0)
			return conf_read_fail(L, s, "\"%s\" must be an octal "
			    "mode such as \"0660\"", name);
		return 0;
	case CONF_KEY_LIST:
		if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
			return conf_read_fail(L, s, "\"%s\" must be a list of "
			    "strings, such as [ \"a\", \"b\" ]", name);
		return conf_read_check_elems(L, s, k);
	case CONF_KEY_GROUP:
		if (t != CONFIG_TYPE_GROUP)
			return conf_read_fail(L, s, "\"%s\" must be a group "
			    "{ ... }", name);
		return 0;
	case CONF_KEY_ENTRIES:
		if (t != CONFIG_TYPE_LIST)
			return conf_read_fail(L, s, "\"%s\" must be a list "
			    "( { ... }, ... )", name);
		return conf_read_check_elems(L, s, k);
	}
	return conf_read_fail(L, s, "\"%s\": unknown key type", name);
}

int
conf_read_members(struct loader *L, const config_setting_t *grp,
    const char *prefix)
{
	int i, n = config_setting_length(grp);
	char where[128];

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp,
		    (unsigned)i);
		const char *name = config_setting_name(s);
		const struct conf_key *k = name != NULL ?
		    conf_keys_member(prefix, name) : NULL;

		if (k == NULL) {
			conf_read_place(prefix, where, sizeof(where));
			return conf_read_fail(L, s, "unknown key \"%s\" in %s",
			    name ? name : "?", where);
		}
		if (conf_read_check(L, s, k) != 0)
			return -1;
	}
	return 0;
}

const config_setting_t *
conf_read_get(const config_setting_t *grp, const char *path)
{
	const char *dot = strrchr(path, '.');

	if (grp == NULL)
		return NULL;
	return config_setting_get_member(grp, dot != NULL ? dot + 1 : path);
}

/*
 * The table key at path, which must be of type t (else the loader asks
 * for a key the table does not declare so: a bug, reported as an error),
 * and its setting in grp (NULL when absent) in *s.
 */
static const struct conf_key *
conf_read_key(struct loader *L, const config_setting_t *grp, const char *path,
    enum conf_key_type t, const config_setting_t **s)
{
	const struct conf_key *k = conf_keys_find(path);

	if (k == NULL || k->type != t) {
		conf_read_fail(L, grp, "internal error: the key table has no "
		    "%s key %s", conf_keys_type_name(t), path);
		return NULL;
	}
	*s = conf_read_get(grp, path);
	return k;
}

/* An absent key's default for an int-like *out; -1 if it is unreadable. */
static int
conf_read_default(struct loader *L, const config_setting_t *grp,
    const struct conf_key *k, int *out)
{
	long v;

	if (k->dflt == NULL)
		return 0;
	if (conf_keys_default_int(k, &v) != 0)
		return conf_read_fail(L, grp, "internal error: bad default "
		    "\"%s\" for %s", k->dflt, k->path);
	*out = (int)v;
	return 0;
}

int
conf_read_str(struct loader *L, const config_setting_t *grp, const char *path,
    char **out)
{
	const config_setting_t *s;
	const struct conf_key *k = conf_read_key(L, grp, path, CONF_KEY_STRING,
	    &s);
	const char *v;
	char *copy;

	if (k == NULL)
		return -1;
	v = s != NULL ? config_setting_get_string(s) : k->dflt;
	if (v == NULL)
		return 0;
	if ((copy = strdup(v)) == NULL)
		return conf_read_nomem(L, s != NULL ? s : grp);
	free(*out);
	*out = copy;
	return s != NULL;
}

/*
 * A BOOL, INT or MODE key as an int: the value, which conf_read_members
 * has checked (an INT within [min, max] fits an int), or the default (a
 * mode without one: -1).
 */
static int
conf_read_number(struct loader *L, const config_setting_t *grp,
    const char *path, enum conf_key_type t, int *out)
{
	const config_setting_t *s;
	const struct conf_key *k = conf_read_key(L, grp, path, t, &s);
	long m;

	if (k == NULL)
		return -1;
	if (s == NULL) {
		if (t == CONF_KEY_MODE)
			*out = -1;
		return conf_read_default(L, grp, k, out);
	}
	if (t == CONF_KEY_BOOL)
		*out = config_setting_get_bool(s);
	else if (t == CONF_KEY_INT)
		*out = config_setting_type(s) == CONFIG_TYPE_INT ?
		    config_setting_get_int(s) :
		    (int)config_setting_get_int64(s);
	else if (conf_read_octal(k, config_setting_get_string(s), &m) == 0)
		*out = (int)m;
	else
		return conf_read_fail(L, s, "\"%s\" must be an octal mode "
		    "such as \"0660\"", conf_keys_name(k));
	return 1;
}

int
conf_read_bool(struct loader *L, const config_setting_t *grp, const char *path,
    int *out)
{
	return conf_read_number(L, grp, path, CONF_KEY_BOOL, out);
}

int
conf_read_int(struct loader *L, const config_setting_t *grp, const char *path,
    int *out)
{
	return conf_read_number(L, grp, path, CONF_KEY_INT, out);
}

int
conf_read_mode(struct loader *L, const config_setting_t *grp, const char *path,
    int *out)
{
	return conf_read_number(L, grp, path, CONF_KEY_MODE, out);
}

int
conf_read_strlist(struct loader *L, const config_setting_t *grp,
    const char *path, conf_item_fn fn, void *arg)
{
	const config_setting_t *s;
	const struct conf_key *k = conf_read_key(L, grp, path, CONF_KEY_LIST,
	    &s);
	char word[256];
	size_t w;
	int i, n;

	if (k == NULL)
		return -1;
	if (s == NULL) {
		for (w = 0; conf_keys_default_word(k, w, word,
		    sizeof(word)) == 0; w++)
			if (fn(L, grp, word, arg) != 0)
				return -1;
		return 0;
	}
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s,
		    (unsigned)i);

		if (fn(L, e, config_setting_get_string(e), arg) != 0)
			return -1;
	}
	return 1;
}

const config_setting_t *
conf_read_group(struct loader *L, const config_setting_t *grp,
    const char *path, int *rc)
{
	const config_setting_t *s;

	*rc = 0;
	if (conf_read_key(L, grp, path, CONF_KEY_GROUP, &s) == NULL)
		*rc = -1;
	else if (s != NULL && conf_read_members(L, s, path) != 0)
		*rc = -1;
	return *rc == 0 ? s : NULL;
}

const config_setting_t *
conf_read_entry(struct loader *L, const config_setting_t *list,
    const char *path, int i)
{
	const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
	char prefix[128];

	snprintf(prefix, sizeof(prefix), "%s[]", path);
	if (e == NULL) {
		conf_read_fail(L, list, "internal error: %s has no entry %d",
		    path, i);
		return NULL;
	}
	return conf_read_members(L, e, prefix) == 0 ? e : NULL;
}
