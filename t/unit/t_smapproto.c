/*
 * t_smapproto: the Sendmail socket map parser (milter/socketmap/
 * smapproto.c), table by table: netstrings as they arrive (whole, cut
 * short, malformed), requests split into map name and key, relaymilter's
 * key with its eleven fields (what each becomes, and the keys that are
 * refused: ambiguous, cut, foreign, with control bytes), which client
 * names are trusted, and the replies and quoted texts sent back.
 */
#include "unit_fixture.h"

#include "smapproto.h"

/* ---- netstrings ---- */

struct ns_case {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	size_t		 max;
	int		 rc;
	const char	*data;		/* rc 0 */
	size_t		 used;		/* rc 0 */
};

#define MAX	SMAPPROTO_REQ_MAX

static const struct ns_case ns_cases[] = {
	/* complete */
	{ "5:hello,", 0, MAX, 0, "hello", 8 },
	{ "0:,", 0, MAX, 0, "", 3 },
	{ "5:hello,6:", 0, MAX, 0, "hello", 8 },
	{ "3:a,b,", 0, MAX, 0, "a,b", 6 },
	{ "1::,", 0, MAX, 0, ":", 4 },
	{ "4096:", 0, MAX, 1, NULL, 0 },
	/* not yet */
	{ "", 0, MAX, 1, NULL, 0 },
	{ "5", 0, MAX, 1, NULL, 0 },
	{ "12", 0, MAX, 1, NULL, 0 },
	{ "5:", 0, MAX, 1, NULL, 0 },
	{ "5:hell", 0, MAX, 1, NULL, 0 },
	{ "5:hello", 0, MAX, 1, NULL, 0 },
	{ "0", 0, MAX, 1, NULL, 0 },
	{ "0:", 0, MAX, 1, NULL, 0 },
	/* never */
	{ "05:hello,", 0, MAX, -1, NULL, 0 },
	{ "00:,", 0, MAX, -1, NULL, 0 },
	{ "4097:", 0, MAX, -1, NULL, 0 },
	{ "99999999999999999999999999:", 0, MAX, -1, NULL, 0 },
	{ "6:hello,", 0, 5, -1, NULL, 0 },
	{ ":hello,", 0, MAX, -1, NULL, 0 },
	{ "x", 0, MAX, -1, NULL, 0 },
	{ " 5:hello,", 0, MAX, -1, NULL, 0 },
	{ "+5:hello,", 0, MAX, -1, NULL, 0 },
	{ "-1:x,", 0, MAX, -1, NULL, 0 },
	{ "5;hello,", 0, MAX, -1, NULL, 0 },
	{ "5 :hello,", 0, MAX, -1, NULL, 0 },
	{ "5:hello;", 0, MAX, -1, NULL, 0 },
	{ "5:hello!!", 0, MAX, -1, NULL, 0 },
	{ "3:hello,", 0, MAX, -1, NULL, 0 },
	{ "GET / HTTP/1.0\r\n", 0, MAX, -1, NULL, 0 },
	/* any byte is data, NUL included */
	{ "3:a\0b,", 6, MAX, 0, "a\0b", 6 },
};

static void
test_netstring(void)
{
	size_t i;

	for (i = 0; i < NELEM(ns_cases); i++) {
		const struct ns_case *tc = &ns_cases[i];
		size_t len = tc->len ? tc->len : strlen(tc->in), dlen = 99,
		    used = 99;
		const char *data = NULL;
		char err[200] = "", what[200], *copy = malloc(len + 1);
		int rc;

		/* an exact-size copy: a read past len is ASan's to see */
		memcpy(copy, tc->in, len);
		rc = smapproto_netstring(copy, len, tc->max, &data, &dlen, &used,
		    err, sizeof(err));
		snprintf(what, sizeof(what), "netstring \"%s\" (max %zu)",
		    tap_show(tc->in), tc->max);
		if (tap_is_int(rc, tc->rc, what) && rc == 0) {
			size_t want = tc->len ? 3 : strlen(tc->data);

			tap_ok(dlen == want && memcmp(data, tc->data, want) == 0,
			    "... its data");
			tap_is_int((long)used, (long)tc->used, "... bytes used");
			tap_ok(data == copy + (strchr(tc->in, ':') - tc->in) + 1,
			    "... data points into the buffer");
		} else if (rc < 0)
			tap_ok(err[0] != '\0', "... with a message (%s)", err);
		free(copy);
	}
}

