/*
 * metrics: the HTTP endpoint of the counters (see metrics.h). The page
 * is the one relayctl stats --prometheus prints: stats_print renders
 * both, into memory here, handed to libmicrohttpd to send and free.
 */
#include "config.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "metrics.h"
#include "stats.h"

/* libmicrohttpd before 0.9.71 answered int, not enum MHD_Result. */
#if MHD_VERSION >= 0x00097100
#define METRICS_RESULT	enum MHD_Result
#else
#define METRICS_RESULT	int
#endif

static struct listen_sock metrics_sock = LISTEN_SOCK_NONE;
static struct MHD_Daemon *metrics_daemon;
static char metrics_name[SOCKSPEC_HOST_MAX + 32];

int
metrics_open(const struct conf *c, char *err, size_t errlen)
{
	if (c->metrics == NULL)
		return 0;
	snprintf(metrics_name, sizeof(metrics_name), "%s", c->metrics);
	if (listen_sock_open(&metrics_sock, c->metrics, CONF_METRICS_SOCKETS,
	    -1, NULL, err, errlen) != 0) {
		/* listen.c names the socket, not what it is for. */
		size_t n = strlen(err);

		snprintf(err + n, errlen - n, " (metrics)");
		return -1;
	}
	return 0;
}

unsigned
metrics_status(const char *method, const char *path)
{
	if (path == NULL || strcmp(path, "/metrics") != 0)
		return MHD_HTTP_NOT_FOUND;
	if (method != NULL && (strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
	    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0))
		return MHD_HTTP_OK;
	return MHD_HTTP_METHOD_NOT_ALLOWED;
}

/* The exposition, in a malloc'd buffer; NULL when out of memory. */
static struct MHD_Response *
metrics_page(void)
{
	struct MHD_Response *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	stats_print(f, 1);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(buf);
		return NULL;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    METRICS_CONTENT_TYPE);
	return r;
}

/* A short text/plain answer for an error status. */
static struct MHD_Response *
metrics_error_page(unsigned status)
{
	static char not_found[] = "404 not found: the counters are at "
	    "/metrics\n";
	static char not_allowed[] = "405 method not allowed: GET or HEAD\n";
	char *text = status == MHD_HTTP_NOT_FOUND ? not_found : not_allowed;
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text),
	    text, MHD_RESPMEM_PERSISTENT);

	if (r == NULL)
		return NULL;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	return r;
}

/*
 * libmicrohttpd's request handler. It is called again for each piece of
 * a request body; the answer never depends on one, so it is queued at
 * the first call and the body is dropped.
 */
static METRICS_RESULT
metrics_answer(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	unsigned status = metrics_status(method, url);
	struct MHD_Response *r;
	METRICS_RESULT rc;

	(void)cls;
	(void)version;
	(void)upload_data;
	if (*con_cls != NULL) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	*con_cls = &metrics_daemon;
	r = status == MHD_HTTP_OK ? metrics_page() : metrics_error_page(status);
	if (r == NULL)
		return MHD_NO;
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

int
metrics_start(char *err, size_t errlen)
{
	if (metrics_sock.fd < 0)
		return 0;
	metrics_daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD,
	    0, NULL, NULL, metrics_answer, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)metrics_sock.fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)METRICS_THREADS,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_CLIENTS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_TIMEOUT_S,
	    MHD_OPTION_END);
	if (metrics_daemon == NULL) {
		snprintf(err, errlen, "metrics %s: cannot start the HTTP "
		    "server", metrics_name);
		return -1;
	}
	log_msg(LOG_INFO, "metrics: serving GET /metrics on %s",
	    metrics_name);
	return 0;
}

void
metrics_close(void)
{
	if (metrics_daemon != NULL) {
		/* It closes the listening socket it was given. */
		MHD_stop_daemon(metrics_daemon);
		metrics_daemon = NULL;
	} else if (metrics_sock.fd >= 0)
		close(metrics_sock.fd);
	metrics_sock.fd = -1;
}
