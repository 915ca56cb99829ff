/*
 * replay: the what-if of a config change. Every decision line of the logs
 * is decided again with policy_decide under the candidate config, from
 * the inputs the line carries (explain.c builds the request); a verdict
 * or rule that differs is printed, and counted by (was -> now).
 *
 * State the log holds is answered as logged: the POP store's answer is
 * pop= (or, on a line without it, what the logged rule implies:
 * pop-before-smtp a login, pop-store-unavailable a store that cannot
 * answer, else no login). Decisions whose rule rests on state the log
 * does not hold (replay_state_rules, by name, so rules of other builds
 * need no change here) and rules this build does not know are kept as
 * logged: counted, never decided again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <zlib.h>

#include "explain.h"
#include "log.h"
#include "replay.h"
#include "verdictline.h"

/* rules decided on counters the log does not carry */
static const char *const replay_state_rules[] = {
	"over-quota", "account-suspended", "limits-store-unavailable",
};

#define REPLAY_KEPT_MAX 16
#define REPLAY_LINE_MAX 16384

struct replay_pair {
	unsigned char	 was_v, was_r, now_v, now_r;
	unsigned long	 count;
};

struct replay {
	const struct conf *c;
	FILE		*out;
	/* (was verdict, was rule, now verdict, now rule) -> count */
	unsigned long	 pairs[3][RULE_COUNT][3][RULE_COUNT];
	char		 kept_rule[REPLAY_KEPT_MAX][48];
	unsigned long	 kept_count[REPLAY_KEPT_MAX];
	unsigned long	 lines, decisions, changed, kept, skipped, malformed;
};

/* A rule the log cannot replay: counted under its name. Returns 1. */
static int
replay_keep(struct replay *rp, const char *rule)
{
	int i;

	rp->kept++;
	for (i = 0; i < REPLAY_KEPT_MAX && rp->kept_rule[i][0]; i++)
		if (strcmp(rp->kept_rule[i], rule) == 0)
			break;
	if (i == REPLAY_KEPT_MAX) {
		/* more rules than slots: the last one counts the rest */
		i = REPLAY_KEPT_MAX - 1;
		snprintf(rp->kept_rule[i], sizeof(rp->kept_rule[i]), "other");
	} else if (!rp->kept_rule[i][0])
		snprintf(rp->kept_rule[i], sizeof(rp->kept_rule[i]), "%s",
		    rule);
	rp->kept_count[i]++;
	return 1;
}

static int
replay_is_state_rule(const struct verdictline *vl)
{
	size_t i;

	if (vl->rule_id == RULE_COUNT)
		return 1;
	for (i = 0; i < sizeof(replay_state_rules) /
	    sizeof(replay_state_rules[0]); i++)
		if (strcmp(policy_rule_name(vl->rule_id),
		    replay_state_rules[i]) == 0)
			return 1;
	return 0;
}

/* The POP store's answer the logged decision saw. */
static int
replay_pop(const struct verdictline *vl)
{
	if (vl->pop != VERDICTLINE_POP_NONE)
		return vl->pop;
	if (vl->rule_id == RULE_POP_BEFORE_SMTP)
		return 1;
	return vl->rule_id == RULE_POP_STORE_UNAVAILABLE ? -1 : 0;
}

static void
replay_print(struct replay *rp, const struct verdictline *vl,
    const struct policy_decision *d)
{
	char r[VERDICTLINE_VALUE_MAX * 4], s[VERDICTLINE_VALUE_MAX * 4];
	char n[VERDICTLINE_VALUE_MAX * 4], svc[VERDICTLINE_VALUE_MAX * 4];
	char u[VERDICTLINE_VALUE_MAX * 4];

	log_clean(vl->rcpt, r, sizeof(r));
	log_clean(vl->sender, s, sizeof(s));
	log_clean(vl->client_name[0] ? vl->client_name : "unknown", n,
	    sizeof(n));
	log_clean(vl->service[0] ? vl->service : "-", svc, sizeof(svc));
	log_clean(vl->user, u, sizeof(u));
	fprintf(rp->out, "changed %s rcpt=%s client=%s[%s] from=%s "
	    "service=%s%s%s was=%s/%s now=%s/%s\n", vl->qid, r, n,
	    vl->client_ip[0] ? vl->client_ip : "unknown", s, svc,
	    u[0] ? " user=" : "", u, policy_verdict_name(vl->verdict),
	    vl->rule, policy_verdict_name(d->verdict),
	    policy_rule_name(d->rule));
}

