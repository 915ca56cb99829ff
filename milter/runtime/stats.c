/*
 * stats: sharded, lock-free counters. Each thread picks a shard on first
 * use; a shard is a block of 64-bit counters aligned to a cache line.
 * Totals are the sum over shards, read with relaxed atomics: a reader may
 * see a count one step old, never a torn one.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"

#define STATS_SHARDS	16
#define STATS_SERVICES	64	/* distinct daemon names counted */
#define STATS_VERDICTS	3

struct stats_shard {
	uint64_t fixed[STATS_FIXED_COUNT];
	uint64_t decision[STATS_VERDICTS][RULE_COUNT];
	uint64_t service[STATS_SERVICES][STATS_VERDICTS];
} __attribute__((aligned(64)));

static struct stats_shard stats_shards[STATS_SHARDS];
static unsigned stats_next_shard;
static __thread int stats_my_shard = -1;

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static char stats_service_names[STATS_SERVICES][64];
static int stats_nservices;

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
	[STATS_OVER_QUOTA] = "over_quota",
	[STATS_SUSPENDED] = "suspended",
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
		stats_add(&s->service[slot][v]);
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

static uint64_t
stats_get_service(int slot, int v)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < STATS_SHARDS; i++)
		t += __atomic_load_n(&stats_shards[i].service[slot][v],
		    __ATOMIC_RELAXED);
	return t;
}

/* Prometheus label values: escape backslash and double quote. */
static void
stats_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		fputc(*s, f);
	}
}

void
stats_print(FILE *f, int prom)
{
	int c, v, r, n;

	for (c = 0; c < STATS_FIXED_COUNT; c++) {
		uint64_t val = stats_get((enum stats_counter)c);

		if (prom) {
			char name[64];
			char *p;

			snprintf(name, sizeof(name), "%s", stats_fixed_names[c]);
			for (p = name; *p; p++)
				if (*p == '.')
					*p = '_';
			fprintf(f, "# TYPE relaymilter_%s_total counter\n"
			    "relaymilter_%s_total %llu\n", name, name,
			    (unsigned long long)val);
		} else
			fprintf(f, "%s %llu\n", stats_fixed_names[c],
			    (unsigned long long)val);
	}
	if (prom)
		fprintf(f, "# TYPE relaymilter_decisions_total counter\n");
	for (v = 0; v < STATS_VERDICTS; v++)
		for (r = 0; r < RULE_COUNT; r++) {
			uint64_t val = stats_get_decision(
			    (enum policy_verdict)v, (enum policy_rule)r);
			const char *vn = policy_verdict_name(
			    (enum policy_verdict)v);
			const char *rn = policy_rule_name((enum policy_rule)r);

			if (prom)
				fprintf(f, "relaymilter_decisions_total{verdict="
				    "\"%s\",rule=\"%s\"} %llu\n", vn, rn,
				    (unsigned long long)val);
			else
				fprintf(f, "%s.%s %llu\n", vn, rn,
				    (unsigned long long)val);
		}
	n = __atomic_load_n(&stats_nservices, __ATOMIC_ACQUIRE);
	if (prom && n > 0)
		fprintf(f, "# TYPE relaymilter_service_decisions_total "
		    "counter\n");
	for (c = 0; c < n; c++)
		for (v = 0; v < STATS_VERDICTS; v++) {
			uint64_t val = stats_get_service(c, v);
			const char *vn = policy_verdict_name(
			    (enum policy_verdict)v);

			if (prom) {
				fprintf(f, "relaymilter_service_decisions_total"
				    "{service=\"");
				stats_label(f, stats_service_names[c]);
				fprintf(f, "\",verdict=\"%s\"} %llu\n", vn,
				    (unsigned long long)val);
			} else
				fprintf(f, "service.%s.%s %llu\n",
				    stats_service_names[c], vn,
				    (unsigned long long)val);
		}
}