/* Every prefix of a good netstring needs more; the whole is complete. */
static void
test_netstring_prefixes(void)
{
	const char *req = "relaymilter rm1^MTA^Q^192.0.2.7^OK^esmtp^<u@x>^"
	    "a@b^h.test^^rm1";
	size_t len, i, dlen, used;
	const char *data;
	char ns[200], err[100];
	int bad = 0;

	len = (size_t)snprintf(ns, sizeof(ns), "%zu:%s,", strlen(req), req);
	for (i = 0; i < len; i++)
		if (smapproto_netstring(ns, i, MAX, &data, &dlen, &used, err,
		    sizeof(err)) != 1)
			bad++;
	tap_is_int(bad, 0, "each prefix of a request asks for more bytes");
	tap_is_int(smapproto_netstring(ns, len, MAX, &data, &dlen, &used, err,
	    sizeof(err)), 0, "the whole request is complete");
	tap_ok(dlen == strlen(req) && memcmp(data, req, dlen) == 0 &&
	    used == len, "... the request's bytes, all used");
}

/* ---- requests ---- */

static const struct {
	const char	*in;
	int		 rc;
	const char	*name, *key;
} req_cases[] = {
	{ "relaymilter rm1^x", 0, "relaymilter", "rm1^x" },
	{ "relaymilter ", 0, "relaymilter", "" },
	{ "relaymilter a b", 0, "relaymilter", "a b" },
	{ "access To:u@x", 0, "access", "To:u@x" },
	{ "relaymilter", -1, NULL, NULL },
	{ " rm1^x", -1, NULL, NULL },
	{ "", -1, NULL, NULL },
};

static void
test_request(void)
{
	size_t i;

	for (i = 0; i < NELEM(req_cases); i++) {
		const char *name = NULL, *key = NULL;
		size_t nl = 0, kl = 0;
		char what[200], n[100], k[100];
		int rc = smapproto_request(req_cases[i].in,
		    strlen(req_cases[i].in), &name, &nl, &key, &kl);

		snprintf(what, sizeof(what), "request \"%s\"",
		    req_cases[i].in);
		if (!tap_is_int(rc, req_cases[i].rc, what) || rc != 0)
			continue;
		snprintf(n, sizeof(n), "%.*s", (int)nl, name);
		snprintf(k, sizeof(k), "%.*s", (int)kl, key);
		tap_is_str(n, req_cases[i].name, "... map name");
		tap_is_str(k, req_cases[i].key, "... key");
	}
}

/* ---- keys ---- */

#define K(s)	"rm1^" s "^rm1"

struct key_case {
	const char	*in;
	int		 rc;
	/* rc 0: daemon, qid, addr, resolve, mailer, rcpt, sender, name, auth */
	const char	*f[9];
	int		 have_client;
	const char	*trusted;	/* smapproto_client_name, or NULL */
};

