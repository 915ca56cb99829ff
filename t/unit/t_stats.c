/*
 * t_stats: the daemon's counters as relayctl(8), "stats", shows them.
 * Everything starts at 0; each fixed counter and each "<verdict>.<rule>"
 * adds up what was counted, and a decision also counts under
 * "service.<name>.<verdict>" ("-" without a name); a listener keeps its
 * slot, and past 64 names a decision counts under "<verdict>.<rule>"
 * only; out-of-range counters are ignored; threads counting at once lose
 * nothing. Then the printed forms: "name value" lines with every
 * verdict.rule combination, and the Prometheus exposition with one
 * "# HELP" and one "# TYPE" line a metric, dots as underscores, and
 * service labels (with the rule) with backslashes and double quotes
 * escaped. t_stats_render checks the renderer line by line.
 */
#include "unit_fixture.h"

#include "stats.h"

#define THREADS	8
#define PER_THREAD 10000
#define SERVICES 64		/* relayctl(8): the first 64 names */

/* What stats_print wrote, NUL-terminated (free it). */
static char *
printed(int prometheus)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	stats_print(f, prometheus);
	fclose(f);
	return buf;
}

static int
lines_equal(const char *text, const char *line)
{
	return count_lines(text, line, 1);
}

static int
lines_starting(const char *text, const char *prefix)
{
	return count_lines(text, prefix, 0);
}

/* ==== counting ==== */

struct count_case {
	enum policy_verdict v;
	enum policy_rule r;
	const char	*service;
	int		 times;
};

static const struct count_case counts[] = {
	{ POLICY_ACCEPT, RULE_LOCAL, "MTA", 5 },
	{ POLICY_ACCEPT, RULE_AUTH, "submission", 2 },
	{ POLICY_ACCEPT, RULE_AUTH, "MTA", 1 },
	{ POLICY_REJECT, RULE_OUTSIDE_LAN, "MTA", 3 },
	{ POLICY_REJECT, RULE_AUTH_REQUIRED, "submission", 4 },
	{ POLICY_TEMPFAIL, RULE_ERROR, NULL, 1 },
	{ POLICY_TEMPFAIL, RULE_POP_STORE_UNAVAILABLE, "", 2 },
	{ POLICY_ACCEPT, RULE_ERROR, NULL, 1 },
};

struct total_case {
	enum policy_verdict v;
	enum policy_rule r;
	long		 want;
};

static const struct total_case totals[] = {
	{ POLICY_ACCEPT, RULE_LOCAL, 5 },
	{ POLICY_ACCEPT, RULE_AUTH, 3 },
	{ POLICY_REJECT, RULE_OUTSIDE_LAN, 3 },
	{ POLICY_REJECT, RULE_AUTH_REQUIRED, 4 },
	{ POLICY_TEMPFAIL, RULE_ERROR, 1 },
	{ POLICY_ACCEPT, RULE_ERROR, 1 },
	{ POLICY_TEMPFAIL, RULE_POP_STORE_UNAVAILABLE, 2 },
	{ POLICY_REJECT, RULE_LOCAL, 0 },
	{ POLICY_ACCEPT, RULE_SERIAL, 0 },
	{ POLICY_REJECT, RULE_ROUTING_MISMATCH, 0 },
};

struct fixed_case {
	enum stats_counter c;
	int		 times;
	const char	*line;		/* in the plain output */
	const char	*prom;		/* in the Prometheus output */
};

