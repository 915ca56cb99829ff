/*
 * t_auth: the pure parts of SMTP AUTH -- the Dovecot protocol parser
 * and its handshake cookie (fresh, 128 random bits, not repeated by a
 * forked process), the saslauthd packet parser, the password schemes
 * against known vectors -- and the SASL engine run in-process against
 * GNU SASL's own client for every mechanism.
 */
#include "config.h"

#include <gsasl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap.h"
#include "authproto.h"
#include "conf.h"
#include "pwhash.h"
#include "pwscheme.h"
#include "saslauthd.h"
#include "saslsrv.h"
#include "sasl_fixture.h"

static void
test_authproto(void)
{
	static const struct {
		const char *line;
		int rc;
		int cmd;
		unsigned long id;
		const char *mech, *resp, *rip;
	} cases[] = {
		{ "VERSION\t1\t0\n", 0, AUTHPROTO_VERSION, 0, NULL, NULL, NULL },
		{ "VERSION\t1\n", -1, 0, 0, NULL, NULL, NULL },
		{ "VERSION\tx\t0\n", -1, 0, 0, NULL, NULL, NULL },
		{ "CPID\t4711\n", 0, AUTHPROTO_CPID, 4711, NULL, NULL, NULL },
		{ "CPID\n", -1, 0, 0, NULL, NULL, NULL },
		{ "AUTH\t1\tPLAIN\tservice=smtp\tnologin\tlip=127.0.0.1\t"
		  "rip=192.0.2.9\tresp=AGFsaWNlAHg=\n", 0, AUTHPROTO_AUTH, 1,
		  "PLAIN", "AGFsaWNlAHg=", "192.0.2.9" },
		{ "AUTH\t7\tCRAM-MD5\tservice=smtp\n", 0, AUTHPROTO_AUTH, 7,
		  "CRAM-MD5", NULL, NULL },
		{ "AUTH\t8\tPLAIN\tresp=\n", 0, AUTHPROTO_AUTH, 8, "PLAIN", "",
		  NULL },
		{ "AUTH\t0\tPLAIN\n", -1, 0, 0, NULL, NULL, NULL },
		{ "AUTH\tx1\tPLAIN\n", -1, 0, 0, NULL, NULL, NULL },
		{ "AUTH\t1\n", -1, 0, 0, NULL, NULL, NULL },
		{ "AUTH\t1\t\n", -1, 0, 0, NULL, NULL, NULL },
		{ "AUTH\t1\tPLAIN\tresp=not*base64\n", -1, 0, 0, NULL, NULL,
		  NULL },
		{ "AUTH\t1\tPLAIN\tresp=YWJj=\n", -1, 0, 0, NULL, NULL, NULL },
		{ "AUTH\t9999999999\tPLAIN\n", -1, 0, 0, NULL, NULL, NULL },
		{ "CONT\t3\tYWxpY2U=\n", 0, AUTHPROTO_CONT, 3, NULL, "YWxpY2U=",
		  NULL },
		{ "CONT\t3\t\n", 0, AUTHPROTO_CONT, 3, NULL, "", NULL },
		{ "CONT\t3\n", -1, 0, 0, NULL, NULL, NULL },
		{ "CONT\t3\t%%%\n", -1, 0, 0, NULL, NULL, NULL },
		{ "BOGUS\t1\n", -1, 0, 0, NULL, NULL, NULL },
		{ "AUTH\t1\tPLAIN\r\n", -1, 0, 0, NULL, NULL, NULL },
		{ "", -1, 0, 0, NULL, NULL, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct authproto_req rq;
		char line[256], err[128], what[300];
		int rc;

		snprintf(line, sizeof(line), "%s", cases[i].line);
		rc = authproto_parse(line, &rq, err, sizeof(err));
		snprintf(what, sizeof(what), "authproto_parse case %zu rc", i);
		if (!tap_is_int(rc, cases[i].rc, what) || rc != 0)
			continue;
		snprintf(what, sizeof(what), "case %zu cmd/id", i);
		tap_ok(rq.cmd == (enum authproto_cmd)cases[i].cmd &&
		    rq.id == cases[i].id, "%s", what);
		if (cases[i].mech != NULL)
			tap_is_str(rq.mech, cases[i].mech, "mechanism");
		tap_is_str(rq.resp, cases[i].resp, "resp");
		tap_is_str(rq.rip, cases[i].rip, "rip");
	}
}

/* The greeting announces each mechanism with saslmech's flags. */
static void
test_handshake(void)
{
	static const struct {
		const char *mech, *want;
	} cases[] = {
		{ "PLAIN", "MECH\tPLAIN\tplaintext\n" },
		{ "LOGIN", "MECH\tLOGIN\tplaintext\n" },
		{ "CRAM-MD5", "MECH\tCRAM-MD5\tdictionary\tactive\n" },
		{ "SCRAM-SHA-256", "MECH\tSCRAM-SHA-256\tmutual-auth\n" },
	};
	char *mechs[4], *out = NULL, what[64];
	size_t i, len = 0;
	FILE *f = open_memstream(&out, &len);

	for (i = 0; i < 4; i++)
		mechs[i] = (char *)cases[i].mech;
	authproto_handshake(f, mechs, 4, 7);
	fclose(f);
	tap_ok(strncmp(out, "VERSION\t1\t2\nMECH\tPLAIN", 22) == 0,
	    "handshake: VERSION, then the MECH lines");
	for (i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "handshake: MECH line of %s",
		    cases[i].mech);
		if (!tap_ok(strstr(out, cases[i].want) != NULL, "%s", what))
			printf("#   got:  \"%s\"\n#   want: \"...%s...\"\n",
			    tap_show(out), tap_show(cases[i].want));
	}
	tap_ok(strstr(out, "\nCUID\t7\n") != NULL &&
	    strstr(out, "MECH") < strstr(out, "SPID") &&
	    strcmp(out + len - 5, "DONE\n") == 0,
	    "handshake: MECH before SPID, CUID, DONE last");
	free(out);
}

