/*
 * conf_read: positions, errors, warnings and typed getters for the
 * config loader (see conf_read.h). Every message names the file and the
 * line of the setting it is about.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
conf_read_fail(struct loader *L, const config_setting_t *s, const char *fmt, ...)
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
conf_read_warn(struct loader *L, const config_setting_t *s, const char *fmt, ...)
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

int
conf_read_keys(struct loader *L, const config_setting_t *grp,
    const char *const *allowed, const char *where)
{
	int i, n = config_setting_length(grp);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp,
		    (unsigned)i);
		const char *name = config_setting_name(s);
		const char *const *k;

		for (k = allowed; *k; k++)
			if (name != NULL && strcmp(name, *k) == 0)
				break;
		if (*k == NULL)
			return conf_read_fail(L, s, "unknown key \"%s\" in %s",
			    name ? name : "?", where);
	}
	return 0;
}

/* Returns 1 if set (value in *out, newly allocated), 0 if absent, -1. */
int
conf_read_str(struct loader *L, const config_setting_t *grp, const char *key,
    char **out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char *v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return conf_read_fail(L, s, "\"%s\" must be a string", key);
	v = strdup(config_setting_get_string(s));
	if (v == NULL)
		return conf_read_nomem(L, s);
	free(*out);
	*out = v;
	return 1;
}

int
conf_read_bool(struct loader *L, const config_setting_t *grp, const char *key,
    int *out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return conf_read_fail(L, s, "\"%s\" must be true or false", key);
	*out = config_setting_get_bool(s);
	return 1;
}

int
conf_read_int(struct loader *L, const config_setting_t *grp, const char *key,
    long lo, long hi, int *out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	long long v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_INT)
		v = config_setting_get_int(s);
	else if (config_setting_type(s) == CONFIG_TYPE_INT64)
		v = config_setting_get_int64(s);
	else
		return conf_read_fail(L, s, "\"%s\" must be an integer", key);
	if (v < lo || v > hi)
		return conf_read_fail(L, s, "\"%s\" must be between %ld and %ld", key,
		    lo, hi);
	*out = (int)v;
	return 1;
}

int
conf_read_mode(struct loader *L, const config_setting_t *grp, const char *key,
    int *out)
{
	char *v = NULL, *end;
	long m;
	int rc = conf_read_str(L, grp, key, &v);

	if (rc <= 0)
		return rc;
	m = strtol(v, &end, 8);
	if (*v == '\0' || *end != '\0' || m < 0 || m > 0777) {
		free(v);
		return conf_read_fail(L, config_setting_get_member(grp, key),
		    "\"%s\" must be an octal mode such as \"0660\"", key);
	}
	free(v);
	*out = (int)m;
	return 1;
}

/* Calls fn for each string of an array or list; 0 if absent. */
int
conf_read_strlist(struct loader *L, const config_setting_t *grp, const char *key,
    conf_item_fn fn, void *arg)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	int i, n;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return conf_read_fail(L, s, "\"%s\" must be a list of strings, "
		    "such as [ \"a\", \"b\" ]", key);
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s,
		    (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return conf_read_fail(L, e, "\"%s\" must hold strings only", key);
		if (fn(L, e, config_setting_get_string(e), arg) != 0)
			return -1;
	}
	return 1;
}

const config_setting_t *
conf_read_group(struct loader *L, const config_setting_t *grp, const char *key,
    const char *const *allowed, int *rc)
{
	const config_setting_t *s = config_setting_get_member(grp, key);

	*rc = 0;
	if (s == NULL)
		return NULL;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		*rc = conf_read_fail(L, s, "\"%s\" must be a group { ... }", key);
		return NULL;
	}
	if (conf_read_keys(L, s, allowed, key) != 0) {
		*rc = -1;
		return NULL;
	}
	return s;
}

