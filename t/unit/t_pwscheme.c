/*
 * t_pwscheme: the one parser of stored passwords (relaymilter.conf(5),
 * "PASSWORD SCHEMES"): what each scheme's body splits into, the limits
 * of the SCRAM fields, and the agreement of the load check with the SASL
 * service -- every string that loads verifies with its password, and
 * every string the load check refuses is one the service refuses too.
 */
#include "conf_fixture.h"
#include "pwhash.h"
#include "pwscheme.h"

/* ==== pwscheme_parse: what a stored string splits into ==== */

struct parse_case {
	const char	*in;
	int		 rc;
	enum pwscheme_kind kind;	/* want, when rc == 0 */
	const char	*scheme;	/* its name */
	const char	*text;		/* PLAIN: plain; CRYPT: crypt */
	unsigned	 iter;		/* SCRAM */
	size_t		 saltlen;
};

#define SCRAM_KEYS	"," B64_32 "," B64_32
#define SALT_96	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss" \
	"LS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5f"
/* 97 bytes: one more than the runtime's salt buffer */
#define SALT_97	SALT_96 "YA=="

static const struct parse_case parse_cases[] = {
	{ "{PLAIN}secret", 0, PWSCHEME_PLAIN, "PLAIN", "secret", 0, 0 },
	{ "{plain}x", 0, PWSCHEME_PLAIN, "PLAIN", "x", 0, 0 },
	{ "{PLAIN}with,commas and spaces", 0, PWSCHEME_PLAIN, "PLAIN",
	    "with,commas and spaces", 0, 0 },
	{ PW_SHA512, 0, PWSCHEME_CRYPT, "SHA512-CRYPT", &PW_SHA512[14], 0, 0 },
	{ PW_BLF, 0, PWSCHEME_CRYPT, "BLF-CRYPT", &PW_BLF[11], 0, 0 },
	{ PW_YESCRYPT, 0, PWSCHEME_CRYPT, "CRYPT", &PW_YESCRYPT[7], 0, 0 },
	{ "{Blf-Crypt}$2y$10$abcdefghijklmnopqrstuuqflPDzB6gcMhKa1rZqKiu", 0,
	    PWSCHEME_CRYPT, "BLF-CRYPT",
	    "$2y$10$abcdefghijklmnopqrstuuqflPDzB6gcMhKa1rZqKiu", 0, 0 },
	{ "{CRYPT}$2a$10$abcdefghi", 0, PWSCHEME_CRYPT, "CRYPT",
	    "$2a$10$abcdefghi", 0, 0 },
	{ PW_SCRAM, 0, PWSCHEME_SCRAM_SHA256, "SCRAM-SHA-256", NULL, 4096, 16 },
	{ "{scram-sha-256}1,AA==" SCRAM_KEYS, 0, PWSCHEME_SCRAM_SHA256,
	    "SCRAM-SHA-256", NULL, 1, 1 },
	{ "{SCRAM-SHA-256}10000000," B64_16 SCRAM_KEYS, 0,
	    PWSCHEME_SCRAM_SHA256, "SCRAM-SHA-256", NULL, 10000000, 16 },
	{ "{SCRAM-SHA-256}0004096," B64_16 SCRAM_KEYS, 0,
	    PWSCHEME_SCRAM_SHA256, "SCRAM-SHA-256", NULL, 4096, 16 },
	/* the longest salt the service holds, and one byte more */
	{ "{SCRAM-SHA-256}4096," SALT_96 SCRAM_KEYS, 0, PWSCHEME_SCRAM_SHA256,
	    "SCRAM-SHA-256", NULL, 4096, 96 },
	{ "{SCRAM-SHA-256}4096," SALT_97 SCRAM_KEYS, -1, 0, NULL, NULL, 0, 0 },
	{ "{SCRAM-SHA-256}4096," SALT_96 SALT_96 SCRAM_KEYS, -1, 0, NULL, NULL,
	    0, 0 },
	/* the SCRAM fields: exactly four, none empty, digits, strict base64 */
	{ "{SCRAM-SHA-256}4096," B64_16 SCRAM_KEYS ",", -1, 0, NULL, NULL, 0,
	    0 },
	{ "{SCRAM-SHA-256}4096," B64_16 SCRAM_KEYS "," B64_32, -1, 0, NULL,
	    NULL, 0, 0 },
	{ "{SCRAM-SHA-256}4096,," B64_16 SCRAM_KEYS, -1, 0, NULL, NULL, 0, 0 },
	{ "{SCRAM-SHA-256}," B64_16 SCRAM_KEYS, -1, 0, NULL, NULL, 0, 0 },
	{ "{SCRAM-SHA-256} 4096," B64_16 SCRAM_KEYS, -1, 0, NULL, NULL, 0, 0 },
	{ "{SCRAM-SHA-256}+4096," B64_16 SCRAM_KEYS, -1, 0, NULL, NULL, 0, 0 },
	{ "{SCRAM-SHA-256}10000001," B64_16 SCRAM_KEYS, -1, 0, NULL, NULL, 0,
	    0 },
	{ "{SCRAM-SHA-256}999999999999," B64_16 SCRAM_KEYS, -1, 0, NULL, NULL,
	    0, 0 },
	{ "{SCRAM-SHA-256}4096,AAECAwQFBgcICQoLDA0ODw" SCRAM_KEYS, -1, 0, NULL,
	    NULL, 0, 0 },
	{ "{SCRAM-SHA-256}4096," B64_16 "," B64_32 "=," B64_32, -1, 0, NULL,
	    NULL, 0, 0 },
	{ "{SCRAM-SHA-256}4096," B64_16 "," B64_32 B64_32 "," B64_32, -1, 0,
	    NULL, NULL, 0, 0 },
	/* prefixes */
	{ "{PLAIN}", -1, 0, NULL, NULL, 0, 0 },
	{ "PLAIN}x", -1, 0, NULL, NULL, 0, 0 },
	{ "{PLAINx}y", -1, 0, NULL, NULL, 0, 0 },
	{ "{CRYPT-SHA512}$6$saltsalt$abcdefgh", -1, 0, NULL, NULL, 0, 0 },
	/* at least 9 characters after the id */
	{ "{CRYPT}$6$abcdefgh", -1, 0, NULL, NULL, 0, 0 },
	{ "{CRYPT}$6$abcdefghi", 0, PWSCHEME_CRYPT, "CRYPT", "$6$abcdefghi",
	    0, 0 },
	{ "{SHA512-CRYPT}$y$j9T$saltsaltsaltsalt$abc", -1, 0, NULL, NULL, 0,
	    0 },
	{ "{}x", -1, 0, NULL, NULL, 0, 0 },
};

