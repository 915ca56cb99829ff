/*
 * t_metrics: the renderer that relayctl stats and the metrics endpoint
 * share, line by line. A snapshot filled by hand (counter values in)
 * must print exactly the given lines (out), in the plain "name value"
 * form and in the Prometheus text format; a listener's name is escaped
 * in its label (backslash, double quote, line feed); every metric has
 * one # HELP and one # TYPE line, right before its first sample. Then
 * the new counters at their source (auth by mechanism, sessions open,
 * config loads) through stats_snapshot, and the endpoint's answer
 * (metrics_status) for each method and path.
 */
#include "unit_fixture.h"

#include "metrics.h"
#include "saslmech.h"
#include "stats.h"

/* What stats_render wrote for s, NUL-terminated (free it). */
static char *
rendered(const struct stats_snapshot *s, int prometheus)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	stats_render(f, s, prometheus);
	fclose(f);
	return buf;
}

/* How many lines of text are exactly line. */
static int
count_line(const char *text, const char *line)
{
	return count_lines(text, line, 1);
}

/* The slot of mechanism name in the snapshot's auth table. */
static int
mech_slot(const char *name)
{
	int i;

	for (i = 0; saslmech_at((size_t)i) != NULL; i++)
		if (strcmp(saslmech_at((size_t)i)->name, name) == 0)
			return i;
	return i;	/* "other" */
}

/* ==== counter values in, lines out ==== */

enum field { F_FIXED, F_DECISION, F_SERVICE, F_AUTH, F_SESSIONS, F_CONFIG };

struct render_case {
	enum field	 field;
	int		 a, b, c;	/* indexes into that field */
	const char	*mech;		/* F_AUTH (a: 1 success) */
	uint64_t	 value;
	const char	*prom;		/* a line of the exposition */
	const char	*plain;		/* a line of relayctl stats */
};