static size_t
pack(unsigned char *buf, const char *const *f, int n)
{
	size_t o = 0;
	int i;

	for (i = 0; i < n; i++) {
		size_t l = strlen(f[i]);

		buf[o++] = (unsigned char)(l >> 8);
		buf[o++] = (unsigned char)l;
		memcpy(buf + o, f[i], l);
		o += l;
	}
	return o;
}

static void
test_saslauthd(void)
{
	static const char *const four[] = { "alice", "pw", "smtp", "" };
	static const char *const realm[] = { "alice", "pw", "smtp",
	    "example.com", "192.0.2.7" };
	unsigned char buf[SASLAUTHD_REQ_MAX + 16];
	struct saslauthd_req *r = malloc(sizeof(*r));
	char user[256];
	size_t n, cut;

	n = pack(buf, four, 4);
	tap_is_int(saslauthd_parse(buf, n, r), 0, "saslauthd: four strings");
	tap_is_str(r->login, "alice", "saslauthd: login");
	tap_is_str(r->password, "pw", "saslauthd: password");
	saslauthd_user(r, user, sizeof(user));
	tap_is_str(user, "alice", "saslauthd: no realm, name as is");
	for (cut = 0; cut < n; cut++)
		if (saslauthd_parse(buf, cut, r) != 1)
			break;
	tap_is_int((long)cut, (long)n, "saslauthd: every truncation asks "
	    "for more");
	n = pack(buf, realm, 5);
	tap_is_int(saslauthd_parse(buf, n, r), 0, "saslauthd: five strings");
	tap_is_str(r->addr, "192.0.2.7", "saslauthd: client address");
	saslauthd_user(r, user, sizeof(user));
	tap_is_str(user, "alice@example.com", "saslauthd: realm rejoined");
	buf[n] = 0;
	buf[n + 1] = 1;
	buf[n + 2] = 'x';
	tap_is_int(saslauthd_parse(buf, n + 3, r), -1,
	    "saslauthd: a sixth string is malformed");
	buf[0] = 0x7f;
	tap_is_int(saslauthd_parse(buf, n, r), -1,
	    "saslauthd: an overlong field is malformed");
	n = pack(buf, four, 4);
	buf[3] = '\0';
	tap_is_int(saslauthd_parse(buf, n, r), -1,
	    "saslauthd: a NUL inside a field is malformed");
	free(r);
}

