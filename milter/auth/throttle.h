/*
 * throttle: counting authentication failures per remote address, so that
 * a client guessing passwords is refused without a check once it has
 * failed max times within a window. Memory is bounded: a fixed table in
 * which a new address may evict an old one.
 */
#ifndef RELAYMILTER_THROTTLE_H
#define RELAYMILTER_THROTTLE_H

#include <time.h>

/*
 * throttle_blocked -- 1 if rip has failed at least max times in the last
 * window seconds (max 0: never). rip NULL or "": never. Thread-safe.
 */
int throttle_blocked(const char *rip, time_t now, int max, int window);

/* throttle_failed -- count a failure of rip at now. Thread-safe. */
void throttle_failed(const char *rip, time_t now, int window);

#endif
