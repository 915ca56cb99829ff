/*
 * t_authtiming: a probe must not tell a user name that exists from one
 * that does not, neither by what the SASL service answers nor by how long
 * it takes. It drives saslsrv directly, as the Dovecot protocol and
 * saslauthd front ends do, with a config holding every kind of stored
 * password: the SCRAM-SHA-256 server-first message of any name (a user of
 * any scheme, or no user) has the same form (salt length, iteration
 * count) and a salt that stays the same from one try to the next, and
 * differs between names; a wrong password, a PLAIN check or a SCRAM
 * exchange, fails alike and takes about as long (the ratio of medians
 * over a few dozen tries measured side by side, never an absolute time,
 * so that a slow machine cannot fail it). The salts come from the
 * per-install secret file: the same file gives the same salts (a
 * restart), another file other salts, and keys made from the secret
 * never log anyone in.
 */
#include "config.h"

#include <crypt.h>
#include <fcntl.h>
#include <gsasl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit_fixture.h"
#include "authsecret.h"
#include "b64.h"
#include "conf.h"
#include "pwhash.h"
#include "saslsrv.h"
#include "sasl_fixture.h"

#define TRIES		31	/* per name; medians of these */
#define RATIO_LO	0.5
#define RATIO_HI	2.0

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* A SCRAM-SHA-256 stored string for "secret" with iter and this salt. */
static void
scram_stored(unsigned iter, const char *salt, char *out, size_t len)
{
	if (pwhash_make_scram("secret", iter, (const unsigned char *)salt,
	    strlen(salt), out, len) != 0)
		printf("# pwhash_make_scram: %s\n", out);
}

/* A {SHA512-CRYPT} stored string for "secret" with this many rounds. */
static void
sha512_stored(unsigned rounds, char *out, size_t len)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	char setting[64];

	snprintf(setting, sizeof(setting), "$6$rounds=%u$pepperpepper$",
	    rounds);
	if (cd != NULL && crypt_rn("secret", setting, cd, sizeof(*cd)) != NULL)
		snprintf(out, len, "{SHA512-CRYPT}%s", cd->output);
	free(cd);
}

static struct conf *
load(const char *text)
{
	char err[CONF_ERRLEN];
	struct conf *c = conf_load_string(text, "t_authtiming", err,
	    sizeof(err));

	if (c == NULL)
		printf("# %s\n", err);
	return c;
}

/* ---- SCRAM-SHA-256 as a probe runs it ---- */

struct probe {
	enum saslsrv_rc	 first, final;	/* outcome of each step */
	char		 salt[200];	/* s= of the server-first message */
	char		 iter[16];	/* i= */
	size_t		 saltlen;	/* decoded */
	double		 ms;		/* time spent in saslsrv */
};

/* The value of attribute a ("s=") in a SCRAM message, into out. */
static void
scram_attr(const char *msg, const char *a, char *out, size_t len)
{
	const char *p = msg;
	size_t n;

	out[0] = '\0';
	for (; p != NULL; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, a, strlen(a)) == 0) {
			p += strlen(a);
			n = strcspn(p, ",");
			snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1),
			    p);
			return;
		}
}

/*
 * Run a SCRAM-SHA-256 exchange for name up to a client-final message
 * with a wrong proof (the probe knows no password), timing only the
 * server's side.
 */