/* The plaintext CRAM-MD5 would get from a stored string, or NULL. */
static const char *
plaintext(const char *stored)
{
	static struct pwscheme pw;

	return pwscheme_parse(stored, &pw, NULL, 0) == 0 ? pw.plain : NULL;
}

static void
test_pwhash(void)
{
	static const struct {
		const char *stored, *pw;
		int want;
	} cases[] = {
		{ "{PLAIN}secret", "secret", 1 },
		{ "{plain}secret", "secret", 1 },
		{ "{PLAIN}secret", "Secret", 0 },
		{ "{PLAIN}secret", "secret ", 0 },
		{ "{PLAIN}secret", "", 0 },
		{ SCRAM_SECRET, "secret", 1 },
		{ SCRAM_SECRET, "secreT", 0 },
		{ SHA512_SECRET, "secret", 1 },
		{ SHA512_SECRET, "wrong", 0 },
		{ "{CRYPT}$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n"
		  "0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1", "secret", 1 },
		{ "{MD5}abc", "x", -1 },
		{ "{SCRAM-SHA-256}4096,c2FsdA==,AAAA,AAAA", "x", -1 },
	};
	const char *const schemes[] = { NULL, "SHA512-CRYPT", "BLF-CRYPT",
	    "CRYPT", "PLAIN" };
	char out[512], what[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(what, sizeof(what), "pwhash_verify case %zu", i);
		tap_is_int(pwhash_verify(cases[i].stored, cases[i].pw),
		    cases[i].want, what);
	}
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		char check[256];

		snprintf(what, sizeof(what), "pwhash_make %s round trip",
		    schemes[i] ? schemes[i] : "(default)");
		tap_ok(pwhash_make(schemes[i], "p@ss word", out, sizeof(out))
		    == 0 && pwhash_verify(out, "p@ss word") == 1 &&
		    pwhash_verify(out, "p@ss worD") == 0 &&
		    conf_check_password(out, check, sizeof(check)) == 0, "%s",
		    what);
	}
	tap_ok(pwhash_make("SCRAM-SHA-256", "x", out, sizeof(out)) == 0 &&
	    strncmp(out, "{SCRAM-SHA-256}4096,", 20) == 0,
	    "the default scheme is SCRAM-SHA-256 with 4096 iterations");
	tap_is_str(plaintext("{PLAIN}abc"), "abc", "plaintext of PLAIN");
	tap_is_str(plaintext(SCRAM_SECRET), NULL, "no plaintext of SCRAM");
	tap_ok(pwhash_equal("abc", "abc") && !pwhash_equal("abc", "abd") &&
	    !pwhash_equal("abc", "ab") && !pwhash_equal("abc", "abcd") &&
	    !pwhash_equal("", "a") && pwhash_equal("", ""),
	    "pwhash_equal on equal, different and prefix strings");
}

/* ---- in-process SASL: GNU SASL's client against our server ---- */

/*
 * A SCRAM user with the longest salt the stored form takes, through
 * every mechanism that can serve it: what loads must log in.
 */
