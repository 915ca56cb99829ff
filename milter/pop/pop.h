/*
 * pop: POP-before-SMTP in the running daemon. It owns the login store
 * (opened at start when some listener enables pop_before_smtp), the log
 * follower threads that feed it, the purge of expired logins, and what
 * the "pop" commands of the control socket do (ctl.c parses them).
 */
#ifndef RELAYMILTER_POP_H
#define RELAYMILTER_POP_H

#include <stddef.h>
#include <stdio.h>

#include "conf.h"
#include "netset.h"
#include "popstore.h"

/*
 * pop_prepare -- the part of opening the store of c (if
 * conf_pop_needed(c)) that needs root: create an LMDB directory and,
 * with user set and running as root, give the directory to that user.
 * Call before dropping privileges. Returns 0, or -1 with err.
 */
int pop_prepare(const struct conf *c, const char *user, char *err,
    size_t errlen);

/*
 * pop_open -- open the store of c if conf_pop_needed(c), as the user the
 * daemon runs as (after the privilege drop, so every file of the store
 * is created and opened without root), after daemonizing, before any
 * thread of ours. Returns 0 (also when no store is needed), or -1 with a
 * message in err.
 */
int pop_open(const struct conf *c, char *err, size_t errlen);

/*
 * pop_start -- start the follower thread of each pop.logs entry of c and
 * the purge thread, if the store is open. Call with the stop signals
 * blocked. Returns 0, or -1 with a message in err.
 */
int pop_start(const struct conf *c, char *err, size_t errlen);

/* pop_stop -- stop the threads and close the store. */
void pop_stop(void);

/*
 * pop_store -- the open store, or NULL; for policy_request.pop_ctx with
 * popstore_policy. Lock-free.
 */
struct popstore *pop_store(void);

/*
 * pop_record -- store a login of user (may be NULL) from a now, count
 * it (pop.logins) and log it with its source. Returns 0, or -1 with a
 * message in err. Thread-safe.
 */
int pop_record(const struct netaddr *a, const char *user, const char *source,
    char *err, size_t errlen);

/*
 * pop_list -- "pop list": write the logins still within pop.window to
 * out, one "client user=... age=..." line each. Returns 0, or -1 with a
 * message in err (no store, a store error). Thread-safe.
 */
int pop_list(FILE *out, char *err, size_t errlen);

/*
 * pop_remove -- "pop del": forget the login of a; *removed says whether
 * there was one. Returns 0, or -1 with a message in err. Thread-safe.
 */
int pop_remove(const struct netaddr *a, int *removed, char *err,
    size_t errlen);

#endif
