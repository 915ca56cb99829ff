/*
 * popjournal: following the systemd journal instead of a log file, in a
 * thread of its own, for a pop.logs entry with "journal". It selects the
 * entries of one SYSLOG_IDENTIFIER (and, unless journal_unit is "", of
 * one _SYSTEMD_UNIT, a field journald itself writes), starts at the end
 * of the journal, and hands each entry to the same line callback as a
 * file follower, as the line "journalctl -o short-iso" would print
 * ("STAMP localhost IDENT: MESSAGE"), so that one parser per format
 * reads files and journal alike.
 */
#ifndef RELAYMILTER_POPJOURNAL_H
#define RELAYMILTER_POPJOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "popfollow.h"

struct popjournal;

/*
 * popjournal_line -- build the line of an entry into buf (len bytes):
 * the UTC time stamp of realtime_usec, the host "localhost", ident, ": "
 * and the first line of msg (msglen bytes, not NUL-terminated). Returns
 * the line's length, or 0 if it does not fit. Pure.
 */
size_t popjournal_line(char *buf, size_t len, uint64_t realtime_usec,
    const char *ident, const char *msg, size_t msglen);

/*
 * popjournal_start -- open the journal of entry pl (its
 * journal_directory, or the local system journal), seek to its end and
 * follow it, checking every poll_ms milliseconds, calling fn with each
 * matching entry's line. A journal that cannot be opened yet is retried
 * each round (logged once). Returns the follower, or NULL with a
 * message in err (no thread). pl must outlive the follower.
 */
struct popjournal *popjournal_start(const struct conf_poplog *pl,
    int poll_ms, popfollow_line_fn fn, void *arg, char *err, size_t errlen);

/*
 * popjournal_stop -- stop the thread (within poll_ms), wait for it,
 * close the journal and free j. NULL is fine.
 */
void popjournal_stop(struct popjournal *j);

#endif
