/*
 * stats: the daemon's counters. Increments are lock-free and land in a
 * per-thread shard (its own cache lines), so milter threads never fight
 * over a counter; a reader sums the shards. Names are "<verdict>.<rule>",
 * "service.<name>.<verdict>", "connections", "auth.success", ...
 * Beside the counters, a few gauges: sessions open per front door and
 * the running config's generation, load time and load duration. One
 * renderer writes them all, for relayctl stats and for the metrics
 * endpoint (metrics.c).
 */
#ifndef RELAYMILTER_STATS_H
#define RELAYMILTER_STATS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

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
	STATS_SENDER_MISMATCH,	/* recipients refused by bind_sender */
	STATS_POP_LOOKUPS,	/* POP store asked by a decision */
	STATS_POP_ERRORS,	/* ... and it could not answer */
	STATS_OVER_QUOTA,	/* recipients over a relay limit */
	STATS_SUSPENDED,	/* users suspended (limit or relayctl) */
	STATS_FIXED_COUNT
};

#define STATS_SERVICES	64	/* distinct daemon names counted */
#define STATS_VERDICTS	3
#define STATS_MECHS	8	/* saslmech's table, then "other" */
#define STATS_NAME_MAX	64	/* a daemon name, NUL included */

/* The front doors whose open sessions are counted. */
enum stats_door {
	STATS_DOOR_MILTER,	/* SMTP sessions through the milter */
	STATS_DOOR_POLICY,	/* Postfix policy service connections */
	STATS_DOOR_SOCKETMAP,	/* Sendmail socket map connections */
	STATS_DOOR_COUNT
};

/*
 * Everything the renderer prints, copied at one moment (stats_snapshot),
 * or filled by hand (tests).
 */
struct stats_snapshot {
	uint64_t	 fixed[STATS_FIXED_COUNT];
	uint64_t	 decision[STATS_VERDICTS][RULE_COUNT];
	int		 nservices;
	char		 service_names[STATS_SERVICES][STATS_NAME_MAX];
	uint64_t	 service[STATS_SERVICES][STATS_VERDICTS][RULE_COUNT];
	uint64_t	 auth[STATS_MECHS][2];	/* [mech][1: success] */
	int64_t		 sessions[STATS_DOOR_COUNT];
	uint64_t	 config_generation;	/* configs installed */
	int64_t		 config_loaded_at;	/* when, time(NULL) */
	uint64_t	 config_load_us;	/* how long its load took */
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
 * prometheus set, in the Prometheus text exposition format) to f:
 * stats_snapshot then stats_render.
 */
void stats_print(FILE *f, int prometheus);

/*
 * stats_auth -- count one authentication under auth.success or
 * auth.failure and under its mechanism (any case; NULL or one the
 * table does not know: "other"). Lock-free.
 */
void stats_auth(int success, const char *mech);

/*
 * stats_session -- a session of door opened (delta 1) or closed (-1).
 * Lock-free.
 */
void stats_session(enum stats_door door, int delta);

/*
 * stats_config_loaded -- a config was installed at time when, its load
 * having taken seconds: the generation goes up by one. Lock-free.
 */
void stats_config_loaded(time_t when, double seconds);

/* stats_snapshot -- copy every counter and gauge into s. Lock-free. */
void stats_snapshot(struct stats_snapshot *s);

/*
 * stats_render -- write s to f: "name value" lines, or with prometheus
 * set the text exposition format (version 0.0.4) with a # HELP and a
 * # TYPE line before each metric, label values escaped. Pure but for
 * the writes to f.
 */
void stats_render(FILE *f, const struct stats_snapshot *s, int prometheus);

#endif
