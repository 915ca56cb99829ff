/*
 * acctstore_redis: the "redis://host:port/db" accounts store. This file
 * stands in until the Redis backend is merged: limits.store = "redis://"
 * passes the config check but the daemon cannot open it yet.
 */
#include "config.h"

#include <stdio.h>

#include "acctstore.h"

void *
acctstore_redis_open(const char *spec, const char *password, int pop_shared,
    char *err, size_t errlen)
{
	(void)password;
	(void)pop_shared;
	snprintf(err, errlen, "limits.store \"%s\": the Redis accounts "
	    "store is not built in", spec);
	return NULL;
}

const struct acctstore_ops acctstore_redis_ops = {
	.kind = "redis",
};
