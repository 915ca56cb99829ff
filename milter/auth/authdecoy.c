/*
 * authdecoy: per-config profiles of the stored passwords' costs, kept
 * for the last few configs (keyed by the conf's serial, so that a new
 * conf at a freed one's address is never taken for it). A profile is
 * built outside the lock at a config's first use: each kind of crypt
 * hash ("$6$rounds=N$", "$2b$12$", "$y$j9T$": the hash's id and cost
 * parameters, the first AUTHDECOY_CLASSES of them) is timed once in
 * thread CPU time, as is PBKDF2 per iteration, from which a SCRAM
 * secret's cost follows. A profile points into its config (the dearest
 * stored string), which is why it is only ever read for a caller that
 * pins that very config.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authdecoy.h"
#include "authsecret.h"
#include "pwhash.h"
#include "pwscheme.h"

#define AUTHDECOY_SLOTS		4	/* configs remembered */
#define AUTHDECOY_CLASSES	16	/* kinds of crypt hash timed */
#define AUTHDECOY_FORMS		16	/* SCRAM forms counted */
#define AUTHDECOY_KEYLEN	40
#define AUTHDECOY_CALIBRATE	4096	/* PBKDF2 iterations timed */
/* relayctl pw's SCRAM secrets (pwhash.c) */
#define AUTHDECOY_ITER		4096
#define AUTHDECOY_SALT		16

/* One kind of stored password and what checking one costs. */
struct authdecoy_class {
	char		 key[AUTHDECOY_KEYLEN];	/* crypt id and cost; "" SCRAM */
	const char	*rep;		/* a stored string of this kind */
	double		 ns;		/* thread CPU time of one check */
};

struct authdecoy_prof {
	unsigned long	 serial;
	struct authdecoy_scram scram;
	double		 ns_per_iter;	/* PBKDF2-HMAC-SHA-256 */
	struct authdecoy_class cls[AUTHDECOY_CLASSES + 1];	/* + SCRAM */
	size_t		 ncls;
	const struct authdecoy_class *dear;	/* NULL: all cost nothing */
};

/* What a check spends beyond its own work. */
struct authdecoy_plan {
	const char	*dear;		/* check the password against it */
	unsigned	 pad_iter;	/* PBKDF2 iterations */
};

static pthread_mutex_t authdecoy_lock = PTHREAD_MUTEX_INITIALIZER;
static struct authdecoy_prof *authdecoy_slots[AUTHDECOY_SLOTS];
static unsigned authdecoy_next;

static double
authdecoy_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* PBKDF2 with iter iterations, for its cost alone. */
static void
authdecoy_pbkdf2(unsigned iter)
{
	char stored[PWSCHEME_B64LEN(PWSCHEME_SCRAM_KEY) + 1];
	char server[sizeof(stored)];

	if (iter > PWSCHEME_SCRAM_ITER_MAX)
		iter = PWSCHEME_SCRAM_ITER_MAX;
	(void)authsecret_keys(iter > 0 ? iter : 1,
	    (const unsigned char *)"decoy", 5, stored, server);
}

/*
 * The kind of a crypt hash: its id and the cost field after it (bcrypt's
 * and yescrypt's always, SHA-crypt's "rounds=" when present), so that
 * hashes differing only in salt are one kind.
 */
static void
authdecoy_crypt_key(const char *hash, char *key, size_t len)
{
	const char *p = strchr(hash + 1, '$');
	size_t n;

	n = p != NULL ? (size_t)(p - hash) + 1 : strlen(hash);
	if (p != NULL && (strncmp(hash, "$6$", 3) != 0 ||
	    strncmp(p + 1, "rounds=", 7) == 0) && strchr(p + 1, '$') != NULL)
		n = (size_t)(strchr(p + 1, '$') - hash) + 1;
	snprintf(key, len, "%.*s", (int)(n < len ? n : len - 1), hash);
}

static struct authdecoy_class *
authdecoy_class_find(struct authdecoy_prof *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->ncls; i++)
		if (p->cls[i].key[0] != '\0' && strcmp(p->cls[i].key, key) == 0)
			return &p->cls[i];
	return NULL;
}