static void
scram_probe(struct conf *c, const char *name, struct probe *p)
{
	static const unsigned char zero[32];
	unsigned char sf[512], salt[128];
	char msg[512], b64[1024], nonce[200], proof[64], *out = NULL;
	struct saslsrv_session *ss;
	double t0;
	long n;

	memset(p, 0, sizeof(*p));
	p->first = p->final = SASLSRV_FAIL;
	snprintf(msg, sizeof(msg), "n,,n=%s,r=probeprobeprobe", name);
	b64_encode((const unsigned char *)msg, strlen(msg), b64, sizeof(b64));
	t0 = now_ms();
	ss = saslsrv_start(c, "SCRAM-SHA-256", "smtp", b64, &p->first, &out);
	p->ms = now_ms() - t0;
	if (ss == NULL || p->first != SASLSRV_CONTINUE || out == NULL ||
	    (n = b64_decode(out, strlen(out), sf, sizeof(sf) - 1)) < 0) {
		free(out);
		saslsrv_end(ss);
		return;
	}
	sf[n] = '\0';
	free(out);
	out = NULL;
	scram_attr((char *)sf, "s=", p->salt, sizeof(p->salt));
	scram_attr((char *)sf, "i=", p->iter, sizeof(p->iter));
	scram_attr((char *)sf, "r=", nonce, sizeof(nonce));
	n = b64_decode(p->salt, strlen(p->salt), salt, sizeof(salt));
	p->saltlen = n > 0 ? (size_t)n : 0;
	b64_encode(zero, sizeof(zero), proof, sizeof(proof));
	snprintf(msg, sizeof(msg), "c=biws,r=%s,p=%s", nonce, proof);
	b64_encode((const unsigned char *)msg, strlen(msg), b64, sizeof(b64));
	t0 = now_ms();
	p->final = saslsrv_step(ss, b64, &out);
	saslsrv_end(ss);
	p->ms += now_ms() - t0;
	free(out);
}

/*
 * The server-first message of every name has the form of the config's
 * SCRAM users' (12-byte salts, 4096 iterations: two users have them,
 * one has another), a salt of its own that stays from one exchange to
 * the next, and every probe fails alike.
 */
static void
test_scram_answers(struct conf *c)
{
	static const char *const names[] = { "plain", "scram", "crypt",
	    "nobody", "nobody2", "plain@example.com", "nobody@example.com" };
	struct probe a[NELEM(names)], b;
	char what[600];
	size_t i;

	for (i = 0; i < NELEM(names); i++) {
		scram_probe(c, names[i], &a[i]);
		scram_probe(c, names[i], &b);
		snprintf(what, sizeof(what), "SCRAM %s: the server-first message "
		    "has a 12-byte salt and 4096 iterations (%zu bytes, %s)",
		    names[i], a[i].saltlen, a[i].iter);
		tap_ok(a[i].first == SASLSRV_CONTINUE && a[i].saltlen == 12 &&
		    strcmp(a[i].iter, "4096") == 0, "%s", what);
		snprintf(what, sizeof(what), "SCRAM %s: the same salt each time "
		    "(%s, then %s)", names[i], a[i].salt, b.salt);
		tap_ok(a[i].salt[0] != '\0' && strcmp(a[i].salt, b.salt) == 0,
		    "%s", what);
		snprintf(what, sizeof(what), "SCRAM %s: a wrong proof fails at "
		    "the client-final message", names[i]);
		tap_ok(a[i].final == SASLSRV_FAIL && b.final == SASLSRV_FAIL,
		    "%s", what);
	}
	tap_is_str(a[1].salt, "c2FsdHNhbHRzYWx0", "SCRAM scram: the salt is "
	    "the stored one");
	tap_ok(strcmp(a[3].salt, a[4].salt) != 0 &&
	    strcmp(a[0].salt, a[3].salt) != 0 &&
	    strcmp(a[2].salt, a[3].salt) != 0 &&
	    strcmp(a[0].salt, a[2].salt) != 0,
	    "SCRAM: different names get different salts");
	tap_is_str(a[5].salt, a[0].salt, "SCRAM: a listed realm does not "
	    "change a user's salt");
	tap_is_str(a[6].salt, a[3].salt, "SCRAM: nor an unknown name's");
}

/* Compare each name's median with the first one's (the probe). */
static void
compare_medians(const char *what, const char *const *names, size_t n,
    double t[][TRIES])
{
	double med[8], r;
	size_t i;

	for (i = 0; i < n; i++)
		med[i] = median(t[i], TRIES);
	for (i = 1; i < n; i++) {
		r = med[i] > 0 ? med[0] / med[i] : 0;
		tap_ok(r >= RATIO_LO && r <= RATIO_HI, "%s: %s takes %.2f "
		    "times as long as %s (%.3f ms / %.3f ms; %g to %g passes)",
		    what, names[0], r, names[i], med[0], med[i], RATIO_LO,
		    RATIO_HI);
	}
}

