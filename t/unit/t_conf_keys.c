/*
 * t_conf_keys: the key table (config/conf_keys.c) and the loader driven
 * by it. The table itself must hang together (unique paths, a parent
 * group for every key, defaults that read as their type and lie in
 * range); then, for every key it lists, a file that gives the key a
 * value of the wrong type, out of its range, or puts an unknown key
 * beside it, must be refused with "file:line: message" naming it, and
 * an absent key must take the table's default.
 */
#include "conf_fixture.h"

#include <stddef.h>

#include "conf_keys.h"

/* ==== the table ==== */

/* The path of the group k is in ("" for the top level), in buf. */
static void
parent_of(const struct conf_key *k, char *buf, size_t len)
{
	const char *dot = strrchr(k->path, '.');
	size_t n = dot != NULL ? (size_t)(dot - k->path) : 0;

	snprintf(buf, len, "%.*s", (int)n, k->path);
}

static void
test_table(void)
{
	const struct conf_key *k, *j;
	char parent[128], what[256];
	size_t n = 0;

	for (k = conf_keys; k->path != NULL; k++, n++) {
		const struct conf_key *p;
		long v;
		size_t pl;

		for (j = conf_keys; j < k; j++)
			if (strcmp(j->path, k->path) == 0)
				break;
		tap_ok(j == k, "%s: listed once", k->path);
		tap_ok(conf_keys_find(k->path) == k, "conf_keys_find(\"%s\")",
		    k->path);
		parent_of(k, parent, sizeof(parent));
		pl = strlen(parent);
		if (pl > 2 && strcmp(parent + pl - 2, "[]") == 0) {
			parent[pl - 2] = '\0';
			p = conf_keys_find(parent);
			tap_ok(p != NULL && p->type == CONF_KEY_ENTRIES,
			    "%s: in the list of groups %s", k->path, parent);
			parent[pl - 2] = '[';
		} else if (pl > 0) {
			p = conf_keys_find(parent);
			tap_ok(p != NULL && p->type == CONF_KEY_GROUP,
			    "%s: in the group %s", k->path, parent);
		}
		tap_ok(conf_keys_member(parent, k->path + (pl ? pl + 1 : 0)) ==
		    k, "%s: conf_keys_member(\"%s\", ...)", k->path, parent);
		snprintf(what, sizeof(what), "%s: name", k->path);
		tap_ok(strchr(conf_keys_name(k), '[') == NULL &&
		    strstr(k->path, conf_keys_name(k)) != NULL, "%s", what);
		if (k->type == CONF_KEY_INT || k->type == CONF_KEY_MODE)
			tap_ok(k->min <= k->max, "%s: range %ld to %ld",
			    k->path, k->min, k->max);
		else
			tap_ok(k->min == 0 && k->max == 0, "%s: no range",
			    k->path);
		if (k->dflt == NULL)
			continue;
		switch (k->type) {
		case CONF_KEY_BOOL:
		case CONF_KEY_INT:
		case CONF_KEY_MODE:
			tap_ok(conf_keys_default_int(k, &v) == 0,
			    "%s: default \"%s\" is a valid %s value",
			    k->path, k->dflt, conf_keys_type_name(k->type));
			break;
		case CONF_KEY_GROUP:
		case CONF_KEY_ENTRIES:
			tap_ok(0, "%s: a %s has no default", k->path,
			    conf_keys_type_name(k->type));
			break;
		default:
			tap_ok(k->dflt[0] != '\0', "%s: default not empty",
			    k->path);
		}
	}
	tap_ok(n > 40, "the table has its keys (%zu)", n);
	tap_ok(conf_keys_find("pop.windows") == NULL, "no key pop.windows");
	tap_ok(conf_keys_member("", "window") == NULL,
	    "window is no top-level key");
	tap_ok(conf_keys_member("pop", "logs[]") == NULL,
	    "conf_keys_member takes names, not paths");
}