static const struct fixed_case fixed[] = {
	{ STATS_CONNECTIONS, 7, "connections 7",
	    "relaymilter_connections_total 7" },
	{ STATS_RELOAD_OK, 1, "reload.ok 1", "relaymilter_reload_ok_total 1" },
	{ STATS_RELOAD_FAILED, 0, "reload.failed 0",
	    "relaymilter_reload_failed_total 0" },
	{ STATS_AUTH_SUCCESS, 2, "auth.success 2",
	    "relaymilter_auth_success_total 2" },
	{ STATS_AUTH_FAILURE, 3, "auth.failure 3",
	    "relaymilter_auth_failure_total 3" },
	{ STATS_POP_HITS, 4, "pop.hits 4", "relaymilter_pop_hits_total 4" },
	{ STATS_POP_LOGINS, 5, "pop.logins 5",
	    "relaymilter_pop_logins_total 5" },
	{ STATS_ERRORS, 6, "errors 6", "relaymilter_errors_total 6" },
	{ STATS_DRY_RUN_REJECTS, 8, "dry_run.would_refuse 8",
	    "relaymilter_dry_run_would_refuse_total 8" },
	{ STATS_ROUTING_MISMATCH, 9, "routing.mismatch 9",
	    "relaymilter_routing_mismatch_total 9" },
	{ STATS_POLICY_REQUESTS, 10, "policy.requests 10",
	    "relaymilter_policy_requests_total 10" },
	{ STATS_POLICY_MALFORMED, 11, "policy.malformed 11",
	    "relaymilter_policy_malformed_total 11" },
	{ STATS_POP_LOOKUPS, 12, "pop.lookups 12",
	    "relaymilter_pop_lookups_total 12" },
	{ STATS_POP_ERRORS, 13, "pop.errors 13",
	    "relaymilter_pop_errors_total 13" },
	{ STATS_SENDER_MISMATCH, 14, "sender_mismatch 14",
	    "relaymilter_sender_mismatch_total 14" },
};

static uint64_t
all_decisions(void)
{
	uint64_t t = 0;
	int v, r;

	for (v = POLICY_ACCEPT; v <= POLICY_TEMPFAIL; v++)
		for (r = 0; r < RULE_COUNT; r++)
			t += stats_get_decision((enum policy_verdict)v,
			    (enum policy_rule)r);
	return t;
}

static void
test_counting(void)
{
	size_t i;
	int n;

	tap_is_int((long)all_decisions(), 0, "no decision counted at start");
	for (i = 0, n = 0; i < NELEM(fixed); i++)
		n += stats_get(fixed[i].c) != 0;
	tap_is_int(n, 0, "every fixed counter 0 at start");
	for (i = 0; i < NELEM(counts); i++)
		for (n = 0; n < counts[i].times; n++)
			stats_decision(counts[i].v, counts[i].r,
			    counts[i].service);
	for (i = 0; i < NELEM(fixed); i++)
		for (n = 0; n < fixed[i].times; n++)
			stats_inc(fixed[i].c);
	for (i = 0; i < NELEM(totals); i++) {
		char what[128];

		snprintf(what, sizeof(what), "stats_get_decision: %s.%s %ld",
		    policy_verdict_name(totals[i].v),
		    policy_rule_name(totals[i].r), totals[i].want);
		tap_is_int((long)stats_get_decision(totals[i].v, totals[i].r),
		    totals[i].want, what);
	}
	tap_is_int((long)all_decisions(), 19, "the decisions add up");
	for (i = 0; i < NELEM(fixed); i++) {
		char what[128];

		snprintf(what, sizeof(what), "stats_get: %s", fixed[i].line);
		tap_is_int((long)stats_get(fixed[i].c), fixed[i].times, what);
	}

	/* Out of range: ignored. */
	stats_inc(STATS_FIXED_COUNT);
	stats_decision((enum policy_verdict)3, RULE_LOCAL, "MTA");
	stats_decision(POLICY_ACCEPT, RULE_COUNT, "MTA");
	stats_decision_slot(POLICY_ACCEPT, RULE_LOCAL, SERVICES);
	tap_is_int((long)all_decisions(), 20, "an out-of-range verdict or "
	    "rule is not counted");
	tap_is_int((long)stats_get_decision(POLICY_ACCEPT, RULE_LOCAL), 6,
	    "an out-of-range slot: counted under accept.local all the same");
	tap_is_int((long)stats_get(STATS_CONNECTIONS), 7, "an out-of-range "
	    "counter is not counted");
}

/* ==== listener slots ==== */

static int mta;