/*
 * A wrong password for an unknown name costs what it costs for a user of
 * each scheme, through a PLAIN/LOGIN check or (scram) through a SCRAM
 * exchange. The tries are interleaved, so that a change of machine load
 * falls on every name alike; one untimed round first does whatever is
 * done once per config.
 */
static void
test_times(struct conf *c, const char *label, const char *const *names,
    size_t n, int scram)
{
	double t[8][TRIES], t0;
	struct probe p;
	char what[128];
	size_t i, k;
	int wrong = 0;

	for (k = 0; k <= TRIES; k++)
		for (i = 0; i < n; i++) {
			if (scram) {
				scram_probe(c, names[i], &p);
				wrong |= p.final != SASLSRV_FAIL;
			} else {
				t0 = now_ms();
				wrong |= saslsrv_check_password(c, names[i],
				    "wrong") != NULL;
				p.ms = now_ms() - t0;
			}
			if (k > 0)
				t[i][k - 1] = p.ms;
		}
	snprintf(what, sizeof(what), "%s, %s", label, scram ?
	    "SCRAM exchange" : "PLAIN check");
	tap_ok(!wrong, "%s: every wrong password fails", what);
	compare_medians(what, names, n, t);
}

/* ---- the per-install secret ---- */

static int
write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	int ok = fd >= 0 && write(fd, data, len) == (ssize_t)len;

	if (fd >= 0)
		close(fd);
	return ok && chmod(path, mode) == 0 ? 0 : -1;
}

/* The salt c's SCRAM service gives name now. */
static const char *
salt_of(struct conf *c, const char *name)
{
	static char salt[8][200];
	static int n;
	struct probe p;

	scram_probe(c, name, &p);
	n = (n + 1) % 8;
	snprintf(salt[n], sizeof(salt[n]), "%s", p.salt);
	return salt[n];
}

/* Start the process over: a fresh per-run secret, then the file's. */
static int
restart(const char *path)
{
	char err[256];
	int rc;

	if (authsecret_init(err, sizeof(err)) != 0)
		printf("# %s\n", err);
	rc = authsecret_load(path, err, sizeof(err));
	if (rc < 0)
		printf("# %s: %s\n", path, err);
	return rc;
}

static void
test_secret(struct conf *c, const char *dir)
{
	unsigned char secret[AUTHSECRET_LEN];
	char path[512], other[512], link_path[512], key[64], err[256];
	const char *s1, *s2;
	struct stat st;
	Gsasl *cctx;
	size_t i;

	snprintf(path, sizeof(path), "%s/auth-secret", dir);
	snprintf(other, sizeof(other), "%s/other-secret", dir);
	snprintf(link_path, sizeof(link_path), "%s/link-secret", dir);
	tap_is_int(restart(path), 1, "a missing secret file is made");
	tap_ok(stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0777) == 0600 && st.st_size == AUTHSECRET_LEN,
	    "... a plain file of mode 0600 and %d bytes", AUTHSECRET_LEN);
	s1 = salt_of(c, "nobody");
	tap_is_int(restart(path), 0, "the next start reads it");
	tap_is_str(salt_of(c, "nobody"), s1, "the same file gives an unknown "
	    "name the same salt after a restart");
	s2 = salt_of(c, "plain");
	tap_is_int(restart(path), 0, "and again");
	tap_is_str(salt_of(c, "plain"), s2, "... and a {PLAIN} user's");
	tap_ok(strcmp(s1, s2) != 0, "... different names, different salts");
	for (i = 0; i < sizeof(secret); i++)
		secret[i] = (unsigned char)i;
	write_file(other, secret, sizeof(secret), 0600);
	tap_is_int(restart(other), 0, "another secret file is read");
	tap_ok(strcmp(salt_of(c, "nobody"), s1) != 0, "another secret, "
	    "another salt for the same name");
	/*
	 * Keys derived from the secret are what a name without a SCRAM
	 * secret is checked against: even with the secret, they log in
	 * neither a user of another scheme nor a name that is no user.
	 */
	b64_encode(secret, sizeof(secret), key, sizeof(key));
	if (gsasl_init(&cctx) == GSASL_OK) {
		gsasl_callback_set(cctx, client_cb);
		tap_is_str(exchange(c, cctx, "SCRAM-SHA-256", "scram", "secret",
		    NULL), "scram", "SCRAM: the right password logs a SCRAM "
		    "user in");
		tap_is_str(exchange(c, cctx, "SCRAM-SHA-256", "plain", "pw1",
		    NULL), "plain", "SCRAM: ... and a {PLAIN} user");
		tap_ok(*exchange(c, cctx, "SCRAM-SHA-256", "crypt", key,
		    NULL) == '\0' && *exchange(c, cctx, "SCRAM-SHA-256",
		    "nobody", key, NULL) == '\0',
		    "SCRAM: a proof made from the secret logs in neither a "
		    "crypt user nor an unknown name");
		gsasl_done(cctx);
	}
	/* files that are not used: the run keeps a secret of its own */
	tap_ok(symlink(other, link_path) == 0 && restart(link_path) == -1,
	    "a link in place of the file is not followed");
	tap_ok(chmod(other, 0640) == 0 && restart(other) == -1,
	    "a file readable by its group is not used");
	write_file(other, secret, 16, 0600);
	tap_ok(restart(other) == -1, "nor a file of the wrong size");
	tap_ok(authsecret_load("/nonexistent-dir/secret", err,
	    sizeof(err)) == -1 && strstr(err, "No such file") != NULL,
	    "a file that cannot be made says why (%s)", err);
}

