/*
 * conf_risk: the loader's last check, made once every list is built:
 * lists that would let (nearly) everyone relay are refused, however
 * they are split into entries. Internal to config/ (and its tests).
 */
#ifndef RELAYMILTER_CONF_RISK_H
#define RELAYMILTER_CONF_RISK_H

#include <stddef.h>

#include "conf_read.h"

/*
 * conf_risk_check -- refuse, as "file:line: message" in L->err, a
 * local.lan or always_allow_from (top level or a services entry given
 * its own list) whose networks, alone or together with local.lan, cover
 * half of IPv4 or more (2^31 addresses, IPv4-mapped IPv6 counted as
 * IPv4) or all of 2000::/3; and a domain entry of local.domains,
 * local.domain_aliases, always_allow_from or always_allow_to that
 * conf_risk_domain refuses. Warns (conf_read_warn) of a list wider in
 * all than a /8 of IPv4 or a /32 of 2000::/3, when no single entry
 * already drew conf_load's warning for that family. root is the
 * file's root setting and L->c the conf built from it. Returns 0 or -1.
 */
int conf_risk_check(struct loader *L, const config_setting_t *root);

/*
 * conf_risk_domain -- 0 if the domain pattern p (a domain, ".domain" or
 * a domain literal; what domset_add accepts) may stand in a list, -1
 * with a message in err if it is a single label ("com", ".com"; only the
 * exact "localhost" is allowed) or a public suffix ("co.uk", ".co.uk",
 * "github.io"), by the public suffix list of libpsl (the newer of its
 * built-in copy and the system's, Debian's publicsuffix). A pattern that
 * is not a valid domain is left to domset_add: 0. Thread-safe; loads
 * the list once per process.
 */
int conf_risk_domain(const char *p, char *err, size_t errlen);

#endif
