/*
 * t_saslmech: the table of SASL mechanisms (relaymilter.conf(5), AUTH):
 * the names auth.mechanisms takes, in any case, which stored scheme
 * serves which mechanism, what each exposes (the flags Dovecot's
 * protocol announces); the loader's default list is the table.
 */
#include "conf_fixture.h"
#include "saslmech.h"

struct mech_case {
	const char	*in;
	const char	*name;		/* want: canonical name, NULL unknown */
	int		 plain, crypt, scram;	/* want: served by */
	unsigned	 flags;		/* want: SASLMECH_* */
};

#define DICT_ACTIVE	(SASLMECH_DICTIONARY | SASLMECH_ACTIVE)

static const struct mech_case mech_cases[] = {
	{ "CRAM-MD5", "CRAM-MD5", 1, 0, 0, DICT_ACTIVE },
	{ "cram-md5", "CRAM-MD5", 1, 0, 0, DICT_ACTIVE },
	{ "LOGIN", "LOGIN", 1, 1, 1, SASLMECH_PLAINTEXT },
	{ "Plain", "PLAIN", 1, 1, 1, SASLMECH_PLAINTEXT },
	{ "SCRAM-SHA-256", "SCRAM-SHA-256", 1, 0, 1, SASLMECH_MUTUAL },
	{ "scram-sha-256", "SCRAM-SHA-256", 1, 0, 1, SASLMECH_MUTUAL },
	{ "SCRAM-SHA-256-PLUS", NULL, 0, 0, 0, 0 },
	{ "SCRAM-SHA-1", NULL, 0, 0, 0, 0 },
	{ "DIGEST-MD5", NULL, 0, 0, 0, 0 },
	{ "NTLM", NULL, 0, 0, 0, 0 },
	{ "PLAIN ", NULL, 0, 0, 0, 0 },
	{ "", NULL, 0, 0, 0, 0 },
};

static void
test_find(void)
{
	size_t i;

	for (i = 0; i < NELEM(mech_cases); i++) {
		const struct mech_case *tc = &mech_cases[i];
		const struct saslmech *m = saslmech_find(tc->in);
		char what[128];

		snprintf(what, sizeof(what), "saslmech_find(\"%s\")", tc->in);
		if (!tap_is_str(m != NULL ? m->name : NULL, tc->name, what) ||
		    m == NULL)
			continue;
		snprintf(what, sizeof(what), "... served by {PLAIN} %d, crypt "
		    "%d, {SCRAM-SHA-256} %d", tc->plain, tc->crypt, tc->scram);
		tap_ok(saslmech_serves(m, PWSCHEME_PLAIN) == tc->plain &&
		    saslmech_serves(m, PWSCHEME_CRYPT) == tc->crypt &&
		    saslmech_serves(m, PWSCHEME_SCRAM_SHA256) == tc->scram &&
		    saslmech_serves(m, PWSCHEME_NONE) == 0, "%s", what);
		tap_is_int(m->flags, tc->flags, "... flags");
	}
}

static void
test_table(void)
{
	char names[128], err[CONF_ERRLEN] = "";
	struct conf *c = conf_load_string("", "empty.conf", err, sizeof(err));
	const struct saslmech *m;
	size_t i;
	int same;

	tap_is_str(saslmech_names(names, sizeof(names)), "CRAM-MD5, LOGIN, "
	    "PLAIN, SCRAM-SHA-256", "saslmech_names");
	tap_is_str(saslmech_names(names, 9), "CRAM-MD5", "saslmech_names cut "
	    "short");
	tap_ok(saslmech_at(4) == NULL, "four mechanisms");
	if (!tap_ok(c != NULL, "an empty config loads"))
		return;
	same = c->auth_nmechanisms == 4;
	for (i = 0; same && (m = saslmech_at(i)) != NULL; i++)
		same = strcmp(c->auth_mechanisms[i], m->name) == 0 &&
		    saslmech_find(m->name) == m;
	tap_ok(same, "auth.mechanisms defaults to the table, in its order");
	conf_unref(c);
	c = conf_load_string("auth = { mechanisms = [ \"ntlm\" ]; };\n",
	    "ntlm.conf", err, sizeof(err));
	tap_ok(c == NULL && strstr(err, "(known: CRAM-MD5, LOGIN, PLAIN, "
	    "SCRAM-SHA-256)") != NULL, "an unknown name is refused with the "
	    "table's names (%s)", err);
	conf_unref(c);
}

int
main(void)
{
	test_find();
	test_table();
	return tap_done();
}
