/*
 * main: the relaymilter program. It loads the config (or the embedded
 * default), then either checks it (-n), explains a decision (--explain),
 * replays logged decisions under it (--replay), or binds the milter socket (and the Postfix policy, Sendmail socket
 * map, control and auth sockets it names), daemonizes unless -f, drops
 * privileges and serves. SIGUSR1 reloads the config; libmilter owns
 * SIGHUP, SIGTERM and SIGINT as "stop".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "accounts.h"
#include "authsvc.h"
#include "conf.h"
#include "ctl.h"
#include "explain.h"
#include "log.h"
#include "metrics.h"
#include "mlfi.h"
#include "policyd.h"
#include "pop.h"
#include "reload.h"
#include "replay.h"
#include "socketmap.h"
#include "stats.h"

static const char *main_conffile;	/* NULL: embedded default */
static char main_abspath[4096];

static void
main_usage(FILE *f)
{
	fprintf(f,
	    "usage: relaymilter [-c FILE] [-f] [-n] [-V]\n"
	    "       relaymilter [-c FILE] --explain --client IP "
	    "[--client-name NAME]\n"
	    "                   [--daemon-name NAME] [--auth USER] [--pop] "
	    "[--count N]\n"
	    "                   --from SENDER RCPT...\n"
	    "       relaymilter [-c CANDIDATE] --replay FILE...\n");
}

/* Load -c FILE, else /etc/relaymilter.conf, else the embedded default. */
static struct conf *
main_load(const char *path, int explicit_path, char *err, size_t errlen)
{
	if (!explicit_path && access(path, F_OK) != 0 && errno == ENOENT) {
		main_conffile = NULL;
		return conf_default(err, errlen);
	}
	/* Absolute, so that a reload still finds it after chdir("/"). */
	if (path[0] != '/' && getcwd(main_abspath, sizeof(main_abspath)) !=
	    NULL && strlen(main_abspath) + strlen(path) + 2 <
	    sizeof(main_abspath)) {
		strcat(main_abspath, "/");
		strcat(main_abspath, path);
		path = main_abspath;
	}
	main_conffile = path;
	return conf_load(path, err, errlen);
}

static void
main_log_warnings(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nwarnings; i++)
		log_msg(LOG_WARNING, "%s", c->warnings[i]);
}

static void *
main_signal_thread(void *arg)
{
	sigset_t *set = arg;
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGUSR1) {
			char msg[CONF_ERRLEN];

			/* reload_run logs the outcome itself. */
			reload_run(msg, sizeof(msg));
		}
	}
	return NULL;
}