/* Count one SCRAM user's (iterations, salt length) in forms. */
static void
authdecoy_tally(struct authdecoy_scram *forms, size_t *count, size_t *n,
    const struct pwscheme *pw)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (forms[i].iter == pw->iter &&
		    forms[i].saltlen == pw->saltlen) {
			count[i]++;
			return;
		}
	if (*n == AUTHDECOY_FORMS)
		return;
	forms[*n].iter = pw->iter;
	forms[*n].saltlen = pw->saltlen;
	count[(*n)++] = 1;
}

/* The form most SCRAM users have: more users, more iterations, longer. */
static void
authdecoy_pick_form(struct authdecoy_prof *p,
    const struct authdecoy_scram *forms, const size_t *count, size_t n)
{
	size_t i, best = 0;

	p->scram.iter = AUTHDECOY_ITER;
	p->scram.saltlen = AUTHDECOY_SALT;
	if (n == 0)
		return;
	for (i = 1; i < n; i++)
		if (count[i] > count[best] || (count[i] == count[best] &&
		    (forms[i].iter > forms[best].iter ||
		    (forms[i].iter == forms[best].iter &&
		    forms[i].saltlen > forms[best].saltlen))))
			best = i;
	p->scram.iter = forms[best].iter;
	p->scram.saltlen = forms[best].saltlen;
}

/* Time one check of each kind of stored password; pick the dearest. */
static void
authdecoy_measure(struct authdecoy_prof *p, const char *scram_rep,
    unsigned scram_iter)
{
	double t0;
	size_t i;

	t0 = authdecoy_cpu_ns();
	authdecoy_pbkdf2(AUTHDECOY_CALIBRATE);
	p->ns_per_iter = (authdecoy_cpu_ns() - t0) / AUTHDECOY_CALIBRATE;
	for (i = 0; i < p->ncls; i++) {
		t0 = authdecoy_cpu_ns();
		(void)pwhash_verify(p->cls[i].rep, "decoy");
		p->cls[i].ns = authdecoy_cpu_ns() - t0;
	}
	if (scram_rep != NULL) {
		p->cls[p->ncls].key[0] = '\0';
		p->cls[p->ncls].rep = scram_rep;
		p->cls[p->ncls++].ns = scram_iter * p->ns_per_iter;
	}
	p->dear = NULL;
	for (i = 0; i < p->ncls; i++)
		if (p->dear == NULL || p->cls[i].ns > p->dear->ns)
			p->dear = &p->cls[i];
}

static struct authdecoy_prof *
authdecoy_build(const struct conf *c)
{
	struct authdecoy_prof *p = calloc(1, sizeof(*p));
	struct authdecoy_scram forms[AUTHDECOY_FORMS];
	size_t count[AUTHDECOY_FORMS], nforms = 0, i;
	const char *scram_rep = NULL;
	unsigned scram_iter = 0;
	char key[AUTHDECOY_KEYLEN];
	struct pwscheme pw;

	if (p == NULL)
		return NULL;
	p->serial = c->serial;
	for (i = 0; i < c->nusers; i++) {
		if (pwscheme_parse(c->users[i].password, &pw, NULL, 0) != 0)
			continue;
		switch (pw.kind) {
		case PWSCHEME_PLAIN:
			p->scram.work = 1;
			break;
		case PWSCHEME_SCRAM_SHA256:
			authdecoy_tally(forms, count, &nforms, &pw);
			if (pw.iter > scram_iter) {
				scram_iter = pw.iter;
				scram_rep = c->users[i].password;
			}
			break;
		case PWSCHEME_CRYPT:
			authdecoy_crypt_key(pw.crypt, key, sizeof(key));
			if (authdecoy_class_find(p, key) != NULL ||
			    p->ncls == AUTHDECOY_CLASSES)
				break;
			memcpy(p->cls[p->ncls].key, key, sizeof(key));
			p->cls[p->ncls++].rep = c->users[i].password;
			break;
		case PWSCHEME_NONE:
			break;
		}
	}
	authdecoy_pick_form(p, forms, count, nforms);
	authdecoy_measure(p, scram_rep, scram_iter);
	return p;
}

