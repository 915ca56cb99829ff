/*
 * stats: sharded, lock-free counters. Each thread picks a shard on first
 * use; a shard is a block of 64-bit counters aligned to a cache line.
 * Totals are the sum over shards, read with relaxed atomics: a reader may
 * see a count one step old, never a torn one. The few gauges (sessions
 * open, the config's generation and load) are plain atomics. One
 * renderer prints a snapshot of it all, as "name value" lines or as the
 * Prometheus text format, for relayctl stats and for GET /metrics.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saslmech.h"
#include "stats.h"

#define STATS_SHARDS	16

struct stats_shard {
	uint64_t fixed[STATS_FIXED_COUNT];
	uint64_t decision[STATS_VERDICTS][RULE_COUNT];
	uint64_t service[STATS_SERVICES][STATS_VERDICTS][RULE_COUNT];
	uint64_t auth[STATS_MECHS][2];
} __attribute__((aligned(64)));

static struct stats_shard stats_shards[STATS_SHARDS];
static unsigned stats_next_shard;
static __thread int stats_my_shard = -1;

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static char stats_service_names[STATS_SERVICES][STATS_NAME_MAX];
static int stats_nservices;

/* Gauges: rare updates (a session opens, a config loads), no shards. */
static int64_t stats_sessions[STATS_DOOR_COUNT];
static uint64_t stats_generation, stats_load_us;
static int64_t stats_loaded_at;

static const char *const stats_fixed_names[STATS_FIXED_COUNT] = {
	[STATS_CONNECTIONS] = "connections",
	[STATS_RELOAD_OK] = "reload.ok",
	[STATS_RELOAD_FAILED] = "reload.failed",
	[STATS_AUTH_SUCCESS] = "auth.success",
	[STATS_AUTH_FAILURE] = "auth.failure",
	[STATS_POP_HITS] = "pop.hits",
	[STATS_POP_LOGINS] = "pop.logins",
	[STATS_ERRORS] = "errors",
	[STATS_DRY_RUN_REJECTS] = "dry_run.would_refuse",
	[STATS_ROUTING_MISMATCH] = "routing.mismatch",
	[STATS_POLICY_REQUESTS] = "policy.requests",
	[STATS_POLICY_MALFORMED] = "policy.malformed",
	[STATS_POP_LOOKUPS] = "pop.lookups",
	[STATS_POP_ERRORS] = "pop.errors",
	[STATS_SENDER_MISMATCH] = "sender_mismatch",
	[STATS_OVER_QUOTA] = "over_quota",
	[STATS_SUSPENDED] = "suspended",
};

/* The # HELP text of each fixed counter in the Prometheus exposition. */
static const char *const stats_fixed_help[STATS_FIXED_COUNT] = {
	[STATS_CONNECTIONS] = "Milter connections accepted.",
	[STATS_RELOAD_OK] = "Config reloads that installed a new config.",
	[STATS_RELOAD_FAILED] = "Config reloads refused; the running config "
	    "stayed.",
	[STATS_AUTH_SUCCESS] = "SMTP AUTH checks that succeeded.",
	[STATS_AUTH_FAILURE] = "SMTP AUTH checks that failed.",
	[STATS_POP_HITS] = "Recipients accepted by POP-before-SMTP.",
	[STATS_POP_LOGINS] = "POP3 (or IMAP) logins recorded.",
	[STATS_ERRORS] = "Recipients answered by on_error (internal errors).",
	[STATS_DRY_RUN_REJECTS] = "Refusals let through by dry_run.",
	[STATS_ROUTING_MISMATCH] = "Local recipients the MTA would relay "
	    "(rule=routing-mismatch warnings).",
	[STATS_POLICY_REQUESTS] = "Postfix policy service requests.",
	[STATS_POLICY_MALFORMED] = "Malformed Postfix policy service "
	    "requests.",
	[STATS_POP_LOOKUPS] = "POP login store lookups made by decisions.",
	[STATS_POP_ERRORS] = "POP login store lookups that got no answer "
	    "(store unavailable).",
	[STATS_SENDER_MISMATCH] = "Recipients refused by bind_sender "
	    "(rule=sender-login-mismatch).",
	[STATS_OVER_QUOTA] = "Recipients over a relay limit "
	    "(rule=over-quota).",
	[STATS_SUSPENDED] = "Users suspended (limits.user_clients or "
	    "relayctl suspend).",
};