static int
main_daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(EX_OK);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(EX_OK);
	if (chdir("/") != 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/*
 * Written as root, possibly in a folder the service account owns: never
 * through a link it planted (O_NOFOLLOW), never into a file that is not
 * a plain file of ours with one name (a hard link to another file).
 */
static int
main_write_pidfile(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK, 0644);
	struct stat st;
	char line[32];
	int n, bad;

	if (fd < 0) {
		log_msg(LOG_ERR, "pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid()) {
		log_msg(LOG_ERR, "pidfile %s: not a plain file of ours with a "
		    "single name: not written", path);
		close(fd);
		return -1;
	}
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	bad = ftruncate(fd, 0) != 0 || fchmod(fd, 0644) != 0 ||
	    write(fd, line, (size_t)n) != n;
	if (close(fd) != 0 || bad) {
		log_msg(LOG_ERR, "pidfile %s: cannot write it", path);
		return -1;
	}
	return 0;
}

static int
main_drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL) {
		log_msg(LOG_ERR, "user %s: no such user", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		log_msg(LOG_ERR, "cannot switch to user %s: %s", user,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static void
main_describe(const struct conf *c)
{
	if (c->embedded)
		log_msg(LOG_NOTICE, "no config file (%s): running on the "
		    "embedded default: local domains and localhost are ours, "
		    "the LAN is loopback, only LAN clients may relay",
		    CONF_DEFAULT_PATH);
	log_msg(LOG_INFO, "relaymilter %s starting: config=%s "
	    "socket=%s%s%s%s%s%s%s services=%zu users=%zu%s", PACKAGE_VERSION,
	    c->path, c->socket,
	    c->postfix_policy ? " postfix_policy=" : "",
	    c->postfix_policy ? c->postfix_policy : "",
	    c->sendmail_socketmap ? " sendmail_socketmap=" : "",
	    c->sendmail_socketmap ? c->sendmail_socketmap : "",
	    c->metrics ? " metrics=" : "", c->metrics ? c->metrics : "",
	    c->nservices, c->nusers, c->dry_run ? " dry_run=yes" : "");
}

/*
 * Everything before the config is installed: sockets, daemonizing, the
 * pidfile, the POP store, dropping privileges. Returns an exit code.
 */
static int
main_setup(struct conf *c, int foreground, char **pidfile)
{
	char err[CONF_ERRLEN];

	main_describe(c);
	main_log_warnings(c);
	if (!foreground && geteuid() == 0 && c->user == NULL) {
		log_msg(LOG_ERR, "refusing to run as root in the background: "
		    "set user = \"...\" in %s (or run in the foreground with "
		    "-f)", c->path);
		return EX_USAGE;
	}
	/*
	 * Nothing is created open to others, not even for the moment
	 * between a bind and the chmod that sets the configured mode.
	 */
	umask(077);
	if (mlfi_setup(c, err, sizeof(err)) != 0 ||
	    ctl_open(c, err, sizeof(err)) != 0 ||
	    authsvc_open(c, err, sizeof(err)) != 0 ||
	    policyd_open(c, err, sizeof(err)) != 0 ||
	    socketmap_open(c, err, sizeof(err)) != 0 ||
	    metrics_open(c, err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, "%s", err);
		return EX_UNAVAILABLE;
	}
	if (!foreground && main_daemonize() != 0) {
		log_msg(LOG_ERR, "cannot daemonize: %s", strerror(errno));
		return EX_OSERR;
	}
	if (!foreground)
		log_to_syslog();
	/* c is handed to conf_install later and may be freed by a reload. */
	*pidfile = c->pidfile != NULL ? strdup(c->pidfile) : NULL;
	if (*pidfile != NULL && main_write_pidfile(*pidfile) != 0)
		return EX_CANTCREAT;
	if (pop_prepare(c, c->user, err, sizeof(err)) != 0 ||
	    accounts_prepare(c, c->user, err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, "%s", err);
		return EX_UNAVAILABLE;
	}
	authsvc_prepare(c);
	if (c->user != NULL && main_drop_privileges(c->user) != 0)
		return EX_NOUSER;
	if (pop_open(c, err, sizeof(err)) != 0 ||
	    accounts_open(c, err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, "%s", err);
		return EX_UNAVAILABLE;
	}
	return EX_OK;
}

/*
 * Start the signal, control, auth, policy service, socket map and POP
 * threads. Returns an exit code.
 */
static int
main_threads(struct conf *c)
{
	static sigset_t set;
	char err[CONF_ERRLEN];
	sigset_t stop;
	pthread_t tid;

	/*
	 * Every thread must block the stop signals that libmilter's own
	 * signal thread waits for, or a thread created before smfi_main
	 * (ours) would take SIGTERM and die by its default action.
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (pthread_create(&tid, NULL, main_signal_thread, &set) != 0) {
		log_msg(LOG_ERR, "cannot start the signal thread");
		return EX_OSERR;
	}
	pthread_detach(tid);
	/* After the switch: the secret file is read as that user. */
	if (ctl_start() != 0 || authsvc_start(c) != 0 ||
	    policyd_start() != 0 || socketmap_start() != 0) {
		log_msg(LOG_ERR, "cannot start the control, auth, policy "
		    "service or socket map threads");
		return EX_OSERR;
	}
	if (pop_start(c, err, sizeof(err)) != 0 ||
	    metrics_start(err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, "%s", err);
		return EX_OSERR;
	}
	return EX_OK;
}

static int
main_serve(struct conf *c, int foreground)
{
	char *pidfile = NULL;
	int rc;

	rc = main_setup(c, foreground, &pidfile);
	if (rc != EX_OK) {
		conf_unref(c);
		free(pidfile);
		return rc;
	}
	reload_init(main_conffile, c);
	conf_ref(c);	/* for pop_start: a reload may replace c before it */
	conf_install(c);
	rc = main_threads(c);
	conf_unref(c);
	if (rc == EX_OK) {
		log_msg(LOG_INFO, "ready");
		rc = mlfi_run() == 0 ? EX_OK : EX_SOFTWARE;
		if (rc != EX_OK)
			log_msg(LOG_ERR, "libmilter stopped with an error");
	}
	ctl_close();
	authsvc_close();
	policyd_close();
	socketmap_close();
	metrics_close();
	pop_stop();
	accounts_close();
	if (pidfile != NULL)
		unlink(pidfile);
	free(pidfile);
	if (rc == EX_OK)
		log_msg(LOG_INFO, "stopped");
	/* Connections are gone: release the config so leak checkers see none. */
	conf_install(NULL);
	return rc;
}

enum { OPT_EXPLAIN = 256, OPT_CLIENT, OPT_CLIENT_NAME, OPT_DAEMON_NAME,
    OPT_AUTH, OPT_POP, OPT_FROM, OPT_HELP, OPT_REPLAY, OPT_COUNT };

static const struct option main_longopts[] = {
	{ "explain",	no_argument,		NULL, OPT_EXPLAIN },
	{ "client",	required_argument,	NULL, OPT_CLIENT },
	{ "client-name", required_argument,	NULL, OPT_CLIENT_NAME },
	{ "daemon-name", required_argument,	NULL, OPT_DAEMON_NAME },
	{ "auth",	required_argument,	NULL, OPT_AUTH },
	{ "pop",	no_argument,		NULL, OPT_POP },
	{ "from",	required_argument,	NULL, OPT_FROM },
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ "replay",	no_argument,		NULL, OPT_REPLAY },
	{ "count",	required_argument,	NULL, OPT_COUNT },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	struct explain_opts eo = { 0 };
	const char *path = CONF_DEFAULT_PATH;
	int opt, explicit_path = 0, foreground = 0, check = 0, explain = 0;
	int replay = 0;
	char err[CONF_ERRLEN];
	struct timespec t0, t1;
	struct conf *c;
	int rc;

	while ((opt = getopt_long(argc, argv, "c:fnVh", main_longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'c': path = optarg; explicit_path = 1; break;
		case 'f': foreground = 1; break;
		case 'n': check = 1; break;
		case 'V':
			printf("relaymilter %s\n", PACKAGE_VERSION);
			return EX_OK;
		case 'h': case OPT_HELP:
			main_usage(stdout);
			return EX_OK;
		case OPT_EXPLAIN: explain = 1; break;
		case OPT_CLIENT: eo.client = optarg; break;
		case OPT_CLIENT_NAME: eo.client_name = optarg; break;
		case OPT_DAEMON_NAME: eo.daemon_name = optarg; break;
		case OPT_AUTH: eo.auth = optarg; break;
		case OPT_POP: eo.pop = 1; break;
		case OPT_FROM: eo.from = optarg; break;
		case OPT_REPLAY: replay = 1; break;
		case OPT_COUNT:
			if (explain_count_parse(optarg, &eo.count) != 0) {
				fprintf(stderr, "relaymilter: --count %s: not "
				    "a number of recipients\n", optarg);
				return EX_USAGE;
			}
			break;
		default:
			main_usage(stderr);
			return EX_USAGE;
		}
	}
	if (explain && (eo.client == NULL || eo.from == NULL ||
	    optind >= argc)) {
		fprintf(stderr, "relaymilter: --explain needs --client, --from "
		    "and at least one recipient\n");
		main_usage(stderr);
		return EX_USAGE;
	}
	if (replay && (explain || check || foreground || optind >= argc)) {
		fprintf(stderr, "relaymilter: --replay needs at least one file "
		    "(- for standard input) and no other mode\n");
		main_usage(stderr);
		return EX_USAGE;
	}
	if ((!explain && !replay && (optind < argc || eo.client || eo.from || eo.pop ||
	    eo.count ||
	    eo.auth || eo.client_name || eo.daemon_name)) ||
	    (replay && (eo.client || eo.from || eo.pop || eo.count || eo.auth ||
	    eo.client_name || eo.daemon_name)) ||
	    (explain && check)) {
		main_usage(stderr);
		return EX_USAGE;
	}
	/*
	 * Until it detaches, even a background daemon tells its starter what
	 * went wrong on stderr: there may be no syslog to read.
	 */
	log_init("relaymilter", !check && !explain && !replay);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = main_load(path, explicit_path, err, sizeof(err));
	if (c == NULL) {
		if (check || explain || replay)
			fprintf(stderr, "%s\n", err);
		else
			log_msg(LOG_ERR, "%s", err);
		return EX_CONFIG;
	}
	if (check) {
		for (size_t i = 0; i < c->nwarnings; i++)
			fprintf(stderr, "warning: %s\n", c->warnings[i]);
		printf("%s: OK\n", c->path);
		conf_unref(c);
		return EX_OK;
	}
	if (explain) {
		rc = explain_run(c, &eo, argv + optind, argc - optind, stdout);
		conf_unref(c);
		return rc;
	}
	if (replay) {
		rc = replay_run(c, argv + optind, argc - optind, stdout);
		conf_unref(c);
		return rc;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stats_config_loaded(time(NULL), (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return main_serve(c, foreground);
}
