/*
 * replay: "relaymilter -c CANDIDATE --replay FILE...", the what-if. It
 * reads relaymilter's own decision lines (verdictline.c) from plain or
 * gzip files or standard input, decides each again under a candidate
 * config, and prints those whose verdict or rule would change, then a
 * summary by (was -> now).
 */
#ifndef RELAYMILTER_REPLAY_H
#define RELAYMILTER_REPLAY_H

#include <stdio.h>

#include "conf.h"

/*
 * replay_run -- replay the nfiles files (paths; "-" is standard input;
 * gzip is recognised by its magic bytes) under c, writing to out:
 * "changed <qid> rcpt=<x> client=name[ip] from=<..> service=.. [user=..]
 * was=<verdict>/<rule> now=<verdict>/<rule>" per changed decision, then
 * "summary was=.. now=.. count=N" lines (most frequent first), "kept
 * rule=.. count=N" lines for decisions not decided again (their rule
 * depends on state the log does not hold), and "total lines=.. ..".
 * Returns 0 if nothing changes, 1 if something does, EX_NOINPUT (with a
 * message on stderr) if a file cannot be opened or read.
 */
int replay_run(const struct conf *c, char *const *files, int nfiles,
    FILE *out);

#endif
