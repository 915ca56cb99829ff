/*
 * fuzz_smapproto: the Sendmail socket map parser (smapproto.c) on raw
 * bytes as recv() delivers them: the netstring reader on every prefix of
 * the input (the daemon parses after each read), each copied to an
 * exact-size heap block so that ASan sees any read past the bytes
 * received, checked against an independent reading (answer, data,
 * bytes used) and for answers that only move forward (1... then 0 or
 * -1, and then the same in every longer prefix). A complete netstring's
 * data goes on to the request split and the key parser, whose fields
 * must be NUL-terminated, free of '^', control bytes and outer blanks,
 * eleven in number with the tag at both ends; the input as text goes
 * through the quoting and reply encoders, whose output must stay one
 * token and one netstring.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smapproto.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_smapproto: invariant failed: %s "	\
		    "(line %d)\n", #cond, __LINE__);			\
		abort();						\
	}								\
} while (0)

/* The reference netstring reading of len bytes: answer, offsets. */
static int
reference(const uint8_t *b, size_t len, size_t max, size_t *off,
    size_t *n, size_t *used)
{
	size_t i = 0, v = 0;

	while (i < len && b[i] >= '0' && b[i] <= '9') {
		if (i == 1 && b[0] == '0')
			return -1;
		v = v * 10 + (b[i] - '0');
		if (v > max)
			return -1;
		i++;
	}
	if (i == len)
		return 1;
	if (i == 0 || b[i] != ':')
		return -1;
	if (len < i + 1 + v + 1)
		return 1;
	if (b[i + 1 + v] != ',')
		return -1;
	*off = i + 1;
	*n = v;
	*used = i + v + 2;
	return 0;
}

static struct smapproto_key key;

static void
check_field(const char *f)
{
	size_t l;

	CHECK(f >= key.buf && f < key.buf + sizeof(key.buf));
	l = strnlen(f, sizeof(key.buf));
	CHECK(f + l < key.buf + sizeof(key.buf));
	CHECK(strchr(f, SMAPPROTO_SEP) == NULL);
	CHECK(l == 0 || (f[0] != ' ' && f[l - 1] != ' '));
	for (; *f != '\0'; f++)
		CHECK((unsigned char)*f >= 0x20 && *f != 0x7f);
}

/* A complete request: split it and read its key. */
static void
check_request(const char *data, size_t len)
{
	const char *name, *k, *fields[9];
	size_t nl, kl, i, seps = 0;
	char err[300] = "";
	int rc;

	if (smapproto_request(data, len, &name, &nl, &k, &kl) != 0) {
		CHECK(memchr(data, ' ', len) == NULL || data[0] == ' ');
		return;
	}
	CHECK(nl > 0 && name == data && name[nl] == ' ');
	CHECK(k == data + nl + 1 && kl == len - nl - 1);
	rc = smapproto_key_parse(k, kl, &key, err, sizeof(err));
	CHECK(rc == 0 || rc == -1);
	if (rc != 0) {
		CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		return;
	}
	for (i = 0; i < kl; i++) {
		CHECK((unsigned char)k[i] >= 0x20 && k[i] != 0x7f);
		seps += k[i] == SMAPPROTO_SEP;
	}
	CHECK(kl < SMAPPROTO_KEY_CUT);
	CHECK(seps == SMAPPROTO_NFIELDS - 1);
	fields[0] = key.daemon_name;
	fields[1] = key.qid;
	fields[2] = key.client_addr;
	fields[3] = key.client_resolve;
	fields[4] = key.rcpt_mailer;
	fields[5] = key.rcpt;
	fields[6] = key.sender;
	fields[7] = key.client_name;
	fields[8] = key.auth_authen;
	for (i = 0; i < 9; i++)
		check_field(fields[i]);
	/* a trusted name is Sendmail's verified one, never "[address]" */
	if (smapproto_client_name(&key) != NULL)
		CHECK(strcmp(key.client_resolve, "OK") == 0 &&
		    key.client_name[0] != '[' && key.client_name[0] != '\0');
}

/* The input as text through the encoders. */
static void
check_encoders(const uint8_t *data, size_t size)
{
	char text[600], q[300], reply[400];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1, i, w;

	memcpy(text, data, n);
	text[n] = '\0';
	smapproto_quote("550", text, q, sizeof(q));
	w = strlen(q);
	CHECK(w >= 2 && w < sizeof(q) && q[0] == '"' && q[w - 1] == '"');
	for (i = 1; i + 1 < w; i++)
		CHECK(q[i] != '"' && q[i] != '\\' &&
		    (unsigned char)q[i] >= 0x20 && (unsigned char)q[i] < 0x7f);
	w = smapproto_reply("OK", text, reply, sizeof(reply));
	if (w == 0)
		return;
	{
		const char *d;
		size_t dl, used;
		char err[100];

		/* what is sent reads back as one netstring: "OK " text */
		CHECK(smapproto_netstring(reply, w, SMAPPROTO_REQ_MAX, &d, &dl,
		    &used, err, sizeof(err)) == 0);
		CHECK(used == w && dl == 3 + strlen(text));
		CHECK(memcmp(d, "OK ", 3) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len, max = SMAPPROTO_REQ_MAX;
	int prev = 1, done = 0;
	size_t first_used = 0;

	if (size > SMAPPROTO_REQ_MAX + 64)
		return 0;
	/* a small limit too, where the fuzzer reaches it easily */
	if (size > 0 && (data[0] & 1))
		max = 64;
	for (len = 0; len <= size; len++) {
		size_t off = 0, n = 0, used = 0, dlen = 0, got_used = 0;
		const char *d = NULL;
		char err[200];
		char *buf = malloc(len ? len : 1);
		int rc, want;

		if (buf == NULL)
			return 0;
		memcpy(buf, data, len);
		rc = smapproto_netstring(buf, len, max, &d, &dlen, &got_used,
		    err, sizeof(err));
		want = reference(data, len, max, &off, &n, &used);
		CHECK(rc == want);
		/* 1 -> 0 or -1, never back, and a complete one stays so */
		CHECK(rc == prev || prev == 1);
		if (rc == 0) {
			CHECK(d == buf + off && dlen == n && got_used == used);
			CHECK(used <= len && dlen <= max);
			if (!done) {
				first_used = used;
				done = 1;
				check_request(d, dlen);
			} else
				CHECK(used == first_used);
		}
		if (rc == -1)
			CHECK(memchr(err, '\0', sizeof(err)) != NULL &&
			    err[0] != '\0');
		free(buf);
		prev = rc;
		if (rc != 1 && len > first_used + 8)
			break;
	}
	check_encoders(data, size);
	return 0;
}
