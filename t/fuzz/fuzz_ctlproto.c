/*
 * fuzz_ctlproto: the control socket's command splitter (ctlproto_split)
 * and parser (ctlproto_parse), and the socket parser (sockspec), on one
 * line: the bytes up to the first NUL, capped at CTL_LINE_MAX, in an
 * exact-size heap block. Checked against an independent reading of the
 * line: -1 exactly when the line (after its trailing CR/LF) holds a
 * control character other than TAB or DEL, has no word, or more than
 * CTL_ARGS_MAX words; otherwise the count and the words themselves
 * match, every word is non-empty, lies inside the line, and holds no
 * blank or control character; argv slots past the count are untouched.
 * ctlproto_parse, on the same line, is refused as malformed exactly when
 * the split fails; a parsed request names a command of the grammar, its
 * ip and user lie inside the line; a refused one has a fault and an
 * answer. The line is also read as a socket (sockspec_parse, every form
 * accepted, as relayctl -s and the config read them): on success a unix
 * path is absolute, shorter than SOCKSPEC_PATH_MAX and the tail of the
 * line, an inet port is 1 to 65535 and its host is not empty;
 * sockspec_format of it parses back to the same; on failure there is a
 * message.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"
#include "sockspec.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_ctlproto: invariant failed: %s "	\
		    "(line %d)\n", #cond, __LINE__);			\
		abort();						\
	}								\
} while (0)

/* The reference split: words into w (offsets and lengths), or -1. */
static int
reference(const char *s, size_t len, size_t off[], size_t wl[])
{
	size_t i = 0;
	int n = 0;

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return -1;
	}
	i = 0;
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (n == CTL_ARGS_MAX)
			return -1;
		off[n] = i;
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
		wl[n] = i - off[n];
		n++;
	}
	return n > 0 ? n : -1;
}

/* The line as a socket name, in every form there is. */
static void
check_sockspec(const char *line, size_t n)
{
	const unsigned all = SOCKSPEC_ACCEPT_UNIX | SOCKSPEC_ACCEPT_INET |
	    SOCKSPEC_ACCEPT_BARE;
	struct sockspec s, again;
	char err[256] = "", canon[SOCKSPEC_PATH_MAX + SOCKSPEC_HOST_MAX + 16];
	size_t pl;

	if (sockspec_parse(line, all, &s, err, sizeof(err)) != 0) {
		CHECK(err[0] != '\0');
		return;
	}
	if (s.family == SOCKSPEC_UNIX) {
		pl = strlen(s.path);
		CHECK(s.path[0] == '/' && pl < SOCKSPEC_PATH_MAX);
		CHECK(pl <= n && strcmp(line + n - pl, s.path) == 0);
	} else {
		CHECK(s.port >= 1 && s.port <= 65535);
		CHECK(s.host[0] != '\0' && strchr(s.host, '@') == NULL);
	}
	CHECK(sockspec_format(&s, canon, sizeof(canon)) != NULL);
	CHECK(sockspec_parse(canon, all, &again, err, sizeof(err)) == 0);
	CHECK(again.family == s.family && again.port == s.port &&
	    strcmp(again.path, s.path) == 0 && strcmp(again.host, s.host) == 0);
}

/* ctlproto_parse on a copy of orig (n bytes), whose split gave want. */
static void
check_parse(const char *orig, size_t n, int want)
{
	struct ctlproto_request req;
	char *line = malloc(n + 1), err[512] = "";
	int rc;

	if (line == NULL)
		return;
	memcpy(line, orig, n + 1);
	rc = ctlproto_parse(line, &req, err, sizeof(err));
	CHECK((want < 0) == (req.fault == CTLPROTO_FAULT_MALFORMED));
	if (rc == 0) {
		CHECK(req.fault == CTLPROTO_FAULT_NONE);
		CHECK(req.cmd >= CTLPROTO_RELOAD &&
		    req.cmd <= CTLPROTO_ACCOUNTS);
		/* a user name with pop add, and always with (un)suspend */
		CHECK(req.user == NULL || req.cmd == CTLPROTO_POP_ADD ||
		    req.cmd == CTLPROTO_SUSPEND ||
		    req.cmd == CTLPROTO_UNSUSPEND);
		CHECK(req.user != NULL || (req.cmd != CTLPROTO_SUSPEND &&
		    req.cmd != CTLPROTO_UNSUSPEND));
		CHECK((req.ip != NULL) == (req.cmd == CTLPROTO_POP_ADD ||
		    req.cmd == CTLPROTO_POP_DEL));
		CHECK(req.ip == NULL || (req.ip >= line && req.ip < line + n));
		CHECK(req.user == NULL ||
		    (req.user >= line && req.user < line + n));
	} else {
		CHECK(rc == -1 && req.fault != CTLPROTO_FAULT_NONE);
		CHECK(err[0] != '\0');
	}
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[CTL_ARGS_MAX + 1], *line, *orig;
	size_t n, off[CTL_ARGS_MAX], wl[CTL_ARGS_MAX];
	int rc, want, i;

	n = strnlen((const char *)data, size);
	if (n >= CTL_LINE_MAX)
		return 0;
	line = malloc(n + 1);
	orig = malloc(n + 1);
	if (line == NULL || orig == NULL) {
		free(line);
		free(orig);
		return 0;
	}
	memcpy(line, data, n);
	line[n] = '\0';
	memcpy(orig, line, n + 1);

	check_sockspec(line, n);

	for (i = 0; i <= CTL_ARGS_MAX; i++)
		argv[i] = (char *)orig;		/* a sentinel */
	rc = ctlproto_split(line, argv);
	want = reference(orig, n, off, wl);
	CHECK(rc == want);
	if (rc > 0) {
		CHECK(rc <= CTL_ARGS_MAX);
		for (i = 0; i < rc; i++) {
			size_t k, l;

			CHECK(argv[i] >= line && argv[i] < line + n);
			CHECK(argv[i] == line + off[i]);
			l = strlen(argv[i]);
			CHECK(l > 0 && l == wl[i]);
			CHECK(memcmp(argv[i], orig + off[i], l) == 0);
			for (k = 0; k < l; k++)
				CHECK((unsigned char)argv[i][k] > 0x20 &&
				    argv[i][k] != 0x7f);
		}
		for (; i <= CTL_ARGS_MAX; i++)
			CHECK(argv[i] == orig);
	}
	check_parse(orig, n, want);
	free(line);
	free(orig);
	return 0;
}