static const char *const stats_door_names[STATS_DOOR_COUNT] = {
	[STATS_DOOR_MILTER] = "milter",
	[STATS_DOOR_POLICY] = "policy",
	[STATS_DOOR_SOCKETMAP] = "socketmap",
};

static struct stats_shard *
stats_shard(void)
{
	if (stats_my_shard < 0)
		stats_my_shard = (int)(__atomic_fetch_add(&stats_next_shard, 1,
		    __ATOMIC_RELAXED) % STATS_SHARDS);
	return &stats_shards[stats_my_shard];
}

static void
stats_add(uint64_t *p)
{
	__atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
}

void
stats_inc(enum stats_counter c)
{
	if ((unsigned)c < STATS_FIXED_COUNT)
		stats_add(&stats_shard()->fixed[c]);
}

int
stats_service_slot(const char *service)
{
	int i, n;

	if (service == NULL || *service == '\0')
		service = "-";
	n = __atomic_load_n(&stats_nservices, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++)
		if (strcmp(stats_service_names[i], service) == 0)
			return i;
	pthread_mutex_lock(&stats_lock);
	for (i = 0; i < stats_nservices; i++)
		if (strcmp(stats_service_names[i], service) == 0)
			break;
	if (i == stats_nservices && i < STATS_SERVICES) {
		snprintf(stats_service_names[i], sizeof(stats_service_names[i]),
		    "%s", service);
		/* Publish the name before the count that makes it visible. */
		__atomic_store_n(&stats_nservices, i + 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&stats_lock);
	return i < STATS_SERVICES ? i : -1;
}

void
stats_decision_slot(enum policy_verdict v, enum policy_rule r, int slot)
{
	struct stats_shard *s = stats_shard();

	if ((unsigned)v >= STATS_VERDICTS || (unsigned)r >= RULE_COUNT)
		return;
	stats_add(&s->decision[v][r]);
	if (slot >= 0 && slot < STATS_SERVICES)
		stats_add(&s->service[slot][v][r]);
}

void
stats_decision(enum policy_verdict v, enum policy_rule r,
    const char *service)
{
	stats_decision_slot(v, r, stats_service_slot(service));
}

uint64_t
stats_get(enum stats_counter c)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < STATS_SHARDS; i++)
		t += __atomic_load_n(&stats_shards[i].fixed[c],
		    __ATOMIC_RELAXED);
	return t;
}

uint64_t
stats_get_decision(enum policy_verdict v, enum policy_rule r)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < STATS_SHARDS; i++)
		t += __atomic_load_n(&stats_shards[i].decision[v][r],
		    __ATOMIC_RELAXED);
	return t;
}

/* How many of saslmech's mechanisms have a slot of their own. */
static int
stats_nmechs(void)
{
	int n = 0;

	while (n < STATS_MECHS - 1 && saslmech_at((size_t)n) != NULL)
		n++;
	return n;
}

/* The slot of a mechanism: its place in saslmech's table, or "other". */
static int
stats_mech_slot(const char *mech)
{
	const struct saslmech *m = mech != NULL ? saslmech_find(mech) : NULL;
	int i, n = stats_nmechs();

	for (i = 0; i < n; i++)
		if (saslmech_at((size_t)i) == m)
			return i;
	return n;
}

/* The name printed for slot i: the mechanism, "other", NULL past it. */
static const char *
stats_mech_name(int i)
{
	int n = stats_nmechs();

	if (i < n)
		return saslmech_at((size_t)i)->name;
	return i == n ? "other" : NULL;
}

void
stats_auth(int success, const char *mech)
{
	stats_inc(success ? STATS_AUTH_SUCCESS : STATS_AUTH_FAILURE);
	stats_add(&stats_shard()->auth[stats_mech_slot(mech)][success != 0]);
}

void
stats_session(enum stats_door door, int delta)
{
	if ((unsigned)door < STATS_DOOR_COUNT)
		__atomic_fetch_add(&stats_sessions[door], (int64_t)delta,
		    __ATOMIC_RELAXED);
}