#define V(x) POLICY_##x
static const struct render_case render_cases[] = {
	{ F_FIXED, STATS_CONNECTIONS, 0, 0, NULL, 7,
	    "relaymilter_connections_total 7", "connections 7" },
	{ F_FIXED, STATS_RELOAD_OK, 0, 0, NULL, 2,
	    "relaymilter_reload_ok_total 2", "reload.ok 2" },
	{ F_FIXED, STATS_RELOAD_FAILED, 0, 0, NULL, 1,
	    "relaymilter_reload_failed_total 1", "reload.failed 1" },
	{ F_FIXED, STATS_POP_LOOKUPS, 0, 0, NULL, 12,
	    "relaymilter_pop_lookups_total 12", "pop.lookups 12" },
	{ F_FIXED, STATS_POP_ERRORS, 0, 0, NULL, 3,
	    "relaymilter_pop_errors_total 3", "pop.errors 3" },
	{ F_FIXED, STATS_AUTH_FAILURE, 0, 0, NULL, 0,
	    "relaymilter_auth_failure_total 0", "auth.failure 0" },
	{ F_DECISION, V(REJECT), RULE_OUTSIDE_LAN, 0, NULL, 3,
	    "relaymilter_decisions_total{verdict=\"reject\",rule=\"outside-"
	    "lan\"} 3", "reject.outside-lan 3" },
	{ F_DECISION, V(ACCEPT), RULE_LOCAL, 0, NULL, 18446744073709551615u,
	    "relaymilter_decisions_total{verdict=\"accept\",rule=\"local\"} "
	    "18446744073709551615", "accept.local 18446744073709551615" },
	{ F_DECISION, V(TEMPFAIL), RULE_POP_STORE_UNAVAILABLE, 0, NULL, 0,
	    "relaymilter_decisions_total{verdict=\"tempfail\",rule=\"pop-"
	    "store-unavailable\"} 0", "tempfail.pop-store-unavailable 0" },
	/* listener 0 is "MTA", 1 "submission" (below) */
	{ F_SERVICE, 0, V(ACCEPT), RULE_LOCAL, NULL, 5,
	    "relaymilter_service_decisions_total{service=\"MTA\",verdict="
	    "\"accept\",rule=\"local\"} 5", NULL },
	{ F_SERVICE, 0, V(ACCEPT), RULE_SERIAL, NULL, 2,
	    "relaymilter_service_decisions_total{service=\"MTA\",verdict="
	    "\"accept\",rule=\"serial\"} 2", "service.MTA.accept 7" },
	{ F_SERVICE, 1, V(REJECT), RULE_AUTH_REQUIRED, NULL, 4,
	    "relaymilter_service_decisions_total{service=\"submission\","
	    "verdict=\"reject\",rule=\"auth-required\"} 4",
	    "service.submission.reject 4" },
	{ F_SERVICE, 1, V(TEMPFAIL), RULE_ERROR, NULL, 0,
	    "relaymilter_service_decisions_total{service=\"submission\","
	    "verdict=\"tempfail\",rule=\"error\"} 0",
	    "service.submission.tempfail 0" },
	{ F_AUTH, 1, 0, 0, "PLAIN", 4,
	    "relaymilter_auth_total{mechanism=\"PLAIN\",result=\"success\"} 4",
	    "auth.PLAIN.success 4" },
	{ F_AUTH, 0, 0, 0, "CRAM-MD5", 6,
	    "relaymilter_auth_total{mechanism=\"CRAM-MD5\",result=\"failure\"} "
	    "6", "auth.CRAM-MD5.failure 6" },
	{ F_AUTH, 0, 0, 0, "other", 2,
	    "relaymilter_auth_total{mechanism=\"other\",result=\"failure\"} 2",
	    "auth.other.failure 2" },
	{ F_AUTH, 1, 0, 0, "SCRAM-SHA-256", 0,
	    "relaymilter_auth_total{mechanism=\"SCRAM-SHA-256\",result="
	    "\"success\"} 0", "auth.SCRAM-SHA-256.success 0" },
	{ F_SESSIONS, STATS_DOOR_MILTER, 0, 0, NULL, 3,
	    "relaymilter_sessions_open{door=\"milter\"} 3",
	    "sessions.milter 3" },
	{ F_SESSIONS, STATS_DOOR_POLICY, 0, 0, NULL, 1,
	    "relaymilter_sessions_open{door=\"policy\"} 1",
	    "sessions.policy 1" },
	{ F_SESSIONS, STATS_DOOR_SOCKETMAP, 0, 0, NULL, 0,
	    "relaymilter_sessions_open{door=\"socketmap\"} 0",
	    "sessions.socketmap 0" },
	{ F_CONFIG, 0, 0, 0, NULL, 2, "relaymilter_config_generation 2",
	    "config.generation 2" },
	{ F_CONFIG, 1, 0, 0, NULL, 1700000000,
	    "relaymilter_config_loaded_timestamp_seconds 1700000000",
	    "config.loaded_at 1700000000" },
	{ F_CONFIG, 2, 0, 0, NULL, 1234567,
	    "relaymilter_config_load_seconds 1.234567",
	    "config.load_seconds 1.234567" },
};

static void
render_set(struct stats_snapshot *s, const struct render_case *rc)
{
	switch (rc->field) {
	case F_FIXED: s->fixed[rc->a] = rc->value; break;
	case F_DECISION: s->decision[rc->a][rc->b] = rc->value; break;
	case F_SERVICE: s->service[rc->a][rc->b][rc->c] = rc->value; break;
	case F_AUTH: s->auth[mech_slot(rc->mech)][rc->a] = rc->value; break;
	case F_SESSIONS: s->sessions[rc->a] = (int64_t)rc->value; break;
	case F_CONFIG:
		if (rc->a == 0)
			s->config_generation = rc->value;
		else if (rc->a == 1)
			s->config_loaded_at = (int64_t)rc->value;
		else
			s->config_load_us = rc->value;
		break;
	}
}