static const struct key_case key_cases[] = {
	{ K("MTA^6B6KrwFi029646^127.0.0.9^FAIL^esmtp^<u@remote.test>^"
	    "a@remote.org^[127.0.0.9]^"), 0,
	    { "MTA", "6B6KrwFi029646", "127.0.0.9", "FAIL", "esmtp",
	    "<u@remote.test>", "a@remote.org", "[127.0.0.9]", "" }, 1, NULL },
	/* the null sender and a verified name */
	{ K("MTA^Q^127.0.0.1^OK^local^<U@Example.COM>^^localhost^"), 0,
	    { "MTA", "Q", "127.0.0.1", "OK", "local", "<U@Example.COM>", "",
	    "localhost", "" }, 1, "localhost" },
	/* Sendmail's IPv6 form; an authenticated user */
	{ K("submission^Q^IPv6:2001:db8::7^OK^esmtp^<x@y>^alice@example.com^"
	    "mx.example.net^alice"), 0,
	    { "submission", "Q", "2001:db8::7", "OK", "esmtp", "<x@y>",
	    "alice@example.com", "mx.example.net", "alice" }, 1,
	    "mx.example.net" },
	{ K("s^Q^ipv6:::1^OK^esmtp^<x@y>^a@b^h^"), 0,
	    { "s", "Q", "::1", "OK", "esmtp", "<x@y>", "a@b", "h", "" }, 1,
	    "h" },
	/* a name Sendmail could not verify is not trusted */
	{ K("MTA^Q^192.0.2.7^FORGED^esmtp^<x@y>^a@b^friend.example^"), 0,
	    { "MTA", "Q", "192.0.2.7", "FORGED", "esmtp", "<x@y>", "a@b",
	    "friend.example", "" }, 1, NULL },
	{ K("MTA^Q^192.0.2.7^OK^esmtp^<x@y>^a@b^[192.0.2.7]^"), 0,
	    { "MTA", "Q", "192.0.2.7", "OK", "esmtp", "<x@y>", "a@b",
	    "[192.0.2.7]", "" }, 1, NULL },
	{ K("MTA^Q^192.0.2.7^ok^esmtp^<x@y>^a@b^friend.example^"), 0,
	    { "MTA", "Q", "192.0.2.7", "ok", "esmtp", "<x@y>", "a@b",
	    "friend.example", "" }, 1, NULL },
	/* every field empty: no client, nothing trusted */
	{ K("^^^^^^^^"), 0, { "", "", "", "", "", "", "", "", "" }, 0, NULL },
	/* an address that is none: no client */
	{ K("MTA^Q^localhost^OK^esmtp^<x@y>^a@b^h^"), 0,
	    { "MTA", "Q", "localhost", "OK", "esmtp", "<x@y>", "a@b", "h",
	    "" }, 0, "h" },
	{ K("MTA^Q^0^OK^esmtp^<x@y>^a@b^h^"), 0,
	    { "MTA", "Q", "0", "OK", "esmtp", "<x@y>", "a@b", "h", "" }, 0,
	    "h" },
	/* blanks around the separators (OperatorChars without '^') */
	{ " rm1 ^ MTA ^ Q ^ 127.0.0.1 ^ OK ^ local ^ <u@x> ^ a@b ^ h ^ bob ^ "
	    "rm1 ", 0, { "MTA", "Q", "127.0.0.1", "OK", "local", "<u@x>",
	    "a@b", "h", "bob" }, 1, "h" },
	{ " rm1 ^ MTA ^ Q ^ IPv6: ::1 ^ OK ^ local ^ <u@x> ^ a@b ^ h ^ ^ rm1",
	    0, { "MTA", "Q", "::1", "OK", "local", "<u@x>", "a@b", "h", "" },
	    1, "h" },
	/* a quoted local part keeps its quotes and blanks */
	{ K("MTA^Q^127.0.0.1^OK^local^<\"u x\"@example.com>^a@b^h^"), 0,
	    { "MTA", "Q", "127.0.0.1", "OK", "local", "<\"u x\"@example.com>",
	    "a@b", "h", "" }, 1, "h" },
	/* UTF-8 is data */
	{ K("MTA^Q^127.0.0.1^OK^local^<j\xc3\xb6rg@example.com>^a@b^h^"), 0,
	    { "MTA", "Q", "127.0.0.1", "OK", "local",
	    "<j\xc3\xb6rg@example.com>", "a@b", "h", "" }, 1, "h" },
	/* a '^' in the sender or the recipient: ambiguous, refused */
	{ K("MTA^Q^127.0.0.9^FAIL^esmtp^<u@remote.test>^a^b@remote.org^h^"),
	    -1, { NULL }, 0, NULL },
	{ K("MTA^Q^127.0.0.9^FAIL^esmtp^<remote.test^u@example.com>^a@b^h^"),
	    -1, { NULL }, 0, NULL },
	{ K("MTA^Q^127.0.0.9^FAIL^esmtp^<u@x>^a@b^h^bob^rm1"), -1, { NULL },
	    0, NULL },
	/* too few fields */
	{ K("MTA^Q^127.0.0.9^FAIL^esmtp^<u@x>^a@b^h"), -1, { NULL }, 0, NULL },
	{ "", -1, { NULL }, 0, NULL },
	{ "rm1", -1, { NULL }, 0, NULL },
	/* another version, or none */
	{ "rm2^MTA^Q^127.0.0.9^FAIL^esmtp^<u@x>^a@b^h^^rm2", -1, { NULL }, 0,
	    NULL },
	{ "rm1^MTA^Q^127.0.0.9^FAIL^esmtp^<u@x>^a@b^h^^", -1, { NULL }, 0,
	    NULL },
	{ "^MTA^Q^127.0.0.9^FAIL^esmtp^<u@x>^a@b^h^^rm1", -1, { NULL }, 0,
	    NULL },
	{ "RM1^MTA^Q^127.0.0.9^FAIL^esmtp^<u@x>^a@b^h^^RM1", -1, { NULL }, 0,
	    NULL },
	/* control bytes: never part of a key Sendmail builds */
	{ K("MTA^Q^127.0.0.9^FAIL^esmtp^<u@x>\r\n^a@b^h^"), -1, { NULL }, 0,
	    NULL },
	{ K("MTA^Q^127.0.0.9^FAIL^esmtp^<u@x>^a@b^h^\t"), -1, { NULL }, 0,
	    NULL },
	{ K("MTA^Q^127.0.0.9^FAIL^esmtp^<u@x>^a@b^h^\x7f"), -1, { NULL }, 0,
	    NULL },
};