/* The longest {daemon_name} the milter passes: 63 characters. */
#define NAME63 "listener-with-a-name-of-sixty-three-characters-abcdefghijklmnop"
_Static_assert(sizeof(NAME63) == 64, "NAME63 has 63 characters");

static void
test_slots(void)
{
	int slot;

	mta = stats_service_slot("MTA");
	tap_ok(mta >= 0, "a listener has a slot (%d)", mta);
	tap_is_int(stats_service_slot("MTA"), mta, "... the same one again");
	tap_ok(stats_service_slot("mta") != mta, "names differ by case");
	tap_is_int(stats_service_slot(NULL), stats_service_slot("-"),
	    "no name (NULL) counts as \"-\"");
	tap_is_int(stats_service_slot(""), stats_service_slot("-"),
	    "no name (\"\") counts as \"-\"");
	slot = stats_service_slot(NAME63);
	tap_ok(slot >= 0 && stats_service_slot(NAME63) == slot,
	    "a 63-character name keeps its slot too");
	stats_decision_slot(POLICY_REJECT, RULE_SERIAL, mta);
	tap_is_int((long)stats_get_decision(POLICY_REJECT, RULE_SERIAL), 1,
	    "stats_decision_slot counts the decision");
}

/* ==== threads ==== */

static void *
count_thread(void *arg)
{
	int i, slot = stats_service_slot(arg);

	for (i = 0; i < PER_THREAD; i++) {
		stats_decision_slot(POLICY_ACCEPT, RULE_SERIAL, slot);
		stats_inc(STATS_POP_HITS);
	}
	return NULL;
}

static void
test_threads(void)
{
	static char name[] = "threads";
	char *out, line[64];

	threads_run(THREADS, count_thread, name, 0);
	tap_is_int((long)stats_get_decision(POLICY_ACCEPT, RULE_SERIAL),
	    THREADS * PER_THREAD, "threads at once: accept.serial lost "
	    "nothing");
	tap_is_int((long)stats_get(STATS_POP_HITS), 4 + THREADS * PER_THREAD,
	    "threads at once: pop.hits lost nothing");
	out = printed(0);
	snprintf(line, sizeof(line), "service.threads.accept %d",
	    THREADS * PER_THREAD);
	tap_is_int(out ? lines_equal(out, line) : -1, 1, line);
	free(out);
}

/* ==== printed ==== */

static const char *const plain_lines[] = {
	"accept.local 6", "accept.auth 3", "reject.outside-lan 3",
	"reject.auth-required 4", "tempfail.error 1", "accept.error 1",
	"tempfail.pop-store-unavailable 2", "reject.serial 1",
	"reject.routing-mismatch 0", "tempfail.local 0",
	"service.MTA.accept 6", "service.MTA.reject 4",
	"service.MTA.tempfail 0", "service.submission.accept 2",
	"service.submission.reject 4", "service.-.accept 1",
	"service.-.tempfail 3",
};

#define DEC "relaymilter_decisions_total"
#define SVC "relaymilter_service_decisions_total"

static const char *const prom_lines[] = {
	DEC "{verdict=\"accept\",rule=\"auth\"} 3",
	DEC "{verdict=\"reject\",rule=\"outside-lan\"} 3",
	DEC "{verdict=\"tempfail\",rule=\"error\"} 1",
	SVC "{service=\"MTA\",verdict=\"accept\",rule=\"local\"} 5",
	SVC "{service=\"MTA\",verdict=\"accept\",rule=\"auth\"} 1",
	SVC "{service=\"-\",verdict=\"tempfail\",rule=\"error\"} 1",
	SVC "{service=\"-\",verdict=\"tempfail\",rule=\"pop-store-"
	    "unavailable\"} 2",
	SVC "{service=\"q\\\"uo\\\\te\",verdict=\"reject\","
	    "rule=\"local\"} 1",
};

/* text holds line once. */
static void
print_has(const char *text, const char *line)
{
	char what[200];

	snprintf(what, sizeof(what), "printed once: %s", line);
	tap_is_int(lines_equal(text, line), 1, what);
}

