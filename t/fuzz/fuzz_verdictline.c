/*
 * fuzz_verdictline: the decision log line reader (verdictline_parse,
 * verdictline_unescape) on any bytes, in an exact-size heap block. The
 * answer is 1, 0 or -1; a decision's fields are NUL-terminated inside
 * their buffers and its rule id names its rule. Written again as
 * verdict.c writes the line (log_clean of each field, the same keys in
 * the same order) and parsed, a complete decision gives the same fields
 * back. And the unescaper is the exact inverse of log_clean: whatever it
 * takes, log_clean of its result is the input again.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "verdictline.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_verdictline: invariant failed: %s "\
		    "(line %d)\n", #cond, __LINE__);			\
		abort();						\
	}								\
} while (0)

#define BIG (VERDICTLINE_VALUE_MAX * 4 + 8)

static void
check_fields(const struct verdictline *v)
{
	CHECK(memchr(v->qid, '\0', sizeof(v->qid)) != NULL && v->qid[0]);
	CHECK(memchr(v->rule, '\0', sizeof(v->rule)) != NULL && v->rule[0]);
	CHECK(memchr(v->rcpt, '\0', sizeof(v->rcpt)) != NULL && v->rcpt[0]);
	CHECK(memchr(v->client_ip, '\0', sizeof(v->client_ip)) != NULL);
	CHECK(v->verdict == POLICY_ACCEPT || v->verdict == POLICY_REJECT ||
	    v->verdict == POLICY_TEMPFAIL);
	CHECK(v->dry_run == 0 || (v->dry_run == 1 &&
	    v->verdict != POLICY_ACCEPT));
	CHECK(v->pop == 1 || v->pop == 0 || v->pop == -1 ||
	    v->pop == VERDICTLINE_POP_NONE);
	CHECK(v->rule_id <= RULE_COUNT);
	if (v->rule_id < RULE_COUNT)
		CHECK(strcmp(policy_rule_name(v->rule_id), v->rule) == 0);
}

/* The line as verdict.c writes it from v's fields. */
static size_t
write_line(const struct verdictline *v, char *out, size_t len)
{
	static const char *const words[] = { "accept", "reject", "tempfail" };
	char pop[8] = "", client[VERDICTLINE_VALUE_MAX + 80];
	const struct { const char *key, *val; int always; } f[] = {
		{ "rcpt", v->rcpt, 1 }, { "rule", v->rule, 1 },
		{ "client", client, 1 }, { "from", v->sender, 1 },
		{ "service", v->service[0] ? v->service : "-", 1 },
		{ "user", v->user, 0 }, { "mailer", v->mailer, 0 },
		{ "pop", pop, 0 },
	};
	size_t o, i;

	snprintf(client, sizeof(client), "%s[%s]", v->client_name[0] ?
	    v->client_name : "unknown", v->client_ip[0] ? v->client_ip :
	    "unknown");
	if (v->pop != VERDICTLINE_POP_NONE)
		snprintf(pop, sizeof(pop), "%d", v->pop);
	o = (size_t)snprintf(out, len, "%s: %s%s", v->qid, v->dry_run ?
	    "would " : "", words[v->verdict]);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!f[i].always && f[i].val[0] == '\0')
			continue;
		o += (size_t)snprintf(out + o, len - o, " %s=", f[i].key);
		log_clean(f[i].val, out + o, len - o);
		o += strlen(out + o);
		CHECK(o + 1 < len);
	}
	return o;
}

static void
check_rewrite(const struct verdictline *v)
{
	static char line[BIG * 8];
	struct verdictline again;
	size_t n;

	/* verdict.c never writes "[" in an address, nor a name "unknown" */
	if (strchr(v->client_ip, '[') != NULL ||
	    strcmp(v->client_ip, "unknown") == 0 ||
	    strcmp(v->client_name, "unknown") == 0 ||
	    strcmp(v->service, "-") == 0 || strchr(v->qid, ' ') != NULL)
		return;
	n = write_line(v, line, sizeof(line));
	CHECK(verdictline_parse(line, n, &again) == 1 && again.complete);
	CHECK(strcmp(again.qid, v->qid) == 0 && again.verdict == v->verdict &&
	    again.dry_run == v->dry_run && again.rule_id == v->rule_id &&
	    again.pop == v->pop);
	CHECK(strcmp(again.rule, v->rule) == 0);
	CHECK(strcmp(again.rcpt, v->rcpt) == 0);
	CHECK(strcmp(again.sender, v->sender) == 0);
	CHECK(strcmp(again.client_name, v->client_name) == 0);
	CHECK(strcmp(again.client_ip, v->client_ip) == 0);
	CHECK(strcmp(again.service, v->service) == 0);
	CHECK(strcmp(again.user, v->user) == 0);
	CHECK(strcmp(again.mailer, v->mailer) == 0);
}

static void
check_unescape(const char *s, size_t len)
{
	char out[BIG], again[BIG * 4];
	int n = verdictline_unescape(s, len, out, sizeof(out));

	if (n < 0)
		return;
	CHECK((size_t)n == strlen(out) && (size_t)n <= len);
	log_clean(out, again, sizeof(again));
	CHECK(strlen(again) == len && memcmp(again, s, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verdictline v;
	char *buf;
	int rc;

	if (size > 8192)
		return 0;
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	rc = verdictline_parse(buf, size, &v);
	CHECK(rc == 1 || rc == 0 || rc == -1);
	if (rc == 1) {
		check_fields(&v);
		if (v.complete)
			check_rewrite(&v);
	}
	if (size < VERDICTLINE_VALUE_MAX)
		check_unescape(buf, size);
	free(buf);
	return 0;
}
