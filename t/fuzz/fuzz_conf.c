/*
 * fuzz_conf: the config loader (conf_load_string) on arbitrary text,
 * NUL-terminated at the first NUL and capped at 64 KiB. It must never
 * crash, leak (LeakSanitizer runs after every input; t/fuzz/lsan.supp
 * holds libconfig 1.5's own leak) or report an error without a
 * "name:line: message" text. Inputs with a line starting "@include" are
 * skipped: libconfig would open files named by the fuzzer (/dev/stdin,
 * /dev/zero) or exit() on a directory (libconfig#292), which tests the
 * file system and libconfig, not the loader. A config that
 * loads is then used the way the daemon uses it: conf_service for a few
 * daemon names, conf_user_find, conf_pop_describe and policy_decide for
 * a LAN and a non-LAN client, with one extra reference taken and dropped.
 * Checked: a loaded config has a socket, pop.window in 1..86400, at
 * least one pop protocol, users with a name and a password, and every
 * services entry named; a rejected one says where ("fuzz.conf:N: ...").
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "conf.h"
#include "netset.h"
#include "policy.h"

#define FUZZ_MAX	65536

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_conf: invariant failed: %s "	\
		    "(line %d)\n", #cond, __LINE__);			\
		abort();						\
	}								\
} while (0)

static void
use_conf(struct conf *c)
{
	static const char *const names[] = { NULL, "", "MTA", "submission",
	    "smtps" };
	struct netaddr lan, out;
	struct addr rcpt, sender;
	struct policy_request req;
	struct policy_decision d;
	char buf[4096];
	size_t i, k;

	CHECK(c->socket != NULL);
	CHECK(c->pop_window >= 1 && c->pop_window <= 86400);
	CHECK(c->pop_protocols != 0);
	for (i = 0; i < c->nusers; i++) {
		CHECK(c->users[i].name != NULL && c->users[i].name[0] != '\0');
		CHECK(c->users[i].password != NULL);
		CHECK(conf_user_find(c, c->users[i].name) == &c->users[i]);
		/* bind_sender: <> always, a routed sender never */
		addr_parse("<>", &sender);
		CHECK(conf_sender_allowed(c, c->users[i].name, &sender));
		addr_parse("<@a.test:alice@example.com>", &sender);
		CHECK(!conf_sender_allowed(c, c->users[i].name, &sender));
	}
	for (i = 0; i < c->nservices; i++) {
		CHECK(c->services[i].service != NULL);
		CHECK(conf_service(c, c->services[i].service) ==
		    &c->services[i]);
	}
	(void)conf_user_find(c, "alice@example.com");
	(void)conf_pop_needed(c);
	(void)conf_pop_store(c);
	conf_pop_describe(c, buf, sizeof(buf));

	CHECK(netaddr_parse("127.0.0.1", &lan) == 0);
	CHECK(netaddr_parse("203.0.113.9", &out) == 0);
	addr_parse("<u@remote.test>", &rcpt);
	addr_parse("<a@example.com>", &sender);
	memset(&req, 0, sizeof(req));
	req.client_name = "mail.remote.test";
	req.auth_user = "alice";
	req.sender = &sender;
	req.rcpt = &rcpt;
	req.now = 1000000;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (k = 0; k < 2; k++) {
			req.client = k ? &out : &lan;
			policy_decide(c, conf_service(c, names[i]), &req, &d);
			CHECK(d.verdict <= POLICY_TEMPFAIL && d.rule <
			    RULE_COUNT);
			policy_reply(&d, "<u@remote.test>", buf, sizeof(buf));
		}
}

/*
 * Would libconfig open a file? Its scanner takes "@include" at the start
 * of a line, after blanks; any case is refused here, to be safe.
 */
static int
has_include(const char *text)
{
	const char *p = text;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v' ||
		    *p == '\f')
			p++;
		if (strncasecmp(p, "@include", 8) == 0)
			return 1;
		if ((p = strchr(p, '\n')) == NULL)
			return 0;
		p++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CONF_ERRLEN];
	struct conf *c;
	char *text;
	size_t n;

	if (size > FUZZ_MAX)
		return 0;
	n = strnlen((const char *)data, size);
	text = malloc(n + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, n);
	text[n] = '\0';
	if (has_include(text)) {
		free(text);
		return 0;
	}
	err[0] = '\0';
	c = conf_load_string(text, "fuzz.conf", err, sizeof(err));
	if (c == NULL) {
		CHECK(strncmp(err, "fuzz.conf:", 10) == 0);
	} else {
		CHECK(conf_ref(c) == c);
		use_conf(c);
		conf_unref(c);
		conf_unref(c);
	}
	free(text);
	return 0;
}
