/*
 * stats: the daemon's counters. Increments are lock-free and land in a
 * per-thread shard (its own cache lines), so milter threads never fight
 * over a counter; a reader sums the shards. Names are "<verdict>.<rule>",
 * "service.<name>.<verdict>", "connections", "auth.success", ...
 */
#ifndef RELAYMILTER_STATS_H
#define RELAYMILTER_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "policy.h"

enum stats_counter {
	STATS_CONNECTIONS,
	STATS_RELOAD_OK,
	STATS_RELOAD_FAILED,
	STATS_AUTH_SUCCESS,
	STATS_AUTH_FAILURE,
	STATS_POP_HITS,
	STATS_POP_LOGINS,
	STATS_ERRORS,
	STATS_DRY_RUN_REJECTS,
	STATS_ROUTING_MISMATCH,
	STATS_POLICY_REQUESTS,
	STATS_POLICY_MALFORMED,
	STATS_OVER_QUOTA,	/* recipients over a relay limit */
	STATS_SUSPENDED,	/* users suspended (limit or relayctl) */
	STATS_FIXED_COUNT
};

/* stats_inc -- add one to a fixed counter. Lock-free. */
void stats_inc(enum stats_counter c);

/*
 * stats_decision -- count one decision under "<verdict>.<rule>" and
 * "service.<service>.<verdict>" (service NULL or "": "-"). Lock-free once
 * the service has been seen; a first sighting takes a short mutex.
 */
void stats_decision(enum policy_verdict v, enum policy_rule r,
    const char *service);

/*
 * stats_service_slot -- the slot of a service name, for
 * stats_decision_slot; stable for the life of the process. Returns -1
 * when the table is full (then the decision is counted under
 * "<verdict>.<rule>" only, not per listener).
 */
int stats_service_slot(const char *service);

/* stats_decision_slot -- stats_decision with a slot already looked up. */
void stats_decision_slot(enum policy_verdict v, enum policy_rule r,
    int slot);

/* stats_get -- current total of a fixed counter. */
uint64_t stats_get(enum stats_counter c);

/* stats_get_decision -- current total of "<verdict>.<rule>". */
uint64_t stats_get_decision(enum policy_verdict v, enum policy_rule r);

/*
 * stats_print -- write every counter as "name value" lines (or, with
 * prometheus set, in the Prometheus text exposition format) to f.
 */
void stats_print(FILE *f, int prometheus);

#endif