/* One line of a log. */
static void
replay_line(struct replay *rp, struct explain_req *er, const char *s,
    size_t len)
{
	struct verdictline vl;
	struct policy_decision d;
	int rc = verdictline_parse(s, len, &vl);

	rp->lines++;
	if (rc == 0 || (rc == 1 && vl.rule_id == RULE_ERROR)) {
		/* not a decision; an error line has no inputs to replay */
		rp->skipped++;
		return;
	}
	if (rc < 0 || !vl.complete || explain_request(er, vl.client_ip[0] ?
	    vl.client_ip : NULL, vl.client_name[0] ? vl.client_name : NULL,
	    vl.user[0] ? vl.user : NULL, vl.sender, replay_pop(&vl)) != 0) {
		rp->malformed++;
		return;
	}
	if (replay_is_state_rule(&vl)) {
		replay_keep(rp, vl.rule);
		return;
	}
	rp->decisions++;
	explain_decide(er, rp->c, conf_service(rp->c, vl.service[0] ?
	    vl.service : NULL), vl.rcpt, vl.mailer[0] ? vl.mailer : NULL, &d);
	if (d.verdict == vl.verdict && d.rule == vl.rule_id)
		return;
	rp->changed++;
	rp->pairs[vl.verdict][vl.rule_id][d.verdict][d.rule]++;
	replay_print(rp, &vl, &d);
}

/*
 * One file, through zlib: gzread recognises gzip by its magic bytes and
 * reads anything else as it is. A line longer than any decision line is
 * skipped whole. Returns 0, or -1 on a read error (message on stderr).
 */
static int
replay_file(struct replay *rp, int fd, const char *name)
{
	static char buf[REPLAY_LINE_MAX];
	struct explain_req er;
	gzFile gz = gzdopen(fd, "rb");
	int err, toolong = 0;

	if (gz == NULL) {
		fprintf(stderr, "relaymilter: %s: cannot read\n", name);
		close(fd);
		return -1;
	}
	gzbuffer(gz, 1 << 17);
	while (gzgets(gz, buf, sizeof(buf)) != NULL) {
		size_t n = strlen(buf);
		int whole = n > 0 && buf[n - 1] == '\n';

		if (toolong) {
			toolong = !whole;
			continue;
		}
		if (!whole && n == sizeof(buf) - 1) {
			/* the rest of this line is dropped, the line counted */
			toolong = 1;
			rp->lines++;
			rp->skipped++;
			continue;
		}
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			n--;
		replay_line(rp, &er, buf, n);
	}
	gzerror(gz, &err);
	gzclose(gz);
	/* Z_BUF_ERROR: a gzip stream cut short */
	if (err != Z_OK) {
		fprintf(stderr, "relaymilter: %s: read error (%s)\n", name,
		    err == Z_ERRNO ? strerror(errno) : "damaged gzip data");
		return -1;
	}
	return 0;
}

static int
replay_pair_cmp(const void *a, const void *b)
{
	const struct replay_pair *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return memcmp(&x->was_v, &y->was_v, 4);
}

static void
replay_summary(const struct replay *rp)
{
	static struct replay_pair p[3 * RULE_COUNT * 3 * RULE_COUNT];
	size_t np = 0, i;
	int a, b, x, y;

	for (a = 0; a < 3; a++)
		for (b = 0; b < RULE_COUNT; b++)
			for (x = 0; x < 3; x++)
				for (y = 0; y < RULE_COUNT; y++)
					if (rp->pairs[a][b][x][y] != 0)
						p[np++] = (struct replay_pair){
						    a, b, x, y,
						    rp->pairs[a][b][x][y] };
	qsort(p, np, sizeof(p[0]), replay_pair_cmp);
	for (i = 0; i < np; i++)
		fprintf(rp->out, "summary was=%s/%s now=%s/%s count=%lu\n",
		    policy_verdict_name(p[i].was_v), policy_rule_name(p[i].was_r),
		    policy_verdict_name(p[i].now_v), policy_rule_name(p[i].now_r),
		    p[i].count);
	for (a = 0; a < REPLAY_KEPT_MAX && rp->kept_rule[a][0]; a++)
		fprintf(rp->out, "kept rule=%s count=%lu\n", rp->kept_rule[a],
		    rp->kept_count[a]);
	fprintf(rp->out, "total lines=%lu decisions=%lu changed=%lu "
	    "kept=%lu skipped=%lu malformed=%lu\n", rp->lines, rp->decisions,
	    rp->changed, rp->kept, rp->skipped, rp->malformed);
}

/* Open every file first: an unreadable one stops the run before output. */
static int
replay_open(char *const *files, int nfiles, int *fds)
{
	int i;

	for (i = 0; i < nfiles; i++) {
		fds[i] = strcmp(files[i], "-") == 0 ? dup(STDIN_FILENO) :
		    open(files[i], O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			fprintf(stderr, "relaymilter: %s: %s\n", files[i],
			    strerror(errno));
			while (i-- > 0)
				close(fds[i]);
			return -1;
		}
	}
	return 0;
}

int
replay_run(const struct conf *c, char *const *files, int nfiles, FILE *out)
{
	struct replay *rp = calloc(1, sizeof(*rp));
	int *fds = calloc((size_t)nfiles, sizeof(int));
	int i, rc = EX_NOINPUT;

	if (rp == NULL || fds == NULL || replay_open(files, nfiles, fds) != 0)
		goto done;
	rp->c = c;
	rp->out = out;
	for (i = 0; i < nfiles; i++)
		if (replay_file(rp, fds[i], files[i]) != 0) {
			while (++i < nfiles)
				close(fds[i]);
			goto done;
		}
	replay_summary(rp);
	rc = rp->changed > 0 ? 1 : 0;
done:
	free(fds);
	free(rp);
	return rc;
}