/* c's profile, built if need be; the lock is held on return. */
static struct authdecoy_prof *
authdecoy_get(const struct conf *c)
{
	struct authdecoy_prof *fresh;
	size_t i;

	pthread_mutex_lock(&authdecoy_lock);
	for (i = 0; i < AUTHDECOY_SLOTS; i++)
		if (authdecoy_slots[i] != NULL &&
		    authdecoy_slots[i]->serial == c->serial)
			return authdecoy_slots[i];
	/* Timing the kinds takes a while: not under the lock. */
	pthread_mutex_unlock(&authdecoy_lock);
	fresh = authdecoy_build(c);
	pthread_mutex_lock(&authdecoy_lock);
	for (i = 0; i < AUTHDECOY_SLOTS; i++)
		if (authdecoy_slots[i] != NULL &&
		    authdecoy_slots[i]->serial == c->serial) {
			free(fresh);	/* another thread was first */
			return authdecoy_slots[i];
		}
	if (fresh != NULL) {
		i = authdecoy_next++ % AUTHDECOY_SLOTS;
		free(authdecoy_slots[i]);
		authdecoy_slots[i] = fresh;
	}
	return fresh;
}

void
authdecoy_scram(const struct conf *c, struct authdecoy_scram *out)
{
	const struct authdecoy_prof *p = authdecoy_get(c);

	out->iter = p != NULL ? p->scram.iter : AUTHDECOY_ITER;
	out->saltlen = p != NULL ? p->scram.saltlen : AUTHDECOY_SALT;
	out->work = p != NULL ? p->scram.work : 1;
	pthread_mutex_unlock(&authdecoy_lock);
}

/*
 * What checking stored costs in p (parsed into pw; kind NONE for no
 * user): a crypt kind not timed counts as the dearest.
 */
static double
authdecoy_cost(struct authdecoy_prof *p, const struct pwscheme *pw,
    const char *key)
{
	const struct authdecoy_class *k;

	switch (pw->kind) {
	case PWSCHEME_SCRAM_SHA256:
		return pw->iter * p->ns_per_iter;
	case PWSCHEME_CRYPT:
		k = authdecoy_class_find(p, key);
		return k != NULL ? k->ns : p->dear->ns;
	default:
		return 0;
	}
}

static void
authdecoy_plan(struct authdecoy_prof *p, const struct pwscheme *pw,
    const char *key, struct authdecoy_plan *plan)
{
	double own;

	plan->dear = NULL;
	plan->pad_iter = 0;
	if (p == NULL || p->dear == NULL)
		return;
	own = pw->kind == PWSCHEME_NONE ? 0 : authdecoy_cost(p, pw, key);
	/*
	 * Next to nothing ({PLAIN}, no user): the dearest check itself, the
	 * very work its users cost. Somewhat cheaper: the difference, in
	 * PBKDF2 iterations. Within 5 %: nothing, that is noise.
	 */
	if (own * 8 < p->dear->ns)
		plan->dear = p->dear->rep;
	else if (own < p->dear->ns * 0.95 && p->ns_per_iter > 0)
		plan->pad_iter = (unsigned)((p->dear->ns - own) /
		    p->ns_per_iter);
}

void
authdecoy_check(const struct conf *c, const char *stored,
    const char *password)
{
	struct authdecoy_plan plan;
	struct pwscheme pw;
	char key[AUTHDECOY_KEYLEN] = "";

	/* Parsed before the lock is taken, and it is held briefly. */
	if (stored == NULL || pwscheme_parse(stored, &pw, NULL, 0) != 0)
		pw.kind = PWSCHEME_NONE;
	else if (pw.kind == PWSCHEME_CRYPT)
		authdecoy_crypt_key(pw.crypt, key, sizeof(key));
	authdecoy_plan(authdecoy_get(c), &pw, key, &plan);
	pthread_mutex_unlock(&authdecoy_lock);
	if (plan.dear != NULL)
		(void)pwhash_verify(plan.dear, password);
	if (plan.pad_iter > 0)
		authdecoy_pbkdf2(plan.pad_iter);
}

void
authdecoy_flush(void)
{
	size_t i;

	pthread_mutex_lock(&authdecoy_lock);
	for (i = 0; i < AUTHDECOY_SLOTS; i++) {
		free(authdecoy_slots[i]);
		authdecoy_slots[i] = NULL;
	}
	pthread_mutex_unlock(&authdecoy_lock);
}
