/*
 * popfollow: following a growing log file the way "tail -F" does, in a
 * thread of its own, handing each complete line to a callback. It starts
 * at the end of the file, follows rotation by rename+create (the old
 * file is read to its end first) and by copytruncate, and waits for a
 * file that is missing, for as long as it takes.
 */
#ifndef RELAYMILTER_POPFOLLOW_H
#define RELAYMILTER_POPFOLLOW_H

#include <stddef.h>

/* Called in the follower's thread for each line (without newline). */
typedef void (*popfollow_line_fn)(void *arg, const char *line, size_t len);

struct popfollow;

/*
 * popfollow_start -- follow path, checking it every poll_ms
 * milliseconds. Lines longer than POPLOG_LINE_MAX are skipped. Returns
 * the follower, or NULL with a message in err (no thread). Logs when the
 * file goes missing, comes back or is rotated.
 */
struct popfollow *popfollow_start(const char *path, int poll_ms,
    popfollow_line_fn fn, void *arg, char *err, size_t errlen);

/*
 * popfollow_stop -- stop the thread (within poll_ms), wait for it, and
 * free f. NULL is fine.
 */
void popfollow_stop(struct popfollow *f);

#endif