static void
test_key(void)
{
	static struct smapproto_key k;
	size_t i, j;

	for (i = 0; i < NELEM(key_cases); i++) {
		const struct key_case *tc = &key_cases[i];
		char err[300] = "", what[400];
		int rc = smapproto_key_parse(tc->in, strlen(tc->in), &k, err,
		    sizeof(err));
		const char *got[9];

		snprintf(what, sizeof(what), "key \"%s\"", tap_show(tc->in));
		if (!tap_is_int(rc, tc->rc, what) || rc != 0) {
			if (rc != 0)
				tap_ok(err[0] != '\0', "... with a message "
				    "(%s)", err);
			continue;
		}
		got[0] = k.daemon_name;
		got[1] = k.qid;
		got[2] = k.client_addr;
		got[3] = k.client_resolve;
		got[4] = k.rcpt_mailer;
		got[5] = k.rcpt;
		got[6] = k.sender;
		got[7] = k.client_name;
		got[8] = k.auth_authen;
		for (j = 0; j < 9 && tap_is_str(got[j], tc->f[j], "... field");
		    j++)
			;
		tap_is_int(k.have_client, tc->have_client, "... have_client");
		tap_is_str(smapproto_client_name(&k), tc->trusted,
		    "... trusted client name");
	}
}

/* A key as long as Sendmail's cut is refused; one byte less is taken. */
static void
test_key_length(void)
{
	static struct smapproto_key k;
	static char key[SMAPPROTO_REQ_MAX + 2];
	const char *head = "rm1^MTA^Q^127.0.0.1^OK^esmtp^<u@x>^a@b^";
	const char *tail = "^bob^rm1";
	size_t n, pad;
	char err[300];

	for (n = SMAPPROTO_KEY_CUT - 1; n <= SMAPPROTO_KEY_CUT + 1; n++) {
		pad = n - strlen(head) - strlen(tail);
		snprintf(key, sizeof(key), "%s%*s%s", head, (int)pad, "", tail);
		memset(key + strlen(head), 'n', pad);
		tap_is_int(smapproto_key_parse(key, n, &k, err, sizeof(err)),
		    n < SMAPPROTO_KEY_CUT ? 0 : -1, n < SMAPPROTO_KEY_CUT ?
		    "a key of 1020 bytes is taken" : "a key of 1021 bytes or "
		    "more is refused: Sendmail may have cut it");
	}
	memset(key, 'x', sizeof(key) - 1);
	tap_is_int(smapproto_key_parse(key, SMAPPROTO_REQ_MAX, &k, err,
	    sizeof(err)), -1, "a key of 4096 bytes is refused");
	tap_ok(strstr(err, "cut") != NULL, "... as possibly cut (%s)", err);
}

