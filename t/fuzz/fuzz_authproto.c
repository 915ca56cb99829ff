/*
 * fuzz_authproto: the Dovecot auth protocol line parser (authproto_parse)
 * on one client line: the bytes up to the first NUL, capped at
 * AUTHPROTO_LINE_MAX, in an exact-size heap block (ASan sees any read
 * past the terminator or write outside the line). Checked: a refusal
 * always says why; an accepted line is VERSION, CPID, AUTH or CONT with
 * the fields the command needs (id > 0, a non-empty mechanism), every
 * field pointer lies inside the line and is NUL-terminated there, no
 * field holds a TAB or a control character, and resp= / CONT data is
 * strict base64 that b64_decode takes. A second parse of a copy gives
 * the same answer (no hidden state).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authproto.h"
#include "b64.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_authproto: invariant failed: %s "	\
		    "(line %d)\n", #cond, __LINE__);			\
		abort();						\
	}								\
} while (0)

static void
check_field(const char *f, const char *line, size_t size)
{
	const char *p;

	if (f == NULL)
		return;
	CHECK(f >= line && f < line + size);
	CHECK(memchr(f, '\0', (size_t)(line + size - f)) != NULL);
	for (p = f; *p; p++)
		CHECK((unsigned char)*p >= 0x20);
}

static void
check_b64(const char *s)
{
	size_t len = strlen(s);
	unsigned char *tmp = malloc(len + 1);

	if (tmp == NULL)
		return;
	CHECK(len % 4 == 0);
	CHECK(b64_decode(s, len, tmp, len + 1) >= 0);
	free(tmp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authproto_req req, req2;
	char err[256], err2[256];
	char *line, *copy;
	size_t n;
	int rc, rc2;

	n = strnlen((const char *)data, size);
	if (n >= AUTHPROTO_LINE_MAX)
		return 0;
	line = malloc(n + 1);
	copy = malloc(n + 1);
	if (line == NULL || copy == NULL) {
		free(line);
		free(copy);
		return 0;
	}
	memcpy(line, data, n);
	line[n] = '\0';
	memcpy(copy, line, n + 1);
	err[0] = '\0';
	rc = authproto_parse(line, &req, err, sizeof(err));
	rc2 = authproto_parse(copy, &req2, err2, sizeof(err2));
	CHECK(rc == rc2);
	CHECK(rc == 0 || rc == -1);
	if (rc != 0) {
		CHECK(err[0] != '\0');
		CHECK(strcmp(err, err2) == 0);
	} else {
		CHECK(req.cmd == req2.cmd && req.id == req2.id);
		check_field(req.mech, line, n + 1);
		check_field(req.service, line, n + 1);
		check_field(req.rip, line, n + 1);
		check_field(req.resp, line, n + 1);
		switch (req.cmd) {
		case AUTHPROTO_VERSION:
			CHECK(strncmp(copy, "VERSION", 7) == 0);
			break;
		case AUTHPROTO_CPID:
			CHECK(req.id > 0);
			break;
		case AUTHPROTO_AUTH:
			CHECK(req.id > 0 && req.id <= 999999999UL);
			CHECK(req.mech != NULL && req.mech[0] != '\0');
			if (req.resp != NULL)
				check_b64(req.resp);
			break;
		case AUTHPROTO_CONT:
			CHECK(req.id > 0 && req.id <= 999999999UL);
			CHECK(req.resp != NULL);
			check_b64(req.resp);
			break;
		default:
			CHECK(!"unknown command accepted");
		}
	}
	free(line);
	free(copy);
	return 0;
}