int
main(void)
{
	static const char *const all[] = { "nobody", "plain", "scram",
	    "scram2", "crypt" };
	static const char *const scram4096[] = { "nobody", "plain", "scram",
	    "crypt" };
	static const char *const dear[] = { "nobody", "plain", "scram",
	    "slowcrypt" };
	char scram2[300], scramhi[300], slow[512], text[2048];
	char err[CONF_ERRLEN], dir[256];
	struct conf *c;

	if (!tap_ok(saslsrv_init(err, sizeof(err)) == 0, "saslsrv_init")) {
		printf("# %s\n", err);
		return tap_done();
	}
	scram_stored(4096, "pepperpepper", scram2, sizeof(scram2));
	scram_stored(8192, "sixteen byte slt", scramhi, sizeof(scramhi));
	/*
	 * The {PLAIN} user comes first: where it stood, the old service
	 * spent its check on an unknown name.
	 */
	snprintf(text, sizeof(text), "users = (\n"
	    " { name = \"plain\"; password = \"{PLAIN}pw1\"; },\n"
	    " { name = \"scram\"; password = \"%s\"; },\n"
	    " { name = \"scram2\"; password = \"%s\"; },\n"
	    " { name = \"scramhi\"; password = \"%s\"; },\n"
	    " { name = \"crypt\"; password = \"%s\"; }\n);\n"
	    "auth = { realms = [ \"example.com\" ]; };\n", SCRAM_SECRET, scram2,
	    scramhi, SHA512_SECRET);
	c = load(text);
	if (!tap_ok(c != NULL, "a config with users of every scheme loads"))
		return tap_done();
	test_scram_answers(c);
	if (tmpdir_make("t_authtiming", dir, sizeof(dir)) == 0) {
		test_secret(c, dir);
		tmpdir_remove(dir);
	}
	test_times(c, "every scheme", all, NELEM(all), 0);
	/* scramhi presents (and costs) twice the iterations: not compared */
	test_times(c, "every scheme", scram4096, NELEM(scram4096), 1);
	conf_unref(c);

	/* The dearest scheme is a crypt hash, dearer than the SCRAM one. */
	sha512_stored(20000, slow, sizeof(slow));
	snprintf(text, sizeof(text), "users = (\n"
	    " { name = \"plain\"; password = \"{PLAIN}pw1\"; },\n"
	    " { name = \"scram\"; password = \"%s\"; },\n"
	    " { name = \"slowcrypt\"; password = \"%s\"; }\n);\n",
	    SCRAM_SECRET, slow);
	c = load(text);
	if (tap_ok(c != NULL, "a config whose dearest scheme is crypt loads"))
		test_times(c, "a dear crypt hash", dear, NELEM(dear), 0);
	conf_unref(c);
	saslsrv_done();
	return tap_done();
}