/* conf_keys_default_word and conf_keys_default_int on made-up keys. */
static void
test_default_readers(void)
{
	static const struct {
		struct conf_key	 k;
		size_t		 word;
		const char	*want;		/* NULL: -1 */
	} words[] = {
		{ { "a", CONF_KEY_LIST, "x yy zzz", 0, 0 }, 0, "x" },
		{ { "a", CONF_KEY_LIST, "x yy zzz", 0, 0 }, 2, "zzz" },
		{ { "a", CONF_KEY_LIST, "x yy zzz", 0, 0 }, 3, NULL },
		{ { "a", CONF_KEY_LIST, "  x  ", 0, 0 }, 0, "x" },
		{ { "a", CONF_KEY_LIST, "  x  ", 0, 0 }, 1, NULL },
		{ { "a", CONF_KEY_LIST, "", 0, 0 }, 0, NULL },
		{ { "a", CONF_KEY_LIST, NULL, 0, 0 }, 0, NULL },
	};
	static const struct {
		struct conf_key	 k;
		int		 rc;
		long		 want;
	} ints[] = {
		{ { "a", CONF_KEY_BOOL, "true", 0, 0 }, 0, 1 },
		{ { "a", CONF_KEY_BOOL, "false", 0, 0 }, 0, 0 },
		{ { "a", CONF_KEY_BOOL, "yes", 0, 0 }, -1, 0 },
		{ { "a", CONF_KEY_INT, "300", 1, 86400 }, 0, 300 },
		{ { "a", CONF_KEY_INT, "0", 1, 86400 }, -1, 0 },
		{ { "a", CONF_KEY_INT, "86401", 1, 86400 }, -1, 0 },
		{ { "a", CONF_KEY_INT, "3x", 1, 86400 }, -1, 0 },
		{ { "a", CONF_KEY_INT, "", 1, 86400 }, -1, 0 },
		{ { "a", CONF_KEY_INT, NULL, 1, 86400 }, -1, 0 },
		{ { "a", CONF_KEY_MODE, "0660", 0, 0777 }, 0, 0660 },
		{ { "a", CONF_KEY_MODE, "0999", 0, 0777 }, -1, 0 },
		{ { "a", CONF_KEY_STRING, "1", 0, 0 }, -1, 0 },
	};
	char buf[8], what[128];
	size_t i;

	for (i = 0; i < NELEM(words); i++) {
		int rc = conf_keys_default_word(&words[i].k, words[i].word,
		    buf, sizeof(buf));

		snprintf(what, sizeof(what), "default_word(\"%s\", %zu)",
		    words[i].k.dflt ? words[i].k.dflt : "(null)",
		    words[i].word);
		tap_is_str(rc == 0 ? buf : NULL, words[i].want, what);
	}
	for (i = 0; i < NELEM(ints); i++) {
		long v = 0;
		int rc = conf_keys_default_int(&ints[i].k, &v);

		snprintf(what, sizeof(what), "default_int(%s \"%s\")",
		    conf_keys_type_name(ints[i].k.type),
		    ints[i].k.dflt ? ints[i].k.dflt : "(null)");
		tap_is_int(rc, ints[i].rc, what);
		if (rc == 0)
			tap_is_int(v, ints[i].want, what);
	}
	tap_ok(conf_keys_default_word(&words[0].k, 1, buf, 2) == -1,
	    "default_word: a word that does not fit");
}

/* ==== the loader, key by key ==== */

/*
 * A config that sets the key at path to value, on a line of its own
 * (each group and list of groups it is in opened on the lines before).
 * Returns the value's line.
 */
static int
nest(const char *path, const char *value, char *buf, size_t len)
{
	const char *closers[16];
	const char *p = path;
	size_t n = 0, o = 0;
	int line = 1;

	for (;;) {
		size_t w = strcspn(p, ".");
		int list = w > 2 && strncmp(p + w - 2, "[]", 2) == 0;

		if (p[w] == '\0' || n == NELEM(closers)) {
			o += (size_t)snprintf(buf + o, len - o, "%s = %s;\n",
			    p, value);
			break;
		}
		/* a list of groups: its one entry holds the rest */
		o += (size_t)snprintf(buf + o, len - o, list ? "%.*s = (\n{\n" :
		    "%.*s = {\n", (int)(list ? w - 2 : w), p);
		closers[n++] = list ? "}\n);\n" : "};\n";
		line += list ? 2 : 1;
		p += w + 1;
	}
	while (n > 0 && o < len)
		o += (size_t)snprintf(buf + o, len - o, "%s", closers[--n]);
	return line;
}