static void
test_parse(void)
{
	size_t i;

	for (i = 0; i < NELEM(parse_cases); i++) {
		const struct parse_case *tc = &parse_cases[i];
		struct pwscheme pw;
		char err[256] = "", what[300];
		const char *text;
		int rc = pwscheme_parse(tc->in, &pw, err, sizeof(err));

		snprintf(what, sizeof(what), "pwscheme_parse(\"%.60s\")",
		    tc->in);
		if (!tap_is_int(rc, tc->rc, what))
			printf("#   (%s)\n", err);
		if (rc != 0) {
			if (tc->rc != 0)
				tap_ok(err[0] != '\0' && strstr(err, "secret") ==
				    NULL, "... with a message that shows no "
				    "password (%s)", err);
			continue;
		}
		snprintf(what, sizeof(what), "... kind %d, scheme %s",
		    (int)tc->kind, tc->scheme);
		tap_ok(pw.kind == tc->kind && pw.scheme != NULL &&
		    strcmp(pw.scheme->name, tc->scheme) == 0, "%s", what);
		text = tc->kind == PWSCHEME_PLAIN ? pw.plain : pw.crypt;
		if (tc->kind != PWSCHEME_SCRAM_SHA256) {
			tap_is_str(text, tc->text, "... body");
			continue;
		}
		tap_is_int(pw.iter, tc->iter, "... iterations");
		tap_is_int((long)pw.saltlen, (long)tc->saltlen, "... salt bytes");
		tap_ok(strlen(pw.salt_b64) == PWSCHEME_B64LEN(pw.saltlen) &&
		    strlen(pw.stored_b64) == 44 && strlen(pw.server_b64) == 44,
		    "... base64 texts kept for GNU SASL");
	}
}