void
stats_config_loaded(time_t when, double seconds)
{
	__atomic_store_n(&stats_loaded_at, (int64_t)when, __ATOMIC_RELAXED);
	__atomic_store_n(&stats_load_us, seconds > 0 ?
	    (uint64_t)(seconds * 1e6 + 0.5) : 0, __ATOMIC_RELAXED);
	__atomic_fetch_add(&stats_generation, 1, __ATOMIC_RELAXED);
}

/*
 * Sum of one counter over the shards, given its place in the first
 * shard: the same place in shard i is i shards further on.
 */
static uint64_t
stats_sum(uint64_t *first)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < STATS_SHARDS; i++)
		t += __atomic_load_n((uint64_t *)((char *)first + (size_t)i *
		    sizeof(struct stats_shard)), __ATOMIC_RELAXED);
	return t;
}

void
stats_snapshot(struct stats_snapshot *s)
{
	int c, v, r, n;

	memset(s, 0, sizeof(*s));
	for (c = 0; c < STATS_FIXED_COUNT; c++)
		s->fixed[c] = stats_get((enum stats_counter)c);
	for (v = 0; v < STATS_VERDICTS; v++)
		for (r = 0; r < RULE_COUNT; r++)
			s->decision[v][r] = stats_get_decision(
			    (enum policy_verdict)v, (enum policy_rule)r);
	/* A published name never changes: no lock needed to copy it. */
	n = __atomic_load_n(&stats_nservices, __ATOMIC_ACQUIRE);
	s->nservices = n;
	for (c = 0; c < n; c++) {
		memcpy(s->service_names[c], stats_service_names[c],
		    STATS_NAME_MAX);
		for (v = 0; v < STATS_VERDICTS; v++)
			for (r = 0; r < RULE_COUNT; r++)
				s->service[c][v][r] = stats_sum(
				    &stats_shards[0].service[c][v][r]);
	}
	for (c = 0; c < STATS_MECHS; c++)
		for (v = 0; v < 2; v++)
			s->auth[c][v] = stats_sum(
			    &stats_shards[0].auth[c][v]);
	for (c = 0; c < STATS_DOOR_COUNT; c++)
		s->sessions[c] = __atomic_load_n(&stats_sessions[c],
		    __ATOMIC_RELAXED);
	s->config_generation = __atomic_load_n(&stats_generation,
	    __ATOMIC_RELAXED);
	s->config_loaded_at = __atomic_load_n(&stats_loaded_at,
	    __ATOMIC_RELAXED);
	s->config_load_us = __atomic_load_n(&stats_load_us, __ATOMIC_RELAXED);
}

/*
 * Prometheus label values: backslash, double quote and line feed are
 * escaped (\\, \", \n), as the text format requires.
 */
static void
stats_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		fputc(*s, f);
	}
}

/* The # HELP and # TYPE lines of metric name. */
static void
stats_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
stats_render_fixed(FILE *f, const struct stats_snapshot *s, int prom)
{
	char name[64], *p;
	int c;

	for (c = 0; c < STATS_FIXED_COUNT; c++) {
		unsigned long long val = (unsigned long long)s->fixed[c];

		if (!prom) {
			fprintf(f, "%s %llu\n", stats_fixed_names[c], val);
			continue;
		}
		snprintf(name, sizeof(name), "relaymilter_%s_total",
		    stats_fixed_names[c]);
		for (p = name; *p; p++)
			if (*p == '.')
				*p = '_';
		stats_head(f, name, "counter", stats_fixed_help[c]);
		fprintf(f, "%s %llu\n", name, val);
	}
}

static void
stats_render_decisions(FILE *f, const struct stats_snapshot *s, int prom)
{
	int v, r;

	if (prom)
		stats_head(f, "relaymilter_decisions_total", "counter",
		    "Recipient decisions by verdict and rule.");
	for (v = 0; v < STATS_VERDICTS; v++)
		for (r = 0; r < RULE_COUNT; r++) {
			const char *vn = policy_verdict_name(
			    (enum policy_verdict)v);
			const char *rn = policy_rule_name((enum policy_rule)r);
			unsigned long long val =
			    (unsigned long long)s->decision[v][r];

			if (prom)
				fprintf(f, "relaymilter_decisions_total"
				    "{verdict=\"%s\",rule=\"%s\"} %llu\n", vn,
				    rn, val);
			else
				fprintf(f, "%s.%s %llu\n", vn, rn, val);
		}
}

