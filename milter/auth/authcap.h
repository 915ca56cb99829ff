/*
 * authcap: a cap on the exchanges one client network has open at once
 * on the auth services (throttle_client_key: an IPv4 address, or an IPv6
 * /64, as a client picks any address inside its /64), so one client
 * cannot take every slot.
 */
#ifndef RELAYMILTER_AUTHCAP_H
#define RELAYMILTER_AUTHCAP_H

#include <stddef.h>

#define AUTHCAP_PER_CLIENT	8	/* open exchanges per client network */

/*
 * authcap_enter -- count one more open exchange for rip's network.
 * Returns 1 when counted (the caller must call authcap_leave with the
 * same rip when the exchange ends), 0 when rip has no address (nothing
 * counted, nothing to leave), -1 when the network already has
 * AUTHCAP_PER_CLIENT open (refuse the exchange). Thread-safe.
 */
int authcap_enter(const char *rip);

/* authcap_leave -- the exchange counted by authcap_enter(rip) ended. */
void authcap_leave(const char *rip);

#endif
