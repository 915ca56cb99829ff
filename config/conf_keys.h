/*
 * conf_keys: the table of every key relaymilter.conf(5) knows, with its
 * type, its default and, for numbers, its range. The loader refuses what
 * the table does not list, checks types and ranges against it and takes
 * absent keys' defaults from it, so a key is declared in one place (as
 * Postfix's mail_params.h does); t/manpage.test reads the same table to
 * check that every key is documented. Pure data and lookups.
 */
#ifndef RELAYMILTER_CONF_KEYS_H
#define RELAYMILTER_CONF_KEYS_H

#include <stddef.h>

enum conf_key_type {
	CONF_KEY_BOOL,		/* true or false */
	CONF_KEY_INT,		/* an integer in [min, max] */
	CONF_KEY_STRING,
	CONF_KEY_MODE,		/* a string: an octal mode in [min, max] */
	CONF_KEY_LIST,		/* [ "a", "b" ] or ( "a", "b" ) */
	CONF_KEY_GROUP,		/* { key = value; ... } */
	CONF_KEY_ENTRIES	/* ( { ... }, { ... } ): a list of groups */
};

/*
 * One key. path is the key as the man page names it inside its group,
 * prefixed by the groups it is in ("pop.window"); the keys of an entry
 * of a list of groups are prefixed by the list's path and "[]"
 * ("services[].daemon_name"). dflt is the value an absent key takes,
 * written as in the file without quotes (a list: its words separated by
 * spaces), or NULL: no value (a string stays unset, a mode reads -1, a
 * services[] key inherits relay's).
 */
struct conf_key {
	const char		*path;
	enum conf_key_type	 type;
	const char		*dflt;
	long			 min, max;	/* INT and MODE only */
};

/* The table, ending with a NULL path. */
extern const struct conf_key conf_keys[];

/*
 * conf_keys_find -- the key at path ("pop.window", "users[].name").
 * Returns NULL if the table has no such key. Pure.
 */
const struct conf_key *conf_keys_find(const char *path);

/*
 * conf_keys_member -- the key called name inside the group at prefix
 * ("" for the top level, "pop", "services[]"). Returns NULL if there is
 * none. Pure.
 */
const struct conf_key *conf_keys_member(const char *prefix, const char *name);

/*
 * conf_keys_name -- the key's name as messages and the man page give it:
 * the path without the list it is an entry of ("daemon_name" for
 * "services[].daemon_name", "pop.window" as it is). Returns a pointer
 * into k->path. Pure.
 */
const char *conf_keys_name(const struct conf_key *k);

/*
 * conf_keys_type_name -- "bool", "int", "string", "mode", "list",
 * "group" or "entries". Pure.
 */
const char *conf_keys_type_name(enum conf_key_type t);

/*
 * conf_keys_default_word -- copy the i-th space-separated word (from 0)
 * of k->dflt into buf (len bytes). Returns 0, or -1 when there is no
 * such word (or it does not fit). Pure.
 */
int conf_keys_default_word(const struct conf_key *k, size_t i, char *buf,
    size_t len);

/*
 * conf_keys_default_int -- k->dflt of a BOOL ("true" 1, "false" 0), INT
 * or MODE (octal) key, in *out. Returns 0, or -1 when k has no default
 * or it does not read as its type or lies outside [min, max]. Pure.
 */
int conf_keys_default_int(const struct conf_key *k, long *out);

#endif
