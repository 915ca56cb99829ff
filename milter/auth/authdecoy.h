/*
 * authdecoy: the work and the answers that keep a probe from telling
 * which names are users. Per config (computed at its first use, then
 * cached): the form in which a name without a stored SCRAM secret is
 * presented (the iteration count and salt length most of the config's
 * SCRAM users have), and the dearest stored password of the config
 * (the SCRAM secret with the most iterations or the crypt hash of the
 * highest cost, by measuring one of each kind), whose work a check
 * spends when the name is no user or the user's own scheme is cheaper.
 */
#ifndef RELAYMILTER_AUTHDECOY_H
#define RELAYMILTER_AUTHDECOY_H

#include "conf.h"

/* How SCRAM-SHA-256 presents a name without a stored SCRAM secret. */
struct authdecoy_scram {
	unsigned	 iter;		/* iteration count */
	size_t		 saltlen;	/* salt bytes */
	/*
	 * 1 when a SCRAM exchange of some user derives its keys with PBKDF2
	 * (a {PLAIN} user's): every exchange then spends that work, at the
	 * iteration count it presented.
	 */
	int		 work;
};

/*
 * authdecoy_scram -- c's presentation for names without a stored SCRAM
 * secret, into out: the (iterations, salt length) pair most of c's
 * {SCRAM-SHA-256} users have (a tie goes to more iterations, then the
 * longer salt), or relayctl pw's 4096 and 16 when there are none.
 * Thread-safe (short lock; the first call for a config computes it).
 */
void authdecoy_scram(const struct conf *c, struct authdecoy_scram *out);

/*
 * authdecoy_check -- after a plaintext check against stored (NULL: the
 * name is no user), spend what makes it cost what the dearest stored
 * password of c costs: for no user, or a scheme costing less than an
 * eighth of it ({PLAIN}), one check of password against the dearest
 * itself; for a scheme a little cheaper, PBKDF2 iterations worth the
 * difference. The outcome is thrown away. Thread-safe; the first call
 * for a config measures one check of each kind of stored password.
 */
void authdecoy_check(const struct conf *c, const char *stored,
    const char *password);

/* authdecoy_flush -- forget the cached configs (at exit, for leak checks). */
void authdecoy_flush(void);

#endif