static void
test_render(struct stats_snapshot *s)
{
	char *prom, *plain, what[300];
	size_t i;

	memset(s, 0, sizeof(*s));
	s->nservices = 2;
	snprintf(s->service_names[0], STATS_NAME_MAX, "MTA");
	snprintf(s->service_names[1], STATS_NAME_MAX, "submission");
	for (i = 0; i < NELEM(render_cases); i++)
		render_set(s, &render_cases[i]);
	prom = rendered(s, 1);
	plain = rendered(s, 0);
	for (i = 0; prom != NULL && plain != NULL &&
	    i < NELEM(render_cases); i++) {
		snprintf(what, sizeof(what), "exposition: %s",
		    render_cases[i].prom);
		tap_is_int(count_line(prom, render_cases[i].prom), 1, what);
		if (render_cases[i].plain == NULL)
			continue;
		snprintf(what, sizeof(what), "plain: %s",
		    render_cases[i].plain);
		tap_is_int(count_line(plain, render_cases[i].plain), 1, what);
	}
	tap_ok(prom != NULL && plain != NULL, "stats_render to memory");
	free(prom);
	free(plain);
}

/* ==== label escaping ==== */

struct label_case {
	const char	*name;		/* the listener's daemon_name */
	const char	*label;		/* as its label prints it */
};

static const struct label_case label_cases[] = {
	{ "MTA", "MTA" },
	{ "q\"uote", "q\\\"uote" },
	{ "back\\slash", "back\\\\slash" },
	{ "line\nfeed", "line\\nfeed" },
	{ "\"\\\n", "\\\"\\\\\\n" },
	{ "-", "-" },
	{ "ünï cödé", "ünï cödé" },
};

static void
test_labels(struct stats_snapshot *s)
{
	char want[300], what[400], *prom;
	size_t i;

	for (i = 0; i < NELEM(label_cases); i++) {
		memset(s, 0, sizeof(*s));
		s->nservices = 1;
		snprintf(s->service_names[0], STATS_NAME_MAX, "%s",
		    label_cases[i].name);
		s->service[0][POLICY_REJECT][RULE_SERIAL] = 9;
		prom = rendered(s, 1);
		snprintf(want, sizeof(want),
		    "relaymilter_service_decisions_total{service=\"%s\","
		    "verdict=\"reject\",rule=\"serial\"} 9",
		    label_cases[i].label);
		snprintf(what, sizeof(what), "label: %s", want);
		tap_is_int(prom ? count_line(prom, want) : -1, 1, what);
		free(prom);
	}
}

/* ==== # HELP and # TYPE ==== */

/* The metric name of a sample line: up to '{' or ' '. */
static void
sample_name(const char *line, char *name, size_t len)
{
	size_t n = strcspn(line, "{ \n");

	snprintf(name, len, "%.*s", (int)n, line);
}

/*
 * Each sample's metric had its # HELP line, then its # TYPE line (with
 * counter or gauge), before its first sample, and each once. Returns
 * the number of metrics, or -1 at the first fault (printed).
 */
static int
check_heads(char *text)
{
	char name[128], last[128] = "", head[200];
	int metrics = 0;
	char *line, *save = NULL, *prev = NULL, *prev2 = NULL;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    prev2 = prev, prev = line, line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		sample_name(line, name, sizeof(name));
		if (strcmp(name, last) == 0)
			continue;
		snprintf(head, sizeof(head), "# HELP %s ", name);
		if (prev2 == NULL || strncmp(prev2, head, strlen(head)) != 0) {
			printf("# no # HELP right before %s\n", line);
			return -1;
		}
		snprintf(head, sizeof(head), "# TYPE %s ", name);
		if (strncmp(prev, head, strlen(head)) != 0 ||
		    (strcmp(prev + strlen(head), "counter") != 0 &&
		    strcmp(prev + strlen(head), "gauge") != 0)) {
			printf("# no # TYPE right before %s\n", line);
			return -1;
		}
		snprintf(last, sizeof(last), "%s", name);
		metrics++;
	}
	return metrics;
}

