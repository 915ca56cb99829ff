/*
 * nullmilter: the benchmark's anchor. A libmilter filter that decides
 * nothing, with the same negotiation as relaymilter (the same steps
 * skipped, the same no-reply flags, DATA answered with accept), so that
 * relaymilter's cost over it is the cost of its relaying logic.
 * Usage: nullmilter SOCKET (unix:/path or inet:port@host).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libmilter/mfapi.h>

static sfsistat
null_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx;
	(void)f2;
	(void)f3;
	*pf0 = f0 & SMFIF_SETSYMLIST;
	*pf1 = f1 & (SMFIP_NR_CONN | SMFIP_NR_MAIL | SMFIP_NOHELO |
	    SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOBODY | SMFIP_NOUNKNOWN);
	*pf2 = *pf3 = 0;
	smfi_setpriv(ctx, (void *)(uintptr_t)*pf1);
	return SMFIS_CONTINUE;
}

static sfsistat
null_reply(SMFICTX *ctx, unsigned long flag)
{
	return ((uintptr_t)smfi_getpriv(ctx) & flag) ? SMFIS_NOREPLY :
	    SMFIS_CONTINUE;
}

static sfsistat
null_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	(void)host;
	(void)sa;
	return null_reply(ctx, SMFIP_NR_CONN);
}

static sfsistat
null_envfrom(SMFICTX *ctx, char **argv)
{
	(void)argv;
	return null_reply(ctx, SMFIP_NR_MAIL);
}

static sfsistat
null_envrcpt(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return SMFIS_CONTINUE;
}

static sfsistat
null_data(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_ACCEPT;
}

static sfsistat
null_close(SMFICTX *ctx)
{
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

int
main(int argc, char **argv)
{
	struct smfiDesc d = {
		.xxfi_name = "nullmilter",
		.xxfi_version = SMFI_VERSION,
		.xxfi_connect = null_connect,
		.xxfi_envfrom = null_envfrom,
		.xxfi_envrcpt = null_envrcpt,
		.xxfi_data = null_data,
		.xxfi_close = null_close,
		.xxfi_negotiate = null_negotiate,
	};

	if (argc != 2) {
		fprintf(stderr, "usage: nullmilter SOCKET\n");
		return 64;
	}
	if (smfi_register(d) == MI_FAILURE || smfi_setconn(argv[1]) ==
	    MI_FAILURE || smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "nullmilter: cannot listen on %s\n", argv[1]);
		return 69;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 70;
}
