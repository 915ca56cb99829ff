/*
 * fuzz_saslauthd: the saslauthd request parser (saslauthd_parse) on raw
 * bytes, as recv() delivers them: the whole input and every prefix of it
 * (the daemon parses after each read), each copied to an exact-size heap
 * block so that ASan sees any read past the bytes received. Checked
 * against an independent reading of the four or five length-prefixed
 * strings: the answer (0 complete, 1 need more, -1 malformed) and
 * nfields agree; the answers over growing prefixes only move forward
 * (1... then 0... then -1...); the fields are NUL-terminated, within
 * SASLAUTHD_FIELD_MAX, equal to the bytes sent, and stay the same in every
 * longer prefix; saslauthd_user always terminates its output.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saslauthd.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_saslauthd: invariant failed: %s "	\
		    "(line %d)\n", #cond, __LINE__);			\
		abort();						\
	}								\
} while (0)

/* The reference reading: answer and field count for len bytes. */
static int
reference(const uint8_t *b, size_t len, int *nfields, size_t off[5],
    size_t flen[5])
{
	size_t pos = 0;
	int n = 0;

	while (n < 5 && len - pos >= 2) {
		size_t l = (size_t)b[pos] << 8 | b[pos + 1];

		if (l > SASLAUTHD_FIELD_MAX)
			return -1;
		if (len - pos - 2 < l)
			break;
		if (memchr(b + pos + 2, '\0', l) != NULL)
			return -1;
		off[n] = pos + 2;
		flen[n] = l;
		n++;
		pos += 2 + l;
	}
	*nfields = n;
	if (n == 5 && pos < len)
		return -1;
	return n >= 4 ? 0 : 1;
}

static struct saslauthd_req req, first;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len, off[5], flen[5];
	int prev = 1, have_first = 0, i;

	if (size > SASLAUTHD_REQ_MAX + 16)
		return 0;
	for (len = 0; len <= size; len++) {
		const char *fields[5];
		char user[2 * SASLAUTHD_FIELD_MAX + 2];
		uint8_t *buf = malloc(len ? len : 1);
		int rc, want, nf = 0;

		if (buf == NULL)
			return 0;
		memcpy(buf, data, len);
		rc = saslauthd_parse(buf, len, &req);
		free(buf);
		want = reference(data, len, &nf, off, flen);
		CHECK(rc == want);
		/* 1 -> 0 -> -1, never back. */
		CHECK(rc == prev || (prev == 1 && rc != 1) ||
		    (prev == 0 && rc == -1));
		prev = rc;
		if (rc == -1)
			break;
		CHECK(req.nfields == nf);
		fields[0] = req.login;
		fields[1] = req.password;
		fields[2] = req.service;
		fields[3] = req.realm;
		fields[4] = req.addr;
		for (i = 0; i < 5; i++) {
			size_t l = strnlen(fields[i], SASLAUTHD_FIELD_MAX + 1);

			CHECK(l <= SASLAUTHD_FIELD_MAX);
			if (i < nf)
				CHECK(l == flen[i] &&
				    memcmp(fields[i], data + off[i], l) == 0);
			else
				CHECK(l == 0);
		}
		if (rc == 0) {
			saslauthd_user(&req, user, sizeof(user));
			CHECK(memchr(user, '\0', sizeof(user)) != NULL);
			if (!have_first) {
				first = req;
				have_first = 1;
			} else
				for (i = 0; i < 4; i++)
					CHECK(strcmp(fields[i],
					    i == 0 ? first.login :
					    i == 1 ? first.password :
					    i == 2 ? first.service :
					    first.realm) == 0);
		}
	}
	return 0;
}
