/*
 * metrics: the counters of stats.c over HTTP for a Prometheus server
 * (the metrics key): GET or HEAD /metrics answers the text exposition
 * format, any other path 404 and any other method on /metrics 405. It
 * runs on libmicrohttpd's own small thread pool, with a cap on
 * connections and an idle timeout, so a slow or stuck scraper costs
 * the decisions nothing. The address is bound at start, before
 * privileges are dropped; a reload that changes it needs a restart.
 */
#ifndef RELAYMILTER_METRICS_H
#define RELAYMILTER_METRICS_H

#include <stddef.h>

#include "conf.h"

#define METRICS_THREADS		2	/* the server's thread pool */
#define METRICS_CLIENTS		16	/* connections at once */
#define METRICS_TIMEOUT_S	10	/* idle connection closed after */
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/*
 * metrics_open -- bind c->metrics, if it is set. Call before the daemon
 * forks and before privileges are dropped. Returns 0 (also when there is
 * nothing to bind), or -1 with a message in err.
 */
int metrics_open(const struct conf *c, char *err, size_t errlen);

/*
 * metrics_start -- serve the address metrics_open bound (nothing if
 * none) on METRICS_THREADS threads of libmicrohttpd, METRICS_CLIENTS
 * connections at most, each closed after METRICS_TIMEOUT_S s idle. Call
 * after the fork, with the stop signals blocked (the threads inherit the
 * mask). Returns 0, or -1 with a message in err.
 */
int metrics_start(char *err, size_t errlen);

/*
 * metrics_close -- stop the server (waiting for its threads) and close
 * the socket. Safe to call when nothing was opened or started.
 */
void metrics_close(void);

/*
 * metrics_status -- the HTTP status for method and path: 200 for GET or
 * HEAD on /metrics, 405 for another method there, 404 for any other
 * path. Pure.
 */
unsigned metrics_status(const char *method, const char *path);

#endif