static void
test_long_salt(Gsasl *cctx)
{
	static const struct {
		const char *mech, *pw, *want;
	} cases[] = {
		{ "SCRAM-SHA-256", "secret", "salty" },
		{ "SCRAM-SHA-256", "secreT", "" },
		{ "PLAIN", "secret", "salty" },
		{ "LOGIN", "secret", "salty" },
		{ "CRAM-MD5", "secret", "" },
	};
	unsigned char salt[PWSCHEME_SCRAM_SALT_MAX];
	char pw[400], text[600], err[CONF_ERRLEN], what[128];
	struct conf *c;
	size_t i;

	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)(255 - i);
	if (pwhash_make_scram("secret", 4096, salt, sizeof(salt), pw,
	    sizeof(pw)) != 0)
		printf("# %s\n", pw);
	snprintf(text, sizeof(text), "users = ( { name = \"salty\"; "
	    "password = \"%s\"; } );\n", pw);
	c = conf_load_string(text, "t_auth", err, sizeof(err));
	if (!tap_ok(c != NULL, "a SCRAM user with a %zu-byte salt loads",
	    sizeof(salt))) {
		printf("# %s\n", err);
		return;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(what, sizeof(what), "%zu-byte salt: %s (%s)",
		    sizeof(salt), cases[i].mech, cases[i].pw);
		tap_is_str(exchange(c, cctx, cases[i].mech, "salty",
		    cases[i].pw, NULL), cases[i].want, what);
	}
	conf_unref(c);
}

static void
test_saslsrv(void)
{
	static const char text[] =
	    "users = (\n"
	    " { name = \"plainuser\"; password = \"{PLAIN}pw1\"; relay = true; },\n"
	    " { name = \"scramuser\"; password = \"" SCRAM_SECRET "\"; },\n"
	    " { name = \"cryptuser\"; password = \"" SHA512_SECRET "\"; }\n"
	    ");\n"
	    "auth = { realms = [ \"example.com\" ]; };\n";
	static const struct {
		const char *mech, *user, *pw, *authzid, *want;
	} cases[] = {
		{ "PLAIN", "plainuser", "pw1", NULL, "plainuser" },
		{ "PLAIN", "plainuser", "bad", NULL, "" },
		{ "PLAIN", "plainuser", "pw1", "scramuser", "" },
		{ "PLAIN", "plainuser", "pw1", "plainuser", "plainuser" },
		{ "PLAIN", "plainuser@example.com", "pw1", NULL, "plainuser" },
		{ "PLAIN", "Plainuser", "pw1", NULL, "" },
		{ "PLAIN", "nobody", "pw1", NULL, "" },
		{ "PLAIN", "scramuser", "secret", NULL, "scramuser" },
		{ "PLAIN", "cryptuser", "secret", NULL, "cryptuser" },
		{ "LOGIN", "plainuser", "pw1", NULL, "plainuser" },
		{ "LOGIN", "cryptuser", "secret", NULL, "cryptuser" },
		{ "LOGIN", "cryptuser", "nope", NULL, "" },
		{ "CRAM-MD5", "plainuser", "pw1", NULL, "plainuser" },
		{ "CRAM-MD5", "plainuser", "bad", NULL, "" },
		{ "CRAM-MD5", "cryptuser", "secret", NULL, "" },
		{ "CRAM-MD5", "scramuser", "secret", NULL, "" },
		{ "SCRAM-SHA-256", "scramuser", "secret", NULL, "scramuser" },
		{ "SCRAM-SHA-256", "scramuser", "bad", NULL, "" },
		{ "SCRAM-SHA-256", "plainuser", "pw1", NULL, "plainuser" },
		{ "SCRAM-SHA-256", "cryptuser", "secret", NULL, "" },
		{ "SCRAM-SHA-256", "nobody", "x", NULL, "" },
		{ "SCRAM-SHA-256", "scramuser", "secret", "plainuser", "" },
	};
	char err[CONF_ERRLEN], what[200];
	struct conf *c = conf_load_string(text, "t_auth", err, sizeof(err));
	Gsasl *cctx;
	size_t i;

	if (!tap_is_int(c != NULL, 1, "auth test config loads") ||
	    !tap_is_int(saslsrv_init(err, sizeof(err)), 0, "saslsrv_init") ||
	    gsasl_init(&cctx) != GSASL_OK) {
		printf("# %s\n", err);
		return;
	}
	gsasl_callback_set(cctx, client_cb);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(what, sizeof(what), "%s as %s%s%s (%s)", cases[i].mech,
		    cases[i].user, cases[i].authzid ? " for " : "",
		    cases[i].authzid ? cases[i].authzid : "", cases[i].pw);
		tap_is_str(exchange(c, cctx, cases[i].mech, cases[i].user,
		    cases[i].pw, cases[i].authzid), cases[i].want, what);
	}
	tap_is_str(saslsrv_mech_name(c, "cram-md5"), "CRAM-MD5",
	    "mechanism names compare case-insensitively");
	tap_is_str(saslsrv_mech_name(c, "SCRAM-SHA-256-PLUS"), NULL,
	    "no -PLUS variant is offered");
	tap_ok(saslsrv_check_password(c, "nobody", "x") == NULL &&
	    saslsrv_check_password(c, "plainuser", "pw1") != NULL,
	    "saslsrv_check_password");
	test_long_salt(cctx);
	gsasl_done(cctx);
	saslsrv_done();
	conf_unref(c);
}

