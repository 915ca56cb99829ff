/*
 * fuzz_policyproto: the Postfix policy protocol parser (policyproto_parse)
 * and answer line (policyproto_reply), on any bytes, NULs included, in an
 * exact-size heap block. Checked against an independent reading of the
 * bytes: the parser finds a whole request (1), asks for more (0) or
 * refuses (-1) exactly when the reference does, and a whole request uses
 * exactly the bytes through its empty line, each kept attribute is the
 * value its line holds, and nothing is kept from a refused request. The
 * same bytes fed in chunks (sizes taken from the input), with the scan
 * state kept between calls, give the same outcome as at once, and a
 * chunked parse never says 1 before the request's last byte has come.
 * Requests found are taken off the front and the rest parsed again, as
 * the server does with pipelined requests. Every kept value, made an
 * answer, is one line and its empty line, free of control bytes.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyproto.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_policyproto: invariant failed: %s "\
		    "(line %d)\n", #cond, __LINE__);			\
		abort();						\
	}								\
} while (0)

static const char *const wl[POLICYPROTO_NATTRS] = {
	"request", "protocol_state", "client_address", "client_name",
	"sasl_username", "sender", "recipient", "policy_context", "queue_id",
};

/*
 * The reference: 1 with *end and the kept values' offsets and lengths,
 * 0, or -1. Written from the rules of policyproto.h, not from the code.
 */
static int
reference(const unsigned char *s, size_t len, size_t *end,
    long voff[POLICYPROTO_NATTRS], size_t vlen[POLICYPROTO_NATTRS])
{
	size_t pos = 0, lines = 0, i, a;

	for (a = 0; a < POLICYPROTO_NATTRS; a++)
		voff[a] = -1;
	for (;;) {
		size_t eol = pos, n, eq = SIZE_MAX;

		while (eol < len && s[eol] != '\n')
			eol++;
		if (eol == len) {
			if (len - pos > POLICYPROTO_LINE_MAX ||
			    len >= POLICYPROTO_REQ_MAX)
				return -1;
			return 0;
		}
		n = eol - pos;
		if (n == 0) {
			if (pos + 1 > POLICYPROTO_REQ_MAX)
				return -1;
			*end = pos + 1;
			break;
		}
		if (++lines > POLICYPROTO_LINES_MAX || n > POLICYPROTO_LINE_MAX)
			return -1;
		for (i = pos; i < eol; i++)
			if (s[i] == '=') {
				eq = i;
				break;
			}
		if (eq == SIZE_MAX || eq == pos ||
		    eq - pos > POLICYPROTO_NAME_MAX)
			return -1;
		for (i = pos; i < eq; i++) {
			unsigned char c = s[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
			    c == '.'))
				return -1;
		}
		for (i = eq + 1; i < eol; i++)
			if (s[i] == '\0')
				return -1;
		pos = eol + 1;
	}
	/* A whole request: now the kept attributes. */
	pos = 0;
	while (pos + 1 < *end) {
		size_t eol = pos, eq;

		while (s[eol] != '\n')
			eol++;
		eq = pos;
		while (s[eq] != '=')
			eq++;
		for (a = 0; a < POLICYPROTO_NATTRS; a++)
			if (strlen(wl[a]) == eq - pos &&
			    memcmp(s + pos, wl[a], eq - pos) == 0)
				break;
		if (a < POLICYPROTO_NATTRS) {
			if (voff[a] >= 0)
				return -1;
			voff[a] = (long)(eq + 1);
			vlen[a] = eol - eq - 1;
		}
		pos = eol + 1;
	}
	if (voff[0] < 0 || vlen[0] != 19 ||
	    memcmp(s + voff[0], "smtpd_access_policy", 19) != 0)
		return -1;
	return 1;
}

static void
check_reply(const char *action)
{
	char buf[POLICYPROTO_REPLY_MAX];
	size_t n = policyproto_reply(action, buf, sizeof(buf)), i, lf = 0;

	CHECK(n >= 9 && n < sizeof(buf) && buf[n] == '\0');
	CHECK(memcmp(buf, "action=", 7) == 0);
	CHECK(buf[n - 1] == '\n' && buf[n - 2] == '\n');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n')
			lf++;
		else
			CHECK(c >= 0x20 && c != 0x7f);
	}
	CHECK(lf == 2);
}

/* One parse of orig[0..len) at once; checked against the reference. */
static int
check_once(const unsigned char *orig, size_t len, size_t *used)
{
	struct policyproto_scan sc = { 0, 0 };
	struct policyproto_req r;
	long voff[POLICYPROTO_NATTRS];
	size_t vlen[POLICYPROTO_NATTRS], end = 0;
	char *buf = malloc(len ? len : 1), err[256] = "";
	int rc, want, a;

	if (buf == NULL)
		return -2;
	memcpy(buf, orig, len);
	want = reference(orig, len, &end, voff, vlen);
	rc = policyproto_parse(buf, len, &sc, &r, used, err, sizeof(err));
	CHECK(rc == want);
	if (rc == 0) {
		CHECK(*used == 0 && memcmp(buf, orig, len) == 0);
		CHECK(sc.checked <= len);
	} else {
		CHECK(sc.checked == 0 && sc.lines == 0);
	}
	if (rc == -1) {
		CHECK(err[0] != '\0' && *used == 0);
		for (a = 0; a < POLICYPROTO_NATTRS; a++)
			CHECK(r.attr[a] == NULL);
	}
	if (rc == 1) {
		CHECK(*used == end && end <= len && end <= POLICYPROTO_REQ_MAX);
		CHECK(memcmp(buf + end, orig + end, len - end) == 0);
		for (a = 0; a < POLICYPROTO_NATTRS; a++) {
			if (voff[a] < 0) {
				CHECK(r.attr[a] == NULL);
				continue;
			}
			CHECK(r.attr[a] == buf + voff[a]);
			CHECK(strlen(r.attr[a]) == vlen[a]);
			CHECK(memcmp(r.attr[a], orig + voff[a], vlen[a]) == 0);
			check_reply(r.attr[a]);
		}
	}
	free(buf);
	return rc;
}

/* The same bytes in chunks, the scan state kept: the same outcome. */
static void
check_chunked(const unsigned char *orig, size_t len, int want,
    size_t want_used)
{
	struct policyproto_scan sc = { 0, 0 };
	struct policyproto_req r;
	char *buf = malloc(len ? len : 1), err[256];
	size_t have = 0, used = 0, k = 0;
	int rc = 0;

	if (buf == NULL)
		return;
	memcpy(buf, orig, len);
	while (have < len) {
		/* chunk sizes from the input itself: 1 to 64 bytes */
		size_t step = (size_t)(orig[k++ % len] & 63) + 1;

		have = have + step > len ? len : have + step;
		rc = policyproto_parse(buf, have, &sc, &r, &used, err,
		    sizeof(err));
		if (rc != 0)
			break;
	}
	CHECK(rc == want);
	if (rc == 1)
		CHECK(used == want_used && have >= used &&
		    have - used < 65);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0, used = 0;
	int rounds = 0, rc;

	if (size > POLICYPROTO_REQ_MAX + 4096)
		return 0;
	check_reply((const char *)"");
	/* Requests taken off the front, as a connection does. */
	while (rounds++ < 64) {
		rc = check_once(data + off, size - off, &used);
		check_chunked(data + off, size - off, rc, used);
		if (rc != 1)
			break;
		off += used;
	}
	return 0;
}