static void
test_lookup(void)
{
	char names[128];

	tap_ok(pwscheme_find("sha512-crypt") != NULL &&
	    pwscheme_find("sha512-crypt")->kind == PWSCHEME_CRYPT &&
	    strcmp(pwscheme_find("sha512-crypt")->ids[0], "$6$") == 0,
	    "pwscheme_find: SHA512-CRYPT in any case, makes $6$");
	tap_ok(pwscheme_find("CRYPT") != NULL &&
	    strcmp(pwscheme_find("CRYPT")->ids[0], "$y$") == 0,
	    "pwscheme_find: CRYPT makes yescrypt");
	tap_ok(pwscheme_find("MD5") == NULL && pwscheme_find("") == NULL,
	    "pwscheme_find: unknown names");
	tap_is_str(pwscheme_names(names, sizeof(names), 1), "{PLAIN}, "
	    "{SHA512-CRYPT}, {BLF-CRYPT}, {CRYPT}, {SCRAM-SHA-256}",
	    "pwscheme_names with braces");
	tap_is_str(pwscheme_names(names, 12, 0), "PLAIN, SHA5",
	    "pwscheme_names cut short");
	tap_is_int(pwscheme_kind("{plain}"), PWSCHEME_PLAIN,
	    "pwscheme_kind looks at the prefix only");
	tap_is_int(pwscheme_kind("{MD5}x"), PWSCHEME_NONE,
	    "pwscheme_kind of an unknown scheme");
}

/* ==== the load check and the SASL service agree ==== */

/*
 * A row names a stored string, or (stored NULL) a SCRAM secret of pw
 * made here with saltlen bytes of salt and iter iterations. loads: what
 * the load check says; a string that loads must verify with pw and not
 * with anything else, one that does not is unusable to the service too.
 */
struct agree_case {
	const char	*stored;
	size_t		 saltlen;
	unsigned	 iter;
	const char	*pw;
	int		 loads;
};

static const struct agree_case agree_cases[] = {
	{ "{PLAIN}secret", 0, 0, "secret", 1 },
	{ "{plain}p@ss word", 0, 0, "p@ss word", 1 },
	{ PW_SHA512, 0, 0, "secret", 1 },
	{ "{CRYPT}$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aD"
	    "ehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1", 0, 0, "secret", 1 },
	{ PW_BLF, 0, 0, "secret", 1 },
	{ PW_YESCRYPT, 0, 0, "secret", 1 },
	{ PW_SCRAM, 0, 0, "secret", 1 },
	{ NULL, 1, 1, "secret", 1 },
	{ NULL, 16, 4096, "secret", 1 },
	{ NULL, 64, 2, "secret", 1 },
	{ NULL, 95, 2, "secret", 1 },
	{ NULL, 96, 2, "secret", 1 },
	/* a long salt: refused at load, and so unusable at login too */
	{ NULL, 97, 2, "secret", 0 },
	{ NULL, 100, 2, "secret", 0 },
	{ NULL, 128, 2, "secret", 0 },
	{ NULL, 255, 2, "secret", 0 },
	/* what the old runtime read but the load check refused */
	{ PW_SCRAM ",extra", 0, 0, "secret", 0 },
	{ "{SCRAM-SHA-256} 4096,AAECAwQFBgcICQoLDA0ODw==," B64_32 "," B64_32,
	    0, 0, "secret", 0 },
	{ "{SHA512-CRYPT}$5$saltsalt$abcdefghijklmnop", 0, 0, "secret", 0 },
	{ "{PLAIN}", 0, 0, "", 0 },
	{ "secret", 0, 0, "secret", 0 },
};

static void
test_agree(void)
{
	size_t i, k;

	for (i = 0; i < NELEM(agree_cases); i++) {
		const struct agree_case *tc = &agree_cases[i];
		unsigned char salt[255];
		char made[600], err[256], what[300], wrong[64];
		const char *stored = tc->stored;
		int loads, rc;

		if (stored == NULL) {
			for (k = 0; k < tc->saltlen; k++)
				salt[k] = (unsigned char)(k * 7 + 1);
			if (!tap_is_int(pwhash_make_scram(tc->pw, tc->iter,
			    salt, tc->saltlen, made, sizeof(made)), 0,
			    "pwhash_make_scram"))
				continue;
			stored = made;
			snprintf(what, sizeof(what), "SCRAM, %zu-byte salt, %u "
			    "iterations", tc->saltlen, tc->iter);
		} else
			snprintf(what, sizeof(what), "\"%.50s\"", stored);
		loads = conf_check_password(stored, err, sizeof(err)) == 0;
		if (!tap_is_int(loads, tc->loads, what))
			printf("#   (%s)\n", err);
		rc = pwhash_verify(stored, tc->pw);
		tap_is_int(rc, loads ? 1 : -1, loads ? "... verifies with its "
		    "password" : "... the service refuses it too");
		snprintf(wrong, sizeof(wrong), "%sx", tc->pw);
		rc = pwhash_verify(stored, wrong);
		tap_is_int(rc, loads ? 0 : -1, loads ? "... and not with "
		    "another" : "... whatever the password");
	}
}

int
main(void)
{
	test_parse();
	test_lookup();
	test_agree();
	return tap_done();
}