/* A value of another type than t (for a mode: a string that is none). */
static const char *const wrong_values[][3] = {
	[CONF_KEY_BOOL] = { "1", "\"true\"", NULL },
	[CONF_KEY_INT] = { "\"1\"", "1.5", "true" },
	[CONF_KEY_STRING] = { "1", "true", "[ \"a\" ]" },
	[CONF_KEY_MODE] = { "660", "\"0999\"", "\"rw\"" },
	[CONF_KEY_LIST] = { "\"a\"", "[ 1 ]", "{ a = 1; }" },
	[CONF_KEY_GROUP] = { "1", "( { } )", "[ \"a\" ]" },
	[CONF_KEY_ENTRIES] = { "{ }", "( \"a\" )", "1" },
};

/* Load text; it must fail at line with a message holding needle. */
static void
refused(const char *what, const char *text, int line, const char *needle)
{
	char err[CONF_ERRLEN] = "";
	struct conf *c = conf_load_string(text, "keys.conf", err,
	    sizeof(err));

	tap_ok(c == NULL, "refused: %s", what);
	if (c != NULL) {
		printf("# %s", text);
		conf_unref(c);
		return;
	}
	check_error(what, err, "keys.conf", line, needle);
}

static void
test_wrong_types(void)
{
	const struct conf_key *k;
	char text[2048], what[256];
	size_t i;
	int line;

	for (k = conf_keys; k->path != NULL; k++)
		for (i = 0; i < 3 && wrong_values[k->type][i] != NULL; i++) {
			line = nest(k->path, wrong_values[k->type][i], text,
			    sizeof(text));
			snprintf(what, sizeof(what), "%s = %s", k->path,
			    wrong_values[k->type][i]);
			refused(what, text, line, conf_keys_name(k));
		}
}

static void
test_ranges(void)
{
	const struct conf_key *k;
	char text[2048], what[256], v[64];
	int line;

	for (k = conf_keys; k->path != NULL; k++) {
		if (k->type != CONF_KEY_INT)
			continue;
		snprintf(v, sizeof(v), "%ld", k->min - 1);
		line = nest(k->path, v, text, sizeof(text));
		snprintf(what, sizeof(what), "%s = %s (below)", k->path, v);
		refused(what, text, line, "must be between");
		snprintf(v, sizeof(v), "%ld", k->max + 1);
		line = nest(k->path, v, text, sizeof(text));
		snprintf(what, sizeof(what), "%s = %s (above)", k->path, v);
		refused(what, text, line, conf_keys_name(k));
	}
}

/* Beside every key: one the table does not have. */
static void
test_unknown_keys(void)
{
	const struct conf_key *k;
	char text[2048], what[256], path[160];
	const char *dot;
	int line;

	for (k = conf_keys; k->path != NULL; k++) {
		const struct conf_key *j;

		/* once a group: the first key in it */
		parent_of(k, path, sizeof(path));
		for (j = conf_keys; j < k; j++) {
			parent_of(j, what, sizeof(what));
			if (strcmp(what, path) == 0)
				break;
		}
		if (j < k)
			continue;
		dot = strrchr(k->path, '.');
		snprintf(path, sizeof(path), "%.*sno_such_key",
		    dot != NULL ? (int)(dot - k->path) + 1 : 0, k->path);
		line = nest(path, "1", text, sizeof(text));
		snprintf(what, sizeof(what), "%s beside %s", path, k->path);
		refused(what, text, line, "unknown key \"no_such_key\"");
	}
}

/* ==== defaults ==== */

