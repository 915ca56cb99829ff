/*
 * authdelay: failure answers of the auth services sent after
 * auth.failure_delay by one queue thread, so the client's own thread
 * (and its slot) is free at once.
 */
#ifndef RELAYMILTER_AUTHDELAY_H
#define RELAYMILTER_AUTHDELAY_H

#include <stddef.h>

#define AUTHDELAY_LINE_MAX	256	/* longest answer that can wait */
#define AUTHDELAY_QUEUE_MAX	4096	/* answers waiting at most */

/*
 * authdelay_reply -- send line (len bytes) on fd after delay_s seconds
 * (at once when delay_s <= 0). The queue keeps a duplicate of fd, so the
 * caller may close its own at once. Returns 0, or -1 when the answer
 * cannot be sent or queued (queue full, line too long): the caller then
 * closes the connection unanswered. Thread-safe; starts the queue thread
 * on first use.
 */
int authdelay_reply(int fd, const void *line, size_t len, int delay_s);

/* authdelay_pending -- answers waiting in the queue now. Thread-safe. */
size_t authdelay_pending(void);

#endif