/*
 * The COOKIE of one handshake (32 lower-case hex digits expected) into
 * buf; "" if the handshake has none.
 */
static void
handshake_cookie(char *buf, size_t len)
{
	char *mechs[] = { "PLAIN" }, *hs = NULL, *p;
	size_t hslen = 0, n;
	FILE *f = open_memstream(&hs, &hslen);

	buf[0] = '\0';
	if (f == NULL)
		return;
	(void)authproto_handshake(f, mechs, 1, 7);
	fclose(f);
	if ((p = strstr(hs, "\nCOOKIE\t")) != NULL) {
		p += 8;
		n = strcspn(p, "\n");
		snprintf(buf, len, "%.*s", (int)n, p);
	}
	free(hs);
}

/* The cookie is 128 random bits, fresh per handshake and per process. */
static void
test_cookie(void)
{
	char a[64], b[64], child[64] = "", what[160];
	int fds[2], zero_halves = 0, i, st;
	ssize_t n;
	pid_t pid;

	handshake_cookie(a, sizeof(a));
	tap_ok(strlen(a) == 32 && strspn(a, "0123456789abcdef") == 32,
	    "COOKIE is 32 lower-case hex digits (%s)", a);
	handshake_cookie(b, sizeof(b));
	snprintf(what, sizeof(what), "two handshakes, two cookies (%s, %s)",
	    a, b);
	tap_ok(strcmp(a, b) != 0, "%s", what);
	/* A PRNG state copied by fork (or the same seed at every start)
	 * would repeat the parent's next cookie in the child. */
	if (pipe(fds) != 0 || (pid = fork()) < 0) {
		tap_ok(0, "pipe and fork");
		return;
	}
	if (pid == 0) {
		handshake_cookie(child, sizeof(child));
		n = write(fds[1], child, strlen(child));
		_exit(n == (ssize_t)strlen(child) ? 0 : 1);
	}
	close(fds[1]);
	handshake_cookie(a, sizeof(a));
	n = read(fds[0], child, sizeof(child) - 1);
	child[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	waitpid(pid, &st, 0);
	snprintf(what, sizeof(what), "a forked process draws its own cookie "
	    "(parent %s, child %s)", a, child);
	tap_ok(strlen(child) == 32 && strcmp(a, child) != 0, "%s", what);
	/* random() gives 31 bits per 64-bit half: leading zero digits. */
	for (i = 0; i < 8; i++) {
		handshake_cookie(a, sizeof(a));
		zero_halves += strncmp(a, "00000000", 8) == 0;
		zero_halves += strncmp(a + 16, "00000000", 8) == 0;
	}
	tap_ok(zero_halves < 2, "every bit of the cookie is random (%d of "
	    "16 halves start with 8 zero digits)", zero_halves);
}

int
main(void)
{
	test_authproto();
	test_handshake();
	test_cookie();
	test_saslauthd();
	test_pwhash();
	test_saslsrv();
	return tap_done();
}