/* Where the loader keeps each int key: every INT key must be here. */
static const struct {
	const char	*path;
	size_t		 off;
} int_fields[] = {
	{ "auth.failure_delay", offsetof(struct conf, auth_failure_delay) },
	{ "auth.max_failures", offsetof(struct conf, auth_max_failures) },
	{ "auth.user_max_failures",
	    offsetof(struct conf, auth_user_max_failures) },
	{ "auth.failure_window", offsetof(struct conf, auth_failure_window) },
	{ "pop.window", offsetof(struct conf, pop_window) },
	{ "pop.ipv6_prefix", offsetof(struct conf, pop_ipv6_prefix) },
};

static int
int_field(const struct conf *c, const char *path)
{
	size_t i;

	for (i = 0; i < NELEM(int_fields); i++)
		if (strcmp(int_fields[i].path, path) == 0)
			return *(const int *)(const void *)((const char *)c +
			    int_fields[i].off);
	return -1;
}

static void
test_int_values(void)
{
	const struct conf_key *k;
	struct conf *c = load("", "empty.conf");
	char text[2048], v[64], what[256];
	long d;

	if (!tap_ok(c != NULL, "an empty file loads"))
		return;
	for (k = conf_keys; k->path != NULL; k++) {
		if (k->type != CONF_KEY_INT)
			continue;
		tap_ok(conf_keys_default_int(k, &d) == 0,
		    "%s: has a default", k->path);
		snprintf(what, sizeof(what), "%s: absent, the default %s",
		    k->path, k->dflt ? k->dflt : "(none)");
		tap_is_int(int_field(c, k->path), d, what);
	}
	conf_unref(c);
	for (k = conf_keys; k->path != NULL; k++) {
		long ends[2] = { k->min, k->max };
		size_t i;

		if (k->type != CONF_KEY_INT)
			continue;
		for (i = 0; i < 2; i++) {
			snprintf(v, sizeof(v), "%ld", ends[i]);
			nest(k->path, v, text, sizeof(text));
			c = load(text, "ends.conf");
			snprintf(what, sizeof(what), "%s = %s loads", k->path,
			    v);
			if (!tap_ok(c != NULL, "%s", what))
				continue;
			snprintf(what, sizeof(what), "%s = %s read back",
			    k->path, v);
			tap_is_int(int_field(c, k->path), ends[i], what);
			conf_unref(c);
		}
	}
}

static void
test_other_defaults(void)
{
	const struct conf_key *tr = conf_keys_find("local.transports");
	struct conf *c = load("", "empty.conf");
	char word[64], what[128];
	size_t i;

	if (!tap_ok(c != NULL && tr != NULL, "an empty file loads"))
		return;
	tap_is_str(c->socket, conf_keys_find("socket")->dflt,
	    "socket: the table's default");
	tap_is_str(conf_pop_store(c), conf_keys_find("pop.store")->dflt,
	    "pop.store: the table's default");
	tap_is_str(conf_keys_find("on_error")->dflt, "tempfail",
	    "on_error: the table says tempfail");
	tap_is_int(c->on_error, CONF_ON_ERROR_TEMPFAIL, "on_error: tempfail");
	tap_is_str(conf_keys_find("pop.protocols")->dflt, "pop3",
	    "pop.protocols: the table says pop3");
	tap_is_int(c->pop_protocols, CONF_POP_POP3, "pop.protocols: pop3");
	tap_is_int(c->socket_mode, -1, "socket_mode: no default, unset");
	tap_is_int(c->control_mode, -1, "control_mode: no default, unset");
	tap_is_int(c->relay.relay_for_non_local_senders, 1,
	    "relay.relay_for_non_local_senders: the table's true");
	tap_is_int(c->dry_run, 0, "dry_run: the table's false");
	for (i = 0; conf_keys_default_word(tr, i, word, sizeof(word)) == 0;
	    i++) {
		snprintf(what, sizeof(what), "local.transports[%zu]", i);
		tap_is_str(i < c->nlocal_transports ? c->local_transports[i] :
		    NULL, word, what);
	}
	tap_is_int((long)c->nlocal_transports, (long)i,
	    "local.transports: as many as the table's words");
	conf_unref(c);
}

int
main(void)
{
	test_table();
	test_default_readers();
	test_wrong_types();
	test_ranges();
	test_unknown_keys();
	test_int_values();
	test_other_defaults();
	return tap_done();
}
