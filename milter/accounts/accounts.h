/*
 * accounts: relay limits and suspensions in the running daemon. It owns
 * the accounts store (limits.store of the start-up config, opened once
 * and kept until exit, like the POP store), hands it to each request
 * (accounts_request), and runs the control socket's
 * suspend, unsuspend and accounts commands (ctl.c parses them).
 */
#ifndef RELAYMILTER_ACCOUNTS_H
#define RELAYMILTER_ACCOUNTS_H

#include <stddef.h>
#include <stdio.h>

#include "acct.h"
#include "conf.h"
#include "policy.h"

/*
 * accounts_prepare -- as root, before the privilege drop: make the
 * "lmdb:/dir" of limits.store ready for user (NULL: keep the owner).
 * 0, or -1 with err.
 */
int accounts_prepare(const struct conf *c, const char *user, char *err,
    size_t errlen);

/*
 * accounts_open -- open limits.store of c as the service account, after
 * the privilege drop (memory, lmdb:/dir, redis://; Redis shares one
 * round trip with the POP store when pop.store is the same). 0, or -1
 * with err.
 */
int accounts_open(const struct conf *c, char *err, size_t errlen);

/* accounts_close -- close the store; no request may be running. */
void accounts_close(void);

/* accounts_store -- the open store, or NULL. Lock-free. */
struct acct *accounts_store(void);

/*
 * accounts_request -- let req ask the accounts store: fill x with the
 * open accounts store and set req->limits and limits_ctx.
 * x must live as long as req.
 */
void accounts_request(struct policy_request *req, struct acct_ctx *x);

/*
 * accounts_suspend, accounts_unsuspend -- the control commands: write
 * what happened ("suspended USER", "already suspended USER", "lifted
 * USER", "not suspended USER") to out. 0, or -1 with err.
 */
int accounts_suspend(const char *user, FILE *out, char *err, size_t errlen);
int accounts_unsuspend(const char *user, FILE *out, char *err,
    size_t errlen);

/*
 * accounts_list -- "accounts": one sorted line per live counter
 * ("user=U count=N window=Ws since=T" or "client=NET ...") and per
 * suspension ("user=U suspended since=T why=\"...\"") to out. 0, or -1
 * with err.
 */
int accounts_list(FILE *out, char *err, size_t errlen);

#endif