/* A listener's line for each verdict (plain: summed over the rules). */
static void
stats_render_service(FILE *f, const struct stats_snapshot *s, int i,
    int prom)
{
	int v, r;

	for (v = 0; v < STATS_VERDICTS; v++) {
		const char *vn = policy_verdict_name((enum policy_verdict)v);
		unsigned long long sum = 0;

		for (r = 0; r < RULE_COUNT; r++) {
			sum += s->service[i][v][r];
			if (!prom)
				continue;
			fprintf(f, "relaymilter_service_decisions_total"
			    "{service=\"");
			stats_label(f, s->service_names[i]);
			fprintf(f, "\",verdict=\"%s\",rule=\"%s\"} %llu\n", vn,
			    policy_rule_name((enum policy_rule)r),
			    (unsigned long long)s->service[i][v][r]);
		}
		if (!prom)
			fprintf(f, "service.%s.%s %llu\n", s->service_names[i],
			    vn, sum);
	}
}

static void
stats_render_auth(FILE *f, const struct stats_snapshot *s, int prom)
{
	static const char *const result[2] = { "failure", "success" };
	const char *mech;
	int i, ok;

	if (prom)
		stats_head(f, "relaymilter_auth_total", "counter", "SMTP AUTH "
		    "checks by mechanism and result.");
	for (i = 0; (mech = stats_mech_name(i)) != NULL; i++) {
		for (ok = 1; ok >= 0; ok--)
			if (prom)
				fprintf(f, "relaymilter_auth_total{mechanism="
				    "\"%s\",result=\"%s\"} %llu\n", mech,
				    result[ok],
				    (unsigned long long)s->auth[i][ok]);
			else
				fprintf(f, "auth.%s.%s %llu\n", mech,
				    result[ok],
				    (unsigned long long)s->auth[i][ok]);
	}
}

static void
stats_render_gauges(FILE *f, const struct stats_snapshot *s, int prom)
{
	int d;

	if (prom)
		stats_head(f, "relaymilter_sessions_open", "gauge", "Sessions "
		    "open now, by front door.");
	for (d = 0; d < STATS_DOOR_COUNT; d++)
		fprintf(f, prom ? "relaymilter_sessions_open{door=\"%s\"} "
		    "%lld\n" : "sessions.%s %lld\n", stats_door_names[d],
		    (long long)s->sessions[d]);
	if (prom)
		stats_head(f, "relaymilter_config_generation", "gauge",
		    "Configs installed since start (1: the one it started "
		    "with).");
	fprintf(f, prom ? "relaymilter_config_generation %llu\n" :
	    "config.generation %llu\n",
	    (unsigned long long)s->config_generation);
	if (prom)
		stats_head(f, "relaymilter_config_loaded_timestamp_seconds",
		    "gauge", "When the running config was installed (Unix "
		    "time).");
	fprintf(f, prom ? "relaymilter_config_loaded_timestamp_seconds %lld\n"
	    : "config.loaded_at %lld\n", (long long)s->config_loaded_at);
	if (prom)
		stats_head(f, "relaymilter_config_load_seconds", "gauge",
		    "How long loading the running config took.");
	fprintf(f, prom ? "relaymilter_config_load_seconds %llu.%06llu\n" :
	    "config.load_seconds %llu.%06llu\n",
	    (unsigned long long)(s->config_load_us / 1000000),
	    (unsigned long long)(s->config_load_us % 1000000));
}

void
stats_render(FILE *f, const struct stats_snapshot *s, int prom)
{
	int i;

	stats_render_fixed(f, s, prom);
	stats_render_decisions(f, s, prom);
	if (prom)
		stats_head(f, "relaymilter_service_decisions_total", "counter",
		    "Recipient decisions by listener (daemon_name or policy_"
		    "context; \"-\" for none), verdict and rule.");
	for (i = 0; i < s->nservices && i < STATS_SERVICES; i++)
		stats_render_service(f, s, i, prom);
	stats_render_auth(f, s, prom);
	stats_render_gauges(f, s, prom);
}

void
stats_print(FILE *f, int prom)
{
	struct stats_snapshot *s = malloc(sizeof(*s));

	/* About 25 kB: too big for a small thread stack. */
	if (s == NULL)
		return;
	stats_snapshot(s);
	stats_render(f, s, prom);
	free(s);
}