/* ---- replies ---- */

static const struct {
	const char	*code, *text;
	size_t		 len;
	const char	*want;
} quote_cases[] = {
	{ "550", "Relaying denied: client is not on the local network", 300,
	    "\"550 Relaying denied: client is not on the local network\"" },
	{ "451", "POP-before-SMTP check unavailable", 300,
	    "\"451 POP-before-SMTP check unavailable\"" },
	{ "550", "a \"quoted\" \\ back\r\nslash", 300,
	    "\"550 a ?quoted? ? back??slash\"" },
	{ "550", "j\xc3\xb6rg\x7f", 300, "\"550 j??rg?\"" },
	{ "", "text", 300, "\"text\"" },
	{ "550", "", 300, "\"550\"" },
	{ "550", "Relaying denied", 10, "\"550 Rel\"" },
	{ "550", "x", 3, "\"\"" },
	{ "550", "x", 2, "" },
};

static void
test_quote(void)
{
	size_t i;

	for (i = 0; i < NELEM(quote_cases); i++) {
		char buf[400], what[200];

		memset(buf, 'Z', sizeof(buf));
		smapproto_quote(quote_cases[i].code, quote_cases[i].text, buf,
		    quote_cases[i].len);
		snprintf(what, sizeof(what), "quote(\"%s\", \"%s\") in %zu",
		    quote_cases[i].code, tap_show(quote_cases[i].text),
		    quote_cases[i].len);
		tap_is_str(buf, quote_cases[i].want, what);
		tap_ok(buf[quote_cases[i].len] == 'Z', "... within its buffer");
	}
}

static const struct {
	const char	*status, *value;
	size_t		 len;
	const char	*want;
} reply_cases[] = {
	{ "OK", "OK", 100, "5:OK OK," },
	{ "OK", "DUNNO", 100, "8:OK DUNNO," },
	{ "OK", "REJECT \"550 Relaying denied: x\"", 100,
	    "34:OK REJECT \"550 Relaying denied: x\"," },
	{ "NOTFOUND", "", 100, "9:NOTFOUND ," },
	{ "PERM", "unknown map", 100, "16:PERM unknown map," },
	{ "OK", "OK", 9, "5:OK OK," },
	{ "OK", "OK", 8, "" },
	{ "OK", "OK", 0, NULL },
};

static void
test_reply(void)
{
	size_t i;

	for (i = 0; i < NELEM(reply_cases); i++) {
		char buf[200] = "unset", what[200];
		size_t n = smapproto_reply(reply_cases[i].status,
		    reply_cases[i].value, buf, reply_cases[i].len);

		snprintf(what, sizeof(what), "reply %s \"%s\" in %zu",
		    reply_cases[i].status, reply_cases[i].value,
		    reply_cases[i].len);
		if (reply_cases[i].want == NULL) {
			tap_ok(n == 0 && strcmp(buf, "unset") == 0, "%s: "
			    "nothing written", what);
			continue;
		}
		tap_is_str(buf, reply_cases[i].want, what);
		tap_is_int((long)n, (long)strlen(reply_cases[i].want),
		    "... its length");
	}
}

int
main(void)
{
	test_netstring();
	test_netstring_prefixes();
	test_request();
	test_key();
	test_key_length();
	test_quote();
	test_reply();
	return tap_done();
}