static void
test_heads(struct stats_snapshot *s)
{
	char *prom;

	memset(s, 0, sizeof(*s));
	s->nservices = 1;
	snprintf(s->service_names[0], STATS_NAME_MAX, "MTA");
	prom = rendered(s, 1);
	if (prom == NULL) {
		tap_ok(0, "stats_render to memory");
		return;
	}
	tap_is_int(count_line(prom, "# TYPE relaymilter_sessions_open gauge"),
	    1, "sessions_open is a gauge");
	tap_is_int(count_line(prom, "# TYPE relaymilter_decisions_total "
	    "counter"), 1, "decisions_total is a counter");
	/* the fixed counters, then decisions, listeners, auth, sessions,
	 * config generation, load time and load duration */
	tap_is_int(check_heads(prom), STATS_FIXED_COUNT + 7, "every metric: "
	    "# HELP then # TYPE right before its first sample, once");
	free(prom);
}

/* ==== the new counters at their source ==== */

static void
test_sources(struct stats_snapshot *s)
{
	int plain = mech_slot("PLAIN"), other = mech_slot("other");

	stats_auth(1, "plain");
	stats_auth(1, "PLAIN");
	stats_auth(0, "PLAIN");
	stats_auth(0, NULL);
	stats_auth(0, "GSSAPI");
	stats_session(STATS_DOOR_MILTER, 1);
	stats_session(STATS_DOOR_MILTER, 1);
	stats_session(STATS_DOOR_MILTER, -1);
	stats_session(STATS_DOOR_POLICY, 1);
	stats_session(STATS_DOOR_COUNT, 1);
	stats_config_loaded(1700000000, 0.5);
	stats_config_loaded(1700000100, 0.0025);
	stats_snapshot(s);
	tap_is_int((long)s->auth[plain][1], 2, "stats_auth: PLAIN success "
	    "(any case) 2");
	tap_is_int((long)s->auth[plain][0], 1, "stats_auth: PLAIN failure 1");
	tap_is_int((long)s->auth[other][0], 2, "stats_auth: NULL and an "
	    "unknown mechanism count as other");
	tap_is_int((long)s->fixed[STATS_AUTH_SUCCESS], 2, "stats_auth: "
	    "auth.success 2");
	tap_is_int((long)s->fixed[STATS_AUTH_FAILURE], 3, "stats_auth: "
	    "auth.failure 3");
	tap_is_int((long)s->sessions[STATS_DOOR_MILTER], 1, "sessions: two "
	    "opened, one closed");
	tap_is_int((long)s->sessions[STATS_DOOR_POLICY], 1, "sessions: "
	    "policy 1");
	tap_is_int((long)s->sessions[STATS_DOOR_SOCKETMAP], 0, "sessions: an "
	    "out-of-range door is not counted");
	tap_is_int((long)s->config_generation, 2, "config: generation 2");
	tap_is_int((long)s->config_loaded_at, 1700000100, "config: loaded at "
	    "the last load");
	tap_is_int((long)s->config_load_us, 2500, "config: the last load "
	    "took 2.5 ms");
}

/* ==== the endpoint's status ==== */

static const struct {
	const char	*method, *path;
	unsigned	 status;
} status_cases[] = {
	{ "GET", "/metrics", 200 },
	{ "HEAD", "/metrics", 200 },
	{ "POST", "/metrics", 405 },
	{ "PUT", "/metrics", 405 },
	{ "get", "/metrics", 405 },	/* methods are case-sensitive */
	{ "GET", "/", 404 },
	{ "GET", "/other", 404 },
	{ "GET", "/metrics/", 404 },
	{ "GET", "/METRICS", 404 },
	{ "POST", "/other", 404 },
	{ "GET", NULL, 404 },
	{ NULL, "/metrics", 405 },
};

static void
test_status(void)
{
	char what[100];
	size_t i;

	for (i = 0; i < NELEM(status_cases); i++) {
		snprintf(what, sizeof(what), "%s %s: %u",
		    status_cases[i].method ? status_cases[i].method : "(none)",
		    status_cases[i].path ? status_cases[i].path : "(none)",
		    status_cases[i].status);
		tap_is_int((long)metrics_status(status_cases[i].method,
		    status_cases[i].path), (long)status_cases[i].status, what);
	}
}

int
main(void)
{
	struct stats_snapshot *s = malloc(sizeof(*s));

	if (s == NULL) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	test_render(s);
	test_labels(s);
	test_heads(s);
	test_sources(s);
	test_status();
	free(s);
	return tap_done();
}
