/*
 * pwscheme: the one parser of stored passwords. The scheme table below
 * is the list of schemes for the loader's check, the SASL service and
 * relayctl pw alike; the SCRAM fields are decoded into fixed buffers,
 * and a field that does not fit is refused here, at load, rather than
 * found unusable at the first login.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "b64.h"
#include "pwscheme.h"

static const char *const pwscheme_sha512[] = { "$6$", NULL };
static const char *const pwscheme_blf[] = { "$2b$", "$2y$", "$2a$", NULL };
/* {CRYPT} makes yescrypt, the system default of Debian 11 and later. */
static const char *const pwscheme_any[] = { "$y$", "$6$", "$2b$", "$2y$",
	"$2a$", NULL };

static const struct pwscheme_info pwscheme_table[] = {
	{ "PLAIN", PWSCHEME_PLAIN, NULL },
	{ "SHA512-CRYPT", PWSCHEME_CRYPT, pwscheme_sha512 },
	{ "BLF-CRYPT", PWSCHEME_CRYPT, pwscheme_blf },
	{ "CRYPT", PWSCHEME_CRYPT, pwscheme_any },
	{ "SCRAM-SHA-256", PWSCHEME_SCRAM_SHA256, NULL },
};
#define PWSCHEME_N	(sizeof(pwscheme_table) / sizeof(pwscheme_table[0]))

/* A crypt(3) id and a setting and hash after it; shorter is a typo. */
#define PWSCHEME_CRYPT_MIN	9

static int pwscheme_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
pwscheme_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The table entry whose "{NAME}" starts stored, and the body after it. */
static const struct pwscheme_info *
pwscheme_prefix(const char *stored, const char **body)
{
	size_t i, n;

	if (stored[0] != '{')
		return NULL;
	for (i = 0; i < PWSCHEME_N; i++) {
		n = strlen(pwscheme_table[i].name);
		if (strncasecmp(stored + 1, pwscheme_table[i].name, n) == 0 &&
		    stored[n + 1] == '}') {
			*body = stored + n + 2;
			return &pwscheme_table[i];
		}
	}
	return NULL;
}

static int
pwscheme_crypt(const struct pwscheme_info *s, const char *h,
    struct pwscheme *out, char *err, size_t errlen)
{
	const char *const *id;

	for (id = s->ids; *id; id++)
		if (strncmp(h, *id, strlen(*id)) == 0 &&
		    strlen(h) >= strlen(*id) + PWSCHEME_CRYPT_MIN) {
			out->crypt = h;
			return 0;
		}
	return pwscheme_fail(err, errlen, "{%s} password is not a crypt hash "
	    "of a supported kind (expected one starting with %s)", s->name,
	    s->ids[0]);
}

/*
 * Decode the base64 field [f, f+len) into bin (exactly want bytes, or
 * 1 to cap when want is 0) and keep its text in text (room for cap's
 * base64 and a NUL). Returns the number of bytes, or -1.
 */
static long
pwscheme_field(const char *f, size_t len, unsigned char *bin, size_t cap,
    size_t want, char *text)
{
	long n;

	if (len > PWSCHEME_B64LEN(cap))
		return -1;
	n = b64_decode(f, len, bin, cap);
	if (n < 1 || (want != 0 && (size_t)n != want))
		return -1;
	memcpy(text, f, len);
	text[len] = '\0';
	return n;
}

/* "iter,salt,storedkey,serverkey", as Dovecot stores SCRAM secrets. */
static int
pwscheme_scram(const char *body, struct pwscheme *out, char *err,
    size_t errlen)
{
	const char *why = NULL;
	const char *f[4], *p = body, *comma;
	size_t len[4], i;
	long n;

	for (i = 0; i < 4; i++) {
		comma = strchr(p, ',');
		f[i] = p;
		len[i] = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len[i] == 0 || (comma == NULL) != (i == 3)) {
			why = "not four non-empty fields";
			goto bad;
		}
		if (comma != NULL)
			p = comma + 1;
	}
	if (len[0] > 8 || strspn(f[0], "0123456789") < len[0] ||
	    (n = strtol(f[0], NULL, 10)) < 1 || n > PWSCHEME_SCRAM_ITER_MAX) {
		why = "the iteration count is not a number from 1 to 10000000";
		goto bad;
	}
	out->iter = (unsigned)n;
	n = pwscheme_field(f[1], len[1], out->salt, sizeof(out->salt), 0,
	    out->salt_b64);
	if (n < 0) {
		why = "the salt is not the base64 of 1 to 96 bytes";
		goto bad;
	}
	out->saltlen = (size_t)n;
	if (pwscheme_field(f[2], len[2], out->stored_key,
	    PWSCHEME_SCRAM_KEY, PWSCHEME_SCRAM_KEY, out->stored_b64) < 0 ||
	    pwscheme_field(f[3], len[3], out->server_key,
	    PWSCHEME_SCRAM_KEY, PWSCHEME_SCRAM_KEY, out->server_b64) < 0) {
		why = "a key is not the base64 of 32 bytes";
		goto bad;
	}
	return 0;
bad:
	return pwscheme_fail(err, errlen, "{SCRAM-SHA-256} password: %s "
	    "(expected iterations,salt,storedkey,serverkey in base64; "
	    "relayctl pw makes one)", why);
}

int
pwscheme_parse(const char *stored, struct pwscheme *out, char *err,
    size_t errlen)
{
	const char *body = NULL;
	const struct pwscheme_info *s = pwscheme_prefix(stored, &body);
	char names[128];

	memset(out, 0, sizeof(*out));
	if (s == NULL && stored[0] == '{')
		return pwscheme_fail(err, errlen, "unknown password scheme "
		    "(known: %s)", pwscheme_names(names, sizeof(names), 1));
	if (s == NULL)
		return pwscheme_fail(err, errlen, "the password needs a "
		    "scheme prefix such as {SCRAM-SHA-256} or {PLAIN}");
	switch (s->kind) {
	case PWSCHEME_PLAIN:
		if (body[0] == '\0')
			return pwscheme_fail(err, errlen, "empty {PLAIN} "
			    "password");
		out->plain = body;
		break;
	case PWSCHEME_CRYPT:
		if (pwscheme_crypt(s, body, out, err, errlen) != 0)
			return -1;
		break;
	case PWSCHEME_SCRAM_SHA256:
		if (pwscheme_scram(body, out, err, errlen) != 0)
			return -1;
		break;
	case PWSCHEME_NONE:
		return -1;
	}
	out->scheme = s;
	out->kind = s->kind;
	return 0;
}

enum pwscheme_kind
pwscheme_kind(const char *stored)
{
	const char *body;
	const struct pwscheme_info *s = pwscheme_prefix(stored, &body);

	return s != NULL ? s->kind : PWSCHEME_NONE;
}

const struct pwscheme_info *
pwscheme_find(const char *name)
{
	size_t i;

	for (i = 0; i < PWSCHEME_N; i++)
		if (strcasecmp(name, pwscheme_table[i].name) == 0)
			return &pwscheme_table[i];
	return NULL;
}

char *
pwscheme_names(char *buf, size_t len, int braces)
{
	size_t i, o = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < PWSCHEME_N && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, braces ? "%s{%s}" :
		    "%s%s", i ? ", " : "", pwscheme_table[i].name);
	return buf;
}