static void
test_printed(void)
{
	char *plain, *prom;
	size_t i;
	int types;

	stats_decision(POLICY_REJECT, RULE_LOCAL, "q\"uo\\te");
	plain = printed(0);
	prom = printed(1);
	if (plain == NULL || prom == NULL) {
		tap_ok(0, "stats_print to memory");
		free(plain);
		free(prom);
		return;
	}
	for (i = 0; i < NELEM(fixed); i++)
		print_has(plain, fixed[i].line);
	for (i = 0; i < NELEM(plain_lines); i++)
		print_has(plain, plain_lines[i]);
	tap_is_int(lines_starting(plain, "accept.") + lines_starting(plain,
	    "reject.") + lines_starting(plain, "tempfail."), 3 * RULE_COUNT,
	    "every verdict.rule combination is printed");
	tap_is_int(lines_starting(plain, "service.MTA."), 3,
	    "a listener has a line for each verdict");

	for (i = 0; i < NELEM(fixed); i++) {
		char type[128];

		print_has(prom, fixed[i].prom);
		snprintf(type, sizeof(type), "# TYPE %.*s counter",
		    (int)(strchr(fixed[i].prom, ' ') - fixed[i].prom),
		    fixed[i].prom);
		print_has(prom, type);
	}
	for (i = 0; i < NELEM(prom_lines); i++)
		print_has(prom, prom_lines[i]);
	tap_is_int(lines_equal(prom, "# TYPE relaymilter_decisions_total "
	    "counter"), 1, "one # TYPE line for the decisions");
	tap_is_int(lines_equal(prom, "# TYPE relaymilter_service_decisions_"
	    "total counter"), 1, "one # TYPE line for the listeners");
	types = lines_starting(prom, "# TYPE ");
	/* the decisions, the listeners, auth, sessions, 3 config gauges */
	tap_is_int(types, STATS_FIXED_COUNT + 7, "no other # TYPE line");
	tap_is_int(lines_starting(prom, "# HELP "), types, "a # HELP line "
	    "for each # TYPE line");
	tap_is_int(lines_starting(prom, "#") - 2 * types, 0, "no other "
	    "comment");
	tap_is_int(lines_starting(prom, "relaymilter_decisions_total{"),
	    3 * RULE_COUNT, "every verdict and rule in the exposition");
	free(plain);
	free(prom);
}

/* ==== the 64 listener names ==== */

static void
test_full(void)
{
	uint64_t before = stats_get_decision(POLICY_REJECT,
	    RULE_NON_LOCAL_SENDER);
	char name[32], *out;
	int i, last = 0;

	for (i = 0; i < SERVICES; i++) {
		snprintf(name, sizeof(name), "listener-%d", i);
		if (stats_service_slot(name) >= 0)
			last = i;
	}
	snprintf(name, sizeof(name), "listener-%d", last);
	tap_ok(last < SERVICES - 1, "the table filled up before %d more "
	    "names (last slot for listener-%d)", SERVICES, last);
	tap_is_int(stats_service_slot("one-too-many"), -1, "past 64 names: "
	    "no slot");
	stats_decision(POLICY_REJECT, RULE_NON_LOCAL_SENDER, "one-too-many");
	tap_is_int((long)(stats_get_decision(POLICY_REJECT,
	    RULE_NON_LOCAL_SENDER) - before), 1, "... the decision still "
	    "counts under reject.non-local-sender");
	out = printed(0);
	tap_is_int(out ? lines_starting(out, "service.") : -1, 3 * SERVICES,
	    "... and 64 listeners are printed");
	tap_is_int(out ? lines_starting(out, "service.one-too-many.") : -1, 0,
	    "... without it");
	tap_is_int(stats_service_slot("MTA"), mta, "a listener seen before "
	    "keeps its slot");
	free(out);
}

int
main(void)
{
	test_counting();
	test_slots();
	test_printed();
	test_threads();
	test_full();
	return tap_done();
}
